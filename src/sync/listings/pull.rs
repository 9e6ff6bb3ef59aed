//! A page of marketplace listings applied: linked by id or SKU, created, merged, pictures kept.

use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::Value;

use super::base::{SyncBase, held_fields, load_base, save_base};
use super::merge::{Conflict, merge, take_stock};
use super::push::pushes_needed;
use crate::catalog::completeness::RuleSets;
use crate::catalog::listings::{self, ListingInput};
use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::{listing, listing_conflict, listing_sync_base, listing_variant};
use crate::sync::outbox;
use crate::sync::photos::{self, PagePhotos};
use crate::sync::remote::RemoteImage;
use crate::sync::remote::{RemoteListing, RemoteListingData, SyncedFields};

/// What applying a page did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingsApplied {
    pub created: Vec<i32>,
    pub updated: Vec<i32>,
    pub conflicts: u32,
    pub refused: Vec<String>,
}

impl ListingsApplied {
    /// The listings created or changed.
    pub fn touched(&self) -> Vec<i32> {
        self.created.iter().chain(&self.updated).copied().collect()
    }
}

/// The local listings a page's remote ones are: by marketplace id, else by one of their SKUs.
/// Two queries for the page.
pub(super) async fn linked<C: ConnectionTrait>(
    db: &C,
    page: &[(&RemoteListing, &RemoteListingData)],
) -> Result<Vec<Option<i32>>> {
    let by_id: HashMap<String, i32> = listing::Entity::find()
        .select_only()
        .column(listing::Column::EtsyListingId)
        .column(listing::Column::Id)
        .filter(listing::Column::EtsyListingId.is_in(page.iter().map(|(r, _)| r.id.as_str())))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let skus: Vec<&str> = page
        .iter()
        .flat_map(|(_, d)| d.variants.iter().map(|v| v.sku.as_str()))
        .filter(|s| !s.is_empty())
        .collect();
    let mut by_sku: HashMap<String, i32> = HashMap::new();
    for chunk in skus.chunks(500) {
        by_sku.extend(
            listing_variant::Entity::find()
                .select_only()
                .column(listing_variant::Column::Sku)
                .column(listing_variant::Column::ListingId)
                .filter(listing_variant::Column::Sku.is_in(chunk.iter().copied()))
                .into_tuple::<(String, i32)>()
                .all(db)
                .await?,
        );
    }
    Ok(page
        .iter()
        .map(|(r, d)| {
            by_id
                .get(&r.id)
                .copied()
                .or_else(|| d.variants.iter().find_map(|v| by_sku.get(&v.sku).copied()))
        })
        .collect())
}

pub(super) fn new_input(
    remote: &RemoteListing,
    data: &RemoteListingData,
    photos: &PagePhotos,
) -> ListingInput {
    let mut input = ListingInput::draft(&data.fields.title, &data.fields.price.currency);
    data.fields.clone().apply_to(&mut input);
    input.state = data.state;
    input.variants = data.variants.clone();
    input.photos = photos
        .of(&data.images)
        .into_iter()
        .map(|p| p.hash)
        .collect();
    input.etsy_listing_id = Some(remote.id.clone());
    input
}

pub(super) fn refusal(remote: &RemoteListing, e: &Error) -> String {
    match e {
        Error::Validation(fields) => {
            format!("listing {}: {}", remote.id, FieldError::english_all(fields))
        }
        other => format!("listing {}: {other}", remote.id),
    }
}

/// Keeps the conflicts up to date: a field where the two sides now agree has none left; a new
/// disagreement replaces an older one on the same field; one still standing (the marketplace
/// unchanged since, the seller not yet decided) stays.
pub(super) async fn record_conflicts<C: ConnectionTrait>(
    db: &C,
    listing_id: i32,
    merged: &SyncedFields,
    remote: &SyncedFields,
    conflicts: &[Conflict],
    now: DateTime<Utc>,
) -> Result<()> {
    let (m, r) = (merged.map(), remote.map());
    let mut settled: Vec<String> = m
        .iter()
        .filter(|(f, v)| r.get(*f) == Some(*v))
        .map(|(f, _)| f.clone())
        .collect();
    settled.extend(conflicts.iter().map(|c| c.field.clone()));
    listing_conflict::Entity::delete_many()
        .filter(listing_conflict::Column::ListingId.eq(listing_id))
        .filter(listing_conflict::Column::Field.is_in(settled))
        .exec(db)
        .await?;
    if conflicts.is_empty() {
        return Ok(());
    }
    let rows = conflicts.iter().map(|c| listing_conflict::ActiveModel {
        listing_id: Set(listing_id),
        field: Set(c.field.clone()),
        base: Set(c.base.as_ref().map(Value::to_string)),
        local: Set(c.local.to_string()),
        remote: Set(c.remote.to_string()),
        detected_at: Set(now),
        ..Default::default()
    });
    listing_conflict::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn apply_page<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    account: i32,
    page: &[RemoteListing],
    photos: &PagePhotos,
    now: DateTime<Utc>,
) -> Result<ListingsApplied> {
    let mut out = ListingsApplied::default();
    photos::record_written(db, photos, now).await?;
    let mut readable = Vec::with_capacity(page.len());
    let mut seen = HashSet::new();
    for remote in page {
        match &remote.listing {
            // A page naming a listing twice (it should not) is read as naming it once.
            Ok(d) if seen.insert(remote.id.as_str()) => readable.push((remote, d)),
            Ok(_) => {}
            Err(why) => out.refused.push(format!("listing {}: {why}", remote.id)),
        }
    }
    let links = linked(db, &readable).await?;
    let mut fresh: Vec<(&RemoteListing, &RemoteListingData, ListingInput)> = Vec::new();
    let mut fresh_skus = HashSet::new();
    for ((remote, data), link) in readable.iter().zip(links) {
        match link {
            None => {
                let input = match listings::validate(&new_input(remote, data, photos)) {
                    Ok(i) => i,
                    Err(fields) => {
                        out.refused
                            .push(refusal(remote, &Error::Validation(fields)));
                        continue;
                    }
                };
                let skus: Vec<&str> = input
                    .variants
                    .iter()
                    .map(|v| v.sku.as_str())
                    .filter(|s| !s.is_empty())
                    .collect();
                if let Some(taken) = skus.iter().find(|s| fresh_skus.contains(**s)) {
                    out.refused.push(format!(
                        "listing {}: SKU {taken} belongs to another listing on this page",
                        remote.id
                    ));
                    continue;
                }
                fresh_skus.extend(skus.into_iter().map(str::to_owned));
                fresh.push((remote, data, input));
            }
            Some(id) => {
                match merge_into(db, rules, account, id, (remote, data), photos, now).await? {
                    Merged::Updated(conflicts) => {
                        out.updated.push(id);
                        out.conflicts += conflicts;
                    }
                    Merged::Unchanged(conflicts) => out.conflicts += conflicts,
                    Merged::Refused(why) => out.refused.push(why),
                }
            }
        }
    }
    if fresh.is_empty() {
        return Ok(out);
    }
    // New listings go in as the catalog import writes them: ids reserved, rows in bulk.
    let ids = listings::reserve_ids(db, fresh.len()).await?;
    let checked: Vec<listings::Checked> = ids
        .iter()
        .zip(&fresh)
        .map(|(&id, (_, data, input))| {
            let facts = input.facts(&photos.of(&data.images), 0, now);
            let family = rules.get(&input.family).map(Vec::as_slice).unwrap_or(&[]);
            let score = crate::catalog::completeness::score(family, &facts, now);
            listings::Checked {
                id,
                clean: input,
                facts,
                score,
            }
        })
        .collect();
    listings::insert_checked(db, &checked, now).await?;
    let bases = ids
        .iter()
        .zip(&fresh)
        .map(|(&id, (_, data, _))| listing_sync_base::ActiveModel {
            listing_id: Set(id),
            account_id: Set(account),
            base: Set(serde_json::to_string(&SyncBase::of(data)).unwrap_or_default()),
            synced_at: Set(now),
        });
    listing_sync_base::Entity::insert_many(bases)
        .exec_without_returning(db)
        .await?;
    let pictures: Vec<(i32, &[RemoteImage])> = ids
        .iter()
        .zip(&fresh)
        .map(|(&id, (_, data, _))| (id, data.images.as_slice()))
        .collect();
    photos::remember(db, account, &pictures, photos).await?;
    out.created.extend(ids);
    Ok(out)
}

pub(super) enum Merged {
    Updated(u32),
    Unchanged(u32),
    Refused(String),
}

/// Merges a remote listing into linked listing `id`; records its conflicts and the new base,
/// and queues what the marketplace still lacks.
pub(super) async fn merge_into<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    account: i32,
    id: i32,
    (remote, data): (&RemoteListing, &RemoteListingData),
    photos: &PagePhotos,
    now: DateTime<Utc>,
) -> Result<Merged> {
    let existing = listings::get(db, rules, id, now).await?.input;
    let base = load_base(db, id).await?.map(|(_, b)| b);
    let (merged, conflicts) = merge(
        base.as_ref().map(|b| &b.fields),
        &SyncedFields::of(&existing),
        &data.fields,
    );
    record_conflicts(db, id, &merged, &data.fields, &conflicts, now).await?;
    let mut input = existing.clone();
    merged.apply_to(&mut input);
    input.etsy_listing_id = Some(remote.id.clone());
    if base.is_none() {
        take_stock(&mut input.variants, &data.variants);
    }
    // The state is the marketplace's to change: Vefa does not send it.
    if base.as_ref().and_then(|b| b.state) != Some(data.state) {
        input.state = data.state;
    }
    input.photos = merged_photos(db, id, &existing.photos, base.as_ref(), data, photos).await?;
    photos::remember(db, account, &[(id, &data.images)], photos).await?;
    let n = conflicts.len() as u32;
    let result = if input == existing {
        Merged::Unchanged(n)
    } else {
        match listings::save(db, rules, Some(id), &input, now).await {
            Ok(_) => Merged::Updated(n),
            Err(e @ Error::Validation(_)) => return Ok(Merged::Refused(refusal(remote, &e))),
            Err(e) => return Err(e),
        }
    };
    let base = SyncBase::of(data);
    save_base(db, id, account, &base, now).await?;
    let kinds = pushes_needed(&input, &base, &held_fields(db, id).await?);
    outbox::queue_listings(db, &[id], &kinds, now).await?;
    Ok(result)
}

/// Listing `id`'s photos after a pull: when the marketplace's pictures changed (or more of them
/// came home), theirs lead and those added here follow; otherwise the seller's stay as they
/// are. On a first link a listing that has photos here keeps them.
pub(super) async fn merged_photos<C: ConnectionTrait>(
    db: &C,
    id: i32,
    current: &[String],
    base: Option<&SyncBase>,
    data: &RemoteListingData,
    photos: &PagePhotos,
) -> Result<Vec<String>> {
    let old = photos::listing_hashes(db, id).await?;
    let new: Vec<String> = photos
        .of(&data.images)
        .into_iter()
        .map(|p| p.hash)
        .collect();
    let ids: Vec<String> = data.images.iter().map(|i| i.id.clone()).collect();
    let changed = base.and_then(|b| b.images.as_ref()) != Some(&ids) || new != old;
    Ok(if !changed || (base.is_none() && !current.is_empty()) {
        current.to_vec()
    } else {
        photos::combine(current, &old, &new)
    })
}
