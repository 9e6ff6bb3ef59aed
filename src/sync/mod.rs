//! Marketplace sync: the [`Marketplace`] seam every connector implements, the connected
//! accounts, where each resource's pull stands, and the engine that brings changes home.
//!
//! The engine is incremental (a cursor per account and resource, written in the same
//! transaction as the data it covers) and idempotent (orders are upserted by marketplace id, so
//! a pull repeated after a crash or a retry changes nothing twice).

pub mod accounts;
pub mod cursors;
pub mod listings;
pub mod orders;
pub mod outbox;
pub mod photos;
pub mod remote;
pub mod reviews;

use std::future::Future;

use serde::Serialize;

use crate::marketplaces::etsy::ApiError;
use crate::orders::NewOrder;

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
    pub reviews: Vec<reviews::RemoteReview>,
}

/// A page of listings, newest change first.
#[derive(Debug, Clone)]
pub struct RemoteListings {
    pub total: u64,
    pub listings: Vec<listings::RemoteListing>,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockPushed {
    /// Whether anything was sent: nothing is when the marketplace already has these figures.
    pub sent: bool,
    /// Variants asked for that the listing does not have there.
    pub unmatched: Vec<String>,
    /// The marketplace's currency, when it is not the one asked for: prices were left as they
    /// were, only stock was sent.
    pub other_currency: Option<String>,
    /// Every variant's offer there now, by variant key.
    pub offers: std::collections::BTreeMap<String, listings::Offer>,
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
    ) -> impl Future<Output = Result<RemoteOrders, ApiError>> + Send;

    /// The shelves the marketplace lists a shop's listings on, each read on its own (Etsy's
    /// listing states): the first is read on every sync, the others now and then.
    fn listing_shelves(&self) -> &'static [&'static str];

    /// The listings on `shelf`, with their variants and pictures, newest change first,
    /// skipping `offset`.
    fn listings_changed(
        &self,
        shelf: &str,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteListings, ApiError>> + Send;

    /// The bytes of a picture a listing names; the error says why it could not be had.
    fn fetch_image(
        &self,
        url: &str,
    ) -> impl Future<Output = Result<Vec<u8>, remote::FetchError>> + Send;

    /// Reviews left at or after `since` (all when `None`), oldest first, skipping `offset`; a
    /// review that cannot be read (a rating outside 1–5) is left out.
    fn reviews_since(
        &self,
        since: Option<i64>,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteReviews, ApiError>> + Send;

    /// Orders still open (neither shipped nor cancelled), oldest first, skipping `offset`: read
    /// again now and then, because some changes (Etsy's ship-by date) do not count as one.
    fn open_orders(
        &self,
        offset: u64,
    ) -> impl Future<Output = Result<RemoteOrders, ApiError>> + Send;

    /// Tells the marketplace that order `remote_order_id` left with `carrier` and `tracking`.
    fn push_shipment(
        &self,
        remote_order_id: &str,
        carrier: &str,
        tracking: &str,
    ) -> impl Future<Output = Result<Pushed, ApiError>> + Send;

    /// Sends `text` to the buyer of order `remote_order_id`, where the marketplace has a way
    /// to (see [`Capabilities::buyer_messages`]).
    fn send_message(
        &self,
        remote_order_id: &str,
        text: &str,
    ) -> impl Future<Output = Result<Pushed, ApiError>> + Send;

    /// Sends the fields of `edit` that are set to listing `remote_listing_id`.
    fn push_listing(
        &self,
        remote_listing_id: &str,
        edit: &listings::ListingEdit,
    ) -> impl Future<Output = Result<Pushed, ApiError>> + Send;

    /// Sets the stock of listing `remote_listing_id`'s variants to `want` (by variant key), and
    /// their prices too when `currency` is given (in its minor units); variants not named keep
    /// theirs.
    fn push_stock(
        &self,
        remote_listing_id: &str,
        want: &std::collections::BTreeMap<String, listings::Offer>,
        currency: Option<&str>,
    ) -> impl Future<Output = Result<StockPush, ApiError>> + Send;
}

/// Where a running sync stands, for the window's progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct SyncProgress {
    pub account_id: i32,
    pub stage: SyncStage,
    /// Items of the stage done so far, out of `total` (as the marketplace counts them; a pull
    /// that reaches what is already home stops early).
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    Orders,
    OpenOrders,
    Listings,
    Reviews,
    Sending,
}

/// What a sync did, for the window, the CLI's `--json` and the logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct SyncReport {
    pub account_id: i32,
    pub orders_new: u32,
    pub orders_updated: u32,
    /// Listings created or changed here from the marketplace.
    pub listings_pulled: u32,
    /// Listings whose edits, stock or prices were sent to the marketplace.
    pub listings_pushed: u32,
    /// Listing fields changed on both sides, waiting for the seller to choose.
    pub listing_conflicts: u32,
    /// Reviews new to Vefa.
    pub reviews_new: u32,
    /// Listing pictures brought into the media folder (not API calls: they come from the
    /// marketplace's file host).
    pub photos_fetched: u32,
    /// Changes sent to the marketplace (shipments so far), and those still waiting.
    pub outbox_sent: u32,
    pub outbox_waiting: u32,
    /// HTTP calls to the marketplace, retries and token refreshes included.
    pub api_calls: u32,
    /// What could not be brought home, each saying which item and why. A failed call ends the
    /// sync there; what came before it is kept.
    pub errors: Vec<String>,
}
