//! A model test of the points ledger on a real SQLite store: random sequences of orders
//! delivered, synced again, cancelled and refunded, redemptions, corrections and expiry, checked
//! after every step against a plain model — each buyer's balance equals the sum of their ledger
//! and the model's figure, is never negative, and no source is ever credited twice.

use crate::common;

use chrono::Duration;
use proptest::prelude::*;
use sea_orm::{ConnectionTrait, Statement};
use vefa::catalog::listings::{ListingInput, Variant};
use vefa::customers::loyalty::{EntryKind, LoyaltyRules};
use vefa::inspection::InspectionOp;
use vefa::orders::{Act, NewOrder, OrderChannel, OrderStatus};
use vefa::{Clock, Error, Vefa};

const BUYERS: usize = 2;
/// 10.00 AZN a unit: 10 points each.
const PRICE: i64 = 1_000;
const WELCOME: i64 = 50;

#[derive(Debug, Clone)]
enum Step {
    Order {
        buyer: usize,
        qty: u32,
    },
    Deliver {
        order: usize,
    },
    /// The marketplace reports the delivery again.
    Resync {
        order: usize,
    },
    Cancel {
        order: usize,
    },
    Refund {
        order: usize,
    },
    Redeem {
        buyer: usize,
        points: i64,
    },
    /// The buyer spends everything they have (so a later refund meets an empty balance).
    RedeemAll {
        buyer: usize,
    },
    Gift {
        buyer: usize,
        points: i64,
    },
    /// Thirteen months pass and idle points expire.
    Expire,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..BUYERS, 1u32..4).prop_map(|(buyer, qty)| Step::Order { buyer, qty }),
        3 => (0usize..6).prop_map(|order| Step::Deliver { order }),
        1 => (0usize..6).prop_map(|order| Step::Resync { order }),
        1 => (0usize..6).prop_map(|order| Step::Cancel { order }),
        2 => (0usize..6).prop_map(|order| Step::Refund { order }),
        2 => (0..BUYERS, 1i64..120).prop_map(|(buyer, points)| Step::Redeem { buyer, points }),
        1 => (0..BUYERS, 1i64..60).prop_map(|(buyer, points)| Step::Gift { buyer, points }),
        2 => (0..BUYERS).prop_map(|buyer| Step::RedeemAll { buyer }),
        1 => Just(Step::Expire),
    ]
}

async fn scalar(v: &Vefa, sql: &str) -> i64 {
    let db = v.connection();
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

struct Order {
    id: i32,
    buyer: usize,
    status: OrderStatus,
    /// Points the order credited, and whether they were reversed.
    credited: i64,
    reversed: bool,
}

struct Model {
    balance: [i64; BUYERS],
    welcomed: [bool; BUYERS],
    orders: Vec<Order>,
}

async fn moves(v: &Vefa, id: i32, acts: &[Act]) {
    for a in acts {
        v.act_on_order(id, a).await.unwrap();
    }
}

async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let store = common::TestStore::sqlite().await;
    let v = store.open().await;
    common::shop::profile(&v).await;
    let mut l = ListingInput::draft("Kilim", "AZN");
    l.price.minor = PRICE;
    l.variants = vec![Variant {
        sku: "K-1".into(),
        quantity: 10_000,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap();
    let mut buyers = [0i32; BUYERS];
    let mut m = Model {
        balance: [0; BUYERS],
        welcomed: [false; BUYERS],
        orders: vec![],
    };
    for (n, s) in steps.into_iter().enumerate() {
        match s {
            Step::Order { buyer, qty } => {
                let mut o = NewOrder::new(OrderChannel::Phone, &format!("Buyer {buyer}"), "AZN")
                    .with_sku("K-1", qty);
                o.buyer.email = Some(format!("buyer{buyer}@example.az"));
                let id = v.add_order(&o).await.unwrap().id;
                buyers[buyer] = v.order(id).await.unwrap().buyer.id;
                m.orders.push(Order {
                    id,
                    buyer,
                    status: OrderStatus::New,
                    credited: 0,
                    reversed: false,
                });
            }
            Step::Deliver { order } => {
                let Some(o) = m.orders.get_mut(order) else {
                    continue;
                };
                if o.status != OrderStatus::New {
                    continue;
                }
                moves(&v, o.id, &[Act::Confirm]).await;
                let through = InspectionOp::Override {
                    reason: "model".into(),
                };
                v.inspect(o.id, &through, None, None).await.unwrap();
                let ship = Act::Ship {
                    carrier: "x".into(),
                    tracking: format!("T{n}"),
                };
                moves(&v, o.id, &[Act::MarkReady, ship, Act::Deliver]).await;
                o.status = OrderStatus::Delivered;
                let total = v.order(o.id).await.unwrap().total_minor;
                o.credited = total / 100;
                m.balance[o.buyer] += o.credited;
                if !m.welcomed[o.buyer] {
                    m.welcomed[o.buyer] = true;
                    m.balance[o.buyer] += WELCOME;
                }
            }
            Step::Resync { order } => {
                // The marketplace reports an order's delivery again, even after its refund.
                let Some(o) = m.orders.get(order) else {
                    continue;
                };
                if !matches!(o.status, OrderStatus::Delivered | OrderStatus::Refunded) {
                    continue;
                }
                vefa::customers::loyalty::ledger::on_order_moved(
                    v.connection(),
                    o.id,
                    OrderStatus::Delivered,
                    &LoyaltyRules::default(),
                    "AZN",
                    store.clock.now(),
                )
                .await
                .unwrap();
            }
            Step::Cancel { order } => {
                let Some(o) = m.orders.get_mut(order) else {
                    continue;
                };
                if !o.status.before_dispatch() || o.status == OrderStatus::Cancelled {
                    continue;
                }
                moves(
                    &v,
                    o.id,
                    &[Act::Cancel {
                        reason: String::new(),
                    }],
                )
                .await;
                o.status = OrderStatus::Cancelled;
                if o.credited > 0 && !o.reversed {
                    o.reversed = true;
                    let back = o.credited.min(m.balance[o.buyer]);
                    m.balance[o.buyer] -= back;
                }
            }
            Step::Refund { order } => {
                let Some(o) = m.orders.get_mut(order) else {
                    continue;
                };
                if o.status != OrderStatus::Delivered {
                    continue;
                }
                let acts = [
                    Act::RequestReturn {
                        reason: String::new(),
                    },
                    Act::ReceiveReturn { restock: true },
                    Act::Refund,
                ];
                moves(&v, o.id, &acts).await;
                o.status = OrderStatus::Refunded;
                if o.credited > 0 && !o.reversed {
                    o.reversed = true;
                    let back = o.credited.min(m.balance[o.buyer]);
                    m.balance[o.buyer] -= back;
                }
            }
            // A buyer with no order yet has no record to hold points.
            Step::Redeem { buyer, .. } | Step::Gift { buyer, .. } | Step::RedeemAll { buyer }
                if buyers[buyer] == 0 =>
            {
                continue;
            }
            Step::Redeem { buyer, points } => {
                match v.adjust_points(buyers[buyer], -points, "redeemed").await {
                    Ok(s) => {
                        prop_assert!(points <= m.balance[buyer]);
                        m.balance[buyer] -= points;
                        prop_assert_eq!(s.balance, m.balance[buyer]);
                    }
                    Err(Error::Loyalty(_)) => prop_assert!(points > m.balance[buyer]),
                    Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
                }
            }
            Step::RedeemAll { buyer } => {
                let all = m.balance[buyer];
                if all == 0 {
                    continue;
                }
                v.adjust_points(buyers[buyer], -all, "redeemed all")
                    .await
                    .unwrap();
                m.balance[buyer] = 0;
            }
            Step::Gift { buyer, points } => {
                v.adjust_points(buyers[buyer], points, "gift")
                    .await
                    .unwrap();
                m.balance[buyer] += points;
            }
            Step::Expire => {
                store.clock.advance(Duration::days(400));
                v.expire_points().await.unwrap();
                m.balance = [0; BUYERS];
            }
        }
        for (b, &id) in buyers.iter().enumerate() {
            if id == 0 {
                continue;
            }
            let ledger = v.loyalty_ledger(id).await.unwrap();
            let sum: i64 = ledger.iter().map(|e| e.points).sum();
            let balance = v.loyalty_standing(id).await.unwrap().balance;
            prop_assert_eq!(balance, sum, "the balance is the ledger's sum");
            prop_assert_eq!(balance, m.balance[b], "buyer {} after {} steps", b, n + 1);
            prop_assert!(balance >= 0);
            prop_assert!(
                ledger
                    .iter()
                    .filter(|e| e.kind == EntryKind::FirstPurchase)
                    .count()
                    <= 1
            );
        }
        let twice = scalar(
            &v,
            "SELECT COUNT(*) FROM (SELECT source_key FROM loyalty_entry \
             GROUP BY source_key HAVING COUNT(*) > 1) AS d",
        )
        .await;
        prop_assert_eq!(twice, 0, "no source counts twice");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_credits_a_source_twice_or_makes_a_balance_negative(
        steps in proptest::collection::vec(step(), 1..30)
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(run(steps))?;
    }
}

/// The sequence that matters most, always run: a refund after the buyer spent the points.
#[test]
fn a_refund_after_the_points_were_spent_leaves_zero() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let steps = vec![
        Step::Order { buyer: 0, qty: 2 },
        Step::Deliver { order: 0 },
        Step::RedeemAll { buyer: 0 },
        Step::Refund { order: 0 },
        Step::Resync { order: 0 },
    ];
    rt.block_on(run(steps)).unwrap();
}
