//! Vefa's core: the store, the domain rules and the change feed. It knows nothing of Tauri: the
//! desktop shell and the `vefa` CLI are both thin layers over [`Vefa`].

pub mod changes;
pub mod clock;
pub mod error;
pub mod locale;
pub mod media;
pub mod notifications;
pub mod profile;
pub mod settings;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use changes::{Actor, Change, ChangeFeed, ChangeKind};
pub use clock::{Clock, FixedClock, SystemClock};
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
}

impl OpenOptions {
    pub fn new(location: Location) -> Self {
        Self {
            location,
            media_dir: None,
            clock: Arc::new(SystemClock),
            actor: Actor::Desktop,
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
        Ok(Self {
            db: opened.db,
            info: opened.info,
            media: MediaStore::new(media_dir),
            clock: options.clock,
            feed,
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
