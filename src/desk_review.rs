//! The [`Vefa`] facade's weekly review: the figures of a week beside the week before's, and
//! today's catalog completeness kept for the trend.

use crate::error::Result;
use crate::review::{self, IsoWeek, WeeklyReview};
use crate::{ChangeKind, Vefa};

impl Vefa {
    /// The review of `week` (the last complete week when None). Reading the current week also
    /// records today's catalog completeness.
    pub async fn weekly_review(&self, week: Option<IsoWeek>) -> Result<WeeklyReview> {
        let now = self.clock.now();
        let current = IsoWeek::of(now);
        let week = week.unwrap_or_else(|| current.previous());
        if week >= current.previous() {
            self.record_catalog_day().await?;
        }
        let currency = self.seller().await?.currency;
        review::weekly(&self.db, week, &currency, now).await
    }

    /// Keeps today's catalog completeness for the weekly review (the app does it when it opens).
    pub async fn record_catalog_day(&self) -> Result<()> {
        let now = self.clock.now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let done = review::record_catalog(&txn, now).await;
        self.end_write(txn, now, done, None::<ChangeKind>).await
    }
}
