//! The sandbox shop in the real window: a first run offers it where the orders would be; one
//! click starts it inside the app, its orders arrive in the inbox and a real notification
//! daemon is told; Settings → Marketplaces lists it and syncs it on demand.

use vefa_e2e::{Desktop, cli_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_run_tries_the_sandbox_shop_and_its_orders_arrive() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(cli_binary())
        .args(["--db", data.path().join("vefa.sqlite").to_str().unwrap()])
        .args([
            "profile",
            "set",
            "--shop-name",
            "Bakırcı",
            "--contact-name",
            "Ayşe Demir",
            "--phone",
            "+90 532 000 00 00",
            "--email",
            "ayse@example.com.tr",
            "--languages",
            "tr",
            "--currency",
            "TRY",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = desktop.launch(data.path()).await;
    app.click("#nav-orders").await;
    app.wait("#orders-empty").await;
    app.wait_for_text("#try-sandbox", "Try Vefa with a sandbox shop")
        .await;
    app.click("#try-sandbox").await;
    // The sandbox shop's 25 orders, brought home by the sync over loopback HTTP.
    app.wait("#orders-table tr[data-order='25'][data-status='new']")
        .await;
    desktop.wait_for_notification("25 new orders").await;

    app.click("#nav-settings").await;
    app.click("#tab-marketplaces").await;
    app.wait_for_text("#marketplace-accounts", "Vefa Sandbox")
        .await;
    app.wait_for_text("#marketplace-accounts", "Last synced")
        .await;
    app.click("#sync-now").await;
    app.wait_for_text("#marketplace-accounts", "Last sync: 0 new orders")
        .await;
    app.screenshot("marketplaces").await;
    assert!(
        app.js("return document.querySelector('#sandbox-offer') === null")
            .await
            .as_bool()
            .unwrap(),
        "no second offer once the sandbox shop runs"
    );
    app.quit().await;
}
