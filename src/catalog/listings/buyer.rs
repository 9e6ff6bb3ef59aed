//! What the buyer pays and when it arrives, as a marketplace shows it: the item's price with VAT,
//! shipping, the total, and the days from order to door. Integer minor units throughout; VAT is
//! rounded half up to the currency's smallest unit, once, as an invoice rounds it.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::model::ListingInput;
use crate::money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BuyerTotal {
    pub currency: String,
    /// Digits after the decimal point (ISO 4217): the window formats amounts with it.
    pub exponent: u32,
    /// The item as the buyer pays it, VAT included.
    #[specta(type = i32)]
    pub item_minor: i64,
    /// The VAT inside `item_minor`; `None` while the rate is not set.
    #[specta(type = Option<i32>)]
    pub vat_minor: Option<i64>,
    pub vat_rate_bp: Option<u32>,
    /// `None` while neither a cost nor a shipping profile is set.
    #[specta(type = Option<i32>)]
    pub shipping_minor: Option<i64>,
    pub shipping_profile: String,
    #[specta(type = i32)]
    pub total_minor: i64,
    /// Processing plus delivery, in days; `None` while the delivery time is not set.
    pub days_min: Option<u32>,
    pub days_max: Option<u32>,
}

/// `amount × rate_bp / divisor`, rounded half up, without overflow for any stored amount.
fn share(amount: i64, rate_bp: i64, divisor: i64) -> i64 {
    let n = i128::from(amount) * i128::from(rate_bp);
    let d = i128::from(divisor);
    ((2 * n + d) / (2 * d)) as i64
}

pub fn buyer_total(l: &ListingInput) -> BuyerTotal {
    let price = l.price.minor.max(0);
    let (item_minor, vat_minor) = match l.vat_rate_bp.map(i64::from) {
        None => (price, None),
        Some(rate) if l.price_includes_vat => (price, Some(share(price, rate, 10_000 + rate))),
        Some(rate) => {
            let vat = share(price, rate, 10_000);
            (price.saturating_add(vat), Some(vat))
        }
    };
    let s = &l.shipping;
    let shipping_minor = s.cost_minor.map(|c| c.max(0));
    let add = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (_, None) => None,
        (a, Some(b)) => Some(a.unwrap_or(0).saturating_add(b)),
    };
    BuyerTotal {
        currency: l.price.currency.clone(),
        exponent: money::exponent(&l.price.currency).unwrap_or(2),
        item_minor,
        vat_minor,
        vat_rate_bp: l.vat_rate_bp,
        shipping_minor,
        shipping_profile: s.profile.trim().to_owned(),
        total_minor: item_minor.saturating_add(shipping_minor.unwrap_or(0)),
        days_min: add(
            s.processing_days_min.or(s.processing_days_max),
            s.delivery_days_min.or(s.delivery_days_max),
        ),
        days_max: add(
            s.processing_days_max.or(s.processing_days_min),
            s.delivery_days_max.or(s.delivery_days_min),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(minor: i64, vat: Option<u32>, includes: bool) -> ListingInput {
        let mut l = ListingInput::draft("x", "EUR");
        l.price.minor = minor;
        l.vat_rate_bp = vat;
        l.price_includes_vat = includes;
        l
    }

    #[test]
    fn vat_on_top_or_inside_rounded_half_up_once() {
        let t = buyer_total(&listing(1_000, Some(1_800), false));
        assert_eq!((t.item_minor, t.vat_minor), (1_180, Some(180)));
        let t = buyer_total(&listing(1_180, Some(1_800), true));
        assert_eq!((t.item_minor, t.vat_minor), (1_180, Some(180)));
        // 9.99 with 19 % inside: 9.99 × 19 / 119 = 1.595… → 1.60.
        let t = buyer_total(&listing(999, Some(1_900), true));
        assert_eq!(t.vat_minor, Some(160));
        // 0.25 with 10 % on top: 0.025 rounds up to 0.03.
        let t = buyer_total(&listing(25, Some(1_000), false));
        assert_eq!(t.vat_minor, Some(3));
        let t = buyer_total(&listing(1_000, None, false));
        assert_eq!((t.item_minor, t.vat_minor), (1_000, None));
    }

    #[test]
    fn shipping_and_days_add_up() {
        let mut l = listing(10_000, Some(0), true);
        l.price.currency = "JPY".into();
        l.shipping.cost_minor = Some(800);
        l.shipping.processing_days_min = Some(1);
        l.shipping.processing_days_max = Some(3);
        l.shipping.delivery_days_min = Some(2);
        l.shipping.delivery_days_max = Some(5);
        let t = buyer_total(&l);
        assert_eq!((t.total_minor, t.exponent), (10_800, 0));
        assert_eq!((t.days_min, t.days_max), (Some(3), Some(8)));
        l.shipping.delivery_days_min = None;
        l.shipping.delivery_days_max = None;
        assert_eq!(
            buyer_total(&l).days_max,
            None,
            "no delivery time, no promise"
        );
    }

    #[test]
    fn huge_amounts_do_not_overflow() {
        let t = buyer_total(&listing(i64::MAX, Some(10_000), false));
        assert_eq!(t.item_minor, i64::MAX);
    }
}
