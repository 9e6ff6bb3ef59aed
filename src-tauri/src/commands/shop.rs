//! The shop itself: the app and store, the profile, preferences, the team, a test notification.

use serde::Serialize;
use specta::Type;
use tauri::State;
use vefa::infra::notifications::Notification;
use vefa::shop::profile::PhotoUpload;
use vefa::{Profile, ProfileInput, Settings, StoreInfo};

use super::Reply;
use crate::AppState;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub version: String,
    pub store: StoreInfo,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Reply<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        store: state.vefa().await?.info().clone(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn get_profile(state: State<'_, AppState>) -> Reply<Profile> {
    Ok(state.vefa().await?.profile().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_profile(state: State<'_, AppState>, input: ProfileInput) -> Reply<Profile> {
    Ok(state.vefa().await?.save_profile(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_profile_photo(state: State<'_, AppState>, upload: PhotoUpload) -> Reply<Profile> {
    Ok(state.vefa().await?.set_profile_photo(&upload).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_profile_photo(state: State<'_, AppState>) -> Reply<Profile> {
    Ok(state.vefa().await?.remove_profile_photo().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<Settings> {
    Ok(state.vefa().await?.settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Reply<Settings> {
    let saved = state.vefa().await?.save_settings(&settings).await?;
    // A new sync interval counts from the last sync, not after the old interval ran out.
    state.syncer.wake();
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
pub async fn send_test_notification(state: State<'_, AppState>) -> Reply<Notification> {
    Ok(state
        .vefa()
        .await?
        .send_test_notification(state.notifier.clone())
        .await?)
}

/// The window calls this once its first screen is interactive. With `VEFA_REPORT_READY` set, the
/// shell says so on standard output: the start-up benchmark times launch to this line, with no
/// WebDriver in the way.
#[tauri::command]
#[specta::specta]
pub async fn window_ready() -> Reply<()> {
    if std::env::var_os("VEFA_REPORT_READY").is_some() {
        println!("vefa: window ready");
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn get_team(state: State<'_, AppState>) -> Reply<Vec<String>> {
    Ok(state.vefa().await?.team().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_team(state: State<'_, AppState>, names: Vec<String>) -> Reply<Vec<String>> {
    Ok(state.vefa().await?.save_team(&names).await?)
}
