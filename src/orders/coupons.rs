//! Coupon codes: unguessable (twelve characters from the OS's random generator, 60 bits, with
//! no 0/O or 1/I to misread), worth a percentage or an amount, with an expiry, for one use or
//! several, tied to a buyer or not. A use is recorded when an order arrives carrying the code
//! (once per order, however often it is synced) or when the seller marks it by hand; the count
//! of uses never passes the coupon's limit. Points turn into a coupon for the buyer.

use crate::error::FieldCode;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::error::Refusal;
use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::{coupon, coupon_use, customer, sales_order};

/// Letters and digits a buyer reads back without mistakes.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_CHARS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CouponValue {
    /// Off the order, in basis points: 500 is 5 %.
    Percent { percent_bp: u32 },
    Amount {
        #[specta(type = i32)]
        minor: i64,
        currency: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CouponSource {
    Manual,
    Points,
    Apology,
    Offer,
}

impl CouponSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CouponSource::Manual => "manual",
            CouponSource::Points => "points",
            CouponSource::Apology => "apology",
            CouponSource::Offer => "offer",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Manual, Self::Points, Self::Apology, Self::Offer]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CouponInput {
    pub value: CouponValue,
    pub customer_id: Option<i32>,
    /// None: any number of uses.
    pub max_uses: Option<u32>,
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Coupon {
    pub code: String,
    pub value: CouponValue,
    pub customer_id: Option<i32>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub source: CouponSource,
    pub note: String,
    pub created_at: DateTime<Utc>,
    /// The listing a personal offer was made for.
    pub listing_id: Option<i32>,
}

/// A fresh code: `XXXX-XXXX-XXXX`.
pub fn new_code() -> String {
    let mut bytes = [0u8; CODE_CHARS];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator");
    let mut out = String::with_capacity(CODE_CHARS + 2);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[usize::from(b % 32)] as char);
    }
    out
}

/// A code as typed or as a marketplace sends it, as stored: upper case, blanks dropped.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_uppercase()
}

pub(crate) fn view(m: coupon::Model) -> Result<Coupon> {
    let bad = || Error::Corrupt(format!("coupon {}", m.code));
    let value = match m.kind.as_str() {
        "percent" => CouponValue::Percent {
            percent_bp: u32::try_from(m.value).map_err(|_| bad())?,
        },
        "amount" => CouponValue::Amount {
            minor: m.value,
            currency: m.currency.clone().ok_or_else(bad)?,
        },
        _ => return Err(bad()),
    };
    Ok(Coupon {
        source: CouponSource::parse(&m.source).ok_or_else(bad)?,
        code: m.code,
        value,
        customer_id: m.customer_id,
        max_uses: m.max_uses.map(|n| Ord::max(n, 0) as u32),
        uses: Ord::max(m.uses, 0) as u32,
        expires_at: m.expires_at,
        note: m.note,
        created_at: m.created_at,
        listing_id: m.listing_id,
    })
}

fn check(input: &CouponInput, now: DateTime<Utc>) -> Result<(String, i64, Option<String>, String)> {
    let mut e = Errors::default();
    let (kind, value, currency) = match &input.value {
        CouponValue::Percent { percent_bp } => {
            if !(1..=10_000).contains(percent_bp) {
                e.push(
                    FieldError::new("value.percent_bp", FieldCode::OutOfRange)
                        .with("min", 1)
                        .with("max", 10_000),
                );
            }
            ("percent", i64::from(*percent_bp), None)
        }
        CouponValue::Amount { minor, currency } => {
            let cur = currency.trim().to_ascii_uppercase();
            if *minor <= 0 {
                e.push(FieldError::new("value.minor", FieldCode::PricePositive));
            }
            if crate::money::exponent(&cur).is_none() {
                e.push(
                    FieldError::new("value.currency", FieldCode::CurrencyUnknown)
                        .with("value", &cur),
                );
            }
            ("amount", *minor, Some(cur))
        }
    };
    if input.max_uses == Some(0) || input.max_uses.is_some_and(|n| n > 1_000_000) {
        e.push(
            FieldError::new("max_uses", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", 1_000_000),
        );
    }
    if input.expires_at.is_some_and(|at| at <= now) {
        e.push(FieldError::new("expires_at", FieldCode::InPast));
    }
    let note = e.text("note", &input.note, 500, false);
    e.finish((kind.to_owned(), value, currency, note))
        .map_err(Error::Validation)
}

/// Makes a coupon with a fresh code.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    input: &CouponInput,
    source: CouponSource,
    now: DateTime<Utc>,
) -> Result<Coupon> {
    create_for(db, input, source, None, now).await
}

/// Makes a coupon with a fresh code, recording the listing a personal offer was made for.
pub async fn create_for<C: ConnectionTrait>(
    db: &C,
    input: &CouponInput,
    source: CouponSource,
    listing_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Coupon> {
    let (kind, value, currency, note) = check(input, now)?;
    if let Some(c) = input.customer_id
        && customer::Entity::find_by_id(c).one(db).await?.is_none()
    {
        return Err(Error::NotFound {
            what: "customer",
            id: c.to_string(),
        });
    }
    // 60 bits: a clash is all but impossible, and would only mean drawing again.
    for _ in 0..5 {
        let code = new_code();
        let written = coupon::Entity::insert(coupon::ActiveModel {
            code: Set(code.clone()),
            kind: Set(kind.clone()),
            value: Set(value),
            currency: Set(currency.clone()),
            customer_id: Set(input.customer_id),
            max_uses: Set(input.max_uses.map(|n| n as i32)),
            uses: Set(0),
            expires_at: Set(input.expires_at),
            source: Set(source.as_str().to_owned()),
            note: Set(note.clone()),
            created_at: Set(now),
            listing_id: Set(listing_id),
        })
        .on_conflict(
            OnConflict::column(coupon::Column::Code)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if written == 1 {
            return get(db, &code).await;
        }
    }
    Err(Error::Corrupt("could not draw a free coupon code".into()))
}

pub async fn get<C: ConnectionTrait>(db: &C, code: &str) -> Result<Coupon> {
    let code = normalise(code);
    coupon::Entity::find_by_id(code.clone())
        .one(db)
        .await?
        .map(view)
        .transpose()?
        .ok_or(Error::NotFound {
            what: "coupon",
            id: code,
        })
}

/// Coupons, newest first: a buyer's, or all.
pub async fn list<C: ConnectionTrait>(db: &C, customer_id: Option<i32>) -> Result<Vec<Coupon>> {
    let mut find = coupon::Entity::find().order_by_desc(coupon::Column::CreatedAt);
    if let Some(c) = customer_id {
        find = find.filter(coupon::Column::CustomerId.eq(c));
    }
    find.all(db).await?.into_iter().map(view).collect()
}

/// Records a use of `code`: with `order_id` once per order (an order synced again finds its use
/// already there and counts nothing), or by hand. The use is counted by a guarded update, so
/// two desks cannot take a single-use coupon's one use twice.
pub async fn redeem<C: ConnectionTrait>(
    db: &C,
    code: &str,
    order_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Result<Coupon, Refusal>> {
    let code = normalise(code);
    let Some(row) = coupon::Entity::find_by_id(code.clone()).one(db).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    let key = match order_id {
        Some(o) => format!("{code}:order:{o}"),
        None => format!("{code}:hand:{}", uuid::Uuid::new_v4()),
    };
    if coupon_use::Entity::find()
        .filter(coupon_use::Column::SourceKey.eq(key.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(Ok(view(row)?));
    }
    if row.expires_at.is_some_and(|at| at <= now) {
        return Ok(Err(Refusal::Expired));
    }
    if let (Some(tied), Some(o)) = (row.customer_id, order_id) {
        let buyer = sales_order::Entity::find_by_id(o)
            .one(db)
            .await?
            .map(|o| o.customer_id);
        if buyer != Some(tied) {
            return Ok(Err(Refusal::NotTheirs));
        }
    }
    let mut counted = coupon::Entity::update_many()
        .col_expr(coupon::Column::Uses, Expr::col(coupon::Column::Uses).add(1))
        .filter(coupon::Column::Code.eq(code.as_str()));
    if let Some(max) = row.max_uses {
        counted = counted.filter(coupon::Column::Uses.lt(max));
    }
    if counted.exec(db).await?.rows_affected != 1 {
        return Ok(Err(Refusal::UsedUp));
    }
    coupon_use::Entity::insert(coupon_use::ActiveModel {
        code: Set(code.clone()),
        order_id: Set(order_id),
        source_key: Set(key),
        at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(Ok(get(db, &code).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_unambiguous_and_different() {
        let a = new_code();
        let b = new_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert!(!a.contains('0') && !a.contains('O') && !a.contains('I') && !a.contains('1'));
        assert_eq!(normalise(" abcd-efgh-jkmn\n"), "ABCD-EFGH-JKMN");
    }
}
