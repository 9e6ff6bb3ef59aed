//! Orders on a real store: buyers matched across channels, one stock figure for every channel,
//! oversells refused or flagged, the status machine with its timeline, problems, and the inbox.

use crate::common;

use std::collections::BTreeMap;

use chrono::Duration;
use common::{TestStore, scalar};
use vefa::catalog::listings::{ListingInput, ListingQuery, Variant};
use vefa::orders::{
    Act, Address, BuyerInput, EventKind, LineInput, NewOrder, OrderChannel, OrderQuery,
    OrderStatus, ProblemKind,
};
use vefa::{Clock, Error, Vefa};

async fn listing(v: &Vefa, sku: &str, quantity: i64, price_minor: i64) -> i32 {
    let mut l = ListingInput::draft(&format!("Mis cezvə {sku} — قهوه‌جوش"), "AZN");
    l.price.minor = price_minor;
    l.variants = vec![Variant {
        sku: sku.into(),
        quantity,
        ..Default::default()
    }];
    v.create_listing(&l).await.expect("create listing").id
}

fn phone_order(name: &str, lines: &[(&str, u32)]) -> NewOrder {
    NewOrder {
        channel: OrderChannel::Phone,
        marketplace: None,
        marketplace_order_id: None,
        buyer: BuyerInput {
            name: name.into(),
            email: Some("Leyla@Example.AZ".into()),
            phone: Some("+994 50 123 45 67".into()),
            language: None,
            marketplace_buyer_id: None,
        },
        lines: lines
            .iter()
            .map(|(sku, q)| LineInput {
                sku: Some((*sku).into()),
                title: None,
                quantity: *q,
                unit_price: None,
            })
            .collect(),
        currency: "AZN".into(),
        shipping: Some("5.00".into()),
        vat: None,
        discount: None,
        coupon_code: None,
        address: Address {
            name: name.into(),
            line1: "Nizami küç. 10".into(),
            city: "Bakı".into(),
            country: "az".into(),
            ..Default::default()
        },
        note: "Zəng edin <b>əvvəlcə</b>".into(),
        placed_at: None,
        ship_by: None,
        allow_oversell: false,
    }
}

fn etsy_order(receipt: &str, buyer_id: &str, lines: &[(&str, u32)]) -> NewOrder {
    let mut o = phone_order("Ayşe Yılmaz", lines);
    o.channel = OrderChannel::Marketplace;
    o.marketplace = Some("etsy".into());
    o.marketplace_order_id = Some(receipt.into());
    o.buyer.marketplace_buyer_id = Some(buyer_id.into());
    o.buyer.email = Some("ayse@example.com.tr".into());
    o.buyer.phone = None;
    o.buyer.language = Some("tr".into());
    o
}

async fn on_hand(v: &Vefa, id: i32) -> i64 {
    v.listing(id).await.unwrap().input.variants[0].quantity
}

/// The kept counts agree with counting the orders.
async fn assert_counts_agree(v: &Vefa) {
    let page = v.orders(&OrderQuery::default()).await.unwrap();
    for c in page.counts {
        let counted = scalar(
            v,
            &format!(
                "SELECT COUNT(*) FROM sales_order WHERE status = '{}'",
                c.status.as_str()
            ),
        )
        .await;
        assert_eq!(c.orders, counted, "count of {}", c.status);
    }
}

async fn phone_order_round_trips_and_takes_stock(store: TestStore) {
    let v = store.open().await;
    let lamp = listing(&v, "CEZVE-1", 4, 2_550).await;
    let added = v
        .add_order(&phone_order("Leyla Məmmədova", &[("CEZVE-1", 3)]))
        .await
        .unwrap();
    assert!(added.created && added.shortages.is_empty());
    let o = v.order(added.id).await.unwrap();
    assert_eq!(o.status, OrderStatus::New);
    assert_eq!(o.channel, OrderChannel::Phone);
    assert_eq!(o.lines[0].title, "Mis cezvə CEZVE-1 — قهوه‌جوش");
    assert_eq!(o.lines[0].listing_id, Some(lamp));
    assert_eq!(
        (o.subtotal_minor, o.shipping_minor, o.total_minor),
        (7_650, 500, 8_150)
    );
    assert_eq!(o.buyer.email.as_deref(), Some("leyla@example.az"));
    assert_eq!(o.buyer.phone.as_deref(), Some("+994501234567"));
    assert_eq!(
        o.buyer.language, "en",
        "the shop's language when the buyer has none"
    );
    assert_eq!(o.address.country, "AZ");
    assert_eq!(
        o.note, "Zəng edin <b>əvvəlcə</b>",
        "text is kept exactly, HTML and all"
    );
    assert_eq!(o.timeline.len(), 1);
    assert_eq!(o.timeline[0].kind, EventKind::Created);
    assert_eq!(o.timeline[0].status_to, Some(OrderStatus::New));
    assert_eq!(o.timeline[0].actor, "desktop");
    assert_eq!(on_hand(&v, lamp).await, 1);
    assert_eq!(
        scalar(
            &v,
            "SELECT SUM(delta) FROM stock_movement WHERE sku = 'CEZVE-1'"
        )
        .await,
        -3
    );
    assert_counts_agree(&v).await;
}

async fn one_buyer_across_channels(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 50, 2_550).await;
    let first = v
        .add_order(&phone_order("Leyla", &[("CEZVE-1", 1)]))
        .await
        .unwrap();
    // The same e-mail written differently, no phone: the same buyer.
    let mut by_email = phone_order("Leyla M.", &[("CEZVE-1", 1)]);
    by_email.buyer.email = Some(" LEYLA@example.az".into());
    by_email.buyer.phone = None;
    let second = v.add_order(&by_email).await.unwrap();
    // The same phone written another way, no e-mail: still her.
    let mut by_phone = phone_order("Leyla", &[("CEZVE-1", 1)]);
    by_phone.channel = OrderChannel::Shop;
    by_phone.buyer.email = None;
    by_phone.buyer.phone = Some("+994-50-123-4567".into());
    let third = v.add_order(&by_phone).await.unwrap();
    let ids: Vec<i32> = [
        v.order(first.id).await.unwrap().buyer.id,
        v.order(second.id).await.unwrap().buyer.id,
        v.order(third.id).await.unwrap().buyer.id,
    ]
    .into();
    assert!(ids.iter().all(|&i| i == ids[0]), "{ids:?}");
    assert_eq!(
        v.order(second.id).await.unwrap().buyer.name,
        "Leyla",
        "a later order never renames the buyer the seller already has"
    );

    // A marketplace buyer is found again by their marketplace id, whatever their e-mail says.
    let a = v
        .add_order(&etsy_order("3001", "buyer-77", &[("CEZVE-1", 1)]))
        .await
        .unwrap();
    let mut again = etsy_order("3002", "buyer-77", &[("CEZVE-1", 1)]);
    again.buyer.email = Some("new-address@example.com".into());
    let b = v.add_order(&again).await.unwrap();
    let (ba, bb) = (
        v.order(a.id).await.unwrap().buyer,
        v.order(b.id).await.unwrap().buyer,
    );
    assert_eq!(ba.id, bb.id);
    assert_ne!(ba.id, ids[0]);
    assert_eq!(ba.language, "tr");
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM customer").await, 2);
}

async fn an_oversell_is_refused_and_writes_nothing(store: TestStore) {
    let v = store.open().await;
    let lamp = listing(&v, "CEZVE-1", 2, 2_550).await;
    let other = listing(&v, "CEZVE-2", 9, 1_000).await;
    let err = v
        .add_order(&phone_order("Leyla", &[("CEZVE-2", 1), ("CEZVE-1", 3)]))
        .await
        .unwrap_err();
    match &err {
        Error::Oversell(lines) => {
            assert_eq!(lines.len(), 1);
            assert_eq!(
                (
                    lines[0].line,
                    lines[0].sku.as_str(),
                    lines[0].wanted,
                    lines[0].in_stock
                ),
                (1, "CEZVE-1", 3, 2)
            );
        }
        other => panic!("expected an oversell, got {other:?}"),
    }
    assert_eq!(err.view().code, "oversell");
    assert_eq!(on_hand(&v, lamp).await, 2);
    assert_eq!(
        on_hand(&v, other).await,
        9,
        "the good line took nothing either"
    );
    for table in ["sales_order", "customer", "stock_movement", "order_event"] {
        assert_eq!(
            scalar(&v, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_counts_agree(&v).await;

    // The seller saw the warning and sells anyway: stock stops at zero, never below, and the
    // order carries an open out-of-stock problem.
    let before = v.listings(&ListingQuery::default()).await.unwrap();
    let score_before = before.rows.iter().find(|r| r.id == lamp).unwrap().score;
    let mut anyway = phone_order("Leyla", &[("CEZVE-1", 3)]);
    anyway.allow_oversell = true;
    let added = v.add_order(&anyway).await.unwrap();
    assert_eq!(added.shortages.len(), 1);
    assert_eq!(
        added.rescored,
        vec![lamp],
        "out of stock changes the listing's score"
    );
    assert_eq!(on_hand(&v, lamp).await, 0);
    let o = v.order(added.id).await.unwrap();
    assert_eq!(o.problems.len(), 1);
    assert_eq!(o.problems[0].kind, ProblemKind::OutOfStock);
    assert!(o.problems[0].resolved_at.is_none());
    assert!(
        o.problems[0].note.contains("CEZVE-1 ×1"),
        "{}",
        o.problems[0].note
    );
    let kinds: Vec<EventKind> = o.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Created,
            EventKind::Oversold,
            EventKind::ProblemOpened
        ]
    );
    let after = v.listings(&ListingQuery::default()).await.unwrap();
    let score_after = after.rows.iter().find(|r| r.id == lamp).unwrap().score;
    assert!(
        score_after < score_before,
        "the table shows the new score at once: {score_before} → {score_after}"
    );

    // Cancelling gives back what the sale took (2), not what it wanted (3).
    v.act_on_order(
        added.id,
        &Act::Cancel {
            reason: "out of stock".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(on_hand(&v, lamp).await, 2);
    assert_eq!(
        scalar(
            &v,
            "SELECT SUM(delta) FROM stock_movement WHERE sku = 'CEZVE-1'"
        )
        .await,
        0
    );
}

async fn marketplace_orders_are_always_taken_once(store: TestStore) {
    let v = store.open().await;
    let lamp = listing(&v, "CEZVE-1", 1, 2_550).await;
    let order = etsy_order("4001", "buyer-1", &[("CEZVE-1", 2)]);
    let first = v.add_order(&order).await.unwrap();
    assert!(first.created);
    assert_eq!(first.shortages.len(), 1, "paid for: taken, and flagged");
    assert_eq!(on_hand(&v, lamp).await, 0);
    let again = v.add_order(&order).await.unwrap();
    assert_eq!((again.id, again.created), (first.id, false));
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM sales_order").await, 1);
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM stock_movement").await, 1);
    assert_counts_agree(&v).await;
}

async fn the_lifecycle_and_its_timeline(store: TestStore) {
    let v = store.open().await;
    let lamp = listing(&v, "CEZVE-1", 10, 2_550).await;
    let id = v
        .add_order(&phone_order("Leyla", &[("CEZVE-1", 2)]))
        .await
        .unwrap()
        .id;

    // Impossible moves are typed errors that write nothing.
    let err = v
        .act_on_order(
            id,
            &Act::Ship {
                carrier: "AzərPoçt".into(),
                tracking: "RR123".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transition(_)), "{err:?}");
    let view = err.view();
    assert_eq!(view.code, "order_transition");
    assert_eq!(view.params["from"], "new");
    assert_eq!(view.params["action"], "ship");
    assert_eq!(v.order(id).await.unwrap().timeline.len(), 1);

    let o = v.act_on_order(id, &Act::Confirm).await.unwrap();
    assert_eq!(o.status, OrderStatus::Confirmed);
    assert_eq!(o.confirmed_at, Some(store.clock.now()));
    let err = v.act_on_order(id, &Act::MarkReady).await.unwrap_err();
    assert_eq!(
        err.view().code,
        "inspection_required",
        "not packed unchecked"
    );
    v.inspect(
        id,
        &vefa::inspection::InspectionOp::Override {
            reason: "Checked by phone with the buyer".into(),
        },
        None,
        None,
    )
    .await
    .unwrap();
    v.act_on_order(id, &Act::MarkReady).await.unwrap();
    // A shipment needs its carrier and tracking.
    let err = v
        .act_on_order(
            id,
            &Act::Ship {
                carrier: " ".into(),
                tracking: "line\nbreak".into(),
            },
        )
        .await
        .unwrap_err();
    let Error::Validation(fields) = err else {
        panic!("expected field errors")
    };
    let got: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.field.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [("carrier", "required"), ("tracking", "control_characters")]
    );
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::ReadyToShip);

    store.clock.advance(Duration::hours(3));
    let o = v
        .act_on_order(
            id,
            &Act::Ship {
                carrier: "AzərPoçt".into(),
                tracking: "RR123456789AZ".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(o.status, OrderStatus::Shipped);
    assert_eq!(o.tracking.as_deref(), Some("RR123456789AZ"));
    let last = o.timeline.last().unwrap();
    assert_eq!(last.kind, EventKind::Status);
    assert_eq!(
        (last.status_from, last.status_to),
        (Some(OrderStatus::ReadyToShip), Some(OrderStatus::Shipped))
    );
    assert_eq!(last.detail["carrier"], "AzərPoçt");
    assert_eq!(last.at, store.clock.now());

    // A parcel on its way is returned, not cancelled; the stock stays where it is.
    let err = v
        .act_on_order(id, &Act::Cancel { reason: "".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transition(_)));
    assert_eq!(on_hand(&v, lamp).await, 8);

    for act in [
        Act::Deliver,
        Act::RequestReturn {
            reason: "the handle is loose".into(),
        },
        Act::ReceiveReturn { restock: true },
        Act::Refund,
    ] {
        v.act_on_order(id, &act).await.unwrap();
    }
    let o = v.order(id).await.unwrap();
    assert_eq!(o.status, OrderStatus::Refunded);
    assert_eq!(
        on_hand(&v, lamp).await,
        10,
        "a restocked return goes back on the shelf"
    );
    let moves: Vec<(OrderStatus, OrderStatus)> = o
        .timeline
        .iter()
        .filter_map(|e| e.status_from.zip(e.status_to))
        .collect();
    use OrderStatus as S;
    assert_eq!(
        moves,
        [
            (S::New, S::Confirmed),
            (S::Confirmed, S::ReadyToShip),
            (S::ReadyToShip, S::Shipped),
            (S::Shipped, S::Delivered),
            (S::Delivered, S::ReturnRequested),
            (S::ReturnRequested, S::ReturnReceived),
            (S::ReturnReceived, S::Refunded),
        ]
    );
    assert!(
        v.act_on_order(id, &Act::ReceiveReturn { restock: true })
            .await
            .is_err(),
        "a return is received once"
    );
    assert_eq!(on_hand(&v, lamp).await, 10);
    assert_counts_agree(&v).await;
}

async fn problems_and_notes(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 10, 2_550).await;
    let id = v
        .add_order(&phone_order("Leyla", &[("CEZVE-1", 1)]))
        .await
        .unwrap()
        .id;
    let o = v
        .open_order_problem(id, ProblemKind::WrongAddress, "Küçə adı yoxdur")
        .await
        .unwrap();
    let p = o.problems[0].id;
    // "Other" must say what the problem is.
    assert!(matches!(
        v.open_order_problem(id, ProblemKind::Other, "  ").await,
        Err(Error::Validation(_))
    ));
    let o = v
        .resolve_order_problem(id, p, "Alıcı ünvanı telefonla verdi")
        .await
        .unwrap();
    assert_eq!(o.problems[0].resolved_at, Some(store.clock.now()));
    assert_eq!(
        o.problems[0].resolution.as_deref(),
        Some("Alıcı ünvanı telefonla verdi")
    );
    let Err(Error::Validation(f)) = v.resolve_order_problem(id, p, "again").await else {
        panic!("a problem is resolved once");
    };
    assert_eq!(f[0].code, "already_resolved");
    assert!(matches!(
        v.resolve_order_problem(id, p + 100, "x").await,
        Err(Error::NotFound { .. })
    ));
    let persian = "خریدار تماس گرفت؛ بسته را فردا می‌فرستیم 📦";
    let o = v.note_order(id, persian).await.unwrap();
    let kinds: Vec<EventKind> = o.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Created,
            EventKind::ProblemOpened,
            EventKind::ProblemResolved,
            EventKind::Note
        ]
    );
    assert_eq!(o.timeline[3].detail["text"], persian);
    assert!(matches!(
        v.note_order(id + 1, "x").await,
        Err(Error::NotFound { .. })
    ));
}

async fn bad_orders_name_every_field_and_write_nothing(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 10, 2_550).await;
    let mut mug = ListingInput::draft("Dollar mug", "USD");
    mug.price.minor = 900;
    mug.variants = vec![Variant {
        sku: "MUG-USD".into(),
        quantity: 3,
        ..Default::default()
    }];
    v.create_listing(&mug).await.unwrap();
    let mut o = phone_order(
        "Leyla",
        &[("NO-SUCH-SKU", 1), ("MUG-USD", 1), ("CEZVE-1", 1)],
    );
    o.discount = Some("1000".into());
    let Err(Error::Validation(fields)) = v.add_order(&o).await else {
        panic!("expected field errors");
    };
    let got: BTreeMap<String, String> = fields
        .into_iter()
        .map(|f| (f.field, f.code.to_string()))
        .collect();
    assert_eq!(got["lines[0].sku"], "sku_unknown");
    assert_eq!(got["lines[1].unit_price"], "currency_mismatch");
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM sales_order").await, 0);
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM customer").await, 0);

    let mut o = phone_order("Leyla", &[("CEZVE-1", 1)]);
    o.discount = Some("1000".into());
    let Err(Error::Validation(fields)) = v.add_order(&o).await else {
        panic!("expected field errors");
    };
    assert_eq!(fields[0].field, "discount");
    assert_eq!(fields[0].code, "discount_too_large");
    assert_eq!(
        scalar(
            &v,
            "SELECT CAST(SUM(quantity) AS BIGINT) FROM listing_variant"
        )
        .await,
        13
    );
}

async fn the_inbox_filters_searches_and_pages(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 1000, 2_550).await;
    let names = [
        "Leyla Məmmədova",
        "Ayşe Yılmaz",
        "رضا احمدی",
        "Orxan 50%_off",
    ];
    let mut ids = Vec::new();
    for k in 0..24 {
        let mut o = phone_order(names[k % 4], &[("CEZVE-1", 1)]);
        o.buyer.email = Some(format!("buyer{}@example.az", k % 4));
        o.buyer.phone = Some(format!("+99450000000{}", k % 4));
        o.channel = if k % 3 == 0 {
            OrderChannel::Shop
        } else {
            OrderChannel::Phone
        };
        // Several orders share a minute: the cursor must still not skip or repeat one.
        o.placed_at = Some(store.clock.now() - Duration::minutes((k / 3) as i64));
        ids.push(v.add_order(&o).await.unwrap().id);
    }
    for &id in &ids[..5] {
        v.act_on_order(id, &Act::Confirm).await.unwrap();
    }
    v.open_order_problem(ids[7], ProblemKind::Damaged, "cracked")
        .await
        .unwrap();
    v.open_order_problem(ids[8], ProblemKind::Delayed, "")
        .await
        .unwrap();

    // Paging by cursor visits every order once, newest first.
    let mut seen = Vec::new();
    let mut q = OrderQuery {
        limit: 5,
        ..Default::default()
    };
    loop {
        let page = v.orders(&q).await.unwrap();
        seen.extend(page.rows.iter().map(|r| (r.placed_at, r.id)));
        match page.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 24);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted);

    let count = |q: OrderQuery| {
        let v = &v;
        async move {
            let mut q = q;
            q.limit = 500;
            v.orders(&q).await.unwrap().rows
        }
    };
    let confirmed = count(OrderQuery {
        status: Some(OrderStatus::Confirmed),
        ..Default::default()
    })
    .await;
    assert_eq!(confirmed.len(), 5);
    let page = v.orders(&OrderQuery::default()).await.unwrap();
    let c = |s| page.counts.iter().find(|c| c.status == s).unwrap().orders;
    assert_eq!((c(OrderStatus::New), c(OrderStatus::Confirmed)), (19, 5));
    assert_eq!(
        count(OrderQuery {
            channel: Some(OrderChannel::Shop),
            ..Default::default()
        })
        .await
        .len(),
        8
    );
    let damaged = count(OrderQuery {
        problem: Some(ProblemKind::Damaged),
        ..Default::default()
    })
    .await;
    assert_eq!(damaged.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[7]]);
    assert_eq!(damaged[0].open_problems, 1);
    assert_eq!(
        count(OrderQuery {
            any_problem: true,
            ..Default::default()
        })
        .await
        .len(),
        2
    );
    let recent = count(OrderQuery {
        placed_from: Some(store.clock.now() - Duration::minutes(1)),
        ..Default::default()
    })
    .await;
    assert_eq!(recent.len(), 6, "placed in the last minute, inclusive");

    for (search, want) in [
        ("məmmədova", 6),
        ("YILMAZ", 6),
        ("احمدی", 6),
        ("buyer1@", 6),
        ("050 000 0003", 6),
        // The search goes by words; signs between them only separate them.
        ("50%_off", 6),
        ("off 50", 6),
        ("%", 0),
        ("a%z", 0),
        ("yıl", 6),
        ("mədova", 0),
        ("nobody", 0),
    ] {
        let rows = count(OrderQuery {
            search: search.into(),
            ..Default::default()
        })
        .await;
        assert_eq!(rows.len(), want, "search {search:?}");
    }
    let by_id = count(OrderQuery {
        search: format!("#{}", ids[3]),
        ..Default::default()
    })
    .await;
    assert_eq!(by_id.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[3]]);
    assert_counts_agree(&v).await;
}

async fn new_marketplace_orders_are_announced_once(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 50, 2_550).await;
    let start = v.newest_order_id().await.unwrap();
    v.add_order(&phone_order("Leyla", &[("CEZVE-1", 1)]))
        .await
        .unwrap();
    let first = v
        .add_order(&etsy_order("5001", "b-1", &[("CEZVE-1", 1)]))
        .await
        .unwrap();
    let (after, notes) = v.new_order_notifications(start).await.unwrap();
    assert_eq!(after, first.id);
    assert_eq!(
        notes.len(),
        1,
        "a phone order is no news to the seller who took it"
    );
    assert_eq!(notes[0].summary, "New order #5001");
    assert_eq!(notes[0].order_id, Some(first.id));
    assert!(v.new_order_notifications(after).await.unwrap().1.is_empty());

    // Many at once: one notification that counts them.
    for k in 0..4 {
        v.add_order(&etsy_order(&format!("510{k}"), "b-2", &[("CEZVE-1", 1)]))
            .await
            .unwrap();
    }
    let (after, notes) = v.new_order_notifications(after).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].summary, "4 new orders");

    // Turned off in the settings: nothing is announced, and nothing is kept for later.
    let mut settings = v.settings().await.unwrap();
    settings.notify_new_orders = false;
    v.save_settings(&settings).await.unwrap();
    let last = v
        .add_order(&etsy_order("5200", "b-3", &[("CEZVE-1", 1)]))
        .await
        .unwrap();
    assert_eq!(
        v.new_order_notifications(after).await.unwrap(),
        (last.id, vec![])
    );
}

async fn today_and_the_reminders_it_raises(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 50, 2_550).await;
    let now = store.clock.now();
    let mut early = phone_order("Leyla", &[("CEZVE-1", 1)]);
    early.placed_at = Some(now - Duration::minutes(45));
    early.ship_by = Some(now + Duration::hours(5));
    let early = v.add_order(&early).await.unwrap().id;
    let mut fresh = etsy_order("6001", "b-6", &[("CEZVE-1", 1)]);
    fresh.placed_at = Some(now - Duration::minutes(10));
    v.add_order(&fresh).await.unwrap();
    let mut overdue = phone_order("Orxan", &[("CEZVE-1", 1)]);
    overdue.placed_at = Some(now - Duration::days(3));
    overdue.ship_by = Some(now - Duration::hours(2));
    let overdue = v.add_order(&overdue).await.unwrap().id;
    v.act_on_order(overdue, &Act::Confirm).await.unwrap();
    v.open_order_problem(overdue, ProblemKind::Delayed, "")
        .await
        .unwrap();

    let t = v.today().await.unwrap();
    assert_eq!(t.unconfirmed_count, 2);
    assert_eq!(t.unconfirmed[0].id, early, "the longest waiting first");
    assert_eq!(t.unconfirmed[0].minutes, 45);
    assert_eq!(t.unconfirmed[1].number, "#6001");
    assert_eq!(
        t.unconfirmed_late, 1,
        "past the 30 minutes a seller gets by default"
    );
    assert_eq!(t.to_ship, 1);
    assert_eq!(t.late.iter().map(|w| w.id).collect::<Vec<_>>(), [overdue]);
    assert_eq!(t.due_soon.iter().map(|w| w.id).collect::<Vec<_>>(), [early]);
    assert_eq!((t.problems_open, t.returns_waiting), (1, 0));

    let due = v.due_reminders().await.unwrap();
    let keys: Vec<_> = due.iter().map(|(k, _)| *k).collect();
    use vefa::orders::Reminder;
    assert_eq!(
        keys,
        [
            Reminder::Unconfirmed(early),
            Reminder::ShipBy(overdue),
            Reminder::ShipBy(early)
        ]
    );
    assert_eq!(
        due[0].1.summary,
        format!("Order #{early} is waiting for you")
    );
    assert_eq!(due[0].1.order_id, Some(early));

    // Each kind can be turned off.
    let mut s = v.settings().await.unwrap();
    s.notify_ship_by = false;
    v.save_settings(&s).await.unwrap();
    let keys: Vec<_> = v
        .due_reminders()
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, [Reminder::Unconfirmed(early)]);
}

/// A search matching more buyers than it lists still finds every order, newest first.
async fn a_wide_search_misses_nothing(store: TestStore) {
    let v = store.open().await;
    listing(&v, "CEZVE-1", 5000, 2_550).await;
    let n = 1005;
    for k in 0..n {
        let mut o = phone_order(&format!("Yılmaz {k}"), &[("CEZVE-1", 1)]);
        o.buyer.email = None;
        o.buyer.phone = Some(format!("+90555{k:07}"));
        o.placed_at = Some(store.clock.now() - Duration::seconds(k as i64));
        v.add_order(&o).await.unwrap();
    }
    v.add_order(&phone_order("Leyla", &[("CEZVE-1", 1)]))
        .await
        .unwrap();
    let mut q = OrderQuery {
        search: "YILMAZ".into(),
        limit: 500,
        ..Default::default()
    };
    let mut names = Vec::new();
    loop {
        let page = v.orders(&q).await.unwrap();
        names.extend(page.rows.iter().map(|r| r.buyer.clone()));
        match page.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    let want: Vec<String> = (0..n).map(|k| format!("Yılmaz {k}")).collect();
    assert_eq!(names, want);
}

on_both_stores!(
    a_wide_search_misses_nothing,
    today_and_the_reminders_it_raises,
    new_marketplace_orders_are_announced_once,
    phone_order_round_trips_and_takes_stock,
    one_buyer_across_channels,
    an_oversell_is_refused_and_writes_nothing,
    marketplace_orders_are_always_taken_once,
    the_lifecycle_and_its_timeline,
    problems_and_notes,
    bad_orders_name_every_field_and_write_nothing,
    the_inbox_filters_searches_and_pages,
);
