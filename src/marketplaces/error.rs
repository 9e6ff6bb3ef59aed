//! What can go wrong talking to a marketplace: a leaf the crate's `Error` wraps.

use crate::error::ErrorCode;
use crate::infra::secrets::SecretError;

/// The largest response body read: a page of 100 receipts is a few hundred KiB.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A response that is not what Etsy documents: where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the response is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024))]
    TooLarge,
    /// Not JSON at all, or cut off: often a proxy or a dropped connection, so worth a retry.
    #[error("the response is not JSON: {reason}")]
    Malformed { reason: String },
    #[error("the response is not valid at {path}: {reason}")]
    Invalid { path: String, reason: String },
}

#[derive(Debug, thiserror::Error)]
pub enum MarketplaceError {
    #[error("{operation}: the marketplace cannot be reached: {reason}")]
    Unreachable {
        operation: &'static str,
        reason: String,
    },
    #[error("{operation}: the marketplace answered {status}: {message}")]
    Refused {
        operation: &'static str,
        status: u16,
        message: String,
    },
    #[error("{operation}: {source}")]
    Wire {
        operation: &'static str,
        #[source]
        source: WireError,
    },
    #[error("the marketplace's daily request quota is used up; sync goes on tomorrow")]
    DailyQuota,
    #[error("the marketplace no longer accepts this connection ({0}); connect the shop again")]
    SignedOut(String),
    #[error("{0}")]
    Secret(#[from] SecretError),
}

impl MarketplaceError {
    pub fn code(&self) -> ErrorCode {
        match self {
            MarketplaceError::Unreachable { .. } => ErrorCode::MarketplaceUnreachable,
            MarketplaceError::Refused { .. } => ErrorCode::MarketplaceRefused,
            MarketplaceError::Wire { .. } => ErrorCode::MarketplaceAnswer,
            MarketplaceError::DailyQuota => ErrorCode::MarketplaceQuota,
            MarketplaceError::SignedOut(_) => ErrorCode::MarketplaceSignedOut,
            MarketplaceError::Secret(e) => e.code(),
        }
    }
}
