//! Orders: the inbox, one order, its steps and problems, and today's work.

use tauri::State;
use vefa::messages::{Draft, MessageKind};
use vefa::orders::{Act, Order, OrderPage, OrderQuery, ProblemKind, Today};

use super::Reply;
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_orders(state: State<'_, AppState>, query: OrderQuery) -> Reply<OrderPage> {
    Ok(state.vefa().await?.orders(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_order(state: State<'_, AppState>, id: i32) -> Reply<Order> {
    Ok(state.vefa().await?.order(id).await?)
}

/// The message a move or problem would send, for the seller to read and edit first.
#[tauri::command]
#[specta::specta]
pub async fn draft_order_message(
    state: State<'_, AppState>,
    id: i32,
    kind: MessageKind,
    carrier: Option<String>,
    tracking: Option<String>,
) -> Reply<Draft> {
    let shipment = carrier.as_deref().zip(tracking.as_deref());
    Ok(state
        .vefa()
        .await?
        .draft_order_message(id, kind, shipment)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn act_on_order(
    state: State<'_, AppState>,
    id: i32,
    act: Act,
    message: Option<Draft>,
) -> Reply<Order> {
    let order = state
        .vefa()
        .await?
        .act_on_order_with_message(id, &act, message.as_ref())
        .await?;
    if message.is_some() {
        state.sender.nudge();
    }
    Ok(order)
}

#[tauri::command]
#[specta::specta]
pub async fn open_order_problem(
    state: State<'_, AppState>,
    id: i32,
    kind: ProblemKind,
    note: String,
    message: Option<Draft>,
) -> Reply<Order> {
    let order = state
        .vefa()
        .await?
        .open_order_problem_with_message(id, kind, &note, message.as_ref())
        .await?;
    if message.is_some() {
        state.sender.nudge();
    }
    Ok(order)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_order_problem(
    state: State<'_, AppState>,
    id: i32,
    problem_id: i32,
    resolution: String,
) -> Reply<Order> {
    Ok(state
        .vefa()
        .await?
        .resolve_order_problem(id, problem_id, &resolution)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn note_order(state: State<'_, AppState>, id: i32, text: String) -> Reply<Order> {
    Ok(state.vefa().await?.note_order(id, &text).await?)
}

/// The dashboard's "today": orders waiting, to ship, late, due; problems; returns.
#[tauri::command]
#[specta::specta]
pub async fn orders_today(state: State<'_, AppState>) -> Reply<Today> {
    Ok(state.vefa().await?.today().await?)
}
