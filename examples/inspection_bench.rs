//! The inspection figures, on a fresh SQLite store in a temp folder: recording a scan
//! and re-evaluating the checklist (the figure: ≤ 5 ms), answering a check, and the pick list of
//! a 500-order batch (≤ 1 s), with its packing slips written as well. `cargo xtask bench` runs
//! it in the release build; it prints, never asserts.
//!
//! `cargo run --release --example inspection_bench [ORDERS]` (500 by default).

use std::time::{Duration, Instant};

use vefa::catalog::listings::{ListingInput, Pair, Variant};
use vefa::inspection::{Answer, InspectionOp};
use vefa::orders::{Act, NewOrder, OrderChannel};
use vefa::{Location, OpenOptions, Vefa};

const LISTINGS: usize = 300;

fn percentiles(mut t: Vec<Duration>) -> (f64, f64, f64) {
    t.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| ms(t[((t.len() as f64 * p).ceil() as usize).clamp(1, t.len()) - 1]);
    (at(0.5), at(0.95), ms(*t.last().unwrap()))
}

fn sku(listing: usize, variant: usize) -> String {
    format!("SKU-{listing:04}-{variant}")
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir().unwrap();
    let v = Vefa::open_with(OpenOptions::new(Location::Sqlite(
        dir.path().join("vefa.sqlite"),
    )))
    .await
    .unwrap();

    let t = Instant::now();
    for i in 0..LISTINGS {
        let mut l = ListingInput::draft(&format!("Əl işi məhsul {i} — کالای دستی"), "AZN");
        l.price.minor = 1_000 + i as i64;
        l.location = format!("{}-{}", (b'A' + (i % 6) as u8) as char, i % 40);
        l.variants = (0..2)
            .map(|k| Variant {
                sku: sku(i, k),
                barcode: format!("86900{i:04}{k:04}"),
                quantity: 10_000,
                options: vec![Pair {
                    name: "size".into(),
                    value: ["S", "M"][k].into(),
                }],
                ..Default::default()
            })
            .collect();
        v.create_listing(&l).await.unwrap();
    }
    let mut orders = Vec::with_capacity(n);
    for i in 0..n {
        let mut o = NewOrder::new(OrderChannel::Phone, &format!("Alıcı {i}"), "AZN");
        for k in 0..3 {
            o = o.with_sku(&sku((i * 7 + k * 13) % LISTINGS, k % 2), 1 + (k as u32 % 2));
        }
        o.buyer.language = Some(["az", "tr", "fa", "en"][i % 4].into());
        let id = v.add_order(&o).await.unwrap().id;
        v.act_on_order(id, &Act::Confirm).await.unwrap();
        orders.push(id);
    }
    println!("\n=== Inspection ({n} confirmed orders of 3 lines, {LISTINGS} listings, SQLite)");
    println!(
        "seeding (through the app's own calls):  {:>7.1} s",
        t.elapsed().as_secs_f64()
    );

    // Every line of every order scanned as a scanner would, by barcode: each scan is one
    // transaction that reads the run, counts the code, re-evaluates the checklist and writes.
    let mut scans = Vec::new();
    let mut answers = Vec::new();
    let mut wrong = Vec::new();
    for &id in orders.iter().take(200) {
        let inspection = v.inspection(id).await.unwrap();
        let t = Instant::now();
        v.inspect(
            id,
            &InspectionOp::Scan {
                code: "NOT-HERE".into(),
            },
            None,
            None,
        )
        .await
        .unwrap();
        wrong.push(t.elapsed());
        for line in &inspection.lines {
            let code = line.sku.clone().unwrap_or_default();
            let barcode = code
                .strip_prefix("SKU-")
                .map(|rest| {
                    let (l, k) = rest.split_once('-').unwrap();
                    format!("86900{l}{:04}", k.parse::<u32>().unwrap())
                })
                .unwrap();
            for _ in 0..line.wanted {
                let t = Instant::now();
                let r = v
                    .inspect(
                        id,
                        &InspectionOp::Scan {
                            code: barcode.clone(),
                        },
                        None,
                        None,
                    )
                    .await
                    .unwrap();
                scans.push(t.elapsed());
                std::hint::black_box(r);
            }
        }
        for key in ["not_damaged", "accessories_included", "packaging_fits"] {
            let t = Instant::now();
            v.inspect(
                id,
                &InspectionOp::Answer {
                    key: key.into(),
                    answer: Answer::Yes,
                },
                None,
                None,
            )
            .await
            .unwrap();
            answers.push(t.elapsed());
        }
    }
    let (p50, p95, max) = percentiles(scans.clone());
    println!(
        "scan + re-evaluate ({:>4} scans):         p50 {p50:>6.2} ms  p95 {p95:>6.2} ms  max {max:>6.2} ms",
        scans.len()
    );
    let (p50, p95, max) = percentiles(wrong);
    println!(
        "wrong item refused (200 scans):          p50 {p50:>6.2} ms  p95 {p95:>6.2} ms  max {max:>6.2} ms"
    );
    let (p50, p95, max) = percentiles(answers);
    println!(
        "a yes/no answer (600):                   p50 {p50:>6.2} ms  p95 {p95:>6.2} ms  max {max:>6.2} ms"
    );

    let batch: Vec<i32> = orders.iter().copied().take(500).collect();
    let mut lists = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let list = v.pick_list(&batch).await.unwrap();
        lists.push(t.elapsed());
        std::hint::black_box(list);
    }
    let (p50, _, max) = percentiles(lists);
    println!(
        "pick list, {} orders:                   p50 {p50:>6.1} ms  max {max:>6.1} ms",
        batch.len()
    );
    let out = dir.path().join("print");
    let t = Instant::now();
    let printed = v.print_packing(&batch, Some(&out)).await.unwrap();
    println!(
        "pick list + {} packing slips as HTML:   {:>7.1} ms ({} groups, {} units)",
        batch.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        printed.pick_list.groups.len(),
        printed.pick_list.units
    );
    v.close().await.unwrap();
}
