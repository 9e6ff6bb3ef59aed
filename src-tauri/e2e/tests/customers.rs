//! Customers in the real window: a buyer whose order was delivered (from the CLI) has points and
//! a tier; the seller corrects the points with a reason and turns points into a coupon, and the
//! profile, the ledger and the coupon list follow.

use vefa_e2e::{Desktop, cli, kilim_shop_with_an_order};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyers_points_are_corrected_and_turned_into_a_coupon_in_the_window() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    kilim_shop_with_an_order(d);
    cli(d, &["orders", "confirm", "1", "--no-message"]);
    cli(d, &["inspect", "1", "--override", "checked at the counter"]);
    cli(d, &["orders", "ready", "1"]);
    cli(
        d,
        &[
            "orders",
            "ship",
            "1",
            "--carrier",
            "AzərPoçt",
            "--tracking",
            "RR1",
            "--no-message",
        ],
    );
    cli(d, &["orders", "deliver", "1"]);

    let app = desktop.launch(d).await;
    app.click("#nav-customers").await;
    app.click("#customers-table tr[data-customer='1'] button")
        .await;
    app.wait_for_text("#customer-name", "Leyla Məmmədova").await;
    // 251 manats: 251 points and 50 for the first order.
    app.wait("#customer-points[data-points='301']").await;
    app.wait("#customer-ledger tr[data-kind='first_purchase']")
        .await;

    app.fill("#adjust-points", "-1").await;
    app.fill("#adjust-reason", "Hədiyyə qablaşdırması").await;
    app.click("#adjust-save").await;
    app.wait("#customer-points[data-points='300']").await;
    app.wait("#customer-ledger tr[data-kind='manual']").await;

    // More than the balance is refused, in the window's words.
    app.fill("#redeem-points", "900").await;
    app.click("#redeem-save").await;
    app.wait_for_text("#customer-status", "300").await;
    app.fill("#redeem-points", "200").await;
    app.click("#redeem-save").await;
    app.wait("#customer-points[data-points='100']").await;
    app.wait("#customer-coupons li[data-code]").await;
    app.screenshot("customer-profile").await;
    let listed = cli(d, &["coupons", "list", "--customer", "1"]);
    assert!(listed.contains("2.00 AZN off, used 0 of 1"), "{listed}");
    app.quit().await;
}
