//! The OpenAPI checker the sync tests rely on: it loads the shared Etsy specification, accepts
//! what the specification documents and refuses what it does not.

use crate::common;

use common::openapi::Spec;
use serde_json::json;

fn receipt() -> serde_json::Value {
    common::etsy_receipt()
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
