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
    pub code: FieldCode,
    pub params: BTreeMap<String, String>,
}

/// Why a field failed: one stable code per rule, translated by the window (its catalogues are
/// typed by this enum, so a code without its words fails the UI's type check) and worded in
/// English for the CLI and import reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Empty, but needed.
    Required,
    /// Longer than `max` characters.
    TooLong,
    /// More than `max` entries.
    TooMany,
    /// A file larger than `max_mib` MiB.
    TooLarge,
    /// Holds invisible control characters.
    ControlCharacters,
    /// Text that is not UTF-8.
    InvalidUtf8,
    /// A price of zero or less.
    PricePositive,
    /// Below zero.
    Negative,
    /// Beyond what an amount may be (`max`, in minor units).
    AmountTooLarge,
    /// Not an amount (`value`).
    AmountInvalid,
    /// More decimals than the currency has (`value`, `max`).
    TooManyDecimals,
    /// Outside `min`..`max`.
    OutOfRange,
    /// A range whose lower end is above its upper end.
    MinAboveMax,
    /// Steps (tiers, thresholds) not in rising order.
    NotAscending,
    /// A tier threshold that cannot be used.
    ThresholdInvalid,
    /// Not a whole number (`value`).
    NotANumber,
    /// Not true or false (`value`).
    BoolInvalid,
    /// Not yes or no (`value`).
    YesNo,
    /// Not JSON (`reason`).
    JsonInvalid,
    /// Not KEY=VALUE (`value`).
    PairInvalid,
    /// A key with characters other than a–z, 0–9 and _ (`value`).
    KeyInvalid,
    /// Not one of the choices (`value`).
    Unknown,
    /// Given twice (`value`).
    Duplicate,
    /// Not an ISO 4217 code (`value`).
    CurrencyUnknown,
    /// A line priced by its listing in another currency than the order (`listing`, `order`).
    CurrencyMismatch,
    /// Not a two-letter country code (`value`).
    CountryInvalid,
    /// Not a language code (`value`).
    LanguageCode,
    /// A language Vefa has no message templates in (`value`).
    LanguageUnknown,
    /// Not an IANA time zone (`value`).
    TimeZoneUnknown,
    /// Not an e-mail address (`value`).
    EmailInvalid,
    /// A phone number with characters a phone number has not (`value`).
    PhoneInvalid,
    /// A phone number with too few or too many digits (`value`, `min`, `max`).
    PhoneDigits,
    /// A SKU another listing has (`value`, `listing`).
    SkuTaken,
    /// No listing has this SKU (`value`).
    SkuUnknown,
    /// No completeness family of this name (`value`).
    FamilyUnknown,
    /// Not a listing state (`value`).
    StateUnknown,
    /// A photo not in the media store.
    PhotoMissing,
    /// Not a PNG, JPEG or WebP picture.
    ImageType,
    /// A picture whose header cannot be read.
    ImageUnreadable,
    /// Needs the shop profile saved first.
    ProfileFirst,
    /// Not a marketplace listing id (`value`).
    MarketplaceId,
    /// A marketplace listing already linked to another listing (`listing`).
    MarketplaceIdTaken,
    /// Only for marketplace orders (`channel`).
    NotForChannel,
    /// A discount above the order (`max`, formatted).
    DiscountTooLarge,
    /// A date in the future.
    InFuture,
    /// A date already past.
    InPast,
    /// A date before the order was placed.
    BeforePlaced,
    /// Not a week like 2026-W47 (`value`).
    WeekInvalid,
    /// No such order.
    OrderUnknown,
    /// A problem already resolved (`id`).
    AlreadyResolved,
    /// Not possible for a message in this state (`status`).
    MessageState,
    /// Mail server settings that cannot be used (`reason`).
    SmtpInvalid,
    /// A message without a placeholder it needs (`placeholder`).
    PlaceholderMissing,
    /// A checklist step that cannot open a problem.
    NotAnswerable,
    /// A follow-up already answered.
    AlreadyAnswered,
    /// A follow-up already asked.
    AlreadyAsked,
    /// A complaint already compensated.
    AlreadyCompensated,
    /// Compensation only goes with a complaint.
    NotOnCriticism,
    /// An order not yet delivered.
    NotDelivered,
    /// A buyer who is not the order's.
    NotTheOrdersBuyer,
    /// A buyer merged into another.
    CustomerMerged,
    /// A buyer merged into themselves.
    MergeSelf,
}

impl FieldCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldCode::Required => "required",
            FieldCode::TooLong => "too_long",
            FieldCode::TooMany => "too_many",
            FieldCode::TooLarge => "too_large",
            FieldCode::ControlCharacters => "control_characters",
            FieldCode::InvalidUtf8 => "invalid_utf8",
            FieldCode::PricePositive => "price_positive",
            FieldCode::Negative => "negative",
            FieldCode::AmountTooLarge => "amount_too_large",
            FieldCode::AmountInvalid => "amount_invalid",
            FieldCode::TooManyDecimals => "too_many_decimals",
            FieldCode::OutOfRange => "out_of_range",
            FieldCode::MinAboveMax => "min_above_max",
            FieldCode::NotAscending => "not_ascending",
            FieldCode::ThresholdInvalid => "threshold_invalid",
            FieldCode::NotANumber => "not_a_number",
            FieldCode::BoolInvalid => "bool_invalid",
            FieldCode::YesNo => "yes_no",
            FieldCode::JsonInvalid => "json_invalid",
            FieldCode::PairInvalid => "pair_invalid",
            FieldCode::KeyInvalid => "key_invalid",
            FieldCode::Unknown => "unknown",
            FieldCode::Duplicate => "duplicate",
            FieldCode::CurrencyUnknown => "currency_unknown",
            FieldCode::CurrencyMismatch => "currency_mismatch",
            FieldCode::CountryInvalid => "country_invalid",
            FieldCode::LanguageCode => "language_code",
            FieldCode::LanguageUnknown => "language_unknown",
            FieldCode::TimeZoneUnknown => "time_zone_unknown",
            FieldCode::EmailInvalid => "email_invalid",
            FieldCode::PhoneInvalid => "phone_invalid",
            FieldCode::PhoneDigits => "phone_digits",
            FieldCode::SkuTaken => "sku_taken",
            FieldCode::SkuUnknown => "sku_unknown",
            FieldCode::FamilyUnknown => "family_unknown",
            FieldCode::StateUnknown => "state_unknown",
            FieldCode::PhotoMissing => "photo_missing",
            FieldCode::ImageType => "image_type",
            FieldCode::ImageUnreadable => "image_unreadable",
            FieldCode::ProfileFirst => "profile_first",
            FieldCode::MarketplaceId => "marketplace_id",
            FieldCode::MarketplaceIdTaken => "marketplace_id_taken",
            FieldCode::NotForChannel => "not_for_channel",
            FieldCode::DiscountTooLarge => "discount_too_large",
            FieldCode::InFuture => "in_future",
            FieldCode::InPast => "in_past",
            FieldCode::BeforePlaced => "before_placed",
            FieldCode::WeekInvalid => "week_invalid",
            FieldCode::OrderUnknown => "order_unknown",
            FieldCode::AlreadyResolved => "already_resolved",
            FieldCode::MessageState => "message_state",
            FieldCode::SmtpInvalid => "smtp_invalid",
            FieldCode::PlaceholderMissing => "placeholder_missing",
            FieldCode::NotAnswerable => "not_answerable",
            FieldCode::AlreadyAnswered => "already_answered",
            FieldCode::AlreadyAsked => "already_asked",
            FieldCode::AlreadyCompensated => "already_compensated",
            FieldCode::NotOnCriticism => "not_on_criticism",
            FieldCode::NotDelivered => "not_delivered",
            FieldCode::NotTheOrdersBuyer => "not_the_orders_buyer",
            FieldCode::CustomerMerged => "customer_merged",
            FieldCode::MergeSelf => "merge_self",
        }
    }
}

impl PartialEq<&str> for FieldCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for FieldCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FieldError {
    /// In English, for the CLI and import reports: "price: must be above zero".
    pub fn english(&self) -> String {
        let p = |k: &str| self.params.get(k).cloned().unwrap_or_default();
        let what = match self.code {
            FieldCode::Required => "is required".to_owned(),
            FieldCode::TooLong => format!("is too long (at most {} characters)", p("max")),
            FieldCode::TooMany => format!("has too many entries (at most {})", p("max")),
            FieldCode::ControlCharacters => "contains control characters".to_owned(),
            FieldCode::InvalidUtf8 => "is not valid UTF-8 text".to_owned(),
            FieldCode::PricePositive => "must be above zero".to_owned(),
            FieldCode::Negative => "must not be negative".to_owned(),
            FieldCode::AmountTooLarge => {
                format!("is too large (at most {} in minor units)", p("max"))
            }
            FieldCode::AmountInvalid => format!("“{}” is not an amount", p("value")),
            FieldCode::TooManyDecimals => {
                format!("“{}” has more than {} decimals", p("value"), p("max"))
            }
            FieldCode::OutOfRange => format!("must be between {} and {}", p("min"), p("max")),
            FieldCode::MinAboveMax => format!("minimum {} is above maximum {}", p("min"), p("max")),
            FieldCode::NotANumber => format!("“{}” is not a whole number", p("value")),
            FieldCode::BoolInvalid => format!("“{}” is not true or false", p("value")),
            FieldCode::YesNo => format!("“{}” is not yes or no", p("value")),
            FieldCode::JsonInvalid => format!("is not valid JSON ({})", p("reason")),
            FieldCode::PairInvalid => format!("“{}” is not KEY=VALUE", p("value")),
            FieldCode::KeyInvalid => format!("key “{}” may hold only a–z, 0–9 and _", p("value")),
            FieldCode::Duplicate => format!("“{}” appears twice", p("value")),
            FieldCode::CurrencyUnknown => {
                format!("“{}” is not an ISO 4217 currency code", p("value"))
            }
            FieldCode::CurrencyMismatch => format!(
                "the listing is priced in {}, the order in {}: give the price",
                p("listing"),
                p("order")
            ),
            FieldCode::CountryInvalid => {
                format!("“{}” is not a two-letter country code", p("value"))
            }
            FieldCode::LanguageUnknown => format!("no message templates in “{}”", p("value")),
            FieldCode::EmailInvalid => format!("“{}” is not an e-mail address", p("value")),
            FieldCode::PhoneInvalid => format!("“{}” is not a phone number", p("value")),
            FieldCode::PhoneDigits => format!(
                "“{}” is not a phone number: it has {} to {} digits",
                p("value"),
                p("min"),
                p("max")
            ),
            FieldCode::SkuTaken => {
                format!("SKU “{}” belongs to listing {}", p("value"), p("listing"))
            }
            FieldCode::SkuUnknown => format!("no listing has SKU “{}”", p("value")),
            FieldCode::FamilyUnknown => format!("no completeness family “{}”", p("value")),
            FieldCode::StateUnknown => format!("“{}” is not a listing state", p("value")),
            FieldCode::PhotoMissing => "photo not found in the media store".to_owned(),
            FieldCode::ImageType => "is not a PNG, JPEG or WebP picture".to_owned(),
            FieldCode::ImageUnreadable => "is not a PNG, JPEG or WebP picture".to_owned(),
            FieldCode::MarketplaceId => format!("“{}” is not an Etsy listing id", p("value")),
            FieldCode::MarketplaceIdTaken => format!("belongs to listing {}", p("listing")),
            FieldCode::NotForChannel => {
                format!("is only for marketplace orders, not {}", p("channel"))
            }
            FieldCode::DiscountTooLarge => format!("is more than the order ({})", p("max")),
            FieldCode::InFuture => "is in the future".to_owned(),
            FieldCode::BeforePlaced => "is before the order was placed".to_owned(),
            FieldCode::AlreadyResolved => format!("problem {} is already resolved", p("id")),
            FieldCode::MessageState => {
                format!("not possible for a message that is {}", p("status"))
            }
            FieldCode::SmtpInvalid => format!("cannot be used: {}", p("reason")),
            FieldCode::NotAnswerable => "only a yes/no or scan step can open a problem".to_owned(),
            // Codes only the window words: their plain name is enough for a script.
            other => other.as_str().replace('_', " "),
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

    pub fn new(field: &str, code: FieldCode) -> Self {
        Self {
            field: field.to_owned(),
            code,
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }
}

/// What went wrong, as the window tells it: one stable code per kind of error. The window's
/// catalogues are typed by this enum, so a code without its words fails the UI's type check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    StoreOpen,
    Store,
    StoreTooNew,
    Backup,
    File,
    Corrupt,
    NotFound,
    CsvFile,
    OrderTransition,
    Oversell,
    MarketplaceLogin,
    MarketplaceLoginCancelled,
    NotifyNoService,
    NotifyTimeout,
    NotifyFailed,
    InspectionRequired,
    InspectionDecided,
    InspectionNotPackable,
    PackerUnknown,
    InspectionStepUnknown,
    InspectionAnswerUnfit,
    InspectionIncomplete,
    InspectionConflict,
    LoyaltyNotEnoughPoints,
    CouponRefused,
    KeychainUnavailable,
    KeychainFailed,
    MarketplaceUnreachable,
    MarketplaceRefused,
    MarketplaceAnswer,
    MarketplaceQuota,
    MarketplaceSignedOut,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::StoreOpen => "store_open",
            ErrorCode::Store => "store",
            ErrorCode::StoreTooNew => "store_too_new",
            ErrorCode::Backup => "backup",
            ErrorCode::File => "file",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::NotFound => "not_found",
            ErrorCode::CsvFile => "csv_file",
            ErrorCode::OrderTransition => "order_transition",
            ErrorCode::Oversell => "oversell",
            ErrorCode::MarketplaceLogin => "marketplace_login",
            ErrorCode::MarketplaceLoginCancelled => "marketplace_login_cancelled",
            ErrorCode::NotifyNoService => "notify_no_service",
            ErrorCode::NotifyTimeout => "notify_timeout",
            ErrorCode::NotifyFailed => "notify_failed",
            ErrorCode::InspectionRequired => "inspection_required",
            ErrorCode::InspectionDecided => "inspection_decided",
            ErrorCode::InspectionNotPackable => "inspection_not_packable",
            ErrorCode::PackerUnknown => "packer_unknown",
            ErrorCode::InspectionStepUnknown => "inspection_step_unknown",
            ErrorCode::InspectionAnswerUnfit => "inspection_answer_unfit",
            ErrorCode::InspectionIncomplete => "inspection_incomplete",
            ErrorCode::InspectionConflict => "inspection_conflict",
            ErrorCode::LoyaltyNotEnoughPoints => "loyalty_not_enough_points",
            ErrorCode::CouponRefused => "coupon_refused",
            ErrorCode::KeychainUnavailable => "keychain_unavailable",
            ErrorCode::KeychainFailed => "keychain_failed",
            ErrorCode::MarketplaceUnreachable => "marketplace_unreachable",
            ErrorCode::MarketplaceRefused => "marketplace_refused",
            ErrorCode::MarketplaceAnswer => "marketplace_answer",
            ErrorCode::MarketplaceQuota => "marketplace_quota",
            ErrorCode::MarketplaceSignedOut => "marketplace_signed_out",
        }
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::StoreOpen { .. } => ErrorCode::StoreOpen,
            Error::Store(_) => ErrorCode::Store,
            Error::StoreTooNew { .. } => ErrorCode::StoreTooNew,
            Error::Backup(_) => ErrorCode::Backup,
            Error::File { .. } => ErrorCode::File,
            Error::Notification(e) => e.code(),
            Error::Corrupt(_) => ErrorCode::Corrupt,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::CsvFile { .. } => ErrorCode::CsvFile,
            Error::Transition(_) => ErrorCode::OrderTransition,
            Error::Oversell(_) => ErrorCode::Oversell,
            Error::Inspection(e) => e.code(),
            Error::Loyalty(e) => e.code(),
            Error::Secret(e) => e.code(),
            Error::Marketplace(e) => e.code(),
            Error::Login(_) => ErrorCode::MarketplaceLogin,
            Error::LoginCancelled => ErrorCode::MarketplaceLoginCancelled,
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
            code: self.code(),
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
    pub code: ErrorCode,
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
        let e = Error::Validation(vec![FieldError::new("email", FieldCode::EmailInvalid)]);
        let view = e.view();
        assert_eq!(view.code, "validation");
        assert_eq!(view.fields[0].field, "email");
    }
}
