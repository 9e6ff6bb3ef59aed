//! A marketplace listing's pictures, brought home into the content-addressed media folder so
//! that completeness sees their real pixel size and the window shows them offline.
//!
//! Pictures are fetched before a page's transaction (files are written first, as every upload
//! is) and recorded inside it with the listings they belong to. A picture that cannot be fetched
//! does not hold its listing back: it is remembered as still to come, and later syncs try it
//! again ([`pending`]) until it is home or has failed [`MAX_TRIES`] times.
//!
//! Vefa does not send pictures to the marketplace, so for a linked listing the marketplace's
//! pictures come first; pictures added here stay after them (see [`combine`]).

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::catalog::listings::{ListingPhoto, MAX_PHOTOS};
use crate::error::Result;
use crate::infra::media::Stored;
use crate::infra::store::bulk;
use crate::infra::store::entity::{marketplace_image, media};
use crate::sync::remote::{FetchError, RemoteImage};

/// A fetch is given up after this many failures, until the listing changes there again.
pub const MAX_TRIES: i32 = 5;

/// How far a page's pictures are home.
#[derive(Debug, Default)]
pub struct PagePhotos {
    /// Pictures already in the media folder, by image id (recorded before, or fetched now).
    pub home: HashMap<String, ListingPhoto>,
    /// Fetched for this page: recorded in its transaction.
    pub written: Vec<Stored>,
    /// Could not be fetched, with why.
    pub failed: HashMap<String, FetchError>,
}

impl PagePhotos {
    /// The pictures of `images` that are home, in order, as many as a listing holds.
    pub fn of(&self, images: &[RemoteImage]) -> Vec<ListingPhoto> {
        images
            .iter()
            .filter_map(|i| self.home.get(&i.id).cloned())
            .take(MAX_PHOTOS)
            .collect()
    }

    pub fn fetched(&mut self, id: &str, stored: Stored) {
        self.home.insert(
            id.to_owned(),
            ListingPhoto {
                hash: stored.hash.clone(),
                width: stored.facts.width,
                height: stored.facts.height,
            },
        );
        self.written.push(stored);
    }
}

/// The pictures among `ids` (of `account`) that are already home.
pub async fn home<C: ConnectionTrait>(
    db: &C,
    account: i32,
    ids: &[&str],
) -> Result<HashMap<String, ListingPhoto>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = marketplace_image::Entity::find()
            .select_only()
            .column(marketplace_image::Column::ImageRef)
            .column(marketplace_image::Column::MediaHash)
            .filter(marketplace_image::Column::AccountId.eq(account))
            .filter(marketplace_image::Column::ImageRef.is_in(chunk.iter().copied()))
            .filter(marketplace_image::Column::MediaHash.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        let sizes: HashMap<String, (i32, i32)> = media::Entity::find()
            .select_only()
            .column(media::Column::Hash)
            .column(media::Column::Width)
            .column(media::Column::Height)
            .filter(media::Column::Hash.is_in(rows.iter().map(|(_, h)| h.clone())))
            .into_tuple::<(String, i32, i32)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(h, w, ht)| (h, (w, ht)))
            .collect();
        for (id, hash) in rows {
            // A row whose media row is gone is fetched again.
            if let Some(&(w, h)) = sizes.get(&hash) {
                let photo = ListingPhoto {
                    hash,
                    width: w.max(0) as u32,
                    height: h.max(0) as u32,
                };
                out.insert(id, photo);
            }
        }
    }
    Ok(out)
}

/// The marketplace's pictures of listing `id` that are home, in order.
pub async fn listing_hashes<C: ConnectionTrait>(db: &C, id: i32) -> Result<Vec<String>> {
    Ok(marketplace_image::Entity::find()
        .select_only()
        .column(marketplace_image::Column::MediaHash)
        .filter(marketplace_image::Column::ListingId.eq(id))
        .filter(marketplace_image::Column::MediaHash.is_not_null())
        .order_by_asc(marketplace_image::Column::Rank)
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// Records the pictures written for a page (in a few statements: a first sync brings thousands),
/// before any listing names them; one recorded before is kept as it is.
pub async fn record_written<C: ConnectionTrait>(
    db: &C,
    photos: &PagePhotos,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let rows: Vec<media::ActiveModel> = photos
        .written
        .iter()
        .map(|s| crate::infra::media::row(s, now))
        .collect();
    crate::infra::store::bulk::insert_models(db, rows, bulk::OnConflict::Keep { key: "hash" })
        .await?;
    Ok(())
}

/// Records which pictures each of `listings` has there now and how far each is home; pictures
/// a listing no longer has are forgotten.
pub async fn remember<C: ConnectionTrait>(
    db: &C,
    account: i32,
    listings: &[(i32, &[RemoteImage])],
    photos: &PagePhotos,
) -> Result<()> {
    for chunk in listings.chunks(500) {
        marketplace_image::Entity::delete_many()
            .filter(marketplace_image::Column::AccountId.eq(account))
            .filter(marketplace_image::Column::ListingId.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(db)
            .await?;
    }
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<marketplace_image::ActiveModel> = listings
        .iter()
        .flat_map(|(id, images)| {
            images
                .iter()
                .take(MAX_PHOTOS)
                .enumerate()
                .map(move |(rank, i)| (*id, rank, i))
        })
        // An image id named twice (it should not be) is the first listing's.
        .filter(|(_, _, i)| seen.insert(i.id.clone()))
        .map(|(id, rank, i)| {
            let failed = photos.failed.get(&i.id);
            marketplace_image::ActiveModel {
                account_id: Set(account),
                image_ref: Set(i.id.clone()),
                listing_id: Set(id),
                rank: Set(rank as i32),
                url: Set(i.url.clone()),
                media_hash: Set(photos.home.get(&i.id).map(|p| p.hash.clone())),
                tries: Set(match failed {
                    None => 0,
                    Some(f) if f.again => 1,
                    Some(_) => MAX_TRIES,
                }),
                error: Set(failed.map(|f| f.why.clone())),
            }
        })
        .collect();
    for chunk in rows.chunks(500) {
        marketplace_image::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    marketplace_image::Column::AccountId,
                    marketplace_image::Column::ImageRef,
                ])
                .update_columns([
                    marketplace_image::Column::ListingId,
                    marketplace_image::Column::Rank,
                    marketplace_image::Column::Url,
                    marketplace_image::Column::MediaHash,
                    marketplace_image::Column::Tries,
                    marketplace_image::Column::Error,
                ])
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Pictures of `account` still to be fetched, a listing's together, at most `limit`.
pub async fn pending<C: ConnectionTrait>(
    db: &C,
    account: i32,
    limit: u64,
) -> Result<Vec<marketplace_image::Model>> {
    Ok(marketplace_image::Entity::find()
        .filter(marketplace_image::Column::AccountId.eq(account))
        .filter(marketplace_image::Column::MediaHash.is_null())
        .filter(marketplace_image::Column::Tries.lt(MAX_TRIES))
        .order_by_asc(marketplace_image::Column::ListingId)
        .order_by_asc(marketplace_image::Column::Rank)
        .limit(limit)
        .all(db)
        .await?)
}

/// Settles a pending picture: home as `stored` (recorded here), or failed once more.
pub async fn settle<C: ConnectionTrait>(
    db: &C,
    row: &marketplace_image::Model,
    fetched: std::result::Result<&Stored, &FetchError>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let mut update = marketplace_image::ActiveModel {
        account_id: sea_orm::Unchanged(row.account_id),
        image_ref: sea_orm::Unchanged(row.image_ref.clone()),
        ..Default::default()
    };
    match fetched {
        Ok(stored) => {
            crate::infra::media::record(db, stored, now).await?;
            update.media_hash = Set(Some(stored.hash.clone()));
            update.error = Set(None);
        }
        Err(e) => {
            let tries = if e.again {
                row.tries.saturating_add(1)
            } else {
                MAX_TRIES
            };
            update.tries = Set(tries);
            update.error = Set(Some(e.why.clone()));
        }
    }
    marketplace_image::Entity::update(update).exec(db).await?;
    Ok(())
}

/// A linked listing's photos once the marketplace's changed from `old` to `new` (both in
/// order): the marketplace's first, then those added here, as many as a listing holds.
pub fn combine(current: &[String], old: &[String], new: &[String]) -> Vec<String> {
    let mut out: Vec<String> = new.to_vec();
    for h in current {
        if !old.contains(h) && !out.contains(h) {
            out.push(h.clone());
        }
    }
    out.truncate(MAX_PHOTOS);
    out
}

#[cfg(test)]
mod tests {
    use super::combine;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_marketplace_s_pictures_lead_and_local_ones_stay() {
        // "b" went away there, "d" arrived; "x" was added here.
        let current = v(&["a", "x", "b"]);
        assert_eq!(
            combine(&current, &v(&["a", "b"]), &v(&["d", "a"])),
            v(&["d", "a", "x"])
        );
        // Nothing there yet: the local ones are kept as they are.
        assert_eq!(combine(&current, &[], &[]), current);
        // The same picture on both sides is listed once.
        assert_eq!(combine(&v(&["a"]), &[], &v(&["a"])), v(&["a"]));
    }

    #[test]
    fn never_more_than_a_listing_holds() {
        let new: Vec<String> = (0..15).map(|i| format!("m{i}")).collect();
        let current: Vec<String> = (0..15).map(|i| format!("l{i}")).collect();
        let out = combine(&current, &[], &new);
        assert_eq!(out.len(), crate::catalog::listings::MAX_PHOTOS);
        assert_eq!(out[..15], new[..]);
    }
}
