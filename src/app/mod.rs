//! The [`Vefa`] façade: the one place that opens transactions, records and publishes changes,
//! touches the catalog index and holds per-process state. The other contexts are plain functions
//! over a connection; the methods here put them together, one file per context.

mod catalog;
mod customers;
mod inspection;
mod limits;
pub(crate) mod order_flow;
mod orders;
mod reports;
mod shop;
pub(crate) mod sync;
mod write;

pub use customers::{CustomerRecord, Housekeeping};
pub use inspection::{Inspected, Printed};
pub use limits::{LIMITS, Limits};
pub use orders::{SendReport, SmtpView};
pub use sync::{AccountStatus, ConnectRequest};

use std::path::PathBuf;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::catalog::{completeness, csv as catalog_csv, listings};
use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::infra::changes::{Actor, ChangeFeed};
use crate::infra::media::MediaStore;
use crate::infra::store::{self, Location, StoreInfo};
use crate::sync as sync_state;

/// The bundle identifier, also the notification app id.
pub const APP_ID: &str = "app.vefa.desktop";

/// How to open the core.
pub struct OpenOptions {
    pub location: Location,
    /// Where pictures are kept; by default a `media` folder beside a SQLite file, or in the
    /// platform data directory for PostgreSQL.
    pub media_dir: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    pub actor: Actor,
    /// Rows per step of a catalog import ([`catalog_csv::CHUNK_ROWS`]).
    pub import_chunk_rows: usize,
}

impl OpenOptions {
    pub fn new(location: Location) -> Self {
        Self {
            location,
            media_dir: None,
            clock: Arc::new(SystemClock),
            actor: Actor::Desktop,
            import_chunk_rows: catalog_csv::CHUNK_ROWS,
        }
    }
}

/// An open shop: the store, its media, the clock and the change feed.
pub struct Vefa {
    db: DatabaseConnection,
    info: StoreInfo,
    media: MediaStore,
    clock: Arc<dyn Clock>,
    feed: ChangeFeed,
    catalog: listings::CatalogIndex,
    import_chunk_rows: usize,
    /// Where the running sync stands, if one runs.
    sync_progress: std::sync::Mutex<Option<sync_state::SyncProgress>>,
    /// Told when the seller gives up waiting for a marketplace login.
    login_cancel: tokio::sync::Notify,
}

impl Vefa {
    /// Opens (creating if needed) and migrates the store at `url`: a SQLite path or `sqlite://`
    /// URL, or a `postgres://` URL.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(OpenOptions::new(Location::parse(url)?)).await
    }

    pub async fn open_with(options: OpenOptions) -> Result<Self> {
        let now = options.clock.now();
        let opened = store::open(&options.location, now).await?;
        let media_dir = options
            .media_dir
            .unwrap_or_else(|| match &options.location {
                Location::Sqlite(path) => path
                    .parent()
                    .map(|p| p.join("media"))
                    .unwrap_or_else(|| PathBuf::from("media")),
                Location::Postgres(_) => store::default_data_dir()
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join("media"),
            });
        let feed = ChangeFeed::new(options.actor);
        feed.prune(&opened.db, now).await?;
        completeness::rule_sets::ensure_defaults(&opened.db).await?;
        let rules = completeness::rule_sets::load_all(&opened.db).await?;
        listings::backfill_facts(&opened.db, &rules, now).await?;
        Ok(Self {
            db: opened.db,
            info: opened.info,
            media: MediaStore::new(media_dir),
            clock: options.clock,
            feed,
            catalog: listings::CatalogIndex::default(),
            import_chunk_rows: options.import_chunk_rows,
            sync_progress: std::sync::Mutex::new(None),
            login_cancel: tokio::sync::Notify::new(),
        })
    }

    pub fn info(&self) -> &StoreInfo {
        &self.info
    }

    pub fn changes(&self) -> &ChangeFeed {
        &self.feed
    }

    /// For the change-log watcher and tests; domain code takes the connection as an argument.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}
