//! The `vefa` binary as scripts and a second desk run it: real child processes on a real store,
//! one test binary. The store helpers are the core tests' own.

#[path = "../../../../tests/core/common/mod.rs"]
#[macro_use]
mod common;

mod catalog;
mod mail;
mod notify;
mod sync;
