//! The sandbox marketplace: a shop that speaks the Etsy API subset on loopback, for a first run
//! without an account and for the sync tests.

pub mod data;
pub mod faults;
pub mod server;

pub use faults::{Fault, Faults};
pub use server::{Exchange, Sandbox, SandboxConfig, SandboxReview};
