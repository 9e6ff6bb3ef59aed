//! Why an inspection step was refused: a leaf the crate's `Error` wraps.

use crate::error::ErrorCode;
use std::collections::BTreeMap;

use crate::orders::status::OrderStatus;

/// Why an inspection step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error(
        "order {order} has not passed its inspection: inspect it, or override with a written reason"
    )]
    Required { order: i32 },
    #[error(
        "order {order}'s inspection has ended ({outcome}): start it again to inspect once more"
    )]
    Decided { order: i32, outcome: &'static str },
    #[error("order {order} is {status}: only an order not yet shipped is inspected")]
    NotPackable { order: i32, status: OrderStatus },
    #[error("“{name}” is not on the team list in Settings")]
    UnknownPacker { name: String },
    #[error("the checklist has no step “{key}”")]
    UnknownStep { key: String },
    /// Another desk (or another scan) changed the run between this step's read and its write.
    #[error("order {order}'s inspection changed meanwhile; try again")]
    Conflict { order: i32 },
    #[error("required steps are still to do: {}", .steps.join(", "))]
    Incomplete { steps: Vec<String> },
    #[error("that answer does not fit step “{key}”, which is a {kind} step")]
    AnswerUnfit { key: String, kind: &'static str },
}

impl InspectionError {
    pub fn code(&self) -> ErrorCode {
        match self {
            InspectionError::Required { .. } => ErrorCode::InspectionRequired,
            InspectionError::Decided { .. } => ErrorCode::InspectionDecided,
            InspectionError::NotPackable { .. } => ErrorCode::InspectionNotPackable,
            InspectionError::UnknownPacker { .. } => ErrorCode::PackerUnknown,
            InspectionError::UnknownStep { .. } => ErrorCode::InspectionStepUnknown,
            InspectionError::AnswerUnfit { .. } => ErrorCode::InspectionAnswerUnfit,
            InspectionError::Incomplete { .. } => ErrorCode::InspectionIncomplete,
            InspectionError::Conflict { .. } => ErrorCode::InspectionConflict,
        }
    }

    pub fn params(&self) -> BTreeMap<String, String> {
        let mut p = BTreeMap::new();
        match self {
            InspectionError::Required { order } | InspectionError::Conflict { order } => {
                p.insert("order".into(), order.to_string());
            }
            InspectionError::Decided { order, outcome } => {
                p.insert("order".into(), order.to_string());
                p.insert("outcome".into(), (*outcome).into());
            }
            InspectionError::NotPackable { order, status } => {
                p.insert("order".into(), order.to_string());
                p.insert("status".into(), status.as_str().into());
            }
            InspectionError::UnknownPacker { name } => {
                p.insert("name".into(), name.clone());
            }
            InspectionError::UnknownStep { key } | InspectionError::AnswerUnfit { key, .. } => {
                p.insert("key".into(), key.clone());
            }
            InspectionError::Incomplete { steps } => {
                p.insert("steps".into(), steps.join(", "));
            }
        }
        p
    }
}
