//! The store: one SQLite file (WAL, foreign keys on) or a PostgreSQL database, migrated on open.
//! A SQLite file is copied with `VACUUM INTO` before any migration touches it.

pub(crate) mod bulk;
pub(crate) mod entity;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use sea_orm_migration::MigratorTrait;
use serde::Serialize;
use specta::Type;
use vefa_migrations::Migrator;

use crate::error::{Error, Result};

/// Where a store lives, parsed from what the user gave (`--db`, `VEFA_DATABASE_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// The full URL (with any password) stays here; `Display` hides the password.
    Postgres(String),
}

impl Location {
    /// `postgres://…` / `postgresql://…` is PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain
    /// path is a SQLite file.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            return Err(Error::StoreOpen {
                location: String::new(),
                reason: "no store location was given".into(),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path == ":memory:" {
            return Err(Error::StoreOpen {
                location: url.to_owned(),
                reason: "the store must be a file, not an in-memory database".into(),
            });
        }
        Ok(Location::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Location::Sqlite(_) => "sqlite",
            Location::Postgres(_) => "postgres",
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// The platform data directory (`~/.local/share/vefa` on Linux, `%APPDATA%\Vefa\data` on Windows,
/// `~/Library/Application Support/app.vefa.desktop` on macOS).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("app", "vefa", "vefa").map(|d| d.data_dir().to_path_buf())
}

/// The store file inside a data directory.
pub fn sqlite_path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("vefa.sqlite")
}

/// What `vefa info` and the settings page show about the store.
#[derive(Debug, Clone, Serialize, Type, PartialEq, Eq)]
pub struct StoreInfo {
    pub location: String,
    pub backend: String,
    /// The newest applied migration.
    pub schema_version: String,
    pub migrations_applied: u32,
    /// The copy taken before this open migrated the file, if it did.
    pub backup: Option<String>,
}

pub(crate) struct Opened {
    pub db: DatabaseConnection,
    pub info: StoreInfo,
}

pub(crate) async fn open(location: &Location, now: DateTime<Utc>) -> Result<Opened> {
    let db = connect(location).await?;
    let backup = migrate::<Migrator>(&db, location, now).await?;
    let applied = Migrator::get_applied_migrations(&db).await?;
    let info = StoreInfo {
        location: location.to_string(),
        backend: location.backend().to_owned(),
        schema_version: applied
            .last()
            .map(|m| m.name().to_owned())
            .unwrap_or_default(),
        migrations_applied: applied.len() as u32,
        backup: backup.map(|p| p.display().to_string()),
    };
    Ok(Opened { db, info })
}

async fn connect(location: &Location) -> Result<DatabaseConnection> {
    let open_error = |reason: String| Error::StoreOpen {
        location: location.to_string(),
        reason,
    };
    let options = match location {
        Location::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| open_error(e.to_string()))?;
            }
            let path = path.clone();
            // The URL only picks the driver; the file name is set directly so that paths with
            // spaces, `?` or non-ASCII letters need no URL escaping.
            let mut options = ConnectOptions::new("sqlite://vefa.sqlite?mode=rwc");
            options
                .map_sqlx_sqlite_opts(move |o| {
                    o.filename(&path)
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                        // Up to 32 MiB of pages per connection (SQLite's default is 2 MiB): a
                        // catalog import writes ~100 MB and spills far less with room.
                        .pragma("cache_size", "-32768")
                })
                .max_connections(4)
                .min_connections(1);
            options
        }
        Location::Postgres(url) => {
            let mut options = ConnectOptions::new(url.clone());
            options.max_connections(5).min_connections(1);
            options
        }
    };
    let mut options = options;
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    Database::connect(options)
        .await
        .map_err(|e| open_error(e.to_string()))
}

/// Runs pending migrations; returns the backup path when a SQLite file with data was migrated.
async fn migrate<M: MigratorTrait>(
    db: &DatabaseConnection,
    location: &Location,
    now: DateTime<Utc>,
) -> Result<Option<PathBuf>> {
    M::install(db).await?;
    let known: Vec<String> = M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let applied = applied_versions(db).await?;
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(Error::StoreTooNew {
            migration: unknown.clone(),
        });
    }
    let pending = known.iter().filter(|k| !applied.contains(k)).count();
    if pending == 0 {
        return Ok(None);
    }
    let backup = match location {
        // A store with no migrations applied yet holds nothing worth a copy.
        Location::Sqlite(path) if !applied.is_empty() => Some(backup_sqlite(db, path, now).await?),
        _ => None,
    };
    M::up(db, None).await?;
    Ok(backup)
}

async fn applied_versions(db: &DatabaseConnection) -> Result<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "version").map_err(Error::from))
        .collect()
}

/// `VACUUM INTO` writes a consistent copy even while other connections read the file.
async fn backup_sqlite(
    db: &DatabaseConnection,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let dir = path
        .parent()
        .map(|p| p.join("backups"))
        .unwrap_or_else(|| PathBuf::from("backups"));
    std::fs::create_dir_all(&dir).map_err(|e| Error::Backup(format!("{}: {e}", dir.display())))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vefa".into());
    let target = dir.join(format!("{stem}-{}.sqlite", now.format("%Y%m%dT%H%M%SZ")));
    let quoted = target.display().to_string().replace('\'', "''");
    db.execute_raw(Statement::from_string(
        DbBackend::Sqlite,
        format!("VACUUM INTO '{quoted}'"),
    ))
    .await
    .map_err(|e| Error::Backup(e.to_string()))?;
    Ok(target)
}

/// Rows per table: for `vefa info` and for tests that check an action wrote nothing.
pub async fn table_counts(
    db: &DatabaseConnection,
) -> Result<std::collections::BTreeMap<String, i64>> {
    let mut counts = std::collections::BTreeMap::new();
    for table in [
        "seller_profile",
        "setting",
        "media",
        "change_log",
        "listing",
        "listing_variant",
        "listing_photo",
        "completeness_rule",
    ] {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await?
            .ok_or_else(|| Error::Corrupt(format!("no count for {table}")))?;
        counts.insert(table.to_owned(), row.try_get::<i64>("", "n")?);
    }
    Ok(counts)
}

/// Ends a write that failed after its first statement: rolls its transaction back at once and
/// returns the error. A dropped transaction is only rolled back when its connection is next
/// used, and until then a SQLite write lock it took stalls every other writer.
/// `CAST(SUM(col) AS BIGINT)`: a sum that decodes as `i64` on SQLite and PostgreSQL alike
/// (PostgreSQL sums a BIGINT column as NUMERIC).
pub fn sum_i64(col: impl sea_orm::sea_query::IntoColumnRef) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, Func};
    Expr::expr(Func::cast_as(Func::sum(Expr::col(col)), "BIGINT"))
}

pub async fn abandon<T>(txn: sea_orm::DatabaseTransaction, e: crate::Error) -> crate::Result<T> {
    txn.rollback().await?;
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        assert_eq!(
            Location::parse("sqlite:///tmp/a b/ş.sqlite?mode=rwc").unwrap(),
            Location::Sqlite("/tmp/a b/ş.sqlite".into())
        );
        assert_eq!(
            Location::parse("shop.sqlite").unwrap(),
            Location::Sqlite("shop.sqlite".into())
        );
        assert!(matches!(
            Location::parse("postgresql://u:p@127.0.0.1/vefa").unwrap(),
            Location::Postgres(_)
        ));
        assert!(Location::parse("sqlite::memory:").is_err());
        assert!(Location::parse("  ").is_err());
    }

    #[test]
    fn postgres_password_is_never_displayed() {
        let loc = Location::parse("postgres://seller:hunter2@127.0.0.1:5432/vefa").unwrap();
        assert_eq!(loc.to_string(), "postgres://seller:***@127.0.0.1:5432/vefa");
    }

    mod backup {
        use super::*;
        use sea_orm_migration::prelude::*;

        struct CreateItems;
        impl MigrationName for CreateItems {
            fn name(&self) -> &str {
                "m20000101_000001_items"
            }
        }
        #[async_trait::async_trait]
        impl MigrationTrait for CreateItems {
            async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
                m.get_connection()
                    .execute_unprepared("CREATE TABLE items (name TEXT NOT NULL)")
                    .await
                    .map(|_| ())
            }
        }

        struct AddPrice;
        impl MigrationName for AddPrice {
            fn name(&self) -> &str {
                "m20000101_000002_price"
            }
        }
        #[async_trait::async_trait]
        impl MigrationTrait for AddPrice {
            async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
                m.get_connection()
                    .execute_unprepared(
                        "ALTER TABLE items ADD COLUMN price INTEGER NOT NULL DEFAULT 0",
                    )
                    .await
                    .map(|_| ())
            }
        }

        struct Old;
        impl MigratorTrait for Old {
            fn migrations() -> Vec<Box<dyn MigrationTrait>> {
                vec![Box::new(CreateItems)]
            }
        }
        struct New;
        impl MigratorTrait for New {
            fn migrations() -> Vec<Box<dyn MigrationTrait>> {
                vec![Box::new(CreateItems), Box::new(AddPrice)]
            }
        }

        #[tokio::test]
        async fn a_file_with_data_is_copied_before_a_migration_changes_it() {
            let dir = tempfile::tempdir().unwrap();
            let location = Location::Sqlite(dir.path().join("shop.sqlite"));
            let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
                .unwrap()
                .to_utc();

            let db = connect(&location).await.unwrap();
            assert_eq!(
                migrate::<Old>(&db, &location, now).await.unwrap(),
                None,
                "fresh file: no backup"
            );
            db.execute_unprepared("INSERT INTO items (name) VALUES ('Kilim 🧶')")
                .await
                .unwrap();
            assert_eq!(
                migrate::<Old>(&db, &location, now).await.unwrap(),
                None,
                "nothing pending: no backup"
            );

            let backup = migrate::<New>(&db, &location, now)
                .await
                .unwrap()
                .expect("a pending migration over data takes a backup");
            assert_eq!(
                backup,
                dir.path()
                    .join("backups")
                    .join("shop-20261122T100000Z.sqlite")
            );
            db.close().await.unwrap();

            // The copy is the store as it was before the migration: the row, and no price column.
            let copy = connect(&Location::Sqlite(backup)).await.unwrap();
            let row = copy
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT * FROM items",
                ))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.try_get::<String>("", "name").unwrap(), "Kilim 🧶");
            assert!(
                row.try_get::<i64>("", "price").is_err(),
                "the backup predates the migration"
            );
        }
    }
}
