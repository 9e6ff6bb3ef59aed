//! The one way input is checked: an accumulator that collects every field error at once (the
//! window shows them all beside their fields), and one rule each for e-mail addresses and phone
//! numbers, the same for the seller and for buyers.

use crate::error::FieldCode;
use crate::error::FieldError;
use crate::locale::UiLanguage;

/// The longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Digits in a phone number, country code included: E.164 allows at most 15, and no number
/// anyone dials in Azerbaijan, Turkey or Iran has fewer than 7.
pub const MIN_PHONE_DIGITS: usize = 7;
pub const MAX_PHONE_DIGITS: usize = 15;
/// The longest phone number as typed, separators included: more is not a phone number.
pub const MAX_PHONE_CHARS: usize = 40;

/// A lower-cased address that `email_address` accepts, with a dotted domain: mail crosses the
/// internet, where a dotless domain ("a@b", "first.last@localhost") is always a typo.
pub fn email(s: &str) -> Option<String> {
    let s = s.trim();
    let domain = s.rsplit_once('@')?.1;
    let ok = s.chars().count() <= MAX_EMAIL_CHARS
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email_address::EmailAddress::is_valid(s);
    ok.then(|| s.to_lowercase())
}

/// Why a phone number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// A character other than digits, a leading `+`, spaces, dashes, dots and brackets.
    Characters,
    /// Fewer than [`MIN_PHONE_DIGITS`] or more than [`MAX_PHONE_DIGITS`] digits.
    Digits,
}

/// The digits of a phone number, a leading `+` kept: "+994 (50) 123-45-67" → "+994501234567".
/// Spaces, dashes, dots and brackets are dropped; any other character refuses the number.
pub fn phone_checked(s: &str) -> Result<String, PhoneError> {
    let s = s.trim();
    let (plus, rest) = match s.strip_prefix('+') {
        Some(r) => ("+", r),
        None => ("", s),
    };
    let mut digits = String::with_capacity(rest.len() + 1);
    digits.push_str(plus);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err(PhoneError::Characters),
        }
    }
    let n = digits.len() - plus.len();
    if (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&n) {
        Ok(digits)
    } else {
        Err(PhoneError::Digits)
    }
}

/// [`phone_checked`]'s canonical form, or none: for matching a search against stored numbers.
pub fn phone(s: &str) -> Option<String> {
    phone_checked(s).ok()
}

/// Collects field errors; `text` and `line` check length and (for one-line text) control
/// characters.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Trimmed multi-line text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize, required: bool) -> String {
        let v = value.trim();
        let n = v.chars().count();
        if required && v.is_empty() {
            self.push(FieldError::new(field, FieldCode::Required));
        } else if n > max {
            self.push(
                FieldError::new(field, FieldCode::TooLong)
                    .with("max", max)
                    .with("length", n),
            );
        }
        v.to_owned()
    }

    /// Trimmed one-line text: no line breaks or other control characters.
    pub fn line(&mut self, field: &str, value: &str, max: usize, required: bool) -> String {
        let v = self.text(field, value, max, required);
        if v.chars().any(char::is_control) {
            self.push(FieldError::new(field, FieldCode::ControlCharacters));
        }
        v
    }

    /// An optional one-line value: absent when empty after trimming.
    pub fn opt_line(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = self.line(field, value.unwrap_or(""), max, false);
        (!v.is_empty()).then_some(v)
    }

    /// An optional e-mail address in its canonical form: blank is none.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let s = value.map(str::trim).filter(|s| !s.is_empty())?;
        let n = s.chars().count();
        if n > MAX_EMAIL_CHARS {
            self.push(
                FieldError::new(field, FieldCode::TooLong)
                    .with("max", MAX_EMAIL_CHARS)
                    .with("length", n),
            );
            return None;
        }
        let found = email(s);
        if found.is_none() {
            self.push(FieldError::new(field, FieldCode::EmailInvalid).with("value", s));
        }
        found
    }

    /// An optional phone number in its canonical form: blank is none.
    pub fn phone(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let s = value.map(str::trim).filter(|s| !s.is_empty())?;
        let n = s.chars().count();
        if n > MAX_PHONE_CHARS {
            self.push(
                FieldError::new(field, FieldCode::TooLong)
                    .with("max", MAX_PHONE_CHARS)
                    .with("length", n),
            );
            return None;
        }
        match phone_checked(s) {
            Ok(p) => Some(p),
            Err(PhoneError::Characters) => {
                self.push(FieldError::new(field, FieldCode::PhoneInvalid).with("value", s));
                None
            }
            Err(PhoneError::Digits) => {
                self.push(
                    FieldError::new(field, FieldCode::PhoneDigits)
                        .with("min", MIN_PHONE_DIGITS)
                        .with("max", MAX_PHONE_DIGITS)
                        .with("value", s),
                );
                None
            }
        }
    }

    /// An optional buyer language: one Vefa writes messages in (its code), blank is none.
    pub fn language(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let s = value.map(str::trim).filter(|s| !s.is_empty())?;
        let found = UiLanguage::from_code(s).map(|l| l.code().to_owned());
        if found.is_none() {
            self.push(FieldError::new(field, FieldCode::LanguageUnknown).with("value", s));
        }
        found
    }

    /// `value` when nothing was wrong, else every error collected.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_email_rule_refuses_dotless_and_odd_domains() {
        for bad in [
            "first.last@localhost",
            "aysel@localhost",
            "a@b",
            "leyla@example.",
            "leyla@.az",
            "no-at-sign.az",
            "",
        ] {
            assert_eq!(email(bad), None, "{bad}");
        }
        assert_eq!(
            email(" Leyla.Mammadova@Example.AZ "),
            Some("leyla.mammadova@example.az".into())
        );
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(email(&long), None);
    }

    #[test]
    fn one_phone_rule_for_sellers_and_buyers() {
        assert_eq!(phone("+994 (50) 123-45-67"), Some("+994501234567".into()));
        assert_eq!(phone("0532 123 45 67"), Some("05321234567".into()));
        assert_eq!(phone("+98 912 345 6789"), Some("+989123456789".into()));
        assert_eq!(phone_checked("12345"), Err(PhoneError::Digits));
        assert_eq!(phone_checked("+1234567890123456"), Err(PhoneError::Digits));
        assert_eq!(phone_checked("+994 50 ABC"), Err(PhoneError::Characters));
        assert_eq!(phone_checked("++994501234567"), Err(PhoneError::Characters));
    }

    #[test]
    fn errors_say_which_rule_failed() {
        let mut e = Errors::default();
        assert_eq!(e.email("email", Some("first.last@localhost")), None);
        assert_eq!(e.phone("phone", Some("12-34")), None);
        assert_eq!(e.phone("phone2", Some("50 12x")), None);
        assert_eq!(e.email("blank", Some("  ")), None);
        let codes: Vec<(String, String)> = e
            .into_vec()
            .into_iter()
            .map(|f| (f.field, f.code.to_string()))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("email".into(), "email_invalid".into()),
                ("phone".into(), "phone_digits".into()),
                ("phone2".into(), "phone_invalid".into()),
            ]
        );
    }
}
