//! Messages to buyers: drafted in the buyer's language, edited by the seller, stored with the
//! action they belong to, and sent through a real SMTP server on loopback (aiosmtpd) — one that
//! accepts, one that refuses, one that says "later" and one that drops the connection.

use crate::common;

use base64::Engine;

use chrono::Duration;
use common::TestStore;
use common::mail::{SmtpServer, confirm_with_message, shop};
use vefa::messages::{MessageAction, MessageChannel, MessageKind, MessageStatus};
use vefa::orders::{Act, NewOrder, OrderChannel, OrderStatus, ProblemKind};
use vefa::{Clock, Error};

async fn the_confirmation_reaches_the_smtp_server(store: TestStore) {
    let v = store.open().await;
    let id = shop(&v).await;
    let mut draft = v
        .draft_order_message(id, MessageKind::OrderConfirmation, None)
        .await
        .unwrap();
    // In the buyer's language, from the seller by name, with the order's lines and total.
    assert_eq!(draft.language, "az");
    assert_eq!(draft.channel, MessageChannel::Email);
    assert_eq!(draft.recipient, "leyla@example.az");
    assert_eq!(
        draft.subject,
        format!("#{id} nömrəli sifarişiniz təsdiqləndi")
    );
    assert!(
        draft.body.starts_with("Salam, Leyla Məmmədova!"),
        "{}",
        draft.body
    );
    assert!(draft.body.contains("2 × Yun kilim 120×80 — 900.00 AZN"));
    assert!(draft.body.contains("Cəmi: 907.00 AZN"));
    assert!(draft.body.contains("Rəna Əliyeva\nKilim Evi"));
    assert!(draft.body.contains("+994 55 765 43 21"));
    assert!(
        !draft.body.contains("Yola düşəcəyi tarix"),
        "no ship-by date, no line about it: {}",
        draft.body
    );

    // The seller adds a personal line before it goes.
    draft
        .body
        .push_str("\n\nP.S. Hədiyyə qablaşdırması pulsuzdur 🎁");
    let o = v
        .act_on_order_with_message(id, &Act::Confirm, Some(&draft))
        .await
        .unwrap();
    assert_eq!(o.status, OrderStatus::Confirmed);
    let queued = v.outbox(Some(id)).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].status, MessageStatus::Queued);

    // Sent as the app sends it: the saved server, with the seller's photo beside the text.
    v.set_profile_photo(&vefa::shop::profile::PhotoUpload {
        file_name: "rena.png".into(),
        data_base64: base64::engine::general_purpose::STANDARD
            .encode(common::png_bytes(400, 400, 7)),
    })
    .await
    .unwrap();
    let server = SmtpServer::start("accept");
    v.save_smtp_settings(&server.settings()).await.unwrap();
    let mailer = v
        .smtp_mailer(&vefa::infra::secrets::Keychain::new("vefa-test"))
        .await
        .unwrap()
        .expect("a server is set");
    let report = v.send_due_messages(&mailer).await.unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (1, 0, 0));
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["envelope_to"][0], "leyla@example.az");
    assert_eq!(got[0]["subject"], draft.subject.as_str());
    assert_eq!(got[0]["content_type"], "multipart/mixed");
    assert_eq!(got[0]["images"][0]["type"], "image/png");
    assert_eq!(
        got[0]["images"][0]["bytes"].as_u64(),
        Some(common::png_bytes(400, 400, 7).len() as u64),
        "the seller's photo, whole"
    );
    assert!(
        got[0]["from"]
            .as_str()
            .unwrap()
            .contains("rena@kilimevi.az")
    );
    assert_eq!(
        got[0]["body"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n")
            .trim_end(),
        draft.body.trim_end(),
        "the words the seller approved, exactly"
    );
    let sent = &v.outbox(Some(id)).await.unwrap()[0];
    assert_eq!(sent.status, MessageStatus::Sent);
    assert_eq!(sent.sent_at, Some(store.clock.now()));
    assert_eq!(sent.attempts, 1);
    // Nothing is due any more: a second round sends nothing.
    let again = v.send_due_messages(&server.mailer()).await.unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(server.received().len(), 1);
}

async fn a_refusing_server_fails_the_message_for_good(store: TestStore) {
    let v = store.open().await;
    let id = shop(&v).await;
    confirm_with_message(&v, id).await;
    let server = SmtpServer::start("refuse");
    let report = v.send_due_messages(&server.mailer()).await.unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (0, 0, 1));
    let m = v.outbox(Some(id)).await.unwrap().remove(0);
    assert_eq!(m.status, MessageStatus::Failed);
    assert!(
        m.last_error.as_deref().unwrap_or("").contains("550"),
        "{:?}",
        m.last_error
    );
    assert!(
        v.outbox(None).await.unwrap().iter().any(|e| e.id == m.id),
        "a failed message stays in view until the seller acts"
    );
    // Retried by hand once the address is fixed elsewhere; then it goes through.
    let retried = v
        .act_on_message(m.id, MessageAction::RetryNow)
        .await
        .unwrap();
    assert_eq!(retried.status, MessageStatus::Queued);
    let good = SmtpServer::start("accept");
    assert_eq!(v.send_due_messages(&good.mailer()).await.unwrap().sent, 1);
    assert!(matches!(
        v.act_on_message(m.id, MessageAction::Cancel).await,
        Err(Error::Validation(_))
    ));
}

async fn a_dropped_or_busy_server_is_tried_again_later(store: TestStore) {
    let v = store.open().await;
    let id = shop(&v).await;
    confirm_with_message(&v, id).await;

    let drop = SmtpServer::start("drop");
    let report = v.send_due_messages(&drop.mailer()).await.unwrap();
    assert_eq!((report.sent, report.retrying), (0, 1));
    let m = v.outbox(Some(id)).await.unwrap().remove(0);
    assert_eq!(m.status, MessageStatus::Queued);
    assert_eq!(m.attempts, 1);
    assert_eq!(
        m.next_attempt_at,
        Some(store.clock.now() + Duration::minutes(1))
    );
    assert!(m.last_error.is_some());

    // Not due yet: nothing is tried.
    let busy = SmtpServer::start("tempfail");
    assert_eq!(
        v.send_due_messages(&busy.mailer()).await.unwrap().retrying,
        0
    );
    store.clock.advance(Duration::minutes(1));
    assert_eq!(
        v.send_due_messages(&busy.mailer()).await.unwrap().retrying,
        1
    );
    let m = v.outbox(Some(id)).await.unwrap().remove(0);
    assert_eq!(m.attempts, 2);
    assert!(m.last_error.as_deref().unwrap_or("").contains("451"));
    assert_eq!(
        m.next_attempt_at,
        Some(store.clock.now() + Duration::minutes(5)),
        "each failure waits longer"
    );

    store.clock.advance(Duration::minutes(5));
    let good = SmtpServer::start("accept");
    assert_eq!(v.send_due_messages(&good.mailer()).await.unwrap().sent, 1);
    assert_eq!(good.received().len(), 1);
}

async fn a_message_interrupted_mid_send_is_sent_after_restart(store: TestStore) {
    let v = store.open().await;
    let id = shop(&v).await;
    confirm_with_message(&v, id).await;
    // The app claimed it and closed before it could say how the send went.
    let claimed = vefa::messages::outbox::claim_due(v.connection(), store.clock.now(), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    v.close().await.unwrap();

    let v = store.open().await;
    let good = SmtpServer::start("accept");
    assert_eq!(
        v.send_due_messages(&good.mailer()).await.unwrap().sent,
        0,
        "a send that may still be under way on another desk is left alone"
    );
    store.clock.advance(Duration::minutes(6));
    assert_eq!(v.send_due_messages(&good.mailer()).await.unwrap().sent, 1);
    assert_eq!(
        v.outbox(Some(id)).await.unwrap()[0].status,
        MessageStatus::Sent
    );
}

async fn without_an_email_the_seller_sends_it_by_hand(store: TestStore) {
    let v = store.open().await;
    let id = shop(&v).await;
    let mut order = v.order(id).await.unwrap();
    order.buyer.email = None;
    // A walk-in buyer with a phone only.
    let mut walk_in = NewOrder::new(OrderChannel::Shop, "Orxan", "AZN").with_sku("KLM-1", 1);
    walk_in.buyer.phone = Some("+994 70 111 22 33".into());
    let id = v.add_order(&walk_in).await.unwrap().id;
    let draft = v
        .draft_order_message(id, MessageKind::DelayApology, None)
        .await
        .unwrap();
    assert_eq!(draft.channel, MessageChannel::ByHand);
    assert_eq!(draft.recipient, "+994701112233");
    assert_eq!(
        draft.language, "az",
        "the shop's language for a buyer without one"
    );
    v.open_order_problem_with_message(id, ProblemKind::Delayed, "kuryer gecikir", Some(&draft))
        .await
        .unwrap();
    let m = v.outbox(Some(id)).await.unwrap().remove(0);
    assert_eq!(m.status, MessageStatus::ToSendByHand);
    let server = SmtpServer::start("accept");
    assert_eq!(v.send_due_messages(&server.mailer()).await.unwrap().sent, 0);
    let done = v
        .act_on_message(m.id, MessageAction::MarkSentByHand)
        .await
        .unwrap();
    assert_eq!(done.status, MessageStatus::SentByHand);
    assert!(server.received().is_empty());
}

async fn a_bad_message_stops_the_move_too(store: TestStore) {
    let v = store.open().await;
    let id = shop(&v).await;
    let mut draft = v
        .draft_order_message(id, MessageKind::OrderConfirmation, None)
        .await
        .unwrap();
    draft.recipient = "leyla at example".into();
    draft.subject = "Line\nBcc: everyone@example.com".into();
    let Err(Error::Validation(fields)) = v
        .act_on_order_with_message(id, &Act::Confirm, Some(&draft))
        .await
    else {
        panic!("expected field errors");
    };
    let got: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.field.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("message.subject", "control_characters"),
            ("message.recipient", "email_invalid")
        ]
    );
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::New);
    assert!(v.outbox(Some(id)).await.unwrap().is_empty());
}

async fn auto_confirm_confirms_marketplace_orders_as_they_arrive(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let mut s = v.settings().await.unwrap();
    s.auto_confirm = true;
    v.save_settings(&s).await.unwrap();
    let mut receipt =
        NewOrder::new(OrderChannel::Marketplace, "Ayşe Yılmaz", "AZN").with_sku("KLM-1", 1);
    receipt.marketplace = Some("etsy".into());
    receipt.marketplace_order_id = Some("3100".into());
    receipt.buyer.marketplace_buyer_id = Some("b-9".into());
    receipt.buyer.email = Some("ayse@example.com.tr".into());
    receipt.buyer.language = Some("tr".into());
    let id = v.add_order(&receipt).await.unwrap().id;
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::Confirmed);
    let queued = v.outbox(Some(id)).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].subject, "#3100 numaralı siparişiniz onaylandı");
    // A phone order is entered by the seller, who confirms it with the buyer on the line.
    let phone = NewOrder::new(OrderChannel::Phone, "Orxan", "AZN").with_sku("KLM-1", 1);
    let id = v.add_order(&phone).await.unwrap().id;
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::New);
}

on_both_stores!(
    auto_confirm_confirms_marketplace_orders_as_they_arrive,
    the_confirmation_reaches_the_smtp_server,
    a_refusing_server_fails_the_message_for_good,
    a_dropped_or_busy_server_is_tried_again_later,
    a_message_interrupted_mid_send_is_sent_after_restart,
    without_an_email_the_seller_sends_it_by_hand,
    a_bad_message_stops_the_move_too,
);
