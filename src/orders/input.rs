//! Checking a new order before anything is written: every field error at once, with the field's
//! path (`lines[2].quantity`), and the text made canonical (trimmed, e-mail lower-cased, phone
//! reduced to its digits) so the same buyer is recognised however they were typed.

use crate::error::FieldCode;
use chrono::{DateTime, Duration, Utc};

use super::model::{Address, NewOrder, OrderChannel};
use crate::catalog::listings::{MAX_AMOUNT_MINOR, MAX_QUANTITY};
use crate::error::FieldError;
use crate::fields::Errors;
use crate::money;

pub const MAX_LINES: usize = 200;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 4000;
pub const MAX_ID_CHARS: usize = 64;
pub const MAX_LINE_TITLE_CHARS: usize = 500;
/// Carrier names and tracking numbers.
pub const MAX_SHIPMENT_CHARS: usize = 100;

/// A new order that passed every check that needs no store.
#[derive(Debug, Clone)]
pub struct CheckedOrder {
    pub channel: OrderChannel,
    pub marketplace: Option<String>,
    pub marketplace_order_id: Option<String>,
    pub buyer: CheckedBuyer,
    pub lines: Vec<CheckedLine>,
    pub currency: String,
    pub shipping_minor: i64,
    pub vat_minor: i64,
    pub discount_minor: i64,
    pub coupon_code: Option<String>,
    pub address: Address,
    pub note: String,
    pub placed_at: DateTime<Utc>,
    pub ship_by: Option<DateTime<Utc>>,
    pub allow_oversell: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBuyer {
    pub name: String,
    /// Lower-cased.
    pub email: Option<String>,
    /// Digits, with a leading `+` kept.
    pub phone: Option<String>,
    pub language: Option<String>,
    pub marketplace_buyer_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CheckedLine {
    pub sku: Option<String>,
    pub title: Option<String>,
    pub quantity: i32,
    pub unit_price_minor: Option<i64>,
}

/// An optional amount in `currency`, as minor units; blank is zero.
fn amount(e: &mut Errors, field: &str, text: Option<&str>, currency: &str) -> i64 {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match money::parse_minor(t, currency, field) {
            Ok(v) if v > MAX_AMOUNT_MINOR => {
                e.push(
                    FieldError::new(field, FieldCode::AmountTooLarge).with("max", MAX_AMOUNT_MINOR),
                );
                0
            }
            Ok(v) => v,
            Err(err) => {
                e.push(err);
                0
            }
        },
    }
}

/// Checks everything about `input` that needs no store. `now` is when the order is entered.
pub fn check(input: &NewOrder, now: DateTime<Utc>) -> Result<CheckedOrder, Vec<FieldError>> {
    let mut e = Errors::default();

    let currency = input.currency.trim().to_ascii_uppercase();
    let currency_known = money::exponent(&currency).is_some();
    if !currency_known {
        e.push(
            FieldError::new("currency", FieldCode::CurrencyUnknown).with("value", &input.currency),
        );
    }

    let from_marketplace = input.channel == OrderChannel::Marketplace;
    let (marketplace, marketplace_order_id, marketplace_buyer_id) = marketplace_ids(&mut e, input);
    let buyer = CheckedBuyer {
        name: e.line("buyer.name", &input.buyer.name, MAX_NAME_CHARS, true),
        email: e.email("buyer.email", input.buyer.email.as_deref()),
        phone: e.phone("buyer.phone", input.buyer.phone.as_deref()),
        language: e.language("buyer.language", input.buyer.language.as_deref()),
        marketplace_buyer_id: marketplace_buyer_id.filter(|_| from_marketplace),
    };
    let lines = lines(&mut e, input, currency_known.then_some(currency.as_str()));
    let (shipping_minor, vat_minor, discount_minor) = if currency_known {
        (
            amount(&mut e, "shipping", input.shipping.as_deref(), &currency),
            amount(&mut e, "vat", input.vat.as_deref(), &currency),
            amount(&mut e, "discount", input.discount.as_deref(), &currency),
        )
    } else {
        (0, 0, 0)
    };
    let address = address(&mut e, &input.address);
    let placed_at = placed_at(&mut e, input, now);

    let checked = CheckedOrder {
        channel: input.channel,
        marketplace: marketplace.filter(|_| from_marketplace),
        marketplace_order_id: marketplace_order_id.filter(|_| from_marketplace),
        buyer,
        lines,
        currency,
        shipping_minor,
        vat_minor,
        discount_minor,
        coupon_code: e.opt_line("coupon_code", input.coupon_code.as_deref(), MAX_ID_CHARS),
        address,
        note: e.text("note", &input.note, MAX_NOTE_CHARS, false),
        placed_at,
        ship_by: input.ship_by,
        allow_oversell: input.allow_oversell,
    };
    e.finish(checked)
}

/// The marketplace, its order id and its buyer id: required of a marketplace order, refused on
/// any other (a phone or shop sale has no marketplace ids to clash with synced ones).
fn marketplace_ids(
    e: &mut Errors,
    input: &NewOrder,
) -> (Option<String>, Option<String>, Option<String>) {
    let from_marketplace = input.channel == OrderChannel::Marketplace;
    let marketplace = e.opt_line("marketplace", input.marketplace.as_deref(), 16);
    let marketplace_order_id = e.opt_line(
        "marketplace_order_id",
        input.marketplace_order_id.as_deref(),
        MAX_ID_CHARS,
    );
    let marketplace_buyer_id = e.opt_line(
        "buyer.marketplace_buyer_id",
        input.buyer.marketplace_buyer_id.as_deref(),
        MAX_ID_CHARS,
    );
    if from_marketplace {
        match &marketplace {
            None => e.push(FieldError::new("marketplace", FieldCode::Required)),
            Some(m)
                if !m
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
            {
                e.push(FieldError::new("marketplace", FieldCode::KeyInvalid).with("value", m))
            }
            Some(_) => {}
        }
        if marketplace_order_id.is_none() {
            e.push(FieldError::new("marketplace_order_id", FieldCode::Required));
        }
    } else {
        for (field, v) in [
            ("marketplace", &marketplace),
            ("marketplace_order_id", &marketplace_order_id),
            ("buyer.marketplace_buyer_id", &marketplace_buyer_id),
        ] {
            if v.is_some() {
                e.push(
                    FieldError::new(field, FieldCode::NotForChannel)
                        .with("channel", input.channel.as_str()),
                );
            }
        }
    }

    (marketplace, marketplace_order_id, marketplace_buyer_id)
}

/// The lines: a SKU or a custom item with its title and price, quantities in range, and (for
/// a sale entered here) no SKU twice. `currency` is the order's when it is known.
fn lines(e: &mut Errors, input: &NewOrder, currency: Option<&str>) -> Vec<CheckedLine> {
    let from_marketplace = input.channel == OrderChannel::Marketplace;
    if input.lines.is_empty() {
        e.push(FieldError::new("lines", FieldCode::Required));
    } else if input.lines.len() > MAX_LINES {
        e.push(FieldError::new("lines", FieldCode::TooMany).with("max", MAX_LINES));
    }
    let mut lines = Vec::with_capacity(input.lines.len().min(MAX_LINES));
    for (i, l) in input.lines.iter().take(MAX_LINES).enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        let sku = e.opt_line(&f("sku"), l.sku.as_deref(), MAX_ID_CHARS);
        let title = e.opt_line(&f("title"), l.title.as_deref(), MAX_LINE_TITLE_CHARS);
        if l.quantity == 0 || i64::from(l.quantity) > MAX_QUANTITY {
            e.push(
                FieldError::new(&f("quantity"), FieldCode::OutOfRange)
                    .with("min", 1)
                    .with("max", MAX_QUANTITY),
            );
        }
        let unit_price_minor = match (l.unit_price.as_deref().map(str::trim), currency) {
            (Some(t), Some(currency)) if !t.is_empty() => {
                Some(amount(e, &f("unit_price"), Some(t), currency))
            }
            _ => None,
        };
        // A custom item (no SKU) has nothing to take its title or price from.
        if sku.is_none() {
            if title.is_none() {
                e.push(FieldError::new(&f("title"), FieldCode::Required));
            }
            if l.unit_price.as_deref().is_none_or(|t| t.trim().is_empty()) {
                e.push(FieldError::new(&f("unit_price"), FieldCode::Required));
            }
        }
        lines.push(CheckedLine {
            sku,
            title,
            quantity: l.quantity.min(MAX_QUANTITY as u32) as i32,
            unit_price_minor,
        });
    }
    for (i, a) in lines.iter().enumerate() {
        // A marketplace may sell one SKU on two lines (Etsy: two transactions of a listing,
        // personalised differently); the buyer has paid for both, so both are taken.
        if !from_marketplace
            && let Some(sku) = &a.sku
            && lines[..i].iter().any(|b| b.sku.as_ref() == Some(sku))
        {
            e.push(
                FieldError::new(&format!("lines[{i}].sku"), FieldCode::Duplicate)
                    .with("value", sku),
            );
        }
    }

    lines
}

/// The address, its country a two-letter code.
fn address(e: &mut Errors, a: &Address) -> Address {
    let address = Address {
        name: e.line("address.name", &a.name, MAX_NAME_CHARS, false),
        line1: e.line("address.line1", &a.line1, MAX_NAME_CHARS, false),
        line2: e.line("address.line2", &a.line2, MAX_NAME_CHARS, false),
        city: e.line("address.city", &a.city, MAX_NAME_CHARS, false),
        region: e.line("address.region", &a.region, MAX_NAME_CHARS, false),
        postcode: e.line("address.postcode", &a.postcode, 32, false),
        country: e
            .line("address.country", &a.country, 2, false)
            .to_ascii_uppercase(),
    };
    if !address.country.is_empty() && !address.country.bytes().all(|b| b.is_ascii_alphabetic()) {
        e.push(
            FieldError::new("address.country", FieldCode::CountryInvalid)
                .with("value", &address.country),
        );
    }

    address
}

/// When the order was placed (now, unless given), and a ship-by date not before it.
fn placed_at(e: &mut Errors, input: &NewOrder, now: DateTime<Utc>) -> DateTime<Utc> {
    let from_marketplace = input.channel == OrderChannel::Marketplace;
    let placed_at = input.placed_at.unwrap_or(now);
    // A clock a little ahead on another machine is fine; a date next year is a typo — but a
    // marketplace's own time is what the order was placed at, whatever this machine's says.
    if !from_marketplace && placed_at > now + Duration::days(1) {
        e.push(FieldError::new("placed_at", FieldCode::InFuture));
    }
    if let Some(ship_by) = input.ship_by
        && ship_by < placed_at
    {
        e.push(FieldError::new("ship_by", FieldCode::BeforePlaced));
    }

    placed_at
}

/// The order's amounts from its priced lines: subtotal, then total = subtotal + shipping + VAT −
/// discount, as marketplace receipts add them. Prices that already include VAT leave `vat` 0.
pub fn totals(order: &CheckedOrder, unit_prices: &[i64]) -> Result<(i64, i64), Vec<FieldError>> {
    let too_large = |field: &str| {
        vec![FieldError::new(field, FieldCode::AmountTooLarge).with("max", MAX_AMOUNT_MINOR)]
    };
    let mut subtotal: i64 = 0;
    for (line, price) in order.lines.iter().zip(unit_prices) {
        subtotal = price
            .checked_mul(i64::from(line.quantity))
            .and_then(|v| subtotal.checked_add(v))
            .filter(|&v| v <= MAX_AMOUNT_MINOR)
            .ok_or_else(|| too_large("lines"))?;
    }
    let gross = subtotal + order.shipping_minor + order.vat_minor;
    if order.discount_minor > gross {
        return Err(vec![
            FieldError::new("discount", FieldCode::DiscountTooLarge)
                .with("max", money::format_minor(gross, &order.currency)),
        ]);
    }
    let total = gross - order.discount_minor;
    if total > MAX_AMOUNT_MINOR {
        return Err(too_large("total"));
    }
    Ok((subtotal, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{email, phone};
    use crate::orders::model::{BuyerInput, LineInput};

    fn order() -> NewOrder {
        NewOrder {
            channel: OrderChannel::Phone,
            marketplace: None,
            marketplace_order_id: None,
            buyer: BuyerInput {
                name: "  Leyla Məmmədova ".into(),
                email: Some(" Leyla@Example.AZ ".into()),
                phone: Some("+994 (50) 123-45-67".into()),
                language: Some("az".into()),
                marketplace_buyer_id: None,
            },
            lines: vec![LineInput {
                sku: Some("LAMP-1".into()),
                title: None,
                quantity: 2,
                unit_price: None,
            }],
            currency: "azn".into(),
            shipping: Some("5".into()),
            vat: None,
            discount: Some("1,50".into()),
            coupon_code: None,
            address: Address::default(),
            note: String::new(),
            placed_at: None,
            ship_by: None,
            allow_oversell: false,
        }
    }

    fn codes(r: Result<CheckedOrder, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|f| (f.field, f.code.to_string()))
            .collect()
    }

    #[test]
    fn canonical_buyer_and_amounts() {
        let c = check(&order(), Utc::now()).unwrap();
        assert_eq!(c.buyer.name, "Leyla Məmmədova");
        assert_eq!(c.buyer.email.as_deref(), Some("leyla@example.az"));
        assert_eq!(c.buyer.phone.as_deref(), Some("+994501234567"));
        assert_eq!(c.currency, "AZN");
        assert_eq!((c.shipping_minor, c.discount_minor), (500, 150));
        assert_eq!(totals(&c, &[1000]).unwrap(), (2000, 2350));
    }

    #[test]
    fn every_error_at_once_with_its_path() {
        let mut o = order();
        o.buyer.name = " ".into();
        o.buyer.email = Some("not-an-address".into());
        o.buyer.phone = Some("call me".into());
        o.buyer.language = Some("de".into());
        o.marketplace_order_id = Some("1234".into());
        o.shipping = Some("-5".into());
        o.lines.push(LineInput {
            sku: None,
            title: None,
            quantity: 0,
            unit_price: None,
        });
        o.lines.push(o.lines[0].clone());
        let got = codes(check(&o, Utc::now()));
        for want in [
            ("buyer.name", "required"),
            ("buyer.email", "email_invalid"),
            ("buyer.phone", "phone_invalid"),
            ("buyer.language", "language_unknown"),
            ("marketplace_order_id", "not_for_channel"),
            ("shipping", "negative"),
            ("lines[1].quantity", "out_of_range"),
            ("lines[1].title", "required"),
            ("lines[1].unit_price", "required"),
            ("lines[2].sku", "duplicate"),
        ] {
            assert!(
                got.contains(&(want.0.to_owned(), want.1.to_owned())),
                "{want:?} missing from {got:?}"
            );
        }
    }

    #[test]
    fn a_marketplace_order_may_sell_one_sku_on_two_lines() {
        let mut o = order();
        o.lines.push(o.lines[0].clone());
        assert!(
            codes(check(&o, Utc::now()))
                .contains(&("lines[1].sku".to_owned(), "duplicate".to_owned())),
            "a hand-entered order names each SKU once"
        );
        o.channel = OrderChannel::Marketplace;
        o.marketplace = Some("etsy".into());
        o.marketplace_order_id = Some("1".into());
        assert!(
            check(&o, Utc::now()).is_ok(),
            "the buyer paid for both lines"
        );
    }

    #[test]
    fn marketplace_orders_need_their_ids() {
        let mut o = order();
        o.channel = OrderChannel::Marketplace;
        assert_eq!(
            codes(check(&o, Utc::now())),
            [
                ("marketplace".to_owned(), "required".to_owned()),
                ("marketplace_order_id".to_owned(), "required".to_owned())
            ]
        );
    }

    #[test]
    fn a_discount_above_the_order_is_refused() {
        let mut o = order();
        o.discount = Some("100".into());
        let c = check(&o, Utc::now()).unwrap();
        let e = totals(&c, &[1000]).unwrap_err();
        assert_eq!(e[0].code, "discount_too_large");
        assert_eq!(e[0].params["max"], "25.00");
    }

    #[test]
    fn hostile_text_is_refused_not_stored() {
        let mut o = order();
        o.buyer.name = "A\u{0}B".into();
        o.note = "x".repeat(MAX_NOTE_CHARS + 1);
        o.placed_at = Some(Utc::now() + Duration::days(30));
        let got = codes(check(&o, Utc::now()));
        assert!(got.contains(&("buyer.name".into(), "control_characters".into())));
        assert!(got.contains(&("note".into(), "too_long".into())));
        assert!(got.contains(&("placed_at".into(), "in_future".into())));
    }

    #[test]
    fn phones_and_emails() {
        assert_eq!(phone("050 123 45 67").as_deref(), Some("0501234567"));
        assert_eq!(phone("+1-800-FLOWERS"), None);
        assert_eq!(phone("123"), None);
        assert_eq!(email("a@b"), None);
        assert_eq!(email("a b@c.de"), None);
        assert_eq!(
            email("Ayşe@Örnek.com.tr").as_deref(),
            Some("ayşe@örnek.com.tr")
        );
    }
}
