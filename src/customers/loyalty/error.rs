//! Why a loyalty step was refused: a leaf the crate's `Error` wraps.

use crate::error::ErrorCode;
use std::collections::BTreeMap;

use crate::orders::error::Refusal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoyaltyError {
    #[error("not enough points: the buyer has {have}, {want} were asked for")]
    NotEnoughPoints { have: i64, want: i64 },
    #[error("coupon {code} cannot be used: {}", .why.as_str().replace('_', " "))]
    CouponRefused { code: String, why: Refusal },
}

impl LoyaltyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            LoyaltyError::NotEnoughPoints { .. } => ErrorCode::LoyaltyNotEnoughPoints,
            LoyaltyError::CouponRefused { .. } => ErrorCode::CouponRefused,
        }
    }

    pub fn params(&self) -> BTreeMap<String, String> {
        let mut p = BTreeMap::new();
        match self {
            LoyaltyError::NotEnoughPoints { have, want } => {
                p.insert("have".into(), have.to_string());
                p.insert("want".into(), want.to_string());
            }
            LoyaltyError::CouponRefused { code, why } => {
                p.insert("code".into(), code.clone());
                p.insert("why".into(), why.as_str().into());
            }
        }
        p
    }
}
