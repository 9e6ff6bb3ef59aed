//! Catalog CSV: import Etsy's listings export or Vefa's own format, export Vefa's format.
//!
//! An import is one transaction: each row is checked and saved behind a savepoint, so a bad row
//! is reported with its line and reason while the good ones go in; `strict` takes all or nothing,
//! `dry_run` reports what would happen and keeps nothing. Re-importing a file updates the
//! listings it made (matched by SKU, then by marketplace id) instead of duplicating them.

mod etsy;
mod read;
mod vefa;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::changes::{Change, ChangeFeed, ChangeKind};
use crate::completeness::rule_sets;
use crate::error::{Error, Result};
use crate::listings::{self, ListingInput, ListingQuery, RuleSets};
use crate::media::{MediaStore, inspect_image};
use crate::store::entity::{listing, listing_variant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Etsy,
    Vefa,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "etsy" => Some(Format::Etsy),
            "vefa" => Some(Format::Vefa),
            _ => None,
        }
    }
}

/// Where a row's photo comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoSource {
    /// Already in this store's media, by hash.
    Stored(String),
    /// A picture file, relative to the CSV file's folder unless absolute.
    File(PathBuf),
    /// A web address: Vefa does not download on import.
    Remote(String),
}

pub fn photo_source(s: &str) -> PhotoSource {
    let s = s.trim();
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        PhotoSource::Stored(s.to_ascii_lowercase())
    } else if s.starts_with("http://") || s.starts_with("https://") {
        PhotoSource::Remote(s.to_owned())
    } else {
        PhotoSource::File(PathBuf::from(s))
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: tell from the header row.
    pub format: Option<Format>,
    pub strict: bool,
    pub dry_run: bool,
    /// The CSV file's folder, for relative picture paths.
    pub base_dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Rejected {
    pub line: u64,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, Default)]
pub struct ImportSummary {
    pub imported: u32,
    pub updated: u32,
    pub rejected: Vec<Rejected>,
    /// Photos given as web addresses, which an import does not download.
    pub remote_photos_skipped: u32,
    pub dry_run: bool,
}

const PICTURE_MAX_BYTES: u64 = listings::MAX_PHOTO_BYTES as u64;

async fn resolve_photos<C: ConnectionTrait>(
    db: &C,
    media: &MediaStore,
    sources: Vec<PhotoSource>,
    base: &Path,
    now: DateTime<Utc>,
    skipped: &mut u32,
) -> std::result::Result<Vec<String>, String> {
    let mut hashes = Vec::new();
    for (i, source) in sources.into_iter().enumerate() {
        match source {
            PhotoSource::Stored(h) => hashes.push(h),
            PhotoSource::Remote(_) => *skipped += 1,
            PhotoSource::File(p) => {
                let path = if p.is_absolute() { p } else { base.join(p) };
                let shown = format!("photo {}: {}", i + 1, path.display());
                match std::fs::metadata(&path) {
                    Ok(m) if m.len() > PICTURE_MAX_BYTES => {
                        return Err(format!("{shown}: larger than 10 MiB"));
                    }
                    Ok(_) => {}
                    Err(e) => return Err(format!("{shown}: {e}")),
                }
                let bytes = std::fs::read(&path).map_err(|e| format!("{shown}: {e}"))?;
                let facts = inspect_image(&bytes, "photo")
                    .map_err(|_| format!("{shown}: not a PNG, JPEG or WebP picture"))?;
                let stored = media
                    .put(db, &bytes, &facts, now)
                    .await
                    .map_err(|e| format!("{shown}: {e}"))?;
                hashes.push(stored.hash);
            }
        }
    }
    Ok(hashes)
}

/// The listing a row updates: the one owning its first SKU, else its marketplace id.
async fn existing<C: ConnectionTrait>(db: &C, input: &ListingInput) -> Result<Option<i32>> {
    for v in &input.variants {
        let sku = v.sku.trim();
        if sku.is_empty() {
            continue;
        }
        if let Some(found) = listing_variant::Entity::find()
            .filter(listing_variant::Column::Sku.eq(sku))
            .one(db)
            .await?
        {
            return Ok(Some(found.listing_id));
        }
    }
    if let Some(id) = input
        .etsy_listing_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        && let Some(found) = listing::Entity::find()
            .filter(listing::Column::EtsyListingId.eq(id))
            .one(db)
            .await?
    {
        return Ok(Some(found.id));
    }
    Ok(None)
}

/// Imports a CSV file's bytes. `progress(done, total)` is called after each row.
pub async fn import(
    db: &DatabaseConnection,
    feed: &ChangeFeed,
    media: &MediaStore,
    data: &[u8],
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<(ImportSummary, Option<Change>)> {
    let table = read::read(data).map_err(|reason| Error::CsvFile { reason })?;
    let format = match options.format {
        Some(f) => f,
        None if etsy::looks_like(&table) => Format::Etsy,
        None if vefa::looks_like(&table) => Format::Vefa,
        None => {
            return Err(Error::CsvFile {
                reason: format!(
                    "cannot tell the format from the columns ({}): Etsy's export has TITLE, PRICE and CURRENCY_CODE; Vefa's has title, currency and variants",
                    table.headers.join(", ")
                ),
            });
        }
    };
    let missing: Vec<&str> = match format {
        Format::Etsy => ["TITLE", "PRICE", "CURRENCY_CODE"]
            .into_iter()
            .filter(|c| !table.has(c))
            .collect(),
        Format::Vefa => ["title", "price", "currency"]
            .into_iter()
            .filter(|c| !table.has(c))
            .collect(),
    };
    if !missing.is_empty() {
        return Err(Error::CsvFile {
            reason: format!("missing columns: {}", missing.join(", ")),
        });
    }

    let txn = db.begin().await?;
    let rules: RuleSets = rule_sets::load_all(&txn).await?;
    let mut summary = ImportSummary {
        dry_run: options.dry_run,
        ..Default::default()
    };
    let total = table.rows.len() as u32;
    for (done, row) in table.rows.iter().enumerate() {
        progress(done as u32, total);
        let row = match row {
            Ok(r) => r,
            Err((line, why)) => {
                summary.rejected.push(Rejected {
                    line: *line,
                    error: why.clone(),
                });
                continue;
            }
        };
        let reject = |summary: &mut ImportSummary, error: String| {
            summary.rejected.push(Rejected {
                line: row.line,
                error,
            })
        };
        let converted = match format {
            Format::Etsy => etsy::to_listing(&table, row),
            Format::Vefa => vefa::to_listing(&table, row),
        };
        let (mut input, photos) = match converted {
            Ok(x) => x,
            Err(fields) => {
                reject(
                    &mut summary,
                    fields
                        .iter()
                        .map(|f| f.english())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                continue;
            }
        };
        // Each row behind its own savepoint: a refused row leaves no trace, even its pictures' rows.
        let row_txn = txn.begin().await?;
        input.photos = match resolve_photos(
            &row_txn,
            media,
            photos,
            &options.base_dir,
            now,
            &mut summary.remote_photos_skipped,
        )
        .await
        {
            Ok(h) => h,
            Err(why) => {
                row_txn.rollback().await?;
                reject(&mut summary, why);
                continue;
            }
        };
        let target = existing(&row_txn, &input).await?;
        match listings::save(&row_txn, &rules, target, &input, now).await {
            Ok(_) => {
                row_txn.commit().await?;
                if target.is_some() {
                    summary.updated += 1;
                } else {
                    summary.imported += 1;
                }
            }
            Err(Error::Validation(fields)) => {
                row_txn.rollback().await?;
                reject(
                    &mut summary,
                    fields
                        .iter()
                        .map(|f| f.english())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
            Err(other) => return Err(other),
        }
    }
    progress(total, total);

    if options.strict && !summary.rejected.is_empty() {
        txn.rollback().await?;
        summary.imported = 0;
        summary.updated = 0;
        return Ok((summary, None));
    }
    if options.dry_run || summary.imported + summary.updated == 0 {
        txn.rollback().await?;
        return Ok((summary, None));
    }
    let change = feed.record(&txn, ChangeKind::Listings, vec![], now).await?;
    txn.commit().await?;
    Ok((summary, Some(change)))
}

/// Writes the listings matching `query` (all pages) in Vefa's format; returns how many. Starts
/// with a BOM so spreadsheet programs read Persian and Azerbaijani letters right.
pub async fn export<C: ConnectionTrait, W: std::io::Write>(
    db: &C,
    query: &ListingQuery,
    out: W,
    now: DateTime<Utc>,
) -> Result<u32> {
    let rules = rule_sets::load_all(db).await?;
    let mut out = out;
    out.write_all(b"\xEF\xBB\xBF").map_err(|e| Error::CsvFile {
        reason: e.to_string(),
    })?;
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::CsvFile {
        reason: e.to_string(),
    };
    w.write_record(vefa::COLUMNS).map_err(io)?;
    let mut q = query.clone();
    q.offset = 0;
    q.limit = 1000;
    let mut count = 0;
    loop {
        let page = listings::list(db, &q).await?;
        for row in &page.rows {
            let l = listings::get(db, &rules, row.id, now).await?;
            w.write_record(vefa::to_row(&l)).map_err(io)?;
            count += 1;
        }
        if (page.rows.len() as u32) < q.limit {
            break;
        }
        q.offset += q.limit;
    }
    w.flush().map_err(|e| Error::CsvFile {
        reason: e.to_string(),
    })?;
    Ok(count)
}
