//! Follow-up after delivery on a real store: a delivered order is due the rules' days later,
//! asking queues the message in the buyer's language once, the answer is recorded once, a low
//! answer opens a complaint about the order, and returned or long-past orders leave the queue.

use crate::common;

use chrono::Duration;
use common::shop::{buyer, deliver, order, refund, shop};
use common::{TestStore, scalar};
use sea_orm::ConnectionTrait;
use vefa::Error;
use vefa::customers::feedback::{Category, FeedbackKind};
use vefa::customers::followup::FollowUpState;
use vefa::messages::{MessageKind, MessageStatus};

fn code(e: Error) -> (String, String) {
    let f = &e.view().fields[0];
    (f.field.clone(), f.code.to_string())
}

async fn a_delivered_order_is_followed_up_once_and_a_good_answer_is_kept(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 1).await;
    // Not delivered: nothing to follow up.
    assert_eq!(
        code(v.send_follow_up(a, None).await.unwrap_err()),
        ("order_id".into(), "not_delivered".into())
    );
    deliver(&v, a).await;
    assert!(v.follow_ups().await.unwrap().due.is_empty());
    assert_eq!(v.follow_up(a).await.unwrap().state, FollowUpState::Waiting);

    store.clock.advance(Duration::days(3));
    let q = v.follow_ups().await.unwrap();
    assert_eq!(q.due.len(), 1);
    let f = &q.due[0];
    assert_eq!((f.order_id, f.state), (a, FollowUpState::Due));
    assert_eq!(f.order_number, format!("#{a}"));
    assert_eq!(f.due_at, f.delivered_at + Duration::days(3));

    // The message in the buyer's language, queued with the ask in one step.
    let draft = v.draft_follow_up(a).await.unwrap();
    assert_eq!(
        (draft.kind, draft.language.as_str()),
        (MessageKind::FollowUp, "az")
    );
    assert!(
        draft.subject.contains(&format!("#{a}")),
        "{}",
        draft.subject
    );
    assert!(draft.body.contains("1-dən"), "{}", draft.body);
    let asked = v.send_follow_up(a, Some(&draft)).await.unwrap();
    assert_eq!(asked.state, FollowUpState::Asked);
    let sent: Vec<_> = v
        .outbox(Some(a))
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::FollowUp)
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, MessageStatus::Queued);
    assert_eq!(
        code(v.send_follow_up(a, Some(&draft)).await.unwrap_err()),
        ("order_id".into(), "already_asked".into())
    );
    let q = v.follow_ups().await.unwrap();
    assert!(q.due.is_empty());
    assert_eq!(q.asked.len(), 1);

    // A bad score writes nothing; a good one is kept, once, and opens nothing.
    let err = v.answer_follow_up(a, 6, "").await.unwrap_err();
    assert_eq!(code(err), ("score".into(), "out_of_range".into()));
    let answered = v
        .answer_follow_up(a, 5, "Çox gözəl kilimdir — عالی بود")
        .await
        .unwrap();
    assert_eq!(answered.state, FollowUpState::Answered);
    assert_eq!(answered.score, Some(5));
    assert_eq!(answered.comment, "Çox gözəl kilimdir — عالی بود");
    assert_eq!(answered.feedback_id, None);
    // The answer shows on the buyer's profile.
    let profile = v.customer(answered.customer_id).await.unwrap();
    assert_eq!(profile.satisfaction.len(), 1);
    assert_eq!(
        (
            profile.satisfaction[0].order_id,
            profile.satisfaction[0].score
        ),
        (a, Some(5))
    );
    assert!(v.follow_ups().await.unwrap().asked.is_empty());
    assert_eq!(
        code(v.answer_follow_up(a, 1, "").await.unwrap_err()),
        ("order_id".into(), "already_answered".into())
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM feedback").await, 0);
}

async fn a_low_answer_opens_a_complaint_about_the_order(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 1).await;
    let c = buyer(&v, a).await;
    deliver(&v, a).await;
    store.clock.advance(Duration::days(4));
    // Asked by phone: no message, and the answer straight away.
    v.send_follow_up(a, None).await.unwrap();
    assert!(
        v.outbox(Some(a))
            .await
            .unwrap()
            .iter()
            .all(|m| m.kind != MessageKind::FollowUp)
    );
    let f = v
        .answer_follow_up(a, 2, "Rəngi şəkildəkindən solğundur")
        .await
        .unwrap();
    let complaint = f.feedback_id.expect("a low answer opens a complaint");
    let book = v.feedback(true, Some(c)).await.unwrap();
    assert_eq!(book.len(), 1);
    assert_eq!(book[0].id, complaint);
    assert_eq!(
        (book[0].kind, book[0].category, book[0].order_id),
        (FeedbackKind::Complaint, Category::Other, Some(a))
    );
    assert!(book[0].text.contains("2 of 5"), "{}", book[0].text);
    assert!(book[0].text.contains("solğundur"), "{}", book[0].text);
    assert_eq!(book[0].staff_name, None);

    // The seller's threshold: with 0 nothing opens a complaint.
    let mut rules = v.loyalty_rules().await.unwrap();
    rules.low_satisfaction = 0;
    v.save_loyalty_rules(&rules).await.unwrap();
    let b = order(&v, "leyla@example.az", 1).await;
    deliver(&v, b).await;
    assert_eq!(
        v.answer_follow_up(b, 1, "").await.unwrap().feedback_id,
        None
    );
}

async fn returned_dismissed_and_long_past_orders_leave_the_queue(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let returned = order(&v, "a@example.az", 1).await;
    let dismissed = order(&v, "b@example.az", 1).await;
    let old = order(&v, "c@example.az", 1).await;
    deliver(&v, old).await;
    store.clock.advance(Duration::days(40));
    deliver(&v, returned).await;
    deliver(&v, dismissed).await;
    refund(&v, returned).await;
    store.clock.advance(Duration::days(3));
    let q = v.follow_ups().await.unwrap();
    let due: Vec<i32> = q.due.iter().map(|f| f.order_id).collect();
    assert_eq!(
        due,
        vec![dismissed],
        "refunded and 43-day-old orders are not asked"
    );
    assert_eq!(
        v.dismiss_follow_up(dismissed).await.unwrap().state,
        FollowUpState::Dismissed
    );
    assert!(v.follow_ups().await.unwrap().due.is_empty());
    // One follow-up per delivered order.
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM follow_up").await, 3);

    // The rules' days move the queue.
    let mut rules = v.loyalty_rules().await.unwrap();
    rules.follow_up_days = 61;
    let err = v.save_loyalty_rules(&rules).await.unwrap_err();
    assert_eq!(code(err), ("follow_up_days".into(), "out_of_range".into()));
}

/// Orders delivered before the follow-up table existed get their row from their timeline.
async fn orders_delivered_before_the_upgrade_are_followed_up(store: TestStore) {
    let v = store.open().await;
    shop(&v).await;
    let a = order(&v, "leyla@example.az", 1).await;
    let waiting = order(&v, "aysel@example.az", 1).await;
    deliver(&v, a).await;
    let delivered_at = v.follow_up(a).await.unwrap().delivered_at;
    store.clock.advance(Duration::days(1));
    // As the store was before migration 16.
    v.connection()
        .execute_unprepared(
            "DROP TABLE follow_up; \
             DELETE FROM seaql_migrations WHERE version = 'm20261130_000016_follow_up'",
        )
        .await
        .unwrap();
    v.close().await.unwrap();

    let again = store.open().await;
    let f = again.follow_up(a).await.unwrap();
    assert_eq!(f.delivered_at, delivered_at);
    assert_eq!(f.state, FollowUpState::Waiting);
    assert!(again.follow_up(waiting).await.is_err(), "not delivered");
}

on_both_stores!(
    orders_delivered_before_the_upgrade_are_followed_up,
    a_delivered_order_is_followed_up_once_and_a_good_answer_is_kept,
    a_low_answer_opens_a_complaint_about_the_order,
    returned_dismissed_and_long_past_orders_leave_the_queue,
);
