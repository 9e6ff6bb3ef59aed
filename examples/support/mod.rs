//! What the benchmarks share: bulk seeding by multi-row INSERTs (not the app's path, only to
//! reach a million rows quickly) and latency percentiles.

use std::time::Duration;

use sea_orm::ConnectionTrait;

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
