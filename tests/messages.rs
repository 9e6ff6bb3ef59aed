//! Messages to buyers: drafted in the buyer's language, edited by the seller, stored with the
//! action they belong to, and sent through a real SMTP server on loopback (aiosmtpd) — one that
//! accepts, one that refuses, one that says "later" and one that drops the connection.

mod common;

use base64::Engine;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use chrono::Duration;
use common::TestStore;
use common::keyring::Keyring;
use vefa::catalog::listings::{ListingInput, Variant};
use vefa::locale::UiLanguage;
use vefa::messages::{
    Draft, MessageAction, MessageChannel, MessageKind, MessageStatus, Security, SmtpMailer,
    SmtpSettings,
};
use vefa::orders::{Act, NewOrder, OrderChannel, OrderStatus, ProblemKind};
use vefa::{Clock, Error, ProfileInput, Vefa};

/// aiosmtpd on 127.0.0.1, in one of the modes of `tests/support/smtp_server.py`.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start(mode: &str) -> Self {
        Self::start_with(mode, None)
    }

    /// A server that wants this login.
    fn start_with(mode: &str, login: Option<(&str, &str)>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        // Debian's python3, which has python3-aiosmtpd (`cargo xtask test` installs it).
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args([mode, &port.to_string()])
            .arg(maildir.path())
            .args(login.map(|(u, p)| [u, p]).into_iter().flatten())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("/usr/bin/python3 with python3-aiosmtpd (`cargo xtask test` installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            security: Security::None,
            username: String::new(),
            from_email: "rena@kilimevi.az".into(),
            from_name: "Rəna — Kilim Evi".into(),
        }
    }

    fn mailer(&self) -> SmtpMailer {
        SmtpMailer::new(&self.settings(), None).unwrap()
    }

    fn received(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<_> = std::fs::read_dir(self.maildir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn shop(v: &Vefa) -> i32 {
    v.save_profile(&ProfileInput {
        shop_name: "Kilim Evi".into(),
        contact_name: "Rəna Əliyeva".into(),
        phone: "+994 55 765 43 21".into(),
        email: "rena@kilimevi.az".into(),
        ui_language: UiLanguage::En,
        languages: vec!["az".into()],
        currency: "AZN".into(),
    })
    .await
    .unwrap();
    let mut l = ListingInput::draft("Yun kilim 120×80", "AZN");
    l.price.minor = 45_000;
    l.variants = vec![Variant {
        sku: "KLM-1".into(),
        quantity: 10,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap();
    let mut order =
        NewOrder::new(OrderChannel::Phone, "Leyla Məmmədova", "AZN").with_sku("KLM-1", 2);
    order.buyer.email = Some("leyla@example.az".into());
    order.buyer.phone = Some("+994501234567".into());
    order.buyer.language = Some("az".into());
    order.shipping = Some("7".into());
    v.add_order(&order).await.unwrap().id
}

async fn confirm_with_message(v: &Vefa, id: i32) -> Draft {
    let draft = v
        .draft_order_message(id, MessageKind::OrderConfirmation, None)
        .await
        .unwrap();
    v.act_on_order_with_message(id, &Act::Confirm, Some(&draft))
        .await
        .unwrap();
    draft
}

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

/// The SMTP password goes into the OS keychain (a real Secret Service) and from there into the
/// server's login; the store never holds it.
#[tokio::test]
async fn the_smtp_password_lives_in_the_keychain_and_logs_in() {
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    let id = shop(&v).await;
    confirm_with_message(&v, id).await;
    v.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };
    let keyring = Keyring::start();
    let password = "s3cret pässword ✓";
    let server = SmtpServer::start_with("accept", Some(("rena", password)));
    let cli = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_vefa"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let port = server.port.to_string();
    let set = |user: &str, stdin: &str| {
        cli(
            &[
                "smtp",
                "set",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--security",
                "none",
                "--username",
                user,
                "--from-email",
                "rena@kilimevi.az",
                "--password-stdin",
            ],
            stdin,
        )
    };

    // A login with no password in the keychain is refused before anything is sent.
    let out = set("nobody", "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["outbox", "send"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("smtp.password: is required"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = set("rena", &format!("{password}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["outbox", "send"], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "sent 1, to try again later 0, failed 0",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.received().len(), 1);

    // The password is in no file of the store (the database, its WAL, the backups).
    let dir = db.parent().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(password.len())
                    .any(|w| w == password.as_bytes()),
                "the password is in {}",
                path.display()
            );
        }
    }
}

/// The CLI: set the server, confirm (which queues the confirmation), send what is due.
#[tokio::test]
async fn cli_smtp_set_confirm_and_send() {
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    let id = shop(&v).await;
    v.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vefa"))
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap()
    };
    let server = SmtpServer::start("accept");
    let port = server.port.to_string();
    let out = cli(&[
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--security",
        "none",
        "--from-email",
        "rena@kilimevi.az",
        "--from-name",
        "Rəna",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["orders", "confirm", &id.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("message queued to leyla@example.az"),
        "{text}"
    );
    let out = cli(&["outbox", "send"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "sent 1, to try again later 0, failed 0"
    );
    assert_eq!(server.received().len(), 1);
    let out = cli(&["outbox", "list", "--order", &id.to_string(), "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["status"], "sent");
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
