//! The orders' own refusals, leaves the crate's `Error` carries: a sale beyond the shelf and a
//! coupon that cannot be used.

use serde::Serialize;
use specta::Type;

/// A line that sells more than the shelf holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Shortage {
    pub line: usize,
    pub sku: String,
    #[specta(type = i32)]
    pub wanted: i64,
    #[specta(type = i32)]
    pub in_stock: i64,
}

/// Why a code cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Unknown,
    Expired,
    UsedUp,
    /// Tied to another buyer.
    NotTheirs,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Unknown => "unknown",
            Refusal::Expired => "expired",
            Refusal::UsedUp => "used_up",
            Refusal::NotTheirs => "not_theirs",
        }
    }
}
