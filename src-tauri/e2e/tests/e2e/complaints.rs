//! The complaint book in the real window: the seller writes a complaint about an order from
//! the order's page, gives the buyer an apology coupon in one step, settles the entry with what
//! was done, and finds the coupon and the settled complaint in the buyer's profile and the
//! complaint in this week's review.

use vefa_e2e::{Desktop, cli, kilim_shop_with_an_order};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_is_settled_with_an_apology_coupon_that_shows_in_the_profile() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    kilim_shop_with_an_order(d);

    let app = desktop.launch(d).await;
    // From the order's page: the form starts with the order's number.
    app.click("#nav-orders").await;
    app.click("#orders-table tr[data-order='1'] button").await;
    app.click("#order-feedback").await;
    app.wait("#book-form").await;
    assert_eq!(app.value("#book-order").await, "#1");
    app.select("#book-category", "damaged").await;
    // An empty text is refused in place; nothing is written.
    app.click("#book-save").await;
    app.wait("#book-text[aria-invalid='true']").await;
    app.fill(
        "#book-text",
        "Kilimin küncü cırılıb gəldi — گوشه‌ی فرش پاره بود",
    )
    .await;
    app.click("#book-save").await;
    app.wait("#book-status").await;
    let entry = "#book-entries li[data-feedback='1']";
    app.wait_for_text(entry, "Leyla Məmmədova").await;

    // A 15 % coupon for 60 days, in one step.
    app.fill(&format!("{entry} .apology-value"), "15").await;
    app.fill(&format!("{entry} .apology-days"), "60").await;
    app.click(&format!("{entry} .apology-give")).await;
    let given = app.wait(&format!("{entry} .given")).await;
    let what = given.attr("data-given").await.unwrap().unwrap_or_default();
    let code = what
        .strip_prefix("coupon ")
        .unwrap_or_else(|| panic!("the apology is a coupon: {what}"))
        .to_owned();
    assert_eq!(code.len(), 14, "{code}");

    // Settled with what was done: it leaves the open list and shows under "All".
    app.fill(
        &format!("{entry} .settle-action"),
        "Yeni kilim göndərildi, köhnəsi geri alındı",
    )
    .await;
    app.click(&format!("{entry} .settle")).await;
    app.wait("#book-empty").await;
    app.click("#book-all").await;
    app.wait(&format!("{entry}[data-resolved='true']")).await;
    app.screenshot("complaint-book").await;

    // The buyer's profile has the coupon and the settled complaint.
    app.click(&format!("{entry} button[data-customer]")).await;
    app.wait_for_text("#customer-name", "Leyla Məmmədova").await;
    app.wait(&format!("#customer-coupons li[data-code='{code}']"))
        .await;
    app.wait_for_text(&format!("#customer-coupons li[data-code='{code}']"), "15")
        .await;
    app.wait("#customer-feedback li[data-feedback='1'][data-resolved='true']")
        .await;
    app.screenshot("customer-with-apology").await;

    // The weekly review: it opens on the last complete week; the week after is this one,
    // with the complaint counted.
    app.click("#nav-review").await;
    app.wait("#review-figures").await;
    app.click("#review-next").await;
    app.wait("#review-figures [data-figure='complaints'][data-value='1']")
        .await;
    app.wait("#review-complaints tr[data-key='damaged']").await;
    app.screenshot("weekly-review").await;

    let listed = cli(d, &["coupons", "list", "--customer", "1"]);
    assert!(listed.contains(&code), "{listed}");
    assert!(listed.contains("used 0 of 1"), "{listed}");
    let book = cli(d, &["complaints", "list", "--json"]);
    let book: serde_json::Value = serde_json::from_str(&book).unwrap();
    assert_eq!(book[0]["resolved"], true);
    assert_eq!(book[0]["staff_name"], serde_json::Value::Null);
    app.quit().await;
}
