//! Messages to buyers: an order's messages, acting on one, and the mail server.

use tauri::State;
use vefa::SmtpView;
use vefa::infra::secrets::Keychain;
use vefa::messages::{MessageAction, OutboxEntry, SmtpSettings};

use super::Reply;
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn order_messages(state: State<'_, AppState>, id: i32) -> Reply<Vec<OutboxEntry>> {
    Ok(state.vefa().await?.outbox(Some(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn act_on_message(
    state: State<'_, AppState>,
    id: i32,
    action: MessageAction,
) -> Reply<OutboxEntry> {
    let entry = state.vefa().await?.act_on_message(id, action).await?;
    state.sender.nudge();
    Ok(entry)
}

#[tauri::command]
#[specta::specta]
pub async fn get_smtp(state: State<'_, AppState>) -> Reply<SmtpView> {
    Ok(state
        .vefa()
        .await?
        .smtp_view(&Keychain::new(vefa::APP_ID))
        .await?)
}

/// Saves the SMTP server; a password given goes to the OS keychain, never the store.
#[tauri::command]
#[specta::specta]
pub async fn save_smtp(
    state: State<'_, AppState>,
    settings: SmtpSettings,
    password: Option<String>,
) -> Reply<SmtpView> {
    let vefa = state.vefa().await?;
    let keychain = Keychain::new(vefa::APP_ID);
    vefa.save_smtp_login(&settings, password.as_deref(), &keychain)
        .await?;
    state.sender.nudge();
    Ok(vefa.smtp_view(&keychain).await?)
}
