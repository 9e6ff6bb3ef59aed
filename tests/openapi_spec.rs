//! The OpenAPI checker the sync tests rely on: it loads the shared Etsy specification, accepts
//! what the specification documents and refuses what it does not.

mod common;

use common::openapi::Spec;
use serde_json::json;

fn receipt() -> serde_json::Value {
    json!({
        "receipt_id": 3012, "receipt_type": 0, "seller_user_id": 1, "seller_email": null,
        "buyer_user_id": 77, "buyer_email": "ayse@example.com.tr", "name": "Ayşe Yılmaz",
        "first_line": "Bağdat Cd. 10", "second_line": null, "city": "İstanbul", "state": null,
        "zip": "34728", "status": "paid", "formatted_address": "Ayşe Yılmaz\nBağdat Cd. 10",
        "country_iso": "TR", "payment_method": "cc", "payment_email": null,
        "message_from_seller": null, "message_from_buyer": "Hediye paketi lütfen",
        "message_from_payment": null, "is_paid": true, "is_shipped": false,
        "create_timestamp": 1763900000, "created_timestamp": 1763900000,
        "update_timestamp": 1763900000, "updated_timestamp": 1763900000, "is_gift": false,
        "gift_message": "", "gift_sender": "",
        "grandtotal": {"amount": 12550, "divisor": 100, "currency_code": "TRY"},
        "subtotal": {"amount": 12550, "divisor": 100, "currency_code": "TRY"},
        "total_price": {"amount": 12550, "divisor": 100, "currency_code": "TRY"},
        "total_shipping_cost": {"amount": 0, "divisor": 100, "currency_code": "TRY"},
        "total_tax_cost": {"amount": 0, "divisor": 100, "currency_code": "TRY"},
        "total_vat_cost": {"amount": 0, "divisor": 100, "currency_code": "TRY"},
        "discount_amt": {"amount": 0, "divisor": 100, "currency_code": "TRY"},
        "gift_wrap_price": {"amount": 0, "divisor": 100, "currency_code": "TRY"},
        "shipments": [], "transactions": [], "refunds": []
    })
}

#[test]
fn a_documented_receipt_page_passes_and_a_wrong_one_does_not() {
    let spec = Spec::load();
    assert_eq!(
        spec.route("getShopReceipts"),
        ("get", "/v3/application/shops/{shop_id}/receipts")
    );
    let page = json!({"count": 1, "results": [receipt()]});
    if let Err(e) = spec.check_response("getShopReceipts", 200, &page) {
        panic!("a receipt as Etsy documents it was refused: {e:#?}");
    }
    let mut wrong = receipt();
    wrong["receipt_id"] = json!("3012");
    wrong["grandtotal"] = json!(125.5);
    let errors = spec
        .check_response(
            "getShopReceipts",
            200,
            &json!({"count": 1, "results": [wrong]}),
        )
        .unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("/results/0/receipt_id")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("/results/0/grandtotal")),
        "{errors:#?}"
    );
}

#[test]
fn query_parameters_are_checked_by_name_and_type() {
    let spec = Spec::load();
    let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        spec.check_query(
            "getShopReceipts",
            &q(&[
                ("min_last_modified", "1763900000"),
                ("sort_on", "updated"),
                ("limit", "100"),
                ("offset", "0")
            ])
        ),
        Ok(())
    );
    let errors = spec
        .check_query(
            "getShopReceipts",
            &q(&[("limit", "many"), ("colour", "red")]),
        )
        .unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("limit=many")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("colour is not documented")),
        "{errors:#?}"
    );
}
