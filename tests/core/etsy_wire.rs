//! Etsy receipts as they arrive: checked against the shared OpenAPI file, read into typed
//! receipts, and turned into orders that add up to what the buyer paid.

use crate::common;

use common::TestStore;
use common::openapi::Spec;
use serde_json::{Value, json};
use vefa::catalog::listings::{ListingInput, Variant};
use vefa::marketplaces::error::{MAX_BODY_BYTES, WireError};
use vefa::marketplaces::etsy::wire::{Page, ShopReceipt, read};
use vefa::orders::OrderChannel;

fn receipt_json() -> Value {
    common::etsy_receipt()
}

#[test]
fn a_documented_receipt_reads_and_writes_back_as_documented() {
    let spec = Spec::load();
    let page = json!({"count": 1, "results": [receipt_json()]});
    spec.check_response("getShopReceipts", 200, &page)
        .expect("the sample is what Etsy documents");
    let read: Page<ShopReceipt> = serde_json::from_value(page).unwrap();
    assert_eq!(
        read.results[0].transactions[0].sku.as_deref(),
        Some("TREN-1")
    );
    assert_eq!(read.results[0].grandtotal.minor(), Some(27600));
    // What Vefa writes (the sandbox serves these) is documented too.
    let written = serde_json::to_value(&read).unwrap();
    if let Err(e) = spec.check_response("getShopReceipts", 200, &written) {
        panic!("a receipt as Vefa writes it is not as Etsy documents it: {e:#?}");
    }
}

#[test]
fn wrong_money_is_refused_with_the_receipt_and_field() {
    let mut r: ShopReceipt = serde_json::from_value(receipt_json()).unwrap();
    r.total_shipping_cost.divisor = 3;
    let e = r.to_order().unwrap_err();
    assert_eq!(
        e.to_string(),
        "receipt 3012: total_shipping_cost 3500/3 is not an amount in TRY"
    );
    let mut r: ShopReceipt = serde_json::from_value(receipt_json()).unwrap();
    r.transactions[1].price.currency_code = serde_json::from_value(json!("EUR")).unwrap();
    assert!(
        r.to_order()
            .unwrap_err()
            .to_string()
            .contains("transaction 1 price is in EUR")
    );
    let mut r: ShopReceipt = serde_json::from_value(receipt_json()).unwrap();
    r.transactions[0].quantity = 0;
    assert!(
        r.to_order()
            .unwrap_err()
            .to_string()
            .contains("transaction 0 has quantity 0")
    );
    // A hostile page fails to read at all; nothing of it can be stored.
    let mut hostile = receipt_json();
    hostile["grandtotal"]["currency_code"] = json!("<script>");
    assert!(serde_json::from_value::<ShopReceipt>(hostile).is_err());
}

#[test]
fn a_hostile_response_says_where_it_is_wrong() {
    let page = |r: Value| serde_json::to_vec(&json!({"count": 1, "results": [r]})).unwrap();
    let mut r = receipt_json();
    r["transactions"][1]["quantity"] = json!("two");
    let Err(WireError::Invalid { path, reason }) = read::<Page<ShopReceipt>>(&page(r)) else {
        panic!("a string quantity was read");
    };
    assert_eq!(path, "results[0].transactions[1].quantity");
    assert!(reason.contains("invalid type: string \"two\""), "{reason}");

    let mut r = receipt_json();
    r["grandtotal"] = Value::Null;
    let Err(WireError::Invalid { path, .. }) = read::<Page<ShopReceipt>>(&page(r)) else {
        panic!("a null total was read");
    };
    assert_eq!(path, "results[0].grandtotal");

    assert!(matches!(
        read::<Page<ShopReceipt>>(b"{\"count\": 1, \"results\": [{\"receipt_id\": 1,"),
        Err(WireError::Malformed { .. })
    ));
    let huge = vec![b' '; MAX_BODY_BYTES + 1];
    assert_eq!(read::<Page<ShopReceipt>>(&huge), Err(WireError::TooLarge));
    let ok: Page<ShopReceipt> = read(&page(receipt_json())).unwrap();
    assert_eq!(ok.results[0].receipt_id, 3012);
}

#[test]
fn the_sandbox_shop_is_documented_repeatable_and_adds_up() {
    use vefa_sandbox::data::{listings, receipt};
    let spec = Spec::load();
    let shop = listings(7, 40);
    let receipts: Vec<ShopReceipt> = (0..200)
        .map(|k| receipt(7, k, 1_763_900_000 + k as i64 * 60, &shop))
        .collect();
    assert_eq!(
        receipts,
        (0..200)
            .map(|k| receipt(7, k, 1_763_900_000 + k as i64 * 60, &shop))
            .collect::<Vec<_>>(),
        "the same seed, the same shop"
    );
    let page = Page {
        count: 200,
        results: receipts.clone(),
    };
    if let Err(e) = spec.check_response(
        "getShopReceipts",
        200,
        &serde_json::to_value(&page).unwrap(),
    ) {
        panic!("the sandbox's receipts are not as Etsy documents them: {e:#?}");
    }
    for r in &receipts {
        let order = r.to_order().unwrap_or_else(|e| panic!("{e}"));
        let lines: i64 = r
            .transactions
            .iter()
            .map(|t| t.price.minor().unwrap() * t.quantity)
            .sum();
        assert_eq!(
            r.grandtotal.minor().unwrap(),
            lines + r.total_shipping_cost.minor().unwrap() - r.discount_amt.minor().unwrap()
        );
        assert!(!order.lines.is_empty());
    }
    let scripts = receipts
        .iter()
        .filter(|r| {
            r.name
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        })
        .count();
    assert!(
        scripts > 0 && scripts < 200,
        "Persian names among others: {scripts}"
    );
    assert!(
        receipts.iter().any(|r| r.buyer_email.is_none()),
        "some buyers share no e-mail"
    );
}

async fn a_receipt_becomes_an_order_that_adds_up(store: TestStore) {
    let v = store.open().await;
    let mut l = ListingInput::draft("Ahşap tren", "TRY");
    l.price.minor = 10_050;
    l.variants = vec![Variant {
        sku: "TREN-1".into(),
        quantity: 5,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap();
    let r: ShopReceipt = serde_json::from_value(receipt_json()).unwrap();
    let input = r.to_order().unwrap();
    assert_eq!(input.channel, OrderChannel::Marketplace);
    let added = v.add_order(&input).await.unwrap();
    let o = v.order(added.id).await.unwrap();
    assert_eq!(o.marketplace_order_id.as_deref(), Some("3012"));
    assert_eq!(
        o.total_minor,
        r.grandtotal.minor().unwrap(),
        "what the buyer paid"
    );
    assert_eq!(o.lines[0].sku.as_deref(), Some("TREN-1"));
    assert_eq!(o.lines[1].sku, None, "an empty SKU is a custom line");
    assert_eq!(o.lines[1].title, "Hediye paketi");
    assert_eq!(o.note, "Hediye paketi lütfen <b>!</b>");
    assert_eq!(o.address.country, "TR");
    assert_eq!(
        o.ship_by.map(|d| d.timestamp()),
        Some(1_764_000_000),
        "the earliest line's date"
    );
    assert_eq!(
        v.listing(o.lines[0].listing_id.unwrap())
            .await
            .unwrap()
            .input
            .variants[0]
            .quantity,
        3
    );
    // The same receipt again (a re-sync) changes nothing.
    let again = v.add_order(&input).await.unwrap();
    assert_eq!((again.id, again.created), (added.id, false));
}

on_both_stores!(a_receipt_becomes_an_order_that_adds_up);
