//! The sync outbox: changes that must reach a marketplace, stored in the same transaction as the
//! local change and sent by the next sync, with retries and exponential backoff with jitter. An
//! entry is one per change (a unique source key), so asking twice queues once.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::infra::store::entity::{
    listing_sync_base, marketplace_account, sales_order, sync_outbox,
};

pub const SHIPMENT: &str = "shipment";
/// A listing's title, description, tags or materials.
pub const LISTING: &str = "listing";
/// A listing's stock and prices.
pub const STOCK: &str = "stock";

/// Tries before an entry is given up (and shown as failed).
pub const MAX_ATTEMPTS: i32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushStatus {
    Waiting,
    Sent,
    /// The marketplace will not take it; the seller has to act (told on the order).
    Refused,
    /// Out of tries.
    Failed,
}

impl PushStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PushStatus::Waiting => "waiting",
            PushStatus::Sent => "sent",
            PushStatus::Refused => "refused",
            PushStatus::Failed => "failed",
        }
    }
}

/// A shipment to tell the marketplace: the order's id there, carrier and tracking code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentPush {
    pub remote_order_id: String,
    pub carrier: String,
    pub tracking: String,
}

/// What a listing push names: the listing. What to send is worked out when it is sent, from
/// the listing as it is then, so edits made while it waits go in the same push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingPush {
    pub listing_id: i32,
}

/// An entry due to be sent.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i32,
    pub kind: String,
    pub order_id: Option<i32>,
    pub payload: String,
    pub attempts: i32,
}

/// A new entry, due now.
fn waiting_row(
    account: i32,
    kind: &str,
    source_key: String,
    order_id: Option<i32>,
    payload: String,
    now: DateTime<Utc>,
) -> sync_outbox::ActiveModel {
    sync_outbox::ActiveModel {
        account_id: Set(account),
        kind: Set(kind.to_owned()),
        source_key: Set(source_key),
        order_id: Set(order_id),
        payload: Set(payload),
        status: Set(PushStatus::Waiting.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Queues the shipment of order `order_id` for the marketplace it came from, when a connected
/// account sells there; returns whether it did. Runs in the caller's transaction.
pub async fn queue_shipment<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(order) = sales_order::Entity::find_by_id(order_id).one(db).await? else {
        return Err(Error::NotFound {
            what: "order",
            id: order_id.to_string(),
        });
    };
    let (Some(marketplace), Some(remote), Some(carrier), Some(tracking)) = (
        order.marketplace,
        order.marketplace_order_id,
        order.carrier,
        order.tracking,
    ) else {
        return Ok(false);
    };
    // Orders do not name their account yet; a shop has one account per marketplace.
    let Some(account) = marketplace_account::Entity::find()
        .filter(marketplace_account::Column::Marketplace.eq(marketplace))
        .order_by_asc(marketplace_account::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let payload = ShipmentPush {
        remote_order_id: remote,
        carrier,
        tracking,
    };
    let row = waiting_row(
        account.id,
        SHIPMENT,
        format!("{SHIPMENT}:{order_id}"),
        Some(order_id),
        serde_json::to_string(&payload).unwrap_or_default(),
        now,
    );
    sync_outbox::Entity::insert(row)
        .on_conflict(
            OnConflict::column(sync_outbox::Column::SourceKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(true)
}

/// Queues pushes of `kinds` ([`LISTING`], [`STOCK`]) for each of listings `ids` that is linked
/// to a marketplace account; others are left alone. One entry per listing and kind: one still
/// waiting stays one, one already sent or refused waits again. Runs in the caller's
/// transaction, the one that changed the listings.
pub async fn queue_listings<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    kinds: &[&str],
    now: DateTime<Utc>,
) -> Result<()> {
    if ids.is_empty() || kinds.is_empty() {
        return Ok(());
    }
    for chunk in ids.chunks(500) {
        let linked: Vec<(i32, i32)> = listing_sync_base::Entity::find()
            .select_only()
            .column(listing_sync_base::Column::ListingId)
            .column(listing_sync_base::Column::AccountId)
            .filter(listing_sync_base::Column::ListingId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        if linked.is_empty() {
            continue;
        }
        let rows = linked.iter().flat_map(|&(listing_id, account)| {
            kinds.iter().map(move |kind| {
                waiting_row(
                    account,
                    kind,
                    format!("{kind}:{listing_id}"),
                    None,
                    serde_json::to_string(&ListingPush { listing_id }).unwrap_or_default(),
                    now,
                )
            })
        });
        sync_outbox::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(sync_outbox::Column::SourceKey)
                    .update_columns([
                        sync_outbox::Column::AccountId,
                        sync_outbox::Column::Status,
                        sync_outbox::Column::Attempts,
                        sync_outbox::Column::NextAttemptAt,
                        sync_outbox::Column::LastError,
                        sync_outbox::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The marketplace already shows order `order_id` shipped with `tracking`: a shipment still
/// waiting for it was sent after all (a sync stopped between sending and noting it), so it is
/// noted now instead of being sent twice. Returns whether one was.
pub async fn reconcile_shipment<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    tracking: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(row) = sync_outbox::Entity::find()
        .filter(sync_outbox::Column::SourceKey.eq(format!("{SHIPMENT}:{order_id}")))
        .filter(sync_outbox::Column::Status.eq(PushStatus::Waiting.as_str()))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let same =
        serde_json::from_str::<ShipmentPush>(&row.payload).is_ok_and(|p| p.tracking == tracking);
    if !same {
        return Ok(false);
    }
    sync_outbox::ActiveModel {
        id: Set(row.id),
        status: Set(PushStatus::Sent.as_str().to_owned()),
        next_attempt_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(true)
}

/// Entries of `account` due by `now` with an id above `after`, oldest first.
pub async fn due<C: ConnectionTrait>(
    db: &C,
    account: i32,
    now: DateTime<Utc>,
    after: i32,
    limit: u64,
) -> Result<Vec<Due>> {
    Ok(sync_outbox::Entity::find()
        .filter(sync_outbox::Column::AccountId.eq(account))
        .filter(sync_outbox::Column::Status.eq(PushStatus::Waiting.as_str()))
        .filter(sync_outbox::Column::NextAttemptAt.lte(now))
        .filter(sync_outbox::Column::Id.gt(after))
        .order_by_asc(sync_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Due {
            id: r.id,
            kind: r.kind,
            order_id: r.order_id,
            payload: r.payload,
            attempts: r.attempts,
        })
        .collect())
}

/// A change the marketplace did not take, or that ran out of tries: the seller has to look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PushProblem {
    pub id: i32,
    /// `shipment`, `listing` or `stock`.
    pub kind: String,
    pub status: String,
    pub listing_id: Option<i32>,
    pub order_id: Option<i32>,
    /// What it is about, as the seller knows it: the listing's title, or the order's number on
    /// the marketplace.
    pub subject: String,
    pub error: String,
    pub at: DateTime<Utc>,
}

/// The account's refused and failed changes, newest first (at most 50).
pub async fn problems<C: ConnectionTrait>(db: &C, account: i32) -> Result<Vec<PushProblem>> {
    let rows = sync_outbox::Entity::find()
        .filter(sync_outbox::Column::AccountId.eq(account))
        .filter(
            sync_outbox::Column::Status
                .is_in([PushStatus::Refused.as_str(), PushStatus::Failed.as_str()]),
        )
        .order_by_desc(sync_outbox::Column::UpdatedAt)
        .order_by_desc(sync_outbox::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    let listing_of = |r: &sync_outbox::Model| {
        serde_json::from_str::<ListingPush>(&r.payload)
            .ok()
            .map(|p| p.listing_id)
            .filter(|_| r.kind != SHIPMENT)
    };
    // Two queries for the subjects, not one a row: the window reads this every second while a
    // sync runs.
    let titles =
        crate::catalog::listings::titles(db, rows.iter().filter_map(listing_of).collect()).await?;
    let numbers: std::collections::HashMap<i32, String> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::Id)
        .column(sales_order::Column::MarketplaceOrderId)
        .filter(sales_order::Column::Id.is_in(rows.iter().filter_map(|r| r.order_id)))
        .into_tuple::<(i32, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, n)| Some((id, n?)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let listing_id = listing_of(&r);
            let subject = match (listing_id, r.order_id) {
                (Some(l), _) => titles.get(&l).cloned(),
                (None, Some(o)) => numbers.get(&o).cloned(),
                _ => None,
            };
            PushProblem {
                id: r.id,
                kind: r.kind,
                status: r.status,
                listing_id,
                order_id: r.order_id,
                subject: subject.unwrap_or_default(),
                error: r.last_error.unwrap_or_default(),
                at: r.updated_at,
            }
        })
        .collect())
}

/// The seller asks for a refused or failed change to be tried again with the next sync.
pub async fn retry<C: ConnectionTrait>(db: &C, id: i32, now: DateTime<Utc>) -> Result<()> {
    let res = sync_outbox::Entity::update_many()
        .col_expr(
            sync_outbox::Column::Status,
            sea_orm::sea_query::Expr::value(PushStatus::Waiting.as_str()),
        )
        .col_expr(
            sync_outbox::Column::Attempts,
            sea_orm::sea_query::Expr::value(0),
        )
        .col_expr(
            sync_outbox::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            sync_outbox::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(sync_outbox::Column::Id.eq(id))
        .filter(
            sync_outbox::Column::Status
                .is_in([PushStatus::Refused.as_str(), PushStatus::Failed.as_str()]),
        )
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound {
            what: "change to try again",
            id: id.to_string(),
        });
    }
    Ok(())
}

/// How many of `account`'s entries wait to be sent.
pub async fn waiting<C: ConnectionTrait>(db: &C, account: i32) -> Result<u64> {
    Ok(sync_outbox::Entity::find()
        .filter(sync_outbox::Column::AccountId.eq(account))
        .filter(sync_outbox::Column::Status.eq(PushStatus::Waiting.as_str()))
        .count(db)
        .await?)
}

/// The wait before try `attempts + 1`: 30 s doubled each time, at most six hours, and a random
/// part (half to all of it) so that many desks do not retry in step.
pub fn backoff(attempts: i32, jitter: f64) -> Duration {
    let secs = (30i64 << attempts.clamp(0, 10)).min(6 * 3600);
    Duration::milliseconds((secs as f64 * 1000.0 * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))) as i64)
}

/// Records how a send went.
pub async fn settle<C: ConnectionTrait>(
    db: &C,
    entry: &Due,
    status: PushStatus,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    sync_outbox::ActiveModel {
        id: Set(entry.id),
        status: Set(status.as_str().to_owned()),
        attempts: Set(entry.attempts + 1),
        next_attempt_at: Set(None),
        last_error: Set(error),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// A listing push reached the marketplace. The entry waits again at once when the listing
/// changed meanwhile (`again`); else it is done, or refused with `note` when part of it could
/// not be sent.
pub async fn sent<C: ConnectionTrait>(
    db: &C,
    entry: &Due,
    again: bool,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    if !again {
        let status = if note.is_some() {
            PushStatus::Refused
        } else {
            PushStatus::Sent
        };
        return settle(db, entry, status, note, now).await;
    }
    sync_outbox::ActiveModel {
        id: Set(entry.id),
        status: Set(PushStatus::Waiting.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_error: Set(note),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// A send that failed for now: tried again after the backoff, or given up after
/// [`MAX_ATTEMPTS`]. Returns the status the entry is left in.
pub async fn retry_later<C: ConnectionTrait>(
    db: &C,
    entry: &Due,
    error: String,
    now: DateTime<Utc>,
) -> Result<PushStatus> {
    let attempts = entry.attempts + 1;
    if attempts >= MAX_ATTEMPTS {
        settle(db, entry, PushStatus::Failed, Some(error), now).await?;
        return Ok(PushStatus::Failed);
    }
    sync_outbox::ActiveModel {
        id: Set(entry.id),
        attempts: Set(attempts),
        next_attempt_at: Set(Some(now + backoff(entry.attempts, fastrand::f64()))),
        last_error: Set(Some(error)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(PushStatus::Waiting)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_with_jitter_and_stops_growing_at_six_hours() {
        assert_eq!(backoff(0, 1.0), Duration::seconds(30));
        assert_eq!(backoff(0, 0.0), Duration::seconds(15));
        assert_eq!(backoff(3, 1.0), Duration::seconds(240));
        assert_eq!(backoff(20, 1.0), Duration::hours(6));
        assert!(backoff(2, 0.3) > backoff(2, 0.0) && backoff(2, 0.3) < backoff(2, 1.0));
    }
}
