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
/// week's orders one by one. Each section below reads one part of the review.
pub async fn week<C: ConnectionTrait>(
    db: &C,
    week: IsoWeek,
    zone: chrono_tz::Tz,
    currency: &str,
) -> Result<WeekFigures> {
    let (from, to) = week.bounds(zone);
    let placed = placed(db, from, to, currency).await?;
    let confirming = confirming(db, from, to).await?;
    let dispatch_on_time = dispatch_on_time(db, from, to).await?;
    let inspection = crate::inspection::figures::week(db, from, to)
        .await?
        .overall;
    let problems = problems(db, from, to).await?;
    let book = book(db, from, to).await?;
    let follow_up = follow_up(db, from, to).await?;
    let buyers = buyers(db, from, to).await?;
    let points = points(db, from, to).await?;
    let (catalog_average, catalog_listings) = catalog(db, week).await?;
    Ok(WeekFigures {
        week: week.label(),
        from,
        to,
        orders: placed.orders,
        revenue_minor: placed.revenue_minor,
        other_currency_orders: placed.other_currency,
        confirmed: confirming.confirmed,
        confirm_minutes_p50: confirming.p50,
        confirm_minutes_p90: confirming.p90,
        dispatch_on_time,
        inspection_first_pass: Rate::of(inspection.first_pass, inspection.first_runs),
        inspection_overrides: inspection.overrides,
        problems,
        complaints_total: book.complaints.iter().map(|k| k.count).sum(),
        complaints: book.complaints,
        complaints_resolved: book.resolved,
        resolve_hours_median: book.resolve_hours_median,
        satisfaction_answers: follow_up.answers,
        satisfaction_average: follow_up.average,
        follow_up_response: follow_up.response,
        buyers: buyers.buyers,
        new_buyers: buyers.new,
        returning_buyers: buyers.buyers.saturating_sub(buyers.new),
        repeat_buyers: Rate::of(buyers.repeat, buyers.buyers),
        points_issued: points.issued,
        points_redeemed: points.redeemed,
        points_expired: points.expired,
        coupons_used: points.coupons_used,
        catalog_average,
        catalog_listings,
        praise: book.praise,
        praise_total: book.praise_total,
    })
}

/// A count from the store, as the review shows it.
fn n(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

struct Placed {
    orders: u32,
    revenue_minor: i64,
    other_currency: u32,
}

/// Orders placed, and the revenue of those kept (in the shop's currency).
async fn placed<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    currency: &str,
) -> Result<Placed> {
    use sales_order::Column as O;
    let kept = Expr::col(O::Currency)
        .eq(currency)
        .and(Expr::col(O::Status).is_not_in([
            OrderStatus::Cancelled.as_str(),
            OrderStatus::Refunded.as_str(),
        ]));
    let row = one(
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
    Ok(Placed {
        orders: n(int(&row, "orders")?),
        revenue_minor: int(&row, "revenue")?,
        other_currency: n(int(&row, "other")?),
    })
}

struct Confirming {
    confirmed: u32,
    p50: Option<u32>,
    p90: Option<u32>,
}

/// Time to confirm: the count, then the two ranks read in order.
async fn confirming<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Confirming> {
    use sales_order::Column as O;
    let backend = db.get_database_backend();
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
    Ok(Confirming {
        confirmed: n(confirmed),
        p50: ranks[0],
        p90: ranks[1],
    })
}

/// Dispatch on time: the move to "shipped" against the order's ship-by date.
async fn dispatch_on_time<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Rate> {
    use sales_order::Column as O;
    let at = (order_event::Entity, order_event::Column::At);
    let ship_by = (sales_order::Entity, O::ShipBy);
    let row = one(
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
    Ok(Rate::of(n(int(&row, "on_time")?), n(int(&row, "shipped")?)))
}

/// Problems opened in the week, by kind.
async fn problems<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<KeyCount>> {
    let rows = all(
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
    counts(&rows, "kind")
}

struct Book {
    complaints: Vec<KeyCount>,
    resolved: u32,
    resolve_hours_median: Option<f64>,
    praise: Vec<KeyCount>,
    praise_total: u32,
}

/// The book: written in the week by kind and category (praise by name), and settled.
async fn book<C: ConnectionTrait>(db: &C, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Book> {
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
    Ok(Book {
        complaints,
        resolved: count(settled.len()),
        resolve_hours_median: median(&hours),
        praise,
        praise_total: n(praise_total),
    })
}

struct FollowUpFigures {
    answers: u32,
    average: Option<f64>,
    response: Rate,
}

/// Follow-up: answers recorded in the week; of those asked in the week, how many answered.
async fn follow_up<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<FollowUpFigures> {
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
    let answers_n = int(&answers, "n")?;
    Ok(FollowUpFigures {
        answers: n(answers_n),
        average: (answers_n > 0)
            .then(|| int(&answers, "total").map(|t| t as f64 / answers_n as f64))
            .transpose()?,
        response: Rate::of(n(int(&asked, "answered")?), n(int(&asked, "n")?)),
    })
}

struct Buyers {
    buyers: u32,
    new: u32,
    repeat: u32,
}

/// Buyers of the week, with their orders up to the week's end.
async fn buyers<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Buyers> {
    use sales_order::Column as O;
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
    let row = one(
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
    Ok(Buyers {
        buyers: n(int(&row, "buyers")?),
        new: n(int(&row, "new")?),
        repeat: n(int(&row, "repeat")?),
    })
}

struct Points {
    issued: i64,
    redeemed: i64,
    expired: i64,
    coupons_used: u32,
}

/// Points given, redeemed and expired in the week, and coupons used.
async fn points<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Points> {
    // A kind's sum, or (None) every point given: positive entries that are not reversals.
    let sum = |kind: Option<&str>| {
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
    let coupons_used = coupon_use::Entity::find()
        .filter(coupon_use::Column::At.gte(from))
        .filter(coupon_use::Column::At.lt(to))
        .count(db)
        .await?;
    Ok(Points {
        issued: int(&one(db, &sum(None)).await?, "total")?,
        redeemed: -int(&one(db, &sum(Some("redemption"))).await?, "total")?,
        expired: -int(&one(db, &sum(Some("expiry"))).await?, "total")?,
        coupons_used: u32::try_from(coupons_used).unwrap_or(u32::MAX),
    })
}

/// The catalog on the week's last recorded day (days on the shop's calendar): its average
/// score and how many listings it had.
async fn catalog<C: ConnectionTrait>(db: &C, week: IsoWeek) -> Result<(Option<f64>, Option<u32>)> {
    let monday = week.monday();
    let (first_day, last_day) = (
        monday.to_string(),
        (monday + chrono::Duration::days(6)).to_string(),
    );
    let day = catalog_history::Entity::find()
        .filter(catalog_history::Column::Day.gte(first_day))
        .filter(catalog_history::Column::Day.lte(last_day))
        .order_by_desc(catalog_history::Column::Day)
        .one(db)
        .await?;
    Ok((
        day.as_ref()
            .filter(|c| c.listings > 0)
            .map(|c| c.score_sum as f64 / f64::from(c.listings)),
        day.map(|c| u32::try_from(c.listings).unwrap_or(0)),
    ))
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
