//! Forwards the core's change feed to the window as one `ChangesEvent` per burst: changes made in
//! this process at once, changes other processes logged within half a second. A burst that touched
//! orders also looks for new ones to announce (`alerts.rs`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;
use vefa::{Change, ChangeKind};

use crate::AppState;

#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ChangesEvent {
    pub changes: Vec<Change>,
}

/// How often the change log is read for other processes' writes: one indexed query. Half a
/// second keeps an order another process stored within a second of its notification.
const POLL: Duration = Duration::from_millis(500);
/// Changes arriving this close together go out as one event.
const COALESCE: Duration = Duration::from_millis(30);

pub fn forward(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Ok(vefa) = state.vefa().await else {
            return;
        };
        let feed = vefa.changes();
        let db = vefa.connection();
        let mut local = feed.subscribe();
        let mut after = feed.latest_id(db).await.unwrap_or(0);
        let mut poll = tokio::time::interval(POLL);
        let mut alerts = crate::alerts::Alerts::start(vefa).await;
        loop {
            let mut batch = Vec::new();
            tokio::select! {
                heard = local.recv() => match heard {
                    Ok(change) => batch.push(change),
                    // Missed some: the window reloads what it shows either way.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                _ = poll.tick() => match feed.foreign_since(db, &mut after).await {
                    Ok(changes) => batch.extend(changes),
                    Err(e) => tracing::warn!(error = %e, "reading the change log failed"),
                },
            }
            tokio::time::sleep(COALESCE).await;
            while let Ok(change) = local.try_recv() {
                batch.push(change);
            }
            let orders = batch.iter().any(|c| c.kind == ChangeKind::Orders);
            if !batch.is_empty()
                && let Err(e) = (ChangesEvent { changes: batch }).emit(&app)
            {
                tracing::warn!(error = %e, "could not tell the window about changes");
            }
            if orders {
                alerts
                    .orders_changed(&app, vefa, state.notifier.clone())
                    .await;
            }
        }
    });
}
