//! Listings in the real window: the editor's completeness panel and buyer's total follow every
//! keystroke, a save reaches the table, a CLI import reaches the open table, and the dashboard
//! sums it all up and links back into the editor; an import in the window reports its rows.

use vefa_e2e::{App, Desktop, cli};

async fn score(app: &App) -> i64 {
    app.js("return Number(document.querySelector('#completeness-score')?.dataset.score ?? -1)")
        .await
        .as_i64()
        .unwrap_or(-1)
}

async fn has_unmet(app: &App, rule: &str) -> bool {
    app.js(&format!(
        "return !!document.querySelector('#completeness-unmet li[data-rule=\"{rule}\"]')"
    ))
    .await
    .as_bool()
    .unwrap_or(false)
}

/// Imports a CSV file into the store in `data` with the `vefa` CLI, as a script would.
fn cli_import(data: &std::path::Path, csv: &std::path::Path) {
    cli(data, &["listings", "import", csv.to_str().unwrap()]);
}

/// Waits until `check` holds, re-reading the window; the panel updates a moment after typing.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what} never happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_listing_moves_the_completeness_panel_and_the_buyer_total() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let app = desktop.launch(data.path()).await;
    app.click("#nav-listings").await;
    app.wait_for_text("#listings-count", "0 listings").await;
    app.click("#new-listing").await;

    app.fill("#listing-title", "Mis masa lampası <b>əl işi</b>")
        .await;
    app.select("#listing-family", "electronics").await;
    app.fill(
        "#listing-description",
        &"Əl ilə döyülmüş mis masa lampası, 45 sm. ".repeat(4),
    )
    .await;
    app.fill("#listing-price", "85").await;
    app.fill("#listing-currency", "AZN").await;
    app.fill("#listing-vat", "18").await;
    app.fill("#listing-shipping-cost", "5").await;
    app.fill("#listing-delivery-min", "2").await;
    app.fill("#listing-delivery-max", "5").await;
    app.fill("#variant-0-sku", "LAMP-1").await;

    // Electronics require warranty terms: the panel says so, and the buyer's total is there.
    eventually("the panel asks for warranty terms", || {
        has_unmet(&app, "warranty")
    })
    .await;
    app.wait_for_text("#completeness-state", "Incomplete").await;
    app.wait_for_text("#total-sum", "90.00").await;
    app.wait_for_text("#total-vat", "includes 18% VAT").await;
    app.wait_for_text("#total-days", "Arrives in 2–5 days")
        .await;
    let before = score(&app).await;
    assert!(before > 0, "a score is shown: {before}");
    app.screenshot("10-listing-editor-incomplete").await;

    app.fill(
        "#listing-warranty",
        "Two years against any fault in the wiring or the switch.",
    )
    .await;
    eventually("the warranty rule leaves the panel", || async {
        !has_unmet(&app, "warranty").await
    })
    .await;
    let after = score(&app).await;
    assert!(after > before, "the score rises: {before} → {after}");

    // Shipping on top of a VAT-exclusive price: the total follows at once.
    app.click("#listing-includes-vat").await;
    app.wait_for_text("#total-sum", "105.30").await;

    app.click("#save-listing").await;
    app.wait_for_text("#listing-status", "Saved").await;
    app.screenshot("11-listing-editor-saved").await;
    app.click("#editor-back").await;
    app.wait_for_text("#listings-count", "1 listing").await;
    let title = app
        .wait_for_content(".listing-open", "Mis masa lampası")
        .await;
    assert_eq!(
        title, "Mis masa lampası <b>əl işi</b>",
        "HTML in a title is shown as text"
    );

    // A CLI import while the window is open reaches the table without a reload.
    let csv = data.path().join("etsy.csv");
    std::fs::write(
        &csv,
        "TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,SKU\n\
         Kilim,Wool,12000,JPY,1,KILIM-1\n\
         دیوان حافظ,چاپ سنگی,35,AZN,2,BOOK-1\n",
    )
    .unwrap();
    cli_import(data.path(), &csv);
    app.wait_for_text("#listings-count", "3 listings").await;
    app.wait_for_content("#listings-viewport", "دیوان حافظ")
        .await;
    app.screenshot("12-listings-table").await;

    // The dashboard counts them, and its worst listing opens in the editor.
    app.click("#nav-dashboard").await;
    app.wait_for_text("#health-summary", "0 of 3 listings are complete")
        .await;
    app.wait_for_content("#health-unmet", "Photos 3 listings")
        .await;
    app.screenshot("13-dashboard").await;
    app.click("#health-worst li:first-child button").await;
    app.wait("#completeness-panel").await;
    // Yen have no minor unit: 12000 JPY is "12000" in the form, not "120.00".
    eventually(
        "the stored price fills the form with the currency's digits",
        || async { app.value("#listing-price").await == "12000" },
    )
    .await;

    // Importing in the window: progress, then what was taken and which line was refused and why.
    let file = data.path().join("more.csv");
    std::fs::write(
        &file,
        "TITLE;DESCRIPTION;PRICE;CURRENCY_CODE;QUANTITY;SKU\n\
         Çay dəsti;\"Armudu stəkan,\nnəlbəki\";45,50;AZN;3;TEA-1\n\
         Broken;x;-4;AZN;1;BAD-1\n",
    )
    .unwrap();
    app.click("#editor-back").await;
    app.click("#import-listings").await;
    app.fill("#import-path", file.to_str().unwrap()).await;
    app.click("#import-start").await;
    app.wait_for_text("#import-summary", "1 imported, 0 updated, 1 rejected")
        .await;
    app.wait_for_text("#import-rejected", "Line 4 PRICE: must not be negative")
        .await;
    app.wait_for_text("#listings-count", "4 listings").await;
    app.screenshot("14-import-summary").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seller_adjusts_a_family_s_rules_and_its_listings_are_rescored() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let csv = data.path().join("lamps.csv");
    std::fs::write(
        &csv,
        "title,family,price,currency,variants\n\
         Lamp,electronics,20,EUR,\"[{\"\"sku\"\":\"\"L-1\"\",\"\"options\"\":[],\"\"price_override_minor\"\":null,\"\"quantity\"\":1,\"\"barcode\"\":\"\"\"\"}]\"\n",
    )
    .unwrap();
    cli_import(data.path(), &csv);

    let app = desktop.launch(data.path()).await;
    app.click("#tab-rules").await;
    app.select("#rules-family", "electronics").await;
    let warranty = "#rules-form tr[data-rule=warranty] input[type=checkbox]";
    assert_eq!(
        app.js(&format!(
            "return document.querySelector('{warranty}').checked"
        ))
        .await,
        true,
        "electronics ship with warranty terms required"
    );
    // Dropping the rule changes what the lamp misses, so it is rescored.
    app.click("#rules-form tr[data-rule=warranty] button").await;
    app.click("#rules-save").await;
    app.wait_for_text("#rules-status", "Saved; 1 listing rescored")
        .await;
    app.screenshot("15-rules").await;
    app.quit().await;
}
