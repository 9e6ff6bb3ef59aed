//! Where each resource's pull from each account stands, read and written inside the pull's own
//! transactions so that the data and the cursor never disagree.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::error::Result;
use crate::store::entity::sync_cursor;

/// A pull's position. `cursor`: everything changed before it is home. While a pull pages
/// through a window of changes, `window_high` is the newest change it started from and
/// `next_offset` how far it got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    pub cursor: Option<i64>,
    pub window_high: Option<i64>,
    pub next_offset: u64,
}

pub async fn load<C: ConnectionTrait>(db: &C, account: i32, resource: &str) -> Result<Position> {
    Ok(
        sync_cursor::Entity::find_by_id((account, resource.to_owned()))
            .one(db)
            .await?
            .map(|r| Position {
                cursor: r.cursor,
                window_high: r.window_high,
                next_offset: r.next_offset.max(0) as u64,
            })
            .unwrap_or_default(),
    )
}

pub async fn save<C: ConnectionTrait>(
    db: &C,
    account: i32,
    resource: &str,
    p: Position,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = sync_cursor::ActiveModel {
        account_id: Set(account),
        resource: Set(resource.to_owned()),
        cursor: Set(p.cursor),
        window_high: Set(p.window_high),
        next_offset: Set(p.next_offset.min(i64::MAX as u64) as i64),
        synced_at: Set(Some(now)),
    };
    sync_cursor::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                sync_cursor::Column::AccountId,
                sync_cursor::Column::Resource,
            ])
            .update_columns([
                sync_cursor::Column::Cursor,
                sync_cursor::Column::WindowHigh,
                sync_cursor::Column::NextOffset,
                sync_cursor::Column::SyncedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// When `resource` was last pulled from `account`.
pub async fn synced_at<C: ConnectionTrait>(
    db: &C,
    account: i32,
    resource: &str,
) -> Result<Option<DateTime<Utc>>> {
    Ok(
        sync_cursor::Entity::find_by_id((account, resource.to_owned()))
            .one(db)
            .await?
            .and_then(|r| r.synced_at),
    )
}
