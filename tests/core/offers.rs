//! Customer care on a real store: personal offers drawn from what a buyer bought (a coupon for
//! them alone and the message in their language), the warning before idle points expire (once
//! per idle stretch), and merging a duplicate buyer record with its whole history.

use crate::common;

use chrono::Duration;
use common::shop::{buyer, deliver, order, profile, refund, shop};
use common::{TestStore, scalar};
use vefa::catalog::listings::{ListingInput, ListingState, Variant};
use vefa::customers::CustomerEdit;
use vefa::customers::loyalty::EntryKind;
use vefa::customers::offers::{CODE_SLOT, OfferInput, Shared};
use vefa::messages::MessageKind;
use vefa::orders::coupons::{CouponInput, CouponSource, CouponValue};
use vefa::orders::{NewOrder, OrderChannel};
use vefa::{Clock, Vefa};

struct Book<'a> {
    title: &'a str,
    sku: &'a str,
    maker: &'a str,
    category: &'a str,
    tags: &'a [&'a str],
    state: ListingState,
}

async fn book(v: &Vefa, b: Book<'_>) -> i32 {
    let mut l = ListingInput::draft(b.title, "AZN");
    l.price.minor = 2_000;
    l.maker = b.maker.into();
    l.category = b.category.into();
    l.tags = b.tags.iter().map(|t| t.to_string()).collect();
    l.state = b.state;
    l.variants = vec![Variant {
        sku: b.sku.into(),
        quantity: 10,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap().id
}

/// A bookshop: the novel the buyer bought, another by its author, a poem book sharing its
/// category and a tag, an unrelated rug, and a draft by the same author nobody can buy yet.
async fn bookshop(v: &Vefa) -> [i32; 5] {
    profile(v).await;
    let mut ids = [0; 5];
    let books = [
        (
            "Əli və Nino",
            "BOOK-1",
            "Qurban Səid",
            "Kitablar",
            &["roman", "klassik"][..],
            ListingState::Active,
        ),
        (
            "Qız Ruhu",
            "BOOK-2",
            "Qurban Səid",
            "Kitablar",
            &["roman"][..],
            ListingState::Active,
        ),
        (
            "Şeirlər",
            "BOOK-3",
            "Nizami",
            "Kitablar",
            &["klassik", "şeir"][..],
            ListingState::Active,
        ),
        (
            "Yun kilim",
            "KILIM-9",
            "Kilim Evi",
            "Xalçalar",
            &["yun"][..],
            ListingState::Active,
        ),
        (
            "Yeni roman",
            "BOOK-4",
            "Qurban Səid",
            "Kitablar",
            &["roman"][..],
            ListingState::Draft,
        ),
    ];
    for (i, (title, sku, maker, category, tags, state)) in books.into_iter().enumerate() {
        ids[i] = book(
            v,
            Book {
                title,
                sku,
                maker,
                category,
                tags,
                state,
            },
        )
        .await;
    }
    ids
}

async fn buys(v: &Vefa, email: &str, sku: &str) -> i32 {
    let mut o = NewOrder::new(OrderChannel::Phone, "Nigar", "AZN").with_sku(sku, 1);
    o.buyer.email = Some(email.into());
    o.buyer.language = Some("az".into());
    v.add_order(&o).await.unwrap().id
}

async fn messages_of_kind(v: &Vefa, kind: MessageKind) -> Vec<vefa::messages::outbox::OutboxEntry> {
    let mut all = v.outbox(None).await.unwrap();
    all.retain(|m| m.kind == kind);
    all
}

async fn an_offer_suggests_what_shares_an_author_and_sends_a_code(store: TestStore) {
    let v = store.open().await;
    let [novel, other_novel, poems, _rug, _draft] = bookshop(&v).await;
    let o = buys(&v, "nigar@example.az", "BOOK-1").await;
    let c = buyer(&v, o).await;

    let s = v.offer_suggestions(c, 10).await.unwrap();
    let ids: Vec<i32> = s.iter().map(|s| s.listing_id).collect();
    assert_eq!(
        ids,
        [other_novel, poems],
        "the same author first, then the same category and tag; never what was bought, a \
         draft or an unrelated rug"
    );
    let why: Vec<(Shared, &str)> = s[0]
        .reasons
        .iter()
        .map(|r| (r.shared, r.value.as_str()))
        .collect();
    assert_eq!(
        why,
        [
            (Shared::Maker, "Qurban Səid"),
            (Shared::Category, "Kitablar"),
            (Shared::Tag, "roman")
        ]
    );
    assert!(s[0].reasons.iter().all(|r| r.bought == "Əli və Nino"));
    assert!(s[0].score > s[1].score);
    assert_eq!(s[0].offered, None);

    let input = OfferInput {
        customer_id: c,
        listing_id: other_novel,
        percent_bp: 500,
        valid_days: 30,
    };
    let draft = v.draft_offer(&input).await.unwrap();
    assert_eq!(draft.language, "az");
    assert_eq!(draft.recipient, "nigar@example.az");
    for part in ["Əli və Nino", "Qız Ruhu", "5%", CODE_SLOT, "Kilim Evi"] {
        assert!(
            draft.body.contains(part),
            "{part} missing from {}",
            draft.body
        );
    }

    // The seller's edit without the code's place is refused, and nothing is made.
    let mut edited = draft.clone();
    edited.body = "Hello, a discount for you!".into();
    let err = v.make_offer(&input, Some(&edited)).await.unwrap_err();
    assert_eq!(err.view().code, "validation");
    assert!(format!("{:?}", err.view()).contains("placeholder_missing"));
    assert!(v.coupons(Some(c)).await.unwrap().is_empty());
    let bad = OfferInput {
        percent_bp: 0,
        ..input.clone()
    };
    assert_eq!(
        v.make_offer(&bad, None).await.unwrap_err().view().code,
        "validation"
    );

    // The seller's own words, with the code's place kept.
    edited.body = format!("Nigar xanım, kodunuz: {CODE_SLOT}. «Qız Ruhu» sizi gözləyir.");
    let offer = v.make_offer(&input, Some(&edited)).await.unwrap();
    let coupon = &offer.coupon;
    assert_eq!(coupon.value, CouponValue::Percent { percent_bp: 500 });
    assert_eq!(coupon.customer_id, Some(c));
    assert_eq!(coupon.max_uses, Some(1));
    assert_eq!(coupon.source, CouponSource::Offer);
    assert_eq!(coupon.listing_id, Some(other_novel));
    assert_eq!(
        coupon.expires_at,
        Some(store.clock.now() + Duration::days(30))
    );
    let sent = messages_of_kind(&v, MessageKind::PersonalOffer).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].id, offer.message_id);
    assert_eq!(
        sent[0].body,
        format!(
            "Nigar xanım, kodunuz: {}. «Qız Ruhu» sizi gözləyir.",
            coupon.code
        )
    );
    assert_eq!(sent[0].order_id, None);

    // The suggestion now shows the offer made; the bought novel is still never suggested.
    let s = v.offer_suggestions(c, 10).await.unwrap();
    assert_eq!(
        s[0].offered.as_ref().map(|c| c.code.as_str()),
        Some(coupon.code.as_str())
    );
    assert!(s.iter().all(|s| s.listing_id != novel));

    // A buyer with no purchases gets no suggestions; an unknown one is an error.
    let stranger = buys(&v, "ramin@example.az", "KILIM-9").await;
    let stranger = buyer(&v, stranger).await;
    assert!(v.offer_suggestions(stranger, 10).await.unwrap().is_empty());
    assert_eq!(
        v.offer_suggestions(9_999, 10)
            .await
            .unwrap_err()
            .view()
            .code,
        "not_found"
    );
}

async fn idle_points_are_warned_of_once_before_they_expire(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 2).await;
    deliver(&v, a).await;
    let leyla = buyer(&v, a).await;
    // A buyer whose points were all taken back: nothing to warn of.
    let b = order(&v, "orxan@example.az", 1).await;
    deliver(&v, b).await;
    refund(&v, b).await;
    let orxan = buyer(&v, b).await;
    v.adjust_points(orxan, -50, "welcome bonus of a returned order")
        .await
        .unwrap();
    assert_eq!(
        v.loyalty_standing(buyer(&v, b).await)
            .await
            .unwrap()
            .balance,
        0
    );

    // Points expire 12 months after the last activity, the warning 30 days before.
    store.clock.advance(Duration::days(300));
    let h = v.loyalty_housekeeping().await.unwrap();
    assert_eq!((h.expired, h.warned), (0, 0));
    store.clock.advance(Duration::days(40));
    let h = v.loyalty_housekeeping().await.unwrap();
    assert_eq!((h.expired, h.warned), (0, 1));
    assert_eq!(v.loyalty_housekeeping().await.unwrap().warned, 0, "once");
    let warnings = messages_of_kind(&v, MessageKind::PointsExpiring).await;
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].recipient, "leyla@example.az");
    // 251 + 50 points, worth 3.00 AZN at 100 points a manat.
    assert!(
        warnings[0].subject.contains("301"),
        "{}",
        warnings[0].subject
    );
    assert!(
        warnings[0].body.contains("3.00 AZN"),
        "{}",
        warnings[0].body
    );

    // The day comes: they expire, and no new warning is queued for the emptied balance.
    store.clock.advance(Duration::days(30));
    let h = v.loyalty_housekeeping().await.unwrap();
    assert_eq!((h.expired, h.warned), (1, 0));
    assert_eq!(v.loyalty_standing(leyla).await.unwrap().balance, 0);

    // A new order starts a new idle stretch, with its own warning in time.
    let c = order(&v, "leyla@example.az", 1).await;
    deliver(&v, c).await;
    store.clock.advance(Duration::days(340));
    assert_eq!(v.loyalty_housekeeping().await.unwrap().warned, 1);
    assert_eq!(
        messages_of_kind(&v, MessageKind::PointsExpiring)
            .await
            .len(),
        2
    );
}

async fn a_duplicate_buyer_merges_with_their_whole_history(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 2).await;
    deliver(&v, a).await;
    let keep = buyer(&v, a).await;
    // The same woman ordered by phone under another address.
    let mut o = NewOrder::new(OrderChannel::Phone, "Leyla H.", "AZN").with_sku("KILIM-1", 1);
    o.buyer.email = Some("leyla.h@example.az".into());
    o.buyer.phone = Some("+994 50 123 45 67".into());
    let b = v.add_order(&o).await.unwrap().id;
    deliver(&v, b).await;
    let gone = buyer(&v, b).await;
    assert_ne!(keep, gone);
    v.create_coupon(&CouponInput {
        value: CouponValue::Percent { percent_bp: 1_000 },
        customer_id: Some(gone),
        max_uses: Some(1),
        expires_at: None,
        note: "birthday".into(),
    })
    .await
    .unwrap();
    let before = v.loyalty_standing(keep).await.unwrap().balance
        + v.loyalty_standing(gone).await.unwrap().balance;

    // Refused: a record into itself.
    assert!(
        format!(
            "{:?}",
            v.merge_customers(keep, keep).await.unwrap_err().view()
        )
        .contains("merge_self")
    );

    let p = v.merge_customers(keep, gone).await.unwrap();
    assert_eq!(p.id, keep);
    assert_eq!(p.orders, 2);
    assert_eq!(p.lifetime_spend_minor, 3 * 12_550);
    assert_eq!(
        p.email.as_deref(),
        Some("leyla@example.az"),
        "keep's own stays"
    );
    assert_eq!(p.phone.as_deref(), Some("+994501234567"), "taken from gone");
    // Both records had a welcome bonus: one buyer keeps one, the other is reversed.
    assert_eq!(p.loyalty.balance, before - 50);
    let ledger = v.loyalty_ledger(keep).await.unwrap();
    assert_eq!(
        ledger.iter().map(|e| e.points).sum::<i64>(),
        p.loyalty.balance
    );
    let last = ledger.last().unwrap();
    assert_eq!((last.kind, last.points), (EntryKind::Reversal, -50));
    let welcomes = ledger
        .iter()
        .filter(|e| e.kind == EntryKind::FirstPurchase)
        .count();
    assert_eq!(welcomes, 2, "the history keeps both");
    assert_eq!(p.merged.len(), 1);
    assert_eq!(p.merged[0].id, gone);
    assert_eq!(p.merged[0].email.as_deref(), Some("leyla.h@example.az"));
    assert_eq!(v.coupons(Some(keep)).await.unwrap().len(), 1);
    assert_eq!(
        scalar(
            &v,
            &format!("SELECT COUNT(*) FROM sales_order WHERE customer_id = {gone}")
        )
        .await,
        0
    );

    // The list shows one Leyla; the merged record says where it went and takes no more.
    let list = v.customers("", 50).await.unwrap();
    assert_eq!(list.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [keep]);
    assert_eq!(v.customer(gone).await.unwrap().merged_into, Some(keep));
    assert!(
        format!(
            "{:?}",
            v.merge_customers(gone, keep).await.unwrap_err().view()
        )
        .contains("customer_merged")
    );
    // Searching by the old address finds her too.
    let found = v.customers("leyla.h", 50).await.unwrap();
    assert_eq!(found.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [keep]);

    // A new order under the merged record's address lands on the kept one, and brings its
    // points but no welcome.
    let c = order(&v, "leyla.h@example.az", 1).await;
    assert_eq!(buyer(&v, c).await, keep);
    deliver(&v, c).await;
    let balance = v.loyalty_standing(keep).await.unwrap().balance;
    assert_eq!(balance, before - 50 + 125);
}

async fn a_buyers_contacts_and_notes_are_corrected_with_checks(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 1).await;
    let c = buyer(&v, a).await;
    let p = v.customer(c).await.unwrap();
    let edit = CustomerEdit {
        name: p.name.clone(),
        email: Some("not an address".into()),
        phone: p.phone.clone(),
        language: "en_GB!".into(),
        notes: "Prefers <b>red</b> kilims; لطفاً".into(),
    };
    let err = v.update_customer(c, &edit).await.unwrap_err();
    let said = format!("{:?}", err.view());
    assert!(
        said.contains("email_invalid") && said.contains("language_unknown"),
        "{said}"
    );
    assert_eq!(
        v.customer(c).await.unwrap().email.as_deref(),
        Some("leyla@example.az")
    );

    let edit = CustomerEdit {
        email: Some("leyla@new.az".into()),
        language: "tr".into(),
        ..edit
    };
    let p = v.update_customer(c, &edit).await.unwrap();
    assert_eq!(p.email.as_deref(), Some("leyla@new.az"));
    assert_eq!(p.language, "tr");
    assert_eq!(
        p.notes, "Prefers <b>red</b> kilims; لطفاً",
        "kept exactly, as text"
    );
    // The new address finds her.
    let b = order(&v, "leyla@new.az", 1).await;
    assert_eq!(buyer(&v, b).await, c);
    let long = CustomerEdit {
        notes: "x".repeat(5_001),
        ..edit.clone()
    };
    assert_eq!(
        v.update_customer(c, &long).await.unwrap_err().view().code,
        "validation"
    );
    // Only a language Vefa writes messages in, as for a new order's buyer.
    for (language, code) in [("ru", "language_unknown"), (" ", "required")] {
        let other = CustomerEdit {
            language: language.into(),
            ..edit.clone()
        };
        let said = format!(
            "{:?}",
            v.update_customer(c, &other).await.unwrap_err().view()
        );
        assert!(said.contains(code), "{language:?}: {said}");
    }
    assert_eq!(v.customer(c).await.unwrap().language, "tr");
}

on_both_stores!(
    an_offer_suggests_what_shares_an_author_and_sends_a_code,
    idle_points_are_warned_of_once_before_they_expire,
    a_duplicate_buyer_merges_with_their_whole_history,
    a_buyers_contacts_and_notes_are_corrected_with_checks,
);
