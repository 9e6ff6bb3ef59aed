//! The one way the façade writes: a transaction begun with an explicit lock mode, the step run
//! in it, and then either everything that follows a good step — record what changed, commit,
//! bring the catalog index up to date, tell listeners — or an immediate roll-back.
//!
//! Why roll back at once rather than drop the transaction: on SQLite a refused step may already
//! hold the write lock, and the next write would wait for the dropped transaction to get to it.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, SqliteTransactionMode, TransactionOptions, TransactionTrait};

use super::Vefa;
use crate::catalog::completeness::RuleSets;
use crate::catalog::listings::{Listing, ScoreUpdate};
use crate::error::Result;
use crate::infra::changes::ChangeKind;
use crate::infra::store;

/// Above this many listings changed at once, the catalog index is reloaded on its next use
/// instead of reading each listing back.
const CATALOG_UPSERTS: usize = 20;

/// When SQLite takes the write lock (PostgreSQL's transactions need no such choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// At the start: for a step that reads and then writes what it read. A deferred one that
    /// another desk's commit overtook between its read and its write could not commit
    /// ("database is locked"); an immediate one waits its turn instead.
    Immediate,
    /// At the first write: for a step whose writes do not depend on what it read.
    Deferred,
}

/// What the catalog index needs once a write has committed.
#[derive(Debug, Default)]
enum Catalog {
    #[default]
    Untouched,
    /// These listings changed: read back and put in the index (a reload for many).
    Refresh(Vec<i32>),
    /// This listing as it was just saved.
    Upsert(Box<Listing>),
    /// Many listings at once: the index reloads on its next use.
    Reload,
    Archived(i32, bool),
    Scores(Vec<ScoreUpdate>, RuleSets),
}

/// What a write changed: the change-feed entries recorded in its transaction (and published
/// after the commit) and what the catalog index must take in.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    records: Vec<(ChangeKind, Vec<String>)>,
    catalog: Catalog,
}

impl Changes {
    /// Nothing any window needs to hear of.
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// Something of `kind` changed, without naming which.
    pub(crate) fn of(kind: ChangeKind) -> Self {
        Self::none().and(kind, Vec::<i32>::new())
    }

    /// Also records a change of `kind` naming `ids` (recorded even when `ids` is empty).
    pub(crate) fn and<I: ToString>(
        mut self,
        kind: ChangeKind,
        ids: impl IntoIterator<Item = I>,
    ) -> Self {
        let ids = ids.into_iter().map(|i| i.to_string()).collect();
        self.records.push((kind, ids));
        self
    }

    /// Orders `ids` changed; nothing is recorded when there are none.
    pub(crate) fn orders(self, ids: &[i32]) -> Self {
        if ids.is_empty() {
            return self;
        }
        self.and(ChangeKind::Orders, ids)
    }

    /// Listings `ids` changed (stock, score, a sync): recorded, and read back into the catalog
    /// index after the commit; nothing when there are none.
    pub(crate) fn listings(mut self, ids: Vec<i32>) -> Self {
        if ids.is_empty() {
            return self;
        }
        self = self.and(ChangeKind::Listings, &ids);
        self.catalog = Catalog::Refresh(ids);
        self
    }

    /// Listing `saved` as the write left it, for the catalog index.
    pub(crate) fn upsert(mut self, saved: Listing) -> Self {
        self.catalog = Catalog::Upsert(Box::new(saved));
        self
    }

    /// Many listings changed at once: the index reloads them on its next use.
    pub(crate) fn reload_catalog(mut self) -> Self {
        self.catalog = Catalog::Reload;
        self
    }

    pub(crate) fn archived(mut self, id: i32, archived: bool) -> Self {
        self.catalog = Catalog::Archived(id, archived);
        self
    }

    /// New completeness scores (and the rules they were scored by) for the index.
    pub(crate) fn scores(mut self, updates: Vec<ScoreUpdate>, rules: RuleSets) -> Self {
        self.catalog = Catalog::Scores(updates, rules);
        self
    }
}

/// A write in progress: its transaction and the moment it happens.
pub(crate) struct Write<'v> {
    vefa: &'v Vefa,
    pub(crate) txn: DatabaseTransaction,
    pub(crate) now: DateTime<Utc>,
}

impl Vefa {
    /// Begins a write now, taking SQLite's write lock as `lock` says.
    pub(crate) async fn begin_write(&self, lock: Lock) -> Result<Write<'_>> {
        self.begin_write_at(lock, self.clock.now()).await
    }

    /// Begins a write that happens at `now` (a step that read the clock before it began).
    pub(crate) async fn begin_write_at(&self, lock: Lock, now: DateTime<Utc>) -> Result<Write<'_>> {
        let txn = match lock {
            Lock::Immediate => {
                self.db
                    .begin_with_options(TransactionOptions {
                        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await?
            }
            Lock::Deferred => self.db.begin().await?,
        };
        Ok(Write {
            vefa: self,
            txn,
            now,
        })
    }
}

impl Write<'_> {
    /// Ends the write: when `done` is good, records `changes`, commits, updates the catalog
    /// index and publishes; when it failed, rolls back at once (see [`Write::finish_with`]).
    pub(crate) async fn finish<T>(self, done: Result<T>, changes: Changes) -> Result<T> {
        self.finish_with(done, |v| (v, changes)).await
    }

    /// Ends the write. When `done` is good: splits it into the answer and what changed, records
    /// the changes, commits, updates the catalog index and publishes the changes, in that
    /// order, and gives the answer back. When it failed: rolls back at once and gives the error
    /// back.
    pub(crate) async fn finish_with<T, R>(
        self,
        done: Result<T>,
        split: impl FnOnce(T) -> (R, Changes),
    ) -> Result<R> {
        let (value, Changes { records, catalog }) = match done {
            Ok(v) => split(v),
            Err(e) => return store::abandon(self.txn, e).await,
        };
        let mut recorded = Vec::with_capacity(records.len());
        for (kind, ids) in records {
            recorded.push(
                self.vefa
                    .feed
                    .record(&self.txn, kind, ids, self.now)
                    .await?,
            );
        }
        self.txn.commit().await?;
        let index = &self.vefa.catalog;
        match catalog {
            Catalog::Untouched => {}
            Catalog::Refresh(ids) if ids.len() > CATALOG_UPSERTS => index.invalidate().await,
            Catalog::Refresh(ids) => {
                for id in ids {
                    let saved = self.vefa.listing(id).await?;
                    index.upsert(&saved).await;
                }
            }
            Catalog::Upsert(saved) => index.upsert(&saved).await,
            Catalog::Reload => index.invalidate().await,
            Catalog::Archived(id, archived) => index.set_archived(id, archived).await,
            Catalog::Scores(updates, rules) => index.apply_scores(updates, rules).await,
        }
        for change in recorded {
            self.vefa.feed.publish(change);
        }
        Ok(value)
    }

    /// Rolls back: a dry run, or a step that decided to keep nothing.
    pub(crate) async fn rollback(self) -> Result<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}
