//! Where each resource's pull from each account stands, read and written inside the pull's own
//! transactions so that the data and the cursor never disagree.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::error::Result;
use crate::infra::store::entity::sync_cursor;

/// A pull's position. `cursor`: everything changed before it is home. While a pull pages
/// through a window of changes, `window_high` is the newest change it started from and
/// `next_offset` how far it got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    pub cursor: Option<i64>,
    pub window_high: Option<i64>,
    pub next_offset: u64,
}

impl Position {
    /// Where a pull stands after a page of `read` items out of `total`, whose newest change is
    /// `newest`; `reached_home` when the page came to items already brought home. When the pull
    /// is done (the second value), the cursor moves to the newest change it saw and the next
    /// pull starts afresh from there.
    pub fn advance(
        self,
        read: u64,
        total: u64,
        newest: Option<i64>,
        reached_home: bool,
    ) -> (Self, bool) {
        let mut next = self;
        next.window_high = next.window_high.max(newest).or(self.cursor);
        next.next_offset += read;
        let done = reached_home || read == 0 || next.next_offset >= total;
        if done {
            next = Position {
                cursor: next.window_high.max(self.cursor),
                window_high: None,
                next_offset: 0,
            };
        }
        (next, done)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pull_pages_on_then_moves_its_cursor_to_the_newest_change() {
        let start = Position {
            cursor: Some(100),
            ..Default::default()
        };
        let (p, done) = start.advance(100, 250, Some(180), false);
        assert!(!done);
        assert_eq!(
            (p.cursor, p.window_high, p.next_offset),
            (Some(100), Some(180), 100)
        );
        // Older pages do not lower the newest change.
        let (p, done) = p.advance(100, 250, Some(150), false);
        assert_eq!(
            (done, p.window_high, p.next_offset),
            (false, Some(180), 200)
        );
        let (p, done) = p.advance(50, 250, Some(120), false);
        assert!(done);
        assert_eq!(
            p,
            Position {
                cursor: Some(180),
                window_high: None,
                next_offset: 0
            }
        );
        // Nothing new: the cursor stays; an item already home ends the pull at once.
        assert_eq!(start.advance(0, 0, None, false), (start, true));
        assert_eq!(start.advance(3, 40, Some(100), true).0.cursor, Some(100));
    }
}
