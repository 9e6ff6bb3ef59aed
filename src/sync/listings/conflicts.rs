//! Fields changed on both sides, waiting for the seller, and the seller's choice.

use chrono::{DateTime, Utc};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::base::held_fields;
use super::push::{linked_listing, pushes_needed};
use crate::catalog::completeness::RuleSets;
use crate::catalog::listings;
use crate::error::{Error, Result};
use crate::infra::store::entity::listing_conflict;
use crate::sync::outbox;
use crate::sync::remote::SyncedFields;

/// A listing field waiting for the seller to choose, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ListingConflict {
    pub id: i32,
    pub listing_id: i32,
    pub listing_title: String,
    /// title, description, tags, materials or price.
    pub field: String,
    /// The values as JSON: a string, a list of strings, or `{minor, currency}`.
    pub base: Option<String>,
    pub local: String,
    pub remote: String,
    pub detected_at: DateTime<Utc>,
}

/// The side the seller chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Keep Vefa's value (it goes to the marketplace with the next push of listing edits).
    Mine,
    /// Take the marketplace's value.
    Marketplace,
}

/// The conflicts waiting, of one listing or all, oldest first.
pub async fn conflicts<C: ConnectionTrait>(
    db: &C,
    listing_id: Option<i32>,
) -> Result<Vec<ListingConflict>> {
    let mut q = listing_conflict::Entity::find();
    if let Some(id) = listing_id {
        q = q.filter(listing_conflict::Column::ListingId.eq(id));
    }
    let rows = q.order_by_asc(listing_conflict::Column::Id).all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.listing_id).collect();
    let titles = listings::titles(db, ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| ListingConflict {
            listing_title: titles.get(&r.listing_id).cloned().unwrap_or_default(),
            id: r.id,
            listing_id: r.listing_id,
            field: r.field,
            base: r.base,
            local: r.local,
            remote: r.remote,
            detected_at: r.detected_at,
        })
        .collect())
}

/// Settles conflict `id`: the marketplace's value is written into the listing, or the seller's
/// is kept; either way the conflict is gone. Returns the listing's id.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    choice: Choice,
    now: DateTime<Utc>,
) -> Result<i32> {
    let row = listing_conflict::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "listing conflict",
            id: id.to_string(),
        })?;
    if choice == Choice::Marketplace {
        let mut input = listings::get(db, rules, row.listing_id, now).await?.input;
        let mut fields = SyncedFields::of(&input).map();
        let remote: Value = serde_json::from_str(&row.remote)
            .map_err(|_| Error::Corrupt(format!("listing conflict {id}")))?;
        fields.insert(row.field.clone(), remote);
        let merged: SyncedFields = serde_json::from_value(Value::Object(fields))
            .map_err(|_| Error::Corrupt(format!("listing conflict {id}")))?;
        merged.apply_to(&mut input);
        listings::save(db, rules, Some(row.listing_id), &input, now).await?;
    }
    listing_conflict::Entity::delete_by_id(id).exec(db).await?;
    // The seller's own value, now free of the conflict, goes to the marketplace.
    if let Some((input, _, base)) = linked_listing(db, rules, row.listing_id, now).await? {
        let held = held_fields(db, row.listing_id).await?;
        let kinds = pushes_needed(&input, &base, &held);
        outbox::queue_listings(db, &[row.listing_id], &kinds, now).await?;
    }
    Ok(row.listing_id)
}
