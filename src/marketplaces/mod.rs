//! Marketplaces: the [`Marketplace`] seam every connector implements (what it can do, the pages
//! it hands over, how a push went) and the connected accounts. Etsy is one connector; the
//! sandbox marketplace speaks Etsy's API on loopback. Nothing outside `etsy/` names Etsy's
//! wire types.

pub mod accounts;
pub mod error;
pub mod etsy;

use std::future::Future;

use serde::Serialize;

pub use error::MarketplaceError;

use crate::orders::NewOrder;
use crate::sync::remote::{
    FetchError, ListingEdit, Offer, RemoteListing, RemoteReview, StockPushed,
};

/// What a connector can do. Each flag is a part built and tested end to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct Capabilities {
    pub pull_orders: bool,
    pub pull_listings: bool,
    pub pull_reviews: bool,
    pub push_shipment: bool,
    /// Title, description, tags and materials edited here.
    pub push_listing: bool,
    /// Stock and prices of a listing's variants.
    pub push_stock: bool,
    /// Messages to a buyer through the marketplace (Vefa's own mail goes out either way).
    pub buyer_messages: bool,
}

/// A page of reviews, oldest first.
#[derive(Debug, Clone)]
pub struct RemoteReviews {
    pub total: u64,
    /// How many the page held, readable or not: the next page starts after them.
    pub read: u64,
    pub reviews: Vec<RemoteReview>,
}

/// A page of listings, newest change first.
#[derive(Debug, Clone)]
pub struct RemoteListings {
    pub total: u64,
    pub listings: Vec<RemoteListing>,
}

/// How a push went, when the marketplace answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    Done,
    /// The marketplace will not take it, and saying it again will not change that.
    Refused(String),
}

/// How a push of stock and prices went, when the marketplace answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockPush {
    Done(StockPushed),
    /// The marketplace will not take it, and saying it again will not change that.
    Refused(String),
}

/// An order as the marketplace has it now.
#[derive(Debug, Clone)]
pub struct RemoteOrder {
    /// The marketplace's id (Etsy's receipt id).
    pub id: String,
    /// When the marketplace last changed it (its Unix seconds): the cursor moves by these.
    pub updated: i64,
    /// The order as Vefa takes it, or why it cannot be taken.
    pub order: Result<NewOrder, String>,
    /// Shipped on the marketplace, with the carrier and tracking code it was sent with.
    pub shipped: Option<(String, String)>,
    pub cancelled: bool,
}

/// A page of orders changed since a cursor, newest change first.
#[derive(Debug, Clone)]
pub struct RemoteOrders {
    /// How many changed orders there are in all, on every page.
    pub total: u64,
    pub orders: Vec<RemoteOrder>,
}

/// The seam between the sync engine and a marketplace.
pub trait Marketplace: Send + Sync {
    fn capabilities(&self) -> Capabilities;

    /// HTTP calls made so far.
    fn calls(&self) -> u32;

    /// Orders changed at or after `since` (all of them when `None`), newest change first,
    /// skipping `offset`.
    fn orders_changed(
        &self,
        since: Option<i64>,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteOrders, MarketplaceError>> + Send;

    /// The shelves the marketplace lists a shop's listings on, each read on its own (Etsy's
    /// listing states): the first is read on every sync, the others now and then.
    fn listing_shelves(&self) -> &'static [&'static str];

    /// The listings on `shelf`, with their variants and pictures, newest change first,
    /// skipping `offset`.
    fn listings_changed(
        &self,
        shelf: &str,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteListings, MarketplaceError>> + Send;

    /// The bytes of a picture a listing names; the error says why it could not be had.
    fn fetch_image(&self, url: &str) -> impl Future<Output = Result<Vec<u8>, FetchError>> + Send;

    /// Reviews left at or after `since` (all when `None`), oldest first, skipping `offset`; a
    /// review that cannot be read (a rating outside 1–5) is left out.
    fn reviews_since(
        &self,
        since: Option<i64>,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteReviews, MarketplaceError>> + Send;

    /// Orders still open (neither shipped nor cancelled), oldest first, skipping `offset`: read
    /// again now and then, because some changes (Etsy's ship-by date) do not count as one.
    fn open_orders(
        &self,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteOrders, MarketplaceError>> + Send;

    /// Tells the marketplace that order `remote_order_id` left with `carrier` and `tracking`.
    fn push_shipment(
        &self,
        remote_order_id: &str,
        carrier: &str,
        tracking: &str,
    ) -> impl Future<Output = Result<Pushed, MarketplaceError>> + Send;

    /// Sends `text` to the buyer of order `remote_order_id`, where the marketplace has a way
    /// to (see [`Capabilities::buyer_messages`]).
    fn send_message(
        &self,
        remote_order_id: &str,
        text: &str,
    ) -> impl Future<Output = Result<Pushed, MarketplaceError>> + Send;

    /// Sends the fields of `edit` that are set to listing `remote_listing_id`.
    fn push_listing(
        &self,
        remote_listing_id: &str,
        edit: &ListingEdit,
    ) -> impl Future<Output = Result<Pushed, MarketplaceError>> + Send;

    /// Sets the stock of listing `remote_listing_id`'s variants to `want` (by variant key), and
    /// their prices too when `currency` is given (in its minor units); variants not named keep
    /// theirs.
    fn push_stock(
        &self,
        remote_listing_id: &str,
        want: &std::collections::BTreeMap<String, Offer>,
        currency: Option<&str>,
    ) -> impl Future<Output = Result<StockPush, MarketplaceError>> + Send;
}
