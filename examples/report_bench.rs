//! The weekly-review figure: the review of a week (with the week before) over a
//! million orders (≤ 500 ms), on a fresh SQLite store in a temp folder. Two years of a busy
//! shop: 1M orders from 200k buyers, each confirmed, most shipped with a ship-by date and a
//! timeline event, follow-ups, complaints, problems and ledger entries spread over the years.
//! `cargo xtask bench` runs it in the release build; it prints, never asserts.
//!
//! `cargo run --release --example report_bench [ORDERS]`.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use sea_orm::TransactionTrait;
use vefa::reports::IsoWeek;
#[path = "support/mod.rs"]
mod support;
use support::{insert, percentiles, stamp, store};

const BUYERS: usize = 200_000;

#[tokio::main]
async fn main() {
    let orders: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let (_dir, v) = store(now, "review.sqlite").await;

    let t = Instant::now();
    let start = Utc.with_ymd_and_hms(2024, 11, 25, 0, 0, 0).unwrap();
    let span = 2 * 364 * 24 * 3600_i64;
    let ts = |i: usize, n: usize, plus_min: i64| {
        stamp(
            start
                + chrono::Duration::seconds(span * i as i64 / n as i64)
                + chrono::Duration::minutes(plus_min),
        )
    };
    let buyers = BUYERS.min(orders);
    let txn = v.connection().begin().await.unwrap();
    insert(
        &txn,
        "customer",
        "id, name, email, phone, marketplace, marketplace_buyer_id, language, notes, created_at, updated_at",
        buyers,
        |k| {
            let t = ts(0, 1, 0);
            format!(
                "({}, 'Alıcı {k}', 'buyer{k}@example.az', NULL, NULL, NULL, 'az', '', '{t}', '{t}')",
                k + 1
            )
        },
    )
    .await;
    insert(
        &txn,
        "sales_order",
        "id, channel, marketplace, marketplace_order_id, customer_id, status, currency, subtotal_minor, shipping_minor, vat_minor, discount_minor, coupon_code, total_minor, address, buyer_note, placed_at, ship_by, confirmed_at, carrier, tracking, created_at, updated_at",
        orders,
        |i| {
            let placed = ts(i, orders, 0);
            let status = match i % 23 {
                0 => "cancelled",
                1 => "refunded",
                _ => "completed",
            };
            format!(
                "({}, 'phone', NULL, NULL, {}, '{status}', 'AZN', 25000, 500, 0, 0, NULL, 25500, '{{}}', '', '{placed}', '{}', '{}', NULL, NULL, '{placed}', '{placed}')",
                i + 1,
                (i * 7919) % buyers + 1,
                ts(i, orders, 2 * 24 * 60),
                ts(i, orders, (i % 240) as i64),
            )
        },
    )
    .await;
    // The move to "shipped", a day and a bit after placing: some after the ship-by date.
    insert(
        &txn,
        "order_event",
        "order_id, at, actor, kind, status_from, status_to, detail",
        orders,
        |i| {
            format!(
                "({}, '{}', 'desktop', 'status', 'ready_to_ship', 'shipped', '{{}}')",
                i + 1,
                ts(i, orders, 26 * 60 + (i % 1800) as i64),
            )
        },
    )
    .await;
    let followed = orders / 2;
    insert(
        &txn,
        "follow_up",
        "order_id, customer_id, delivered_at, sent_at, answered_at, score, comment",
        followed,
        |k| {
            let i = k * 2;
            let answered = if k % 3 == 0 {
                format!("'{}', {}", ts(i, orders, 7 * 24 * 60), k % 5 + 1)
            } else {
                "NULL, NULL".into()
            };
            format!(
                "({}, {}, '{}', '{}', {answered}, '')",
                i + 1,
                (i * 7919) % buyers + 1,
                ts(i, orders, 4 * 24 * 60),
                ts(i, orders, 7 * 24 * 60 - 60),
            )
        },
    )
    .await;
    let complaints = orders / 50;
    let categories = ["late", "damaged", "wrong_item", "hidden_costs", "other"];
    insert(
        &txn,
        "feedback",
        "kind, category, customer_id, order_id, text, staff_name, action, compensation, status, opened_at, resolved_at",
        complaints,
        |k| {
            let i = k * 50;
            format!(
                "('complaint', '{}', {}, {}, 'seed', NULL, 'done', '', 'resolved', '{}', '{}')",
                categories[k % categories.len()],
                (i * 7919) % buyers + 1,
                i + 1,
                ts(i, orders, 8 * 24 * 60),
                ts(i, orders, 8 * 24 * 60 + (k % 72) as i64 * 60),
            )
        },
    )
    .await;
    insert(
        &txn,
        "order_problem",
        "order_id, kind, note, opened_at, resolved_at, resolution",
        complaints,
        |k| {
            let i = k * 50 + 7;
            format!(
                "({}, 'delayed', 'seed', '{}', NULL, NULL)",
                i + 1,
                ts(i, orders, 60)
            )
        },
    )
    .await;
    insert(
        &txn,
        "loyalty_entry",
        "customer_id, points, kind, reason, source_key, reverses, at",
        orders,
        |i| {
            let (kind, points) = if i % 9 == 8 {
                ("redemption", -100)
            } else {
                ("order", 255)
            };
            format!(
                "({}, {points}, '{kind}', 'seed', 'seed:{i}', NULL, '{}')",
                (i * 7919) % buyers + 1,
                ts(i, orders, 5 * 24 * 60)
            )
        },
    )
    .await;
    txn.commit().await.unwrap();
    println!(
        "\n=== Weekly review ({orders} orders, {buyers} buyers, {orders} events, {followed} follow-ups, {complaints} complaints and problems, {orders} ledger entries, SQLite)"
    );
    println!(
        "seeding (bulk SQL, not the app's path): {:>7.1} s",
        t.elapsed().as_secs_f64()
    );

    // Every other week of the two years, and the last one twice more (a warm cache).
    let last = IsoWeek::of(now, chrono_tz::Tz::UTC).previous();
    let mut weeks = vec![last, last, last];
    let mut w = last;
    for k in 0..100 {
        w = w.previous();
        if k % 2 == 0 {
            weeks.push(w);
        }
    }
    let mut times = Vec::with_capacity(weeks.len());
    let mut sample = None;
    for &w in &weeks {
        let t = Instant::now();
        let r = v.weekly_review(Some(w)).await.unwrap();
        times.push(t.elapsed());
        sample.get_or_insert(r);
    }
    let (p50, p95, max) = percentiles(times);
    println!(
        "  weekly review, {} weeks                 p50 {p50:>6.1} ms  p95 {p95:>6.1} ms  max {max:>6.1} ms",
        weeks.len()
    );
    let r = sample.unwrap();
    let f = &r.this_week;
    println!(
        "  ({}: {} orders, {} buyers, confirm p50 {:?} min, dispatch on time {:.0} %, {} complaints, satisfaction {:.2})",
        r.week,
        f.orders,
        f.buyers,
        f.confirm_minutes_p50,
        f.dispatch_on_time.percent.unwrap_or(0.0),
        f.complaints_total,
        f.satisfaction_average.unwrap_or(0.0),
    );
    v.close().await.unwrap();
}
