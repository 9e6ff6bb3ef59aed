//! Reviews from a marketplace: kept one row each (a review read twice counts once), and each
//! linked listing's review count and average rating derived from them.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::catalog::completeness::RuleSets;
use crate::catalog::listings;
use crate::error::Result;
use crate::infra::store::entity::{listing, marketplace_review};
use crate::sync::remote::RemoteReview;

/// What a page of reviews did: the listings whose rating changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewsApplied {
    pub new: u32,
    pub listings: Vec<i32>,
}

pub async fn apply_page<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    account: i32,
    page: &[RemoteReview],
    now: DateTime<Utc>,
) -> Result<ReviewsApplied> {
    let mut out = ReviewsApplied::default();
    let mut touched = BTreeSet::new();
    for r in page {
        let at = Utc.timestamp_opt(r.created, 0).single().unwrap_or(now);
        let row = marketplace_review::ActiveModel {
            account_id: Set(account),
            listing_ref: Set(r.listing.clone()),
            review_key: Set(r.key.clone()),
            rating: Set(i16::from(r.rating)),
            created_at: Set(at),
            ..Default::default()
        };
        let inserted = marketplace_review::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    marketplace_review::Column::AccountId,
                    marketplace_review::Column::ReviewKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        if inserted > 0 {
            out.new += 1;
            touched.insert(r.listing.clone());
        }
    }
    if touched.is_empty() {
        return Ok(out);
    }
    let linked: HashMap<String, i32> = listing::Entity::find()
        .select_only()
        .column(listing::Column::EtsyListingId)
        .column(listing::Column::Id)
        .filter(listing::Column::EtsyListingId.is_in(touched.iter().map(String::as_str)))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for (listing_ref, id) in linked {
        let ratings: Vec<i16> = marketplace_review::Entity::find()
            .select_only()
            .column(marketplace_review::Column::Rating)
            .filter(marketplace_review::Column::AccountId.eq(account))
            .filter(marketplace_review::Column::ListingRef.eq(listing_ref))
            .into_tuple::<i16>()
            .all(db)
            .await?;
        let count = ratings.len() as u32;
        let sum: u32 = ratings.iter().map(|&r| r.max(0) as u32).sum();
        // Hundredths of a star, rounded half up.
        let average = (count > 0).then(|| (sum * 100 + count / 2) / count);
        listings::set_reviews(db, rules, id, count, average, now).await?;
        out.listings.push(id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_is_told_apart_by_listing_time_stars_and_text() {
        let a = RemoteReview::new(7, 5, 1_800_000_000, Some("Harika")).unwrap();
        let b = RemoteReview::new(7, 5, 1_800_000_000, Some("Çok güzel")).unwrap();
        assert_ne!(a.key, b.key);
        assert_eq!(
            a,
            RemoteReview::new(7, 5, 1_800_000_000, Some("Harika")).unwrap()
        );
        assert!(RemoteReview::new(7, 0, 1, None).is_none(), "no zero stars");
        assert!(RemoteReview::new(7, 6, 1, None).is_none(), "no six stars");
    }
}
