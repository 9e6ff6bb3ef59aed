//! `vefa connect` and `vefa sync` as a seller's script runs them: a real child process, the
//! real OS keychain (gnome-keyring on a private bus), the sandbox over HTTP — and killed with
//! SIGKILL at random moments.

use crate::common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::keyring::Keyring;
use common::{TestStore, scalar};

use vefa::ProfileInput;
use vefa::locale::UiLanguage;
use vefa::orders::{Act, OrderStatus};
use vefa_sandbox::{Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_random_moments_loses_and_duplicates_nothing() {
    const ORDERS: i64 = 1500;
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    // Auto-confirm on: each new order also queues its confirmation to the buyer.
    v.save_profile(&ProfileInput {
        shop_name: "Bakırcı".into(),
        contact_name: "Ayşe Demir".into(),
        phone: "+90 532 000 00 00".into(),
        email: "ayse@example.com.tr".into(),
        ui_language: UiLanguage::Tr,
        languages: vec!["tr".into()],
        currency: "TRY".into(),
    })
    .await
    .unwrap();
    let mut settings = v.settings().await.unwrap();
    settings.auto_confirm = true;
    v.save_settings(&settings).await.unwrap();
    v.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };
    let keyring = Keyring::start();
    let sandbox = Sandbox::start(SandboxConfig {
        orders: ORDERS as usize,
        per_second: 1000,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let cli = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vefa"));
        c.arg("--db")
            .arg(db)
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .stdin(Stdio::null());
        c
    };
    let out = cli(&["connect", "sandbox", "--url", &sandbox.url()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "connect: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Connected sandbox shop"));

    kill_syncs_then_finish(&cli, 5).await;

    let v = store.open().await;
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM sales_order").await, ORDERS);
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(DISTINCT marketplace_order_id) FROM sales_order"
        )
        .await,
        ORDERS,
        "no order twice"
    );
    // Every confirmed order has exactly one confirmation waiting, and no other order has one:
    // the confirmation and its message commit together.
    let confirmed = scalar(
        &v,
        "SELECT COUNT(*) FROM sales_order WHERE status = 'confirmed'",
    )
    .await;
    assert!(confirmed > 0, "auto-confirm ran");
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM outbox_message WHERE kind = 'order_confirmation'"
        )
        .await,
        confirmed
    );
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM (SELECT order_id FROM outbox_message GROUP BY order_id \
             HAVING COUNT(*) > 1) AS twice"
        )
        .await,
        0,
        "no confirmation queued twice"
    );
    // And the kept counts agree with the orders.
    assert_eq!(
        scalar(
            &v,
            "SELECT CAST(SUM(orders) AS BIGINT) FROM order_status_count"
        )
        .await,
        ORDERS
    );
    let stored = v.marketplace_accounts().await.unwrap();
    assert_eq!(stored.len(), 1, "one account however often it synced");

    // Shipments made here wait in the sync outbox; syncs killed while sending them lose none
    // and send none twice (a shipment sent but not yet noted is recognised on the receipt).
    let mut shipped = Vec::new();
    for receipt in sandbox.receipt_ids().into_iter().take(40) {
        let sql = format!(
            "SELECT CAST(id AS BIGINT) FROM sales_order WHERE marketplace_order_id = '{receipt}'"
        );
        let id = scalar(&v, &sql).await as i32;
        let status = v.order(id).await.unwrap().status;
        let steps = match status {
            OrderStatus::New => vec![Act::Confirm, Act::MarkReady],
            OrderStatus::Confirmed => vec![Act::MarkReady],
            _ => vec![],
        };
        if status.before_dispatch() {
            let checked = vefa::inspection::InspectionOp::Override {
                reason: "Packed in a hurry".into(),
            };
            v.inspect(id, &checked, None, None).await.unwrap();
        }
        for a in steps {
            v.act_on_order(id, &a).await.unwrap();
        }
        let ship = Act::Ship {
            carrier: "PTT Kargo".into(),
            tracking: format!("PTT{receipt}"),
        };
        v.act_on_order(id, &ship).await.unwrap();
        shipped.push(receipt);
    }
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM sync_outbox WHERE status = 'waiting'"
        )
        .await,
        40
    );
    v.close().await.unwrap();
    kill_syncs_then_finish(&cli, 3).await;
    let v = store.open().await;
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM sync_outbox WHERE status = 'sent'").await,
        40,
        "every shipment sent, none lost"
    );
    for receipt in shipped {
        let r = sandbox.receipt(receipt).unwrap();
        assert!(r.is_shipped);
        assert_eq!(r.shipments.len(), 1, "receipt {receipt} was told once");
        assert_eq!(r.shipments[0].tracking_code, format!("PTT{receipt}"));
    }
}

/// Runs `vefa sync` fifteen times, each killed with SIGKILL at a random moment unless it ended
/// first (at least `min_killed` must be), then once to the end.
async fn kill_syncs_then_finish(cli: &dyn Fn(&[&str]) -> Command, min_killed: usize) {
    let mut rng = fastrand::Rng::with_seed(5);
    let mut killed = 0;
    for _ in 0..15 {
        let mut child = cli(&["sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(rng.u64(30..900))).await;
        if child.try_wait().unwrap().is_none() {
            // Child::kill is SIGKILL on Unix: no destructor, no rollback by the process.
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        killed >= min_killed,
        "the sync was killed mid-way often enough ({killed})"
    );
    let out = cli(&["sync", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "the last sync: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
