//! The sandbox marketplace (issue 5, in progress): a shop that speaks the Etsy API subset on
//! loopback, for a first run without an account and for the sync tests. So far: its data.

pub mod data;
