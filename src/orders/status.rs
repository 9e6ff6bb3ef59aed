//! An order's status and the moves between them. Every move the seller (or sync) makes goes
//! through [`transition`]; a move the order cannot make is a typed error, never a silent no-op.
//!
//! ```text
//! new → confirmed → ready_to_ship → shipped → delivered → completed
//!  └──────┴────────────┴→ cancelled              └───────────┴→ return_requested
//! return_requested → return_received → refunded | exchanged
//! ```

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    New,
    Confirmed,
    ReadyToShip,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
    ReturnRequested,
    ReturnReceived,
    Refunded,
    Exchanged,
}

/// Statuses whose reaching means nothing outside the orders (no points, no follow-up, no stock
/// given back): a context below `app/` may move an order there through `orders::store::act`
/// itself — inspection marks a passed parcel ready to ship. Every other move goes through
/// `app::order_flow`, whose tests hold this list to what its consequences act on.
pub const QUIET: &[OrderStatus] = &[OrderStatus::ReadyToShip];

/// What the seller (or the marketplace) does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Confirm,
    MarkReady,
    Ship,
    Deliver,
    Complete,
    Cancel,
    RequestReturn,
    ReceiveReturn,
    Refund,
    Exchange,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 11] = [
        OrderStatus::New,
        OrderStatus::Confirmed,
        OrderStatus::ReadyToShip,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::ReturnRequested,
        OrderStatus::ReturnReceived,
        OrderStatus::Refunded,
        OrderStatus::Exchanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::ReadyToShip => "ready_to_ship",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::ReturnRequested => "return_requested",
            OrderStatus::ReturnReceived => "return_received",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Exchanged => "exchanged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the goods are still on the seller's shelf: cancelling gives their stock back.
    pub fn before_dispatch(self) -> bool {
        matches!(
            self,
            OrderStatus::New | OrderStatus::Confirmed | OrderStatus::ReadyToShip
        )
    }

    /// No move leads out of it.
    pub fn is_final(self) -> bool {
        Action::ALL.iter().all(|&a| transition(self, a).is_err())
    }

    /// The moves that lead out of it, the usual one first (`Action::ALL` lists the forward
    /// path before cancelling and returns): what the order page offers.
    pub fn next_actions(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|&a| transition(self, a).is_ok())
            .collect()
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Confirm,
        Action::MarkReady,
        Action::Ship,
        Action::Deliver,
        Action::Complete,
        Action::Cancel,
        Action::RequestReturn,
        Action::ReceiveReturn,
        Action::Refund,
        Action::Exchange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Confirm => "confirm",
            Action::MarkReady => "mark_ready",
            Action::Ship => "ship",
            Action::Deliver => "deliver",
            Action::Complete => "complete",
            Action::Cancel => "cancel",
            Action::RequestReturn => "request_return",
            Action::ReceiveReturn => "receive_return",
            Action::Refund => "refund",
            Action::Exchange => "exchange",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move the order cannot make from where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from} cannot {action}")]
pub struct TransitionError {
    pub from: OrderStatus,
    pub action: Action,
}

/// Where `action` takes an order that is `from`.
pub fn transition(from: OrderStatus, action: Action) -> Result<OrderStatus, TransitionError> {
    use Action as A;
    use OrderStatus as S;
    Ok(match (from, action) {
        (S::New, A::Confirm) => S::Confirmed,
        (S::Confirmed, A::MarkReady) => S::ReadyToShip,
        (S::ReadyToShip, A::Ship) => S::Shipped,
        (S::Shipped, A::Deliver) => S::Delivered,
        (S::Delivered, A::Complete) => S::Completed,
        (S::New | S::Confirmed | S::ReadyToShip, A::Cancel) => S::Cancelled,
        (S::Delivered | S::Completed, A::RequestReturn) => S::ReturnRequested,
        (S::ReturnRequested, A::ReceiveReturn) => S::ReturnReceived,
        (S::ReturnReceived, A::Refund) => S::Refunded,
        (S::ReturnReceived, A::Exchange) => S::Exchanged,
        _ => return Err(TransitionError { from, action }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_and_the_return_path() {
        let mut s = OrderStatus::New;
        for a in [
            Action::Confirm,
            Action::MarkReady,
            Action::Ship,
            Action::Deliver,
            Action::RequestReturn,
            Action::ReceiveReturn,
            Action::Refund,
        ] {
            s = transition(s, a).unwrap();
        }
        assert_eq!(s, OrderStatus::Refunded);
    }

    #[test]
    fn the_usual_next_step_comes_first() {
        use Action as A;
        use OrderStatus as S;
        assert_eq!(S::New.next_actions(), [A::Confirm, A::Cancel]);
        assert_eq!(S::ReadyToShip.next_actions(), [A::Ship, A::Cancel]);
        assert_eq!(S::Shipped.next_actions(), [A::Deliver]);
        assert_eq!(S::Delivered.next_actions(), [A::Complete, A::RequestReturn]);
        assert_eq!(S::ReturnReceived.next_actions(), [A::Refund, A::Exchange]);
        for s in S::ALL {
            assert_eq!(s.next_actions().is_empty(), s.is_final(), "{s}");
        }
    }

    #[test]
    fn impossible_moves_are_typed_errors() {
        let e = transition(OrderStatus::New, Action::Ship).unwrap_err();
        assert_eq!(
            e,
            TransitionError {
                from: OrderStatus::New,
                action: Action::Ship
            }
        );
        assert_eq!(e.to_string(), "an order that is new cannot ship");
        assert!(
            transition(OrderStatus::Shipped, Action::Cancel).is_err(),
            "a parcel on its way is returned, not cancelled"
        );
        assert!(transition(OrderStatus::Confirmed, Action::Confirm).is_err());
    }

    #[test]
    fn final_states_and_names_round_trip() {
        let finals: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(
            finals,
            [
                OrderStatus::Cancelled,
                OrderStatus::Refunded,
                OrderStatus::Exchanged
            ]
        );
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn action() -> impl Strategy<Value = Action> {
            proptest::sample::select(Action::ALL.to_vec())
        }

        /// Where an order can be, walking the machine from `new`.
        fn reachable() -> Vec<OrderStatus> {
            let mut seen = vec![OrderStatus::New];
            let mut k = 0;
            while k < seen.len() {
                for a in Action::ALL {
                    if let Ok(to) = transition(seen[k], a)
                        && !seen.contains(&to)
                    {
                        seen.push(to);
                    }
                }
                k += 1;
            }
            seen
        }

        #[test]
        fn every_status_is_reachable_and_every_final_one_is_an_end() {
            let r = reachable();
            assert_eq!(r.len(), OrderStatus::ALL.len(), "{r:?}");
        }

        proptest! {
            /// No sequence of moves, allowed or not, reaches an invalid state: a refused move
            /// changes nothing, a parcel that left is never cancelled, a final status is final,
            /// and no move leads back to `new`.
            #[test]
            fn no_sequence_reaches_an_invalid_state(actions in proptest::collection::vec(action(), 0..40)) {
                let mut s = OrderStatus::New;
                let mut dispatched = false;
                for a in actions {
                    match transition(s, a) {
                        Ok(to) => {
                            prop_assert!(!s.is_final(), "{s} is final but {a} moved it to {to}");
                            prop_assert_ne!(to, OrderStatus::New);
                            if to == OrderStatus::Cancelled {
                                prop_assert!(s.before_dispatch() && !dispatched);
                            }
                            if to == OrderStatus::Shipped {
                                dispatched = true;
                            }
                            if matches!(to, OrderStatus::Refunded | OrderStatus::Exchanged) {
                                prop_assert_eq!(s, OrderStatus::ReturnReceived);
                            }
                            s = to;
                        }
                        Err(e) => {
                            prop_assert_eq!(e, TransitionError { from: s, action: a });
                        }
                    }
                    prop_assert!(dispatched != s.before_dispatch() || s == OrderStatus::Cancelled);
                }
            }
        }
    }
}
