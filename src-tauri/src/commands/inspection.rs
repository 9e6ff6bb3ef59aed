//! Checking parcels before the courier: checklists, a run, photos, paperwork, the week.

use serde::Serialize;
use specta::Type;
use tauri::State;
use vefa::inspection::figures::Week;
use vefa::inspection::{Inspection, InspectionOp, Step, Template};
use vefa::messages::Draft;
use vefa::shop::profile::PhotoUpload;
use vefa::{Inspected, Printed};

use super::Reply;
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn inspection_templates(state: State<'_, AppState>) -> Reply<Vec<Template>> {
    Ok(state.vefa().await?.inspection_templates().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_inspection_template(
    state: State<'_, AppState>,
    family: String,
    steps: Vec<Step>,
) -> Reply<Template> {
    Ok(state
        .vefa()
        .await?
        .save_inspection_template(&family, &steps)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reset_inspection_template(state: State<'_, AppState>, family: String) -> Reply<()> {
    Ok(state
        .vefa()
        .await?
        .reset_inspection_template(&family)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_inspection(state: State<'_, AppState>, order_id: i32) -> Reply<Inspection> {
    Ok(state.vefa().await?.inspection(order_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inspect(
    state: State<'_, AppState>,
    order_id: i32,
    op: InspectionOp,
    packer: Option<String>,
    message: Option<Draft>,
) -> Reply<Inspected> {
    let done = state
        .vefa()
        .await?
        .inspect(order_id, &op, packer.as_deref(), message.as_ref())
        .await?;
    if message.is_some() {
        state.sender.nudge();
    }
    Ok(done)
}

#[tauri::command]
#[specta::specta]
pub async fn inspection_photo(
    state: State<'_, AppState>,
    order_id: i32,
    key: String,
    upload: PhotoUpload,
    packer: Option<String>,
) -> Reply<Inspected> {
    Ok(state
        .vefa()
        .await?
        .inspection_photo(order_id, &key, &upload, packer.as_deref())
        .await?)
}

/// The batch's paperwork, written to the app's `print` folder and opened in the system browser,
/// which prints it (or saves a PDF). `opened` is false when no browser could be started: the
/// window then shows where the files are.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PrintReply {
    pub printed: Printed,
    pub opened: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn print_packing(state: State<'_, AppState>, order_ids: Vec<i32>) -> Reply<PrintReply> {
    let printed = state.vefa().await?.print_packing(&order_ids, None).await?;
    let opened = [&printed.pick_list_file, &printed.slips_file]
        .iter()
        .all(|f| open::that_detached(f.as_str()).is_ok());
    Ok(PrintReply { printed, opened })
}

#[tauri::command]
#[specta::specta]
pub async fn inspection_week(state: State<'_, AppState>) -> Reply<Week> {
    Ok(state.vefa().await?.inspection_week(None).await?)
}
