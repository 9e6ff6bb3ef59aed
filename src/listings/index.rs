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

use super::model::{Listing, ListingState};
use super::query::{ListingPage, ListingQuery, ListingRow, SortBy};
use super::store::RuleSets;
use crate::changes::{ChangeFeed, ChangeKind};
use crate::completeness::{Check, Facts, Rule, Score, UnmetSet, score};
use crate::error::{Error, Result};
use crate::store::entity::{listing, listing_score, listing_variant};

/// A listing as the index holds it; [`Entry::row`] makes the table's row of it.
struct Entry {
    id: i32,
    title: String,
    family: String,
    state: ListingState,
    score: u8,
    complete: bool,
    /// Against the index's rules (`Loaded::rules`).
    unmet: UnmetSet,
    price_minor: i64,
    currency: String,
    exponent: u32,
    archived: bool,
    updated_at: DateTime<Utc>,
    /// Lower-cased title, for search.
    folded: String,
    skus: Vec<String>,
    /// With the review count and update time the row's own columns hold.
    facts: Facts,
}

impl Entry {
    /// `unmet_rule` is the rule asked for as a set of this entry's family (None: no such
    /// filter; an empty set: the family has no such rule).
    fn matches(&self, q: &ListingQuery, search: &str, unmet_rule: Option<UnmetSet>) -> bool {
        (q.include_archived || !self.archived)
            && q.family.as_ref().is_none_or(|f| &self.family == f)
            && q.state.is_none_or(|s| self.state == s)
            && unmet_rule.is_none_or(|rule| self.unmet.0 & rule.0 != 0)
            && q.below_score.is_none_or(|b| self.score < b)
            && (search.is_empty()
                || self.folded.contains(search)
                || self.skus.iter().any(|s| s.eq_ignore_ascii_case(search)))
    }

    fn row(&self, rules: &RuleSets) -> ListingRow {
        let family_rules = rules.get(&self.family).map(Vec::as_slice).unwrap_or(&[]);
        ListingRow {
            id: self.id,
            title: self.title.clone(),
            family: self.family.clone(),
            state: self.state,
            score: self.score,
            complete: self.complete,
            unmet: self.unmet.ids(family_rules).map(str::to_owned).collect(),
            price_minor: self.price_minor,
            currency: self.currency.clone(),
            exponent: self.exponent,
            archived: self.archived,
            updated_at: self.updated_at,
        }
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
    /// The rules the entries' unmet sets were computed with.
    rules: RuleSets,
    entries: Vec<Entry>,
    by_id: HashMap<i32, usize>,
    /// The change-log id up to which other processes' changes are reflected.
    seen_change: i64,
    generation: u64,
    view: Option<View>,
}

impl Loaded {
    /// The entries a query matches, filtered and sorted; kept while the query and the entries
    /// stay the same, so scrolling through a view costs nothing.
    /// Returns the order (indexes into the entries) with the entries.
    fn view_of(&mut self, q: &ListingQuery) -> (&[usize], &[Entry], &RuleSets) {
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
        let order = self.view.as_ref().map_or(&[][..], |v| &v.order[..]);
        (order, &self.entries, &self.rules)
    }

    fn sorted(&self, q: &ListingQuery) -> Vec<usize> {
        let search = q.search.trim().to_lowercase();
        let e = &self.entries;
        // The rule asked for, per family: a rule id can sit at a different place in each. A
        // handful of families, so a scan beats hashing every entry's family.
        let wanted: Option<Vec<(&str, UnmetSet)>> = q.unmet_rule.as_ref().map(|rule| {
            self.rules
                .iter()
                .map(|(family, rules)| {
                    let set = UnmetSet::of_ids(rules, &[rule]).unwrap_or_default();
                    (family.as_str(), set)
                })
                .collect()
        });
        let rule_of = |family: &str| {
            wanted.as_ref().map(|w| {
                w.iter()
                    .find(|(f, _)| *f == family)
                    .map_or(UnmetSet::default(), |(_, set)| *set)
            })
        };
        let order: Vec<usize> = (0..e.len())
            .filter(|&i| e[i].matches(q, &search, rule_of(&e[i].family)))
            .collect();
        // Ties broken by id, so paging never repeats or skips a row. The keys are copied out
        // beside their index first: sorting compact tuples is several times faster than
        // reaching into the entries at every comparison.
        fn by<K: Ord>(mut order: Vec<usize>, key: impl Fn(usize) -> K) -> Vec<usize> {
            order.sort_unstable_by_key(|&i| key(i));
            order
        }
        use std::cmp::Reverse;
        match q.sort {
            SortBy::ScoreAsc => by(order, |i| (e[i].score, e[i].id)),
            SortBy::ScoreDesc => by(order, |i| (Reverse(e[i].score), e[i].id)),
            SortBy::Title => by(order, |i| (e[i].folded.as_str(), e[i].id)),
            SortBy::UpdatedDesc => by(order, |i| (Reverse(e[i].updated_at), e[i].id)),
            SortBy::UpdatedAsc => by(order, |i| (e[i].updated_at, e[i].id)),
        }
    }

    fn upsert(&mut self, e: Entry) {
        self.generation += 1;
        match self.by_id.get(&e.id) {
            Some(&i) => self.entries[i] = e,
            None => {
                self.by_id.insert(e.id, self.entries.len());
                self.entries.push(e);
            }
        }
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

/// A score a rescore wants written, by listing id.
pub type ScoreUpdate = (i32, Score);

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
        let (order, entries, rules) = loaded.view_of(q);
        let start = (q.offset as usize).min(order.len());
        let end = (start + q.limit.clamp(1, 1000) as usize).min(order.len());
        Ok(ListingPage {
            rows: order[start..end]
                .iter()
                .map(|&i| entries[i].row(rules))
                .collect(),
            total: order.len() as u32,
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
        let (order, entries, rules) = loaded.view_of(q);
        Ok(order.iter().map(|&i| entries[i].row(rules)).collect())
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
        let mut updates = Vec::new();
        for e in &loaded.entries {
            if family.is_some_and(|f| f != e.family) {
                continue;
            }
            let rules = rules.get(&e.family).map(Vec::as_slice).unwrap_or(&[]);
            let s = score(rules, &e.facts, now);
            if (s.score, s.complete, s.unmet) != (e.score, e.complete, e.unmet) {
                updates.push((e.id, s));
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
        let rules = &loaded.rules;
        let no_rules: &[Rule] = &[];
        let family_rules = |family: &str| rules.get(family).map_or(no_rules, Vec::as_slice);
        // Per family, the rules that say a listing has gone stale.
        let fresh_rules: HashMap<&str, UnmetSet> = rules
            .iter()
            .map(|(family, rs)| {
                let mut set = UnmetSet::default();
                for (k, r) in rs.iter().enumerate() {
                    if matches!(r.check, Check::Fresh { .. }) {
                        set.insert(k);
                    }
                }
                (family.as_str(), set)
            })
            .collect();
        let entries: Vec<&Entry> = loaded.entries.iter().filter(|e| !e.archived).collect();
        let mut bands = vec![0u32; 11];
        let mut unmet: HashMap<&str, u32> = HashMap::new();
        let mut stale: Vec<&Entry> = Vec::new();
        for e in &entries {
            bands[usize::from(e.score.min(100) / 10)] += 1;
            for id in e.unmet.ids(family_rules(&e.family)) {
                *unmet.entry(id).or_default() += 1;
            }
            let fresh = fresh_rules
                .get(e.family.as_str())
                .copied()
                .unwrap_or_default();
            if e.unmet.0 & fresh.0 != 0 {
                stale.push(e);
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
        let mut worst = entries.clone();
        worst.sort_by_key(|e| (e.score, e.id));
        stale.sort_by_key(|e| (e.updated_at, e.id));
        let stale_total = stale.len() as u32;
        let rows = |v: Vec<&Entry>| v.into_iter().take(10).map(|e| e.row(rules)).collect();
        Ok(CatalogHealth {
            listings: entries.len() as u32,
            complete: entries.iter().filter(|e| e.complete).count() as u32,
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
                let e = &mut loaded.entries[i];
                (e.score, e.complete, e.unmet) = (s.score, s.complete, s.unmet);
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
            Some(unmet) => loaded.upsert(entry_of(l, unmet)),
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
            loaded.entries[i].archived = archived;
        }
    }
}

fn entry_of(l: &Listing, unmet: UnmetSet) -> Entry {
    Entry {
        id: l.id,
        title: l.input.title.clone(),
        family: l.input.family.clone(),
        state: l.input.state,
        score: l.completeness.score,
        complete: l.completeness.complete,
        unmet,
        price_minor: l.input.price.minor,
        currency: l.input.price.currency.clone(),
        exponent: crate::money::exponent(&l.input.price.currency).unwrap_or(2),
        archived: l.archived,
        updated_at: l.updated_at,
        folded: l.input.title.to_lowercase(),
        skus: l.input.skus().map(str::to_owned).collect(),
        facts: l.input.facts(&l.photos, l.review_count, l.updated_at),
    }
}

async fn load<C: ConnectionTrait>(db: &C, feed: &ChangeFeed) -> Result<Loaded> {
    // Read the change log's position first: a change committed while loading is seen again.
    let seen_change = feed.latest_id(db).await?;
    let rules = crate::completeness::rule_sets::load_all(db).await?;
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
        loaded.upsert(Entry {
            folded: r.title.to_lowercase(),
            skus: skus.remove(&r.id).unwrap_or_default(),
            facts,
            id: r.id,
            title: r.title,
            family: r.family,
            state,
            score: score.clamp(0, 100) as u8,
            complete,
            unmet: UnmetSet(unmet as u64),
            price_minor: r.price_minor.unwrap_or(0),
            exponent: crate::money::exponent(&r.currency).unwrap_or(2),
            currency: r.currency,
            archived: r.archived_at.is_some(),
            updated_at: r.updated_at,
        });
    }
    Ok(loaded)
}
