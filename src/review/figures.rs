//! One week's figures, read from the store by time ranges the weekly-review indexes cover: each
//! query reads only the week's rows (and, for returning buyers, those buyers' earlier orders).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use specta::Type;

use super::week::IsoWeek;
use crate::error::Result;
use crate::orders::OrderStatus;
use crate::store::entity::{
    catalog_history, coupon_use, feedback, follow_up, loyalty_entry, order_event, order_problem,
    sales_order,
};

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
    pub points_issued: i64,
    pub points_redeemed: i64,
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

pub async fn week<C: ConnectionTrait>(
    db: &C,
    week: IsoWeek,
    currency: &str,
) -> Result<WeekFigures> {
    let (from, to) = week.bounds();

    // Orders placed, and the revenue of those kept.
    let placed: Vec<(i32, String, String, i64)> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::CustomerId)
        .column(sales_order::Column::Status)
        .column(sales_order::Column::Currency)
        .column(sales_order::Column::TotalMinor)
        .filter(sales_order::Column::PlacedAt.gte(from))
        .filter(sales_order::Column::PlacedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut revenue_minor = 0i64;
    let mut other_currency_orders = 0;
    for (_, status, cur, total) in &placed {
        if cur != currency {
            other_currency_orders += 1;
        } else if status != OrderStatus::Cancelled.as_str()
            && status != OrderStatus::Refunded.as_str()
        {
            revenue_minor = revenue_minor.saturating_add(*total);
        }
    }

    // Time to confirm.
    let confirmed: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::PlacedAt)
        .column(sales_order::Column::ConfirmedAt)
        .filter(sales_order::Column::ConfirmedAt.gte(from))
        .filter(sales_order::Column::ConfirmedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut minutes: Vec<u32> = confirmed
        .iter()
        .filter_map(|(placed, confirmed)| Some(*confirmed.as_ref()? - *placed))
        .map(|d| d.num_minutes().clamp(0, i64::from(u32::MAX)) as u32)
        .collect();
    minutes.sort_unstable();

    // Dispatch on time: the move to "shipped" against the order's ship-by date.
    let shipped = Query::select()
        .expr_as(
            Expr::col((order_event::Entity, order_event::Column::At)),
            Alias::new("at"),
        )
        .expr_as(
            Expr::col((sales_order::Entity, sales_order::Column::ShipBy)),
            Alias::new("ship_by"),
        )
        .from(order_event::Entity)
        .inner_join(
            sales_order::Entity,
            Expr::col((sales_order::Entity, sales_order::Column::Id))
                .equals((order_event::Entity, order_event::Column::OrderId)),
        )
        .and_where(Expr::col((order_event::Entity, order_event::Column::StatusTo)).eq("shipped"))
        .and_where(Expr::col((order_event::Entity, order_event::Column::At)).gte(from))
        .and_where(Expr::col((order_event::Entity, order_event::Column::At)).lt(to))
        .and_where(Expr::col((sales_order::Entity, sales_order::Column::ShipBy)).is_not_null())
        .to_owned();
    let backend = db.get_database_backend();
    let mut on_time = 0;
    let mut with_promise = 0;
    for row in db.query_all_raw(backend.build(&shipped)).await? {
        let at: DateTime<Utc> = row.try_get("", "at")?;
        let by: DateTime<Utc> = row.try_get("", "ship_by")?;
        with_promise += 1;
        if at <= by {
            on_time += 1;
        }
    }

    let inspection = crate::inspection::figures::week(db, from, to)
        .await?
        .overall;

    let problems: Vec<String> = order_problem::Entity::find()
        .select_only()
        .column(order_problem::Column::Kind)
        .filter(order_problem::Column::OpenedAt.gte(from))
        .filter(order_problem::Column::OpenedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_kind = BTreeMap::new();
    for k in problems {
        *by_kind.entry(k).or_insert(0) += 1;
    }

    // The book: written in the week, and settled in the week.
    let written: Vec<(String, String, Option<String>)> = feedback::Entity::find()
        .select_only()
        .column(feedback::Column::Kind)
        .column(feedback::Column::Category)
        .column(feedback::Column::StaffName)
        .filter(feedback::Column::OpenedAt.gte(from))
        .filter(feedback::Column::OpenedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut complaints = BTreeMap::new();
    let mut praise = BTreeMap::new();
    let (mut complaints_total, mut praise_total) = (0, 0);
    for (kind, category, staff) in written {
        match kind.as_str() {
            "complaint" => {
                complaints_total += 1;
                *complaints.entry(category).or_insert(0) += 1;
            }
            "praise" => {
                praise_total += 1;
                if let Some(name) = staff {
                    *praise.entry(name).or_insert(0) += 1;
                }
            }
            _ => {}
        }
    }
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
    let resolve_hours_median = median(&hours);

    // Follow-up: answers recorded in the week; of those asked in the week, how many answered.
    let scores: Vec<Option<i16>> = follow_up::Entity::find()
        .select_only()
        .column(follow_up::Column::Score)
        .filter(follow_up::Column::AnsweredAt.gte(from))
        .filter(follow_up::Column::AnsweredAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let scores: Vec<i16> = scores.into_iter().flatten().collect();
    let satisfaction_average = (!scores.is_empty())
        .then(|| scores.iter().map(|&s| f64::from(s)).sum::<f64>() / scores.len() as f64);
    let asked: Vec<Option<DateTime<Utc>>> = follow_up::Entity::find()
        .select_only()
        .column(follow_up::Column::AnsweredAt)
        .filter(follow_up::Column::SentAt.gte(from))
        .filter(follow_up::Column::SentAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let answered = asked.iter().filter(|a| a.is_some()).count();

    // Buyers of the week, with their orders up to the week's end.
    let week_buyers = Query::select()
        .column(sales_order::Column::CustomerId)
        .from(sales_order::Entity)
        .and_where(sales_order::Column::PlacedAt.gte(from))
        .and_where(sales_order::Column::PlacedAt.lt(to))
        .to_owned();
    let history: Vec<(i32, Option<DateTime<Utc>>, i64)> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::CustomerId)
        .column_as(
            Expr::expr(Func::min(Expr::col(sales_order::Column::PlacedAt))),
            "first",
        )
        .column_as(
            Expr::expr(Func::count(Expr::col(sales_order::Column::Id))),
            "orders",
        )
        .filter(sales_order::Column::PlacedAt.lt(to))
        .filter(sales_order::Column::CustomerId.in_subquery(week_buyers))
        .group_by(sales_order::Column::CustomerId)
        .into_tuple()
        .all(db)
        .await?;
    let buyers = count(history.len());
    let new_buyers = count(
        history
            .iter()
            .filter(|(_, first, _)| first.is_some_and(|f| f >= from))
            .count(),
    );
    let repeat = count(history.iter().filter(|(_, _, n)| *n >= 2).count());

    // Points and coupons.
    let entries: Vec<(String, i64)> = loyalty_entry::Entity::find()
        .select_only()
        .column(loyalty_entry::Column::Kind)
        .column(loyalty_entry::Column::Points)
        .filter(loyalty_entry::Column::At.gte(from))
        .filter(loyalty_entry::Column::At.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let (mut issued, mut redeemed, mut expired) = (0i64, 0i64, 0i64);
    for (kind, points) in entries {
        match kind.as_str() {
            "redemption" => redeemed -= points,
            "expiry" => expired -= points,
            "reversal" => {}
            _ if points > 0 => issued += points,
            _ => {}
        }
    }
    let coupons_used = coupon_use::Entity::find()
        .filter(coupon_use::Column::At.gte(from))
        .filter(coupon_use::Column::At.lt(to))
        .count(db)
        .await?;

    // The catalog on the week's last recorded day.
    let (first_day, last_day) = (
        from.date_naive().to_string(),
        (to - chrono::Duration::days(1)).date_naive().to_string(),
    );
    let catalog = catalog_history::Entity::find()
        .filter(catalog_history::Column::Day.gte(first_day))
        .filter(catalog_history::Column::Day.lte(last_day))
        .order_by_desc(catalog_history::Column::Day)
        .one(db)
        .await?;

    Ok(WeekFigures {
        week: week.label(),
        from,
        to,
        orders: count(placed.len()),
        revenue_minor,
        other_currency_orders,
        confirmed: count(confirmed.len()),
        confirm_minutes_p50: nearest_rank(&minutes, 0.5),
        confirm_minutes_p90: nearest_rank(&minutes, 0.9),
        dispatch_on_time: Rate::of(on_time, with_promise),
        inspection_first_pass: Rate::of(inspection.first_pass, inspection.first_runs),
        inspection_overrides: inspection.overrides,
        problems: counted(by_kind),
        complaints: counted(complaints),
        complaints_total,
        complaints_resolved: count(settled.len()),
        resolve_hours_median,
        satisfaction_answers: count(scores.len()),
        satisfaction_average,
        follow_up_response: Rate::of(count(answered), count(asked.len())),
        buyers,
        new_buyers,
        returning_buyers: buyers - new_buyers,
        repeat_buyers: Rate::of(repeat, buyers),
        points_issued: issued,
        points_redeemed: redeemed,
        points_expired: expired,
        coupons_used: u32::try_from(coupons_used).unwrap_or(u32::MAX),
        catalog_average: catalog
            .as_ref()
            .filter(|c| c.listings > 0)
            .map(|c| c.score_sum as f64 / f64::from(c.listings)),
        catalog_listings: catalog.map(|c| u32::try_from(c.listings).unwrap_or(0)),
        praise: counted(praise),
        praise_total,
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
