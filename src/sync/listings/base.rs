//! The marketplace's side as last seen (the sync base) and the fields held for the seller.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use std::collections::{BTreeMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};

use super::merge::offers_of;
use crate::catalog::listings::ListingState;
use crate::error::{Error, Result};
use crate::infra::store::entity::{listing_conflict, listing_sync_base};
use crate::sync::remote::{Offer, RemoteListingData, SyncedFields};

/// The marketplace's side as last seen: the merged fields, and each variant's offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct SyncBase {
    #[serde(flatten)]
    pub(super) fields: SyncedFields,
    /// Missing in bases written before stock was pushed: then the marketplace is asked.
    #[serde(default)]
    pub(super) offers: Option<BTreeMap<String, Offer>>,
    /// The marketplace's picture ids, in order; missing in bases written before pictures came
    /// home.
    #[serde(default)]
    pub(super) images: Option<Vec<String>>,
    /// The listing's state there; missing in bases written before states were followed.
    #[serde(default)]
    pub(super) state: Option<ListingState>,
}

pub(super) async fn save_base<C: ConnectionTrait>(
    db: &C,
    listing_id: i32,
    account: i32,
    base: &SyncBase,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = listing_sync_base::ActiveModel {
        listing_id: Set(listing_id),
        account_id: Set(account),
        base: Set(serde_json::to_string(base).unwrap_or_default()),
        synced_at: Set(now),
    };
    listing_sync_base::Entity::insert(row)
        .on_conflict(
            OnConflict::column(listing_sync_base::Column::ListingId)
                .update_columns([
                    listing_sync_base::Column::AccountId,
                    listing_sync_base::Column::Base,
                    listing_sync_base::Column::SyncedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The base of listing `id` and the account it is linked to, if it is linked.
pub(super) async fn load_base<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<(i32, SyncBase)>> {
    let Some(row) = listing_sync_base::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let base = serde_json::from_str(&row.base)
        .map_err(|_| Error::Corrupt(format!("the sync base of listing {id}")))?;
    Ok(Some((row.account_id, base)))
}

/// The fields of listing `id` waiting for the seller to choose: they are not sent.
pub(super) async fn held_fields<C: ConnectionTrait>(db: &C, id: i32) -> Result<HashSet<String>> {
    Ok(listing_conflict::Entity::find()
        .select_only()
        .column(listing_conflict::Column::Field)
        .filter(listing_conflict::Column::ListingId.eq(id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

impl SyncBase {
    pub(super) fn of(data: &RemoteListingData) -> Self {
        Self {
            fields: data.fields.clone(),
            offers: Some(offers_of(&data.variants, data.fields.price.minor)),
            images: Some(data.images.iter().map(|i| i.id.clone()).collect()),
            state: Some(data.state),
        }
    }
}
