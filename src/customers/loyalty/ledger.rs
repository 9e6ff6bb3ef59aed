//! The points ledger: append-only, one row per credit or debit, each with a reason, a kind and a
//! unique source key (`order:12`, `first:4`, `reverse:order:12`…), so the same source never
//! counts twice however often an order is synced or imported. Nothing is edited or deleted: a
//! refunded order's points go back through a reversal entry. A balance is the sum of a buyer's
//! entries, and no entry takes it below zero.

use crate::error::FieldCode;
use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::sea_query::{Expr, Func, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use specta::Type;

use super::LoyaltyError;
use super::rules::{LoyaltyRules, Tier, tier_for};
use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::{customer, loyalty_entry, sales_order};
use crate::orders::OrderStatus;
use crate::orders::coupons::{self, Coupon, CouponInput, CouponSource, CouponValue};

/// The longest reason a seller gives for correcting points.
pub const MAX_REASON_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Order,
    FirstPurchase,
    Apology,
    Redemption,
    Expiry,
    Manual,
    Reversal,
}

impl EntryKind {
    pub const ALL: [EntryKind; 7] = [
        EntryKind::Order,
        EntryKind::FirstPurchase,
        EntryKind::Apology,
        EntryKind::Redemption,
        EntryKind::Expiry,
        EntryKind::Manual,
        EntryKind::Reversal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Order => "order",
            EntryKind::FirstPurchase => "first_purchase",
            EntryKind::Apology => "apology",
            EntryKind::Redemption => "redemption",
            EntryKind::Expiry => "expiry",
            EntryKind::Manual => "manual",
            EntryKind::Reversal => "reversal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The buyer did something: idle time (before points expire) counts from here.
    fn is_activity(self) -> bool {
        !matches!(self, EntryKind::Expiry | EntryKind::Reversal)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Entry {
    pub id: i32,
    pub customer_id: i32,
    #[specta(type = i32)]
    pub points: i64,
    pub kind: EntryKind,
    pub reason: String,
    pub source_key: String,
    pub reverses: Option<i32>,
    pub at: DateTime<Utc>,
}

fn entry(m: loyalty_entry::Model) -> Result<Entry> {
    Ok(Entry {
        kind: EntryKind::parse(&m.kind)
            .ok_or_else(|| Error::Corrupt(format!("loyalty entry {} kind", m.id)))?,
        id: m.id,
        customer_id: m.customer_id,
        points: m.points,
        reason: m.reason,
        source_key: m.source_key,
        reverses: m.reverses,
        at: m.at,
    })
}

/// A buyer's balance: the sum of their entries.
pub async fn balance<C: ConnectionTrait>(db: &C, customer_id: i32) -> Result<i64> {
    let sum: Option<Option<i64>> = loyalty_entry::Entity::find()
        .select_only()
        .column_as(
            crate::infra::store::sum_i64(loyalty_entry::Column::Points),
            "sum",
        )
        .filter(loyalty_entry::Column::CustomerId.eq(customer_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

/// A buyer's entries, oldest first.
pub async fn entries<C: ConnectionTrait>(db: &C, customer_id: i32) -> Result<Vec<Entry>> {
    loyalty_entry::Entity::find()
        .filter(loyalty_entry::Column::CustomerId.eq(customer_id))
        .order_by_asc(loyalty_entry::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(entry)
        .collect()
}

/// Holds the buyer's row for this transaction, so two desks spending one balance take turns
/// (PostgreSQL; SQLite's write transactions already do); and says whether the buyer exists.
async fn hold<C: ConnectionTrait>(db: &C, customer_id: i32) -> Result<()> {
    let res = customer::Entity::update_many()
        .col_expr(
            customer::Column::UpdatedAt,
            Expr::col(customer::Column::UpdatedAt),
        )
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound {
            what: "customer",
            id: customer_id.to_string(),
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    points: i64,
    kind: EntryKind,
    reason: &str,
    source_key: &str,
    reverses: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    let row = loyalty_entry::ActiveModel {
        customer_id: Set(customer_id),
        points: Set(points),
        kind: Set(kind.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        source_key: Set(source_key.to_owned()),
        reverses: Set(reverses),
        at: Set(now),
        ..Default::default()
    };
    let written = loyalty_entry::Entity::insert(row)
        .on_conflict(
            OnConflict::column(loyalty_entry::Column::SourceKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if written == 0 {
        return Ok(None);
    }
    let id = loyalty_entry::Entity::find()
        .select_only()
        .column(loyalty_entry::Column::Id)
        .filter(loyalty_entry::Column::SourceKey.eq(source_key))
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(id)
}

/// Checks a credit's or debit's points (above zero) and reason (one line, given), then holds
/// the buyer's row for the transaction; returns the cleaned reason.
async fn begin_entry<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    points: i64,
    reason: &str,
) -> Result<String> {
    let mut e = crate::fields::Errors::default();
    if points <= 0 {
        e.push(
            FieldError::new("points", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", i64::MAX),
        );
    }
    let reason = e.line("reason", reason, MAX_REASON_CHARS, true);
    let reason = e.finish(reason).map_err(Error::Validation)?;
    hold(db, customer_id).await?;
    Ok(reason)
}

/// Credits `points` (above zero) once for `source_key`; `None` when that source was credited
/// already.
pub async fn credit<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    points: i64,
    kind: EntryKind,
    reason: &str,
    source_key: &str,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    let reason = begin_entry(db, customer_id, points, reason).await?;
    insert(
        db,
        customer_id,
        points,
        kind,
        &reason,
        source_key,
        None,
        now,
    )
    .await
}

/// Takes `points` (above zero) from the balance once for `source_key` — a redemption or the
/// seller's correction — refused when the balance holds fewer.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    points: i64,
    kind: EntryKind,
    reason: &str,
    source_key: &str,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    let reason = begin_entry(db, customer_id, points, reason).await?;
    let have = balance(db, customer_id).await?;
    if have < points {
        return Err(LoyaltyError::NotEnoughPoints { have, want: points }.into());
    }
    insert(
        db,
        customer_id,
        -points,
        kind,
        &reason,
        source_key,
        None,
        now,
    )
    .await
}

/// Reverses the credit made for `source_key` (a refunded order's points), once. What the buyer
/// already spent of it cannot come back: the reversal takes at most the balance.
pub async fn reverse<C: ConnectionTrait>(
    db: &C,
    source_key: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    let Some(original) = loyalty_entry::Entity::find()
        .filter(loyalty_entry::Column::SourceKey.eq(source_key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if original.points <= 0 {
        return Ok(None);
    }
    hold(db, original.customer_id).await?;
    let have = balance(db, original.customer_id).await?;
    let back = original.points.min(have.max(0));
    let key = format!("reverse:{source_key}");
    if back == 0 {
        // Nothing left to take back; the reversal is still recorded, so it happens once.
        return insert(
            db,
            original.customer_id,
            0,
            EntryKind::Reversal,
            reason,
            &key,
            Some(original.id),
            now,
        )
        .await;
    }
    insert(
        db,
        original.customer_id,
        -back,
        EntryKind::Reversal,
        reason,
        &key,
        Some(original.id),
        now,
    )
    .await
}

/// Points for an order total: whole units of the currency times the rate.
pub fn points_for(total_minor: i64, currency: &str, rules: &LoyaltyRules) -> i64 {
    let exp = crate::money::exponent(currency).unwrap_or(2);
    let unit = 10i64.pow(exp);
    (total_minor.max(0) / unit) * i64::from(rules.points_per_unit)
}

/// What an order's move does to its buyer's points: delivered, the order's points (and, for a
/// first order, the welcome bonus) are credited once; refunded or cancelled, they go back.
/// Orders in another currency than the shop's earn nothing (the tiers count in the shop's).
pub async fn on_order_moved<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    to: OrderStatus,
    rules: &LoyaltyRules,
    shop_currency: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = format!("order:{order_id}");
    match to {
        OrderStatus::Delivered if rules.enabled => {
            let Some(o) = sales_order::Entity::find_by_id(order_id).one(db).await? else {
                return Ok(());
            };
            // A report of a delivery the order never reached (a replay of an old event)
            // credits nothing.
            let delivered = [OrderStatus::Delivered, OrderStatus::Completed]
                .iter()
                .any(|s| s.as_str() == o.status);
            if o.currency != shop_currency || !delivered {
                return Ok(());
            }
            let points = points_for(o.total_minor, &o.currency, rules);
            if points > 0 {
                let reason = format!(
                    "Order #{}",
                    o.marketplace_order_id
                        .as_deref()
                        .map_or_else(|| order_id.to_string(), str::to_owned)
                );
                credit(
                    db,
                    o.customer_id,
                    points,
                    EntryKind::Order,
                    &reason,
                    &key,
                    now,
                )
                .await?;
            }
            // Once per buyer: a record merged in may have brought its own.
            if rules.first_purchase_points > 0 && !welcomed(db, o.customer_id).await? {
                let first = format!("first:{}", o.customer_id);
                credit(
                    db,
                    o.customer_id,
                    i64::from(rules.first_purchase_points),
                    EntryKind::FirstPurchase,
                    "Welcome: first order",
                    &first,
                    now,
                )
                .await?;
            }
        }
        OrderStatus::Refunded | OrderStatus::Cancelled => {
            reverse(db, &key, "Order refunded or cancelled", now).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Whether the buyer already had the welcome bonus.
async fn welcomed<C: ConnectionTrait>(db: &C, customer_id: i32) -> Result<bool> {
    Ok(!welcomes(db, customer_id).await?.is_empty())
}

/// The source keys of a buyer's welcome bonuses, oldest first (two after a merge).
async fn welcomes<C: ConnectionTrait>(db: &C, customer_id: i32) -> Result<Vec<String>> {
    Ok(loyalty_entry::Entity::find()
        .select_only()
        .column(loyalty_entry::Column::SourceKey)
        .filter(loyalty_entry::Column::CustomerId.eq(customer_id))
        .filter(loyalty_entry::Column::Kind.eq(EntryKind::FirstPurchase.as_str()))
        .order_by_asc(loyalty_entry::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// After `keep` took a merged record's entries: one welcome bonus per buyer, so any later
/// one is reversed (a reversal, so the history still shows both).
pub(crate) async fn one_welcome<C: ConnectionTrait>(
    db: &C,
    keep: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    for key in welcomes(db, keep).await?.iter().skip(1) {
        reverse(db, key, "One welcome bonus per buyer: records merged", now).await?;
    }
    Ok(())
}

/// A buyer idle since an entry: (buyer, the entry's id, its time).
pub(crate) type Idle = (i32, i32, DateTime<Utc>);

/// Points last active before this expire now (none when points never expire).
pub(crate) fn expiry_cutoff(rules: &LoyaltyRules, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if rules.expire_after_months == 0 {
        return None;
    }
    now.checked_sub_months(Months::new(rules.expire_after_months))
}

/// Points left idle past the rules' months expire: one expiry entry per idle stretch, taking
/// the whole balance, for buyers found idle by [`idle_since`] (with this cutoff or a later
/// one). Returns how many buyers' points expired.
pub(crate) async fn expire_idle<C: ConnectionTrait>(
    db: &C,
    rules: &LoyaltyRules,
    now: DateTime<Utc>,
    idle: &[Idle],
) -> Result<u32> {
    let Some(cutoff) = expiry_cutoff(rules, now) else {
        return Ok(0);
    };
    let mut expired = 0;
    for &(customer_id, last_id, last_at) in idle.iter().filter(|i| i.2 < cutoff) {
        let have = balance(db, customer_id).await?;
        if have <= 0 {
            continue;
        }
        let reason = format!("Unused since {}", last_at.format("%Y-%m-%d"));
        let key = format!("expire:{customer_id}:{last_id}");
        if insert(
            db,
            customer_id,
            -have,
            EntryKind::Expiry,
            &reason,
            &key,
            None,
            now,
        )
        .await?
        .is_some()
        {
            expired += 1;
        }
    }
    Ok(expired)
}

fn activity_kinds() -> Vec<&'static str> {
    EntryKind::ALL
        .into_iter()
        .filter(|k| k.is_activity())
        .map(EntryKind::as_str)
        .collect()
}

/// Of buyers found idle before a transaction, those still idle since the same entry now (one
/// indexed read each: the candidates are few).
pub(crate) async fn still_idle<C: ConnectionTrait>(
    db: &C,
    candidates: &[Idle],
) -> Result<Vec<Idle>> {
    let kinds = activity_kinds();
    let mut out = Vec::with_capacity(candidates.len());
    for &c in candidates {
        let last: Option<i32> = loyalty_entry::Entity::find()
            .select_only()
            .column(loyalty_entry::Column::Id)
            .filter(loyalty_entry::Column::CustomerId.eq(c.0))
            .filter(loyalty_entry::Column::Kind.is_in(kinds.iter().copied()))
            .order_by_desc(loyalty_entry::Column::Id)
            .limit(1)
            .into_tuple()
            .one(db)
            .await?;
        if last == Some(c.1) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Buyers with points whose last activity (entry id, time) is before `cutoff`. The store
/// finds each buyer's last activity and balance in one grouped pass and keeps the idle ones
/// with points, so only those cross over; buyers whose points already expired drop out. The
/// desktop runs this hourly, before its write transaction.
pub(crate) async fn idle_since<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> Result<Vec<Idle>> {
    use loyalty_entry::Column as E;
    // Ids grow with time (the ledger only appends), so a buyer's last activity is their
    // highest activity id.
    // Named through the trait: in scope, its `max` would shadow `Ord::max` in this file.
    use sea_orm::sea_query::ExprTrait as X;
    let is_activity = X::is_in(Expr::col(E::Kind), activity_kinds());
    let activity_id =
        Expr::case(is_activity, Expr::col(E::Id)).finally(Expr::value(Option::<i32>::None));
    let last = Query::select()
        .expr(Func::max(activity_id))
        .from(loyalty_entry::Entity)
        .group_by_col(E::CustomerId)
        .and_having(X::gt(Expr::expr(Func::sum(Expr::col(E::Points))), 0))
        .to_owned();
    Ok(loyalty_entry::Entity::find()
        .select_only()
        .column(E::CustomerId)
        .column(E::Id)
        .column(E::At)
        .filter(E::Id.in_subquery(last))
        .filter(E::At.lt(cutoff))
        .order_by_asc(E::CustomerId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Where a buyer stands: balance, spend over the last twelve months, tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Standing {
    pub customer_id: i32,
    #[specta(type = i32)]
    pub balance: i64,
    #[specta(type = i32)]
    pub spend_12m_minor: i64,
    pub currency: String,
    pub tier: Option<Tier>,
    /// The next tier up and the spend still needed for it.
    pub next_tier: Option<Tier>,
    #[specta(type = Option<i32>)]
    pub to_next_minor: Option<i64>,
}

/// Spend that counts toward a tier: orders in the shop currency that are not cancelled or
/// refunded, placed in the twelve months before `now`.
pub async fn spend_12m<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let since = now
        .checked_sub_months(Months::new(12))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let sum: Option<Option<i64>> = sales_order::Entity::find()
        .select_only()
        .column_as(
            crate::infra::store::sum_i64(sales_order::Column::TotalMinor),
            "sum",
        )
        .filter(sales_order::Column::CustomerId.eq(customer_id))
        .filter(sales_order::Column::Currency.eq(currency))
        .filter(sales_order::Column::PlacedAt.gte(since))
        .filter(sales_order::Column::Status.is_not_in([
            OrderStatus::Cancelled.as_str(),
            OrderStatus::Refunded.as_str(),
        ]))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

pub async fn standing<C: ConnectionTrait>(
    db: &C,
    rules: &LoyaltyRules,
    customer_id: i32,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<Standing> {
    if customer::Entity::find_by_id(customer_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(Error::NotFound {
            what: "customer",
            id: customer_id.to_string(),
        });
    }
    let balance = balance(db, customer_id).await?;
    let spend = spend_12m(db, customer_id, currency, now).await?;
    let tier = tier_for(rules, spend).cloned();
    let next_tier = rules
        .tiers
        .iter()
        .find(|t| t.min_spend_minor > spend)
        .cloned();
    Ok(Standing {
        customer_id,
        balance,
        spend_12m_minor: spend,
        currency: currency.to_owned(),
        tier,
        to_next_minor: next_tier.as_ref().map(|t| t.min_spend_minor - spend),
        next_tier,
    })
}

/// Turns `points` of a buyer's balance into a coupon worth them (at the rules' rate), for them
/// alone, for one use, valid for the rules' days.
pub async fn from_points<C: ConnectionTrait>(
    db: &C,
    rules: &LoyaltyRules,
    customer_id: i32,
    points: i64,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<Coupon> {
    let per_unit = i64::from(Ord::max(rules.points_per_coupon_unit, 1));
    if points < per_unit {
        return Err(Error::Validation(vec![
            FieldError::new("points", FieldCode::OutOfRange)
                .with("min", per_unit)
                .with("max", i64::MAX),
        ]));
    }
    let units = points / per_unit;
    let spent = units * per_unit;
    let exp = crate::money::exponent(currency).unwrap_or(2);
    let input = CouponInput {
        value: CouponValue::Amount {
            minor: units * 10i64.pow(exp),
            currency: currency.to_owned(),
        },
        customer_id: Some(customer_id),
        max_uses: Some(1),
        expires_at: Some(now + Duration::days(i64::from(Ord::max(rules.coupon_valid_days, 1)))),
        note: format!("{spent} points"),
    };
    let have = balance(db, customer_id).await?;
    if have < spent {
        return Err(LoyaltyError::NotEnoughPoints { have, want: spent }.into());
    }
    let c = coupons::create(db, &input, CouponSource::Points, now).await?;
    take(
        db,
        customer_id,
        spent,
        EntryKind::Redemption,
        &format!("Coupon {}", c.code),
        &format!("coupon:{}", c.code),
        now,
    )
    .await?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_whole_units_times_the_rate() {
        let mut r = LoyaltyRules::default();
        assert_eq!(points_for(4_599, "AZN", &r), 45);
        assert_eq!(points_for(-100, "AZN", &r), 0);
        r.points_per_unit = 3;
        assert_eq!(points_for(1_000, "JPY", &r), 3_000, "JPY has no minor unit");
    }
}
