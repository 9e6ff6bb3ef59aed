//! Listings: the table, the editor, photos, completeness rules, CSV import and export.

use std::path::Path;

use serde::Serialize;
use specta::Type;
use tauri::State;
use tauri::ipc::Channel;
use vefa::catalog::completeness::{Rule, RuleSets};
use vefa::catalog::csv::{Format, ImportSummary};
use vefa::catalog::listings::{
    CatalogHealth, Listing, ListingInput, ListingPage, ListingPhoto, ListingPreview, ListingQuery,
};
use vefa::shop::profile::PhotoUpload;

use super::Reply;
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_listings(state: State<'_, AppState>, query: ListingQuery) -> Reply<ListingPage> {
    Ok(state.vefa().await?.listings(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_listing(state: State<'_, AppState>, id: i32) -> Reply<Listing> {
    Ok(state.vefa().await?.listing(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn preview_listing(
    state: State<'_, AppState>,
    id: Option<i32>,
    input: ListingInput,
) -> Reply<ListingPreview> {
    Ok(state.vefa().await?.preview_listing(id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_listing(state: State<'_, AppState>, input: ListingInput) -> Reply<Listing> {
    Ok(state.vefa().await?.create_listing(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_listing(
    state: State<'_, AppState>,
    id: i32,
    input: ListingInput,
) -> Reply<Listing> {
    Ok(state.vefa().await?.update_listing(id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_listing(state: State<'_, AppState>, id: i32) -> Reply<Listing> {
    Ok(state.vefa().await?.duplicate_listing(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn archive_listing(state: State<'_, AppState>, id: i32, archived: bool) -> Reply<()> {
    Ok(state.vefa().await?.archive_listing(id, archived).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_listing_photo(
    state: State<'_, AppState>,
    upload: PhotoUpload,
) -> Reply<ListingPhoto> {
    Ok(state.vefa().await?.add_listing_photo(&upload).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn completeness_rules(state: State<'_, AppState>) -> Reply<RuleSets> {
    Ok(state.vefa().await?.completeness_rules().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn catalog_health(state: State<'_, AppState>) -> Reply<CatalogHealth> {
    Ok(state.vefa().await?.catalog_health().await?)
}

/// How far an import is, sent as it goes.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn import_listings(
    state: State<'_, AppState>,
    path: String,
    format: Option<Format>,
    strict: bool,
    dry_run: bool,
    progress: Channel<ImportProgress>,
) -> Reply<ImportSummary> {
    let report = |done, total| {
        let _ = progress.send(ImportProgress { done, total });
    };
    Ok(state
        .vefa()
        .await?
        .import_listings(Path::new(&path), format, strict, dry_run, &report)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn export_listings(
    state: State<'_, AppState>,
    path: String,
    query: ListingQuery,
) -> Reply<u32> {
    Ok(state
        .vefa()
        .await?
        .export_listings(Path::new(&path), &query)
        .await?)
}

/// Replaces a family's completeness rules and rescores its listings; returns how many scores
/// changed.
#[tauri::command]
#[specta::specta]
pub async fn save_family_rules(
    state: State<'_, AppState>,
    family: String,
    rules: Vec<Rule>,
) -> Reply<u32> {
    let changed = state
        .vefa()
        .await?
        .save_family_rules(&family, &rules)
        .await?;
    Ok(u32::try_from(changed).unwrap_or(u32::MAX))
}
