//! The window's commands, one file per context: each parses nothing beyond its typed arguments
//! and calls one core function. `names.rs` is the one list of their names.

pub mod catalog;
pub mod customers;
pub mod inspection;
pub mod messages;
pub mod orders;
pub mod reports;
pub mod shop;
pub mod sync;

// The app manifest takes it in build.rs; the crate itself only checks it.
#[cfg(test)]
pub(crate) mod names;

use vefa::ErrorView;

type Reply<T> = Result<T, ErrorView>;
