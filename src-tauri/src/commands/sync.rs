//! Marketplaces: connecting a shop, the sandbox shop, syncing, and listing conflicts.

use tauri::State;
use vefa::catalog::listings::Listing;

use super::Reply;
use crate::AppState;
use crate::syncer::{EtsyLogin, Marketplaces};
use vefa::sync::listings::{Choice, ListingConflict};

/// The connected marketplaces, what waits for them, and the last sync.
#[tauri::command]
#[specta::specta]
pub async fn marketplaces(state: State<'_, AppState>) -> Reply<Marketplaces> {
    state.syncer.view(state.vefa().await?).await
}

/// "Try Vefa with a sandbox shop": starts it inside the app, connects it and syncs.
#[tauri::command]
#[specta::specta]
pub async fn start_sandbox_shop(state: State<'_, AppState>) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    state.syncer.start_sandbox(vefa).await?;
    state.syncer.view(vefa).await
}

/// "Connect an Etsy shop": the consent page in the system browser, the approval back on the
/// loopback address, then a first sync.
#[tauri::command]
#[specta::specta]
pub async fn connect_etsy(state: State<'_, AppState>, login: EtsyLogin) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    state.syncer.connect_etsy(vefa, login).await?;
    state.syncer.view(vefa).await
}

/// Gives up waiting for the seller's approval on Etsy: the waiting `connect_etsy` ends with
/// `marketplace_login_cancelled`, having stored nothing.
#[tauri::command]
#[specta::specta]
pub async fn cancel_connect(state: State<'_, AppState>) -> Reply<()> {
    state.vefa().await?.cancel_login();
    Ok(())
}

/// "Sync now".
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    state.syncer.round(vefa).await?;
    state.syncer.view(vefa).await
}

/// "Try again" on a change the marketplace did not take: it goes with the next sync, which
/// runs now.
#[tauri::command]
#[specta::specta]
pub async fn retry_push(state: State<'_, AppState>, id: i32) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    vefa.retry_push(id).await?;
    state.syncer.round(vefa).await?;
    state.syncer.view(vefa).await
}

/// Listing fields changed both here and on a marketplace (of one listing, or all).
#[tauri::command]
#[specta::specta]
pub async fn listing_conflicts(
    state: State<'_, AppState>,
    listing_id: Option<i32>,
) -> Reply<Vec<ListingConflict>> {
    Ok(state.vefa().await?.listing_conflicts(listing_id).await?)
}

/// The seller's side of a conflict; returns the listing as it now is.
#[tauri::command]
#[specta::specta]
pub async fn resolve_listing_conflict(
    state: State<'_, AppState>,
    id: i32,
    choice: Choice,
) -> Reply<Listing> {
    Ok(state
        .vefa()
        .await?
        .resolve_listing_conflict(id, choice)
        .await?)
}
