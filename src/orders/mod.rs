//! Orders: the status machine, the order with its lines and timeline, problems on an order,
//! and the stock every sale moves (issue 4; the store operations come next).

pub mod model;
pub mod status;

pub use model::*;
pub use status::{Action, OrderStatus, TransitionError, transition};
