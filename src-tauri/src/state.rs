//! What the shell keeps: the core, opened in the background while the window starts (or why it
//! could not be opened, which the window shows), and the notifier.

use std::sync::Arc;

use tokio::sync::OnceCell;
use vefa::infra::notifications::{DesktopNotifier, Notifier};
use vefa::{ErrorView, Location, OpenOptions, Vefa};

use crate::launch;

pub struct AppState {
    options: launch::Options,
    vefa: OnceCell<Result<Vefa, ErrorView>>,
    pub notifier: Arc<dyn Notifier>,
    pub sender: crate::sender::Nudge,
    pub syncer: crate::syncer::Syncer,
}

impl AppState {
    /// The store is not opened here: opening (and migrating) it runs beside WebKit's own start
    /// instead of before it. The first [`AppState::vefa`] call opens it; later ones wait for it.
    pub fn new(options: launch::Options) -> Self {
        Self {
            options,
            vefa: OnceCell::new(),
            notifier: Arc::new(DesktopNotifier::new(vefa::APP_ID)),
            sender: crate::sender::Nudge::default(),
            syncer: crate::syncer::Syncer::default(),
        }
    }

    async fn open(options: &launch::Options) -> Result<Vefa, ErrorView> {
        let vefa = match Self::location(options) {
            Ok(l) => {
                let mut o = OpenOptions::new(l);
                o.media_dir = options.data_dir.as_ref().map(|d| d.join("media"));
                Vefa::open_with(o).await.map_err(ErrorView::from)
            }
            Err(e) => Err(e.into()),
        };
        match &vefa {
            Err(e) => tracing::error!(error = %e, "the store could not be opened"),
            // The weekly review's catalog trend reads one reading a day; a failure here costs
            // only that reading.
            Ok(v) => {
                if let Err(e) = v.record_catalog_day().await {
                    tracing::warn!(error = %e, "today's catalog completeness was not recorded");
                }
            }
        }
        vefa
    }

    fn location(options: &launch::Options) -> vefa::Result<Location> {
        if let Some(url) = &options.db {
            return Location::parse(url);
        }
        let dir = options
            .data_dir
            .clone()
            .or_else(vefa::infra::store::default_data_dir)
            .ok_or_else(|| vefa::Error::StoreOpen {
                location: String::new(),
                reason: "no data directory".into(),
            })?;
        Ok(Location::Sqlite(vefa::infra::store::sqlite_path_in(&dir)))
    }

    /// The open core, or the error that kept it closed; waits while it is being opened.
    pub async fn vefa(&self) -> Result<&Vefa, ErrorView> {
        self.vefa
            .get_or_init(|| Self::open(&self.options))
            .await
            .as_ref()
            .map_err(Clone::clone)
    }
}
