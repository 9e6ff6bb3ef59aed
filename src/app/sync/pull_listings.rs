//! The [`Vefa`] facade's listing pull: each shelf of the marketplace's listings (Etsy's listing
//! states) paged home newest change first, with their pictures fetched into the media folder.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::StreamExt;

use crate::Vefa;
use crate::app::write::{Changes, Lock};
use crate::catalog::listings::MAX_PHOTOS;
use crate::error::Result;
use crate::infra::media::{Stored, inspect_image};
use crate::marketplaces::Marketplace;
use crate::marketplaces::accounts::Account;
use crate::sync::listings::{self as listing_sync, ListingsApplied};
use crate::sync::photos::{self, PagePhotos};
use crate::sync::remote::RemoteListing;
use crate::sync::remote::{FetchError, RemoteImage};
use crate::sync::{SyncReport, SyncStage, cursors};

/// The cursor of the shelf read on every sync (its name from before there were shelves).
const LISTINGS: &str = "listings";
/// How often the other shelves (sold out, inactive, drafts, expired) are read: a listing moves
/// there by a sale or by the seller's hand on the marketplace, rarely.
const SWEEP_SHELVES_EVERY: chrono::Duration = chrono::Duration::hours(1);
/// Pictures fetched at once.
const FETCHES_AT_ONCE: usize = 4;
/// Pictures still to come that one sync tries again.
const PENDING_PER_SYNC: u64 = 200;

fn shelf_cursor(shelf: &str) -> String {
    // `sync_cursor.resource` holds 16 characters: "shelf:sold_out" is 14.
    format!("shelf:{shelf}")
}

/// What fetching one picture (by id) came to: written to the media folder, or why not.
type Fetch = (String, std::result::Result<Stored, FetchError>);

impl Vefa {
    /// Reads the first shelf; the others too when they were last read an hour ago or more (or
    /// never, on a first sync).
    pub(crate) async fn pull_listings<M: Marketplace>(
        &self,
        account: &Account,
        m: &M,
        report: &mut SyncReport,
    ) -> Result<()> {
        let Some((first, others)) = m.listing_shelves().split_first() else {
            return Ok(());
        };
        self.pull_shelf(account, m, first, LISTINGS, report).await?;
        // The sweep's last shelf is read last: when it is fresh, the whole sweep is.
        if let Some(last) = others.last() {
            let at = cursors::synced_at(&self.db, account.id, &shelf_cursor(last)).await?;
            if at.is_some_and(|t| self.clock.now() - t < SWEEP_SHELVES_EVERY) {
                return Ok(());
            }
        }
        for shelf in others {
            self.pull_shelf(account, m, shelf, &shelf_cursor(shelf), report)
                .await?;
        }
        Ok(())
    }

    /// Pages through `shelf` newest change first and stops at the first listing older than
    /// the cursor; each page is one transaction with the cursor's position.
    async fn pull_shelf<M: Marketplace>(
        &self,
        account: &Account,
        m: &M,
        shelf: &str,
        cursor: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        loop {
            let pos = cursors::load(&self.db, account.id, cursor).await?;
            let page = m.listings_changed(shelf, pos.next_offset).await?;
            let fresh = page
                .listings
                .iter()
                .take_while(|l| pos.cursor.is_none_or(|c| l.updated >= c))
                .count();
            let newest = page.listings.iter().map(|l| l.updated).max();
            let reached_home = fresh < page.listings.len();
            let read = page.listings.len() as u64;
            let at = pos.next_offset + read;
            self.progress(account.id, SyncStage::Listings, at, page.total);
            let (next, done) = pos.advance(read, page.total, newest, reached_home);
            let listings = &page.listings[..fresh];
            let pictures = self.page_photos(account.id, m, listings, report).await?;
            let w = self.begin_write(Lock::Immediate).await?;
            let (txn, now) = (&w.txn, w.now);
            let step: Result<ListingsApplied> = async {
                let rules = crate::catalog::completeness::rule_sets::load_all(txn).await?;
                let applied =
                    listing_sync::apply_page(txn, &rules, account.id, listings, &pictures, now)
                        .await?;
                cursors::save(txn, account.id, cursor, next, now).await?;
                Ok(applied)
            }
            .await;
            let applied = w
                .finish_with(step, |a| {
                    let changes = Changes::none().listings(a.touched());
                    (a, changes)
                })
                .await?;
            let touched = applied.touched();
            report.listings_pulled += touched.len() as u32;
            report.listing_conflicts += applied.conflicts;
            report.errors.extend(applied.refused);
            if done {
                return Ok(());
            }
        }
    }

    /// The pictures a page of listings needs: those already home, and the others fetched now.
    /// One that cannot be fetched is told in the report and tried again on later syncs.
    async fn page_photos<M: Marketplace>(
        &self,
        account: i32,
        m: &M,
        page: &[RemoteListing],
        report: &mut SyncReport,
    ) -> Result<PagePhotos> {
        let images: Vec<(&str, &RemoteImage)> = page
            .iter()
            .filter_map(|l| Some((l.id.as_str(), l.listing.as_ref().ok()?)))
            .flat_map(|(l, d)| d.images.iter().take(MAX_PHOTOS).map(move |i| (l, i)))
            .collect();
        let ids: Vec<&str> = images.iter().map(|(_, i)| i.id.as_str()).collect();
        let mut pictures = PagePhotos {
            home: photos::home(&self.db, account, &ids).await?,
            ..Default::default()
        };
        let mut asked = HashSet::new();
        let mut listing_of = HashMap::new();
        let wanted: Vec<(String, String)> = images
            .iter()
            .filter(|(_, i)| !pictures.home.contains_key(&i.id) && asked.insert(i.id.as_str()))
            .map(|(l, i)| {
                listing_of.insert(i.id.as_str(), *l);
                (i.id.clone(), i.url.clone())
            })
            .collect();
        for (id, got) in self.fetch_images(m, wanted).await? {
            match got {
                Ok(stored) => pictures.fetched(&id, stored),
                Err(e) => {
                    let listing = listing_of.get(id.as_str()).copied().unwrap_or("?");
                    report
                        .errors
                        .push(format!("listing {listing}, picture {id}: {}", e.why));
                    pictures.failed.insert(id, e);
                }
            }
        }
        report.photos_fetched += pictures.written.len() as u32;
        Ok(pictures)
    }

    /// Fetches pictures, a few at once, into the media folder. A picture the marketplace will
    /// not give, or that is not a PNG, JPEG or WebP image, says why; a media folder that cannot
    /// be written to ends the sync.
    async fn fetch_images<M: Marketplace>(
        &self,
        m: &M,
        wanted: Vec<(String, String)>,
    ) -> Result<Vec<Fetch>> {
        // Owned ids and addresses: futures borrowing them would not be `Send` for every
        // lifetime (rust-lang/rust#64552), which the desktop's spawned sync needs.
        let fetches = wanted.into_iter().map(|(id, url)| async move {
            let got = m.fetch_image(&url).await;
            (id, got)
        });
        let fetched: Vec<(String, std::result::Result<Vec<u8>, FetchError>)> =
            futures_util::stream::iter(fetches)
                .buffer_unordered(FETCHES_AT_ONCE)
                .collect()
                .await;
        let mut out = Vec::with_capacity(fetched.len());
        for (id, got) in fetched {
            let stored = match got {
                Ok(bytes) => match inspect_image(&bytes, "photo") {
                    Ok(facts) => Ok(self.media.write(&bytes, &facts)?),
                    Err(_) => Err(FetchError::passing("it is not a PNG, JPEG or WebP picture")),
                },
                Err(why) => Err(why),
            };
            out.push((id, stored));
        }
        Ok(out)
    }

    /// Tries again the pictures earlier syncs could not fetch (it runs before the pull, so a
    /// picture that failed just now waits for the next sync); those that come home join their
    /// listing's photos, after the marketplace's others and before the seller's own.
    pub(crate) async fn fetch_pending_photos<M: Marketplace>(
        &self,
        account: &Account,
        m: &M,
        report: &mut SyncReport,
    ) -> Result<()> {
        let rows = photos::pending(&self.db, account.id, PENDING_PER_SYNC).await?;
        if rows.is_empty() {
            return Ok(());
        }
        let wanted = rows
            .iter()
            .map(|r| (r.image_ref.clone(), r.url.clone()))
            .collect();
        let got: HashMap<String, std::result::Result<Stored, FetchError>> =
            self.fetch_images(m, wanted).await?.into_iter().collect();
        let mut by_listing: BTreeMap<i32, Vec<_>> = BTreeMap::new();
        for r in &rows {
            by_listing.entry(r.listing_id).or_default().push(r);
        }
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let step: Result<Vec<i32>> = async {
            let rules = crate::catalog::completeness::rule_sets::load_all(txn).await?;
            let mut touched = Vec::new();
            for (listing, rows) in by_listing {
                let old = photos::listing_hashes(txn, listing).await?;
                for r in rows {
                    let fetched = match got.get(r.image_ref.as_str()) {
                        Some(Ok(stored)) => Ok(stored),
                        Some(Err(e)) => Err(e),
                        None => continue,
                    };
                    photos::settle(txn, r, fetched, now).await?;
                }
                let new = photos::listing_hashes(txn, listing).await?;
                if new == old {
                    continue;
                }
                let mut input = crate::catalog::listings::get(txn, &rules, listing, now)
                    .await?
                    .input;
                let combined = photos::combine(&input.photos, &old, &new);
                if combined != input.photos {
                    input.photos = combined;
                    crate::catalog::listings::save(txn, &rules, Some(listing), &input, now).await?;
                    touched.push(listing);
                }
            }
            Ok(touched)
        }
        .await;
        w.finish_with(step, |t| ((), Changes::none().listings(t)))
            .await?;
        for r in &rows {
            match got.get(r.image_ref.as_str()) {
                Some(Ok(_)) => report.photos_fetched += 1,
                Some(Err(e)) => report
                    .errors
                    .push(format!("picture {} (tried again): {}", r.image_ref, e.why)),
                None => {}
            }
        }
        Ok(())
    }
}
