//! Loyalty points on a real store: a delivered order credits its buyer once (however often it
//! is synced again), the first order brings the welcome bonus, a refund takes the points back
//! (never below zero), corrections and expiry are ledger entries, and the tier follows the
//! twelve-month spend.

use crate::common;

use chrono::Duration;
use common::shop::{buyer, deliver, order, refund, shop};
use common::{TestStore, scalar};
use sea_orm::ConnectionTrait;
use vefa::customers::loyalty::{EntryKind, LoyaltyError};
use vefa::orders::{Act, NewOrder, OrderChannel, OrderStatus};
use vefa::{Clock, Error};

async fn a_delivered_order_credits_once_and_a_refund_takes_it_back(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 2).await;
    let c = buyer(&v, a).await;
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 0);
    deliver(&v, a).await;
    // 2 × 125.50 AZN = 251 whole manats: 251 points, and 50 for a first order.
    let s = v.loyalty_standing(c).await.unwrap();
    assert_eq!(s.balance, 301);
    let kinds: Vec<EntryKind> = v
        .loyalty_ledger(c)
        .await
        .unwrap()
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, [EntryKind::Order, EntryKind::FirstPurchase]);

    // The marketplace says it again (a re-sync): nothing more.
    let now = store.clock.now();
    vefa::customers::loyalty::ledger::on_order_moved(
        v.connection(),
        a,
        OrderStatus::Delivered,
        &vefa::customers::loyalty::LoyaltyRules::default(),
        "AZN",
        now,
    )
    .await
    .unwrap();
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 301);

    // A second order: its points, no second welcome.
    let b = order(&v, "leyla@example.az", 1).await;
    deliver(&v, b).await;
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 301 + 125);

    // The seller takes 400 away by hand (a gift given instead): 26 left.
    v.adjust_points(c, -400, "Gift instead of points")
        .await
        .unwrap();
    // A refund of the first order would take 251, but only 26 are there: never below zero.
    refund(&v, a).await;
    let s = v.loyalty_standing(c).await.unwrap();
    assert_eq!(s.balance, 0);
    let ledger = v.loyalty_ledger(c).await.unwrap();
    let reversal = ledger.last().unwrap();
    assert_eq!((reversal.kind, reversal.points), (EntryKind::Reversal, -26));
    assert_eq!(reversal.reverses, Some(ledger[0].id));
    assert_eq!(
        ledger.iter().map(|e| e.points).sum::<i64>(),
        s.balance,
        "the balance is the ledger's sum"
    );
    // Refunded once only: the unique source key holds.
    assert_eq!(
        scalar(
            &v,
            &format!("SELECT COUNT(*) FROM loyalty_entry WHERE source_key = 'reverse:order:{a}'")
        )
        .await,
        1
    );
}

async fn taking_more_than_the_balance_is_refused_and_writes_nothing(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "murad@example.az", 1).await;
    let c = buyer(&v, a).await;
    v.adjust_points(c, 30, "Welcome gift").await.unwrap();
    let err = v.adjust_points(c, -31, "Too much").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Loyalty(LoyaltyError::NotEnoughPoints { have: 30, want: 31 })
        ),
        "{err:?}"
    );
    assert_eq!(err.view().code, "loyalty_not_enough_points");
    let err = v.adjust_points(c, 10, "  ").await.unwrap_err();
    assert_eq!(err.view().code, "validation");
    let err = v.adjust_points(999, 10, "nobody").await.unwrap_err();
    assert_eq!(err.view().code, "not_found");
    assert_eq!(v.loyalty_ledger(c).await.unwrap().len(), 1);
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 30);
}

async fn idle_points_expire_once_and_the_tier_follows_the_years_spend(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "aysel@example.az", 4).await;
    let c = buyer(&v, a).await;
    deliver(&v, a).await;
    let s = v.loyalty_standing(c).await.unwrap();
    // 4 × 125.50 = 502 AZN: Silver from 500.
    assert_eq!(s.spend_12m_minor, 50_200);
    assert_eq!(s.tier.unwrap().name, "Silver");
    assert_eq!(s.next_tier.unwrap().name, "Gold");
    assert_eq!(s.to_next_minor, Some(150_000 - 50_200));
    assert_eq!(s.balance, 502 + 50);

    // Eleven months on, nothing expires; thirteen, everything does, once.
    store.clock.advance(Duration::days(335));
    assert_eq!(v.expire_points().await.unwrap(), 0);
    store.clock.advance(Duration::days(60));
    assert_eq!(v.expire_points().await.unwrap(), 1);
    assert_eq!(v.expire_points().await.unwrap(), 0);
    let s = v.loyalty_standing(c).await.unwrap();
    assert_eq!(s.balance, 0);
    assert_eq!(
        s.tier.unwrap().name,
        "Bronze",
        "last year's spend no longer counts"
    );
    let last = v.loyalty_ledger(c).await.unwrap().pop().unwrap();
    assert_eq!((last.kind, last.points), (EntryKind::Expiry, -552));
}

async fn a_buyers_profile_sums_their_orders_and_points(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "Leyla@Example.az", 2).await;
    deliver(&v, a).await;
    let b = order(&v, "leyla@example.az", 1).await;
    let cancelled = order(&v, "leyla@example.az", 3).await;
    v.act_on_order(
        cancelled,
        &Act::Cancel {
            reason: String::new(),
        },
    )
    .await
    .unwrap();
    let other = order(&v, "orxan@example.az", 1).await;
    let c = buyer(&v, a).await;
    assert_eq!(buyer(&v, b).await, c, "one record across orders");

    let p = v.customer(c).await.unwrap();
    assert_eq!(p.orders, 2, "the cancelled order does not count");
    assert_eq!(p.lifetime_spend_minor, 3 * 12_550);
    assert_eq!(p.loyalty.balance, 251 + 50);
    assert_eq!(
        p.first_purchase_at,
        Some(v.order(a).await.unwrap().placed_at)
    );
    assert_eq!(p.recent_orders.len(), 3);
    assert_eq!(p.recent_orders[0].id, cancelled, "newest first");

    let all = v.customers("", 50).await.unwrap();
    assert_eq!(all.rows.len(), 2);
    assert_eq!(all.rows[0].id, buyer(&v, other).await, "newest buyer first");
    let found = v.customers("leyla@ex", 50).await.unwrap();
    assert_eq!(found.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![c]);
    assert_eq!(found.rows[0].orders, 2);
    assert!(v.customers("nobody", 50).await.unwrap().rows.is_empty());
    assert_eq!(v.customer(9999).await.unwrap_err().view().code, "not_found");
}

fn marketplace(receipt: &str, buyer: &str, code: &str) -> NewOrder {
    let mut o = NewOrder::new(OrderChannel::Marketplace, "Ayşe", "AZN").with_sku("KILIM-1", 1);
    o.marketplace = Some("etsy".into());
    o.marketplace_order_id = Some(receipt.into());
    o.buyer.marketplace_buyer_id = Some(buyer.into());
    o.buyer.email = Some(format!("{buyer}@example.com.tr"));
    o.coupon_code = Some(code.into());
    o
}

fn timeline_says(o: &vefa::orders::Order, text: &str) -> bool {
    o.timeline
        .iter()
        .any(|e| e.detail.get("text").is_some_and(|t| t.contains(text)))
}

async fn a_coupon_is_used_once_per_order_and_never_past_its_limit(store: TestStore) {
    use vefa::orders::coupons::{CouponInput, CouponValue};
    let v = store.open().await;
    shop(&v).await;
    let single = v
        .create_coupon(&CouponInput {
            value: CouponValue::Percent { percent_bp: 500 },
            customer_id: None,
            max_uses: Some(1),
            expires_at: None,
            note: "5 % off, once".into(),
        })
        .await
        .unwrap();
    assert_eq!(single.code.len(), 14);
    let lower = single.code.to_lowercase();

    // The order arrives with the code (in any case): one use. Synced again: still one.
    let page = [marketplace("900001", "b1", &lower)];
    let first = v.add_order(&page[0]).await.unwrap().id;
    v.add_order(&page[0]).await.unwrap();
    let c = v.coupons(None).await.unwrap().pop().unwrap();
    assert_eq!(c.uses, 1);
    assert!(timeline_says(&v.order(first).await.unwrap(), "used"));

    // A second order with the same single-use code: the order is taken, the use is not.
    let second = v
        .add_order(&marketplace("900002", "b2", &single.code))
        .await
        .unwrap()
        .id;
    assert!(timeline_says(
        &v.order(second).await.unwrap(),
        "not counted: used up"
    ));
    assert_eq!(v.coupons(None).await.unwrap()[0].uses, 1);
    // By hand too.
    let err = v.use_coupon(&single.code).await.unwrap_err();
    assert_eq!(err.view().code, "coupon_refused");
    assert_eq!(err.view().params["why"], "used_up");

    // A coupon tied to one buyer is not another's; an expired one is nobody's.
    let b1 = buyer(&v, first).await;
    let theirs = v
        .create_coupon(&CouponInput {
            value: CouponValue::Amount {
                minor: 1_000,
                currency: "AZN".into(),
            },
            customer_id: Some(b1),
            max_uses: None,
            expires_at: Some(store.clock.now() + Duration::days(30)),
            note: String::new(),
        })
        .await
        .unwrap();
    let stranger = v
        .add_order(&marketplace("900003", "b3", &theirs.code))
        .await
        .unwrap()
        .id;
    assert!(timeline_says(
        &v.order(stranger).await.unwrap(),
        "not theirs"
    ));
    let own = v
        .add_order(&marketplace("900004", "b1", &theirs.code))
        .await
        .unwrap()
        .id;
    assert!(timeline_says(&v.order(own).await.unwrap(), "used"));
    store.clock.advance(Duration::days(31));
    let late = v
        .add_order(&marketplace("900005", "b1", &theirs.code))
        .await
        .unwrap()
        .id;
    assert!(timeline_says(&v.order(late).await.unwrap(), "expired"));
    let unknown = v
        .add_order(&marketplace("900006", "b1", "NOPE-NOPE-NOPE"))
        .await
        .unwrap()
        .id;
    assert!(timeline_says(
        &v.order(unknown).await.unwrap(),
        "not counted: unknown"
    ));
    assert_eq!(
        scalar(&v, "SELECT COUNT(*) FROM coupon_use").await,
        2,
        "one use each for the two orders that could use them"
    );

    // Bad coupons are refused field by field.
    let err = v
        .create_coupon(&CouponInput {
            value: CouponValue::Percent { percent_bp: 0 },
            customer_id: None,
            max_uses: Some(0),
            expires_at: Some(store.clock.now() - Duration::days(1)),
            note: String::new(),
        })
        .await
        .unwrap_err();
    let Error::Validation(fields) = err else {
        panic!("{err:?}")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["value.percent_bp", "max_uses", "expires_at"]);
}

async fn points_turn_into_a_coupon_for_the_buyer(store: TestStore) {
    use vefa::orders::coupons::CouponValue;
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "aysel@example.az", 2).await;
    deliver(&v, a).await;
    let c = buyer(&v, a).await;
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 301);
    // 100 points a manat: 250 points make a 2-manat coupon and spend 200 of them.
    let coupon = v.coupon_from_points(c, 250).await.unwrap();
    assert_eq!(
        coupon.value,
        CouponValue::Amount {
            minor: 200,
            currency: "AZN".into()
        }
    );
    assert_eq!((coupon.customer_id, coupon.max_uses), (Some(c), Some(1)));
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 101);
    let last = v.loyalty_ledger(c).await.unwrap().pop().unwrap();
    assert_eq!((last.kind, last.points), (EntryKind::Redemption, -200));
    assert_eq!(last.source_key, format!("coupon:{}", coupon.code));
    let err = v.coupon_from_points(c, 200).await.unwrap_err();
    assert_eq!(err.view().code, "loyalty_not_enough_points");
    assert_eq!(
        v.coupons(Some(c)).await.unwrap().len(),
        1,
        "nothing half-made"
    );
    let err = v.coupon_from_points(c, 99).await.unwrap_err();
    assert_eq!(err.view().code, "validation");
}

async fn the_book_names_praise_never_blame_and_an_apology_is_given_once(store: TestStore) {
    use vefa::customers::feedback::{Apology, Category, FeedbackInput, FeedbackKind};
    use vefa::orders::coupons::CouponValue;
    let v = store.open().await;
    shop(&v).await;
    v.save_team(&["Aysel".into()]).await.unwrap();
    let a = order(&v, "leyla@example.az", 1).await;
    let c = buyer(&v, a).await;
    let entry = |kind, category, staff: Option<&str>| FeedbackInput {
        kind,
        category,
        customer_id: None,
        order_id: Some(a),
        order_number: None,
        text: "Qutu əzilmişdi — جعبه له شده بود".into(),
        staff_name: staff.map(str::to_owned),
    };

    // Criticism carries no name, whatever the form sends; praise names the team member.
    let err = v
        .add_feedback(&entry(
            FeedbackKind::Complaint,
            Category::Staff,
            Some("Aysel"),
        ))
        .await
        .unwrap_err();
    let Error::Validation(fields) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (fields[0].field.as_str(), fields[0].code.as_str()),
        ("staff_name", "not_on_criticism")
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM feedback").await, 0);
    let sneaky = v
        .connection()
        .execute_unprepared(
            "INSERT INTO feedback (kind, category, text, staff_name, action, compensation, status, opened_at) \
             VALUES ('complaint', 'staff', 'x', 'Aysel', '', '', 'open', '2026-11-01T00:00:00+00:00')",
        )
        .await;
    assert!(
        sneaky.is_err(),
        "the store itself refuses a name on a complaint"
    );
    let praise = v
        .add_feedback(&entry(FeedbackKind::Praise, Category::Staff, Some("Aysel")))
        .await
        .unwrap();
    assert_eq!(praise.staff_name.as_deref(), Some("Aysel"));
    let err = v
        .add_feedback(&entry(
            FeedbackKind::Praise,
            Category::Staff,
            Some("Nobody"),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.view().fields[0].code, "unknown");

    // A complaint about the order: its buyer is found from it.
    let complaint = v
        .add_feedback(&entry(FeedbackKind::Complaint, Category::Damaged, None))
        .await
        .unwrap();
    assert_eq!(complaint.customer_id, Some(c));
    let sorry = Apology::Coupon {
        value: CouponValue::Percent { percent_bp: 1_000 },
        days: 60,
    };
    let given = v.compensate_feedback(complaint.id, &sorry).await.unwrap();
    assert!(
        given.compensation.starts_with("coupon "),
        "{}",
        given.compensation
    );
    let coupons = v.coupons(Some(c)).await.unwrap();
    assert_eq!(coupons.len(), 1);
    assert_eq!(coupons[0].max_uses, Some(1));
    let err = v
        .compensate_feedback(complaint.id, &Apology::Points)
        .await
        .unwrap_err();
    assert_eq!(err.view().fields[0].code, "already_compensated");

    let late = v
        .add_feedback(&entry(FeedbackKind::Complaint, Category::Late, None))
        .await
        .unwrap();
    v.compensate_feedback(late.id, &Apology::Points)
        .await
        .unwrap();
    assert_eq!(v.loyalty_standing(c).await.unwrap().balance, 100);
    let last = v.loyalty_ledger(c).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.kind, last.source_key.as_str()),
        (EntryKind::Apology, format!("apology:{}", late.id).as_str())
    );

    // Settled with what was done, once.
    assert_eq!(
        v.resolve_feedback(late.id, " ")
            .await
            .unwrap_err()
            .view()
            .code,
        "validation"
    );
    store.clock.advance(Duration::hours(5));
    let done = v
        .resolve_feedback(late.id, "Sent by express at our cost")
        .await
        .unwrap();
    assert!(done.resolved);
    assert_eq!(
        done.resolved_at.unwrap() - done.opened_at,
        Duration::hours(5)
    );
    let err = v.resolve_feedback(late.id, "again").await.unwrap_err();
    assert_eq!(err.view().fields[0].code, "already_resolved");
    assert_eq!(
        v.feedback(true, None).await.unwrap().len(),
        2,
        "praise and the damaged box stay open"
    );
    assert_eq!(v.feedback(false, None).await.unwrap().len(), 3);

    // The window names an order by its number as shown; the book shows it and the buyer.
    let by_number = v
        .add_feedback(&FeedbackInput {
            order_id: None,
            order_number: Some(format!(" #{a} ")),
            ..entry(FeedbackKind::Suggestion, Category::MissingInformation, None)
        })
        .await
        .unwrap();
    assert_eq!(
        (by_number.order_id, by_number.customer_id),
        (Some(a), Some(c))
    );
    assert_eq!(by_number.order_number, Some(format!("#{a}")));
    assert!(by_number.customer_name.is_some());
    let err = v
        .add_feedback(&FeedbackInput {
            order_id: None,
            order_number: Some("#999999".into()),
            ..entry(FeedbackKind::Complaint, Category::Late, None)
        })
        .await
        .unwrap_err();
    assert_eq!(
        (
            err.view().fields[0].field.as_str(),
            err.view().fields[0].code.as_str()
        ),
        ("order_number", "order_unknown")
    );
    let other = order(&v, "someone@example.az", 1).await;
    let other_buyer = buyer(&v, other).await;
    assert_eq!(v.feedback(false, Some(c)).await.unwrap().len(), 4);
    assert!(
        v.feedback(false, Some(other_buyer))
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_stores!(
    the_book_names_praise_never_blame_and_an_apology_is_given_once,
    a_coupon_is_used_once_per_order_and_never_past_its_limit,
    points_turn_into_a_coupon_for_the_buyer,
    a_buyers_profile_sums_their_orders_and_points,
    a_delivered_order_credits_once_and_a_refund_takes_it_back,
    taking_more_than_the_balance_is_refused_and_writes_nothing,
    idle_points_expire_once_and_the_tier_follows_the_years_spend,
);
