//! Sync against the sandbox marketplace over real HTTP on loopback: connecting with OAuth and
//! PKCE, the first pull, nothing new, incremental changes, repeated pulls, faults, hostile
//! answers. Every call the sandbox saw is checked against Etsy's OpenAPI file. Credentials go
//! to `MemorySecrets` here, which also lets a test see that tokens are kept there and nowhere
//! else; the real keychain is exercised by `sync_cli.rs` and the SMTP tests.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::openapi::Spec;
use common::{TestStore, scalar};
use sea_orm::{ConnectionTrait, Statement};
use vefa::infra::secrets::{MemorySecrets, Secrets};
use vefa::marketplaces::accounts::Account;
use vefa::marketplaces::etsy::Patience;
use vefa::orders::OrderStatus;
use vefa::{Clock, ConnectRequest, Vefa};
use vefa_sandbox::{Faults, Sandbox, SandboxConfig};

fn config(orders: usize) -> SandboxConfig {
    SandboxConfig {
        orders,
        listings: 30,
        record: true,
        // Retries are what is tested, not waiting: the faults are short here.
        slow: Duration::from_millis(50),
        hold: Duration::from_secs(3),
        // The per-second limit is the client's to keep; tests need not wait on it.
        per_second: 1000,
        ..SandboxConfig::default()
    }
}

fn patience() -> Patience {
    Patience {
        timeout: Duration::from_millis(800),
        per_second: 1000,
        attempts: 6,
        backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(30),
    }
}

async fn connect(v: &Vefa, sandbox: &Sandbox, keychain: &MemorySecrets) -> Account {
    connect_with(v, &vefa_sandbox::connect_request(sandbox.url()), keychain).await
}

async fn connect_with(v: &Vefa, req: &ConnectRequest, keychain: &MemorySecrets) -> Account {
    v.connect_marketplace(req, keychain, vefa_sandbox::approve)
        .await
        .expect("connect the sandbox shop")
}

/// A fresh store connected to a fresh sandbox shop.
async fn connected(
    store: &TestStore,
    config: SandboxConfig,
) -> (Vefa, Sandbox, Arc<MemorySecrets>, Account) {
    let v = store.open().await;
    let sandbox = Sandbox::start(config).await.unwrap();
    let keychain = Arc::new(MemorySecrets::default());
    let account = connect(&v, &sandbox, &keychain).await;
    (v, sandbox, keychain, account)
}

/// One sync of `account`, which must not fail outright (its report may hold errors).
async fn sync(
    v: &Vefa,
    account: &Account,
    keychain: &Arc<MemorySecrets>,
) -> vefa::sync::SyncReport {
    v.sync_account(account.id, keychain.clone(), patience())
        .await
        .unwrap()
}

async fn rows(v: &Vefa, sql: &str) -> Vec<String> {
    let db = v.connection();
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (0..)
                .map_while(|i| {
                    r.try_get_by_index::<Option<String>>(i)
                        .map(|s| s.unwrap_or_else(|| "∅".into()))
                        .or_else(|_| {
                            r.try_get_by_index::<Option<i64>>(i)
                                .map(|n| n.map_or("∅".into(), |n| n.to_string()))
                        })
                        .or_else(|_| {
                            r.try_get_by_index::<Option<i32>>(i)
                                .map(|n| n.map_or("∅".into(), |n| n.to_string()))
                        })
                        .ok()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// What a seller would see of the synced shop: every order with its status, money, buyer and
/// lines, the buyers, the stock ledger, the kept counts and the listings' pictures — ids left
/// out.
async fn shop_state(v: &Vefa) -> Vec<String> {
    let mut out = rows(
        v,
        "SELECT o.marketplace_order_id, o.status, o.currency, CAST(o.total_minor AS TEXT), \
         CAST(o.shipping_minor AS TEXT), c.name, COALESCE(c.email, ''), o.tracking \
         FROM sales_order o JOIN customer c ON c.id = o.customer_id \
         ORDER BY o.marketplace_order_id",
    )
    .await;
    out.extend(
        rows(
            v,
            "SELECT o.marketplace_order_id, CAST(l.position AS TEXT), COALESCE(l.sku, ''), l.title, \
             CAST(l.quantity AS TEXT), CAST(l.unit_price_minor AS TEXT) \
             FROM order_line l JOIN sales_order o ON o.id = l.order_id \
             ORDER BY o.marketplace_order_id, l.position",
        )
        .await,
    );
    out.extend(rows(v, "SELECT name, COALESCE(marketplace_buyer_id, '') FROM customer ORDER BY marketplace_buyer_id, name").await);
    out.extend(
        rows(
            v,
            "SELECT status, CAST(orders AS TEXT) FROM order_status_count ORDER BY status",
        )
        .await,
    );
    // The listings' pictures, by content.
    out.extend(
        rows(
            v,
            "SELECT l.etsy_listing_id, CAST(p.position AS TEXT), p.media_hash \
             FROM listing_photo p JOIN listing l ON l.id = p.listing_id \
             ORDER BY l.etsy_listing_id, p.position",
        )
        .await,
    );
    out
}

/// Every call the sandbox answered, asked and answered as Etsy's OpenAPI file says.
fn assert_conforms(sandbox: &Sandbox) {
    let spec = Spec::load();
    let exchanges = sandbox.exchanges();
    assert!(!exchanges.is_empty(), "the sandbox recorded the calls");
    for e in exchanges {
        if let Err(errors) = spec.check_query(e.operation, &e.query) {
            panic!("{} {} asked off the spec: {errors:#?}", e.method, e.path);
        }
        if let Some(body) = &e.body
            && let Err(errors) = spec.check_body(e.operation, e.body_type, body)
        {
            panic!(
                "{} {} sent a body off the spec: {errors:#?}",
                e.method, e.path
            );
        }
        if let Some(body) = &e.response {
            if let Err(errors) = spec.check_response(e.operation, e.status, body) {
                panic!(
                    "{} {} answered {} off the spec: {errors:#?}",
                    e.method, e.path, e.status
                );
            }
        } else {
            assert!(
                e.fault.is_some() || e.status >= 400,
                "{} {}: only a fault or an error goes unchecked",
                e.method,
                e.path
            );
        }
    }
}

async fn first_sync_brings_every_order_home_and_nothing_new_costs_one_call(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(250)).await;
    assert_eq!(account.shop_name, "Vefa Sandbox");
    assert_eq!(account.shop_id, sandbox.shop_id());
    // The tokens and secret are in the keychain, and nowhere in the store.
    let stored = keychain
        .get(&account.secret_key())
        .unwrap()
        .expect("credentials in the keychain");
    let access = stored
        .split("\"access_token\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    for table in [
        "marketplace_account",
        "sync_cursor",
        "setting",
        "change_log",
    ] {
        let dump = rows(&v, &format!("SELECT * FROM {table}")).await.join("\n");
        assert!(
            !dump.contains(&access),
            "the access token leaked into {table}"
        );
        assert!(
            !dump.contains("vefa-sandbox:sandbox"),
            "the API key leaked into {table}"
        );
    }

    let report = sync(&v, &account, &keychain).await;
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.orders_new, 250);
    assert_eq!(report.listings_pulled, 30);
    assert_eq!(report.reviews_new, 60);
    assert_eq!(
        report.api_calls,
        3 + 5 + 1,
        "250 orders in ceil(250/100) pages, 30 listings in one page per state (active, sold \
         out, inactive, draft, expired), 60 reviews in one"
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM sales_order").await, 250);
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM listing WHERE etsy_listing_id IS NOT NULL"
        )
        .await,
        30
    );
    let first = shop_state(&v).await;

    let calls_before = sandbox.calls();
    let again = sync(&v, &account, &keychain).await;
    assert_eq!(
        (again.orders_new, again.orders_updated),
        (0, 0),
        "nothing new: nothing changes"
    );
    assert_eq!(
        sandbox.calls() - calls_before,
        3,
        "a sync with nothing new is one call per resource (orders, listings, reviews)"
    );
    assert_eq!(shop_state(&v).await, first);
    assert_conforms(&sandbox);
}

async fn changes_on_the_marketplace_come_home_once(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(40)).await;
    sync(&v, &account, &keychain).await;

    let fresh = sandbox.add_receipts(3);
    let ids = sandbox.receipt_ids();
    let (shipped, cancelled) = (ids[0], ids[1]);
    sandbox.update_receipt(shipped, |r| {
        r.is_shipped = true;
        r.shipments
            .push(vefa::marketplaces::etsy::wire::ShopReceiptShipment {
                receipt_shipping_id: Some(1),
                shipment_notification_timestamp: r.updated_timestamp + 60,
                carrier_name: "PTT Kargo".into(),
                tracking_code: "PTT123456789".into(),
            });
    });
    sandbox.update_receipt(cancelled, |r| r.status = "canceled".into());

    let report = sync(&v, &account, &keychain).await;
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.orders_new, 3, "the new receipts: {fresh:?}");
    assert_eq!(report.orders_updated, 2);
    assert_eq!(
        report.api_calls, 3,
        "one page each of order changes, listings and reviews"
    );
    let status = |id: i64| {
        let v = &v;
        async move {
            let sql = format!(
                "SELECT CAST(id AS BIGINT) FROM sales_order WHERE marketplace_order_id = '{id}'"
            );
            let local = scalar(v, &sql).await as i32;
            v.order(local).await.unwrap()
        }
    };
    let s = status(shipped).await;
    assert_eq!(
        s.status,
        OrderStatus::Shipped,
        "shipped on Etsy: shipped here, through each step"
    );
    assert_eq!(s.tracking.as_deref(), Some("PTT123456789"));
    assert_eq!(status(cancelled).await.status, OrderStatus::Cancelled);

    // The same changes again (as after a crash before the cursor moved): nothing twice.
    let before = shop_state(&v).await;
    v.connection()
        .execute_unprepared(
            "UPDATE sync_cursor SET cursor = NULL, window_high = NULL, next_offset = 0",
        )
        .await
        .unwrap();
    let replay = sync(&v, &account, &keychain).await;
    assert_eq!((replay.orders_new, replay.orders_updated), (0, 0));
    assert_eq!(
        shop_state(&v).await,
        before,
        "a full re-pull changes nothing"
    );
    assert_conforms(&sandbox);
}

async fn faults_on_a_fifth_of_calls_converge_to_the_clean_result(store: TestStore) {
    // The clean run, on a store of its own.
    let clean_store = TestStore::sqlite().await;
    let clean = clean_store.open().await;
    let sandbox = Sandbox::start(config(1500)).await.unwrap();
    let keychain = Arc::new(MemorySecrets::default());
    let account = connect(&clean, &sandbox, &keychain).await;
    clean
        .sync_account(account.id, keychain.clone(), patience())
        .await
        .unwrap();
    let want = shop_state(&clean).await;

    let v = store.open().await;
    let account = connect(&v, &sandbox, &keychain).await;
    sandbox.set_faults(Faults::parse("all=0.2").unwrap());
    let mut rounds = 0;
    loop {
        rounds += 1;
        let r = sync(&v, &account, &keychain).await;
        if r.errors.is_empty() {
            break;
        }
        // A call that failed six times ends this round; the next goes on from the cursor.
        assert!(rounds < 10, "the sync never got through: {:?}", r.errors);
    }
    assert_eq!(shop_state(&v).await, want, "faults change how, not what");
    let faults = sandbox
        .exchanges()
        .iter()
        .filter(|e| e.fault.is_some())
        .count();
    assert!(faults > 0, "faults were injected");
    sandbox.set_faults(Faults::none());
    assert_conforms(&sandbox);
}

async fn a_hostile_answer_is_named_and_changes_nothing(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(30)).await;
    sync(&v, &account, &keychain).await;
    sandbox.add_receipts(2);
    let before = shop_state(&v).await;
    let cursor = rows(&v, "SELECT CAST(cursor AS TEXT) FROM sync_cursor").await;

    let mut page = serde_json::json!({ "count": 2, "results": [] });
    let mut r = common::etsy_receipt();
    r["transactions"][0]["quantity"] = serde_json::json!(null);
    page["results"] = serde_json::json!([r]);
    let hostile: Vec<(u16, Vec<u8>, &str)> = vec![
        (
            200,
            serde_json::to_vec(&page).unwrap(),
            "results[0].transactions[0].quantity",
        ),
        (
            200,
            br#"{"count": "many", "results": []}"#.to_vec(),
            "count",
        ),
        (200, vec![b'['; 17 * 1024 * 1024], "larger than 16 MiB"),
        (
            200,
            br#"{"count": 1, "results": [{"receipt_id": "<script>alert(1)</script>"}]}"#.to_vec(),
            "receipt_id",
        ),
    ];
    for (status, body, says) in hostile {
        sandbox.plant(status, body);
        let r = sync(&v, &account, &keychain).await;
        assert_eq!(r.errors.len(), 1, "one clear error: {:?}", r.errors);
        assert!(
            r.errors[0].contains("getShopReceipts") && r.errors[0].contains(says),
            "{}",
            r.errors[0]
        );
        assert_eq!(
            shop_state(&v).await,
            before,
            "nothing stored of a hostile answer"
        );
        assert_eq!(
            rows(&v, "SELECT CAST(cursor AS TEXT) FROM sync_cursor").await,
            cursor
        );
    }
    // A refusal that retrying cannot help is reported as the marketplace put it.
    sandbox.plant(403, br#"{"error": "This shop is on vacation"}"#.to_vec());
    let r = sync(&v, &account, &keychain).await;
    assert!(
        r.errors[0].contains("403") && r.errors[0].contains("vacation"),
        "{:?}",
        r.errors
    );
    // And the next honest answer brings the new orders home.
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.orders_new, r.errors.len()), (2, 0));
}

/// Everything an added order writes, ids left out: its timeline, problems and stock movements.
async fn order_trail(v: &Vefa) -> Vec<String> {
    let mut out = shop_state(v).await;
    out.extend(
        rows(
            v,
            "SELECT o.marketplace_order_id, e.kind, COALESCE(e.status_from, ''), \
             COALESCE(e.status_to, ''), e.detail FROM order_event e \
             JOIN sales_order o ON o.id = e.order_id ORDER BY o.marketplace_order_id, e.id",
        )
        .await,
    );
    out.extend(
        rows(
            v,
            "SELECT o.marketplace_order_id, p.kind, p.note FROM order_problem p \
             JOIN sales_order o ON o.id = p.order_id ORDER BY o.marketplace_order_id, p.id",
        )
        .await,
    );
    out.extend(
        rows(
            v,
            "SELECT sku, CAST(delta AS TEXT), reason FROM stock_movement ORDER BY sku, id",
        )
        .await,
    );
    out.extend(
        rows(
            v,
            "SELECT sku, CAST(quantity AS TEXT) FROM listing_variant ORDER BY sku",
        )
        .await,
    );
    out
}

/// The pull adds a page of orders in a few statements; what it stores must be exactly what
/// adding them one by one stores — buyers met twice, catalog SKUs with too little stock, SKUs
/// the catalog lacks, and a bad order among good ones included.
async fn a_page_of_orders_is_stored_as_one_by_one_would_be(store: TestStore) {
    use vefa::catalog::listings::{ListingInput, Variant};
    use vefa_sandbox::data;
    let shop = data::listings(3, 12);
    let mut inputs: Vec<vefa::orders::NewOrder> = (0..40)
        .map(|k| {
            let mut o = data::receipt(3, k, 1_763_000_000 + k as i64 * 600, &shop)
                .to_order()
                .unwrap();
            o.marketplace = Some("sandbox".into());
            o
        })
        .collect();
    // A receipt whose buyer has no name cannot become an order.
    inputs[7].buyer.name = String::new();
    let other = TestStore::sqlite().await;
    let (paged, single) = (store.open().await, other.open().await);
    for v in [&paged, &single] {
        // Half the sandbox's SKUs are in the catalog, with little stock.
        for l in shop.iter().take(6) {
            let mut input = ListingInput::draft(&l.title, "TRY");
            input.price.minor = l.price_minor();
            input.variants = vec![Variant {
                sku: l.sku().to_owned(),
                quantity: 2,
                ..Default::default()
            }];
            v.create_listing(&input).await.unwrap();
        }
    }
    let rules = paged.completeness_rules().await.unwrap();
    let ctx = vefa::orders::Ctx {
        actor: "desktop",
        now: store.clock.now(),
        rules: &rules,
    };
    let txn = sea_orm::TransactionTrait::begin(paged.connection())
        .await
        .unwrap();
    let page = vefa::orders::store::add_marketplace_page(&txn, ctx, "sandbox", &inputs, "tr")
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(page.added.len(), 39);
    assert_eq!(page.refused.len(), 1);
    assert_eq!(page.refused[0].0, 7);
    assert_eq!(page.refused[0].1[0].field, "buyer.name");
    for (i, o) in inputs.iter().enumerate() {
        let r = single.add_order(o).await;
        assert_eq!(r.is_err(), i == 7, "order {i}: {r:?}");
    }
    let (a, b) = (order_trail(&paged).await, order_trail(&single).await);
    assert!(
        a.iter().any(|r| r.contains("out_of_stock")),
        "some lines were short"
    );
    assert_eq!(a, b);
}

/// The id of the local order for receipt `receipt`.
async fn local(v: &Vefa, receipt: i64) -> i32 {
    let sql = format!(
        "SELECT CAST(id AS BIGINT) FROM sales_order WHERE marketplace_order_id = '{receipt}'"
    );
    scalar(v, &sql).await as i32
}

async fn ship(v: &Vefa, id: i32, tracking: &str) {
    use vefa::orders::Act;
    let checked = vefa::inspection::InspectionOp::Override {
        reason: "Packed before Vefa checked parcels".into(),
    };
    v.inspect(id, &checked, None, None).await.unwrap();
    for act in [
        Act::Confirm,
        Act::MarkReady,
        Act::Ship {
            carrier: "Yurtiçi Kargo".into(),
            tracking: tracking.into(),
        },
    ] {
        v.act_on_order(id, &act).await.unwrap();
    }
}

async fn a_shipment_goes_back_to_the_marketplace_once(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(20)).await;
    sync(&v, &account, &keychain).await;
    let receipt = sandbox.receipt_ids()[4];
    let id = local(&v, receipt).await;
    ship(&v, id, "YK-0042").await;
    // Waiting in the store with the move, before any sync.
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM sync_outbox WHERE status = 'waiting'"
        )
        .await,
        1
    );
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!((r.outbox_sent, r.outbox_waiting), (1, 0));
    let remote = sandbox.receipt(receipt).unwrap();
    assert!(remote.is_shipped, "the marketplace knows it shipped");
    assert_eq!(remote.shipments.len(), 1);
    assert_eq!(remote.shipments[0].tracking_code, "YK-0042");
    assert_eq!(remote.shipments[0].carrier_name, "Yurtiçi Kargo");
    // The pull sees the receipt changed; nothing moves twice and nothing is sent again.
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.orders_updated, r.errors.len()), (0, 0, 0));
    assert_eq!(sandbox.receipt(receipt).unwrap().shipments.len(), 1);
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::Shipped);
    assert_conforms(&sandbox);
}

async fn a_refused_tracking_is_told_on_the_order_and_not_retried(store: TestStore) {
    let v = store.open().await;
    let sandbox = Sandbox::start(SandboxConfig {
        refuse_tracking: true,
        ..config(10)
    })
    .await
    .unwrap();
    let keychain = Arc::new(MemorySecrets::default());
    let account = connect(&v, &sandbox, &keychain).await;
    sync(&v, &account, &keychain).await;
    let receipt = sandbox.receipt_ids()[2];
    let id = local(&v, receipt).await;
    ship(&v, id, "AZ123456789").await;
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.outbox_waiting), (0, 0));
    assert_eq!(
        r.errors,
        Vec::<String>::new(),
        "a refusal is an answer, not an error"
    );
    let order = v.order(id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Shipped, "it stays shipped here");
    let problem = order
        .problems
        .iter()
        .find(|p| p.resolved_at.is_none())
        .expect("a problem says what to do");
    assert_eq!(problem.kind, vefa::orders::ProblemKind::TrackingRefused);
    assert!(
        problem
            .note
            .contains("Mark the order as shipped in Shop Manager"),
        "the marketplace's reason is kept: {}",
        problem.note
    );
    let calls = sandbox
        .exchanges()
        .iter()
        .filter(|e| e.operation == "createReceiptShipment")
        .count();
    sync(&v, &account, &keychain).await;
    sync(&v, &account, &keychain).await;
    let again = sandbox
        .exchanges()
        .iter()
        .filter(|e| e.operation == "createReceiptShipment")
        .count();
    assert_eq!((calls, again), (1, 1), "no error loop: asked once");
    assert_conforms(&sandbox);
}

async fn a_failing_push_waits_and_is_sent_later(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(10)).await;
    sync(&v, &account, &keychain).await;
    let receipt = sandbox.receipt_ids()[1];
    let id = local(&v, receipt).await;
    ship(&v, id, "PTT-1").await;
    sandbox.set_faults(Faults::parse("500=1").unwrap());
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors.len(), 1, "the pull fails first: {:?}", r.errors);
    // The marketplace answers again; the pull passes, the push is due and goes.
    sandbox.set_faults(Faults::none());
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.errors.len()), (1, 0), "{:?}", r.errors);
    assert!(sandbox.receipt(receipt).unwrap().is_shipped);
    // A push that fails (six tries) after the pull passed waits for its backoff, then goes.
    let receipt = sandbox.receipt_ids()[2];
    let id = local(&v, receipt).await;
    ship(&v, id, "PTT-2").await;
    for _ in 0..6 {
        sandbox.plant_for(
            "createReceiptShipment",
            503,
            br#"{"error": "busy"}"#.to_vec(),
        );
    }
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.outbox_waiting), (0, 1));
    assert!(
        r.errors
            .iter()
            .any(|e| e.contains("will try again") && e.contains("503")),
        "{:?}",
        r.errors
    );
    assert!(!sandbox.receipt(receipt).unwrap().is_shipped);
    // Not yet due: the next sync leaves it.
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.outbox_waiting), (0, 1));
    store.clock.advance(chrono::Duration::minutes(10));
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.outbox_waiting), (1, 0), "{:?}", r.errors);
    assert!(sandbox.receipt(receipt).unwrap().is_shipped);
}

async fn open_orders_are_read_again_for_a_new_ship_by_date(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(150)).await;
    let first = sync(&v, &account, &keychain).await;
    assert_eq!(
        first.api_calls,
        2 + 5 + 1,
        "orders, listings (one page per state), reviews; a first pull is not followed by a \
         re-read"
    );
    let receipt = sandbox.receipt_ids()[10];
    let later = sandbox.receipt(receipt).unwrap().transactions[0]
        .expected_ship_date
        .unwrap()
        + 5 * 86_400;
    sandbox.edit_receipt_quietly(receipt, |r| {
        for t in &mut r.transactions {
            t.expected_ship_date = Some(later);
        }
    });
    let id = local(&v, receipt).await;
    let ship_by = |o: vefa::orders::Order| o.ship_by.map(|t| t.timestamp());
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        (r.api_calls, r.orders_updated),
        (3, 0),
        "within the hour: one call per resource, as before"
    );
    assert_ne!(ship_by(v.order(id).await.unwrap()), Some(later));
    store.clock.advance(chrono::Duration::minutes(61));
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!(
        r.api_calls,
        1 + 2 + 5 + 1,
        "the changes, the 150 open orders in two pages, the listings (the other states are \
         due again too), the reviews"
    );
    assert_eq!(r.orders_updated, 1, "only the order whose date moved");
    assert_eq!(ship_by(v.order(id).await.unwrap()), Some(later));
    assert_conforms(&sandbox);
}

async fn listing(v: &Vefa, etsy_id: i64) -> vefa::catalog::listings::Listing {
    let sql = format!("SELECT CAST(id AS BIGINT) FROM listing WHERE etsy_listing_id = '{etsy_id}'");
    v.listing(scalar(v, &sql).await as i32).await.unwrap()
}

async fn listing_edits_merge_both_ways_and_a_double_edit_waits_for_the_seller(store: TestStore) {
    use vefa::catalog::listings::{ListingInput, Variant};
    let v = store.open().await;
    let sandbox = Sandbox::start(config(5)).await.unwrap();
    let shop = sandbox.listings();
    // A listing the seller already had (imported from an Etsy CSV), known by its SKU.
    let mut had = ListingInput::draft(&shop[3].title, "TRY");
    had.price.minor = shop[3].price_minor();
    had.variants = vec![Variant {
        sku: shop[3].sku().to_owned(),
        quantity: 4,
        ..Default::default()
    }];
    let had = v.create_listing(&had).await.unwrap();
    let keychain = Arc::new(MemorySecrets::default());
    let account = connect(&v, &sandbox, &keychain).await;
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM listing").await,
        30,
        "linked by SKU, not doubled"
    );
    let linked = listing(&v, shop[3].listing_id).await;
    assert_eq!(linked.id, had.id);
    assert_eq!(
        linked.input.description, shop[3].description,
        "a blank here takes the marketplace's"
    );
    assert_eq!(
        linked.input.variants[0].quantity,
        shop[3].quantity(),
        "a first link takes the marketplace's stock"
    );
    let created = listing(&v, shop[0].listing_id).await;
    assert_eq!(created.input.title, shop[0].title);
    assert_eq!(created.input.tags, shop[0].tags);
    assert_eq!(created.input.variants[0].sku, shop[0].sku());
    assert_eq!(
        created.input.variants[0].quantity,
        shop[0].quantity(),
        "a new listing starts with the marketplace's stock"
    );

    // There: a new price for listing 0. Here: a new title for 1, there a new description.
    // Both: listing 2's tags, differently.
    sandbox.update_listing(shop[0].listing_id, |l| l.products[0].price_minor += 1_000);
    let mut one = listing(&v, shop[1].listing_id).await;
    one.input.title = "Əl işi fincan — yeni ad".into();
    v.update_listing(one.id, &one.input).await.unwrap();
    sandbox.update_listing(shop[1].listing_id, |l| {
        l.description = "Yeni açıklama".into()
    });
    let mut two = listing(&v, shop[2].listing_id).await;
    two.input.tags = vec!["burada".into()];
    v.update_listing(two.id, &two.input).await.unwrap();
    sandbox.update_listing(shop[2].listing_id, |l| l.tags = vec!["orada".into()]);

    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!((r.listings_pulled, r.listing_conflicts), (2, 1));
    assert_eq!(
        listing(&v, shop[0].listing_id).await.input.price.minor,
        shop[0].price_minor() + 1_000
    );
    // The seller's title went to the marketplace; the tags in conflict did not.
    assert_eq!(r.listings_pushed, 1);
    let there = sandbox.listings();
    assert_eq!(there[1].title, "Əl işi fincan — yeni ad");
    assert_eq!(there[1].description, "Yeni açıklama");
    assert_eq!(
        there[2].tags,
        vec!["orada".to_owned()],
        "a field in conflict is not sent"
    );
    let one = listing(&v, shop[1].listing_id).await;
    assert_eq!(
        one.input.title, "Əl işi fincan — yeni ad",
        "the seller's change is kept"
    );
    assert_eq!(
        one.input.description, "Yeni açıklama",
        "the marketplace's change is taken"
    );
    let two = listing(&v, shop[2].listing_id).await;
    assert_eq!(
        two.input.tags,
        vec!["burada".to_owned()],
        "not silently overwritten"
    );
    let conflict = rows(
        &v,
        &format!(
            "SELECT field, base, local, remote FROM listing_conflict WHERE listing_id = {}",
            two.id
        ),
    )
    .await;
    assert_eq!(conflict.len(), 1);
    assert!(conflict[0].starts_with("tags|"), "{conflict:?}");
    assert!(
        conflict[0].contains("burada") && conflict[0].contains("orada"),
        "{conflict:?}"
    );

    // Nothing new: one call each, nothing changes, the conflict still waits.
    let before = sandbox.calls();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        (
            r.listings_pulled,
            r.listing_conflicts,
            sandbox.calls() - before
        ),
        (0, 0, 3)
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM listing_conflict").await, 1);

    // The seller sees both values and takes the marketplace's tags.
    let waiting = v.listing_conflicts(Some(two.id)).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].listing_title, two.input.title);
    assert_eq!(waiting[0].local, r#"["burada"]"#);
    assert_eq!(waiting[0].remote, r#"["orada"]"#);
    use vefa::sync::listings::Choice;
    let settled = v
        .resolve_listing_conflict(waiting[0].id, Choice::Marketplace)
        .await
        .unwrap();
    assert_eq!(settled.input.tags, vec!["orada".to_owned()]);
    // Another double change, where the seller keeps theirs: it stays, and no conflict returns.
    let mut four = listing(&v, shop[4].listing_id).await;
    four.input.title = "Benim başlığım".into();
    v.update_listing(four.id, &four.input).await.unwrap();
    sandbox.update_listing(shop[4].listing_id, |l| l.title = "Onların başlığı".into());
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.listing_conflicts, 1);
    let c = v.listing_conflicts(Some(four.id)).await.unwrap();
    v.resolve_listing_conflict(c[0].id, Choice::Mine)
        .await
        .unwrap();
    assert!(matches!(
        v.resolve_listing_conflict(c[0].id, Choice::Mine).await,
        Err(vefa::Error::NotFound { .. })
    ));
    sandbox.update_listing(shop[4].listing_id, |_| {});
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        r.listing_conflicts, 0,
        "a settled conflict does not come back"
    );
    assert_eq!(
        listing(&v, shop[4].listing_id).await.input.title,
        "Benim başlığım"
    );
    assert_eq!(
        sandbox.listings()[4].title,
        "Benim başlığım",
        "the value the seller kept goes to the marketplace"
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM listing_conflict").await, 0);
    assert_conforms(&sandbox);
}

async fn a_listing_that_cannot_be_taken_is_named_and_the_others_come_home(store: TestStore) {
    let v = store.open().await;
    let sandbox = Sandbox::start(config(3)).await.unwrap();
    let shop = sandbox.listings();
    // The catalog index is loaded (empty) before the sync, so the sync must refresh it.
    let before = v
        .listings(&vefa::catalog::listings::ListingQuery::default())
        .await
        .unwrap();
    assert_eq!(before.total, 0);
    sandbox.update_listing(shop[5].listing_id, |l| l.title = "Ç".repeat(141));
    let taken = shop[7].sku().to_owned();
    sandbox.update_listing(shop[6].listing_id, |l| l.products[0].sku = taken);
    let keychain = Arc::new(MemorySecrets::default());
    let account = connect(&v, &sandbox, &keychain).await;
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.listings_pulled, 28);
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    assert!(
        r.errors
            .iter()
            .any(|e| e.contains(&format!("listing {}", shop[5].listing_id)) && e.contains("title")),
        "{:?}",
        r.errors
    );
    assert!(
        r.errors
            .iter()
            .any(|e| e.contains(shop[7].sku()) && e.contains("another listing")),
        "{:?}",
        r.errors
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM listing").await, 28);
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM listing_sync_base").await,
        28
    );
    // The catalog table, read from the index, has them.
    let page = v
        .listings(&vefa::catalog::listings::ListingQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total, 28);
}

/// A sync stopped after Etsy took a shipment but before it was noted: the next sync sees the
/// receipt shipped with that tracking and notes it, instead of sending it twice.
async fn a_shipment_sent_but_not_noted_is_not_sent_again(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(10)).await;
    sync(&v, &account, &keychain).await;
    let receipt = sandbox.receipt_ids()[3];
    let id = local(&v, receipt).await;
    ship(&v, id, "YK-77").await;
    // What the lost push did on Etsy.
    sandbox.update_receipt(receipt, |r| {
        r.is_shipped = true;
        r.shipments
            .push(vefa::marketplaces::etsy::wire::ShopReceiptShipment {
                receipt_shipping_id: Some(1),
                shipment_notification_timestamp: r.updated_timestamp,
                carrier_name: "Yurtiçi Kargo".into(),
                tracking_code: "YK-77".into(),
            });
    });
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.outbox_sent, r.outbox_waiting, r.errors.len()), (0, 0, 0));
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM sync_outbox WHERE status = 'sent'").await,
        1
    );
    let pushes = sandbox
        .exchanges()
        .iter()
        .filter(|e| e.operation == "createReceiptShipment")
        .count();
    assert_eq!(pushes, 0, "not sent again");
    assert_eq!(sandbox.receipt(receipt).unwrap().shipments.len(), 1);
}

/// The count and average of a listing's reviews, as the sandbox has them.
fn expected_rating(sandbox: &Sandbox, listing_id: i64) -> (u32, Option<u32>) {
    let ratings: Vec<i64> = sandbox
        .reviews()
        .iter()
        .filter(|r| r.listing_id == listing_id)
        .map(|r| r.rating)
        .collect();
    let n = ratings.len() as u32;
    let sum = ratings.iter().sum::<i64>() as u32;
    (n, (n > 0).then(|| (sum * 100 + n / 2) / n))
}

async fn reviews_set_each_listing_s_rating_and_count_once(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(3)).await;
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.reviews_new, r.errors.len()), (60, 0));
    let shop = sandbox.listings();
    for l in &shop[..8] {
        let got = listing(&v, l.listing_id).await;
        assert_eq!(
            (got.review_count, got.rating_x100),
            expected_rating(&sandbox, l.listing_id),
            "listing {}",
            l.listing_id
        );
    }
    // A new review: one more, the average moves; the listing's completeness sees reviews.
    let target = shop[1].listing_id;
    sandbox.add_review(target, 1);
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.reviews_new, 1);
    let got = listing(&v, target).await;
    assert_eq!(
        (got.review_count, got.rating_x100),
        expected_rating(&sandbox, target)
    );
    // Every review read again: nothing counts twice.
    v.connection()
        .execute_unprepared(
            "UPDATE sync_cursor SET cursor = NULL, window_high = NULL, next_offset = 0 \
             WHERE resource = 'reviews'",
        )
        .await
        .unwrap();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.reviews_new, 0);
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM marketplace_review").await,
        61
    );
    let again = listing(&v, target).await;
    assert_eq!(
        (again.review_count, again.rating_x100),
        (got.review_count, got.rating_x100)
    );
    assert_conforms(&sandbox);
}

async fn outbox_rows(v: &Vefa) -> Vec<String> {
    rows(
        v,
        "SELECT kind, source_key, status, COALESCE(last_error, '') FROM sync_outbox \
         WHERE kind <> 'shipment' ORDER BY source_key",
    )
    .await
}

/// Stock and prices of the sandbox shop, by SKU.
fn stock_there(sandbox: &Sandbox) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = sandbox
        .listings()
        .iter()
        .flat_map(|l| {
            l.products
                .iter()
                .map(|p| (p.sku.clone(), p.quantity, p.price_minor))
        })
        .collect();
    out.sort();
    out
}

/// Stock and prices here of the listings linked to the sandbox, by SKU.
async fn stock_here(v: &Vefa) -> Vec<(String, i64, i64)> {
    let mut out = Vec::new();
    for line in rows(
        v,
        "SELECT lv.sku, CAST(lv.quantity AS TEXT), \
         CAST(COALESCE(lv.price_override_minor, l.price_minor) AS TEXT) \
         FROM listing_variant lv JOIN listing l ON l.id = lv.listing_id \
         WHERE l.etsy_listing_id IS NOT NULL",
    )
    .await
    {
        let f: Vec<&str> = line.split('|').collect();
        out.push((
            f[0].to_owned(),
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
        ));
    }
    out.sort();
    out
}

async fn stock_and_prices_made_here_reach_the_marketplace(store: TestStore) {
    use vefa::catalog::listings::Variant;
    use vefa::orders::OrderChannel;
    let (v, sandbox, keychain, account) = connected(&store, config(0)).await;
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!((r.listings_pulled, r.listings_pushed), (30, 0));
    assert_eq!(stock_here(&v).await, stock_there(&sandbox));
    let shop = sandbox.listings();

    // A new price for listing 0; five more of the middle size of listing 4 (sold in three
    // sizes); two of listing 1 sold by phone.
    let mut zero = listing(&v, shop[0].listing_id).await;
    zero.input.price.minor += 250;
    v.update_listing(zero.id, &zero.input).await.unwrap();
    let mut four = listing(&v, shop[4].listing_id).await;
    assert_eq!(four.input.variants.len(), 3);
    let m = four
        .input
        .variants
        .iter()
        .position(|x| x.sku.ends_with("-M"))
        .unwrap();
    four.input.variants[m].quantity += 5;
    v.update_listing(four.id, &four.input).await.unwrap();
    let one_sku = shop[1].sku().to_owned();
    v.update_listing(listing(&v, shop[1].listing_id).await.id, &{
        let mut one = listing(&v, shop[1].listing_id).await.input;
        one.variants[0].quantity = 10;
        one
    })
    .await
    .unwrap();
    let phone = vefa::orders::NewOrder {
        channel: OrderChannel::Phone,
        marketplace: None,
        marketplace_order_id: None,
        buyer: vefa::orders::BuyerInput {
            name: "Leyla Məmmədova".into(),
            email: None,
            phone: Some("+994 50 123 45 67".into()),
            language: None,
            marketplace_buyer_id: None,
        },
        lines: vec![vefa::orders::LineInput {
            sku: Some(one_sku.clone()),
            title: None,
            quantity: 2,
            unit_price: None,
        }],
        currency: "TRY".into(),
        shipping: None,
        vat: None,
        discount: None,
        coupon_code: None,
        address: vefa::orders::Address {
            name: "Leyla Məmmədova".into(),
            line1: "Nizami küç. 10".into(),
            city: "Bakı".into(),
            country: "az".into(),
            ..Default::default()
        },
        note: String::new(),
        placed_at: None,
        ship_by: None,
        allow_oversell: false,
    };
    v.add_order(&phone).await.unwrap();
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM sync_outbox WHERE status = 'waiting'"
        )
        .await,
        3,
        "one stock push for each listing changed here, queued with the change"
    );

    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!(
        (r.listings_pushed, r.outbox_sent, r.outbox_waiting),
        (3, 3, 0)
    );
    assert_eq!(stock_here(&v).await, stock_there(&sandbox));
    let there = sandbox.listings();
    assert_eq!(there[0].price_minor(), shop[0].price_minor() + 250);
    assert_eq!(
        there[1].quantity(),
        8,
        "ten here, less the two sold by phone"
    );
    let sizes: Vec<(Option<String>, i64)> = there[4]
        .products
        .iter()
        .map(|p| (p.size.clone(), p.quantity))
        .collect();
    let before: Vec<(Option<String>, i64)> = shop[4]
        .products
        .iter()
        .map(|p| {
            (
                p.size.clone(),
                p.quantity + if p.sku.ends_with("-M") { 5 } else { 0 },
            )
        })
        .collect();
    assert_eq!(
        sizes, before,
        "each size keeps its property and its own stock"
    );

    // A sale on the marketplace takes stock there and, as an order, here: nothing to send.
    sandbox.add_receipts(3);
    let before = sandbox.calls();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!((r.orders_new, r.listings_pushed), (3, 0));
    assert_eq!(sandbox.calls() - before, 3, "one call per resource");
    assert_eq!(stock_here(&v).await, stock_there(&sandbox));

    // A variant the marketplace does not have: the others' stock is sent, and the seller told.
    let mut two = listing(&v, shop[2].listing_id).await;
    two.input.variants[0].quantity = 17;
    two.input.variants.push(Variant {
        sku: "YENI-1".into(),
        quantity: 3,
        ..Default::default()
    });
    v.update_listing(two.id, &two.input).await.unwrap();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.listings_pushed, 1);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].contains("YENI-1"), "{:?}", r.errors);
    assert_eq!(sandbox.listings()[2].quantity(), 17);
    let entry = outbox_rows(&v).await;
    assert!(
        entry.iter().any(
            |e| e.starts_with(&format!("stock|stock:{}|refused|", two.id)) && e.contains("YENI-1")
        ),
        "{entry:?}"
    );
    // Refused is settled: the next sync does not send it again.
    let before = sandbox.calls();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.listings_pushed, sandbox.calls() - before), (0, 3));
    assert_conforms(&sandbox);
}

async fn a_listing_edit_the_marketplace_refuses_is_told_and_not_retried(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(0)).await;
    sync(&v, &account, &keychain).await;
    let shop = sandbox.listings();
    // Etsy takes no pictographs in a title; the description goes in the same push.
    let mut one = listing(&v, shop[1].listing_id).await;
    one.input.title = "Fincan ☕ seti".into();
    one.input.description = "Yeni".into();
    v.update_listing(one.id, &one.input).await.unwrap();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.listings_pushed, 0);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].contains(&format!("listing {}", one.id)) && r.errors[0].contains("title"),
        "{:?}",
        r.errors
    );
    assert_eq!(
        sandbox.listings()[1].title,
        shop[1].title,
        "nothing half-sent"
    );
    assert_eq!(
        outbox_rows(&v).await,
        vec![format!(
            "listing|listing:{}|refused|title may not contain '☕'",
            one.id
        )]
    );
    assert_eq!(
        listing(&v, shop[1].listing_id).await.input.title,
        "Fincan ☕ seti",
        "kept here"
    );
    let before = sandbox.calls();
    sync(&v, &account, &keychain).await;
    assert_eq!(sandbox.calls() - before, 3, "not sent again");
    // The window lists it by the listing's title, and the seller may ask for another try.
    let status = v.marketplace_status().await.unwrap();
    let problems = &status[0].problems;
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (
            problems[0].kind.as_str(),
            problems[0].listing_id,
            problems[0].subject.as_str()
        ),
        ("listing", Some(one.id), "Fincan ☕ seti")
    );
    v.retry_push(problems[0].id).await.unwrap();
    assert!(
        matches!(
            v.retry_push(problems[0].id).await,
            Err(vefa::Error::NotFound { .. })
        ),
        "only a refused or failed change is tried again"
    );
    let before = sandbox.calls();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        (sandbox.calls() - before, r.errors.len()),
        (4, 1),
        "tried once more"
    );
    // The seller fixes the title: the push goes through with both fields.
    one.input.title = "Fincan seti".into();
    v.update_listing(one.id, &one.input).await.unwrap();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        (r.listings_pushed, r.errors.len()),
        (1, 0),
        "{:?}",
        r.errors
    );
    let there = &sandbox.listings()[1];
    assert_eq!(
        (there.title.as_str(), there.description.as_str()),
        ("Fincan seti", "Yeni")
    );
    assert_conforms(&sandbox);
}

async fn pushes_under_faults_converge_to_the_clean_result(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(0)).await;
    sync(&v, &account, &keychain).await;
    let shop = sandbox.listings();
    for (i, l) in shop.iter().enumerate().take(12) {
        let mut here = listing(&v, l.listing_id).await;
        here.input.title = format!("Yeni ad {i}");
        for x in &mut here.input.variants {
            x.quantity += 1 + i as i64;
        }
        v.update_listing(here.id, &here.input).await.unwrap();
    }
    sandbox.set_faults(Faults::parse("all=0.2").unwrap());
    let mut rounds = 0;
    loop {
        rounds += 1;
        let r = sync(&v, &account, &keychain).await;
        if r.errors.is_empty() && r.outbox_waiting == 0 {
            break;
        }
        // A push that failed waits for its backoff: the next round is after it.
        store.clock.advance(chrono::Duration::hours(7));
        assert!(rounds < 12, "the pushes never got through: {:?}", r.errors);
    }
    sandbox.set_faults(Faults::none());
    assert_eq!(stock_here(&v).await, stock_there(&sandbox));
    let titles: Vec<String> = sandbox
        .listings()
        .iter()
        .take(12)
        .map(|l| l.title.clone())
        .collect();
    let want: Vec<String> = (0..12).map(|i| format!("Yeni ad {i}")).collect();
    assert_eq!(titles, want);
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM sync_outbox WHERE status <> 'sent'"
        )
        .await,
        0
    );
    assert_conforms(&sandbox);
}

/// A listing's photos as the completeness rules see them: pixel sizes, in order.
fn photo_sizes(l: &vefa::catalog::listings::Listing) -> Vec<(u32, u32)> {
    l.photos.iter().map(|p| (p.width, p.height)).collect()
}

fn picture_sizes(l: &vefa_sandbox::data::SandboxListing) -> Vec<(u32, u32)> {
    l.images.iter().map(|i| (i.width, i.height)).collect()
}

fn sandbox_listing(sandbox: &Sandbox, id: i64) -> vefa_sandbox::data::SandboxListing {
    sandbox
        .listings()
        .into_iter()
        .find(|l| l.listing_id == id)
        .unwrap()
}

async fn listings_come_home_in_every_state_with_their_pictures(store: TestStore) {
    use vefa_sandbox::data::{SandboxImage, picture};
    let (v, sandbox, keychain, account) = connected(&store, config(0)).await;
    let shop = sandbox.listings();
    let states: std::collections::BTreeSet<&str> = shop.iter().map(|l| l.state.as_str()).collect();
    assert!(
        states.len() >= 4,
        "the seeded shop is in several states: {states:?}"
    );
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!(r.listings_pulled, 30, "every state, not only the active");
    let pictures: usize = shop.iter().map(|l| l.images.len()).sum();
    assert_eq!(r.photos_fetched as usize, pictures);
    for l in &shop {
        let here = listing(&v, l.listing_id).await;
        assert_eq!(
            here.input.state.as_str(),
            l.state,
            "listing {}",
            l.listing_id
        );
        assert_eq!(
            photo_sizes(&here),
            picture_sizes(l),
            "listing {}",
            l.listing_id
        );
    }
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM media").await as usize,
        pictures,
        "each picture is stored once, by content"
    );
    // The default rules ask for three photos of at least 1000 px a side.
    let photos_rule_met = |l: vefa::catalog::listings::Listing| {
        !l.completeness.unmet.iter().any(|u| u.rule == "photos")
    };
    let three = |big: bool| {
        shop.iter()
            .find(|l| l.images.len() == 3 && l.images.iter().all(|i| (i.height >= 1000) == big))
            .unwrap()
            .listing_id
    };
    assert!(photos_rule_met(listing(&v, three(true)).await));
    assert!(!photos_rule_met(listing(&v, three(false)).await));

    let before = sandbox.calls();
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        (sandbox.calls() - before, r.photos_fetched),
        (3, 0),
        "within the hour the other states are not read again, and no picture is fetched twice"
    );

    // On Etsy one listing sells out and another's pictures change; here a picture is added to
    // the second.
    let active: Vec<_> = shop
        .iter()
        .filter(|l| l.state == "active" && l.images.len() >= 2)
        .collect();
    let (gone, changed) = (active[0].listing_id, active[1].listing_id);
    let mine = v
        .add_listing_photo(&vefa::shop::profile::PhotoUpload {
            file_name: "mine.png".into(),
            data_base64: base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                picture(7, 1000, 1000),
            ),
        })
        .await
        .unwrap();
    let mut input = listing(&v, changed).await.input;
    input.photos.push(mine.hash.clone());
    v.update_listing(listing(&v, changed).await.id, &input)
        .await
        .unwrap();
    sandbox.update_listing(gone, |l| {
        for p in &mut l.products {
            p.quantity = 0;
        }
        l.state = "sold_out".into();
    });
    sandbox.update_listing(changed, |l| {
        l.images.remove(0);
        l.images.push(SandboxImage {
            id: 99_999,
            width: 2000,
            height: 1500,
        });
    });
    store.clock.advance(chrono::Duration::minutes(61));
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors, Vec::<String>::new());
    assert_eq!(r.photos_fetched, 1, "only the new picture");
    assert_eq!(
        listing(&v, gone).await.input.state,
        vefa::catalog::listings::ListingState::SoldOut
    );
    let here = listing(&v, changed).await;
    let mut want = picture_sizes(&sandbox_listing(&sandbox, changed));
    want.push((1000, 1000));
    assert_eq!(
        photo_sizes(&here),
        want,
        "Etsy's pictures as they are now, then the seller's own"
    );

    // A broken picture host does not hold the listing back; the picture comes later.
    let late = active[2].listing_id;
    sandbox.break_pictures(true);
    sandbox.update_listing(late, |l| {
        l.title = "Yeni başlık".into();
        l.images.insert(
            0,
            SandboxImage {
                id: 88_888,
                width: 1500,
                height: 1500,
            },
        );
    });
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].contains(&format!("listing {late}, picture 88888"))
            && r.errors[0].contains("not a PNG, JPEG or WebP"),
        "{}",
        r.errors[0]
    );
    let here = listing(&v, late).await;
    assert_eq!(here.input.title, "Yeni başlık");
    assert_eq!(
        photo_sizes(&here),
        picture_sizes(&sandbox_listing(&sandbox, late))[1..]
    );
    sandbox.break_pictures(false);
    let r = sync(&v, &account, &keychain).await;
    assert_eq!((r.errors.len(), r.photos_fetched), (0, 1), "{:?}", r.errors);
    assert_eq!(
        photo_sizes(&listing(&v, late).await),
        picture_sizes(&sandbox_listing(&sandbox, late))
    );
    assert_conforms(&sandbox);
}

async fn a_picture_address_that_is_not_https_is_not_fetched(store: TestStore) {
    let (v, sandbox, keychain, account) = connected(&store, config(0)).await;
    sync(&v, &account, &keychain).await;
    let now = chrono::Utc::now().timestamp();
    let page = serde_json::json!({ "count": 1, "results": [{
        "listing_id": 777, "title": "Şüpheli resimler", "state": "active", "quantity": 2,
        "price": { "amount": 1000, "divisor": 100, "currency_code": "TRY" },
        "updated_timestamp": now,
        "images": [
            { "listing_image_id": 1, "rank": 1, "url_fullxfull": "file:///etc/passwd" },
            { "listing_image_id": 2, "rank": 2,
              "url_fullxfull": "http://169.254.169.254/latest/meta-data" }
        ]
    }]});
    sandbox.plant_for("getListingsByShop", 200, serde_json::to_vec(&page).unwrap());
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    assert!(
        r.errors
            .iter()
            .all(|e| e.contains("is not an https address")),
        "{:?}",
        r.errors
    );
    let here = listing(&v, 777).await;
    assert_eq!(here.input.title, "Şüpheli resimler");
    assert!(here.photos.is_empty());
}

async fn a_long_sync_says_where_it_stands(store: TestStore) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use vefa::sync::SyncStage;
    let (v, sandbox, keychain, account) = connected(&store, config(250)).await;
    // Every call answers late, so that each stage lasts long enough to be seen.
    sandbox.set_faults(Faults::parse("slow=1").unwrap());
    let finished = AtomicBool::new(false);
    let (report, seen) = tokio::join!(
        async {
            let r = sync(&v, &account, &keychain).await;
            finished.store(true, Ordering::SeqCst);
            r
        },
        async {
            let mut seen = Vec::new();
            while !finished.load(Ordering::SeqCst) {
                if let Some(p) = v.sync_progress() {
                    seen.push(p);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            seen
        }
    );
    assert_eq!(report.errors, Vec::<String>::new());
    assert!(
        seen.iter()
            .any(|p| p.stage == SyncStage::Orders && (p.done, p.total) == (100, 250)),
        "the first page of orders is shown as 100 of 250: {seen:?}"
    );
    assert!(seen.iter().any(|p| p.stage == SyncStage::Listings));
    assert!(seen.iter().any(|p| p.stage == SyncStage::Reviews));
    assert!(
        seen.iter()
            .all(|p| p.account_id == account.id && p.done <= p.total)
    );
    let orders: Vec<u32> = seen
        .iter()
        .filter(|p| p.stage == SyncStage::Orders)
        .map(|p| p.done)
        .collect();
    assert!(orders.windows(2).all(|w| w[0] <= w[1]), "{orders:?}");
    assert_eq!(
        v.sync_progress(),
        None,
        "nothing runs once the sync is over"
    );
}

async fn waiting_for_a_login_can_be_cancelled(store: TestStore) {
    let v = store.open().await;
    let sandbox = Sandbox::start(config(0)).await.unwrap();
    let keychain = MemorySecrets::default();
    let req = vefa_sandbox::connect_request(sandbox.url());
    // The seller opens the consent page and never approves, then gives up waiting.
    let connect = v.connect_marketplace(&req, &keychain, |_url| async { Ok(()) });
    tokio::pin!(connect);
    let result = loop {
        tokio::select! {
            r = &mut connect => break r,
            // Said again until heard: a cancel before the wait begins is not kept.
            _ = tokio::time::sleep(Duration::from_millis(50)) => v.cancel_login(),
        }
    };
    assert_eq!(result.unwrap_err().code(), "marketplace_login_cancelled");
    assert!(v.marketplace_accounts().await.unwrap().is_empty());
    assert!(keychain.is_empty(), "nothing reached the keychain");
    // The loopback address is free again: connecting once more works.
    let account = connect_with(&v, &req, &keychain).await;
    assert_eq!(v.marketplace_accounts().await.unwrap(), vec![account]);
}

on_both_stores!(
    waiting_for_a_login_can_be_cancelled,
    a_long_sync_says_where_it_stands,
    listings_come_home_in_every_state_with_their_pictures,
    a_picture_address_that_is_not_https_is_not_fetched,
    stock_and_prices_made_here_reach_the_marketplace,
    a_listing_edit_the_marketplace_refuses_is_told_and_not_retried,
    pushes_under_faults_converge_to_the_clean_result,
    reviews_set_each_listing_s_rating_and_count_once,
    a_shipment_sent_but_not_noted_is_not_sent_again,
    a_listing_that_cannot_be_taken_is_named_and_the_others_come_home,
    listing_edits_merge_both_ways_and_a_double_edit_waits_for_the_seller,
    open_orders_are_read_again_for_a_new_ship_by_date,
    a_shipment_goes_back_to_the_marketplace_once,
    a_refused_tracking_is_told_on_the_order_and_not_retried,
    a_failing_push_waits_and_is_sent_later,
    a_page_of_orders_is_stored_as_one_by_one_would_be,
    first_sync_brings_every_order_home_and_nothing_new_costs_one_call,
    changes_on_the_marketplace_come_home_once,
    faults_on_a_fifth_of_calls_converge_to_the_clean_result,
    a_hostile_answer_is_named_and_changes_nothing,
);

/// The client keeps to the calls a second it is allowed — by its own count (Etsy's ten by
/// default) and by Etsy's `x-remaining-this-second` — so a sandbox enforcing the limit never
/// has to refuse it. (Either alone keeps this test green; both gone, it fails.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_keeps_to_its_calls_a_second() {
    let store = TestStore::sqlite().await;
    let (v, sandbox, keychain, account) = connected(
        &store,
        SandboxConfig {
            per_second: 1,
            ..config(20)
        },
    )
    .await;
    // The first sync brings everything home; the one checked has nothing new, so its three
    // calls would come within a few milliseconds if the client did not pace them.
    sync(&v, &account, &keychain).await;
    let paced = Patience {
        per_second: 1,
        ..patience()
    };
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let seen = sandbox.exchanges().len();
    let r = v
        .sync_account(account.id, keychain.clone(), paced)
        .await
        .unwrap();
    assert_eq!(r.errors, Vec::<String>::new());
    let refused = sandbox.exchanges()[seen..]
        .iter()
        .filter(|e| e.status == 429)
        .count();
    assert_eq!(refused, 0, "no call over the limit");
    assert_eq!(r.api_calls, 3, "orders, listings, reviews: one call each");
}

/// When the day's quota is gone the sync stops and says so, keeping what came before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_up_daily_quota_stops_the_sync_and_says_so() {
    let store = TestStore::sqlite().await;
    let (v, sandbox, keychain, account) = connected(
        &store,
        SandboxConfig {
            per_day: 4,
            ..config(450)
        },
    )
    .await;
    // Connecting used two calls (getMe, getShop); two pages fit in what is left.
    let r = sync(&v, &account, &keychain).await;
    assert_eq!(
        r.orders_new, 200,
        "the pages before the quota ran out are kept"
    );
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].contains("daily request quota"),
        "{}",
        r.errors[0]
    );
    let before = sandbox.calls();
    let r = sync(&v, &account, &keychain).await;
    assert!(
        r.errors[0].contains("daily request quota"),
        "{:?}",
        r.errors
    );
    assert_eq!(
        sandbox.calls() - before,
        1,
        "one call learns it, then nothing more is sent"
    );
}

/// Tokens expire; the client refreshes them before they do and keeps each new refresh token
/// (the sandbox, like Etsy, accepts a refresh token once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_and_each_new_refresh_token_is_kept() {
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    let sandbox = Sandbox::start(SandboxConfig {
        token_ttl: Duration::from_secs(30),
        ..config(20)
    })
    .await
    .unwrap();
    let keychain = Arc::new(MemorySecrets::default());
    let account = connect(&v, &sandbox, &keychain).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let r = sync(&v, &account, &keychain).await;
        assert_eq!(r.errors, Vec::<String>::new(), "a refreshed token works");
        seen.push(keychain.get(&account.secret_key()).unwrap().unwrap());
    }
    assert!(
        seen[0] != seen[1] && seen[1] != seen[2],
        "each sync refreshed (30 s tokens) and kept the new pair"
    );
}

/// A connection form without its keystring, secret or redirect address is refused field by
/// field, before any browser opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_without_the_app_s_credentials_names_the_missing_fields() {
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    let req = ConnectRequest {
        marketplace: vefa::marketplaces::accounts::MarketplaceKind::Etsy,
        base_url: String::new(),
        keystring: " ".into(),
        secret: String::new(),
        redirect_uri: "http://localhost:3003/vefa/etsy".into(),
    };
    let opened = std::sync::atomic::AtomicBool::new(false);
    let r = v
        .connect_marketplace(&req, &MemorySecrets::default(), |_| async {
            opened.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })
        .await;
    let Err(vefa::Error::Validation(fields)) = r else {
        panic!("refused: {r:?}");
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, vec!["keystring", "secret"]);
    assert!(!opened.load(std::sync::atomic::Ordering::Relaxed));
    assert!(v.marketplace_accounts().await.unwrap().is_empty());
}
