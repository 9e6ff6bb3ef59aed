//! Customers as the seller looks them up: the list (newest buyers first, or those
//! matching a search), and one buyer's profile — contacts, language, notes, first and last
//! purchase, order count, lifetime spend, and where they stand in the loyalty programme.
//! Matching a new order to its buyer stays in `orders::customers`.

pub mod feedback;
pub mod followup;
pub mod loyalty;
pub mod offers;

use crate::error::FieldCode;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::customers::followup::FollowUp;
use crate::customers::loyalty::{LoyaltyRules, Standing, ledger};
use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::{
    coupon, customer, customer_token, feedback as feedback_row, follow_up, loyalty_entry,
    outbox_message, sales_order,
};
use crate::orders::{OrderStatus, buyers};

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
    /// Set when this record was merged into another: show that one.
    pub merged_into: Option<i32>,
    /// The duplicate records merged into this one, with the contacts that still find it.
    pub merged: Vec<MergedRecord>,
    /// Their answers to the follow-up after delivery, newest first.
    pub satisfaction: Vec<FollowUp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct MergedRecord {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub marketplace_buyer_id: Option<String>,
    pub merged_at: DateTime<Utc>,
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
                crate::infra::store::sum_i64(sales_order::Column::TotalMinor),
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
    let mut find = customer::Entity::find()
        .filter(customer::Column::MergedInto.is_null())
        .order_by_desc(customer::Column::Id);
    let mut words: Vec<String> = if search.contains('@') {
        vec![buyers::fold(search.trim())]
    } else {
        buyers::words(search).collect()
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
    let c = row(db, id).await?;
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
    let merged = customer::Entity::find()
        .filter(customer::Column::MergedInto.eq(id))
        .order_by_asc(customer::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MergedRecord {
            id: m.id,
            name: m.name,
            email: m.email,
            phone: m.phone,
            marketplace_buyer_id: m.marketplace_buyer_id,
            merged_at: m.updated_at,
        })
        .collect();
    let satisfaction =
        crate::customers::followup::answers_of(db, id, rules.follow_up_days, now).await?;
    Ok(CustomerProfile {
        merged_into: c.merged_into,
        merged,
        satisfaction,
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

/// What the seller may change on a buyer's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CustomerEdit {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The language messages to this buyer are written in.
    pub language: String,
    pub notes: String,
}

pub const MAX_NOTES_CHARS: usize = 5_000;
pub const MAX_NAME_CHARS: usize = 200;

fn check_edit(input: &CustomerEdit) -> Result<CustomerEdit> {
    let mut e = Errors::default();
    let name = e.line("name", &input.name, MAX_NAME_CHARS, true);
    let email = e.email("email", input.email.as_deref());
    let phone = e.phone("phone", input.phone.as_deref());
    // The same languages a new order's buyer may have: those Vefa writes messages in.
    if input.language.trim().is_empty() {
        e.push(FieldError::new("language", FieldCode::Required));
    }
    let language = e
        .language("language", Some(&input.language))
        .unwrap_or_default();
    let notes = e.text("notes", &input.notes, MAX_NOTES_CHARS, false);
    e.finish(CustomerEdit {
        name,
        email,
        phone,
        language,
        notes,
    })
    .map_err(Error::Validation)
}

async fn row<C: ConnectionTrait>(db: &C, id: i32) -> Result<customer::Model> {
    customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "customer",
            id: id.to_string(),
        })
}

/// The buyer, refusing a record merged into another (what it held is on that one now).
pub(crate) async fn live<C: ConnectionTrait>(db: &C, id: i32) -> Result<customer::Model> {
    let c = row(db, id).await?;
    match c.merged_into {
        Some(into) => Err(Error::Validation(vec![
            FieldError::new("customer_id", FieldCode::CustomerMerged).with("into", into),
        ])),
        None => Ok(c),
    }
}

/// Changes a buyer's name, contacts, language and notes.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i32,
    input: &CustomerEdit,
    now: DateTime<Utc>,
) -> Result<()> {
    let clean = check_edit(input)?;
    let c = live(db, id).await?;
    let mut row: customer::ActiveModel = c.into();
    row.name = Set(clean.name);
    row.email = Set(clean.email);
    row.phone = Set(clean.phone);
    row.language = Set(clean.language);
    row.notes = Set(clean.notes);
    row.updated_at = Set(now);
    let c = row.update(db).await?;
    buyers::write_tokens(db, &c, false).await
}

/// Merges the duplicate record `gone` into `keep`: its orders, points ledger, coupons, book
/// entries, follow-ups and messages move to `keep` unchanged (so balances stay the sums of
/// their entries); `keep` takes the contacts it lacked and `gone`'s notes; `gone` stays,
/// pointing at `keep`, so its marketplace id, e-mail and phone still find the buyer.
pub async fn merge<C: ConnectionTrait>(
    db: &C,
    keep: i32,
    gone: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    if keep == gone {
        return Err(Error::Validation(vec![FieldError::new(
            "customer_id",
            FieldCode::MergeSelf,
        )]));
    }
    let k = live(db, keep).await?;
    let g = live(db, gone).await?;
    macro_rules! move_rows {
        ($($entity:ident),*) => {$(
            $entity::Entity::update_many()
                .col_expr($entity::Column::CustomerId, Expr::value(keep))
                .filter($entity::Column::CustomerId.eq(gone))
                .exec(db)
                .await?;
        )*};
    }
    move_rows!(
        sales_order,
        loyalty_entry,
        coupon,
        feedback_row,
        follow_up,
        outbox_message
    );
    ledger::one_welcome(db, keep, now).await?;
    customer::Entity::update_many()
        .col_expr(customer::Column::MergedInto, Expr::value(keep))
        .col_expr(customer::Column::UpdatedAt, Expr::value(now))
        .filter(
            Condition::any()
                .add(customer::Column::Id.eq(gone))
                .add(customer::Column::MergedInto.eq(gone)),
        )
        .exec(db)
        .await?;
    customer_token::Entity::delete_many()
        .filter(customer_token::Column::CustomerId.eq(gone))
        .exec(db)
        .await?;
    let notes = match (k.notes.trim(), g.notes.trim()) {
        (a, "") => a.to_owned(),
        ("", b) => b.to_owned(),
        (a, b) => format!("{a}\n\n{b}"),
    };
    let mut row: customer::ActiveModel = k.clone().into();
    if k.email.is_none() {
        row.email = Set(g.email.clone());
    }
    if k.phone.is_none() {
        row.phone = Set(g.phone.clone());
    }
    row.notes = Set(notes);
    row.updated_at = Set(now);
    let k = row.update(db).await?;
    buyers::write_tokens(db, &k, false).await
}
