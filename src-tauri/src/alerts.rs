//! Desktop notifications for new marketplace orders: after every change to orders (from this
//! process or another), the orders stored since the last look are announced — one notification
//! each, or one that counts them. What to say is the core's; this only shows it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use vefa::Vefa;
use vefa::infra::notifications::{Notification, Notifier};

/// A click on a new-order notification: the window opens the order (or the inbox).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct OpenOrderEvent {
    pub order_id: Option<i32>,
}

/// The last order announced, and the announcing.
pub struct Alerts {
    after: i32,
}

impl Alerts {
    /// Orders already stored when the app starts are not news: the inbox shows them.
    pub async fn start(vefa: &Vefa) -> Self {
        Self {
            after: vefa.newest_order_id().await.unwrap_or(0),
        }
    }

    pub async fn orders_changed(
        &mut self,
        app: &AppHandle,
        vefa: &Vefa,
        notifier: Arc<dyn Notifier>,
    ) {
        let (next, notes) = match vefa.new_order_notifications(self.after).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "looking for new orders");
                return;
            }
        };
        self.after = next;
        show(app, notifier, notes).await;
    }
}

/// Shows `notes`, each opening its order when clicked. The notifier blocks on D-Bus (behind its
/// own deadline), so this runs off the async runtime.
async fn show(app: &AppHandle, notifier: Arc<dyn Notifier>, notes: Vec<Notification>) {
    if notes.is_empty() {
        return;
    }
    let app = app.clone();
    let shown = tauri::async_runtime::spawn_blocking(move || {
        for n in &notes {
            let app = app.clone();
            let order_id = n.order_id;
            let open = Box::new(move || open_order(&app, order_id));
            if let Err(e) = notifier.notify_then(n, open) {
                tracing::warn!(error = %e, summary = %n.summary, "a notification");
            }
        }
    });
    let _ = shown.await;
}

/// Brings the window forward on an order (or the inbox).
fn open_order(app: &AppHandle, order_id: Option<i32>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Err(e) = (OpenOrderEvent { order_id }).emit(app) {
        tracing::warn!(error = %e, "could not open the order in the window");
    }
}

/// How often reminders are looked for: an order's wait is counted in minutes.
const REMINDER_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Reminds the seller of orders unconfirmed past their limit and of orders near or past their
/// ship-by date: each once while the app runs; the dashboard keeps showing them.
pub fn remind(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<crate::AppState>();
        let Ok(vefa) = state.vefa().await else {
            return;
        };
        let mut reminded = std::collections::HashSet::new();
        loop {
            match vefa.due_reminders().await {
                Ok(due) => {
                    let fresh: Vec<_> = due
                        .into_iter()
                        .filter(|(key, _)| reminded.insert(*key))
                        .map(|(_, n)| n)
                        .collect();
                    show(&app, state.notifier.clone(), fresh).await;
                }
                Err(e) => tracing::warn!(error = %e, "looking for reminders"),
            }
            tokio::time::sleep(REMINDER_EVERY).await;
        }
    });
}
