//! The catalog index: what the listings table and a full rescore need of every listing, held in
//! memory. A seller's catalog of 100k listings is about 30 MB here, and in exchange the table
//! filters and sorts any view in milliseconds and a full rescore never reads the store (through
//! SQLite's driver, reading 100k rows alone takes longer than the whole rescore may).
//!
//! The store stays the truth: the index is loaded from it on first use, kept in step by this
//! process's writes, and reloaded when the change log shows another process (the CLI, a second
//! desk on PostgreSQL) changed listings or rules.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
    RelationTrait,
};
use tokio::sync::{Mutex, MutexGuard};

use super::model::{Listing, ListingState, ScoreUpdate};
use super::query::{ListingPage, ListingQuery, ListingRow, SortBy};
use super::title_arena::TitleArena;
use crate::catalog::completeness::RuleSets;
use crate::catalog::completeness::{Check, Facts, Rule, UnmetSet, score};
use crate::error::{Error, Result};
use crate::infra::changes::{ChangeFeed, ChangeKind};
use crate::infra::store::entity::{listing, listing_score, listing_variant};

/// What filtering and sorting read of a listing, packed into 32 bytes: a scan of 100k keys
/// stays in the CPU's cache, where reaching into each entry (and its strings on the heap) for
/// every filter and comparison did not (measured at 100k: a page filtered by unmet rule took
/// ~12 ms, ~2 ms now).
#[derive(Debug, Clone, Copy)]
struct Key {
    /// Against the index's rules (`Loaded::rules`).
    unmet: UnmetSet,
    /// Microseconds since the epoch.
    updated: i64,
    id: i32,
    /// Index into `Loaded::families`.
    family: u16,
    score: u8,
    state: ListingState,
    complete: bool,
    archived: bool,
}

const _: () = assert!(std::mem::size_of::<Key>() <= 32);

/// The rest of a listing as the index holds it, beside its [`Key`].
struct Entry {
    title: String,
    skus: Vec<String>,
    price_minor: i64,
    currency: String,
    exponent: u32,
    /// With the review count and update time the row's own columns hold.
    facts: Facts,
}

impl Entry {
    fn has_sku(&self, search: &str) -> bool {
        self.skus.iter().any(|s| s.eq_ignore_ascii_case(search))
    }
}

/// A filtered, sorted view, kept so scrolling through it costs nothing.
struct View {
    key: ListingQuery,
    generation: u64,
    order: Vec<usize>,
}

#[derive(Default)]
struct Loaded {
    /// The rules the keys' unmet sets were computed with.
    rules: RuleSets,
    /// Every family name a key has used; a key holds its index.
    families: Vec<String>,
    /// `keys[i]` and `entries[i]` are the same listing.
    keys: Vec<Key>,
    entries: Vec<Entry>,
    /// Lower-cased titles, for search and sorting.
    folded: TitleArena,
    by_id: HashMap<i32, usize>,
    /// The change-log id up to which other processes' changes are reflected.
    seen_change: i64,
    generation: u64,
    view: Option<View>,
}

impl Loaded {
    /// The index of a family name in `families`, if a key uses it.
    fn find_family(&self, name: &str) -> Option<u16> {
        self.families
            .iter()
            .position(|f| f == name)
            .map(|i| i as u16)
    }

    /// The index of a family name in `families`, added if new.
    fn family_index(&mut self, name: &str) -> u16 {
        match self.find_family(name) {
            Some(i) => i,
            None => {
                self.families.push(name.to_owned());
                (self.families.len() - 1) as u16
            }
        }
    }

    fn family_rules(&self, key: &Key) -> &[Rule] {
        self.rules
            .get(&self.families[usize::from(key.family)])
            .map_or(&[][..], Vec::as_slice)
    }

    fn row(&self, i: usize) -> ListingRow {
        let (k, e) = (&self.keys[i], &self.entries[i]);
        ListingRow {
            id: k.id,
            title: e.title.clone(),
            family: self.families[usize::from(k.family)].clone(),
            state: k.state,
            score: k.score,
            complete: k.complete,
            unmet: k
                .unmet
                .ids(self.family_rules(k))
                .map(str::to_owned)
                .collect(),
            price_minor: e.price_minor,
            currency: e.currency.clone(),
            exponent: e.exponent,
            archived: k.archived,
            updated_at: e.facts.updated_at,
        }
    }

    /// Rows `skip..skip + take` of the view of `q`, and how many rows the view has.
    fn view_rows(
        &mut self,
        q: &ListingQuery,
        skip: usize,
        take: usize,
    ) -> (Vec<ListingRow>, usize) {
        let total = self.view_of(q).len();
        let start = skip.min(total);
        let end = start.saturating_add(take).min(total);
        let order = self.view.as_ref().map_or(&[][..], |v| &v.order[start..end]);
        (order.iter().map(|&i| self.row(i)).collect(), total)
    }

    /// The entries a query matches, filtered and sorted (indexes into `keys`); kept while the
    /// query and the entries stay the same, so scrolling through a view costs nothing.
    fn view_of(&mut self, q: &ListingQuery) -> &[usize] {
        let key = ListingQuery {
            offset: 0,
            limit: 0,
            ..q.clone()
        };
        let fresh = self
            .view
            .as_ref()
            .is_some_and(|v| v.key == key && v.generation == self.generation);
        if !fresh {
            let order = self.sorted(q);
            self.view = Some(View {
                key,
                generation: self.generation,
                order,
            });
        }
        self.view.as_ref().map_or(&[][..], |v| &v.order[..])
    }

    fn sorted(&self, q: &ListingQuery) -> Vec<usize> {
        let search = fold(q.search.trim());
        let family = match &q.family {
            None => None,
            Some(name) => match self.find_family(name) {
                Some(i) => Some(i),
                None => return vec![],
            },
        };
        // The rule asked for, per family index: a rule id can sit at a different place in each.
        let wanted: Option<Vec<UnmetSet>> = q.unmet_rule.as_ref().map(|rule| {
            self.families
                .iter()
                .map(|f| {
                    self.rules
                        .get(f)
                        .and_then(|rules| UnmetSet::of_ids(rules, &[rule]))
                        .unwrap_or_default()
                })
                .collect()
        });
        let (k, e, folded) = (&self.keys, &self.entries, &self.folded);
        let order: Vec<usize> = (0..k.len())
            .filter(|&i| {
                let key = &k[i];
                (q.include_archived || !key.archived)
                    && family.is_none_or(|f| key.family == f)
                    && q.state.is_none_or(|s| key.state == s)
                    && wanted
                        .as_ref()
                        .is_none_or(|w| key.unmet.0 & w[usize::from(key.family)].0 != 0)
                    && q.below_score.is_none_or(|b| key.score < b)
                    && (search.is_empty()
                        || folded.get(i).contains(search.as_str())
                        || e[i].has_sku(&search))
            })
            .collect();
        // Ties broken by id, so paging never repeats or skips a row.
        fn by<K: Ord>(mut order: Vec<usize>, key: impl Fn(usize) -> K) -> Vec<usize> {
            order.sort_unstable_by_key(|&i| key(i));
            order
        }
        use std::cmp::Reverse;
        match q.sort {
            SortBy::ScoreAsc => by(order, |i| (k[i].score, k[i].id)),
            SortBy::ScoreDesc => by(order, |i| (Reverse(k[i].score), k[i].id)),
            SortBy::Title => {
                // Sorting (title, id, slot) triples side by side beats looking both up at
                // every comparison.
                let mut titled: Vec<(&str, i32, usize)> =
                    order.iter().map(|&i| (folded.get(i), k[i].id, i)).collect();
                titled.sort_unstable();
                titled.into_iter().map(|(_, _, i)| i).collect()
            }
            SortBy::UpdatedDesc => by(order, |i| (Reverse(k[i].updated), k[i].id)),
            SortBy::UpdatedAsc => by(order, |i| (k[i].updated, k[i].id)),
        }
    }

    /// Takes in a listing; `family` names the key's family (its `family` field is set here).
    fn upsert(&mut self, mut key: Key, family: &str, e: Entry) {
        self.generation += 1;
        key.family = self.family_index(family);
        let folded = fold(&e.title);
        let slot = match self.by_id.get(&key.id) {
            Some(&i) => {
                (self.keys[i], self.entries[i]) = (key, e);
                i
            }
            None => {
                self.by_id.insert(key.id, self.keys.len());
                self.keys.push(key);
                self.entries.push(e);
                self.keys.len() - 1
            }
        };
        self.folded.set(slot, &folded);
    }
}

#[derive(Default)]
pub struct CatalogIndex {
    inner: Mutex<Option<Loaded>>,
}

#[derive(FromQueryResult)]
struct IndexRow {
    id: i32,
    title: String,
    family: String,
    state: String,
    /// From `listing_score`; None only if the store lost a listing's score.
    score: Option<i16>,
    complete: Option<bool>,
    unmet: Option<i64>,
    price_minor: Option<i64>,
    currency: String,
    archived_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    review_count: i32,
    facts: String,
}

/// The catalog at a glance, for the dashboard: how complete it is, what is most often missing,
/// which listings need work first and which have gone stale. Archived listings are left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct CatalogHealth {
    pub listings: u32,
    pub complete: u32,
    /// Listings per score band: 0–9, 10–19, …, 90–99, and 100 alone.
    pub bands: Vec<u32>,
    /// Rule ids by how many listings miss them, most first (at most ten).
    pub most_unmet: Vec<RuleCount>,
    /// The lowest scores first (at most ten).
    pub worst: Vec<ListingRow>,
    /// Listings not updated for longer than their family's freshness rule allows (at most ten,
    /// longest untouched first), and how many there are in all.
    pub stale: Vec<ListingRow>,
    pub stale_total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct RuleCount {
    pub rule: String,
    pub listings: u32,
}

impl CatalogIndex {
    /// The loaded index, reloaded first if another process changed listings or rules.
    async fn fresh<C: ConnectionTrait>(
        &self,
        db: &C,
        feed: &ChangeFeed,
    ) -> Result<MutexGuard<'_, Option<Loaded>>> {
        let mut guard = self.inner.lock().await;
        if let Some(loaded) = guard.as_mut() {
            let mut after = loaded.seen_change;
            let foreign = feed.foreign_since(db, &mut after).await?;
            loaded.seen_change = after;
            if foreign
                .iter()
                .any(|c| matches!(c.kind, ChangeKind::Listings | ChangeKind::CompletenessRules))
            {
                *guard = None;
            }
        }
        if guard.is_none() {
            *guard = Some(load(db, feed).await?);
        }
        Ok(guard)
    }

    /// Forgets everything; the next use loads from the store.
    pub async fn invalidate(&self) {
        *self.inner.lock().await = None;
    }

    /// One page of the listings table.
    pub async fn list<C: ConnectionTrait>(
        &self,
        db: &C,
        feed: &ChangeFeed,
        q: &ListingQuery,
    ) -> Result<ListingPage> {
        let mut guard = self.fresh(db, feed).await?;
        let loaded = guard
            .as_mut()
            .ok_or_else(|| Error::Corrupt("catalog index".into()))?;
        let take = q.limit.clamp(1, 1000) as usize;
        let (rows, total) = loaded.view_rows(q, q.offset as usize, take);
        Ok(ListingPage {
            rows,
            total: total as u32,
        })
    }

    /// Every row a query matches, in its order (for export and the CLI); paging is ignored.
    pub async fn all<C: ConnectionTrait>(
        &self,
        db: &C,
        feed: &ChangeFeed,
        q: &ListingQuery,
    ) -> Result<Vec<ListingRow>> {
        let mut guard = self.fresh(db, feed).await?;
        let loaded = guard
            .as_mut()
            .ok_or_else(|| Error::Corrupt("catalog index".into()))?;
        Ok(loaded.view_rows(q, 0, usize::MAX).0)
    }

    /// Scores every listing (of one family, or all) from the facts in memory; returns the ones
    /// whose stored score, completeness or unmet rules would change. Apply them with
    /// [`CatalogIndex::apply_scores`] once written.
    pub async fn rescore<C: ConnectionTrait>(
        &self,
        db: &C,
        feed: &ChangeFeed,
        rules: &RuleSets,
        family: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ScoreUpdate>> {
        let guard = self.fresh(db, feed).await?;
        let Some(loaded) = guard.as_ref() else {
            return Ok(vec![]);
        };
        // The rules per family index, so the loop does not look names up.
        let by_family: Vec<Option<&[Rule]>> = loaded
            .families
            .iter()
            .map(|f| {
                family
                    .is_none_or(|wanted| wanted == f)
                    .then(|| rules.get(f).map_or(&[][..], Vec::as_slice))
            })
            .collect();
        let mut updates = Vec::new();
        for (k, e) in loaded.keys.iter().zip(&loaded.entries) {
            let Some(rules) = by_family[usize::from(k.family)] else {
                continue;
            };
            let s = score(rules, &e.facts, now);
            if (s.score, s.complete, s.unmet) != (k.score, k.complete, k.unmet) {
                updates.push((k.id, s));
            }
        }
        Ok(updates)
    }

    pub async fn health<C: ConnectionTrait>(
        &self,
        db: &C,
        feed: &ChangeFeed,
    ) -> Result<CatalogHealth> {
        let guard = self.fresh(db, feed).await?;
        let Some(loaded) = guard.as_ref() else {
            return Err(Error::Corrupt("catalog index".into()));
        };
        // Per family index, the rules that say a listing has gone stale.
        let fresh_rules: Vec<UnmetSet> = loaded
            .families
            .iter()
            .map(|family| {
                let mut set = UnmetSet::default();
                let rules = loaded.rules.get(family).map_or(&[][..], Vec::as_slice);
                for (k, r) in rules.iter().enumerate() {
                    if matches!(r.check, Check::Fresh { .. }) {
                        set.insert(k);
                    }
                }
                set
            })
            .collect();
        let keys = &loaded.keys;
        let shown: Vec<usize> = (0..keys.len()).filter(|&i| !keys[i].archived).collect();
        let mut bands = vec![0u32; 11];
        let mut unmet: HashMap<&str, u32> = HashMap::new();
        let mut stale: Vec<usize> = Vec::new();
        for &i in &shown {
            let k = &keys[i];
            bands[usize::from(k.score.min(100) / 10)] += 1;
            for id in k.unmet.ids(loaded.family_rules(k)) {
                *unmet.entry(id).or_default() += 1;
            }
            if k.unmet.0 & fresh_rules[usize::from(k.family)].0 != 0 {
                stale.push(i);
            }
        }
        let mut most_unmet: Vec<RuleCount> = unmet
            .into_iter()
            .map(|(rule, listings)| RuleCount {
                rule: rule.to_owned(),
                listings,
            })
            .collect();
        most_unmet.sort_by(|a, b| b.listings.cmp(&a.listings).then(a.rule.cmp(&b.rule)));
        most_unmet.truncate(10);
        let mut worst = shown.clone();
        worst.sort_by_key(|&i| (keys[i].score, keys[i].id));
        stale.sort_by_key(|&i| (keys[i].updated, keys[i].id));
        let stale_total = stale.len() as u32;
        let rows = |v: Vec<usize>| v.into_iter().take(10).map(|i| loaded.row(i)).collect();
        Ok(CatalogHealth {
            listings: shown.len() as u32,
            complete: shown.iter().filter(|&&i| keys[i].complete).count() as u32,
            bands,
            most_unmet,
            worst: rows(worst),
            stale: rows(stale),
            stale_total,
        })
    }

    /// Takes in scores this process wrote, and the rules they were computed with.
    pub async fn apply_scores(&self, updates: Vec<ScoreUpdate>, rules: RuleSets) {
        let mut guard = self.inner.lock().await;
        let Some(loaded) = guard.as_mut() else { return };
        loaded.generation += 1;
        loaded.rules = rules;
        for (id, s) in updates {
            if let Some(&i) = loaded.by_id.get(&id) {
                let k = &mut loaded.keys[i];
                (k.score, k.complete, k.unmet) = (s.score, s.complete, s.unmet);
            }
        }
    }

    /// Takes in a listing this process saved.
    pub async fn upsert(&self, l: &Listing) {
        let mut guard = self.inner.lock().await;
        let Some(loaded) = guard.as_mut() else { return };
        let rules = loaded
            .rules
            .get(&l.input.family)
            .map_or(&[][..], Vec::as_slice);
        let ids: Vec<&str> = l
            .completeness
            .unmet
            .iter()
            .map(|u| u.rule.as_str())
            .collect();
        match UnmetSet::of_ids(rules, &ids) {
            Some(unmet) => {
                let (key, entry) = entry_of(l, unmet);
                loaded.upsert(key, &l.input.family, entry);
            }
            // Scored with rules the index has not seen yet: start again from the store.
            None => *guard = None,
        }
    }

    pub async fn set_archived(&self, id: i32, archived: bool) {
        let mut guard = self.inner.lock().await;
        if let Some(loaded) = guard.as_mut()
            && let Some(&i) = loaded.by_id.get(&id)
        {
            loaded.generation += 1;
            loaded.keys[i].archived = archived;
        }
    }
}

/// A title or search as the search compares it: lower case, and the dotted and dotless i of
/// Turkish and Azerbaijani taken as plain i, so "KİLİM", "KILIM" and "kilim" find each other
/// (plain lower-casing turns İ into i + a combining dot, and I into i, never ı).
fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|&c| c != '\u{307}')
        .map(|c| if c == 'ı' { 'i' } else { c })
        .collect()
}

fn entry_of(l: &Listing, unmet: UnmetSet) -> (Key, Entry) {
    let key = Key {
        unmet,
        updated: l.updated_at.timestamp_micros(),
        id: l.id,
        family: 0,
        score: l.completeness.score,
        state: l.input.state,
        complete: l.completeness.complete,
        archived: l.archived,
    };
    let entry = Entry {
        title: l.input.title.clone(),
        skus: l.input.skus().map(str::to_owned).collect(),
        price_minor: l.input.price.minor,
        currency: l.input.price.currency.clone(),
        exponent: crate::money::exponent(&l.input.price.currency).unwrap_or(2),
        facts: l.input.facts(&l.photos, l.review_count, l.updated_at),
    };
    (key, entry)
}

async fn load<C: ConnectionTrait>(db: &C, feed: &ChangeFeed) -> Result<Loaded> {
    // Read the change log's position first: a change committed while loading is seen again.
    let seen_change = feed.latest_id(db).await?;
    let rules = crate::catalog::completeness::rule_sets::load_all(db).await?;
    let rows = listing::Entity::find()
        .select_only()
        .columns([
            listing::Column::Id,
            listing::Column::Title,
            listing::Column::Family,
            listing::Column::State,
            listing::Column::PriceMinor,
            listing::Column::Currency,
            listing::Column::ArchivedAt,
            listing::Column::UpdatedAt,
            listing::Column::ReviewCount,
            listing::Column::Facts,
        ])
        .column(listing_score::Column::Score)
        .column(listing_score::Column::Complete)
        .column(listing_score::Column::Unmet)
        .join(
            JoinType::LeftJoin,
            listing_score::Relation::Listing.def().rev(),
        )
        .into_model::<IndexRow>()
        .all(db)
        .await?;
    let mut skus: HashMap<i32, Vec<String>> = HashMap::new();
    let variants: Vec<(i32, Option<String>)> = listing_variant::Entity::find()
        .select_only()
        .columns([
            listing_variant::Column::ListingId,
            listing_variant::Column::Sku,
        ])
        .filter(listing_variant::Column::Sku.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    for (id, sku) in variants {
        if let Some(sku) = sku {
            skus.entry(id).or_default().push(sku);
        }
    }
    let mut loaded = Loaded {
        rules,
        seen_change,
        ..Default::default()
    };
    for r in rows {
        let mut facts: Facts = serde_json::from_str(&r.facts)
            .map_err(|_| Error::Corrupt(format!("listing {} completeness facts", r.id)))?;
        facts.review_count = r.review_count.max(0) as u32;
        facts.updated_at = r.updated_at;
        let state = ListingState::parse(&r.state)
            .ok_or_else(|| Error::Corrupt(format!("listing {} state", r.id)))?;
        let (Some(score), Some(complete), Some(unmet)) = (r.score, r.complete, r.unmet) else {
            return Err(Error::Corrupt(format!("listing {} score", r.id)));
        };
        let key = Key {
            unmet: UnmetSet(unmet as u64),
            updated: r.updated_at.timestamp_micros(),
            id: r.id,
            family: 0,
            score: score.clamp(0, 100) as u8,
            state,
            complete,
            archived: r.archived_at.is_some(),
        };
        let entry = Entry {
            title: r.title,
            skus: skus.remove(&r.id).unwrap_or_default(),
            price_minor: r.price_minor.unwrap_or(0),
            exponent: crate::money::exponent(&r.currency).unwrap_or(2),
            currency: r.currency,
            facts,
        };
        loaded.upsert(key, &r.family, entry);
    }
    Ok(loaded)
}
