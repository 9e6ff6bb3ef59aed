//! The [`Vefa`] façade's catalog methods: listings, their completeness, import and export.

use super::Vefa;
use super::write::{Changes, Lock};
use crate::catalog::{completeness, csv as catalog_csv, listings};
use crate::error::{Error, Result};
use crate::infra::changes::ChangeKind;
use crate::infra::media;
use crate::shop::profile;
use crate::sync;

impl Vefa {
    /// Every family's completeness rules.
    pub async fn completeness_rules(&self) -> Result<completeness::RuleSets> {
        completeness::rule_sets::load_all(&self.db).await
    }

    /// Replaces a family's rules and rescores its listings, in one transaction; returns how many
    /// scores changed.
    pub async fn save_family_rules(
        &self,
        family: &str,
        rules: &[completeness::Rule],
    ) -> Result<u64> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            completeness::rule_sets::replace_family(txn, family, rules).await?;
            self.rescore_in(txn, Some(family), now).await
        }
        .await;
        w.finish_with(done, |(updates, sets)| {
            let changed = updates.len() as u64;
            let changes = Changes::none()
                .and(ChangeKind::CompletenessRules, [family])
                .scores(updates, sets);
            (changed, changes)
        })
        .await
    }

    /// Rescores every listing (staleness moves with the clock); returns how many changed.
    pub async fn recompute_completeness(&self) -> Result<u64> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = self.rescore_in(txn, None, now).await;
        w.finish_with(done, |(updates, sets)| {
            let changed = updates.len() as u64;
            if updates.is_empty() {
                return (0, Changes::none());
            }
            let changes = Changes::of(ChangeKind::Listings).scores(updates, sets);
            (changed, changes)
        })
        .await
    }

    /// Rescores `family`'s listings (every listing without one) in `txn` with the rules stored
    /// there, and writes the scores that changed; the index takes them after the commit.
    async fn rescore_in(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        family: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Vec<listings::ScoreUpdate>, completeness::RuleSets)> {
        let sets = completeness::rule_sets::load_all(txn).await?;
        let updates = self
            .catalog
            .rescore(txn, &self.feed, &sets, family, now)
            .await?;
        listings::write_scores(txn, &updates).await?;
        Ok((updates, sets))
    }

    async fn save_listing(
        &self,
        id: Option<i32>,
        input: &listings::ListingInput,
    ) -> Result<listings::Listing> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            let sets = completeness::rule_sets::load_all(txn).await?;
            let (id, _) = listings::save(txn, &sets, id, input, now).await?;
            // A listing linked to a marketplace tells it, through the outbox.
            sync::listings::queue_needed(txn, &sets, &[id], now).await?;
            listings::get(txn, &sets, id, now).await
        }
        .await;
        w.finish_with(done, |saved| {
            let changes = Changes::none()
                .and(ChangeKind::Listings, [saved.id])
                .upsert(saved.clone());
            (saved, changes)
        })
        .await
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
        let w = self.begin_write(Lock::Deferred).await?;
        // The update runs before it can tell the listing is missing.
        let done = listings::set_archived(&w.txn, id, archived, w.now).await;
        let changes = Changes::none()
            .and(ChangeKind::Listings, [id])
            .archived(id, archived);
        w.finish(done, changes).await
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
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            let imported =
                catalog_csv::import(txn, &self.media, data, &options, now, progress).await?;
            if imported.keep {
                // Listings linked to a marketplace tell it what the file changed; what exactly
                // is worked out when the push is sent.
                sync::outbox::queue_listings(
                    txn,
                    &imported.replaced,
                    &[sync::outbox::LISTING, sync::outbox::STOCK],
                    now,
                )
                .await?;
            }
            Ok(imported)
        }
        .await;
        let imported = match done {
            Ok(i) if !i.keep => {
                // A dry run, a strict import with a refused row, or nothing to write.
                w.rollback().await?;
                if !options.strict || i.summary.rejected.is_empty() {
                    progress(i.rows, i.rows);
                }
                return Ok(i.summary);
            }
            // Many listings at once: the index reloads them on next use.
            done => {
                let changes = Changes::of(ChangeKind::Listings).reload_catalog();
                w.finish(done, changes).await?
            }
        };
        progress(imported.rows, imported.rows);
        Ok(imported.summary)
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
}
