//! The seller's loyalty rules: points per unit of spend, the bonuses, when idle points expire,
//! and the tiers by spend over the last twelve months. Kept in the settings as one value.

use crate::error::FieldCode;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::FieldError;
use crate::fields::Errors;

pub const SETTINGS_KEY: &str = "loyalty";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Tier {
    pub name: String,
    /// Spend over the last twelve months, in the shop currency's minor units, from which a
    /// buyer is in this tier.
    #[specta(type = i32)]
    pub min_spend_minor: i64,
    /// What the tier gives, in the seller's words ("free gift wrapping").
    #[serde(default)]
    pub perk: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct LoyaltyRules {
    pub enabled: bool,
    /// Points for each whole unit of the currency spent (a delivered order's total).
    pub points_per_unit: u32,
    /// Once, with a buyer's first delivered order.
    pub first_purchase_points: u32,
    /// Given with an apology (a complaint settled with points).
    pub apology_points: u32,
    /// Points left idle this many months (no order, no redemption) expire; 0 keeps them.
    pub expire_after_months: u32,
    /// The buyer is warned this many days before their points expire.
    pub warn_days_before: u32,
    /// Lowest first.
    pub tiers: Vec<Tier>,
    /// Points a buyer turns into one whole unit of the currency off, as a coupon.
    pub points_per_coupon_unit: u32,
    /// How long a coupon made of points stays valid.
    pub coupon_valid_days: u32,
    /// A delivered order enters the follow-up queue this many days after delivery.
    pub follow_up_days: u32,
    /// A follow-up answer at or below this (1–5) opens a complaint; 0 never does.
    pub low_satisfaction: u32,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        let tier = |name: &str, min: i64, perk: &str| Tier {
            name: name.into(),
            min_spend_minor: min,
            perk: perk.into(),
        };
        Self {
            enabled: true,
            points_per_unit: 1,
            first_purchase_points: 50,
            apology_points: 100,
            expire_after_months: 12,
            warn_days_before: 30,
            tiers: vec![
                tier("Bronze", 0, ""),
                tier("Silver", 50_000, "free gift wrapping"),
                tier("Gold", 150_000, "free shipping"),
            ],
            points_per_coupon_unit: 100,
            coupon_valid_days: 180,
            follow_up_days: 3,
            low_satisfaction: 2,
        }
    }
}

const MAX_POINTS: u32 = 1_000_000;
pub const MAX_TIER_NAME_CHARS: usize = 40;
pub const MAX_PERK_CHARS: usize = 200;

/// Checks the rules: amounts in range, tiers named, each one's threshold above the one before.
pub fn check(r: &LoyaltyRules) -> Result<LoyaltyRules, Vec<FieldError>> {
    let mut e = Errors::default();
    for (field, v, max) in [
        ("points_per_unit", r.points_per_unit, 10_000),
        ("first_purchase_points", r.first_purchase_points, MAX_POINTS),
        ("apology_points", r.apology_points, MAX_POINTS),
        ("expire_after_months", r.expire_after_months, 120),
        ("warn_days_before", r.warn_days_before, 365),
        ("coupon_valid_days", r.coupon_valid_days, 3650),
        ("follow_up_days", r.follow_up_days, 60),
        ("low_satisfaction", r.low_satisfaction, 4),
    ] {
        if v > max {
            e.push(
                FieldError::new(field, FieldCode::OutOfRange)
                    .with("min", 0)
                    .with("max", max),
            );
        }
    }
    if !(1..=MAX_POINTS).contains(&r.points_per_coupon_unit) {
        e.push(
            FieldError::new("points_per_coupon_unit", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", MAX_POINTS),
        );
    }
    if r.tiers.len() > 10 {
        e.push(FieldError::new("tiers", FieldCode::TooMany).with("max", 10));
    }
    let mut out = r.clone();
    let mut last: Option<i64> = None;
    for (i, t) in r.tiers.iter().enumerate() {
        out.tiers[i].name = e.line(
            &format!("tiers[{i}].name"),
            &t.name,
            MAX_TIER_NAME_CHARS,
            true,
        );
        out.tiers[i].perk = e.line(&format!("tiers[{i}].perk"), &t.perk, MAX_PERK_CHARS, false);
        if t.min_spend_minor < 0 {
            e.push(FieldError::new(
                &format!("tiers[{i}].min_spend_minor"),
                FieldCode::Negative,
            ));
        } else if last.is_some_and(|l| t.min_spend_minor <= l) {
            e.push(FieldError::new(
                &format!("tiers[{i}].min_spend_minor"),
                FieldCode::NotAscending,
            ));
        }
        last = Some(t.min_spend_minor);
    }
    e.finish(out)
}

/// The tier a buyer who spent `spend_minor` over the last twelve months is in.
pub fn tier_for(rules: &LoyaltyRules, spend_minor: i64) -> Option<&Tier> {
    rules
        .tiers
        .iter()
        .rev()
        .find(|t| spend_minor >= t.min_spend_minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_are_valid_and_tiers_climb() {
        let r = LoyaltyRules::default();
        assert_eq!(check(&r).unwrap(), r);
        assert_eq!(tier_for(&r, 0).unwrap().name, "Bronze");
        assert_eq!(tier_for(&r, 49_999).unwrap().name, "Bronze");
        assert_eq!(tier_for(&r, 50_000).unwrap().name, "Silver");
        assert_eq!(tier_for(&r, 1_000_000).unwrap().name, "Gold");
    }

    #[test]
    fn bad_rules_are_named_field_by_field() {
        let mut r = LoyaltyRules {
            points_per_unit: 20_000,
            ..LoyaltyRules::default()
        };
        r.tiers[1].min_spend_minor = 0;
        r.tiers[2].name = " ".into();
        let fields: Vec<String> = check(&r)
            .unwrap_err()
            .into_iter()
            .map(|f| format!("{} {}", f.field, f.code))
            .collect();
        assert_eq!(
            fields,
            [
                "points_per_unit out_of_range",
                "tiers[1].min_spend_minor not_ascending",
                "tiers[2].name required"
            ]
        );
    }
}
