//! The [`Vefa`] facade's weekly review: the figures of a week beside the week before's, and
//! today's catalog completeness kept for the trend.

use super::write::{Changes, Lock};
use crate::Vefa;
use crate::error::{Error, Result};
use crate::reports::{self, IsoWeek, WeeklyReview};

impl Vefa {
    /// The review of `week` (the last complete week when None). Reading the current week also
    /// records today's catalog completeness.
    pub async fn weekly_review(&self, week: Option<IsoWeek>) -> Result<WeeklyReview> {
        let now = self.clock.now();
        let zone = self.settings().await?.zone();
        let current = IsoWeek::of(now, zone);
        let week = week.unwrap_or_else(|| current.previous());
        if week >= current.previous() {
            self.record_catalog_day().await?;
        }
        let currency = self.seller().await?.currency;
        reports::weekly(&self.db, week, zone, &currency, now).await
    }

    /// Keeps today's catalog completeness for the weekly review (the app does it when it opens).
    pub async fn record_catalog_day(&self) -> Result<()> {
        let now = self.clock.now();
        let zone = self.settings().await?.zone();
        let w = self.begin_write_at(Lock::Deferred, now).await?;
        let txn = &w.txn;
        let done = reports::record_catalog(txn, zone, now).await;
        w.finish(done, Changes::none()).await
    }

    /// Writes the review of `week` as a printable page in the seller's language into `dir` (the
    /// `print` folder by default); returns the file.
    pub async fn print_weekly_review(
        &self,
        week: Option<IsoWeek>,
        dir: Option<&std::path::Path>,
    ) -> Result<std::path::PathBuf> {
        let r = self.weekly_review(week).await?;
        let shop = self.seller().await?;
        let file = self
            .print_dir(dir)?
            .join(format!("weekly-review-{}.html", r.week));
        std::fs::write(
            &file,
            reports::html::page(&r, &shop.shop_name, shop.ui_language),
        )
        .map_err(|e| Error::file(&file, e))?;
        Ok(file)
    }
}
