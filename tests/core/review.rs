//! The weekly review on a fixed data set, every figure checked against values worked out by
//! hand below: two weeks of a small shop (2026-W46 and 2026-W47, Monday to Monday, UTC).
//!
//! W46: Leyla's first order P1 (125.50 AZN), confirmed in 30 min, let through and delivered;
//!      a complaint about it (damaged), and its follow-up asked.
//! W47: Leyla's A (2 × 125.50), confirmed in 10 min, shipped before its ship-by date and
//!      delivered; Aysel's B (125.50), confirmed in 120 min, shipped after its ship-by date;
//!      Kamran's C, cancelled; Aysel's D, confirmed in 60 min, a delay problem on it. P1's
//!      follow-up answered 2 (opening a complaint), A's asked and answered 4. B's complaint
//!      (late) settled in 6 h with apology points, P1's (damaged) settled after 96 h. Praise for
//!      Tural and one for the whole team; 200 of Leyla's points turned into a coupon and used.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::TestStore;
use common::shop::{order, shop};
use vefa::Vefa;
use vefa::customers::feedback::{Apology, Category, FeedbackInput, FeedbackKind};
use vefa::inspection::InspectionOp;
use vefa::orders::{Act, NewOrder, OrderChannel, ProblemKind};
use vefa::reports::{IsoWeek, KeyCount, Rate, html};

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

async fn act(v: &Vefa, id: i32, a: Act) {
    v.act_on_order(id, &a).await.unwrap();
}

async fn let_through(v: &Vefa, id: i32) {
    let op = InspectionOp::Override {
        reason: "checked at the counter".into(),
    };
    v.inspect(id, &op, None, None).await.unwrap();
    act(v, id, Act::MarkReady).await;
}

fn ship() -> Act {
    Act::Ship {
        carrier: "AzərPoçt".into(),
        tracking: "RR1".into(),
    }
}

async fn with_ship_by(v: &Vefa, email: &str, qty: u32, by: DateTime<Utc>) -> i32 {
    let mut o = NewOrder::new(OrderChannel::Phone, email, "AZN").with_sku("KILIM-1", qty);
    o.buyer.email = Some(email.into());
    o.ship_by = Some(by);
    v.add_order(&o).await.unwrap().id
}

fn entry(kind: FeedbackKind, category: Category, order: i32, staff: Option<&str>) -> FeedbackInput {
    FeedbackInput {
        kind,
        category,
        customer_id: None,
        order_id: Some(order),
        order_number: None,
        text: "—".into(),
        staff_name: staff.map(str::to_owned),
    }
}

fn kc(key: &str, count: u32) -> KeyCount {
    KeyCount {
        key: key.into(),
        count,
    }
}

async fn the_weekly_review_matches_figures_worked_out_by_hand(store: TestStore) {
    let clock = &store.clock;
    clock.set(at(9, 8, 0));
    let v = store.open().await;
    shop(&v).await;
    v.save_team(&["Aysel".into(), "Tural".into()])
        .await
        .unwrap();

    // W46.
    clock.set(at(10, 10, 0));
    let p1 = order(&v, "leyla@example.az", 1).await;
    clock.set(at(10, 10, 30));
    act(&v, p1, Act::Confirm).await;
    let_through(&v, p1).await;
    act(&v, p1, ship()).await;
    clock.set(at(11, 9, 0));
    act(&v, p1, Act::Deliver).await;
    clock.set(at(12, 12, 0));
    let damaged = v
        .add_feedback(&entry(FeedbackKind::Complaint, Category::Damaged, p1, None))
        .await
        .unwrap();
    clock.set(at(14, 9, 0));
    v.send_follow_up(p1, None).await.unwrap();

    // W47.
    clock.set(at(16, 9, 0));
    let a = with_ship_by(&v, "leyla@example.az", 2, at(18, 0, 0)).await;
    clock.set(at(16, 9, 10));
    act(&v, a, Act::Confirm).await;
    clock.set(at(16, 10, 0));
    v.answer_follow_up(p1, 2, "Qutu əzilmişdi").await.unwrap();
    clock.set(at(16, 12, 0));
    v.resolve_feedback(damaged.id, "Yenisi göndərildi")
        .await
        .unwrap();
    clock.set(at(17, 8, 0));
    let b = with_ship_by(&v, "aysel@example.az", 1, at(18, 0, 0)).await;
    clock.set(at(17, 10, 0));
    act(&v, b, Act::Confirm).await;
    clock.set(at(17, 12, 0));
    let_through(&v, a).await;
    act(&v, a, ship()).await;
    clock.set(at(18, 9, 0));
    act(&v, a, Act::Deliver).await;
    clock.set(at(18, 12, 0));
    let c = order(&v, "kamran@example.az", 1).await;
    act(
        &v,
        c,
        Act::Cancel {
            reason: "buyer changed their mind".into(),
        },
    )
    .await;
    clock.set(at(19, 10, 0));
    let late = v
        .add_feedback(&entry(FeedbackKind::Complaint, Category::Late, b, None))
        .await
        .unwrap();
    let_through(&v, b).await;
    act(&v, b, ship()).await;
    clock.set(at(19, 15, 0));
    let d = order(&v, "aysel@example.az", 1).await;
    clock.set(at(19, 16, 0));
    act(&v, d, Act::Confirm).await;
    v.compensate_feedback(late.id, &Apology::Points)
        .await
        .unwrap();
    clock.set(at(19, 16, 0));
    v.resolve_feedback(late.id, "Bağışlayın").await.unwrap();
    clock.set(at(20, 9, 0));
    v.open_order_problem(d, ProblemKind::Delayed, "waiting for wool")
        .await
        .unwrap();
    v.add_feedback(&entry(
        FeedbackKind::Praise,
        Category::Staff,
        a,
        Some("Tural"),
    ))
    .await
    .unwrap();
    v.add_feedback(&entry(FeedbackKind::Suggestion, Category::Other, a, None))
        .await
        .unwrap();
    clock.set(at(21, 10, 0));
    v.send_follow_up(a, None).await.unwrap();
    clock.set(at(21, 12, 0));
    v.answer_follow_up(a, 4, "").await.unwrap();
    v.add_feedback(&entry(FeedbackKind::Praise, Category::Other, a, None))
        .await
        .unwrap();
    let leyla = v.order(a).await.unwrap().buyer.id;
    let coupon = v.coupon_from_points(leyla, 200).await.unwrap();
    v.use_coupon(&coupon.code).await.unwrap();
    v.record_catalog_day().await.unwrap();
    let score = v.listing(1).await.unwrap().completeness.score;

    clock.set(at(24, 9, 0));
    // The default week is the last complete one.
    let r = v.weekly_review(None).await.unwrap();
    assert_eq!(r.week, "2026-W47");
    assert_eq!(
        r,
        v.weekly_review(Some(IsoWeek::parse("2026-W47").unwrap()))
            .await
            .unwrap()
    );
    let w = &r.this_week;
    assert_eq!((w.from, w.to), (at(16, 0, 0), at(23, 0, 0)));
    assert_eq!(w.orders, 4);
    assert_eq!(w.revenue_minor, 25_100 + 12_550 + 12_550, "C is cancelled");
    assert_eq!(w.other_currency_orders, 0);
    assert_eq!(w.confirmed, 3);
    // [10, 60, 120] minutes: nearest rank 2 of 3 and 3 of 3.
    assert_eq!(
        (w.confirm_minutes_p50, w.confirm_minutes_p90),
        (Some(60), Some(120))
    );
    assert_eq!(w.dispatch_on_time, Rate::of(1, 2), "A on time, B late");
    assert_eq!(w.inspection_first_pass, Rate::of(0, 0));
    assert_eq!(w.inspection_overrides, 2);
    assert_eq!(w.problems, vec![kc("delayed", 1)]);
    // B's (late) and the one P1's low answer opened (other).
    assert_eq!(w.complaints, vec![kc("late", 1), kc("other", 1)]);
    assert_eq!(w.complaints_total, 2);
    // Settled: B's after 6 h, P1's after 96 h.
    assert_eq!(w.complaints_resolved, 2);
    assert_eq!(w.resolve_hours_median, Some(51.0));
    assert_eq!(w.satisfaction_answers, 2);
    assert_eq!(w.satisfaction_average, Some(3.0));
    assert_eq!(w.follow_up_response, Rate::of(1, 1));
    // Leyla returning and repeat, Aysel new and repeat (B and D), Kamran new.
    assert_eq!((w.buyers, w.new_buyers, w.returning_buyers), (3, 2, 1));
    assert_eq!(w.repeat_buyers, Rate::of(2, 3));
    // A's 251 points and B's 100 apology points; 200 redeemed.
    assert_eq!(
        (w.points_issued, w.points_redeemed, w.points_expired),
        (351, 200, 0)
    );
    assert_eq!(w.coupons_used, 1);
    assert_eq!(w.catalog_average, Some(f64::from(score)));
    assert_eq!(w.catalog_listings, Some(1));
    assert_eq!(w.praise, vec![kc("Tural", 1)]);
    assert_eq!(w.praise_total, 2);

    let p = &r.previous_week;
    assert_eq!(p.week, "2026-W46");
    assert_eq!((p.orders, p.revenue_minor), (1, 12_550));
    assert_eq!(
        (p.confirm_minutes_p50, p.confirm_minutes_p90),
        (Some(30), Some(30))
    );
    assert_eq!(p.dispatch_on_time, Rate::of(0, 0), "no ship-by date");
    assert_eq!(p.inspection_overrides, 1);
    assert_eq!(
        (p.complaints.clone(), p.complaints_resolved),
        (vec![kc("damaged", 1)], 0)
    );
    assert_eq!(
        p.follow_up_response,
        Rate::of(1, 1),
        "asked in W46, answered since"
    );
    assert_eq!((p.satisfaction_answers, p.satisfaction_average), (0, None));
    assert_eq!((p.buyers, p.new_buyers, p.returning_buyers), (1, 1, 0));
    // P1's 125 points and the 50 of a first order.
    assert_eq!(p.points_issued, 175);
    assert_eq!((p.catalog_average, p.praise_total), (None, 0));

    // The printable page: every figure, escaped, in the seller's language (Azerbaijani here).
    let page = html::page(&r, "Kilim <Evi>", vefa::locale::UiLanguage::Az);
    assert!(page.contains("Kilim &lt;Evi&gt;"));
    assert!(!page.contains("<Evi>"));
    assert!(page.contains("Həftəlik baxış"));
    assert!(page.contains("502.00 AZN"), "the revenue");
    assert!(page.contains("67 % (2/3)"), "repeat buyers");
    let rows = html::table(&r, vefa::locale::UiLanguage::En);
    let orders = rows.iter().find(|r| r.label == "Orders").unwrap();
    assert_eq!(
        (
            orders.this_week.as_str(),
            orders.previous_week.as_str(),
            orders.change.as_str()
        ),
        ("4", "1", "▲ 3.0")
    );

    // A week with nothing in it reads as zeros and blanks, not errors.
    let empty = v
        .weekly_review(Some(IsoWeek::parse("2025-W01").unwrap()))
        .await
        .unwrap();
    assert_eq!(empty.this_week.orders, 0);
    assert_eq!(empty.this_week.confirm_minutes_p50, None);
    assert_eq!(empty.this_week.repeat_buyers.percent, None);

    // A shop in Baku (UTC+4): its weeks begin at its own midnight, Sunday 20:00 UTC.
    let settings = v.settings().await.unwrap();
    v.save_settings(&vefa::Settings {
        time_zone: "Asia/Baku".into(),
        ..settings
    })
    .await
    .unwrap();
    let baku = v
        .weekly_review(Some(IsoWeek::parse("2026-W47").unwrap()))
        .await
        .unwrap();
    assert_eq!(baku.time_zone, "Asia/Baku");
    let w = &baku.this_week;
    assert_eq!((w.from, w.to), (at(15, 20, 0), at(22, 20, 0)));
    assert_eq!(baku.previous_week.to, w.from);
}

on_both_stores!(the_weekly_review_matches_figures_worked_out_by_hand);
