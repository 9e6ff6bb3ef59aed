//! Orders in the real window: an order entered with the CLI appears in the open inbox, the
//! seller confirms it, reads and edits the confirmation in the buyer's language, and the message
//! reaches a real SMTP server on loopback; a new marketplace order is announced by a desktop
//! notification (seen by a real daemon), a click on it opens the order, and confirming it there
//! sends the buyer's confirmation.

use vefa_e2e::{App, Desktop, SmtpServer, cli};

async fn status(app: &App) -> String {
    app.js("return document.querySelector('#order-status')?.dataset.status ?? ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_order_is_confirmed_in_the_window_and_the_buyer_gets_the_message() {
    let desktop = Desktop::start();
    let smtp = SmtpServer::start();
    let data = tempfile::tempdir().unwrap();
    cli(
        data.path(),
        &[
            "profile",
            "set",
            "--shop-name",
            "Kilim Evi",
            "--contact-name",
            "Rəna Əliyeva",
            "--phone",
            "+994 55 765 43 21",
            "--email",
            "rena@kilimevi.az",
            "--languages",
            "az",
            "--currency",
            "AZN",
        ],
    );
    cli(
        data.path(),
        &[
            "smtp",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &smtp.port.to_string(),
            "--security",
            "none",
            "--from-email",
            "rena@kilimevi.az",
            "--from-name",
            "Rəna",
        ],
    );
    let app = desktop.launch(data.path()).await;
    app.click("#nav-orders").await;
    app.wait("#orders-empty").await;

    // A phone order entered from a script while the window is open.
    let file = data.path().join("order.json");
    std::fs::write(
        &file,
        r#"{"channel": "phone",
            "buyer": {"name": "Leyla Məmmədova", "email": "leyla@example.az", "language": "az"},
            "lines": [{"title": "Yun kilim 120×80", "quantity": 1, "unit_price": "450"}],
            "currency": "AZN", "shipping": "7"}"#,
    )
    .unwrap();
    assert_eq!(
        cli(
            data.path(),
            &["orders", "add", "--file", file.to_str().unwrap()]
        )
        .trim(),
        "order 1 added"
    );
    app.wait("#orders-table tr[data-order='1'][data-status='new']")
        .await;
    app.wait_for_text("#order-tab-new", "1").await;

    app.click("#orders-table tr[data-order='1'] button").await;
    app.wait_for_text("#order-title", "#1").await;
    assert_eq!(status(&app).await, "new");
    app.wait_for_content("#order-total", "457").await;

    // Confirm: the confirmation is shown in Azerbaijani, the seller adds a line, then sends.
    app.click("#order-act-confirm").await;
    app.click("#step-next").await;
    app.wait("#step-message[data-language='az']").await;
    let subject = app.value("#message-subject").await;
    assert_eq!(subject, "#1 nömrəli sifarişiniz təsdiqləndi");
    let body = app.value("#message-body").await;
    assert!(body.starts_with("Salam, Leyla Məmmədova!"), "{body}");
    let edited = format!("{body}\n\nP.S. Hədiyyə qablaşdırması pulsuzdur.");
    // Set as a paste would: WebDriver's typing drops line breaks in a textarea.
    app.js(&format!(
        "const t = document.querySelector('#message-body'); t.value = {}; \
         t.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;",
        serde_json::to_string(&edited).unwrap()
    ))
    .await;
    app.screenshot("order-confirm-message").await;
    app.click("#message-send").await;
    app.wait("#order-status[data-status='confirmed']").await;
    app.wait("#order-messages li[data-status]").await;

    let mail = smtp.wait_for_message(1).await;
    assert_eq!(mail["envelope_to"][0], "leyla@example.az");
    assert_eq!(mail["subject"], subject.as_str());
    assert_eq!(
        mail["body"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n")
            .trim_end(),
        edited.trim_end(),
        "the words the seller approved reach the buyer"
    );
    app.wait("#order-messages li[data-status='sent']").await;
    app.screenshot("order-confirmed").await;

    // The step is on the timeline and the inbox moved the order to its new tab.
    app.wait("#order-timeline li[data-kind='status']").await;
    app.click("#order-back").await;
    app.wait("#orders-table tr[data-order='1'][data-status='confirmed']")
        .await;

    // The dashboard's "today" follows: nothing waits for confirmation, one order to ship.
    app.click("#nav-dashboard").await;
    app.wait("#today-unconfirmed[data-count='0']").await;
    app.wait("#today-to-ship[data-count='1']").await;
    app.screenshot("dashboard-today").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_marketplace_order_is_announced_opened_from_its_notification_and_confirmed() {
    let desktop = Desktop::start();
    let smtp = SmtpServer::start();
    let data = tempfile::tempdir().unwrap();
    cli(
        data.path(),
        &[
            "smtp",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &smtp.port.to_string(),
            "--security",
            "none",
            "--from-email",
            "elif@vefakitap.com.tr",
        ],
    );
    let app = desktop.launch(data.path()).await;
    let file = data.path().join("receipt.json");
    std::fs::write(
        &file,
        r#"{"channel": "marketplace", "marketplace": "etsy", "marketplace_order_id": "3012",
            "buyer": {"name": "Ayşe Yılmaz", "marketplace_buyer_id": "b-77",
                      "email": "ayse@example.com.tr", "language": "tr"},
            "lines": [{"title": "Ahşap tren", "quantity": 1, "unit_price": "125.50"}],
            "currency": "TRY"}"#,
    )
    .unwrap();
    // Stored by another process (as sync or a script would) while the window is open.
    cli(
        data.path(),
        &["orders", "add", "--file", file.to_str().unwrap()],
    );
    let calls = desktop.wait_for_notification("New order #3012").await;
    assert!(calls.contains("Ayşe Yılmaz — 125.50 TRY"), "{calls}");

    // A click on it brings the window to that order.
    let clicked = std::process::Command::new("dunstctl")
        .args(["action", "0"])
        .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus)
        .status()
        .unwrap();
    assert!(clicked.success());
    app.wait_for_text("#order-title", "#3012").await;
    assert_eq!(status(&app).await, "new");
    app.screenshot("order-from-notification").await;

    // The seller confirms it there; the confirmation, in Turkish, reaches the SMTP server.
    app.click("#order-act-confirm").await;
    app.click("#step-next").await;
    app.wait("#step-message[data-language='tr']").await;
    app.click("#message-send").await;
    app.wait("#order-status[data-status='confirmed']").await;
    let mail = smtp.wait_for_message(1).await;
    assert_eq!(mail["envelope_to"][0], "ayse@example.com.tr");
    assert_eq!(mail["subject"], "#3012 numaralı siparişiniz onaylandı");
    app.quit().await;
}
