//! Stock is one figure per SKU across every channel. A sale takes it, a cancellation before
//! dispatch or a restocked return gives it back, and each movement is a ledger row with a unique
//! source key, so the same order line can never move stock twice.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::error::Shortage;
use crate::error::Result;
use crate::infra::store::entity::{listing_variant, stock_movement};

/// Why stock moved; the ledger's `reason` and the last part of its source key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Sale,
    Cancel,
    Return,
    /// A unit found damaged before dispatch: the order needs another from the shelf.
    WriteOff,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Sale => "sale",
            Reason::Cancel => "cancel",
            Reason::Return => "return",
            Reason::WriteOff => "write_off",
        }
    }
}

fn source_key(order_id: i32, position: i32, reason: Reason) -> String {
    format!("order:{order_id}:line:{position}:{}", reason.as_str())
}

/// What the shelf holds of a SKU, and the listing it belongs to.
pub async fn on_hand<C: ConnectionTrait>(db: &C, sku: &str) -> Result<Option<(i32, i64)>> {
    Ok(listing_variant::Entity::find()
        .select_only()
        .column(listing_variant::Column::ListingId)
        .column(listing_variant::Column::Quantity)
        .filter(listing_variant::Column::Sku.eq(sku))
        .into_tuple()
        .one(db)
        .await?)
}

/// Lines (index, SKU, quantity) that want more than the shelf holds.
pub async fn shortages<C: ConnectionTrait>(
    db: &C,
    wanted: &[(usize, &str, i64)],
) -> Result<Vec<Shortage>> {
    let mut out = Vec::new();
    for &(line, sku, qty) in wanted {
        let in_stock = on_hand(db, sku).await?.map(|(_, q)| q).unwrap_or(0);
        if qty > in_stock {
            out.push(Shortage {
                line,
                sku: sku.to_owned(),
                wanted: qty,
                in_stock,
            });
        }
    }
    Ok(out)
}

/// Takes up to `qty` of `sku` off the shelf; returns the listing and how many were there to take
/// (`None` when the SKU is not in the catalog). The guarded update keeps the figure from going
/// below zero even if another desk takes the same SKU at the same moment.
async fn take_up_to<C: ConnectionTrait>(db: &C, sku: &str, qty: i64) -> Result<Option<(i32, i64)>> {
    loop {
        let Some((listing_id, in_stock)) = on_hand(db, sku).await? else {
            return Ok(None);
        };
        let taken = Ord::max(Ord::min(qty, in_stock), 0);
        if taken == 0 {
            return Ok(Some((listing_id, 0)));
        }
        let res = listing_variant::Entity::update_many()
            .col_expr(
                listing_variant::Column::Quantity,
                Expr::col(listing_variant::Column::Quantity).sub(taken),
            )
            .filter(listing_variant::Column::Sku.eq(sku))
            .filter(listing_variant::Column::Quantity.gte(taken))
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            return Ok(Some((listing_id, taken)));
        }
        // Someone took it between the read and the write: read again.
    }
}

/// Takes up to `qty` of `sku` for an order line; returns how many were on the shelf to take
/// (fewer than `qty` is an oversell the caller has already accepted).
pub async fn take<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    position: i32,
    sku: &str,
    qty: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    match take_up_to(db, sku, qty).await? {
        Some((listing_id, taken)) if taken > 0 => {
            record(
                db,
                Some(listing_id),
                sku,
                -taken,
                order_id,
                position,
                Reason::Sale,
                now,
            )
            .await?;
            Ok(taken)
        }
        _ => Ok(0),
    }
}

/// Puts `qty` of `sku` back on the shelf. Returns false when the SKU no longer exists (the
/// listing was deleted or its SKU renamed): nothing is moved and the caller says so.
pub async fn give_back<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    position: i32,
    sku: &str,
    qty: i64,
    reason: Reason,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    let Some((listing_id, _)) = on_hand(db, sku).await? else {
        return Ok(None);
    };
    if qty > 0 {
        listing_variant::Entity::update_many()
            .col_expr(
                listing_variant::Column::Quantity,
                Expr::col(listing_variant::Column::Quantity).add(qty),
            )
            .filter(listing_variant::Column::Sku.eq(sku))
            .exec(db)
            .await?;
        record(
            db,
            Some(listing_id),
            sku,
            qty,
            order_id,
            position,
            reason,
            now,
        )
        .await?;
    }
    Ok(Some(listing_id))
}

/// Writes off up to `qty` damaged units of `sku` under `source_key` (once: a second write-off
/// under the same key moves nothing). Returns the listing and how many were on the shelf to
/// write off, or `None` when the SKU is not in the catalog.
pub async fn write_off<C: ConnectionTrait>(
    db: &C,
    sku: &str,
    qty: i64,
    source_key: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i32, i64)>> {
    if stock_movement::Entity::find()
        .filter(stock_movement::Column::SourceKey.eq(source_key))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(on_hand(db, sku).await?.map(|(l, _)| (l, 0)));
    }
    let taken = take_up_to(db, sku, qty).await?;
    if let Some((listing_id, gone)) = taken
        && gone > 0
    {
        insert(
            db,
            Some(listing_id),
            sku,
            -gone,
            Reason::WriteOff,
            source_key,
            now,
        )
        .await?;
    }
    Ok(taken)
}

/// How much a line's sale took from the shelf (what a cancellation gives back).
pub async fn taken_by<C: ConnectionTrait>(db: &C, order_id: i32, position: i32) -> Result<i64> {
    let row = stock_movement::Entity::find()
        .filter(stock_movement::Column::SourceKey.eq(source_key(order_id, position, Reason::Sale)))
        .one(db)
        .await?;
    Ok(row.map(|m| -i64::from(m.delta)).unwrap_or(0))
}

#[allow(clippy::too_many_arguments)]
async fn record<C: ConnectionTrait>(
    db: &C,
    listing_id: Option<i32>,
    sku: &str,
    delta: i64,
    order_id: i32,
    position: i32,
    reason: Reason,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = source_key(order_id, position, reason);
    insert(db, listing_id, sku, delta, reason, &key, now).await
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    listing_id: Option<i32>,
    sku: &str,
    delta: i64,
    reason: Reason,
    key: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    stock_movement::ActiveModel {
        listing_id: Set(listing_id),
        sku: Set(sku.to_owned()),
        delta: Set(delta as i32),
        reason: Set(reason.as_str().to_owned()),
        source_key: Set(key.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
