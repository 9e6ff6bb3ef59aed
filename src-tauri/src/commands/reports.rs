//! The weekly review, on screen and printed.

use serde::Serialize;
use specta::Type;
use tauri::State;
use vefa::reports::{IsoWeek, WeeklyReview};

use super::Reply;
use crate::AppState;

/// The weekly review of `week` ("2026-W47"; the last complete week when None).
#[tauri::command]
#[specta::specta]
pub async fn weekly_review(
    state: State<'_, AppState>,
    week: Option<String>,
) -> Reply<WeeklyReview> {
    Ok(state
        .vefa()
        .await?
        .weekly_review(IsoWeek::parse_optional(week.as_deref())?)
        .await?)
}

/// The review as a page in the `print` folder, opened in the system browser to print or save
/// as PDF; `opened` is false when no browser could be started.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PrintedPage {
    pub file: String,
    pub opened: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn print_weekly_review(
    state: State<'_, AppState>,
    week: Option<String>,
) -> Reply<PrintedPage> {
    let file = state
        .vefa()
        .await?
        .print_weekly_review(IsoWeek::parse_optional(week.as_deref())?, None)
        .await?;
    let opened = open::that_detached(&file).is_ok();
    Ok(PrintedPage {
        file: file.display().to_string(),
        opened,
    })
}
