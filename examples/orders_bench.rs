//! The order figures, on a fresh SQLite store in a temp folder holding a million
//! orders: inbox pages (the figure: ≤ 10 ms at the 95th percentile), one order with its timeline,
//! adding a phone order and confirming one. `cargo xtask bench` runs it in the release build; it
//! prints, never asserts.
//!
//! `cargo run --release --example orders_bench [ORDERS]`; `VEFA_BENCH_DIR=D` keeps the store in D
//! (give an empty folder).

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use vefa::Vefa;
use vefa::catalog::listings::{ListingInput, Variant};
use vefa::messages::MessageKind;
use vefa::orders::{Act, Cursor, NewOrder, OrderChannel, OrderQuery, OrderStatus, ProblemKind};

#[path = "support/mod.rs"]
mod support;
use support::{insert, percentiles, stamp, store};

const CUSTOMERS: usize = 200_000;

fn status_of(i: usize, n: usize) -> &'static str {
    // The newest orders are still moving; the old ones are done.
    let age = n - i;
    match age {
        0..=300 => "new",
        301..=800 => "confirmed",
        801..=1200 => "ready_to_ship",
        1201..=4000 => "shipped",
        4001..=9000 => "delivered",
        _ if i.is_multiple_of(97) => "cancelled",
        _ if i.is_multiple_of(211) => "refunded",
        _ => "completed",
    }
}

fn channel_of(i: usize) -> &'static str {
    match i % 20 {
        0 | 1 => "phone",
        2 => "shop",
        _ => "marketplace",
    }
}

async fn seed(v: &Vefa, n: usize) {
    let start = Utc.with_ymd_and_hms(2024, 11, 1, 0, 0, 0).unwrap();
    let span = 2 * 365 * 24 * 3600_i64;
    let at = |i: usize| stamp(start + chrono::Duration::seconds(span * i as i64 / n as i64));
    let names = [
        "Leyla Məmmədova",
        "Ayşe Yılmaz",
        "رضا احمدی",
        "Orxan Əliyev",
        "Elif Kaya",
        "John Smith",
    ];
    let txn = v.connection().begin().await.unwrap();
    insert(
        &txn,
        "customer",
        "id, name, email, phone, marketplace, marketplace_buyer_id, language, notes, created_at, updated_at",
        CUSTOMERS,
        |k| {
            format!(
                "({}, '{} {k}', 'buyer{k}@example.az', NULL, 'etsy', 'b{k}', 'az', '', '{t}', '{t}')",
                k + 1,
                names[k % names.len()],
                t = at(0)
            )
        },
    )
    .await;
    let tokens: Vec<(usize, String)> = (0..CUSTOMERS)
        .flat_map(|k| {
            let name = format!("{} {k}", names[k % names.len()]);
            let email = format!("buyer{k}@example.az");
            vefa::orders::buyers::tokens(&name, Some(&email), None)
                .into_iter()
                .map(move |t| (k + 1, t))
        })
        .collect();
    insert(
        &txn,
        "customer_token",
        "token, customer_id",
        tokens.len(),
        |i| format!("('{}', {})", tokens[i].1.replace('\'', "''"), tokens[i].0),
    )
    .await;
    insert(
        &txn,
        "sales_order",
        "id, channel, marketplace, marketplace_order_id, customer_id, status, currency, subtotal_minor, shipping_minor, vat_minor, discount_minor, coupon_code, total_minor, address, buyer_note, placed_at, ship_by, confirmed_at, carrier, tracking, created_at, updated_at",
        n,
        |i| {
            let ch = channel_of(i);
            let (m, mid) = if ch == "marketplace" {
                ("'etsy'".to_owned(), format!("'{}'", 3_000_000_000_u64 + i as u64))
            } else {
                ("NULL".to_owned(), "NULL".to_owned())
            };
            format!(
                "({}, '{ch}', {m}, {mid}, {}, '{}', 'AZN', 2550, 500, 0, 0, NULL, 3050, '{{}}', '', '{t}', NULL, NULL, NULL, NULL, '{t}', '{t}')",
                i + 1,
                (i * 7919) % CUSTOMERS + 1,
                status_of(i, n),
                t = at(i)
            )
        },
    )
    .await;
    insert(
        &txn,
        "order_line",
        "order_id, position, listing_id, sku, title, quantity, unit_price_minor",
        n,
        |i| {
            format!(
                "({}, 0, NULL, 'SKU-{}', 'Mis cezvə', 1, 2550)",
                i + 1,
                i % 5000
            )
        },
    )
    .await;
    insert(
        &txn,
        "order_event",
        "order_id, at, actor, kind, status_from, status_to, detail",
        n,
        |i| {
            format!(
                "({}, '{}', 'sync', 'created', NULL, 'new', '{{}}')",
                i + 1,
                at(i)
            )
        },
    )
    .await;
    // A few open problems among the recent orders.
    insert(
        &txn,
        "order_problem",
        "order_id, kind, note, opened_at, resolved_at, resolution",
        2000,
        |k| {
            format!(
                "({}, '{}', '', '{}', NULL, NULL)",
                n - 5000 + k * 2,
                ProblemKind::ALL[k % 6].as_str(),
                at(n - 1)
            )
        },
    )
    .await;
    txn.execute_unprepared(
        "INSERT INTO order_status_count (status, orders) SELECT status, COUNT(*) FROM sales_order GROUP BY status",
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

async fn time_query(v: &Vefa, what: &str, q: &OrderQuery, runs: usize) -> f64 {
    let mut rows = 0;
    for _ in 0..3 {
        rows = v.orders(q).await.unwrap().rows.len();
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let page = v.orders(q).await.unwrap();
        times.push(t.elapsed());
        std::hint::black_box(page);
    }
    let (p50, p95, max) = percentiles(times);
    println!(
        "  {what:<44} {rows:>3} rows  p50 {p50:>6.2} ms  p95 {p95:>6.2} ms  max {max:>6.2} ms"
    );
    p95
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    let (_dir, v) = store(now, "orders.sqlite").await;

    let t = Instant::now();
    seed(&v, n).await;
    println!("\n=== Orders ({n} orders, {CUSTOMERS} buyers, SQLite)");
    println!(
        "seeding (bulk SQL, not the app's path): {:>7.1} s",
        t.elapsed().as_secs_f64()
    );

    println!("inbox pages (50 rows, the figure is p95 ≤ 10 ms):");
    let mut worst: f64 = 0.0;
    let deep = v
        .orders(&OrderQuery {
            status: Some(OrderStatus::Completed),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    // A cursor a few hundred thousand rows in, as the seller scrolling far back reaches.
    let far = Cursor {
        placed_at: Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap(),
        id: i32::MAX,
    };
    let queries = [
        ("everything, newest first", OrderQuery::default()),
        (
            "status new",
            OrderQuery {
                status: Some(OrderStatus::New),
                ..Default::default()
            },
        ),
        (
            "status completed, next page by cursor",
            OrderQuery {
                status: Some(OrderStatus::Completed),
                after: deep.next,
                ..Default::default()
            },
        ),
        (
            "everything, far back by cursor",
            OrderQuery {
                after: Some(far),
                ..Default::default()
            },
        ),
        (
            "channel phone",
            OrderQuery {
                channel: Some(OrderChannel::Phone),
                ..Default::default()
            },
        ),
        (
            "channel shop, status shipped",
            OrderQuery {
                channel: Some(OrderChannel::Shop),
                status: Some(OrderStatus::Shipped),
                ..Default::default()
            },
        ),
        (
            "an open problem of any kind",
            OrderQuery {
                any_problem: true,
                ..Default::default()
            },
        ),
        (
            "open problem: damaged",
            OrderQuery {
                problem: Some(ProblemKind::Damaged),
                ..Default::default()
            },
        ),
        (
            "placed in one week of 2025",
            OrderQuery {
                placed_from: Some(Utc.with_ymd_and_hms(2025, 3, 3, 0, 0, 0).unwrap()),
                placed_to: Some(Utc.with_ymd_and_hms(2025, 3, 10, 0, 0, 0).unwrap()),
                ..Default::default()
            },
        ),
        (
            "search an order number",
            OrderQuery {
                search: "3000123456".into(),
                ..Default::default()
            },
        ),
        (
            "search a buyer's name (\"yılmaz 1234\")",
            OrderQuery {
                search: "YILMAZ 1234".into(),
                ..Default::default()
            },
        ),
        (
            "search a common surname (a sixth of buyers)",
            OrderQuery {
                search: "yılmaz".into(),
                ..Default::default()
            },
        ),
        (
            "search a buyer's e-mail",
            OrderQuery {
                search: "buyer77@".into(),
                ..Default::default()
            },
        ),
    ];
    let mut search_worst: f64 = 0.0;
    for (what, q) in &queries {
        let p95 = time_query(&v, what, q, 200).await;
        if q.search.is_empty() {
            worst = worst.max(p95);
        } else {
            search_worst = search_worst.max(p95);
        }
    }
    println!("inbox page p95, worst of the filters:    {worst:>7.2} ms");
    println!("inbox page p95, worst of the searches:   {search_worst:>7.2} ms");

    // One order as the order page shows it.
    let mut times = Vec::new();
    for k in 0..200 {
        let t = Instant::now();
        std::hint::black_box(v.order(1 + (k * 4999) % n as i32).await.unwrap());
        times.push(t.elapsed());
    }
    let (p50, p95, _) = percentiles(times);
    println!("one order with its timeline:             {p50:>7.2} ms p50, {p95:.2} ms p95");

    // Adding a phone order (buyer matched, stock taken, timeline) and confirming new orders.
    let mut l = ListingInput::draft("Mis cezvə", "AZN");
    l.price.minor = 2550;
    l.variants = vec![Variant {
        sku: "BENCH-1".into(),
        quantity: 100_000,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap();
    let mut times = Vec::new();
    for k in 0..200 {
        let mut order = NewOrder::new(OrderChannel::Phone, &format!("Telefon alıcısı {k}"), "AZN")
            .with_sku("BENCH-1", 1);
        order.buyer.phone = Some(format!("+99450{:07}", k));
        order.shipping = Some("5".into());
        let t = Instant::now();
        v.add_order(&order).await.unwrap();
        times.push(t.elapsed());
    }
    let (p50, p95, _) = percentiles(times);
    println!("add a phone order:                       {p50:>7.2} ms p50, {p95:.2} ms p95");
    let new_ids: Vec<i32> = v
        .orders(&OrderQuery {
            status: Some(OrderStatus::New),
            limit: 200,
            ..Default::default()
        })
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    // Confirming with the confirmation queued, as the window does once the seller has read
    // the draft: the move, its timeline entry and the stored message in one transaction.
    let mut drafts = Vec::new();
    let mut times = Vec::new();
    for &id in &new_ids {
        let t = Instant::now();
        drafts.push(
            v.draft_order_message(id, MessageKind::OrderConfirmation, None)
                .await
                .unwrap(),
        );
        times.push(t.elapsed());
    }
    let (p50, p95, _) = percentiles(times);
    println!("draft the confirmation (shown first):    {p50:>7.2} ms p50, {p95:.2} ms p95");
    let mut times = Vec::new();
    for (id, draft) in new_ids.into_iter().zip(&drafts) {
        let t = Instant::now();
        v.act_on_order_with_message(id, &Act::Confirm, Some(draft))
            .await
            .unwrap();
        times.push(t.elapsed());
    }
    let (p50, p95, _) = percentiles(times);
    let mut line = String::new();
    let _ = write!(
        line,
        "confirm and queue the message:           {p50:>7.2} ms p50, {p95:.2} ms p95 (the figure: ≤ 5 ms)"
    );
    println!("{line}");
}
