//! Catalog CSV: import Etsy's listings export or Vefa's own format, export Vefa's format.
//!
//! An import is one transaction: a bad row is reported with its line and reason while the good
//! ones go in; `strict` takes all or nothing, `dry_run` reports what would happen and keeps
//! nothing. Re-importing a file updates the listings it made (matched by SKU, then by
//! marketplace id) instead of duplicating them.

mod etsy;
mod owners;
mod read;
mod vefa;

use crate::error::FieldCode;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::catalog::completeness::{RuleSets, rule_sets, score};
use crate::catalog::listings::{self, Checked, ListingInput, ListingPhoto};
use crate::error::{Error, FieldError, Result};
use crate::infra::media::{ImageFacts, MediaStore, inspect_image};
use crate::infra::store::entity::{listing, media};

use owners::{Owners, Target};

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
    /// Rows converted, decided and written per step ([`CHUNK_ROWS`]; tests use tiny chunks to
    /// cross their boundaries).
    pub chunk_rows: usize,
}

/// Rows per step of an import: enough for a few multi-row statements per table, small enough
/// that the first writes start early and a chunk's listings stay in cache.
pub const CHUNK_ROWS: usize = 4096;

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
                return Err(
                    FieldError::new(&format!("photos[{i}]"), FieldCode::PhotoMissing).english(),
                );
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

/// A row that passed its own checks.
struct Candidate {
    line: u64,
    input: ListingInput,
    photos: Vec<PhotoSource>,
}

/// What a row will write once its chunk is decided.
struct Pending {
    input: ListingInput,
    photos: Vec<ListingPhoto>,
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
    for chunk in hashes.chunks(owners::LOOKUP_CHUNK) {
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
                FieldError::new("family", FieldCode::FamilyUnknown).with("value", &clean.family),
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

/// What an import did inside the caller's transaction.
#[derive(Debug)]
pub struct Imported {
    pub summary: ImportSummary,
    /// Stored listings the file replaced, each once: their marketplaces are to hear of it.
    pub replaced: Vec<i32>,
    /// Whether the writes are to be kept: not a dry run, not a strict import with a refused
    /// row, and something was written. Otherwise the caller rolls the transaction back.
    pub keep: bool,
    /// Rows read.
    pub rows: u32,
}

/// Imports a CSV file's bytes in the caller's transaction, a chunk of rows at a time: each chunk
/// is converted and checked on its own, decided in file order against the store and the rows
/// before it, then written many rows per statement. A refused row never writes anything.
/// `progress(done, total)` follows the rows (`total` is counted from line ends until the last
/// row is read).
pub async fn import<C: ConnectionTrait>(
    txn: &C,
    media_store: &MediaStore,
    data: bytes::Bytes,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Imported> {
    let (table, mut file_rows) =
        read::open(data.clone()).map_err(|reason| Error::CsvFile { reason })?;
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
    let rows = read::count_rows(&data);
    let total = rows as u32;
    let mut summary = ImportSummary {
        dry_run: options.dry_run,
        ..Default::default()
    };

    let rules: Arc<RuleSets> = Arc::new(rule_sets::load_all(txn).await?);
    let table = Arc::new(table);
    let chunk_rows = options.chunk_rows.max(1);

    // A blocking thread reads the file a chunk at a time and hands each chunk to another to
    // convert and check on its own (cells, then the listing's own rules), a few chunks ahead,
    // while this task decides and writes the chunks before them in file order: on two cores
    // the reading, the conversion, the writing and SQLite's own work overlap instead of
    // following each other.
    let ahead = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let (converted_tx, mut converted_rx) = tokio::sync::mpsc::channel(ahead);
    let reading = {
        let (table, rules) = (table.clone(), rules.clone());
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            loop {
                let part = file_rows.next_chunk(chunk_rows);
                if part.is_empty() {
                    break;
                }
                let (table, rules) = (table.clone(), rules.clone());
                let converting = runtime.spawn_blocking(move || {
                    part.iter()
                        .map(|row| convert_row(&table, format, &rules, row))
                        .collect::<Vec<_>>()
                });
                // Closed: the import stopped early and wants no more.
                if converted_tx.blocking_send(converting).is_err() {
                    break;
                }
            }
        })
    };

    let mut owners = Owners::new(txn, rows).await?;
    let mut replaced = Vec::new();
    let mut ids = NewIds::default();
    let mut done = 0usize;
    // A decided chunk is written while the next one is awaited and decided: the store's work
    // and this task's overlap instead of taking turns. What `decide` asks the store never
    // depends on those writes (every listing the file touches is decided in memory first).
    let mut decided: Option<Chunk> = None;
    while let Some(converting_chunk) = converted_rx.recv().await {
        let write = async {
            match decided.take() {
                Some(chunk) => write_chunk(txn, &rules, chunk, &mut replaced, now).await,
                None => Ok(()),
            }
        };
        let next = async {
            let converted = join_blocking(converting_chunk).await?;
            done += converted.len();
            let mut candidates = Vec::with_capacity(converted.len());
            for c in converted {
                match c {
                    Ok(c) => candidates.push(c),
                    Err(r) => summary.rejected.push(r),
                }
            }
            // A strict import keeps nothing once a row is refused: it still reads the rest of
            // the file to report every refused row, but writes no more.
            let writing = keeps_writing(options, &summary);
            let chunk = decide(
                txn,
                &mut owners,
                &mut ids,
                candidates,
                media_store,
                options,
                writing,
                now,
                &mut summary,
            )
            .await?;
            // Asked again: a refused row in this chunk stops a strict import's writes too.
            Ok::<_, Error>(chunk.filter(|_| keeps_writing(options, &summary)))
        };
        let (written, next) = tokio::join!(write, next);
        written?;
        decided = next?;
        progress(done as u32, total.max(done as u32));
    }
    if let Some(chunk) = decided {
        write_chunk(txn, &rules, chunk, &mut replaced, now).await?;
    }
    join_blocking(reading).await?;
    let total = done as u32;
    summary.rejected.sort_by_key(|r| r.line);

    if options.strict && !summary.rejected.is_empty() {
        summary.imported = 0;
        summary.updated = 0;
    }
    let keep = keeps_writing(options, &summary) && (summary.imported > 0 || summary.updated > 0);
    replaced.sort_unstable();
    replaced.dedup();
    Ok(Imported {
        summary,
        replaced,
        keep,
        rows: total,
    })
}

/// A blocking task's result; its panic goes on unwinding here.
async fn join_blocking<T>(task: tokio::task::JoinHandle<T>) -> Result<T> {
    match task.await {
        Ok(t) => Ok(t),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only a runtime shutting down cancels a blocking task.
        Err(_) => Err(Error::CsvFile {
            reason: "the import was stopped as the app closed".into(),
        }),
    }
}

/// Whether the import still writes: not a dry run, and not a strict one with a refused row.
fn keeps_writing(options: &ImportOptions, summary: &ImportSummary) -> bool {
    !options.dry_run && (!options.strict || summary.rejected.is_empty())
}

/// Ids for the listings an import creates. On SQLite they are counted on from the first
/// reservation: the import's transaction is the only writer, and a chunk is decided before the
/// one ahead of it is written, so the store's highest id would be stale.
#[derive(Default)]
struct NewIds {
    /// By `Target::New` index.
    given: Vec<i32>,
    last_sqlite: Option<i32>,
}

impl NewIds {
    async fn reserve<C: ConnectionTrait>(&mut self, db: &C, n: usize) -> Result<Vec<i32>> {
        let ids = match self.last_sqlite {
            Some(last) => (1..=n as i32).map(|k| last + k).collect(),
            None => listings::reserve_ids(db, n).await?,
        };
        if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
            self.last_sqlite = ids.last().copied().or(self.last_sqlite);
        }
        self.given.extend_from_slice(&ids);
        Ok(ids)
    }

    fn of(&self, t: Target) -> i32 {
        match t {
            Target::Stored(id) => id,
            Target::New(k) => self.given[k],
        }
    }
}

/// What one decided chunk writes: the listings it creates, with the ids reserved for them, and
/// the listings it replaces (stored ones, or ones earlier chunks created).
struct Chunk {
    new: Vec<Pending>,
    new_ids: Vec<i32>,
    replaced: Vec<(i32, Pending)>,
}

/// Decides, in file order, which listing each candidate writes, refusing rows that would take
/// another listing's SKU or Etsy id; reads (and, when `writing`, stores) their pictures.
/// Returns what to write, or None when not `writing`.
#[allow(clippy::too_many_arguments)]
async fn decide<C: ConnectionTrait>(
    db: &C,
    owners: &mut Owners,
    ids: &mut NewIds,
    candidates: Vec<Candidate>,
    media_store: &MediaStore,
    options: &ImportOptions,
    writing: bool,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<Option<Chunk>> {
    let inputs: Vec<&ListingInput> = candidates.iter().map(|c| &c.input).collect();
    owners.learn(db, &inputs).await?;
    let known = known_media(db, &candidates).await?;
    let first_new = owners.created();
    let mut new: Vec<Pending> = Vec::new();
    let mut replaced: Vec<(Target, Pending)> = Vec::new();
    let mut replaced_at: HashMap<Target, usize> = HashMap::new();
    for c in candidates {
        let (target, conflicts) = owners.target(&c.input);
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
                // Nothing is stored when nothing will be written; the hash is never used.
                Photo::New(pic) if !writing => (String::new(), (pic.facts.width, pic.facts.height)),
                Photo::New(pic) => {
                    let stored = media_store.put(db, &pic.bytes, &pic.facts, now).await?;
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
        owners.take(target, &input, c.line);
        let pending = Pending { input, photos };
        match target {
            Target::New(k) if k == first_new + new.len() => {
                new.push(pending);
                summary.imported += 1;
            }
            Target::New(k) if k >= first_new => {
                new[k - first_new] = pending;
                summary.updated += 1;
            }
            _ => {
                match replaced_at.get(&target) {
                    Some(&at) => replaced[at].1 = pending,
                    None => {
                        replaced_at.insert(target, replaced.len());
                        replaced.push((target, pending));
                    }
                }
                summary.updated += 1;
            }
        }
    }
    if !writing {
        return Ok(None);
    }
    let new_ids = ids.reserve(db, new.len()).await?;
    owners.written(&new_ids);
    let replaced = replaced.into_iter().map(|(t, p)| (ids.of(t), p)).collect();
    Ok(Some(Chunk {
        new,
        new_ids,
        replaced,
    }))
}

/// Writes a decided chunk, scored as a save would score it, keeping what sync gave the
/// listings it replaces (their review counts).
async fn write_chunk<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    chunk: Chunk,
    replaced_all: &mut Vec<i32>,
    now: DateTime<Utc>,
) -> Result<()> {
    let replaced_ids: Vec<i32> = chunk.replaced.iter().map(|(id, _)| *id).collect();
    let mut review_counts: HashMap<i32, u32> = HashMap::new();
    for ids in replaced_ids.chunks(owners::LOOKUP_CHUNK) {
        let found: Vec<(i32, i32)> = listing::Entity::find()
            .select_only()
            .columns([listing::Column::Id, listing::Column::ReviewCount])
            .filter(listing::Column::Id.is_in(ids.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        review_counts.extend(found.into_iter().map(|(id, n)| (id, n.max(0) as u32)));
    }
    let created: Vec<Checked> = chunk
        .new_ids
        .iter()
        .zip(&chunk.new)
        .map(|(&id, p)| scored(rules, id, p, 0, now))
        .collect();
    let replaced: Vec<Checked> = chunk
        .replaced
        .iter()
        .map(|(id, p)| {
            let reviews = review_counts.get(id).copied().unwrap_or(0);
            scored(rules, *id, p, reviews, now)
        })
        .collect();
    // Replace first: a stored listing may give up a SKU that a new one takes.
    listings::update_checked(db, &replaced, now).await?;
    replaced_all.extend(replaced_ids);
    listings::insert_checked(db, &created, now).await
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
