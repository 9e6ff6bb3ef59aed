//! The [`Vefa`] façade's shop methods: the seller's profile, the settings, the test notification.

use std::sync::Arc;

use super::Vefa;
use crate::error::Result;
use crate::infra::notifications::{self, Notification, Notifier};
use crate::shop::profile::{self, Profile, ProfileInput};
use crate::shop::settings::{self, Settings};

impl Vefa {
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
