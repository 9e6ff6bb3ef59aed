//! A fresh store per test, built by the real migrations: a temp SQLite file, or a new database on
//! the PostgreSQL server named by `VEFA_TEST_POSTGRES_URL` (`cargo xtask test` starts one).

#![allow(dead_code)]

pub mod catalog;
pub mod keyring;
pub mod mail;
pub mod openapi;
pub mod shop;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database, Statement};
use vefa::{Actor, FixedClock, Location, OpenOptions, Vefa};

pub struct TestStore {
    pub location: Location,
    pub media_dir: PathBuf,
    pub clock: Arc<FixedClock>,
    _dir: tempfile::TempDir,
}

impl TestStore {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // A path with a space and non-ASCII letters, as a seller's home folder may have.
        let path = dir.path().join("Mağaza verisi").join("vefa.sqlite");
        Self::with(Location::Sqlite(path), dir)
    }

    pub async fn postgres() -> Self {
        let admin = std::env::var("VEFA_TEST_POSTGRES_URL").expect(
            "VEFA_TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite needs a server \
             (run `cargo xtask test`, which starts one)",
        );
        let name = format!("vefa_test_{}", uuid_like());
        let conn = Database::connect(&admin)
            .await
            .expect("connect to the test PostgreSQL server");
        // FILE_COPY copies the template's files instead of writing them all into the WAL.
        let create = format!("CREATE DATABASE {name} STRATEGY = FILE_COPY");
        // The server refuses a copy of template1 while another session briefly holds it (an
        // autovacuum worker, a neighbour's CREATE DATABASE): try again a few times.
        let mut tries = 0;
        while let Err(e) = conn
            .execute_raw(Statement::from_string(conn.get_database_backend(), &create))
            .await
        {
            tries += 1;
            assert!(tries < 5, "create a fresh test database: {e}");
            eprintln!("create a fresh test database (try {tries}): {e}");
            tokio::time::sleep(std::time::Duration::from_millis(300 * tries)).await;
        }
        conn.close().await.ok();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let dir = tempfile::tempdir().expect("temp dir");
        Self::with(Location::Postgres(format!("{base}/{name}")), dir)
    }

    fn with(location: Location, dir: tempfile::TempDir) -> Self {
        Self {
            location,
            media_dir: dir.path().join("media"),
            clock: Arc::new(FixedClock::new(
                Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap(),
            )),
            _dir: dir,
        }
    }

    /// Opens the store as one process would; call it twice for two processes.
    pub async fn open_as(&self, actor: Actor) -> Vefa {
        let mut options = self.options();
        options.actor = actor;
        Vefa::open_with(options).await.expect("open the test store")
    }

    fn options(&self) -> OpenOptions {
        let mut options = OpenOptions::new(self.location.clone());
        options.media_dir = Some(self.media_dir.clone());
        options.clock = self.clock.clone();
        options
    }

    pub async fn open(&self) -> Vefa {
        self.open_as(Actor::Desktop).await
    }

    /// Opens the store with imports taking `rows` rows per step, to cross chunk boundaries.
    pub async fn open_importing_by(&self, rows: usize) -> Vefa {
        let mut options = self.options();
        options.import_chunk_rows = rows;
        Vefa::open_with(options).await.expect("open the test store")
    }
}

/// A receipt as Etsy documents it (two lines, one without a SKU), from `tests/fixtures/`.
pub fn etsy_receipt() -> serde_json::Value {
    let path = repo().join("tests/fixtures/etsy-receipt.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the receipt fixture"))
        .expect("the receipt fixture is JSON")
}

/// The smallest PNG header `inspect_image` reads: enough for size checks, `salt` makes it unique.
pub fn png_bytes(width: u32, height: u32, salt: u8) -> Vec<u8> {
    let mut v = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, salt, 0, 0, 0]);
    v
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    // The clock alone once gave two tests starting together the same name ("already exists"):
    // a counter tells apart the names one test binary makes.
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{}_{}_{n}", std::process::id(), nanos)
}

/// The repository's root, where the fixtures and helper scripts are: the core's tests and the
/// CLI's (in `crates/vefa-cli`) share these helpers.
pub fn repo() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|d| d.join("tests/fixtures").is_dir())
        .map(PathBuf::from)
        .unwrap_or(here)
}

/// Writes each test twice: once on SQLite, once on PostgreSQL.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::common::TestStore::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::common::TestStore::postgres().await).await
                }
            )*
        }
    };
}

/// The one number a query returns (a count, a sum cast to BIGINT).
pub async fn scalar(v: &Vefa, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let db = v.connection();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row from {sql}"));
    row.try_get_by_index::<i64>(0)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
