//! What the benchmarks share: bulk seeding by multi-row INSERTs (not the app's path, only to
//! reach a million rows quickly) and latency percentiles.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use vefa::{FixedClock, Location, OpenOptions, Vefa};

/// A fresh SQLite store whose clock says `now`: in a temp folder (kept alive by the returned
/// guard), or as `name` in VEFA_BENCH_DIR, kept to look into its query plans afterwards.
pub async fn store(now: DateTime<Utc>, name: &str) -> (tempfile::TempDir, Vefa) {
    let dir = tempfile::tempdir().unwrap();
    let path = match std::env::var_os("VEFA_BENCH_DIR") {
        Some(d) => std::path::PathBuf::from(d).join(name),
        None => dir.path().join("vefa.sqlite"),
    };
    let mut options = OpenOptions::new(Location::Sqlite(path));
    options.clock = Arc::new(FixedClock::new(now));
    (dir, Vefa::open_with(options).await.unwrap())
}

/// A time as the store writes it (SeaORM's text form on SQLite), for seeded rows to compare
/// with the app's own.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

const ROWS_PER_STATEMENT: usize = 500;

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &str,
    n: usize,
    row: impl Fn(usize) -> String,
) {
    let mut i = 0;
    while i < n {
        let end = (i + ROWS_PER_STATEMENT).min(n);
        let rows: Vec<String> = (i..end).map(&row).collect();
        let sql = format!("INSERT INTO {table} ({columns}) VALUES {}", rows.join(","));
        db.execute_unprepared(&sql).await.expect("seed");
        i = end;
    }
}

pub fn percentiles(mut t: Vec<Duration>) -> (f64, f64, f64) {
    t.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| ms(t[((t.len() as f64 * p).ceil() as usize).clamp(1, t.len()) - 1]);
    (at(0.5), at(0.95), ms(*t.last().unwrap()))
}
