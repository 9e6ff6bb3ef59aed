//! Customers as the seller looks them up (issue 7): the list (newest buyers first, or those
//! matching a search), and one buyer's profile — contacts, language, notes, first and last
//! purchase, order count, lifetime spend, and where they stand in the loyalty programme.
//! Matching a new order to its buyer stays in `orders::customers`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use specta::Type;

use crate::error::{Error, Result};
use crate::loyalty::{LoyaltyRules, Standing, ledger};
use crate::orders::{OrderStatus, customers as matching};
use crate::store::entity::{customer, sales_order};

pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct CustomerRow {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    /// Orders not cancelled or refunded.
    pub orders: u32,
    /// What those orders came to in the shop's currency.
    #[specta(type = i32)]
    pub spend_minor: i64,
    pub last_order_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    /// The search matched more buyers than a list can hold: add a word.
    pub too_wide: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct OrderSummary {
    pub id: i32,
    pub number: String,
    pub status: OrderStatus,
    #[specta(type = i32)]
    pub total_minor: i64,
    pub currency: String,
    pub placed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct CustomerProfile {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub marketplace: Option<String>,
    pub marketplace_buyer_id: Option<String>,
    pub language: String,
    pub notes: String,
    pub since: DateTime<Utc>,
    pub first_purchase_at: Option<DateTime<Utc>>,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub orders: u32,
    #[specta(type = i32)]
    pub lifetime_spend_minor: i64,
    pub currency: String,
    pub loyalty: Standing,
    /// The latest orders, newest first (at most 20).
    pub recent_orders: Vec<OrderSummary>,
}

/// Per buyer: count, spend, first and last purchase of their orders that count.
type Totals = (i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
/// The same as the store answers it: buyer, count, spend (none without orders), first, last.
type TotalsRow = (
    i32,
    i64,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

async fn totals<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    currency: &str,
) -> Result<HashMap<i32, Totals>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<TotalsRow> = sales_order::Entity::find()
            .select_only()
            .column(sales_order::Column::CustomerId)
            .column_as(
                Expr::expr(Func::cast_as(
                    Func::count(Expr::col(sales_order::Column::Id)),
                    "BIGINT",
                )),
                "n",
            )
            .column_as(
                crate::store::sum_i64(sales_order::Column::TotalMinor),
                "spend",
            )
            .column_as(
                Expr::expr(Func::min(Expr::col(sales_order::Column::PlacedAt))),
                "first",
            )
            .column_as(
                Expr::expr(Func::max(Expr::col(sales_order::Column::PlacedAt))),
                "last",
            )
            .filter(sales_order::Column::CustomerId.is_in(chunk.iter().copied()))
            .filter(sales_order::Column::Currency.eq(currency))
            .filter(sales_order::Column::Status.is_not_in([
                OrderStatus::Cancelled.as_str(),
                OrderStatus::Refunded.as_str(),
            ]))
            .group_by(sales_order::Column::CustomerId)
            .into_tuple()
            .all(db)
            .await?;
        for (id, n, spend, first, last) in rows {
            out.insert(id, (n, spend.unwrap_or(0), first, last));
        }
    }
    Ok(out)
}

/// The newest buyers first, or the buyers whose name, e-mail or phone start with every word of
/// `search`.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    search: &str,
    limit: u32,
    currency: &str,
) -> Result<CustomerPage> {
    let limit = u64::from(limit.clamp(1, MAX_LIMIT));
    let mut find = customer::Entity::find().order_by_desc(customer::Column::Id);
    let mut words: Vec<String> = if search.contains('@') {
        vec![matching::fold(search.trim())]
    } else {
        matching::words(search).collect()
    };
    words.truncate(crate::orders::inbox::MAX_SEARCH_WORDS);
    if !words.is_empty() {
        match crate::orders::inbox::buyers_listed(db, &words).await? {
            Some(ids) => find = find.filter(customer::Column::Id.is_in(ids)),
            None => {
                return Ok(CustomerPage {
                    rows: vec![],
                    too_wide: true,
                });
            }
        }
    }
    let found = find.limit(limit).all(db).await?;
    let ids: Vec<i32> = found.iter().map(|c| c.id).collect();
    let totals = totals(db, &ids, currency).await?;
    let rows = found
        .into_iter()
        .map(|c| {
            let (n, spend, _, last) = totals.get(&c.id).copied().unwrap_or((0, 0, None, None));
            CustomerRow {
                id: c.id,
                name: c.name,
                email: c.email,
                phone: c.phone,
                language: c.language,
                orders: n.max(0) as u32,
                spend_minor: spend,
                last_order_at: last,
            }
        })
        .collect();
    Ok(CustomerPage {
        rows,
        too_wide: false,
    })
}

/// One buyer's profile.
pub async fn profile<C: ConnectionTrait>(
    db: &C,
    id: i32,
    rules: &LoyaltyRules,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<CustomerProfile> {
    let c = customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "customer",
            id: id.to_string(),
        })?;
    let (n, spend, first, last) = totals(db, &[id], currency)
        .await?
        .remove(&id)
        .unwrap_or((0, 0, None, None));
    let recent = sales_order::Entity::find()
        .filter(sales_order::Column::CustomerId.eq(id))
        .order_by_desc(sales_order::Column::PlacedAt)
        .order_by_desc(sales_order::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|o| {
            Ok(OrderSummary {
                number: crate::orders::store::shown_number(&o),
                id: o.id,
                status: OrderStatus::parse(&o.status)
                    .ok_or_else(|| Error::Corrupt(format!("order {} status", o.id)))?,
                total_minor: o.total_minor,
                currency: o.currency,
                placed_at: o.placed_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CustomerProfile {
        id,
        name: c.name,
        email: c.email,
        phone: c.phone,
        marketplace: c.marketplace,
        marketplace_buyer_id: c.marketplace_buyer_id,
        language: c.language,
        notes: c.notes,
        since: c.created_at,
        first_purchase_at: first,
        last_purchase_at: last,
        orders: n.max(0) as u32,
        lifetime_spend_minor: spend,
        currency: currency.to_owned(),
        loyalty: ledger::standing(db, rules, id, currency, now).await?,
        recent_orders: recent,
    })
}
