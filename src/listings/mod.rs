//! Listings: what a seller offers, checked on every change and scored for completeness.

mod model;
mod query;
mod store;

pub use model::{
    Dimensions, Listing, ListingInput, ListingPhoto, ListingState, MAX_PHOTO_BYTES,
    MAX_TITLE_CHARS, Money, Pair, Shipping, Variant, validate,
};
pub use query::{ListingPage, ListingQuery, ListingRow, SortBy, list};
pub use store::{RuleSets, get, recompute, save, set_archived};
