//! The [`Vefa`] façade's shop methods: the seller's profile, the settings, the test notification.

use std::sync::Arc;

use super::Vefa;
use super::write::{Changes, Lock};
use crate::error::Result;
use crate::infra::changes::ChangeKind;
use crate::infra::notifications::{self, Notification, Notifier};
use crate::shop::profile::{self, Profile, ProfileInput};
use crate::shop::settings::{self, Settings};

impl Vefa {
    pub async fn profile(&self) -> Result<Profile> {
        profile::get(&self.db, &self.media).await
    }

    pub async fn save_profile(&self, input: &ProfileInput) -> Result<Profile> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = profile::save(&w.txn, input, w.now).await;
        w.finish(done, profile_changed()).await?;
        self.profile().await
    }

    pub async fn set_profile_photo(&self, upload: &profile::PhotoUpload) -> Result<Profile> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = profile::set_photo(&w.txn, &self.media, upload, w.now).await;
        w.finish(done, profile_changed()).await?;
        self.profile().await
    }

    pub async fn remove_profile_photo(&self) -> Result<Profile> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = profile::remove_photo(&w.txn, w.now).await;
        w.finish_with(done, |removed| {
            let changes = if removed {
                profile_changed()
            } else {
                Changes::none()
            };
            ((), changes)
        })
        .await?;
        self.profile().await
    }

    pub async fn settings(&self) -> Result<Settings> {
        settings::get(&self.db).await
    }

    pub async fn save_settings(&self, s: &Settings) -> Result<Settings> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = settings::save(&w.txn, s, w.now).await;
        w.finish(done, Changes::of(ChangeKind::Settings)).await?;
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

/// The profile changed (it is one row, named by its id).
fn profile_changed() -> Changes {
    Changes::none().and(ChangeKind::Profile, [profile::PROFILE_ID])
}
