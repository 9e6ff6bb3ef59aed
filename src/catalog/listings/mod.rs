//! Listings: what a seller offers, checked on every change and scored for completeness.

mod buyer;
mod index;
mod model;
mod query;
mod store;
mod title_arena;

pub use buyer::{BuyerTotal, buyer_total};
pub use index::{CatalogHealth, CatalogIndex, RuleCount};
pub use model::{
    Dimensions, Listing, ListingInput, ListingPhoto, ListingState, MAX_AMOUNT_MINOR,
    MAX_LOCATION_CHARS, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_QUANTITY, MAX_TITLE_CHARS, Money, Pair,
    ScoreUpdate, Shipping, Variant, validate,
};
pub use query::{ListingPage, ListingQuery, ListingRow, SortBy};
pub use store::{
    Checked, ListingPreview, backfill_facts, get, insert_checked, preview, refresh_stock,
    reserve_ids, save, set_archived, set_reviews, titles, update_checked, write_scores,
};
