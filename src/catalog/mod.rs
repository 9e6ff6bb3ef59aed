//! The catalog: listings, their completeness, and CSV import and export.

pub mod completeness;
pub mod csv;
pub mod listings;
