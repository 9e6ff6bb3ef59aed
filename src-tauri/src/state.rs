//! What the shell keeps: the open core (or why it could not be opened, which the window shows)
//! and the notifier.

use std::sync::Arc;

use vefa::notifications::{DesktopNotifier, Notifier};
use vefa::{ErrorView, Location, OpenOptions, Vefa};

use crate::launch;

pub struct AppState {
    vefa: Result<Vefa, ErrorView>,
    pub notifier: Arc<dyn Notifier>,
}

impl AppState {
    pub async fn open(options: &launch::Options) -> Self {
        let vefa = Self::location(options).map(|l| {
            let mut o = OpenOptions::new(l);
            o.media_dir = options.data_dir.as_ref().map(|d| d.join("media"));
            o
        });
        let vefa = match vefa {
            Ok(o) => Vefa::open_with(o).await.map_err(ErrorView::from),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = &vefa {
            tracing::error!(error = %e, "the store could not be opened");
        }
        Self {
            vefa,
            notifier: Arc::new(DesktopNotifier::new(vefa::APP_ID)),
        }
    }

    fn location(options: &launch::Options) -> vefa::Result<Location> {
        if let Some(url) = &options.db {
            return Location::parse(url);
        }
        let dir = options
            .data_dir
            .clone()
            .or_else(vefa::store::default_data_dir)
            .ok_or_else(|| vefa::Error::StoreOpen {
                location: String::new(),
                reason: "no data directory".into(),
            })?;
        Ok(Location::Sqlite(vefa::store::sqlite_path_in(&dir)))
    }

    /// The open core, or the error that kept it closed.
    pub fn vefa(&self) -> Result<&Vefa, ErrorView> {
        self.vefa.as_ref().map_err(Clone::clone)
    }
}
