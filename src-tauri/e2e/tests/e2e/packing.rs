//! Packing in the real window: a confirmed order waits on the packing screen, a scanner types
//! its codes without any field being clicked, a wrong item is refused with a red warning, the
//! right items are counted, the checklist is answered, and the order moves to ready to ship.
//! Before that, the order is picked for today's batch and its pick list and slip are printed.

use vefa_e2e::{App, Desktop, cli};

async fn banner(app: &App) -> (String, String) {
    let v = app
        .js("const b = document.querySelector('#packing-banner'); \
             return b ? [b.dataset.kind, b.textContent] : ['', ''];")
        .await;
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scans_typed_by_a_scanner_pack_an_order_and_a_wrong_item_is_refused() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    cli(
        data.path(),
        &[
            "profile",
            "set",
            "--shop-name",
            "Mis Evi",
            "--contact-name",
            "Aysel",
            "--email",
            "aysel@misevi.az",
            "--languages",
            "az",
            "--currency",
            "AZN",
        ],
    );
    let csv = data.path().join("etsy.csv");
    std::fs::write(
        &csv,
        "TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,SKU\n\
         Mis cezvə,Əl işi,35,AZN,5,CEZVE-1\n\
         Yun kilim,Əl toxuması,120,AZN,3,KILIM-1\n",
    )
    .unwrap();
    cli(data.path(), &["listings", "import", csv.to_str().unwrap()]);
    let order = data.path().join("order.json");
    std::fs::write(
        &order,
        r#"{"channel": "phone",
            "buyer": {"name": "Leyla Məmmədova", "email": "leyla@example.az", "language": "az"},
            "lines": [{"sku": "CEZVE-1", "quantity": 2}, {"sku": "KILIM-1", "quantity": 1}],
            "currency": "AZN", "shipping": "7"}"#,
    )
    .unwrap();
    cli(
        data.path(),
        &["orders", "add", "--file", order.to_str().unwrap()],
    );
    cli(data.path(), &["orders", "confirm", "1", "--no-message"]);

    let app = desktop.launch(data.path()).await;
    // From the order's page: "Check the parcel" opens it on the packing screen.
    app.click("#nav-orders").await;
    app.click("#orders-table tr[data-order='1'] button").await;
    app.click("#order-inspect").await;
    app.wait("#packing-order[data-order='1'][data-outcome='open']")
        .await;

    // Today's batch: the pick list and the packing slips, written as printable pages.
    app.click("input[data-pick='1']").await;
    app.click("#packing-print").await;
    app.wait("#packing-printed").await;
    let printed: Vec<_> = std::fs::read_dir(data.path().join("print"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(printed.len(), 2, "{printed:?}");
    let pick = printed
        .iter()
        .find(|p| p.to_string_lossy().contains("pick-list"))
        .unwrap();
    let html = std::fs::read_to_string(pick).unwrap();
    assert!(
        html.contains("CEZVE-1") && html.contains("KILIM-1"),
        "{html}"
    );

    // A yes/no step first: its button keeps the focus, and the scanner's Enter is not a press.
    app.click("#step-not_damaged-yes").await;
    app.wait("li[data-step='not_damaged'][data-state='done']")
        .await;

    // The wrong item: a red warning, nothing counted.
    app.scan("TEAPOT-9").await;
    app.wait("#packing-banner[data-kind='error']").await;
    let (_, text) = banner(&app).await;
    assert!(text.contains("TEAPOT-9"), "{text}");
    app.screenshot("packing-wrong-item").await;
    app.wait("tr[data-sku='CEZVE-1'][data-done='false']").await;

    // The right items, one scan each, in any case.
    app.scan("CEZVE-1").await;
    app.wait("#packing-banner[data-kind='ok']").await;
    app.scan("cezve-1").await;
    app.wait("tr[data-sku='CEZVE-1'][data-done='true']").await;
    // One too many is refused as well.
    app.scan("CEZVE-1").await;
    app.wait("#packing-banner[data-kind='error']").await;
    app.scan("KILIM-1").await;
    app.wait("tr[data-sku='KILIM-1'][data-done='true']").await;
    app.wait("li[data-step='scan_items'][data-state='done']")
        .await;

    for step in ["accessories_included", "packaging_fits", "label_matches"] {
        app.click(&format!("#step-{step}-yes")).await;
        app.wait(&format!("li[data-step='{step}'][data-state='done']"))
            .await;
    }
    app.screenshot("packing-ready").await;
    app.click("#packing-finish").await;
    app.wait("#packing-empty").await;
    let (kind, text) = banner(&app).await;
    assert_eq!(kind, "ok", "{text}");
    assert!(text.contains("#1"), "{text}");

    let shown = cli(data.path(), &["orders", "show", "1", "--json"]);
    let o: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(o["status"], "ready_to_ship");
    let inspection = cli(data.path(), &["inspect", "1", "--json"]);
    let i: serde_json::Value = serde_json::from_str(&inspection).unwrap();
    assert_eq!(i["inspection"]["outcome"], "passed");
    assert_eq!(i["inspection"]["wrong_scans"], 1);
    assert_eq!(i["inspection"]["over_scans"], 1);

    // The seller adds a step of their own to the default checklist.
    app.click("#nav-settings").await;
    app.click("#tab-checklists").await;
    app.wait("#checklist-shipped").await;
    app.click("#checklist-add").await;
    app.click("#checklist-save").await;
    app.wait("#checklist-status[role='alert']").await;
    let last = app
        .js("return document.querySelectorAll('#checklist-steps li').length - 1")
        .await
        .as_i64()
        .unwrap();
    app.fill(
        &format!("#checklist-{last}-label"),
        "Hədiyyə kartı — کارت هدیه",
    )
    .await;
    app.click("#checklist-save").await;
    app.wait("#checklist-status[role='status']").await;
    let next = data.path().join("order2.json");
    std::fs::write(
        &next,
        r#"{"channel": "phone", "buyer": {"name": "Murad"},
            "lines": [{"sku": "KILIM-1", "quantity": 1}], "currency": "AZN"}"#,
    )
    .unwrap();
    cli(
        data.path(),
        &["orders", "add", "--file", next.to_str().unwrap()],
    );
    let shown = cli(data.path(), &["inspect", "2", "--json"]);
    assert!(shown.contains("Hədiyyə kartı — کارت هدیه"), "{shown}");
    app.quit().await;
}
