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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::changes::{Change, ChangeFeed, ChangeKind};
use crate::completeness::{rule_sets, score};
use crate::error::{Error, FieldError, Result};
use crate::listings::{self, Checked, ListingInput, ListingPhoto, RuleSets};
use crate::media::{ImageFacts, MediaStore, inspect_image};
use crate::store::entity::{listing, listing_variant, media};

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
    #[specta(type = i32)]
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

/// A picture file read and recognised, not yet stored.
struct Picture {
    bytes: Vec<u8>,
    facts: ImageFacts,
}

enum Photo {
    Stored(String),
    New(Picture),
}

/// Reads a row's picture files. Nothing is stored yet, so a row refused for its third picture
/// leaves nothing of its first.
fn read_photos(
    sources: Vec<PhotoSource>,
    base: &Path,
    known: &HashMap<String, (u32, u32)>,
    skipped: &mut u32,
) -> std::result::Result<Vec<Photo>, String> {
    let mut out = Vec::new();
    for (i, source) in sources.into_iter().enumerate() {
        match source {
            PhotoSource::Stored(h) if known.contains_key(&h) => out.push(Photo::Stored(h)),
            PhotoSource::Stored(_) => {
                return Err(FieldError::new(&format!("photos[{i}]"), "photo_missing").english());
            }
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
                out.push(Photo::New(Picture { bytes, facts }));
            }
        }
    }
    Ok(out)
}

/// Which listing a row writes: one already stored, or one an earlier row of the file creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Stored(i32),
    New(usize),
}

/// Who owns each SKU and Etsy id as the file is read row by row, so that the rows decide exactly
/// as if each had been saved in turn.
#[derive(Default)]
struct Owners {
    sku: HashMap<String, Target>,
    etsy: HashMap<String, Target>,
    skus_of: HashMap<Target, Vec<String>>,
    etsy_of: HashMap<Target, String>,
}

impl Owners {
    fn take(&mut self, t: Target, input: &ListingInput) {
        for sku in self.skus_of.remove(&t).unwrap_or_default() {
            self.sku.remove(&sku);
        }
        if let Some(e) = self.etsy_of.remove(&t) {
            self.etsy.remove(&e);
        }
        let skus: Vec<String> = input.skus().map(str::to_owned).collect();
        for sku in &skus {
            self.sku.insert(sku.clone(), t);
        }
        self.skus_of.insert(t, skus);
        if let Some(e) = &input.etsy_listing_id {
            self.etsy.insert(e.clone(), t);
            self.etsy_of.insert(t, e.clone());
        }
    }

    /// The listing the row updates: the one owning its first SKU that has an owner, else its
    /// Etsy id's; and what it would take from other listings.
    fn target(
        &self,
        input: &ListingInput,
        lines: &[u64],
        fresh: usize,
    ) -> (Target, Vec<FieldError>) {
        let target = input
            .variants
            .iter()
            .find_map(|v| self.sku.get(&v.sku).copied())
            .or_else(|| {
                input
                    .etsy_listing_id
                    .as_ref()
                    .and_then(|e| self.etsy.get(e).copied())
            })
            .unwrap_or(Target::New(fresh));
        let owner = |t: Target| match t {
            Target::Stored(id) => id.to_string(),
            Target::New(i) => format!("on line {}", lines[i]),
        };
        let mut errors = Vec::new();
        for (i, v) in input.variants.iter().enumerate() {
            if let Some(&t) = self.sku.get(&v.sku)
                && t != target
            {
                errors.push(
                    FieldError::new(&format!("variants[{i}].sku"), "sku_taken")
                        .with("value", &v.sku)
                        .with("listing", owner(t)),
                );
            }
        }
        if let Some(e) = &input.etsy_listing_id
            && let Some(&t) = self.etsy.get(e)
            && t != target
        {
            errors.push(
                FieldError::new("etsy_listing_id", "marketplace_id_taken")
                    .with("listing", owner(t)),
            );
        }
        (target, errors)
    }
}

/// A row that passed its own checks.
struct Candidate {
    line: u64,
    input: ListingInput,
    photos: Vec<PhotoSource>,
}

/// What a row will write once every row is decided.
struct Pending {
    input: ListingInput,
    photos: Vec<ListingPhoto>,
}

async fn stored_owners<C: ConnectionTrait>(db: &C, rows: &[Candidate]) -> Result<Owners> {
    let mut owners = Owners::default();
    let skus: Vec<String> = rows
        .iter()
        .flat_map(|c| c.input.variants.iter().map(|v| v.sku.clone()))
        .filter(|s| !s.is_empty())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in skus.chunks(500) {
        let found: Vec<(i32, Option<String>)> = listing_variant::Entity::find()
            .select_only()
            .columns([
                listing_variant::Column::ListingId,
                listing_variant::Column::Sku,
            ])
            .filter(listing_variant::Column::Sku.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, sku) in found {
            if let Some(sku) = sku {
                owners.sku.insert(sku.clone(), Target::Stored(id));
                owners
                    .skus_of
                    .entry(Target::Stored(id))
                    .or_default()
                    .push(sku);
            }
        }
    }
    let etsy: Vec<String> = rows
        .iter()
        .filter_map(|c| c.input.etsy_listing_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in etsy.chunks(500) {
        let found: Vec<(i32, Option<String>)> = listing::Entity::find()
            .select_only()
            .columns([listing::Column::Id, listing::Column::EtsyListingId])
            .filter(listing::Column::EtsyListingId.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, e) in found {
            if let Some(e) = e {
                owners.etsy.insert(e.clone(), Target::Stored(id));
                owners.etsy_of.insert(Target::Stored(id), e);
            }
        }
    }
    // A stored listing the file touches may own SKUs the file never names: they leave it
    // when a row replaces its variants, and nobody else in the file can take them anyway.
    Ok(owners)
}

async fn known_media<C: ConnectionTrait>(
    db: &C,
    rows: &[Candidate],
) -> Result<HashMap<String, (u32, u32)>> {
    let hashes: Vec<String> = rows
        .iter()
        .flat_map(|c| c.photos.iter())
        .filter_map(|p| match p {
            PhotoSource::Stored(h) => Some(h.clone()),
            _ => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut known = HashMap::new();
    for chunk in hashes.chunks(500) {
        for m in media::Entity::find()
            .filter(media::Column::Hash.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            known.insert(m.hash, (m.width.max(0) as u32, m.height.max(0) as u32));
        }
    }
    Ok(known)
}

fn english(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(FieldError::english)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row as a listing that passed its own checks, or why not.
fn convert_row(
    table: &read::Table,
    format: Format,
    rules: &RuleSets,
    row: &std::result::Result<read::Row, (u64, String)>,
) -> std::result::Result<Candidate, Rejected> {
    let row = row.as_ref().map_err(|(line, why)| Rejected {
        line: *line,
        error: why.clone(),
    })?;
    let converted = match format {
        Format::Etsy => etsy::to_listing(table, row),
        Format::Vefa => vefa::to_listing(table, row),
    };
    let checked = converted.and_then(|(input, photos)| {
        let clean = listings::validate(&input)?;
        if !rules.contains_key(&clean.family) {
            return Err(vec![
                FieldError::new("family", "family_unknown").with("value", &clean.family),
            ]);
        }
        Ok((clean, photos))
    });
    match checked {
        Ok((input, photos)) => Ok(Candidate {
            line: row.line,
            input,
            photos,
        }),
        Err(fields) => Err(Rejected {
            line: row.line,
            error: english(&fields),
        }),
    }
}

/// Imports a CSV file's bytes. Every row is converted and checked in memory first, then all
/// the good ones are written in one transaction, many rows per statement: a 100k-row file goes
/// in within seconds, and a refused row never writes anything. `progress(done, total)` follows
/// the rows.
pub async fn import(
    db: &DatabaseConnection,
    feed: &ChangeFeed,
    media_store: &MediaStore,
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
    let total = table.rows.len() as u32;
    let mut summary = ImportSummary {
        dry_run: options.dry_run,
        ..Default::default()
    };

    let txn = db.begin().await?;
    let rules: RuleSets = rule_sets::load_all(&txn).await?;

    // Each row on its own (its cells, then the listing's own rules), on every core: rows do not
    // depend on each other until the next step.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let per_thread = table.rows.len().div_ceil(threads).max(1);
    let done = std::sync::atomic::AtomicU32::new(0);
    let convert = |rows: &[std::result::Result<read::Row, (u64, String)>]| {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n.is_multiple_of(1000) {
                progress(n / 2, total);
            }
            out.push(convert_row(&table, format, &rules, row));
        }
        out
    };
    let converted: Vec<std::result::Result<Candidate, Rejected>> = std::thread::scope(|s| {
        let parts: Vec<_> = table
            .rows
            .chunks(per_thread)
            .map(|part| s.spawn(|| convert(part)))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut candidates = Vec::with_capacity(converted.len());
    for c in converted {
        match c {
            Ok(c) => candidates.push(c),
            Err(r) => summary.rejected.push(r),
        }
    }

    // Then in file order against the store and the rows before it: which listing each row
    // writes, and whether it would take a SKU or Etsy id from another.
    let mut owners = stored_owners(&txn, &candidates).await?;
    let known = known_media(&txn, &candidates).await?;
    let mut new: Vec<Pending> = Vec::new();
    let mut new_lines: Vec<u64> = Vec::new();
    let mut updates: Vec<(i32, Pending)> = Vec::new();
    let mut update_at: HashMap<i32, usize> = HashMap::new();
    let base = candidates.len() as u32;
    for (done, c) in candidates.into_iter().enumerate() {
        if done.is_multiple_of(1000) {
            progress(total / 2 + (done as u32) * (total / 2) / base.max(1), total);
        }
        let (target, conflicts) = owners.target(&c.input, &new_lines, new.len());
        if !conflicts.is_empty() {
            summary.rejected.push(Rejected {
                line: c.line,
                error: english(&conflicts),
            });
            continue;
        }
        let pictures = match read_photos(
            c.photos,
            &options.base_dir,
            &known,
            &mut summary.remote_photos_skipped,
        ) {
            Ok(p) => p,
            Err(why) => {
                summary.rejected.push(Rejected {
                    line: c.line,
                    error: why,
                });
                continue;
            }
        };
        let mut input = c.input;
        let mut photos = Vec::with_capacity(pictures.len());
        for p in pictures {
            let (hash, (width, height)) = match p {
                Photo::Stored(h) => {
                    let size = known[&h];
                    (h, size)
                }
                // A dry run stores nothing; the hash is never written.
                Photo::New(pic) if options.dry_run => {
                    (String::new(), (pic.facts.width, pic.facts.height))
                }
                Photo::New(pic) => {
                    let stored = media_store.put(&txn, &pic.bytes, &pic.facts, now).await?;
                    (stored.hash, (pic.facts.width, pic.facts.height))
                }
            };
            photos.push(ListingPhoto {
                hash,
                width,
                height,
            });
        }
        input.photos = photos.iter().map(|p| p.hash.clone()).collect();
        owners.take(target, &input);
        let pending = Pending { input, photos };
        match target {
            Target::New(i) if i == new.len() => {
                new.push(pending);
                new_lines.push(c.line);
                summary.imported += 1;
            }
            Target::New(i) => {
                new[i] = pending;
                summary.updated += 1;
            }
            Target::Stored(id) => {
                match update_at.get(&id) {
                    Some(&at) => updates[at].1 = pending,
                    None => {
                        update_at.insert(id, updates.len());
                        updates.push((id, pending));
                    }
                }
                summary.updated += 1;
            }
        }
    }
    summary.rejected.sort_by_key(|r| r.line);

    if options.strict && !summary.rejected.is_empty() {
        txn.rollback().await?;
        summary.imported = 0;
        summary.updated = 0;
        return Ok((summary, None));
    }
    if options.dry_run || new.is_empty() && updates.is_empty() {
        txn.rollback().await?;
        progress(total, total);
        return Ok((summary, None));
    }

    // Scored as a save would, keeping what sync gave stored listings (their review counts).
    let review_counts: HashMap<i32, u32> = {
        let ids: Vec<i32> = updates.iter().map(|(id, _)| *id).collect();
        let mut m = HashMap::new();
        for chunk in ids.chunks(500) {
            let found: Vec<(i32, i32)> = listing::Entity::find()
                .select_only()
                .columns([listing::Column::Id, listing::Column::ReviewCount])
                .filter(listing::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&txn)
                .await?;
            m.extend(found.into_iter().map(|(id, n)| (id, n.max(0) as u32)));
        }
        m
    };
    let ids = listings::reserve_ids(&txn, new.len()).await?;
    let created: Vec<Checked> = ids
        .iter()
        .zip(&new)
        .map(|(&id, p)| scored(&rules, id, p, 0, now))
        .collect();
    let replaced: Vec<Checked> = updates
        .iter()
        .map(|(id, p)| {
            scored(
                &rules,
                *id,
                p,
                review_counts.get(id).copied().unwrap_or(0),
                now,
            )
        })
        .collect();
    // Replace first: a stored listing may give up a SKU that a new one takes.
    listings::update_checked(&txn, &replaced, now).await?;
    listings::insert_checked(&txn, &created, now).await?;
    let change = feed.record(&txn, ChangeKind::Listings, vec![], now).await?;
    txn.commit().await?;
    progress(total, total);
    Ok((summary, Some(change)))
}

/// A pending listing scored as a save would score it.
fn scored<'a>(
    rules: &'a RuleSets,
    id: i32,
    p: &'a Pending,
    review_count: u32,
    now: DateTime<Utc>,
) -> Checked<'a> {
    let facts = p.input.facts(&p.photos, review_count, now);
    let family_rules = rules.get(&p.input.family).map(Vec::as_slice).unwrap_or(&[]);
    let score = score(family_rules, &facts, now);
    Checked {
        id,
        clean: &p.input,
        facts,
        score,
    }
}

/// Writes the listings `ids` in Vefa's format; returns how many. Starts with a BOM so
/// spreadsheet programs read Persian and Azerbaijani letters right.
pub async fn export<C: ConnectionTrait, W: std::io::Write>(
    db: &C,
    ids: &[i32],
    out: W,
    now: DateTime<Utc>,
) -> Result<u32> {
    let rules = rule_sets::load_all(db).await?;
    let mut out = out;
    let io = |e: std::io::Error| Error::CsvFile {
        reason: e.to_string(),
    };
    out.write_all(b"\xEF\xBB\xBF").map_err(io)?;
    let mut w = csv::Writer::from_writer(out);
    let csv_io = |e: csv::Error| Error::CsvFile {
        reason: e.to_string(),
    };
    w.write_record(vefa::COLUMNS).map_err(csv_io)?;
    for &id in ids {
        let l = listings::get(db, &rules, id, now).await?;
        w.write_record(vefa::to_row(&l)).map_err(csv_io)?;
    }
    w.flush().map_err(io)?;
    Ok(ids.len() as u32)
}
