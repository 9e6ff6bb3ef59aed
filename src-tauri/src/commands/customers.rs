//! Buyers: the list and record, points and coupons, offers, the complaint book, follow-ups.

use tauri::State;
use vefa::CustomerRecord;
use vefa::customers::feedback::{Apology, Feedback, FeedbackInput};
use vefa::customers::followup::{FollowUp, FollowUpQueue};
use vefa::customers::loyalty::LoyaltyRules;
use vefa::customers::offers::{Offer, OfferInput, Suggestion};
use vefa::customers::{CustomerEdit, CustomerPage};
use vefa::messages::Draft;

use super::Reply;
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_customers(
    state: State<'_, AppState>,
    search: String,
    limit: u32,
) -> Reply<CustomerPage> {
    Ok(state.vefa().await?.customers(&search, limit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_customer(state: State<'_, AppState>, id: i32) -> Reply<CustomerRecord> {
    Ok(state.vefa().await?.customer_record(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn adjust_points(
    state: State<'_, AppState>,
    id: i32,
    points: i32,
    reason: String,
) -> Reply<CustomerRecord> {
    let vefa = state.vefa().await?;
    vefa.adjust_points(id, i64::from(points), &reason).await?;
    Ok(vefa.customer_record(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn coupon_from_points(
    state: State<'_, AppState>,
    id: i32,
    points: i32,
) -> Reply<CustomerRecord> {
    let vefa = state.vefa().await?;
    vefa.coupon_from_points(id, i64::from(points)).await?;
    Ok(vefa.customer_record(id).await?)
}

/// Corrects a buyer's name, contacts, language and notes.
#[tauri::command]
#[specta::specta]
pub async fn update_customer(
    state: State<'_, AppState>,
    id: i32,
    edit: CustomerEdit,
) -> Reply<CustomerRecord> {
    let vefa = state.vefa().await?;
    vefa.update_customer(id, &edit).await?;
    Ok(vefa.customer_record(id).await?)
}

/// Merges the duplicate record `gone` into `keep`; answers the kept buyer.
#[tauri::command]
#[specta::specta]
pub async fn merge_customers(
    state: State<'_, AppState>,
    keep: i32,
    gone: i32,
) -> Reply<CustomerRecord> {
    let vefa = state.vefa().await?;
    vefa.merge_customers(keep, gone).await?;
    Ok(vefa.customer_record(keep).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn offer_suggestions(
    state: State<'_, AppState>,
    id: i32,
    limit: u32,
) -> Reply<Vec<Suggestion>> {
    Ok(state.vefa().await?.offer_suggestions(id, limit).await?)
}

/// The offer's message as it would go, with `{code}` where its code will be.
#[tauri::command]
#[specta::specta]
pub async fn draft_offer(state: State<'_, AppState>, input: OfferInput) -> Reply<Draft> {
    Ok(state.vefa().await?.draft_offer(&input).await?)
}

/// Makes the offer (its coupon, and `message` or the default one queued) and wakes the sender.
#[tauri::command]
#[specta::specta]
pub async fn make_offer(
    state: State<'_, AppState>,
    input: OfferInput,
    message: Option<Draft>,
) -> Reply<Offer> {
    let offer = state
        .vefa()
        .await?
        .make_offer(&input, message.as_ref())
        .await?;
    state.sender.nudge();
    Ok(offer)
}

#[tauri::command]
#[specta::specta]
pub async fn loyalty_rules(state: State<'_, AppState>) -> Reply<LoyaltyRules> {
    Ok(state.vefa().await?.loyalty_rules().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_loyalty_rules(
    state: State<'_, AppState>,
    rules: LoyaltyRules,
) -> Reply<LoyaltyRules> {
    Ok(state.vefa().await?.save_loyalty_rules(&rules).await?)
}

/// The complaint and suggestion book, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_feedback(state: State<'_, AppState>, open_only: bool) -> Reply<Vec<Feedback>> {
    Ok(state.vefa().await?.feedback(open_only, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_feedback(state: State<'_, AppState>, input: FeedbackInput) -> Reply<Feedback> {
    Ok(state.vefa().await?.add_feedback(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_feedback(
    state: State<'_, AppState>,
    id: i32,
    action: String,
) -> Reply<Feedback> {
    Ok(state.vefa().await?.resolve_feedback(id, &action).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn compensate_feedback(
    state: State<'_, AppState>,
    id: i32,
    apology: Apology,
) -> Reply<Feedback> {
    Ok(state
        .vefa()
        .await?
        .compensate_feedback(id, &apology)
        .await?)
}

/// The follow-ups due after delivery, and those asked awaiting an answer.
#[tauri::command]
#[specta::specta]
pub async fn list_follow_ups(state: State<'_, AppState>) -> Reply<FollowUpQueue> {
    Ok(state.vefa().await?.follow_ups().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn draft_follow_up(state: State<'_, AppState>, order_id: i32) -> Reply<Draft> {
    Ok(state.vefa().await?.draft_follow_up(order_id).await?)
}

/// Marks the follow-up asked, queueing `message` (none when asked by phone).
#[tauri::command]
#[specta::specta]
pub async fn send_follow_up(
    state: State<'_, AppState>,
    order_id: i32,
    message: Option<Draft>,
) -> Reply<FollowUp> {
    Ok(state
        .vefa()
        .await?
        .send_follow_up(order_id, message.as_ref())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn answer_follow_up(
    state: State<'_, AppState>,
    order_id: i32,
    score: u8,
    comment: String,
) -> Reply<FollowUp> {
    Ok(state
        .vefa()
        .await?
        .answer_follow_up(order_id, score, &comment)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_follow_up(state: State<'_, AppState>, order_id: i32) -> Reply<FollowUp> {
    Ok(state.vefa().await?.dismiss_follow_up(order_id).await?)
}
