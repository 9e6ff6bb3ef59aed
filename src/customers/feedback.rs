//! The complaint and suggestion book: each entry with its category, the order and
//! buyer, what was done, the compensation (an apology coupon or points, in one step), its status
//! and how long it took to settle. Complaints are lessons, not blame: praise may name a team
//! member, a complaint or a suggestion never stores a name.

use crate::error::FieldCode;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::customers::loyalty::ledger::{self, EntryKind};
use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::{customer, feedback, sales_order};
use crate::orders::coupons::{self, CouponInput, CouponSource, CouponValue};
use crate::orders::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    Complaint,
    Suggestion,
    Praise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    WrongItem,
    Damaged,
    Late,
    HiddenCosts,
    MissingInformation,
    ReturnTrouble,
    Staff,
    Other,
}

macro_rules! names {
    ($t:ty { $($v:ident = $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)+ _ => None }
            }
        }
    };
}

names!(FeedbackKind {
    Complaint = "complaint",
    Suggestion = "suggestion",
    Praise = "praise",
});
names!(Category {
    WrongItem = "wrong_item",
    Damaged = "damaged",
    Late = "late",
    HiddenCosts = "hidden_costs",
    MissingInformation = "missing_information",
    ReturnTrouble = "return_trouble",
    Staff = "staff",
    Other = "other",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FeedbackInput {
    pub kind: FeedbackKind,
    pub category: Category,
    #[serde(default)]
    pub customer_id: Option<i32>,
    #[serde(default)]
    pub order_id: Option<i32>,
    /// The order as the seller sees its number ("#1234"), when `order_id` is not given.
    #[serde(default)]
    pub order_number: Option<String>,
    pub text: String,
    /// Praise only: the team member praised.
    #[serde(default)]
    pub staff_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Feedback {
    pub id: i32,
    pub kind: FeedbackKind,
    pub category: Category,
    pub customer_id: Option<i32>,
    pub customer_name: Option<String>,
    pub order_id: Option<i32>,
    pub order_number: Option<String>,
    pub text: String,
    pub staff_name: Option<String>,
    pub action: String,
    pub compensation: String,
    pub resolved: bool,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// What a buyer gets with an apology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Apology {
    /// A single-use coupon for the buyer, valid for `days`.
    Coupon { value: CouponValue, days: u32 },
    /// The rules' apology points.
    Points,
}

pub const MAX_TEXT: usize = 4000;

/// Fills in the buyers' names and the orders' numbers the entries refer to.
async fn named<C: ConnectionTrait>(db: &C, mut rows: Vec<Feedback>) -> Result<Vec<Feedback>> {
    let customers: Vec<i32> = rows.iter().filter_map(|f| f.customer_id).collect();
    let orders: Vec<i32> = rows.iter().filter_map(|f| f.order_id).collect();
    let names: HashMap<i32, String> = customer::Entity::find()
        .filter(customer::Column::Id.is_in(customers))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let numbers: HashMap<i32, String> = sales_order::Entity::find()
        .filter(sales_order::Column::Id.is_in(orders))
        .all(db)
        .await?
        .iter()
        .map(|o| (o.id, store::shown_number(o)))
        .collect();
    for f in &mut rows {
        f.customer_name = f.customer_id.and_then(|c| names.get(&c).cloned());
        f.order_number = f.order_id.and_then(|o| numbers.get(&o).cloned());
    }
    Ok(rows)
}

async fn named_one<C: ConnectionTrait>(db: &C, m: feedback::Model) -> Result<Feedback> {
    let mut v = named(db, vec![view(m)?]).await?;
    Ok(v.remove(0))
}

fn view(m: feedback::Model) -> Result<Feedback> {
    let bad = || Error::Corrupt(format!("feedback {}", m.id));
    Ok(Feedback {
        kind: FeedbackKind::parse(&m.kind).ok_or_else(bad)?,
        category: Category::parse(&m.category).ok_or_else(bad)?,
        resolved: m.status == "resolved",
        id: m.id,
        customer_id: m.customer_id,
        customer_name: None,
        order_id: m.order_id,
        order_number: None,
        text: m.text,
        staff_name: m.staff_name,
        action: m.action,
        compensation: m.compensation,
        opened_at: m.opened_at,
        resolved_at: m.resolved_at,
    })
}

/// Writes an entry. A staff name on a complaint or a suggestion is refused: the book records
/// what went wrong, not who.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    input: &FeedbackInput,
    team: &[String],
    now: DateTime<Utc>,
) -> Result<Feedback> {
    let mut e = Errors::default();
    let text = e.text("text", &input.text, MAX_TEXT, true);
    let staff = input
        .staff_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    match (&staff, input.kind) {
        (Some(_), FeedbackKind::Complaint | FeedbackKind::Suggestion) => {
            e.push(FieldError::new("staff_name", FieldCode::NotOnCriticism));
        }
        (Some(s), FeedbackKind::Praise) if !team.is_empty() && !team.contains(s) => {
            e.push(FieldError::new("staff_name", FieldCode::Unknown).with("value", s));
        }
        _ => {}
    }
    let mut customer_id = input.customer_id;
    let mut order_id = input.order_id;
    if order_id.is_none()
        && let Some(n) = input
            .order_number
            .as_deref()
            .filter(|n| !n.trim().is_empty())
    {
        match store::by_number(db, n).await? {
            Some(o) => order_id = Some(o.id),
            None => e.push(
                FieldError::new("order_number", FieldCode::OrderUnknown).with("value", n.trim()),
            ),
        }
    }
    if let Some(o) = order_id {
        match sales_order::Entity::find_by_id(o).one(db).await? {
            None => e.push(FieldError::new("order_id", FieldCode::Unknown).with("value", o)),
            Some(order) => {
                if customer_id.is_some_and(|c| c != order.customer_id) {
                    e.push(FieldError::new("customer_id", FieldCode::NotTheOrdersBuyer));
                }
                customer_id = Some(order.customer_id);
            }
        }
    }
    if let Some(c) = customer_id
        && customer::Entity::find_by_id(c).one(db).await?.is_none()
    {
        e.push(FieldError::new("customer_id", FieldCode::Unknown).with("value", c));
    }
    e.finish(()).map_err(Error::Validation)?;
    let row = feedback::ActiveModel {
        kind: Set(input.kind.as_str().to_owned()),
        category: Set(input.category.as_str().to_owned()),
        customer_id: Set(customer_id),
        order_id: Set(order_id),
        text: Set(text),
        staff_name: Set(staff),
        action: Set(String::new()),
        compensation: Set(String::new()),
        status: Set("open".into()),
        opened_at: Set(now),
        resolved_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    named_one(db, row).await
}

async fn find<C: ConnectionTrait>(db: &C, id: i32) -> Result<feedback::Model> {
    feedback::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "feedback",
            id: id.to_string(),
        })
}

/// Settles an entry with what was done.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    id: i32,
    action: &str,
    now: DateTime<Utc>,
) -> Result<Feedback> {
    let mut e = Errors::default();
    let action = e.text("action", action, MAX_TEXT, true);
    e.finish(()).map_err(Error::Validation)?;
    let row = find(db, id).await?;
    if row.status == "resolved" {
        return Err(Error::Validation(vec![
            FieldError::new("feedback", FieldCode::AlreadyResolved).with("id", id),
        ]));
    }
    let mut m: feedback::ActiveModel = row.into();
    m.action = Set(action);
    m.status = Set("resolved".into());
    m.resolved_at = Set(Some(now));
    named_one(db, m.update(db).await?).await
}

/// Gives the buyer of a complaint an apology — a coupon for them, or the rules' apology
/// points — once per entry, and notes it on the entry, in the caller's transaction.
pub async fn compensate<C: ConnectionTrait>(
    db: &C,
    id: i32,
    apology: &Apology,
    apology_points: u32,
    now: DateTime<Utc>,
) -> Result<Feedback> {
    let row = find(db, id).await?;
    let Some(customer_id) = row.customer_id else {
        return Err(Error::Validation(vec![FieldError::new(
            "customer_id",
            FieldCode::Required,
        )]));
    };
    if !row.compensation.is_empty() {
        return Err(Error::Validation(vec![
            FieldError::new("feedback", FieldCode::AlreadyCompensated).with("id", id),
        ]));
    }
    let given = match apology {
        Apology::Coupon { value, days } => {
            let c = coupons::create(
                db,
                &CouponInput {
                    value: value.clone(),
                    customer_id: Some(customer_id),
                    max_uses: Some(1),
                    expires_at: Some(
                        now + chrono::Duration::days(i64::from((*days).clamp(1, 3650))),
                    ),
                    note: format!("Apology for feedback {id}"),
                },
                CouponSource::Apology,
                now,
            )
            .await?;
            format!("coupon {}", c.code)
        }
        Apology::Points => {
            ledger::credit(
                db,
                customer_id,
                i64::from(apology_points),
                EntryKind::Apology,
                &format!("Apology for feedback {id}"),
                &format!("apology:{id}"),
                now,
            )
            .await?;
            format!("{apology_points} points")
        }
    };
    let mut m: feedback::ActiveModel = row.into();
    m.compensation = Set(given);
    named_one(db, m.update(db).await?).await
}

/// The book, newest first: open entries only, or all; one buyer's, or everyone's.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    open_only: bool,
    customer_id: Option<i32>,
) -> Result<Vec<Feedback>> {
    let mut find = feedback::Entity::find().order_by_desc(feedback::Column::Id);
    if open_only {
        find = find.filter(feedback::Column::Status.eq("open"));
    }
    if let Some(c) = customer_id {
        find = find.filter(feedback::Column::CustomerId.eq(c));
    }
    let rows = find
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<Vec<_>>>()?;
    named(db, rows).await
}
