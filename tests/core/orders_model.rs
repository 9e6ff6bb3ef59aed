//! A model test of orders on a real SQLite store: random sequences of new orders and moves,
//! allowed or not, checked after every step against a plain model — each order's status, the
//! shelf figure, the stock ledger, the kept counts, and that a refused step wrote nothing.
//! Inspections are among the steps: no order reaches "ready to ship" or "shipped" without a
//! passed inspection or an override with a reason, and a damaged unit is written off.

use crate::common;

use proptest::prelude::*;
use sea_orm::{ConnectionTrait, Statement};
use vefa::catalog::listings::{ListingInput, Variant};
use vefa::inspection::{Answer, Damaged, InspectionError, InspectionOp, Outcome};
use vefa::orders::{Act, NewOrder, OrderChannel, OrderQuery, OrderStatus, transition};
use vefa::{Error, Vefa};

const START: i64 = 5;

#[derive(Debug, Clone)]
enum Step {
    Add {
        quantity: u32,
        marketplace: bool,
        allow_oversell: bool,
    },
    Act {
        order: usize,
        act: Act,
    },
    Inspect {
        order: usize,
        how: Inspect,
    },
}

#[derive(Debug, Clone, Copy)]
enum Inspect {
    /// Scan everything, answer every required check yes.
    Pass,
    /// Find a unit damaged.
    Damaged,
    Override {
        with_reason: bool,
    },
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        Just(Act::Confirm),
        Just(Act::MarkReady),
        Just(Act::Ship {
            carrier: "AzərPoçt".into(),
            tracking: "RR1".into()
        }),
        Just(Act::Deliver),
        Just(Act::Complete),
        Just(Act::Cancel { reason: "".into() }),
        Just(Act::RequestReturn { reason: "".into() }),
        any::<bool>().prop_map(|restock| Act::ReceiveReturn { restock }),
        Just(Act::Refund),
        Just(Act::Exchange),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (1u32..4, any::<bool>(), any::<bool>()).prop_map(|(quantity, marketplace, allow_oversell)| Step::Add { quantity, marketplace, allow_oversell }),
        3 => (0usize..6, act()).prop_map(|(order, act)| Step::Act { order, act }),
        1 => (0usize..6, prop_oneof![
            2 => Just(Inspect::Pass),
            1 => Just(Inspect::Damaged),
            1 => any::<bool>().prop_map(|with_reason| Inspect::Override { with_reason }),
        ]).prop_map(|(order, how)| Step::Inspect { order, how }),
    ]
}

fn order(n: usize, quantity: u32, marketplace: bool, allow_oversell: bool) -> NewOrder {
    let channel = if marketplace {
        OrderChannel::Marketplace
    } else {
        OrderChannel::Phone
    };
    let mut o = NewOrder::new(channel, &format!("Buyer {n}"), "AZN").with_sku("SKU-1", quantity);
    o.marketplace = marketplace.then(|| "etsy".into());
    o.marketplace_order_id = marketplace.then(|| format!("r{n}"));
    o.allow_oversell = allow_oversell;
    o
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

struct Model {
    shelf: i64,
    /// Per order: id, status, quantity wanted, quantity the sale took.
    orders: Vec<(i32, OrderStatus, i64, i64)>,
    /// Per order: how its latest inspection ended (open when none).
    runs: Vec<Outcome>,
}

fn packable(s: OrderStatus) -> bool {
    matches!(
        s,
        OrderStatus::New | OrderStatus::Confirmed | OrderStatus::ReadyToShip
    )
}

/// What the store says to an inspection step, as the model expects it: Ok(outcome settled).
async fn inspect(v: &Vefa, id: i32, how: Inspect, want: i64) -> Result<Outcome, Error> {
    let op = |op| async move { v.inspect(id, &op, None, None).await };
    match how {
        Inspect::Override { with_reason } => {
            let reason = if with_reason {
                "Buyer collects in person"
            } else {
                " "
            };
            let r = op(InspectionOp::Override {
                reason: reason.into(),
            })
            .await?;
            Ok(r.settled.unwrap())
        }
        Inspect::Damaged => {
            let r = op(InspectionOp::Answer {
                key: "not_damaged".into(),
                answer: Answer::No {
                    note: "dented".into(),
                    damaged: vec![Damaged {
                        sku: "SKU-1".into(),
                        quantity: 1,
                    }],
                },
            })
            .await?;
            Ok(r.settled.unwrap())
        }
        Inspect::Pass => {
            if v.inspection(id).await?.outcome == Outcome::Failed {
                op(InspectionOp::Restart).await?;
            }
            let mut last = None;
            for _ in 0..want {
                last = op(InspectionOp::Scan {
                    code: "sku-1".into(),
                })
                .await?
                .settled;
            }
            for key in [
                "not_damaged",
                "accessories_included",
                "packaging_fits",
                "label_matches",
            ] {
                last = op(InspectionOp::Answer {
                    key: key.into(),
                    answer: Answer::Yes,
                })
                .await?
                .settled;
            }
            match last {
                Some(o) => Ok(o),
                None => Ok(op(InspectionOp::Finish).await?.settled.unwrap()),
            }
        }
    }
}

async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let store = common::TestStore::sqlite().await;
    let v = store.open().await;
    let mut l = ListingInput::draft("Cezvə", "AZN");
    l.price.minor = 1_000;
    l.variants = vec![Variant {
        sku: "SKU-1".into(),
        quantity: START,
        ..Default::default()
    }];
    let listing = v.create_listing(&l).await.unwrap().id;
    let mut m = Model {
        shelf: START,
        orders: vec![],
        runs: vec![],
    };
    for (n, s) in steps.into_iter().enumerate() {
        let events_before = scalar(&v, "SELECT COUNT(*) FROM order_event").await;
        let mut refused = false;
        match s {
            Step::Add {
                quantity,
                marketplace,
                allow_oversell,
            } => {
                let want = i64::from(quantity);
                match v
                    .add_order(&order(n, quantity, marketplace, allow_oversell))
                    .await
                {
                    Ok(added) => {
                        prop_assert!(marketplace || allow_oversell || want <= m.shelf);
                        let taken = want.min(m.shelf);
                        m.shelf -= taken;
                        m.orders.push((added.id, OrderStatus::New, want, taken));
                        m.runs.push(Outcome::Open);
                    }
                    Err(Error::Oversell(_)) => {
                        prop_assert!(!marketplace && !allow_oversell && want > m.shelf);
                        refused = true;
                    }
                    Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
                }
            }
            Step::Act { order, act } => {
                let Some(&(id, status, want, taken)) = m.orders.get(order) else {
                    continue;
                };
                let gated = matches!(act, Act::MarkReady | Act::Ship { .. });
                let expected = transition(status, act.action());
                if gated && expected.is_ok() && !m.runs[order].clears_gate() {
                    let got = v.act_on_order(id, &act).await;
                    prop_assert!(
                        matches!(
                            got,
                            Err(Error::Inspection(InspectionError::Required { .. }))
                        ),
                        "{act:?} of an order not inspected: {got:?}"
                    );
                    refused = true;
                } else {
                    match (v.act_on_order(id, &act).await, expected) {
                        (Ok(o), Ok(to)) => {
                            prop_assert_eq!(o.status, to);
                            m.orders[order].1 = to;
                            match act {
                                Act::Cancel { .. } => m.shelf += taken,
                                Act::ReceiveReturn { restock: true } => m.shelf += want,
                                _ => {}
                            }
                        }
                        (Err(Error::Transition(e)), Err(want_e)) => {
                            prop_assert_eq!(e, want_e);
                            refused = true;
                        }
                        (got, want) => {
                            return Err(TestCaseError::fail(format!(
                                "{act:?} on {status}: got {got:?}, the machine says {want:?}"
                            )));
                        }
                    }
                }
            }
            Step::Inspect { order, how } => {
                let Some(&(id, status, want, _)) = m.orders.get(order) else {
                    continue;
                };
                let run = m.runs[order];
                let got = inspect(&v, id, how, want).await;
                match (how, got) {
                    (_, Err(Error::Inspection(InspectionError::NotPackable { .. }))) => {
                        prop_assert!(!packable(status));
                        refused = true;
                    }
                    (Inspect::Override { with_reason: false }, Err(Error::Validation(_))) => {
                        refused = true;
                    }
                    (_, Err(Error::Inspection(InspectionError::Decided { .. }))) => {
                        prop_assert!(run != Outcome::Open, "{how:?} on an open run refused");
                        refused = true;
                    }
                    (Inspect::Override { with_reason: true }, Ok(o)) => {
                        prop_assert!(packable(status) && !run.clears_gate());
                        prop_assert_eq!(o, Outcome::Overridden);
                        m.runs[order] = o;
                    }
                    (Inspect::Damaged, Ok(o)) => {
                        prop_assert!(packable(status) && run == Outcome::Open);
                        prop_assert_eq!(o, Outcome::Failed);
                        m.runs[order] = o;
                        m.shelf -= m.shelf.min(1);
                    }
                    (Inspect::Pass, Ok(o)) => {
                        prop_assert!(packable(status) && !run.clears_gate());
                        prop_assert_eq!(o, Outcome::Passed);
                        m.runs[order] = o;
                        if status == OrderStatus::Confirmed {
                            m.orders[order].1 = OrderStatus::ReadyToShip;
                        }
                    }
                    (how, got) => {
                        return Err(TestCaseError::fail(format!(
                            "{how:?} on {status} with a run {run:?}: got {got:?}"
                        )));
                    }
                }
            }
        }
        // The shelf, the ledger and the model agree; so do the counts and the orders.
        let on_hand = v.listing(listing).await.unwrap().input.variants[0].quantity;
        prop_assert_eq!(on_hand, m.shelf);
        prop_assert!(on_hand >= 0);
        let moved = scalar(&v, "SELECT COALESCE(SUM(delta), 0) FROM stock_movement").await;
        prop_assert_eq!(START + moved, on_hand);
        let counts = v.orders(&OrderQuery::default()).await.unwrap().counts;
        for c in counts {
            let model = m.orders.iter().filter(|o| o.1 == c.status).count() as i64;
            prop_assert_eq!(c.orders, model, "{}", c.status);
        }
        if refused {
            let events_after = scalar(&v, "SELECT COUNT(*) FROM order_event").await;
            prop_assert_eq!(events_before, events_after, "a refused step wrote nothing");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_orders_and_moves_keep_stock_counts_and_timeline_true(
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
