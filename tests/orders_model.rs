//! A model test of orders on a real SQLite store: random sequences of new orders and moves,
//! allowed or not, checked after every step against a plain model — each order's status, the
//! shelf figure, the stock ledger, the kept counts, and that a refused step wrote nothing.

mod common;

use proptest::prelude::*;
use sea_orm::{ConnectionTrait, Statement};
use vefa::listings::{ListingInput, Variant};
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
                let expected = transition(status, act.action());
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
