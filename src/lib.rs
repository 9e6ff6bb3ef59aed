//! Vefa's core: the store, the domain rules and the change feed. It knows nothing of Tauri: the
//! desktop shell and the `vefa` CLI are both thin layers over [`Vefa`].

pub mod catalog_csv;
pub mod changes;
pub mod clock;
pub mod completeness;
pub mod customers;
mod desk_inspection;
mod desk_listings;
mod desk_loyalty;
mod desk_orders;
mod desk_review;
mod desk_sync;
pub use desk_orders::{SendReport, SmtpView};
pub use desk_sync::{
    AccountStatus, ConnectRequest, SANDBOX_KEYSTRING, SANDBOX_SECRET, SandboxShop,
    approve_in_sandbox,
};
pub mod error;
pub mod feedback;
pub mod followup;
pub mod inspection;
pub mod listings;
pub mod locale;
pub mod loyalty;
pub mod marketplace;
pub mod media;
pub mod messages;
pub mod money;
pub mod notifications;
pub mod offers;
pub mod orders;
pub mod profile;
pub mod review;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, TransactionTrait};

pub use changes::{Actor, Change, ChangeFeed, ChangeKind};
pub use clock::{Clock, FixedClock, SystemClock};
pub use desk_inspection::{Inspected, Printed};
pub use desk_loyalty::Housekeeping;
pub use error::{Error, ErrorView, FieldError, Result};
use media::MediaStore;
use notifications::{Notification, Notifier};
pub use profile::{Profile, ProfileInput};
pub use settings::Settings;
pub use store::{Location, StoreInfo};

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
    sync_progress: std::sync::Mutex<Option<sync::SyncProgress>>,
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

    pub async fn profile(&self) -> Result<Profile> {
        profile::get(&self.db, &self.media).await
    }

    pub async fn save_profile(&self, input: &ProfileInput) -> Result<Profile> {
        let change = profile::save(&self.db, &self.feed, input, self.clock.now()).await?;
        self.feed.publish(change);
        self.profile().await
    }

    pub async fn set_profile_photo(&self, upload: &profile::PhotoUpload) -> Result<Profile> {
        let change =
            profile::set_photo(&self.db, &self.feed, &self.media, upload, self.clock.now()).await?;
        self.feed.publish(change);
        self.profile().await
    }

    pub async fn remove_profile_photo(&self) -> Result<Profile> {
        if let Some(change) = profile::remove_photo(&self.db, &self.feed, self.clock.now()).await? {
            self.feed.publish(change);
        }
        self.profile().await
    }

    pub async fn settings(&self) -> Result<Settings> {
        settings::get(&self.db).await
    }

    pub async fn save_settings(&self, s: &Settings) -> Result<Settings> {
        let change = settings::save(&self.db, &self.feed, s, self.clock.now()).await?;
        self.feed.publish(change);
        self.settings().await
    }

    /// Every family's completeness rules.
    pub async fn completeness_rules(&self) -> Result<listings::RuleSets> {
        completeness::rule_sets::load_all(&self.db).await
    }

    /// Replaces a family's rules and rescores its listings, in one transaction; returns how many
    /// scores changed.
    pub async fn save_family_rules(
        &self,
        family: &str,
        rules: &[completeness::Rule],
    ) -> Result<u64> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if let Err(e) = completeness::rule_sets::replace_family(&txn, family, rules).await {
            return store::abandon(txn, e).await;
        }
        let sets = completeness::rule_sets::load_all(&txn).await?;
        let updates = self
            .catalog
            .rescore(&txn, &self.feed, &sets, Some(family), now)
            .await?;
        listings::write_scores(&txn, &updates).await?;
        let changed = updates.len() as u64;
        let change = self
            .feed
            .record(
                &txn,
                ChangeKind::CompletenessRules,
                vec![family.to_owned()],
                now,
            )
            .await?;
        txn.commit().await?;
        self.catalog.apply_scores(updates, sets).await;
        self.feed.publish(change);
        Ok(changed)
    }

    /// Rescores every listing (staleness moves with the clock); returns how many changed.
    pub async fn recompute_completeness(&self) -> Result<u64> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let sets = completeness::rule_sets::load_all(&txn).await?;
        let updates = self
            .catalog
            .rescore(&txn, &self.feed, &sets, None, now)
            .await?;
        let changed = updates.len() as u64;
        if updates.is_empty() {
            txn.commit().await?;
            return Ok(0);
        }
        listings::write_scores(&txn, &updates).await?;
        let change = self
            .feed
            .record(&txn, ChangeKind::Listings, vec![], now)
            .await?;
        txn.commit().await?;
        self.catalog.apply_scores(updates, sets).await;
        self.feed.publish(change);
        Ok(changed)
    }

    async fn save_listing(
        &self,
        id: Option<i32>,
        input: &listings::ListingInput,
    ) -> Result<listings::Listing> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let sets = completeness::rule_sets::load_all(&txn).await?;
        let saved = async {
            let (id, _) = listings::save(&txn, &sets, id, input, now).await?;
            // A listing linked to a marketplace tells it, through the outbox.
            sync::listings::queue_needed(&txn, &sets, &[id], now).await?;
            Ok(id)
        }
        .await;
        let id = match saved {
            Ok(id) => id,
            Err(e) => return store::abandon(txn, e).await,
        };
        let change = self
            .feed
            .record(&txn, ChangeKind::Listings, vec![id.to_string()], now)
            .await?;
        txn.commit().await?;
        self.feed.publish(change);
        let saved = self.listing(id).await?;
        self.catalog.upsert(&saved).await;
        Ok(saved)
    }

    pub async fn create_listing(
        &self,
        input: &listings::ListingInput,
    ) -> Result<listings::Listing> {
        self.save_listing(None, input).await
    }

    pub async fn update_listing(
        &self,
        id: i32,
        input: &listings::ListingInput,
    ) -> Result<listings::Listing> {
        self.save_listing(Some(id), input).await
    }

    /// Completeness, field errors and the buyer's total of an unsaved listing (`id`: the listing
    /// being edited, if any); writes nothing.
    pub async fn preview_listing(
        &self,
        id: Option<i32>,
        input: &listings::ListingInput,
    ) -> Result<listings::ListingPreview> {
        let sets = completeness::rule_sets::load_all(&self.db).await?;
        listings::preview(&self.db, &sets, id, input, self.clock.now()).await
    }

    pub async fn listing(&self, id: i32) -> Result<listings::Listing> {
        let sets = completeness::rule_sets::load_all(&self.db).await?;
        listings::get(&self.db, &sets, id, self.clock.now()).await
    }

    /// A copy as a new draft: same content, no SKUs or marketplace id (those must stay unique).
    pub async fn duplicate_listing(&self, id: i32) -> Result<listings::Listing> {
        let mut input = self.listing(id).await?.input;
        let suffix = " (copy)";
        let keep = listings::MAX_TITLE_CHARS - suffix.chars().count();
        input.title = format!(
            "{}{suffix}",
            input.title.chars().take(keep).collect::<String>()
        );
        input.state = listings::ListingState::Draft;
        input.etsy_listing_id = None;
        for v in &mut input.variants {
            v.sku.clear();
        }
        self.save_listing(None, &input).await
    }

    pub async fn archive_listing(&self, id: i32, archived: bool) -> Result<()> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        // The update runs before it can tell the listing is missing.
        if let Err(e) = listings::set_archived(&txn, id, archived, now).await {
            return store::abandon(txn, e).await;
        }
        let change = self
            .feed
            .record(&txn, ChangeKind::Listings, vec![id.to_string()], now)
            .await?;
        txn.commit().await?;
        self.catalog.set_archived(id, archived).await;
        self.feed.publish(change);
        Ok(())
    }

    /// Stores a picture for a listing (once, by content) and returns its facts; the editor then
    /// puts its hash in the listing's photo list.
    pub async fn add_listing_photo(
        &self,
        upload: &profile::PhotoUpload,
    ) -> Result<listings::ListingPhoto> {
        let (bytes, facts) =
            media::decode_upload(&upload.data_base64, listings::MAX_PHOTO_BYTES, "photos")?;
        let stored = self
            .media
            .put(&self.db, &bytes, &facts, self.clock.now())
            .await?;
        Ok(listings::ListingPhoto {
            hash: stored.hash,
            width: facts.width,
            height: facts.height,
        })
    }

    /// Imports a catalog CSV file (see `catalog_csv`); `progress(done, total)` after each row.
    pub async fn import_listings(
        &self,
        path: &std::path::Path,
        format: Option<catalog_csv::Format>,
        strict: bool,
        dry_run: bool,
        progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Result<catalog_csv::ImportSummary> {
        // Shared with the thread that reads the rows, without copying the file.
        let data: bytes::Bytes = std::fs::read(path)
            .map_err(|e| Error::file(path, e))?
            .into();
        let options = catalog_csv::ImportOptions {
            format,
            strict,
            dry_run,
            base_dir: path
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default(),
            chunk_rows: self.import_chunk_rows,
        };
        let (summary, change) = catalog_csv::import(
            &self.db,
            &self.feed,
            &self.media,
            data,
            &options,
            self.clock.now(),
            progress,
        )
        .await?;
        if let Some(change) = change {
            // Many listings at once: the index reloads them on next use.
            self.catalog.invalidate().await;
            self.feed.publish(change);
        }
        Ok(summary)
    }

    /// Exports the listings matching `query` to a CSV file in Vefa's format; returns how many.
    pub async fn export_listings(
        &self,
        path: &std::path::Path,
        query: &listings::ListingQuery,
    ) -> Result<u32> {
        let ids: Vec<i32> = self
            .catalog
            .all(&self.db, &self.feed, query)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        let file = std::fs::File::create(path).map_err(|e| Error::file(path, e))?;
        catalog_csv::export(
            &self.db,
            &ids,
            std::io::BufWriter::new(file),
            self.clock.now(),
        )
        .await
    }

    /// The dashboard's catalog health (see [`listings::CatalogHealth`]).
    pub async fn catalog_health(&self) -> Result<listings::CatalogHealth> {
        self.catalog.health(&self.db, &self.feed).await
    }

    /// Every listing a query matches, in its order; its offset and limit are ignored.
    pub async fn all_listings(
        &self,
        query: &listings::ListingQuery,
    ) -> Result<Vec<listings::ListingRow>> {
        self.catalog.all(&self.db, &self.feed, query).await
    }

    pub async fn listings(&self, query: &listings::ListingQuery) -> Result<listings::ListingPage> {
        self.catalog.list(&self.db, &self.feed, query).await
    }

    /// Shows the test notification in the seller's language; returns what was shown.
    pub async fn send_test_notification(
        &self,
        notifier: Arc<dyn Notifier>,
    ) -> Result<Notification> {
        let p = self.profile().await?;
        let note = notifications::test_notification(p.ui_language, &p.shop_name);
        let sent = note.clone();
        tokio::task::spawn_blocking(move || notifier.notify(&sent))
            .await
            .map_err(|e| notifications::NotifyError::Failed(e.to_string()))??;
        Ok(note)
    }
}
