//! The CLI and notifications: the test notification speaks the seller's language; with no
//! notification daemon on the bus, the real sender says so instead of hanging; `vefa info`.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::TestStore;
use vefa::ProfileInput;
use vefa::infra::notifications::RecordingNotifier;
use vefa::locale::UiLanguage;

#[tokio::test]
async fn the_test_notification_is_addressed_to_the_shop_in_its_language() {
    let store = TestStore::sqlite().await;
    let vefa = store.open().await;
    vefa.save_profile(&ProfileInput {
        shop_name: "Vefa Kitap".into(),
        contact_name: "Elif".into(),
        phone: String::new(),
        email: "elif@vefakitap.com.tr".into(),
        ui_language: UiLanguage::Tr,
        languages: vec!["tr".into()],
        currency: "TRY".into(),
    })
    .await
    .unwrap();
    let recorder = Arc::new(RecordingNotifier::default());
    vefa.send_test_notification(recorder.clone()).await.unwrap();
    let sent = recorder.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].summary, "Vefa: bildirimler çalışıyor");
    assert!(sent[0].body.contains("Vefa Kitap"));
}

/// A private session bus with nobody owning org.freedesktop.Notifications.
struct PrivateBus(std::process::Child, String);

impl PrivateBus {
    fn start() -> Self {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian package `dbus`) must be installed: `cargo xtask test` installs it");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        PrivateBus(child, line.trim().to_owned())
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn with_no_notification_daemon_the_cli_says_so() {
    let bus = PrivateBus::start();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vefa"))
        .args([
            "--db",
            dir.path().join("v.sqlite").to_str().unwrap(),
            "notify-test",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.1)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "no daemon: the command must fail");
    assert!(
        stderr.contains("no notification service is running"),
        "the seller is told why: {stderr}"
    );
}

#[test]
fn cli_info_says_where_the_store_is_and_its_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dükkan.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_vefa"))
        .args(["--db", db.to_str().unwrap(), "info", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("info --json prints JSON");
    assert_eq!(info["location"], db.display().to_string());
    assert_eq!(info["backend"], "sqlite");
    assert_eq!(info["schema_version"], "m20261204_000018_customer_care");
}

#[tokio::test]
async fn cli_check_reports_unmet_rules_with_messages() {
    let store = TestStore::sqlite().await;
    let vefa = store.open().await;
    let mut l = vefa::catalog::listings::ListingInput::draft("Kilim 120×80", "AZN");
    l.price.minor = 45_000;
    l.variants[0].sku = "KLM-1".into();
    vefa.create_listing(&l).await.unwrap();
    vefa.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };

    let out = Command::new(env!("CARGO_BIN_EXE_vefa"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "listings",
            "check",
            "--below",
            "101",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &report[0];
    assert_eq!(first["sku"], "KLM-1");
    assert_eq!(
        first["complete"], false,
        "no photos, no description, no VAT, no shipping"
    );
    let photos = first["unmet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["rule"] == "photos")
        .expect("photos unmet");
    assert_eq!(photos["message"], "3 photo(s) missing");
    assert_eq!(photos["required"], true);

    let out = Command::new(env!("CARGO_BIN_EXE_vefa"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "listings",
            "check",
            "--below",
            "0",
            "--json",
        ])
        .output()
        .unwrap();
    let none: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(none, serde_json::json!([]), "nothing scores below 0");
}

fn vefa_cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vefa"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test]
async fn cli_orders_add_confirm_ship_and_show() {
    let store = TestStore::sqlite().await;
    let vefa = store.open().await;
    let mut l = vefa::catalog::listings::ListingInput::draft("Kilim 120×80", "AZN");
    l.price.minor = 45_000;
    l.variants[0].sku = "KLM-1".into();
    l.variants[0].quantity = 2;
    vefa.create_listing(&l).await.unwrap();
    vefa.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sifariş.json");
    // The format the README documents for `vefa orders add`.
    std::fs::write(
        &file,
        r#"{
          "channel": "phone",
          "buyer": {"name": "Rəna Əliyeva", "phone": "+994 55 765 43 21", "language": "az"},
          "lines": [{"sku": "KLM-1", "quantity": 1},
                    {"title": "Gift wrapping", "quantity": 1, "unit_price": "3.50"}],
          "currency": "AZN",
          "shipping": "7.00",
          "address": {"name": "Rəna Əliyeva", "line1": "Azadlıq pr. 5", "city": "Gəncə", "country": "AZ"},
          "note": "Axşam zəng edin"
        }"#,
    )
    .unwrap();
    let out = vefa_cli(db, &["orders", "add", "--file", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "order 1 added");

    let out = vefa_cli(db, &["orders", "confirm", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("order 1 is confirmed\n"), "{text}");
    // No e-mail for this buyer: the confirmation is printed for the seller to send by hand.
    assert!(
        text.contains("send this to +994557654321 yourself")
            && text.contains("Salam, Rəna Əliyeva!"),
        "{text}"
    );
    // Shipping straight from confirmed skips packing: refused, with the reason.
    let out = vefa_cli(
        db,
        &[
            "orders",
            "ship",
            "1",
            "--carrier",
            "AzərPoçt",
            "--tracking",
            "RR1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "vefa: an order that is confirmed cannot ship"
    );
    // Nothing is packed unchecked: the parcel goes through `vefa inspect` first.
    let out = vefa_cli(db, &["orders", "ready", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has not passed its inspection"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vefa_cli(
        db,
        &[
            "inspect", "1", "--scan", "KLM-9", "--scan", "klm-1", "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "a wrong item was scanned");
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["scans"][0]["kind"], "wrong_item");
    assert_eq!(run["scans"][1]["kind"], "counted");
    assert_eq!(run["inspection"]["outcome"], "open");
    assert_eq!(run["inspection"]["wrong_scans"], 1);
    let out = vefa_cli(db, &["inspect", "1", "--finish"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not_damaged"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vefa_cli(
        db,
        &[
            "inspect",
            "1",
            "--check",
            "not_damaged=yes",
            "--check",
            "accessories_included=y",
            "--check",
            "packaging_fits=YES",
            "--check",
            "label_matches=yes",
            "--finish",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(
            "order 1: inspection passed (attempt 1, default checklist); the order is ready_to_ship"
        ),
        "{text}"
    );
    let out = vefa_cli(
        db,
        &[
            "orders",
            "ship",
            "1",
            "--carrier",
            "AzərPoçt",
            "--tracking",
            "RR1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = vefa_cli(db, &["orders", "show", "1", "--json"]);
    let o: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(o["status"], "shipped");
    assert_eq!(o["buyer"]["name"], "Rəna Əliyeva");
    assert_eq!(o["buyer"]["phone"], "+994557654321");
    assert_eq!(o["total_minor"], 45_000 + 350 + 700);
    assert_eq!(o["tracking"], "RR1");
    let actors: Vec<&str> = o["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert!(actors.iter().all(|&a| a == "cli"), "{actors:?}");

    let out = vefa_cli(db, &["orders", "list", "--status", "shipped"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Rəna Əliyeva") && text.contains("460.50"),
        "{text}"
    );

    // Delivered, the buyer earns points: 460.50 whole manats' worth, and the welcome bonus.
    // (No profile was saved, so the shop's currency is the default EUR: set it first.)
    let out = vefa_cli(
        db,
        &[
            "profile",
            "set",
            "--shop-name",
            "Kilim Evi",
            "--contact-name",
            "Rəna",
            "--email",
            "rena@kilimevi.az",
            "--languages",
            "az",
            "--currency",
            "AZN",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    vefa_cli(db, &["orders", "deliver", "1"]);
    let out = vefa_cli(db, &["loyalty", "balance", "1", "--json"]);
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["balance"], 460 + 50, "{s}");
    let out = vefa_cli(
        db,
        &[
            "loyalty",
            "adjust",
            "1",
            "-10",
            "--reason",
            "Gift wrap paid in points",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "customer 1: 500 points"
    );
    let out = vefa_cli(
        db,
        &["loyalty", "adjust", "1", "-1000", "--reason", "too much"],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = vefa_cli(db, &["loyalty", "ledger", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    let out = vefa_cli(db, &["customers", "show", "1", "--json"]);
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["name"], "Rəna Əliyeva");
    assert_eq!(p["orders"], 1);
    let out = vefa_cli(db, &["customers", "list", "--search", "rəna"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Rəna Əliyeva"));
    // 500 points make a 5-manat coupon for her; a 10 % code for anyone, twice.
    let out = vefa_cli(db, &["coupons", "from-points", "1", "500"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("5.00 AZN off, used 0 of 1") && text.contains("for customer 1"),
        "{text}"
    );
    let out = vefa_cli(
        db,
        &[
            "coupons",
            "create",
            "--percent",
            "10",
            "--uses",
            "2",
            "--json",
        ],
    );
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = c["code"].as_str().unwrap().to_owned();
    assert_eq!(c["value"]["percent_bp"], 1000);
    let out = vefa_cli(db, &["coupons", "use", &code.to_lowercase()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("used 1 of 2"));
    let out = vefa_cli(db, &["coupons", "list"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    // The book: a complaint about the order, settled with an apology coupon for its buyer.
    let out = vefa_cli(
        db,
        &[
            "complaints",
            "add",
            "--kind",
            "complaint",
            "--category",
            "late",
            "--order",
            "1",
            "--text",
            "Gec gəldi",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vefa_cli(db, &["complaints", "compensate", "1", "--percent", "15"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("[given: coupon "));
    let out = vefa_cli(
        db,
        &[
            "complaints",
            "resolve",
            "1",
            "--action",
            "Apologised by phone",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("settled"));
    let out = vefa_cli(
        db,
        &[
            "complaints",
            "add",
            "--kind",
            "complaint",
            "--category",
            "staff",
            "--text",
            "rude",
            "--staff",
            "Aysel",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "no name on a complaint");
    let out = vefa_cli(db, &["coupons", "list", "--customer", "1"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    // Delivered just now: not due yet, but the seller may ask at once (by phone here), once;
    // the answer is recorded.
    let out = vefa_cli(db, &["followup", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("due: 0"));
    let out = vefa_cli(db, &["followup", "send", "1", "--no-message"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("asked"),
        "{out:?}"
    );
    let out = vefa_cli(db, &["followup", "send", "1", "--no-message"]);
    assert_eq!(out.status.code(), Some(1), "asked once");
    let out = vefa_cli(
        db,
        &[
            "followup",
            "answer",
            "1",
            "--score",
            "5",
            "--comment",
            "Əla",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("5/5"),
        "{out:?}"
    );

    // The weekly review of this week, as JSON and as a page; a week that does not exist is a
    // usage error.
    let week = vefa::reports::IsoWeek::of(chrono::Utc::now(), chrono_tz::Tz::UTC).label();
    let out = vefa_cli(db, &["report", "weekly", "--week", &week, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["week"], week.as_str());
    assert!(r["this_week"]["orders"].as_u64().unwrap() >= 1, "{r}");
    assert_eq!(r["this_week"]["satisfaction_average"], 5.0);
    assert_eq!(r["this_week"]["complaints"][0]["key"], "late");
    let page = db.parent().unwrap().join("review.html");
    let out = vefa_cli(
        db,
        &[
            "report",
            "weekly",
            "--week",
            &week,
            "--html",
            page.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&week));
    let out = vefa_cli(db, &["report", "weekly", "--week", "2026-W60"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026-W60"));

    // Two more than the shelf holds: refused with the reason and what to do.
    std::fs::write(
        &file,
        r#"{"channel": "shop", "buyer": {"name": "Walk-in"}, "currency": "AZN",
            "lines": [{"sku": "KLM-1", "quantity": 3}]}"#,
    )
    .unwrap();
    let out = vefa_cli(db, &["orders", "add", "--file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("KLM-1 (wanted 3, 1 in stock)") && err.contains("--allow-oversell"),
        "{err}"
    );

    // A broken file says what and where.
    std::fs::write(&file, r#"{"channel": "phone", "buyer": {"name": 5}}"#).unwrap();
    let out = vefa_cli(db, &["orders", "add", "--file", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("file: is not valid JSON") && err.contains("line 1 column"),
        "{err}"
    );
}

#[tokio::test]
async fn cli_offers_a_book_by_the_same_author_and_merges_a_duplicate_buyer() {
    use vefa::catalog::listings::{ListingInput, ListingState};
    use vefa::orders::{NewOrder, OrderChannel};
    let store = TestStore::sqlite().await;
    let vefa = store.open().await;
    common::shop::profile(&vefa).await;
    for (title, sku) in [("Əli və Nino", "BOOK-1"), ("Qız Ruhu", "BOOK-2")] {
        let mut l = ListingInput::draft(title, "AZN");
        l.price.minor = 2_000;
        l.maker = "Qurban Səid".into();
        l.state = ListingState::Active;
        l.variants[0].sku = sku.into();
        l.variants[0].quantity = 5;
        vefa.create_listing(&l).await.unwrap();
    }
    for email in ["nigar@example.az", "nigar.b@example.az"] {
        let mut o = NewOrder::new(OrderChannel::Phone, "Nigar", "AZN").with_sku("BOOK-1", 1);
        o.buyer.email = Some(email.into());
        vefa.add_order(&o).await.unwrap();
    }
    vefa.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };

    let out = vefa_cli(db, &["offers", "suggest", "1", "--json"]);
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s[0]["listing_id"], 2, "{s}");
    assert_eq!(s[0]["reasons"][0]["shared"], "maker");
    let out = vefa_cli(
        db,
        &[
            "offers",
            "make",
            "1",
            "2",
            "--percent",
            "7.5",
            "--days",
            "14",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("7.50 % off, used 0 of 1") && text.contains("for customer 1"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vefa_cli(db, &["outbox", "list", "--json"]);
    let queued = String::from_utf8_lossy(&out.stdout);
    assert!(
        queued.contains("personal_offer") && queued.contains("7.5%"),
        "{queued}"
    );

    let out = vefa_cli(db, &["customers", "merge", "1", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let out = vefa_cli(db, &["customers", "merge", "1", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2 orders") && text.contains("merged") && text.contains("customer 2"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vefa_cli(
        db,
        &[
            "customers",
            "edit",
            "1",
            "--notes",
            "Qurban Səidin hər kitabı",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("notes: Qurban Səidin hər kitabı"));
    let out = vefa_cli(db, &["loyalty", "expire"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "points expired for 0 buyers; 0 buyers warned that theirs will"
    );
}
