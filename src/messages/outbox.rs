//! The outbox: a message to a buyer is drafted from its template, shown to the seller (who may
//! edit it), and stored in the same transaction as the action it belongs to. A sender then
//! takes what is due; a failed send waits longer each time and is shown, and a message the app
//! was sending when it closed goes back in the queue.

use crate::error::FieldCode;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::templates::{MessageKind, Rendered, default_template, render};
use crate::error::{Error, FieldError, Result};
use crate::fields::{Errors, email};
use crate::infra::store::entity::outbox_message;
use crate::locale::UiLanguage;
use crate::money::format_minor;
use crate::orders::{Act, Buyer, Order, ProblemKind};
use crate::shop::profile::Profile;

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;
/// Waits after each failed attempt; after the last, the message is marked failed.
const BACKOFF_MINUTES: [i64; 6] = [1, 5, 15, 60, 180, 360];

/// How a message reaches the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    Email,
    /// The seller copies it into a phone message, a chat or the marketplace's own messages.
    ByHand,
}

impl MessageChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Email => "email",
            MessageChannel::ByHand => "by_hand",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [MessageChannel::Email, MessageChannel::ByHand]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Waiting for the sender (now, or after a failed attempt).
    Queued,
    /// Being sent; found so at start, the app closed mid-send and it is queued again.
    Sending,
    Sent,
    /// Refused for good, or every attempt failed: shown until the seller retries or cancels.
    Failed,
    /// Waiting for the seller to send it themselves.
    ToSendByHand,
    SentByHand,
    Cancelled,
}

impl MessageStatus {
    const ALL: [MessageStatus; 7] = [
        MessageStatus::Queued,
        MessageStatus::Sending,
        MessageStatus::Sent,
        MessageStatus::Failed,
        MessageStatus::ToSendByHand,
        MessageStatus::SentByHand,
        MessageStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Queued => "queued",
            MessageStatus::Sending => "sending",
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
            MessageStatus::ToSendByHand => "to_send_by_hand",
            MessageStatus::SentByHand => "sent_by_hand",
            MessageStatus::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A message as the seller sees it before it goes: what, to whom, how, in which words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Draft {
    pub kind: MessageKind,
    pub language: String,
    pub channel: MessageChannel,
    /// An e-mail address, or for a message sent by hand the buyer's phone (or name).
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct OutboxEntry {
    pub id: i32,
    pub order_id: Option<i32>,
    pub kind: MessageKind,
    pub language: String,
    pub channel: MessageChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: MessageStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The message an action sends, if any.
pub fn kind_for_act(act: &Act) -> Option<MessageKind> {
    Some(match act {
        Act::Confirm => MessageKind::OrderConfirmation,
        Act::Ship { .. } => MessageKind::Shipped,
        Act::ReceiveReturn { .. } => MessageKind::ReturnReceived,
        Act::Refund => MessageKind::RefundDone,
        _ => return None,
    })
}

/// The message a flagged problem sends, if any.
pub fn kind_for_problem(kind: ProblemKind) -> Option<MessageKind> {
    Some(match kind {
        ProblemKind::Delayed => MessageKind::DelayApology,
        ProblemKind::OutOfStock => MessageKind::OutOfStock,
        ProblemKind::WrongAddress => MessageKind::WrongAddress,
        _ => return None,
    })
}

/// The placeholders' values for an order. `shipment` stands in for the carrier and tracking
/// of a shipment being recorded (the order does not hold them yet).
pub fn vars(
    order: &Order,
    profile: &Profile,
    shipment: Option<(&str, &str)>,
) -> BTreeMap<&'static str, String> {
    let money = |m: i64| format!("{} {}", format_minor(m, &order.currency), order.currency);
    let lines: String = order
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} × {} — {}\n",
                l.quantity,
                l.title,
                money(l.unit_price_minor.saturating_mul(i64::from(l.quantity)))
            )
        })
        .collect();
    let number = match &order.marketplace_order_id {
        Some(m) => format!("#{m}"),
        None => format!("#{}", order.id),
    };
    let (carrier, tracking) = match shipment {
        Some((c, t)) => (c.to_owned(), t.to_owned()),
        None => (
            order.carrier.clone().unwrap_or_default(),
            order.tracking.clone().unwrap_or_default(),
        ),
    };
    let mut v = BTreeMap::new();
    v.insert("order", number);
    v.insert("lines", lines);
    v.insert("total", money(order.total_minor));
    v.insert("placed", order.placed_at.format("%Y-%m-%d").to_string());
    v.insert(
        "ship_by",
        order
            .ship_by
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    v.insert("carrier", carrier);
    v.insert("tracking", tracking);
    v.append(&mut seller_vars(&order.buyer, profile));
    v
}

/// The placeholders every message has: the buyer's name and who signs it.
pub fn seller_vars(buyer: &Buyer, profile: &Profile) -> BTreeMap<&'static str, String> {
    let seller = if profile.contact_name.trim().is_empty() {
        profile.shop_name.clone()
    } else {
        profile.contact_name.clone()
    };
    BTreeMap::from([
        ("buyer", buyer.name.clone()),
        ("seller", seller),
        ("shop", profile.shop_name.clone()),
        ("phone", profile.phone.clone()),
    ])
}

/// The message `kind` about `order`, in the buyer's language, by e-mail when the buyer has an
/// address and by hand otherwise.
pub fn draft(
    order: &Order,
    profile: &Profile,
    kind: MessageKind,
    shipment: Option<(&str, &str)>,
) -> Draft {
    draft_to(&order.buyer, profile, kind, &vars(order, profile, shipment))
}

/// The message `kind` to `buyer` with these placeholder values, in the buyer's language, by
/// e-mail when the buyer has an address and by hand otherwise.
pub fn draft_to(
    buyer: &Buyer,
    profile: &Profile,
    kind: MessageKind,
    vars: &BTreeMap<&str, String>,
) -> Draft {
    let language = UiLanguage::from_code(&buyer.language).unwrap_or(profile.ui_language);
    let Rendered { subject, body } = render(&default_template(kind, language), vars);
    let (channel, recipient) = match &buyer.email {
        Some(e) => (MessageChannel::Email, e.clone()),
        None => (
            MessageChannel::ByHand,
            buyer.phone.clone().unwrap_or_else(|| buyer.name.clone()),
        ),
    };
    Draft {
        kind,
        language: language.code().to_owned(),
        channel,
        recipient,
        subject,
        body,
    }
}

/// Checks a draft the seller may have edited.
pub fn check(d: &Draft) -> Result<Draft, Vec<FieldError>> {
    let mut e = Errors::default();
    let subject = e.line("message.subject", &d.subject, MAX_SUBJECT_CHARS, true);
    let body = e.text("message.body", &d.body, MAX_BODY_CHARS, true);
    let recipient = match d.channel {
        MessageChannel::Email => match email(&d.recipient) {
            Some(a) => a,
            None => {
                e.push(
                    FieldError::new("message.recipient", FieldCode::EmailInvalid)
                        .with("value", &d.recipient),
                );
                String::new()
            }
        },
        MessageChannel::ByHand => e.line("message.recipient", &d.recipient, 200, true),
    };
    if UiLanguage::from_code(&d.language).is_none() {
        e.push(
            FieldError::new("message.language", FieldCode::LanguageUnknown)
                .with("value", &d.language),
        );
    }
    e.finish(Draft {
        kind: d.kind,
        language: d.language.clone(),
        channel: d.channel,
        recipient,
        subject,
        body,
    })
}

/// Stores a checked draft for sending, in the caller's transaction.
pub async fn queue<C: ConnectionTrait>(
    db: &C,
    order_id: Option<i32>,
    customer_id: i32,
    d: &Draft,
    now: DateTime<Utc>,
) -> Result<i32> {
    Ok(row(order_id, customer_id, d, None, now)
        .insert(db)
        .await?
        .id)
}

/// Stores a message Vefa writes by itself, once per `source_key`: false when one with that key
/// was already queued (whatever became of it since).
pub async fn queue_once<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    d: &Draft,
    source_key: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let written = outbox_message::Entity::insert(row(None, customer_id, d, Some(source_key), now))
        .on_conflict(
            OnConflict::column(outbox_message::Column::SourceKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(written == 1)
}

fn row(
    order_id: Option<i32>,
    customer_id: i32,
    d: &Draft,
    source_key: Option<&str>,
    now: DateTime<Utc>,
) -> outbox_message::ActiveModel {
    let (status, next) = match d.channel {
        MessageChannel::Email => (MessageStatus::Queued, Some(now)),
        MessageChannel::ByHand => (MessageStatus::ToSendByHand, None),
    };
    outbox_message::ActiveModel {
        order_id: Set(order_id),
        customer_id: Set(customer_id),
        kind: Set(d.kind.as_str().to_owned()),
        language: Set(d.language.clone()),
        channel: Set(d.channel.as_str().to_owned()),
        recipient: Set(d.recipient.clone()),
        subject: Set(d.subject.clone()),
        body: Set(d.body.clone()),
        status: Set(status.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(next),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        sent_at: Set(None),
        source_key: Set(source_key.map(str::to_owned)),
        ..Default::default()
    }
}

fn view(m: outbox_message::Model) -> Result<OutboxEntry> {
    let bad = |what: &str| Error::Corrupt(format!("message {} {what}", m.id));
    Ok(OutboxEntry {
        id: m.id,
        order_id: m.order_id,
        kind: MessageKind::parse(&m.kind).ok_or_else(|| bad("kind"))?,
        language: m.language.clone(),
        channel: MessageChannel::parse(&m.channel).ok_or_else(|| bad("channel"))?,
        recipient: m.recipient.clone(),
        subject: m.subject.clone(),
        body: m.body.clone(),
        status: MessageStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error.clone(),
        created_at: m.created_at,
        sent_at: m.sent_at,
    })
}

/// An order's messages, oldest first; or, without an order, every message not yet sent.
pub async fn list<C: ConnectionTrait>(db: &C, order_id: Option<i32>) -> Result<Vec<OutboxEntry>> {
    let q = outbox_message::Entity::find().order_by_asc(outbox_message::Column::Id);
    let q = match order_id {
        Some(id) => q.filter(outbox_message::Column::OrderId.eq(id)),
        None => q.filter(outbox_message::Column::Status.is_in([
            MessageStatus::Queued.as_str(),
            MessageStatus::Sending.as_str(),
            MessageStatus::Failed.as_str(),
            MessageStatus::ToSendByHand.as_str(),
        ])),
    };
    q.all(db).await?.into_iter().map(view).collect()
}

/// Claims up to `limit` e-mails due at `now`, marking them as being sent.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxEntry>> {
    let due = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq(MessageStatus::Queued.as_str()))
        .filter(outbox_message::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox_message::Column::NextAttemptAt)
        .order_by_asc(outbox_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for m in due {
        // Guarded: a second desk claiming the same message gets nothing.
        let res = outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::Status,
                Expr::value(MessageStatus::Sending.as_str()),
            )
            .col_expr(outbox_message::Column::UpdatedAt, Expr::value(now))
            .filter(outbox_message::Column::Id.eq(m.id))
            .filter(outbox_message::Column::Status.eq(MessageStatus::Queued.as_str()))
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            claimed.push(view(m)?);
        }
    }
    Ok(claimed)
}

/// How a send attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// Worth trying again later (no connection, a busy server, a 4xx answer).
    Transient(String),
    /// Refused for good (a 5xx answer: no such mailbox, rejected as spam).
    Permanent(String),
}

/// Records how an attempt ended; a transient failure waits longer each time, then fails.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    id: i32,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<MessageStatus> {
    let m = outbox_message::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "message",
            id: id.to_string(),
        })?;
    let attempts = m.attempts + 1;
    let (status, next, error) = match attempt {
        Attempt::Sent => (MessageStatus::Sent, None, None),
        Attempt::Permanent(e) => (MessageStatus::Failed, None, Some(e.clone())),
        Attempt::Transient(e) => match BACKOFF_MINUTES.get(attempts as usize - 1) {
            Some(&wait) => (
                MessageStatus::Queued,
                Some(now + Duration::minutes(wait)),
                Some(e.clone()),
            ),
            None => (MessageStatus::Failed, None, Some(e.clone())),
        },
    };
    let mut row: outbox_message::ActiveModel = m.into();
    row.status = Set(status.as_str().to_owned());
    row.attempts = Set(attempts);
    row.next_attempt_at = Set(next);
    row.last_error = Set(error);
    row.updated_at = Set(now);
    if status == MessageStatus::Sent {
        row.sent_at = Set(Some(now));
    }
    row.update(db).await?;
    Ok(status)
}

/// How long a message may stay "sending" before it counts as interrupted: far longer than one
/// attempt may take, so a send still under way on another desk is left alone.
pub const INTERRUPTED_AFTER: Duration = Duration::minutes(5);

/// Messages left "sending" by an app that closed mid-send go back in the queue. The server may
/// have taken one before the app closed, so a buyer may rarely get it twice (with the same
/// Message-ID, which mail programs fold into one); never zero times.
pub async fn requeue_interrupted<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64> {
    let res = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Status,
            Expr::value(MessageStatus::Queued.as_str()),
        )
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(now))
        .col_expr(outbox_message::Column::UpdatedAt, Expr::value(now))
        .filter(outbox_message::Column::Status.eq(MessageStatus::Sending.as_str()))
        .filter(outbox_message::Column::UpdatedAt.lt(now - INTERRUPTED_AFTER))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// The seller's hand on a message: sent it themselves, try again now, or drop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageAction {
    MarkSentByHand,
    RetryNow,
    Cancel,
}

pub async fn apply<C: ConnectionTrait>(
    db: &C,
    id: i32,
    action: MessageAction,
    now: DateTime<Utc>,
) -> Result<OutboxEntry> {
    let m = outbox_message::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "message",
            id: id.to_string(),
        })?;
    let status = MessageStatus::parse(&m.status)
        .ok_or_else(|| Error::Corrupt(format!("message {id} status")))?;
    use MessageStatus as S;
    let allowed = match action {
        MessageAction::MarkSentByHand => matches!(status, S::ToSendByHand | S::Failed | S::Queued),
        MessageAction::RetryNow => status == S::Failed,
        MessageAction::Cancel => matches!(status, S::Queued | S::Failed | S::ToSendByHand),
    };
    if !allowed {
        return Err(Error::Validation(vec![
            FieldError::new("message", FieldCode::MessageState).with("status", status.as_str()),
        ]));
    }
    let mut row: outbox_message::ActiveModel = m.into();
    match action {
        MessageAction::MarkSentByHand => {
            row.status = Set(S::SentByHand.as_str().to_owned());
            row.sent_at = Set(Some(now));
            row.next_attempt_at = Set(None);
        }
        MessageAction::RetryNow => {
            row.status = Set(S::Queued.as_str().to_owned());
            row.next_attempt_at = Set(Some(now));
            row.attempts = Set(0);
        }
        MessageAction::Cancel => {
            row.status = Set(S::Cancelled.as_str().to_owned());
            row.next_attempt_at = Set(None);
        }
    }
    row.updated_at = Set(now);
    view(row.update(db).await?)
}
