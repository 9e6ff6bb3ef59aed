//! Opening and migrating the store, on a real SQLite file and on PostgreSQL.

use crate::common;

use common::TestStore;
use sea_orm::{ConnectionTrait, Statement};
use vefa::{Error, Location};

async fn opening_migrates_and_reports_the_schema_version(store: TestStore) {
    let vefa = store.open().await;
    let info = vefa.info().clone();
    assert_eq!(info.migrations_applied, 18);
    assert_eq!(info.schema_version, "m20261204_000018_customer_care");
    assert_eq!(info.backup, None, "a new store has nothing to back up");
    vefa.close().await.unwrap();

    let again = store.open().await;
    assert_eq!(
        again.info().schema_version,
        info.schema_version,
        "reopening changes nothing"
    );
    assert_eq!(again.info().backup, None, "no pending migration, no backup");
}

async fn a_store_from_a_newer_version_is_refused(store: TestStore) {
    let vefa = store.open().await;
    vefa.connection()
        .execute_raw(Statement::from_string(
            vefa.connection().get_database_backend(),
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)",
        ))
        .await
        .unwrap();
    vefa.close().await.unwrap();
    let mut options = vefa::OpenOptions::new(store.location.clone());
    options.media_dir = Some(store.media_dir.clone());
    match vefa::Vefa::open_with(options).await {
        Err(Error::StoreTooNew { migration }) => assert_eq!(migration, "m20991231_000001_future"),
        Err(other) => panic!("expected StoreTooNew, got {other:?}"),
        Ok(_) => panic!("a store with an unknown migration must not be opened"),
    }
}

on_both_stores!(
    opening_migrates_and_reports_the_schema_version,
    a_store_from_a_newer_version_is_refused,
);

async fn pragma(vefa: &vefa::Vefa, name: &str) -> String {
    let row = vefa
        .connection()
        .query_one_raw(Statement::from_string(
            vefa.connection().get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .map(|v| v.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .unwrap()
}

#[tokio::test]
async fn sqlite_store_uses_wal_foreign_keys_and_a_busy_timeout() {
    let store = TestStore::sqlite().await;
    let vefa = store.open().await;
    assert_eq!(pragma(&vefa, "journal_mode").await, "wal");
    assert_eq!(
        pragma(&vefa, "foreign_keys").await,
        "1",
        "foreign keys must be enforced"
    );
    assert_eq!(pragma(&vefa, "busy_timeout").await, "10000");
    let Location::Sqlite(path) = &store.location else {
        unreachable!()
    };
    assert!(
        path.exists(),
        "the store file is created, even in a folder that did not exist"
    );
}

#[tokio::test]
async fn sqlite_schema_matches_the_snapshot() {
    let store = TestStore::sqlite().await;
    let vefa = store.open().await;
    let rows = vefa
        .connection()
        .query_all_raw(Statement::from_string(
            vefa.connection().get_database_backend(),
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
        ))
        .await
        .unwrap();
    let schema: String = rows
        .iter()
        .map(|r| format!("{};\n", r.try_get_by_index::<String>(0).unwrap()))
        .collect();
    let snapshot = common::repo().join("tests/snapshots/schema-sqlite.sql");
    if std::env::var_os("VEFA_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &schema).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).expect("the schema snapshot is committed");
    assert_eq!(
        schema, expected,
        "the schema after all migrations changed; if on purpose, rerun with VEFA_UPDATE_SNAPSHOTS=1 and commit the snapshot"
    );
}
