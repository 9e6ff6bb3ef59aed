//! Customers in the real window: a buyer whose order was delivered (from the CLI) has points and
//! a tier; the seller corrects the points with a reason and turns points into a coupon, and the
//! profile, the ledger and the coupon list follow; a personal offer for a rug sharing the kilim's
//! tag goes out with its code; a duplicate record of the same buyer is merged in; the loyalty
//! rules and the shop's time zone are saved in Settings.

use vefa_e2e::{Desktop, cli, kilim_shop_with_an_order, phone_order};

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
    // A second rug sharing the kilim's "yun" tag (the kilim's row updates it by SKU).
    let csv = d.join("rugs.csv");
    std::fs::write(
        &csv,
        "TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,SKU,TAGS\n\
         Yun kilim,Əl toxuması,251,AZN,5,KILIM-1,\"yun,kilim\"\n\
         Yun palaz,Əl toxuması,180,AZN,3,PALAZ-1,\"yun,palaz\"\n",
    )
    .unwrap();
    cli(d, &["listings", "import", csv.to_str().unwrap()]);
    // The same Leyla again, under another address: a second record, to merge.
    phone_order(d, "Leyla M.", "leyla.m@example.az", "PALAZ-1");

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

    // A personal offer: the rug sharing the kilim's tag, 7.5 % off, the message read first.
    let rug = "#offer-suggestions li[data-listing='2']";
    app.wait_for_text(rug, "Yun palaz").await;
    app.fill("#offer-percent", "7.5").await;
    app.click(&format!("{rug} .offer-write")).await;
    let body = app.value("#offer-body").await;
    assert!(
        body.contains("Yun palaz") && body.contains("7.5%") && body.contains("{code}"),
        "{body}"
    );
    app.click("#offer-make").await;
    app.wait("#offer-status").await;
    let coupons: serde_json::Value =
        serde_json::from_str(&cli(d, &["coupons", "list", "--customer", "1", "--json"])).unwrap();
    let offer = coupons
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"]["percent_bp"] == 750)
        .unwrap_or_else(|| panic!("no 7.5 % coupon in {coupons}"));
    assert_eq!(
        (offer["source"].as_str(), offer["listing_id"].as_i64()),
        (Some("offer"), Some(2))
    );
    let code = offer["code"].as_str().unwrap().to_owned();
    app.wait_for_text("#offer-status", &code).await;
    app.wait(&format!("#customer-coupons li[data-code='{code}']"))
        .await;
    app.wait_for_text(rug, &code).await;
    let queued = cli(d, &["outbox", "list", "--json"]);
    assert!(
        queued.contains("personal_offer") && queued.contains(&code),
        "{queued}"
    );

    // The duplicate record is found and merged in, after a second click to be sure.
    app.fill("#merge-search", "leyla.m").await;
    app.click("#merge-found li[data-customer='2'] .merge-pick")
        .await;
    app.click("#merge-found li[data-customer='2'] .merge-yes")
        .await;
    app.wait("#customer-merged li[data-customer='2']").await;
    app.wait_for_text("#record-status", "Leyla M.").await;
    app.screenshot("customer-merged").await;
    let shown = cli(d, &["customers", "show", "1", "--json"]);
    let p: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(p["orders"], 2, "{shown}");
    // She has the rug now (through the merged record): it is no longer suggested.
    app.wait("#offers-none").await;

    // Loyalty rules in Settings: tiers must rise; two points a manat from now on.
    app.click("#nav-settings").await;
    app.click("#tab-loyalty").await;
    app.fill("#loyalty-tiers tr[data-tier='2'] .tier-min", "100")
        .await;
    app.click("#save-loyalty-rules").await;
    app.wait("#loyalty-tiers p.error").await;
    app.fill("#loyalty-tiers tr[data-tier='2'] .tier-min", "1500")
        .await;
    app.fill("#rule-points_per_unit", "2").await;
    app.click("#save-loyalty-rules").await;
    app.wait("#loyalty-rules-status.ok").await;
    app.screenshot("loyalty-rules").await;
    // The shop's time zone: an unknown name is refused; Baku's weeks begin at its midnight.
    app.click("#tab-preferences").await;
    app.fill("#time_zone", "Asia/Bakuu").await;
    app.click("#save-preferences").await;
    app.wait_for_text("#error-time_zone", "Asia/Bakuu").await;
    app.fill("#time_zone", "Asia/Baku").await;
    app.click("#save-preferences").await;
    app.wait("#preferences-status[role='status']").await;
    app.click("#nav-review").await;
    app.wait_for_text(".legend", "Asia/Baku").await;
    // The merged record's order, delivered: 180 manats at two points each, no second welcome.
    cli(d, &["orders", "confirm", "2", "--no-message"]);
    cli(d, &["inspect", "2", "--override", "checked at the counter"]);
    cli(d, &["orders", "ready", "2"]);
    let shipped = [
        "orders",
        "ship",
        "2",
        "--carrier",
        "AzərPoçt",
        "--tracking",
        "RR2",
        "--no-message",
    ];
    cli(d, &shipped);
    cli(d, &["orders", "deliver", "2"]);
    let s: serde_json::Value =
        serde_json::from_str(&cli(d, &["loyalty", "balance", "1", "--json"])).unwrap();
    assert_eq!(s["balance"], 100 + 360, "{s}");
    app.quit().await;
}
