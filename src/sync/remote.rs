//! What a marketplace hands over, in Vefa's terms: the types a connector fills and the sync
//! keeps. No HTTP here: the connectors in `marketplaces/` speak to the marketplace.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::listings::{ListingState, Variant};

/// One of a listing's pictures as the marketplace lists it, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteImage {
    /// The marketplace's image id.
    pub id: String,
    pub url: String,
}

/// Why a picture could not be fetched, and whether asking again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub why: String,
    /// False for an address never to be asked (not https): it is not tried again.
    pub again: bool,
}

impl FetchError {
    pub fn passing(why: impl Into<String>) -> Self {
        Self {
            why: why.into(),
            again: true,
        }
    }
}

/// A listing as the marketplace has it now.
#[derive(Debug, Clone)]
pub struct RemoteListing {
    pub id: String,
    pub updated: i64,
    pub listing: std::result::Result<RemoteListingData, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RemoteListingData {
    pub fields: SyncedFields,
    pub state: ListingState,
    pub variants: Vec<Variant>,
    /// Its pictures, in display order.
    pub images: Vec<RemoteImage>,
}

/// The fields both sides edit, merged three ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedFields {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub materials: Vec<String>,
    pub price: Price,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub minor: i64,
    pub currency: String,
}

/// One variant's offer as the marketplace sells it: stock, and price (its own or the
/// listing's) in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub quantity: i64,
    pub price_minor: i64,
}

/// The text fields to send to the marketplace; `None` leaves a field as it is there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub materials: Option<Vec<String>>,
}

impl ListingEdit {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A review as the marketplace shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteReview {
    /// The marketplace's listing id.
    pub listing: String,
    /// 1 to 5 stars.
    pub rating: u8,
    pub created: i64,
    /// What tells it from another review of the same listing.
    pub key: String,
}

impl RemoteReview {
    /// Etsy's reviews have no id of their own: the listing, the time, the stars and a digest of
    /// the text stand for one.
    pub fn new(listing: i64, rating: i64, created: i64, text: Option<&str>) -> Option<Self> {
        let rating = u8::try_from(rating).ok().filter(|r| (1..=5).contains(r))?;
        let digest = Sha256::digest(text.unwrap_or_default().as_bytes());
        Some(Self {
            listing: listing.to_string(),
            rating,
            created,
            key: format!("{listing}:{created}:{rating}:{}", hex::encode(&digest[..8])),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// What a push of stock and prices did, when the marketplace took it.
pub struct StockPushed {
    /// Whether anything was sent: nothing is when the marketplace already has these figures.
    pub sent: bool,
    /// Variants asked for that the listing does not have there.
    pub unmatched: Vec<String>,
    /// The marketplace's currency, when it is not the one asked for: prices were left as they
    /// were, only stock was sent.
    pub other_currency: Option<String>,
    /// Every variant's offer there now, by variant key.
    pub offers: std::collections::BTreeMap<String, Offer>,
}
