//! What needs the seller today: orders waiting for confirmation (and how long), orders to ship,
//! orders late or due to leave within a day, open problems, returns waiting — and the reminders
//! the desk raises for an order unconfirmed past the seller's limit or near its ship-by date.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use specta::Type;

use super::inbox::counts;
use super::status::OrderStatus;
use crate::error::Result;
use crate::infra::notifications::Notification;
use crate::infra::store::entity::{customer, order_problem, sales_order};
use crate::locale::UiLanguage;
use crate::shop::settings::Settings;

/// Orders listed per heading; the counts say how many there are in all.
const LISTED: u64 = 20;
/// An order due to leave within this is "due soon".
pub const SOON: Duration = Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Waiting {
    pub id: i32,
    /// As buyers know it: "#3012".
    pub number: String,
    pub buyer: String,
    pub placed_at: DateTime<Utc>,
    pub ship_by: Option<DateTime<Utc>>,
    /// Since it was placed.
    pub minutes: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Today {
    /// New orders, oldest first.
    pub unconfirmed: Vec<Waiting>,
    pub unconfirmed_count: i32,
    /// Of those, waiting longer than the seller's limit.
    pub unconfirmed_late: i32,
    pub confirm_within_minutes: u32,
    /// Confirmed or packed, not yet shipped.
    pub to_ship: i32,
    /// Not shipped and past their ship-by date, most overdue first.
    pub late: Vec<Waiting>,
    /// Not shipped, due to leave within a day.
    pub due_soon: Vec<Waiting>,
    pub problems_open: i32,
    /// Returns requested or received, not yet refunded or exchanged.
    pub returns_waiting: i32,
}

const BEFORE_DISPATCH: [OrderStatus; 3] = [
    OrderStatus::New,
    OrderStatus::Confirmed,
    OrderStatus::ReadyToShip,
];

fn statuses(s: &[OrderStatus]) -> Vec<&'static str> {
    s.iter().map(|s| s.as_str()).collect()
}

async fn waiting<C: ConnectionTrait>(
    db: &C,
    rows: Vec<sales_order::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<Waiting>> {
    let ids: Vec<i32> = rows.iter().map(|o| o.customer_id).collect();
    let names: std::collections::HashMap<i32, String> = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::Name)
        .filter(customer::Column::Id.is_in(ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|o| Waiting {
            id: o.id,
            number: crate::orders::store::shown_number(&o),
            buyer: names.get(&o.customer_id).cloned().unwrap_or_default(),
            placed_at: o.placed_at,
            ship_by: o.ship_by,
            minutes: (now - o.placed_at)
                .num_minutes()
                .clamp(0, i64::from(i32::MAX)) as i32,
        })
        .collect())
}

pub async fn today<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Today> {
    let counts = counts(db).await?;
    let count = |s: OrderStatus| {
        counts
            .iter()
            .find(|c| c.status == s)
            .map_or(0, |c| c.orders)
            .clamp(0, i64::from(i32::MAX)) as i32
    };
    let limit = now - Duration::minutes(i64::from(settings.confirm_within_minutes));
    let new = sales_order::Column::Status.eq(OrderStatus::New.as_str());
    let unconfirmed = sales_order::Entity::find()
        .filter(new.clone())
        .order_by_asc(sales_order::Column::PlacedAt)
        .limit(LISTED)
        .all(db)
        .await?;
    let unconfirmed_late = sales_order::Entity::find()
        .filter(new)
        .filter(sales_order::Column::PlacedAt.lt(limit))
        .count(db)
        .await?;
    let open = sales_order::Column::Status.is_in(statuses(&BEFORE_DISPATCH));
    let late = sales_order::Entity::find()
        .filter(open.clone())
        .filter(sales_order::Column::ShipBy.lt(now))
        .order_by_asc(sales_order::Column::ShipBy)
        .limit(LISTED)
        .all(db)
        .await?;
    let due_soon = sales_order::Entity::find()
        .filter(open)
        .filter(sales_order::Column::ShipBy.gte(now))
        .filter(sales_order::Column::ShipBy.lt(now + SOON))
        .order_by_asc(sales_order::Column::ShipBy)
        .limit(LISTED)
        .all(db)
        .await?;
    let problems_open = order_problem::Entity::find()
        .filter(order_problem::Column::ResolvedAt.is_null())
        .count(db)
        .await?;
    Ok(Today {
        unconfirmed: waiting(db, unconfirmed, now).await?,
        unconfirmed_count: count(OrderStatus::New),
        unconfirmed_late: unconfirmed_late.min(i32::MAX as u64) as i32,
        confirm_within_minutes: settings.confirm_within_minutes,
        to_ship: count(OrderStatus::Confirmed) + count(OrderStatus::ReadyToShip),
        late: waiting(db, late, now).await?,
        due_soon: waiting(db, due_soon, now).await?,
        problems_open: problems_open.min(i32::MAX as u64) as i32,
        returns_waiting: count(OrderStatus::ReturnRequested) + count(OrderStatus::ReturnReceived),
    })
}

/// What a reminder is about; the desk reminds of each once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reminder {
    Unconfirmed(i32),
    ShipBy(i32),
}

/// The reminders due now, with their notifications in `language`: orders unconfirmed past the
/// limit, and orders not shipped whose ship-by date is within a day or past — each only if the
/// seller wants that kind.
pub fn reminders(
    today: &Today,
    settings: &Settings,
    language: UiLanguage,
) -> Vec<(Reminder, Notification)> {
    let mut out = Vec::new();
    if settings.notify_unconfirmed {
        for w in today
            .unconfirmed
            .iter()
            .filter(|w| w.minutes >= settings.confirm_within_minutes as i32)
        {
            let (summary, body) = match language {
                UiLanguage::En => (
                    format!("Order {} is waiting for you", w.number),
                    format!(
                        "{} ordered {} minutes ago. Confirm it now.",
                        w.buyer, w.minutes
                    ),
                ),
                UiLanguage::Az => (
                    format!("{} nömrəli sifariş sizi gözləyir", w.number),
                    format!(
                        "{} {} dəqiqə əvvəl sifariş verib. İndi təsdiqləyin.",
                        w.buyer, w.minutes
                    ),
                ),
                UiLanguage::Tr => (
                    format!("{} numaralı sipariş sizi bekliyor", w.number),
                    format!(
                        "{} {} dakika önce sipariş verdi. Şimdi onaylayın.",
                        w.buyer, w.minutes
                    ),
                ),
                UiLanguage::Fa => (
                    format!("سفارش {} منتظر شماست", w.number),
                    format!(
                        "{} {} دقیقه پیش سفارش داد. همین حالا تأیید کنید.",
                        w.buyer, w.minutes
                    ),
                ),
            };
            out.push((
                Reminder::Unconfirmed(w.id),
                Notification {
                    summary,
                    body,
                    order_id: Some(w.id),
                },
            ));
        }
    }
    if settings.notify_ship_by {
        for w in today.late.iter().chain(&today.due_soon) {
            let by = w
                .ship_by
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            let (summary, body) = match language {
                UiLanguage::En => (
                    format!("Order {} must leave by {by}", w.number),
                    format!("{} is waiting for the parcel.", w.buyer),
                ),
                UiLanguage::Az => (
                    format!(
                        "{} nömrəli sifariş {by} tarixinədək yola düşməlidir",
                        w.number
                    ),
                    format!("{} bağlamanı gözləyir.", w.buyer),
                ),
                UiLanguage::Tr => (
                    format!("{} numaralı sipariş {by} tarihine kadar çıkmalı", w.number),
                    format!("{} paketi bekliyor.", w.buyer),
                ),
                UiLanguage::Fa => (
                    format!("سفارش {} باید تا {by} ارسال شود", w.number),
                    format!("{} منتظر بسته است.", w.buyer),
                ),
            };
            out.push((
                Reminder::ShipBy(w.id),
                Notification {
                    summary,
                    body,
                    order_id: Some(w.id),
                },
            ));
        }
    }
    out
}
