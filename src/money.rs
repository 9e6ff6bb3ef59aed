//! Money is integer minor units plus an ISO 4217 code, never a float. This module turns the
//! decimals people and files write ("25.00", "25,5") into minor units and back, exactly.

use crate::error::FieldCode;
use crate::error::FieldError;

/// Digits after the decimal point in ISO 4217 (2 for EUR and AZN, 0 for JPY, 3 for KWD).
pub fn exponent(currency: &str) -> Option<u32> {
    iso_currency::Currency::from_code(currency).map(|c| u32::from(c.exponent().unwrap_or(0)))
}

/// Parses a non-negative decimal into minor units. Accepts `.` or `,` as the decimal separator
/// (European CSV files write `25,00`); refuses thousands separators, signs, more decimals than
/// the currency has, and numbers too large to hold.
pub fn parse_minor(text: &str, currency: &str, field: &str) -> Result<i64, FieldError> {
    let exp = exponent(currency).ok_or_else(|| {
        FieldError::new(field, FieldCode::CurrencyUnknown).with("value", currency)
    })?;
    parse_fixed(text, exp, field)
}

/// Parses a non-negative decimal with at most `exp` decimals into an integer scaled by 10^exp
/// ("18.5" with 2 → 1850: a VAT rate in basis points).
pub fn parse_fixed(text: &str, exp: u32, field: &str) -> Result<i64, FieldError> {
    let t = text.trim();
    let bad = || FieldError::new(field, FieldCode::AmountInvalid).with("value", t);
    if t.is_empty() {
        return Err(FieldError::new(field, FieldCode::Required));
    }
    if t.starts_with('-') {
        return Err(FieldError::new(field, FieldCode::Negative).with("value", t));
    }
    let (whole, frac) = match t.find(['.', ',']) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() as u32 > exp {
        // "12.345" in a two-decimal currency would silently lose money if rounded.
        return Err(FieldError::new(field, FieldCode::TooManyDecimals)
            .with("value", t)
            .with("max", exp));
    }
    let scale = 10_i64.pow(exp);
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac_minor: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    frac_minor *= 10_i64.pow(exp - frac.len() as u32);
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_minor))
        .ok_or_else(bad)
}

/// Minor units as a plain decimal with the currency's digits: 2550 EUR → "25.50".
pub fn format_minor(minor: i64, currency: &str) -> String {
    format_fixed(minor, exponent(currency).unwrap_or(2))
}

/// An integer scaled by 10^exp as a decimal: (1850, 2) → "18.50".
pub fn format_fixed(minor: i64, exp: u32) -> String {
    if exp == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = exp as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_write() {
        assert_eq!(parse_minor("25", "EUR", "p"), Ok(2500));
        assert_eq!(parse_minor("25.5", "EUR", "p"), Ok(2550));
        assert_eq!(parse_minor(" 25,50 ", "EUR", "p"), Ok(2550));
        assert_eq!(parse_minor(".5", "AZN", "p"), Ok(50));
        assert_eq!(parse_minor("1500", "JPY", "p"), Ok(1500));
        assert_eq!(parse_minor("1.250", "KWD", "p"), Ok(1250));
    }

    #[test]
    fn refuses_what_would_lose_or_invent_money() {
        let code = |t: &str, c: &str| parse_minor(t, c, "price").unwrap_err().code;
        assert_eq!(code("12.345", "EUR"), "too_many_decimals");
        assert_eq!(code("12.5", "JPY"), "too_many_decimals");
        assert_eq!(code("-3", "EUR"), "negative");
        assert_eq!(
            code("1,234.50", "EUR"),
            "amount_invalid",
            "no thousands separators"
        );
        assert_eq!(code("12e3", "EUR"), "amount_invalid");
        assert_eq!(code("", "EUR"), "required");
        assert_eq!(code("99999999999999999999", "EUR"), "amount_invalid");
        assert_eq!(code("5", "XXZ"), "currency_unknown");
    }

    #[test]
    fn formats_back_exactly() {
        for (minor, c, s) in [
            (2550, "EUR", "25.50"),
            (5, "EUR", "0.05"),
            (1500, "JPY", "1500"),
            (1250, "KWD", "1.250"),
            (-7, "EUR", "-0.07"),
        ] {
            assert_eq!(format_minor(minor, c), s);
            if minor >= 0 {
                assert_eq!(parse_minor(s, c, "p"), Ok(minor), "{s} round-trips");
            }
        }
    }
}
