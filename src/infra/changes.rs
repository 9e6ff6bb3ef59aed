//! The change feed: every write says what changed (kind, ids, who). In-process listeners hear it at
//! once through a broadcast channel; other processes on the same store (the CLI, a second desk on
//! PostgreSQL) find it in the `change_log` table, which an open window polls cheaply.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::broadcast;

use crate::error::{Error, Result};
use crate::infra::store::entity::change_log;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Profile,
    Settings,
    Media,
    Listings,
    CompletenessRules,
    Orders,
}

impl ChangeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Profile => "profile",
            ChangeKind::Settings => "settings",
            ChangeKind::Media => "media",
            ChangeKind::Listings => "listings",
            ChangeKind::CompletenessRules => "completeness_rules",
            ChangeKind::Orders => "orders",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "profile" => ChangeKind::Profile,
            "settings" => ChangeKind::Settings,
            "media" => ChangeKind::Media,
            "listings" => ChangeKind::Listings,
            "completeness_rules" => ChangeKind::CompletenessRules,
            "orders" => ChangeKind::Orders,
            _ => return None,
        })
    }
}

/// Who made a change: the window, the command line, or the sync engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Desktop,
    Cli,
    Sync,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Desktop => "desktop",
            Actor::Cli => "cli",
            Actor::Sync => "sync",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "cli" => Actor::Cli,
            "sync" => Actor::Sync,
            _ => Actor::Desktop,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Change {
    pub kind: ChangeKind,
    pub ids: Vec<String>,
    pub actor: Actor,
    /// False when the change came from this process.
    pub foreign: bool,
}

/// How long change-log rows are kept: long enough for any open window to have read them.
const KEEP_DAYS: i64 = 7;

pub struct ChangeFeed {
    tx: broadcast::Sender<Change>,
    process: String,
    actor: Actor,
}

impl ChangeFeed {
    pub fn new(actor: Actor) -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self {
            tx,
            process: uuid::Uuid::new_v4().to_string(),
            actor,
        }
    }

    /// Who this process writes as (the timeline of an order names them).
    pub fn actor(&self) -> Actor {
        self.actor
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.tx.subscribe()
    }

    /// Writes the change-log row inside the caller's transaction, so it commits with the change.
    /// Publish the returned change after the commit.
    pub async fn record<C: ConnectionTrait>(
        &self,
        db: &C,
        kind: ChangeKind,
        ids: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        change_log::ActiveModel {
            kind: Set(kind.as_str().to_owned()),
            ids: Set(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
            origin: Set(self.process.clone()),
            actor: Set(self.actor.as_str().to_owned()),
            at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(Change {
            kind,
            ids,
            actor: self.actor,
            foreign: false,
        })
    }

    pub fn publish(&self, change: Change) {
        // No listener is fine: the CLI has none.
        let _ = self.tx.send(change);
    }

    /// The newest change-log id, where a watcher starts.
    pub async fn latest_id<C: ConnectionTrait>(&self, db: &C) -> Result<i64> {
        Ok(change_log::Entity::find()
            .order_by_desc(change_log::Column::Id)
            .one(db)
            .await?
            .map(|m| m.id)
            .unwrap_or(0))
    }

    /// Changes other processes logged after `after`; moves `after` past everything read.
    pub async fn foreign_since<C: ConnectionTrait>(
        &self,
        db: &C,
        after: &mut i64,
    ) -> Result<Vec<Change>> {
        let rows = change_log::Entity::find()
            .filter(change_log::Column::Id.gt(*after))
            .order_by_asc(change_log::Column::Id)
            .limit(1000)
            .all(db)
            .await?;
        let mut changes = Vec::new();
        for row in rows {
            *after = row.id;
            if row.origin == self.process {
                continue;
            }
            let kind = ChangeKind::parse(&row.kind)
                .ok_or_else(|| Error::Corrupt(format!("change log kind {:?}", row.kind)))?;
            let ids: Vec<String> = serde_json::from_str(&row.ids)
                .map_err(|_| Error::Corrupt(format!("change log ids {:?}", row.ids)))?;
            changes.push(Change {
                kind,
                ids,
                actor: Actor::parse(&row.actor),
                foreign: true,
            });
        }
        Ok(changes)
    }

    pub async fn prune<C: ConnectionTrait>(&self, db: &C, now: DateTime<Utc>) -> Result<u64> {
        let cutoff = now - chrono::Duration::days(KEEP_DAYS);
        Ok(change_log::Entity::delete_many()
            .filter(change_log::Column::At.lt(cutoff))
            .exec(db)
            .await?
            .rows_affected)
    }
}
