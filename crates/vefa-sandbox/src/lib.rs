//! The sandbox marketplace: a shop that speaks the Etsy API subset on loopback, for a first run
//! without an account and for the sync tests. It sees only the core's public API: it is the sync
//! tests' peer, and a peer that could reach the core's internals would weaken them.

pub mod data;
pub mod faults;
pub mod server;
pub mod shop;

pub use faults::{Fault, Faults};
pub use server::{Exchange, Sandbox, SandboxConfig, SandboxReview};
pub use shop::{KEYSTRING, SECRET, SandboxShop, approve, connect_request, start_shop};
