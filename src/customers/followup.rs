//! Follow-up after delivery: a delivered order enters the queue the rules' days after
//! delivery; the seller sends the follow-up message (how is it, 1–5, and a review request) or
//! lets it go, and records the buyer's answer. A low answer opens a complaint in the book, so
//! it is dealt with like any other.

use crate::error::FieldCode;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{OnConflict, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::customers::feedback::{self, Category, FeedbackInput, FeedbackKind};
use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::{customer, follow_up, sales_order};
use crate::messages::outbox::{self, Draft};
use crate::orders::{OrderStatus, store};

/// A follow-up past due this many days leaves the queue: asking a month late is worse than not.
pub const STALE_AFTER_DAYS: i64 = 30;
pub const MAX_COMMENT: usize = 4000;

/// Where a follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Delivered, not yet due.
    Waiting,
    /// Due: the seller should ask.
    Due,
    /// Asked, no answer yet.
    Asked,
    Answered,
    /// The seller let it go.
    Dismissed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FollowUp {
    pub order_id: i32,
    pub order_number: String,
    pub customer_id: i32,
    pub buyer: String,
    pub language: String,
    pub delivered_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub state: FollowUpState,
    pub sent_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub score: Option<u8>,
    pub comment: String,
    /// The complaint a low answer opened.
    pub feedback_id: Option<i32>,
}

/// The queue: what is due (oldest first), then what was asked and awaits an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FollowUpQueue {
    pub due: Vec<FollowUp>,
    pub asked: Vec<FollowUp>,
}

fn state(m: &follow_up::Model, due_at: DateTime<Utc>, now: DateTime<Utc>) -> FollowUpState {
    if m.answered_at.is_some() {
        FollowUpState::Answered
    } else if m.dismissed_at.is_some() {
        FollowUpState::Dismissed
    } else if m.sent_at.is_some() {
        FollowUpState::Asked
    } else if due_at <= now {
        FollowUpState::Due
    } else {
        FollowUpState::Waiting
    }
}

async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<follow_up::Model>,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<FollowUp>> {
    let orders: std::collections::HashMap<i32, sales_order::Model> = sales_order::Entity::find()
        .filter(sales_order::Column::Id.is_in(rows.iter().map(|r| r.order_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let buyers: std::collections::HashMap<i32, customer::Model> = customer::Entity::find()
        .filter(customer::Column::Id.is_in(rows.iter().map(|r| r.customer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    rows.into_iter()
        .map(|m| {
            let due_at = m.delivered_at + Duration::days(i64::from(days));
            let (buyer, language) = buyers
                .get(&m.customer_id)
                .map(|c| (c.name.clone(), c.language.clone()))
                .unwrap_or_default();
            Ok(FollowUp {
                order_number: orders
                    .get(&m.order_id)
                    .map(store::shown_number)
                    .unwrap_or_else(|| format!("#{}", m.order_id)),
                state: state(&m, due_at, now),
                order_id: m.order_id,
                customer_id: m.customer_id,
                buyer,
                language,
                delivered_at: m.delivered_at,
                due_at,
                sent_at: m.sent_at,
                answered_at: m.answered_at,
                score: m.score.and_then(|s| u8::try_from(s).ok()),
                comment: m.comment,
                feedback_id: m.feedback_id,
            })
        })
        .collect()
}

/// Whether reaching `to` puts the order in the follow-up queue: only delivery does.
pub fn follows_up(to: OrderStatus) -> bool {
    to == OrderStatus::Delivered
}

/// Called on every move of an order, in its transaction: a delivery starts its follow-up
/// (once: a second delivery after a return keeps the first).
pub async fn order_moved<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    if !follows_up(to) {
        return Ok(());
    }
    let customer_id = store::buyer_of(db, order_id).await?;
    follow_up::Entity::insert(follow_up::ActiveModel {
        order_id: Set(order_id),
        customer_id: Set(customer_id),
        delivered_at: Set(now),
        comment: Set(String::new()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(follow_up::Column::OrderId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The follow-ups due now and those asked in the last month still awaiting an answer. An
/// order returned or refunded since delivery is not followed up.
pub async fn queue<C: ConnectionTrait>(
    db: &C,
    days: u32,
    now: DateTime<Utc>,
) -> Result<FollowUpQueue> {
    let due_before = now - Duration::days(i64::from(days));
    let stale = due_before - Duration::days(STALE_AFTER_DAYS);
    let kept = kept_orders();
    let due = follow_up::Entity::find()
        .filter(follow_up::Column::SentAt.is_null())
        .filter(follow_up::Column::DismissedAt.is_null())
        .filter(follow_up::Column::AnsweredAt.is_null())
        .filter(follow_up::Column::DeliveredAt.lte(due_before))
        .filter(follow_up::Column::DeliveredAt.gt(stale))
        .filter(follow_up::Column::OrderId.in_subquery(kept.clone()))
        .order_by_asc(follow_up::Column::DeliveredAt)
        .all(db)
        .await?;
    let asked = follow_up::Entity::find()
        .filter(follow_up::Column::SentAt.gt(now - Duration::days(STALE_AFTER_DAYS)))
        .filter(follow_up::Column::AnsweredAt.is_null())
        .filter(follow_up::Column::OrderId.in_subquery(kept))
        .order_by_asc(follow_up::Column::SentAt)
        .all(db)
        .await?;
    Ok(FollowUpQueue {
        due: views(db, due, days, now).await?,
        asked: views(db, asked, days, now).await?,
    })
}

/// Most answers a buyer's profile shows.
const ANSWERS_SHOWN: u64 = 50;

/// A buyer's answers, newest first.
pub async fn answers_of<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<FollowUp>> {
    let rows = follow_up::Entity::find()
        .filter(follow_up::Column::CustomerId.eq(customer_id))
        .filter(follow_up::Column::AnsweredAt.is_not_null())
        .order_by_desc(follow_up::Column::AnsweredAt)
        .limit(ANSWERS_SHOWN)
        .all(db)
        .await?;
    views(db, rows, days, now).await
}

/// Orders still with their buyer: delivered or completed (not returned or refunded since).
fn kept_orders() -> SelectStatement {
    Query::select()
        .column(sales_order::Column::Id)
        .from(sales_order::Entity)
        .and_where(sales_order::Column::Status.is_in([
            OrderStatus::Delivered.as_str(),
            OrderStatus::Completed.as_str(),
        ]))
        .to_owned()
}

async fn find<C: ConnectionTrait>(db: &C, order_id: i32) -> Result<follow_up::Model> {
    follow_up::Entity::find()
        .filter(follow_up::Column::OrderId.eq(order_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::Validation(vec![
                FieldError::new("order_id", FieldCode::NotDelivered).with("value", order_id),
            ])
        })
}

/// One order's follow-up.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    days: u32,
    now: DateTime<Utc>,
) -> Result<FollowUp> {
    let row = find(db, order_id).await?;
    Ok(views(db, vec![row], days, now).await?.remove(0))
}

/// Records that the follow-up went out: `message` (checked) is queued to the buyer with it.
/// Asking twice is refused; so is asking about an order not delivered.
pub async fn send<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    message: Option<&Draft>,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = find(db, order_id).await?;
    if row.sent_at.is_some() || row.answered_at.is_some() {
        return Err(Error::Validation(vec![
            FieldError::new("order_id", FieldCode::AlreadyAsked).with("value", order_id),
        ]));
    }
    let message_id = match message {
        Some(d) => Some(outbox::queue(db, Some(order_id), row.customer_id, d, now).await?),
        None => None,
    };
    let mut m: follow_up::ActiveModel = row.into();
    m.sent_at = Set(Some(now));
    m.message_id = Set(message_id);
    m.update(db).await?;
    Ok(())
}

/// The seller lets a follow-up go (a buyer who asked not to be written to, say).
pub async fn dismiss<C: ConnectionTrait>(db: &C, order_id: i32, now: DateTime<Utc>) -> Result<()> {
    let row = find(db, order_id).await?;
    if row.answered_at.is_some() {
        return Err(Error::Validation(vec![
            FieldError::new("order_id", FieldCode::AlreadyAnswered).with("value", order_id),
        ]));
    }
    let mut m: follow_up::ActiveModel = row.into();
    m.dismissed_at = Set(Some(now));
    m.update(db).await?;
    Ok(())
}

/// Records the buyer's answer, once. An answer at or below `low` opens a complaint about the
/// order, with the buyer's words, for the seller to settle in the book.
pub async fn answer<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    score: u8,
    comment: &str,
    low: u32,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    let mut e = Errors::default();
    if !(1..=5).contains(&score) {
        e.push(
            FieldError::new("score", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", 5),
        );
    }
    let comment = e.text("comment", comment, MAX_COMMENT, false);
    e.finish(()).map_err(Error::Validation)?;
    let row = find(db, order_id).await?;
    if row.answered_at.is_some() {
        return Err(Error::Validation(vec![
            FieldError::new("order_id", FieldCode::AlreadyAnswered).with("value", order_id),
        ]));
    }
    let complaint = if u32::from(score) <= low {
        let text = if comment.is_empty() {
            format!("Follow-up answer: {score} of 5.")
        } else {
            format!("Follow-up answer: {score} of 5. {comment}")
        };
        let f = feedback::add(
            db,
            &FeedbackInput {
                kind: FeedbackKind::Complaint,
                category: Category::Other,
                customer_id: None,
                order_id: Some(order_id),
                order_number: None,
                text,
                staff_name: None,
            },
            &[],
            now,
        )
        .await?;
        Some(f.id)
    } else {
        None
    };
    let mut m: follow_up::ActiveModel = row.into();
    m.score = Set(Some(i16::from(score)));
    m.comment = Set(comment);
    m.answered_at = Set(Some(now));
    m.feedback_id = Set(complaint);
    m.update(db).await?;
    Ok(complaint)
}
