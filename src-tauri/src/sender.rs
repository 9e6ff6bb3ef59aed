//! Sends the messages to buyers that are due: at start, every half minute, and at once when a
//! command queues one. Sending is the core's (`Vefa::send_due_messages`); this only decides when.
//! The loyalty round (idle points expire, buyers are warned before theirs do) runs here too, at
//! start and hourly, so its warnings go out with the next round.

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tokio::sync::Notify;
use vefa::infra::secrets::Keychain;

use crate::AppState;

/// How often due messages (retries after a wait) are looked for without a nudge.
const EVERY: Duration = Duration::from_secs(30);
/// How often the loyalty round runs; it is idempotent, so a restart running it again is harmless.
const LOYALTY_EVERY: Duration = Duration::from_secs(3600);

/// Wakes the sender when a command has queued a message.
#[derive(Clone, Default)]
pub struct Nudge(Arc<Notify>);

impl Nudge {
    pub fn nudge(&self) {
        self.0.notify_one();
    }
}

pub fn run(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Ok(vefa) = state.vefa().await else {
            return;
        };
        let wake = state.sender.0.clone();
        let mut loyalty_due = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= loyalty_due {
                loyalty_due += LOYALTY_EVERY;
                match vefa.loyalty_housekeeping().await {
                    Ok(h) if h.expired + h.warned > 0 => {
                        tracing::info!(expired = h.expired, warned = h.warned, "loyalty round");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "loyalty round"),
                }
            }
            if let Err(e) = round(vefa).await {
                tracing::warn!(error = %e, "sending messages to buyers");
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(EVERY) => {}
            }
        }
    });
}

async fn round(vefa: &vefa::Vefa) -> Result<(), String> {
    let keychain = Keychain::new(vefa::APP_ID);
    let Some(mailer) = vefa
        .smtp_mailer(&keychain)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    let report = vefa
        .send_due_messages(&mailer)
        .await
        .map_err(|e| e.to_string())?;
    if report != Default::default() {
        tracing::info!(?report, "messages to buyers");
    }
    Ok(())
}
