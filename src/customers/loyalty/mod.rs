//! Loyalty: the seller's rules ([`rules`]) and each buyer's points ledger ([`ledger`]),
//! credited as orders are delivered and reversed when they are refunded; points turn into
//! coupon codes (kept by `orders::coupons`, since an order arrives carrying one).

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

/// Whether reaching `to` can change the buyer's points: delivery credits them, a refund or a
/// cancellation takes them back.
pub fn moves_points(to: crate::orders::OrderStatus) -> bool {
    use crate::orders::OrderStatus as S;
    matches!(to, S::Delivered | S::Refunded | S::Cancelled)
}

/// What an order's move does to its buyer's points (see [`ledger::on_order_moved`]); reads the
/// rules and the shop's currency only for the moves that touch points.
pub async fn order_moved<C: sea_orm::ConnectionTrait>(
    db: &C,
    order_id: i32,
    to: crate::orders::OrderStatus,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::Result<()> {
    if !moves_points(to) {
        return Ok(());
    }
    let rules = rules(db).await?;
    let currency = crate::shop::profile::get_without_photo(db).await?.currency;
    ledger::on_order_moved(db, order_id, to, &rules, &currency, now).await
}
