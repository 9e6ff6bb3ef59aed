//! The warning before idle points expire: a buyer whose points expire within the rules' days
//! gets one message for that idle stretch (keyed like the expiry it warns of, so a second desk
//! or a second run queues nothing), in their language, saying how many points, when, and what
//! they are worth.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::ledger;
use super::rules::LoyaltyRules;
use crate::error::Result;
use crate::infra::store::entity::customer;
use crate::messages::{MessageKind, outbox};
use crate::money::format_minor;
use crate::orders::buyers;
use crate::shop::profile::Profile;

/// When points idle since `last_activity` expire under `rules` (none when they never do).
pub fn expires_at(rules: &LoyaltyRules, last_activity: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if rules.expire_after_months == 0 {
        return None;
    }
    last_activity.checked_add_months(Months::new(rules.expire_after_months))
}

/// What `points` are worth as a coupon at the rules' rate ("3.00 AZN"); empty under one unit.
pub fn worth(rules: &LoyaltyRules, points: i64, currency: &str) -> String {
    let units = points / i64::from(Ord::max(rules.points_per_coupon_unit, 1));
    if units <= 0 {
        return String::new();
    }
    let exp = crate::money::exponent(currency).unwrap_or(2);
    format!(
        "{} {currency}",
        format_minor(units.saturating_mul(10i64.pow(exp)), currency)
    )
}

/// Points last active before this expire within the rules' warning days (none when there is
/// nothing to warn of).
pub(crate) fn warning_cutoff(rules: &LoyaltyRules, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if rules.expire_after_months == 0 || rules.warn_days_before == 0 || !rules.enabled {
        return None;
    }
    (now + Duration::days(i64::from(rules.warn_days_before)))
        .checked_sub_months(Months::new(rules.expire_after_months))
}

/// Queues the warning for every buyer whose points expire within the rules' days and who was
/// not yet warned for this idle stretch, of buyers found idle by [`ledger::idle_since`] (with
/// this cutoff or a later one). Returns how many were warned.
pub(crate) async fn warn_idle<C: ConnectionTrait>(
    db: &C,
    rules: &LoyaltyRules,
    profile: &Profile,
    now: DateTime<Utc>,
    idle: &[ledger::Idle],
) -> Result<u32> {
    let Some(cutoff) = warning_cutoff(rules, now) else {
        return Ok(0);
    };
    let mut warned = 0;
    for &(customer_id, last_id, last_at) in idle.iter().filter(|i| i.2 < cutoff) {
        let Some(at) = expires_at(rules, last_at).filter(|at| *at > now) else {
            continue; // already due: expiring them is the expiry's job
        };
        let points = ledger::balance(db, customer_id).await?;
        if points <= 0 {
            continue;
        }
        let Some(c) = customer::Entity::find_by_id(customer_id).one(db).await? else {
            continue;
        };
        let buyer = buyers::view(&c);
        let mut vars: BTreeMap<&str, String> = outbox::seller_vars(&buyer, profile);
        vars.insert("points", points.to_string());
        vars.insert("expires", at.format("%Y-%m-%d").to_string());
        vars.insert("worth", worth(rules, points, &profile.currency));
        let draft = outbox::draft_to(&buyer, profile, MessageKind::PointsExpiring, &vars);
        let key = format!("points-warning:{customer_id}:{last_id}");
        if outbox::queue_once(db, customer_id, &draft, &key, now).await? {
            warned += 1;
        }
    }
    Ok(warned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_worth_whole_units_of_the_currency() {
        let r = LoyaltyRules::default(); // 100 points a unit
        assert_eq!(worth(&r, 99, "AZN"), "");
        assert_eq!(worth(&r, 250, "AZN"), "2.00 AZN");
        assert_eq!(worth(&r, 250, "JPY"), "2 JPY");
    }

    #[test]
    fn idle_points_expire_the_rules_months_after_the_last_activity() {
        let mut r = LoyaltyRules::default();
        let last = DateTime::parse_from_rfc3339("2025-01-31T10:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            expires_at(&r, last).unwrap().to_rfc3339(),
            "2026-01-31T10:00:00+00:00"
        );
        r.expire_after_months = 1;
        assert_eq!(
            expires_at(&r, last).unwrap().to_rfc3339(),
            "2025-02-28T10:00:00+00:00",
            "the month's last day when the month is shorter"
        );
        r.expire_after_months = 0;
        assert_eq!(expires_at(&r, last), None);
    }
}
