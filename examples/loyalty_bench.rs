//! The loyalty figure: a buyer's balance and tier over a 1M-entry points
//! ledger (≤ 5 ms), on a fresh SQLite store in a temp folder: 50k buyers, each with orders over
//! two years and their ledger entries, and one buyer with 20k entries of their own. Also the
//! loyalty round (expiry and its warnings) over that ledger, which the desktop runs hourly.
//! `cargo xtask bench` runs it in the release build; it prints, never asserts.
//!
//! `cargo run --release --example loyalty_bench [ENTRIES]`.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use sea_orm::TransactionTrait;

#[path = "support/mod.rs"]
mod support;
use support::{insert, percentiles, stamp, store};

const BUYERS: usize = 50_000;
const HEAVY_ENTRIES: usize = 20_000;

#[tokio::main]
async fn main() {
    let entries: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    let (_dir, v) = store(now, "loyalty.sqlite").await;

    let t = Instant::now();
    let start = Utc.with_ymd_and_hms(2024, 11, 1, 0, 0, 0).unwrap();
    let span = 2 * 365 * 24 * 3600_i64;
    let at =
        |i: usize, n: usize| stamp(start + chrono::Duration::seconds(span * i as i64 / n as i64));
    let txn = v.connection().begin().await.unwrap();
    insert(
        &txn,
        "customer",
        "id, name, email, phone, marketplace, marketplace_buyer_id, language, notes, created_at, updated_at",
        BUYERS,
        |k| {
            let t = at(0, 1);
            format!(
                "({}, 'Alıcı {k}', 'buyer{k}@example.az', NULL, NULL, NULL, 'az', '', '{t}', '{t}')",
                k + 1
            )
        },
    )
    .await;
    // Four orders a buyer, spread over two years: the tier reads the last twelve months.
    let orders = BUYERS * 4;
    insert(
        &txn,
        "sales_order",
        "id, channel, marketplace, marketplace_order_id, customer_id, status, currency, subtotal_minor, shipping_minor, vat_minor, discount_minor, coupon_code, total_minor, address, buyer_note, placed_at, ship_by, confirmed_at, carrier, tracking, created_at, updated_at",
        orders,
        |i| {
            let t = at(i, orders);
            let status = if i % 17 == 0 { "refunded" } else { "completed" };
            format!(
                "({}, 'phone', NULL, NULL, {}, '{status}', 'AZN', 25000, 500, 0, 0, NULL, 25500, '{{}}', '', '{t}', NULL, NULL, NULL, NULL, '{t}', '{t}')",
                i + 1,
                i % BUYERS + 1
            )
        },
    )
    .await;
    // The ledger: the heavy buyer's entries, then the rest spread over everyone.
    let rest = entries.saturating_sub(HEAVY_ENTRIES);
    insert(
        &txn,
        "loyalty_entry",
        "customer_id, points, kind, reason, source_key, reverses, at",
        entries,
        |i| {
            let (customer, kind, points) = if i < HEAVY_ENTRIES {
                (
                    1,
                    if i % 5 == 4 { "redemption" } else { "order" },
                    if i % 5 == 4 { -40 } else { 25 },
                )
            } else {
                let k = i - HEAVY_ENTRIES;
                (
                    k % BUYERS + 1,
                    if k % 9 == 8 { "redemption" } else { "order" },
                    if k % 9 == 8 { -10 } else { 25 },
                )
            };
            format!(
                "({customer}, {points}, '{kind}', 'seed', 'seed:{i}', NULL, '{}')",
                at(i, entries)
            )
        },
    )
    .await;
    txn.commit().await.unwrap();
    println!("\n=== Loyalty ({entries} ledger entries, {BUYERS} buyers, {orders} orders, SQLite)");
    println!(
        "seeding (bulk SQL, not the app's path): {:>7.1} s ({rest} spread, {HEAVY_ENTRIES} for one buyer)",
        t.elapsed().as_secs_f64()
    );

    for (what, customers) in [
        (
            "balance + tier, 1000 buyers",
            (0..1000).map(|k| k * 47 % BUYERS + 1).collect::<Vec<_>>(),
        ),
        ("balance + tier, the 20k-entry buyer", vec![1; 200]),
    ] {
        let mut times = Vec::with_capacity(customers.len());
        for &c in &customers {
            let t = Instant::now();
            let s = v.loyalty_standing(c as i32).await.unwrap();
            times.push(t.elapsed());
            std::hint::black_box(s);
        }
        let (p50, p95, max) = percentiles(times);
        println!("  {what:<38} p50 {p50:>6.2} ms  p95 {p95:>6.2} ms  max {max:>6.2} ms");
    }
    let s = v.loyalty_standing(1).await.unwrap();
    println!(
        "  (buyer 1: {} points, tier {})",
        s.balance,
        s.tier.map(|t| t.name).unwrap_or_default()
    );
    // The desktop's hourly round: its search of the ledger for idle buyers reads outside the
    // write transaction; the rest (none here: every seeded buyer is active) writes.
    for round in ["first", "again (nothing new)"] {
        let t = Instant::now();
        let h = v.loyalty_housekeeping().await.unwrap();
        println!(
            "  loyalty round, {round:<22} {:>8.1} ms  ({} expired, {} warned)",
            t.elapsed().as_secs_f64() * 1e3,
            h.expired,
            h.warned
        );
    }
    v.close().await.unwrap();
}
