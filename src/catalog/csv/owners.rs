//! Who owns each SKU and Etsy id while an import reads its file row by row, so that the rows
//! decide exactly as if each had been saved in turn: a row updates the listing that owns its
//! first owned SKU (else its Etsy id), and is refused when it would take a key from another.
//!
//! The store is asked about a chunk's keys as the chunk arrives; what the file itself decided
//! comes first. Earlier chunks may already be written or not (a dry run, or a strict import
//! after a refused row): the answer is the same either way.

use crate::error::FieldCode;
use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::catalog::listings::ListingInput;
use crate::error::{FieldError, Result};
use crate::infra::store::entity::{listing, listing_variant};

/// Keys looked up in the store per `IN (…)` query: far below SQLite's and PostgreSQL's bound
/// parameter limits, and big enough that a 100k-row file costs ten queries, not hundreds.
pub const LOOKUP_CHUNK: usize = 10_000;

/// Which listing a row writes: one the store had before the import, or the k-th one this
/// import creates (counted over the whole file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Stored(i32),
    New(usize),
}

pub struct Owners {
    sku: HashMap<String, Target>,
    etsy: HashMap<String, Target>,
    skus_of: HashMap<Target, Vec<String>>,
    etsy_of: HashMap<Target, String>,
    /// Stored listings a row has replaced, and the ones this import has written: the file
    /// decided their keys, and what the store says of them may be out of date.
    decided: HashSet<i32>,
    /// The line of the row that created each new listing, for messages.
    new_lines: Vec<u64>,
    stored_sku: StoredKeys<listing_variant::Entity>,
    stored_etsy: StoredKeys<listing::Entity>,
}

impl Owners {
    /// Nothing decided yet, for a file of `rows` rows.
    pub async fn new<C: ConnectionTrait>(db: &C, rows: usize) -> Result<Self> {
        Ok(Owners {
            sku: HashMap::new(),
            etsy: HashMap::new(),
            skus_of: HashMap::new(),
            etsy_of: HashMap::new(),
            decided: HashSet::new(),
            new_lines: Vec::new(),
            stored_sku: StoredKeys::open(
                db,
                listing_variant::Column::ListingId,
                listing_variant::Column::Sku,
                rows,
            )
            .await?,
            stored_etsy: StoredKeys::open(
                db,
                listing::Column::Id,
                listing::Column::EtsyListingId,
                rows,
            )
            .await?,
        })
    }

    /// How many listings the file has created so far: the next new one is `New(this)`.
    pub fn created(&self) -> usize {
        self.new_lines.len()
    }

    /// Records that the row on `line` writes `input` to `t`: the keys it names are now `t`'s,
    /// and the ones `t` had before are free.
    pub fn take(&mut self, t: Target, input: &ListingInput, line: u64) {
        match t {
            Target::New(k) if k == self.new_lines.len() => self.new_lines.push(line),
            Target::New(_) => {}
            Target::Stored(id) => {
                self.decided.insert(id);
            }
        }
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
    /// Etsy id's, else a new one; and what it would take from other listings.
    pub fn target(&self, input: &ListingInput) -> (Target, Vec<FieldError>) {
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
            .unwrap_or(Target::New(self.created()));
        let owner = |t: Target| match t {
            Target::Stored(id) => id.to_string(),
            Target::New(k) => format!("on line {}", self.new_lines[k]),
        };
        let mut errors = Vec::new();
        for (i, v) in input.variants.iter().enumerate() {
            if let Some(&t) = self.sku.get(&v.sku)
                && t != target
            {
                errors.push(
                    FieldError::new(&format!("variants[{i}].sku"), FieldCode::SkuTaken)
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
                FieldError::new("etsy_listing_id", FieldCode::MarketplaceIdTaken)
                    .with("listing", owner(t)),
            );
        }
        (target, errors)
    }

    /// Records the ids the import gave the listings it created.
    pub fn written(&mut self, ids: &[i32]) {
        self.decided.extend(ids);
    }

    /// Asks the store who owns the keys `inputs` name that the file has not decided yet,
    /// keeping only listings the file has not touched.
    pub async fn learn<C: ConnectionTrait>(
        &mut self,
        db: &C,
        inputs: &[&ListingInput],
    ) -> Result<()> {
        let skus: Vec<&str> = inputs
            .iter()
            .flat_map(|i| i.skus())
            .filter(|s| !self.sku.contains_key(*s))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for (id, sku) in self.stored_sku.owners(db, &skus).await? {
            if !self.decided.contains(&id) {
                self.sku.insert(sku.clone(), Target::Stored(id));
                self.skus_of
                    .entry(Target::Stored(id))
                    .or_default()
                    .push(sku);
            }
        }
        let etsy: Vec<&str> = inputs
            .iter()
            .filter_map(|i| i.etsy_listing_id.as_deref())
            .filter(|e| !self.etsy.contains_key(*e))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for (id, e) in self.stored_etsy.owners(db, &etsy).await? {
            if !self.decided.contains(&id) {
                self.etsy.insert(e.clone(), Target::Stored(id));
                self.etsy_of.insert(Target::Stored(id), e);
            }
        }
        // A stored listing the file touches may own SKUs the file never names: they leave it
        // when a row replaces its variants, and nobody else in the file can take them anyway.
        Ok(())
    }
}

/// How to find which stored listing owns a key. The store is read once at the start when it
/// holds fewer keys than the file has rows (a first import reads nothing); otherwise each
/// chunk's keys are looked up as the chunk arrives (binding 100k keys into `IN (…)` lists cost
/// ~130 ms even against an empty table). Lookups may see what earlier chunks wrote: `Owners`
/// ignores every listing the file has decided, so either way only untouched listings count.
enum StoredKeys<E: EntityTrait> {
    Loaded(HashMap<String, i32>),
    Ask { id: E::Column, key: E::Column },
}

impl<E> StoredKeys<E>
where
    E: EntityTrait,
    E::Model: Sync,
{
    async fn open<C: ConnectionTrait>(
        db: &C,
        id: E::Column,
        key: E::Column,
        rows: usize,
    ) -> Result<Self> {
        let stored = E::find().filter(key.is_not_null()).count(db).await?;
        if stored > rows as u64 {
            return Ok(StoredKeys::Ask { id, key });
        }
        let all: Vec<(i32, Option<String>)> = E::find()
            .select_only()
            .columns([id, key])
            .filter(key.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        Ok(StoredKeys::Loaded(
            all.into_iter()
                .filter_map(|(id, k)| k.map(|k| (k, id)))
                .collect(),
        ))
    }

    /// The `(id, key)` pairs among `wanted` that the store knows (as it was at the start, when
    /// loaded then).
    async fn owners<C: ConnectionTrait>(
        &self,
        db: &C,
        wanted: &[&str],
    ) -> Result<Vec<(i32, String)>> {
        match self {
            StoredKeys::Loaded(map) => Ok(wanted
                .iter()
                .filter_map(|k| map.get(*k).map(|&id| (id, (*k).to_owned())))
                .collect()),
            StoredKeys::Ask { id, key } => {
                let mut found = Vec::new();
                for chunk in wanted.chunks(LOOKUP_CHUNK) {
                    let rows: Vec<(i32, Option<String>)> = E::find()
                        .select_only()
                        .columns([*id, *key])
                        .filter(key.is_in(chunk.iter().copied()))
                        .into_tuple()
                        .all(db)
                        .await?;
                    found.extend(rows.into_iter().filter_map(|(id, k)| k.map(|k| (id, k))));
                }
                Ok(found)
            }
        }
    }
}
