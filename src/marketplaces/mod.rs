//! Marketplaces: the connectors that bring orders, listings, stock and reviews home and push the
//! seller's work back (issue 5, in progress).

pub mod error;
pub mod etsy;
pub mod sandbox;
