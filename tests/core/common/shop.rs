//! A small shop on a real store for the customer-care tests: the profile, one kilim listing
//! with stock, phone orders, and the moves that deliver or refund one.

use vefa::Vefa;
use vefa::catalog::listings::{ListingInput, Variant};
use vefa::inspection::InspectionOp;
use vefa::orders::{Act, NewOrder, OrderChannel};

/// Kilim Evi's profile: an Azerbaijani shop selling in manats.
pub async fn profile(v: &Vefa) {
    v.save_profile(&vefa::ProfileInput {
        shop_name: "Kilim Evi".into(),
        contact_name: "Rəna".into(),
        phone: String::new(),
        email: "rena@kilimevi.az".into(),
        ui_language: vefa::locale::UiLanguage::Az,
        languages: vec!["az".into()],
        currency: "AZN".into(),
    })
    .await
    .unwrap();
}

/// The profile and one kilim at 125.50 AZN, 100 on the shelf as KILIM-1.
pub async fn shop(v: &Vefa) {
    profile(v).await;
    let mut l = ListingInput::draft("Yun kilim", "AZN");
    l.price.minor = 12_550;
    l.variants = vec![Variant {
        sku: "KILIM-1".into(),
        quantity: 100,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap();
}

pub async fn order(v: &Vefa, email: &str, qty: u32) -> i32 {
    let mut o = NewOrder::new(OrderChannel::Phone, "Leyla", "AZN").with_sku("KILIM-1", qty);
    o.buyer.email = Some(email.into());
    v.add_order(&o).await.unwrap().id
}

pub async fn deliver(v: &Vefa, id: i32) {
    v.act_on_order(id, &Act::Confirm).await.unwrap();
    let through = InspectionOp::Override {
        reason: "checked at the counter".into(),
    };
    v.inspect(id, &through, None, None).await.unwrap();
    for act in [
        Act::MarkReady,
        Act::Ship {
            carrier: "AzərPoçt".into(),
            tracking: format!("RR{id}"),
        },
        Act::Deliver,
    ] {
        v.act_on_order(id, &act).await.unwrap();
    }
}

pub async fn refund(v: &Vefa, id: i32) {
    for act in [
        Act::RequestReturn {
            reason: "too small".into(),
        },
        Act::ReceiveReturn { restock: true },
        Act::Refund,
    ] {
        v.act_on_order(id, &act).await.unwrap();
    }
}

pub async fn buyer(v: &Vefa, order: i32) -> i32 {
    v.order(order).await.unwrap().buyer.id
}
