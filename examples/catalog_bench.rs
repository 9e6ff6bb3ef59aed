//! The catalog figures, on a fresh SQLite store in a temp folder: importing a
//! 100k-row CSV, recomputing every listing's completeness, and one filtered, sorted page of the
//! listings table. `cargo xtask bench` runs it in the release build; it prints, never asserts.
//!
//! `cargo run --release --example catalog_bench [ROWS]`; `VEFA_BENCH_IMPORT_ONLY=1` stops after
//! the first import, `VEFA_BENCH_CHUNK=N` imports N rows per step, `VEFA_BENCH_DIR=D` keeps the
//! store and the CSV file in D.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use vefa::catalog::completeness::{Check, FAMILIES, Rule};
use vefa::catalog::listings::{ListingQuery, SortBy};
use vefa::{FixedClock, Location, OpenOptions, Vefa};

/// A catalog as a seller's would look: most rows partly complete, in several scripts.
fn catalog_csv(rows: usize) -> String {
    let mut s = String::from(
        "title,description,family,state,tags,materials,specs,price,currency,vat_rate,shipping_cost,delivery_days_min,delivery_days_max,variants\n",
    );
    let titles = [
        "Hand-woven wool kilim",
        "Mis masa lampası",
        "دیوان حافظ، چاپ سنگی",
        "Ahşap oyuncak tren",
        "Cotton tee",
    ];
    for i in 0..rows {
        let title = titles[i % titles.len()];
        let description =
            "Made by hand in a small workshop; every piece differs a little. ".repeat(1 + i % 5);
        let family = FAMILIES[i % FAMILIES.len()];
        let state = ["active", "draft", "inactive", "sold_out"][(i / 6) % 4];
        let specs = if i % 3 == 0 {
            r#"[{""name"":""Size"",""value"":""120 cm""},{""name"":""Weight"",""value"":""2 kg""},{""name"":""Colour"",""value"":""red""}]"#
        } else {
            "[]"
        };
        let vat = if i % 2 == 0 { "18" } else { "" };
        let ship = if i % 5 != 0 { "4.50" } else { "" };
        let _ = writeln!(
            s,
            "\"{title} {i}\",\"{description}\",{family},{state},\"[\"\"gift\"\",\"\"handmade\"\"]\",\"[\"\"wool\"\"]\",\"{specs}\",{}.{:02},EUR,{vat},{ship},2,5,\"[{{\"\"sku\"\":\"\"SKU-{i:06}\"\",\"\"options\"\":[],\"\"price_override_minor\"\":null,\"\"quantity\"\":{},\"\"barcode\"\":\"\"\"\"}}]\"",
            10 + i % 90,
            i % 100,
            i % 7
        );
    }
    s
}

/// A query in a few words, for the per-query figures.
fn describe(q: &ListingQuery) -> String {
    let mut parts = vec![format!("sort {:?}", q.sort)];
    if let Some(r) = &q.unmet_rule {
        parts.push(format!("missing {r}"));
    }
    if let Some(f) = &q.family {
        parts.push(format!("family {f}"));
    }
    if let Some(s) = q.state {
        parts.push(format!("state {s:?}"));
    }
    if !q.search.is_empty() {
        parts.push(format!("search “{}”", q.search));
    }
    if let Some(b) = q.below_score {
        parts.push(format!("below {b}"));
    }
    if q.offset > 0 {
        parts.push(format!("offset {}", q.offset));
    }
    parts.join(", ")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    // VEFA_BENCH_DIR keeps the store for a look with sqlite3 afterwards.
    let temp = tempfile::tempdir()?;
    let dir = match std::env::var_os("VEFA_BENCH_DIR") {
        Some(d) => {
            let d = std::path::PathBuf::from(d);
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d)?;
            d
        }
        None => temp.path().to_path_buf(),
    };
    let csv_path = dir.join("catalog.csv");
    std::fs::write(&csv_path, catalog_csv(rows))?;
    let size_mb = std::fs::metadata(&csv_path)?.len() as f64 / 1e6;

    let clock = std::sync::Arc::new(FixedClock::new(chrono::Utc::now()));
    let mut options = OpenOptions::new(Location::Sqlite(dir.join("bench.sqlite")));
    options.clock = clock.clone();
    if let Some(n) = std::env::var("VEFA_BENCH_CHUNK")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        options.import_chunk_rows = n;
    }
    let vefa = Vefa::open_with(options).await?;

    let t = Instant::now();
    let summary = vefa
        .import_listings(&csv_path, None, false, false, &|_, _| {})
        .await?;
    let import = t.elapsed();
    assert_eq!(
        summary.imported as usize,
        rows,
        "{:?}",
        summary.rejected.first()
    );

    if std::env::var_os("VEFA_BENCH_IMPORT_ONLY").is_some() {
        println!("import {rows} rows: {:.0} ms", ms(import));
        return Ok(());
    }

    let t = Instant::now();
    let summary = vefa
        .import_listings(&csv_path, None, false, false, &|_, _| {})
        .await?;
    let reimport = t.elapsed();
    assert_eq!(summary.updated as usize, rows);

    // The first question after an import loads the catalog index from the store.
    let t = Instant::now();
    vefa.listings(&ListingQuery::default()).await?;
    let index_load = t.elapsed();

    // A full recompute that changes nothing reads and scores every listing; one after a rule
    // change also writes most scores.
    let t = Instant::now();
    vefa.recompute_completeness().await?;
    let recompute = t.elapsed();
    clock.advance(chrono::Duration::days(400));
    let t = Instant::now();
    let changed = vefa.recompute_completeness().await?;
    let recompute_writes = t.elapsed();

    let queries = [
        ListingQuery {
            sort: SortBy::ScoreAsc,
            unmet_rule: Some("shipping".into()),
            ..Default::default()
        },
        ListingQuery {
            sort: SortBy::ScoreDesc,
            family: Some("electronics".into()),
            state: Some(vefa::catalog::listings::ListingState::Active),
            offset: 2_000,
            ..Default::default()
        },
        ListingQuery {
            sort: SortBy::Title,
            search: "kilim".into(),
            below_score: Some(80),
            ..Default::default()
        },
        ListingQuery {
            sort: SortBy::UpdatedDesc,
            offset: rows as u32 / 2,
            ..Default::default()
        },
    ];
    // Each query differs from the one before, so every one filters and sorts from scratch;
    // the next page of the same view (scrolling) is timed apart.
    let mut page_times = Vec::new();
    let mut scroll_times = Vec::new();
    let mut worst = Duration::ZERO;
    let mut per_query = vec![Vec::new(); queries.len()];
    for round in 0..20 {
        for (k, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let page = vefa.listings(q).await?;
            let d = t.elapsed();
            assert!(page.total > 0, "{q:?} matches nothing");
            let next = ListingQuery {
                offset: q.offset + 100,
                ..q.clone()
            };
            let t = Instant::now();
            vefa.listings(&next).await?;
            let scroll = t.elapsed();
            if round > 0 {
                per_query[k].push(d);
                page_times.push(d);
                scroll_times.push(scroll);
                worst = worst.max(d);
            }
        }
    }

    // What the seller's edit of a family's rules costs: rescoring that family.
    let mut rules = vefa.completeness_rules().await?["electronics"].clone();
    rules.push(Rule {
        id: "bench_extra".into(),
        check: Check::Description { min_chars: 500 },
        required: false,
        weight: 1,
    });
    let t = Instant::now();
    vefa.save_family_rules("electronics", &rules).await?;
    let family_rescore = t.elapsed();

    println!("catalog ({rows} listings, CSV {size_mb:.1} MB, SQLite in a temp folder):");
    println!(
        "  import {rows} rows (new listings):        {:>8.0} ms",
        ms(import)
    );
    println!(
        "  re-import the same file (all updates):  {:>8.0} ms",
        ms(reimport)
    );
    println!(
        "  catalog index load (first list after it): {:>7.0} ms",
        ms(index_load)
    );
    println!(
        "  completeness recompute, nothing changes: {:>7.0} ms",
        ms(recompute)
    );
    println!(
        "  completeness recompute, {changed} change:  {:>7.0} ms",
        ms(recompute_writes)
    );
    println!(
        "  filtered, sorted page of 100 rows:      {:>8.2} ms median, {:.2} ms worst",
        ms(median(page_times)),
        ms(worst)
    );
    for (q, times) in queries.iter().zip(per_query) {
        println!(
            "    {:<58} {:>6.2} ms median",
            describe(q),
            ms(median(times))
        );
    }
    println!(
        "  next page of the same view (scrolling):  {:>8.3} ms median",
        ms(median(scroll_times))
    );
    println!(
        "  electronics rules edited, family rescored: {:>5.0} ms",
        ms(family_rescore)
    );
    vefa.close().await?;
    Ok(())
}
