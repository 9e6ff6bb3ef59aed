//! What Vefa keeps about marketplaces — state only, no HTTP and no orders: where each
//! resource's pull stands ([`cursors`]), what waits to be sent ([`outbox`]), the marketplace's
//! side of each linked listing ([`listings`]), pictures and reviews brought home, and the
//! types a connector hands over ([`remote`]). The engine that runs a sync is `app::sync`; the
//! connectors and their seam are `marketplaces`.

pub mod cursors;
pub mod listings;
pub mod outbox;
pub mod photos;
pub mod remote;
pub mod reviews;

use serde::Serialize;

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
