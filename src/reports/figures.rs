//! One week's figures, read from the store by time ranges the weekly-review indexes cover: each
//! query reads only the week's rows (and, for returning buyers, those buyers' earlier orders).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, IntoColumnRef, Order, Query, SelectStatement,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QueryResult, QuerySelect,
};
use serde::Serialize;
use specta::Type;

use crate::calendar::IsoWeek;
use crate::error::Result;
use crate::infra::store::entity::{
    catalog_history, coupon_use, feedback, follow_up, loyalty_entry, order_event, order_problem,
    sales_order,
};
use crate::orders::OrderStatus;

/// A count under a key: a problem kind, a complaint category, a team member's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct KeyCount {
    pub key: String,
    pub count: u32,
}

/// A share as its two counts, and the percentage when there is anything to divide by.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct Rate {
    pub part: u32,
    pub whole: u32,
    pub percent: Option<f64>,
}

impl Rate {
    pub fn of(part: u32, whole: u32) -> Self {
        Self {
            part,
            whole,
            percent: (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole)),
        }
    }
}

/// The week's figures. Times are UTC; money is the shop currency's minor units.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WeekFigures {
    pub week: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Orders placed in the week, every status.
    pub orders: u32,
    /// Their totals in the shop currency, cancelled and refunded orders left out.
    #[specta(type = i32)]
    pub revenue_minor: i64,
    /// Orders in another currency, not in the revenue.
    pub other_currency_orders: u32,
    /// Orders confirmed in the week, and the minutes from placing to confirming (nearest rank).
    pub confirmed: u32,
    pub confirm_minutes_p50: Option<u32>,
    pub confirm_minutes_p90: Option<u32>,
    /// Orders shipped in the week that had a ship-by date, and those shipped by it.
    pub dispatch_on_time: Rate,
    /// First inspections that passed, of those finished in the week; and overrides.
    pub inspection_first_pass: Rate,
    pub inspection_overrides: u32,
    /// Problems opened in the week, by kind (most first).
    pub problems: Vec<KeyCount>,
    /// Complaints written in the week, by category (most first).
    pub complaints: Vec<KeyCount>,
    pub complaints_total: u32,
    /// Complaints settled in the week and the median hours from writing to settling.
    pub complaints_resolved: u32,
    pub resolve_hours_median: Option<f64>,
    /// Follow-up answers recorded in the week and their average (1–5).
    pub satisfaction_answers: u32,
    pub satisfaction_average: Option<f64>,
    /// Follow-ups asked in the week, and how many of them have an answer.
    pub follow_up_response: Rate,
    /// Buyers with an order in the week: new (their first order ever), returning (ordered
    /// before), and repeat buyers (two orders or more by the week's end) as a share.
    pub buyers: u32,
    pub new_buyers: u32,
    pub returning_buyers: u32,
    pub repeat_buyers: Rate,
    #[specta(type = i32)]
    pub points_issued: i64,
    #[specta(type = i32)]
    pub points_redeemed: i64,
    #[specta(type = i32)]
    pub points_expired: i64,
    pub coupons_used: u32,
    /// The catalog's average completeness on the week's last recorded day, if one was.
    pub catalog_average: Option<f64>,
    pub catalog_listings: Option<u32>,
    /// Praise by the team member it names (most first), and all praise in the week.
    pub praise: Vec<KeyCount>,
    pub praise_total: u32,
}

/// The value at the nearest rank for `p` (0–1) of sorted values.
pub fn nearest_rank<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn counted(map: BTreeMap<String, u32>) -> Vec<KeyCount> {
    let mut v: Vec<KeyCount> = map
        .into_iter()
        .map(|(key, count)| KeyCount { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

async fn one<C: ConnectionTrait>(db: &C, q: &SelectStatement) -> Result<Option<QueryResult>> {
    Ok(db.query_one_raw(db.get_database_backend().build(q)).await?)
}

async fn all<C: ConnectionTrait>(db: &C, q: &SelectStatement) -> Result<Vec<QueryResult>> {
    Ok(db.query_all_raw(db.get_database_backend().build(q)).await?)
}

/// A count or a sum read as i64 (0 for NULL: a sum over no rows).
fn int(row: &Option<QueryResult>, col: &str) -> Result<i64> {
    match row {
        Some(r) => Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0)),
        None => Ok(0),
    }
}

fn sum_bigint(e: Expr) -> Expr {
    Expr::expr(Func::cast_as(Func::sum(e), Alias::new("BIGINT")))
}

fn count_bigint(e: Expr) -> Expr {
    Expr::expr(Func::cast_as(Func::count(e), Alias::new("BIGINT")))
}

fn when(cond: Expr) -> Expr {
    Expr::case(cond, 1).finally(0).into()
}

fn between<T: IntoColumnRef + Copy>(col: T, from: DateTime<Utc>, to: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Expr::col(col).gte(from))
        .add(Expr::col(col).lt(to))
}

/// Whole minutes from placing to confirming, on either store.
fn confirm_minutes(backend: DbBackend) -> Expr {
    Expr::cust(match backend {
        DbBackend::Postgres => {
            "CAST(FLOOR(EXTRACT(EPOCH FROM (confirmed_at - placed_at)) / 60) AS BIGINT)"
        }
        // Rounded to whole seconds first: julianday's fractions are not exact.
        _ => {
            "CAST(ROUND((julianday(confirmed_at) - julianday(placed_at)) * 86400) AS INTEGER) / 60"
        }
    })
}

fn counts(rows: &[QueryResult], key: &str) -> Result<Vec<KeyCount>> {
    let mut map = BTreeMap::new();
    for r in rows {
        let k: Option<String> = r.try_get("", key)?;
        let n: i64 = r.try_get("", "n")?;
        if let Some(k) = k {
            *map.entry(k).or_insert(0u32) += u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    Ok(counted(map))
}

/// The week's figures, aggregated by the store: each query returns a row or a few, never the
/// week's orders one by one.
pub async fn week<C: ConnectionTrait>(
    db: &C,
    week: IsoWeek,
    zone: chrono_tz::Tz,
    currency: &str,
) -> Result<WeekFigures> {
    use sales_order::Column as O;
    let (from, to) = week.bounds(zone);
    let backend = db.get_database_backend();

    // Orders placed, and the revenue of those kept.
    let kept = Expr::col(O::Currency)
        .eq(currency)
        .and(Expr::col(O::Status).is_not_in([
            OrderStatus::Cancelled.as_str(),
            OrderStatus::Refunded.as_str(),
        ]));
    let placed = one(
        db,
        Query::select()
            .expr_as(count_bigint(Expr::col(O::Id)), Alias::new("orders"))
            .expr_as(
                sum_bigint(Expr::case(kept, Expr::col(O::TotalMinor)).finally(0).into()),
                Alias::new("revenue"),
            )
            .expr_as(
                sum_bigint(when(Expr::col(O::Currency).ne(currency))),
                Alias::new("other"),
            )
            .from(sales_order::Entity)
            .cond_where(between(O::PlacedAt, from, to)),
    )
    .await?;

    // Time to confirm: the count, then the two ranks read in order.
    let confirmed_in = between(O::ConfirmedAt, from, to);
    let confirmed = int(
        &one(
            db,
            Query::select()
                .expr_as(count_bigint(Expr::col(O::Id)), Alias::new("n"))
                .from(sales_order::Entity)
                .cond_where(confirmed_in.clone()),
        )
        .await?,
        "n",
    )?;
    let mut ranks = [None, None];
    for (slot, p) in ranks.iter_mut().zip([0.5, 0.9]) {
        if confirmed == 0 {
            break;
        }
        let rank = ((p * confirmed as f64).ceil() as u64).clamp(1, confirmed as u64);
        let row = one(
            db,
            Query::select()
                .expr_as(confirm_minutes(backend), Alias::new("m"))
                .from(sales_order::Entity)
                .cond_where(confirmed_in.clone())
                .order_by_expr(confirm_minutes(backend), Order::Asc)
                .limit(1)
                .offset(rank - 1),
        )
        .await?;
        *slot = Some(int(&row, "m")?.clamp(0, i64::from(u32::MAX)) as u32);
    }

    // Dispatch on time: the move to "shipped" against the order's ship-by date.
    let at = (order_event::Entity, order_event::Column::At);
    let ship_by = (sales_order::Entity, O::ShipBy);
    let dispatch = one(
        db,
        Query::select()
            .expr_as(count_bigint(Expr::col(at)), Alias::new("shipped"))
            .expr_as(
                sum_bigint(when(Expr::col(at).lte(Expr::col(ship_by)))),
                Alias::new("on_time"),
            )
            .from(order_event::Entity)
            .inner_join(
                sales_order::Entity,
                Expr::col((sales_order::Entity, O::Id))
                    .equals((order_event::Entity, order_event::Column::OrderId)),
            )
            .and_where(
                Expr::col((order_event::Entity, order_event::Column::StatusTo)).eq("shipped"),
            )
            .cond_where(between(at, from, to))
            .and_where(Expr::col(ship_by).is_not_null()),
    )
    .await?;

    let inspection = crate::inspection::figures::week(db, from, to)
        .await?
        .overall;

    let problems = all(
        db,
        Query::select()
            .column(order_problem::Column::Kind)
            .expr_as(
                count_bigint(Expr::col(order_problem::Column::Id)),
                Alias::new("n"),
            )
            .from(order_problem::Entity)
            .cond_where(between(order_problem::Column::OpenedAt, from, to))
            .group_by_col(order_problem::Column::Kind),
    )
    .await?;

    // The book: written in the week by kind and category (praise by name), and settled.
    let written = |kind: &str, by: feedback::Column| {
        Query::select()
            .column(by)
            .expr_as(
                count_bigint(Expr::col(feedback::Column::Id)),
                Alias::new("n"),
            )
            .from(feedback::Entity)
            .and_where(Expr::col(feedback::Column::Kind).eq(kind))
            .cond_where(between(feedback::Column::OpenedAt, from, to))
            .group_by_col(by)
            .to_owned()
    };
    let complaints = counts(
        &all(db, &written("complaint", feedback::Column::Category)).await?,
        "category",
    )?;
    let praise_rows = all(db, &written("praise", feedback::Column::StaffName)).await?;
    let praise_total = praise_rows
        .iter()
        .map(|r| r.try_get::<i64>("", "n"))
        .sum::<std::result::Result<i64, _>>()?;
    let praise = counts(&praise_rows, "staff_name")?;
    let settled: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = feedback::Entity::find()
        .select_only()
        .column(feedback::Column::OpenedAt)
        .column(feedback::Column::ResolvedAt)
        .filter(feedback::Column::Kind.eq("complaint"))
        .filter(feedback::Column::ResolvedAt.gte(from))
        .filter(feedback::Column::ResolvedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut hours: Vec<f64> = settled
        .iter()
        .filter_map(|(opened, resolved)| Some((*resolved.as_ref()? - *opened).num_seconds()))
        .map(|s| Ord::max(s, 0) as f64 / 3600.0)
        .collect();
    hours.sort_by(f64::total_cmp);

    // Follow-up: answers recorded in the week; of those asked in the week, how many answered.
    let answers = one(
        db,
        Query::select()
            .expr_as(
                count_bigint(Expr::col(follow_up::Column::Score)),
                Alias::new("n"),
            )
            .expr_as(
                sum_bigint(Expr::col(follow_up::Column::Score)),
                Alias::new("total"),
            )
            .from(follow_up::Entity)
            .cond_where(between(follow_up::Column::AnsweredAt, from, to)),
    )
    .await?;
    let asked = one(
        db,
        Query::select()
            .expr_as(
                count_bigint(Expr::col(follow_up::Column::Id)),
                Alias::new("n"),
            )
            .expr_as(
                count_bigint(Expr::col(follow_up::Column::AnsweredAt)),
                Alias::new("answered"),
            )
            .from(follow_up::Entity)
            .cond_where(between(follow_up::Column::SentAt, from, to)),
    )
    .await?;

    // Buyers of the week, with their orders up to the week's end.
    let history = Query::select()
        .column(O::CustomerId)
        .expr_as(Func::min(Expr::col(O::PlacedAt)), Alias::new("first"))
        .expr_as(count_bigint(Expr::col(O::Id)), Alias::new("orders"))
        .from(sales_order::Entity)
        .and_where(Expr::col(O::PlacedAt).lt(to))
        .and_where(
            Expr::col(O::CustomerId).in_subquery(
                Query::select()
                    .column(O::CustomerId)
                    .from(sales_order::Entity)
                    .cond_where(between(O::PlacedAt, from, to))
                    .to_owned(),
            ),
        )
        .group_by_col(O::CustomerId)
        .to_owned();
    let h = Alias::new("h");
    let buyers_row = one(
        db,
        Query::select()
            .expr_as(
                count_bigint(Expr::col((h.clone(), O::CustomerId))),
                Alias::new("buyers"),
            )
            .expr_as(
                sum_bigint(when(Expr::col((h.clone(), Alias::new("first"))).gte(from))),
                Alias::new("new"),
            )
            .expr_as(
                sum_bigint(when(Expr::col((h.clone(), Alias::new("orders"))).gte(2))),
                Alias::new("repeat"),
            )
            .from_subquery(history, h),
    )
    .await?;
    let buyers = int(&buyers_row, "buyers")?;
    let new_buyers = int(&buyers_row, "new")?;

    // Points and coupons.
    // A kind's sum, or (None) every point given: positive entries that are not reversals.
    let points = |kind: Option<&str>| {
        let mut q = Query::select();
        q.expr_as(
            sum_bigint(Expr::col(loyalty_entry::Column::Points)),
            Alias::new("total"),
        )
        .from(loyalty_entry::Entity)
        .cond_where(between(loyalty_entry::Column::At, from, to));
        match kind {
            Some(k) => q.and_where(Expr::col(loyalty_entry::Column::Kind).eq(k)),
            None => q
                .and_where(Expr::col(loyalty_entry::Column::Kind).ne("reversal"))
                .and_where(Expr::col(loyalty_entry::Column::Points).gt(0)),
        };
        q
    };
    let issued = int(&one(db, &points(None)).await?, "total")?;
    let redeemed = -int(&one(db, &points(Some("redemption"))).await?, "total")?;
    let expired = -int(&one(db, &points(Some("expiry"))).await?, "total")?;
    let coupons_used = coupon_use::Entity::find()
        .filter(coupon_use::Column::At.gte(from))
        .filter(coupon_use::Column::At.lt(to))
        .count(db)
        .await?;

    // The catalog on the week's last recorded day (days on the shop's calendar).
    let monday = week.monday();
    let (first_day, last_day) = (
        monday.to_string(),
        (monday + chrono::Duration::days(6)).to_string(),
    );
    let catalog = catalog_history::Entity::find()
        .filter(catalog_history::Column::Day.gte(first_day))
        .filter(catalog_history::Column::Day.lte(last_day))
        .order_by_desc(catalog_history::Column::Day)
        .one(db)
        .await?;

    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    let answers_n = int(&answers, "n")?;
    Ok(WeekFigures {
        week: week.label(),
        from,
        to,
        orders: n(int(&placed, "orders")?),
        revenue_minor: int(&placed, "revenue")?,
        other_currency_orders: n(int(&placed, "other")?),
        confirmed: n(confirmed),
        confirm_minutes_p50: ranks[0],
        confirm_minutes_p90: ranks[1],
        dispatch_on_time: Rate::of(n(int(&dispatch, "on_time")?), n(int(&dispatch, "shipped")?)),
        inspection_first_pass: Rate::of(inspection.first_pass, inspection.first_runs),
        inspection_overrides: inspection.overrides,
        problems: counts(&problems, "kind")?,
        complaints_total: complaints.iter().map(|k| k.count).sum(),
        complaints,
        complaints_resolved: count(settled.len()),
        resolve_hours_median: median(&hours),
        satisfaction_answers: n(answers_n),
        satisfaction_average: (answers_n > 0)
            .then(|| int(&answers, "total").map(|t| t as f64 / answers_n as f64))
            .transpose()?,
        follow_up_response: Rate::of(n(int(&asked, "answered")?), n(int(&asked, "n")?)),
        buyers: n(buyers),
        new_buyers: n(new_buyers),
        returning_buyers: n(buyers - new_buyers),
        repeat_buyers: Rate::of(n(int(&buyers_row, "repeat")?), n(buyers)),
        points_issued: issued,
        points_redeemed: redeemed,
        points_expired: expired,
        coupons_used: u32::try_from(coupons_used).unwrap_or(u32::MAX),
        catalog_average: catalog
            .as_ref()
            .filter(|c| c.listings > 0)
            .map(|c| c.score_sum as f64 / f64::from(c.listings)),
        catalog_listings: catalog.map(|c| u32::try_from(c.listings).unwrap_or(0)),
        praise,
        praise_total: n(praise_total),
    })
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_and_median_on_small_sets() {
        assert_eq!(nearest_rank::<u32>(&[], 0.5), None);
        assert_eq!(nearest_rank(&[7], 0.9), Some(7));
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(nearest_rank(&v, 0.5), Some(5));
        assert_eq!(nearest_rank(&v, 0.9), Some(9));
        assert_eq!(nearest_rank(&[1, 2, 3], 0.5), Some(2));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, 3.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 9.0]), Some(2.0));
        assert_eq!(Rate::of(1, 0).percent, None);
        assert_eq!(Rate::of(1, 4).percent, Some(25.0));
    }
}
