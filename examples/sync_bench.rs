//! The sync figures: the first sync of a shop with 10 000 orders and 5 000 listings
//! from the sandbox marketplace over loopback (the figure: at most ceil(10k/100) + ceil(5k/100)
//! calls plus a small constant, and ≤ 2 s of CPU in Vefa), then a sync with nothing new (the
//! figure: one call per resource). Listings come from each of Etsy's five listing states (one
//! page at least each), and their pictures are fetched too: those are not API calls (they come
//! from the file host), but their CPU time is counted. The sandbox
//! runs as its own process (`vefa sandbox serve`), so the CPU time measured here is Vefa's
//! alone. `cargo xtask bench` runs it in the release build; it prints, never asserts.
//!
//! `cargo run --release --example sync_bench [ORDERS [LISTINGS]]` (after `cargo build --release
//! --bin vefa`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use vefa::infra::secrets::MemorySecrets;
use vefa::marketplaces::etsy::Patience;
use vefa::{Location, OpenOptions, Vefa};

/// This process's CPU time (all threads, user + system), from /proc: Linux only.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) : utime is the 14th, stime the 15th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields counted from the state (3rd overall) at index 0: utime is index 11, stime 12.
    (ticks(11) + ticks(12)) / 100.0
}

/// One first sync and one with nothing new against a fresh sandbox process.
struct Run {
    first: vefa::sync::SyncReport,
    again: vefa::sync::SyncReport,
    cpu: f64,
    wall: std::time::Duration,
}

async fn run(orders: usize, listings: usize, pictures: bool) -> Run {
    let exe = std::env::current_exe().unwrap();
    let vefa_bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("vefa"))
        .unwrap();
    let mut args = vec![
        "sandbox".to_owned(),
        "serve".into(),
        "--orders".into(),
        orders.to_string(),
        "--listings".into(),
        listings.to_string(),
    ];
    if !pictures {
        args.push("--no-pictures".into());
    }
    let mut sandbox = Command::new(&vefa_bin)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (build it: cargo build --release --bin vefa)",
                vefa_bin.display()
            )
        });
    let mut url = String::new();
    BufReader::new(sandbox.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let v = Vefa::open_with(OpenOptions::new(Location::Sqlite(
        dir.path().join("vefa.sqlite"),
    )))
    .await
    .unwrap();
    let keychain = Arc::new(MemorySecrets::default());
    let req = vefa_sandbox::connect_request(url);
    let account = v
        .connect_marketplace(&req, keychain.as_ref(), vefa_sandbox::approve)
        .await
        .unwrap();

    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let first = v
        .sync_account(account.id, keychain.clone(), Patience::default())
        .await
        .unwrap();
    let (cpu, wall) = (cpu_seconds() - cpu, wall.elapsed());
    let again = v
        .sync_account(account.id, keychain.clone(), Patience::default())
        .await
        .unwrap();
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    Run {
        first,
        again,
        cpu,
        wall,
    }
}

#[tokio::main]
async fn main() {
    let orders: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let listings: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    let bare = run(orders, listings, false).await;
    let full = run(orders, listings, true).await;
    let pages = orders.div_ceil(100) + listings.div_ceil(100);
    let first = &full.first;
    println!(
        "sync, first pull of {orders} orders, {listings} listings: {:>4} calls (ceil(n/100)s = {pages}, + 4 other listing states, + reviews: 60 in one page), {} orders and {} listings new, {} pictures fetched, {} errors",
        first.api_calls,
        first.orders_new,
        first.listings_pulled,
        first.photos_fetched,
        first.errors.len()
    );
    println!(
        "sync, first pull CPU in Vefa:          {:>7.2} s without pictures (wall {:.1} s, paced at 10 calls/s)",
        bare.cpu,
        bare.wall.as_secs_f64()
    );
    println!(
        "sync, first pull CPU in Vefa:          {:>7.2} s with {} pictures fetched and written (wall {:.1} s)",
        full.cpu,
        first.photos_fetched,
        full.wall.as_secs_f64()
    );
    println!(
        "sync, nothing new:                     {:>7} calls (orders, listings, reviews), {} new",
        full.again.api_calls, full.again.orders_new
    );
}
