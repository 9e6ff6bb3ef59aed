//! Typed errors with a stable code and parameters, so the UI can say them in the seller's language.
//! Database and I/O details are logged, never shown: the UI gets a code it knows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

/// One field that failed validation: which field, why (a stable code), and the values the message
/// needs (for example the maximum length).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    /// In English, for the CLI and import reports: "price: must be above zero".
    pub fn english(&self) -> String {
        let p = |k: &str| self.params.get(k).cloned().unwrap_or_default();
        let what = match self.code.as_str() {
            "required" => "is required".to_owned(),
            "too_long" => format!("is too long (at most {} characters)", p("max")),
            "too_many" => format!("has too many entries (at most {})", p("max")),
            "control_characters" => "contains control characters".to_owned(),
            "price_positive" => "must be above zero".to_owned(),
            "negative" => "must not be negative".to_owned(),
            "amount_too_large" => format!("is too large (at most {} in minor units)", p("max")),
            "out_of_range" => format!("must be between {} and {}", p("min"), p("max")),
            "min_above_max" => format!("minimum {} is above maximum {}", p("min"), p("max")),
            "currency_unknown" => format!("“{}” is not an ISO 4217 currency code", p("value")),
            "amount_invalid" => format!("“{}” is not an amount", p("value")),
            "too_many_decimals" => format!("“{}” has more than {} decimals", p("value"), p("max")),
            "duplicate" => format!("“{}” appears twice", p("value")),
            "sku_taken" => format!("SKU “{}” belongs to listing {}", p("value"), p("listing")),
            "family_unknown" => format!("no completeness family “{}”", p("value")),
            "photo_missing" => "photo not found in the media store".to_owned(),
            "image_type" | "image_unreadable" => "is not a PNG, JPEG or WebP picture".to_owned(),
            "invalid_utf8" => "is not valid UTF-8 text".to_owned(),
            "json_invalid" => format!("is not valid JSON ({})", p("reason")),
            "not_a_number" => format!("“{}” is not a whole number", p("value")),
            "bool_invalid" => format!("“{}” is not true or false", p("value")),
            "state_unknown" => format!("“{}” is not a listing state", p("value")),
            "key_invalid" => format!("key “{}” may hold only a–z, 0–9 and _", p("value")),
            "marketplace_id" => format!("“{}” is not an Etsy listing id", p("value")),
            "marketplace_id_taken" => format!("belongs to listing {}", p("listing")),
            "email_invalid" => format!("“{}” is not an e-mail address", p("value")),
            "phone_invalid" => format!("“{}” is not a phone number", p("value")),
            "phone_digits" => format!(
                "“{}” is not a phone number: it has {} to {} digits",
                p("value"),
                p("min"),
                p("max")
            ),
            "language_unknown" => format!("no message templates in “{}”", p("value")),
            "not_for_channel" => format!("is only for marketplace orders, not {}", p("channel")),
            "sku_unknown" => format!("no listing has SKU “{}”", p("value")),
            "currency_mismatch" => format!(
                "the listing is priced in {}, the order in {}: give the price",
                p("listing"),
                p("order")
            ),
            "discount_too_large" => format!("is more than the order ({})", p("max")),
            "country_invalid" => format!("“{}” is not a two-letter country code", p("value")),
            "in_future" => "is in the future".to_owned(),
            "before_placed" => "is before the order was placed".to_owned(),
            "already_resolved" => format!("problem {} is already resolved", p("id")),
            "message_state" => format!("not possible for a message that is {}", p("status")),
            "smtp_invalid" => format!("cannot be used: {}", p("reason")),
            "pair_invalid" => format!("“{}” is not KEY=VALUE", p("value")),
            "yes_no" => format!("“{}” is not yes or no", p("value")),
            "not_answerable" => "only a yes/no or scan step can open a problem".to_owned(),
            other => other.replace('_', " "),
        };
        format!("{}: {what}", self.field)
    }

    /// Several errors in English, one after another: "price: must be above zero; title: …".
    pub fn english_all(errors: &[FieldError]) -> String {
        errors
            .iter()
            .map(FieldError::english)
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn new(field: &str, code: &str) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} field(s) are not valid: {}", .0.len(), .0.iter().map(|f| format!("{} ({})", f.field, f.code)).collect::<Vec<_>>().join(", "))]
    Validation(Vec<FieldError>),

    #[error("the store at {location} could not be opened: {reason}")]
    StoreOpen { location: String, reason: String },

    #[error("the store could not be read or written")]
    Store(#[from] sea_orm::DbErr),

    #[error(
        "the store was written by a newer version of Vefa (it has migration {migration}, which this version does not know)"
    )]
    StoreTooNew { migration: String },

    #[error("could not back up the store before migrating it: {0}")]
    Backup(String),

    #[error("file error at {path}: {source}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Notification(#[from] crate::infra::notifications::NotifyError),

    #[error("stored data is damaged: {0}")]
    Corrupt(String),

    #[error("the CSV file cannot be imported: {reason}")]
    CsvFile { reason: String },

    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },

    #[error("{0}")]
    Transition(#[from] crate::orders::status::TransitionError),

    #[error("{0}")]
    Secret(#[from] crate::infra::secrets::SecretError),

    #[error("{0}")]
    Marketplace(#[from] crate::marketplaces::error::MarketplaceError),

    #[error("the marketplace login did not complete: {0}")]
    Login(String),

    #[error("connecting the shop was cancelled; nothing was stored")]
    LoginCancelled,

    #[error("{0}")]
    Inspection(#[from] crate::inspection::error::InspectionError),

    #[error("{0}")]
    Loyalty(#[from] crate::customers::loyalty::error::LoyaltyError),

    /// A sale beyond the shelf, refused until the seller accepts it.
    #[error("not enough stock: {}", .0.iter().map(|s| format!("{} (wanted {}, {} in stock)", s.sku, s.wanted, s.in_stock)).collect::<Vec<_>>().join(", "))]
    Oversell(Vec<crate::orders::error::Shortage>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn file(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::File {
            path: path.display().to_string(),
            source,
        }
    }

    /// The stable code the UI translates. Add a code only when the UI acts on it.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::StoreOpen { .. } => "store_open",
            Error::Store(_) => "store",
            Error::StoreTooNew { .. } => "store_too_new",
            Error::Backup(_) => "backup",
            Error::File { .. } => "file",
            Error::Notification(e) => e.code(),
            Error::Corrupt(_) => "corrupt",
            Error::NotFound { .. } => "not_found",
            Error::CsvFile { .. } => "csv_file",
            Error::Transition(_) => "order_transition",
            Error::Oversell(_) => "oversell",
            Error::Inspection(e) => e.code(),
            Error::Loyalty(e) => e.code(),
            Error::Secret(e) => e.code(),
            Error::Marketplace(e) => e.code(),
            Error::Login(_) => "marketplace_login",
            Error::LoginCancelled => "marketplace_login_cancelled",
        }
    }

    fn params(&self) -> BTreeMap<String, String> {
        let mut params = BTreeMap::new();
        match self {
            Error::StoreOpen { location, .. } => {
                params.insert("location".into(), location.clone());
            }
            Error::StoreTooNew { migration } => {
                params.insert("migration".into(), migration.clone());
            }
            Error::File { path, .. } => {
                params.insert("path".into(), path.clone());
            }
            Error::CsvFile { reason } => {
                params.insert("reason".into(), reason.clone());
            }
            Error::NotFound { what, id } => {
                params.insert("what".into(), (*what).into());
                params.insert("id".into(), id.clone());
            }
            Error::Transition(t) => {
                params.insert("from".into(), t.from.as_str().into());
                params.insert("action".into(), t.action.as_str().into());
            }
            Error::Marketplace(e) => {
                params.insert("detail".into(), e.to_string());
            }
            Error::Login(reason) => {
                params.insert("reason".into(), reason.clone());
            }
            Error::Inspection(e) => params.extend(e.params()),
            Error::Loyalty(e) => params.extend(e.params()),
            Error::Oversell(lines) => {
                let skus: Vec<&str> = lines.iter().map(|s| s.sku.as_str()).collect();
                params.insert("skus".into(), skus.join(", "));
            }
            _ => {}
        }
        params
    }

    /// What crosses to the UI. The English message is a fallback for logs and the CLI; the UI
    /// shows its own translation of `code`. Store errors carry no database text.
    pub fn view(&self) -> ErrorView {
        if let Error::Store(e) = self {
            tracing::error!(error = %e, "store error");
        }
        ErrorView {
            code: self.code().to_owned(),
            params: self.params(),
            message: self.to_string(),
            fields: match self {
                Error::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// An error as the window sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ErrorView {
    pub code: String,
    pub params: BTreeMap<String, String>,
    pub message: String,
    /// Field-level errors of a validation failure; empty otherwise.
    pub fields: Vec<FieldError>,
}

impl From<Error> for ErrorView {
    fn from(e: Error) -> Self {
        e.view()
    }
}

impl std::fmt::Display for ErrorView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_do_not_leak_database_text() {
        let e = Error::Store(sea_orm::DbErr::Custom("SQLITE secret table xyz".into()));
        let view = e.view();
        assert_eq!(view.code, "store");
        assert!(
            !view.message.contains("xyz"),
            "database text must never reach the UI: {}",
            view.message
        );
    }

    #[test]
    fn validation_view_carries_fields() {
        let e = Error::Validation(vec![FieldError::new("email", "email_invalid")]);
        let view = e.view();
        assert_eq!(view.code, "validation");
        assert_eq!(view.fields[0].field, "email");
    }
}
