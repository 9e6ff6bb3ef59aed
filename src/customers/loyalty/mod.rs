//! Loyalty (issue 7, begun): the seller's rules ([`rules`]), each buyer's points ledger
//! ([`ledger`]), credited as orders are delivered and reversed when they are refunded, and
//! coupon codes ([`coupons`]), used when an order arrives carrying one.

pub mod coupons;
pub mod error;
pub mod ledger;
pub mod notices;
pub mod rules;

pub use error::LoyaltyError;
pub use ledger::{Entry, EntryKind, Standing};
pub use rules::{LoyaltyRules, Tier};

/// The rules as the seller set them (the shipped ones until then).
pub async fn rules<C: sea_orm::ConnectionTrait>(db: &C) -> crate::Result<LoyaltyRules> {
    Ok(crate::shop::settings::get_value(db, rules::SETTINGS_KEY)
        .await?
        .unwrap_or_default())
}

/// What an order's move does to its buyer's points (see [`ledger::on_order_moved`]); reads the
/// rules and the shop's currency only for the moves that touch points.
pub async fn order_moved<C: sea_orm::ConnectionTrait>(
    db: &C,
    order_id: i32,
    to: crate::orders::OrderStatus,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::Result<()> {
    use crate::orders::OrderStatus as S;
    if !matches!(to, S::Delivered | S::Refunded | S::Cancelled) {
        return Ok(());
    }
    let rules = rules(db).await?;
    let currency = crate::shop::profile::get_without_photo(db).await?.currency;
    ledger::on_order_moved(db, order_id, to, &rules, &currency, now).await
}
