//! Orders: the status machine, the order with its lines and timeline, problems on an order,
//! the buyers who place them, and the stock every sale moves.

pub mod alerts;
pub mod buyers;
pub mod coupons;
pub mod error;
pub mod inbox;
pub mod input;
pub mod model;
pub mod status;
pub mod stock;
pub mod store;
pub mod today;

pub use error::{Refusal, Shortage};
pub use inbox::{Cursor, OrderPage, OrderQuery, StatusCount};
pub use model::*;
pub use status::{Action, OrderStatus, TransitionError, transition};
pub use store::{Added, Ctx, Moved};
pub use today::{Reminder, Today, Waiting};
