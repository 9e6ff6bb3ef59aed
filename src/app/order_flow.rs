//! What happens when an order moves, in one place: the status move itself (the order store),
//! then its consequences in the other contexts, all in the action's transaction — the buyer's
//! points, the follow-up after delivery, and stock given back told to the marketplace. The
//! contexts write disjoint tables, so the order of the steps does not change what is committed.
//!
//! A move made by the seller also passes the inspection gate before it leaves for the courier,
//! and a shipment goes back to the marketplace; a move the marketplace made (sync) does neither.

use sea_orm::ConnectionTrait;

use crate::customers::{followup, loyalty};
use crate::error::Result;
use crate::orders::Act;
#[cfg(test)]
use crate::orders::OrderStatus;
use crate::orders::store::{self as order_store, Ctx, Moved};
use crate::sync::listings::queue_needed;

/// Who moved the order: the seller here, or the marketplace (followed by sync).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    Seller,
    Marketplace,
}

/// Moves order `id` and carries out what the move means elsewhere.
pub(crate) async fn act<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    id: i32,
    act: &Act,
    by: By,
) -> Result<Moved> {
    let moved = order_store::act(db, ctx, id, act).await?;
    if by == By::Seller && matches!(act, Act::MarkReady | Act::Ship { .. }) {
        // Nothing leaves for the courier unchecked: a passed inspection, or the seller's
        // written override. Checked after the move, so a move the order cannot make says so
        // first; the caller's transaction is rolled back either way.
        crate::inspection::store::gate(db, id).await?;
    }
    // Delivered orders earn their buyer points; refunded or cancelled ones give them back.
    loyalty::order_moved(db, id, moved.to, ctx.now).await?;
    followup::order_moved(db, id, moved.to, ctx.now).await?;
    // Stock given back here goes to the marketplace too.
    queue_needed(db, ctx.rules, &moved.restocked, ctx.now).await?;
    if by == By::Seller && matches!(act, Act::Ship { .. }) {
        // A marketplace order's shipment goes back to the marketplace with the move.
        crate::sync::outbox::queue_shipment(db, id, ctx.now).await?;
    }
    Ok(moved)
}

/// Whether reaching `to` has a consequence outside the orders.
#[cfg(test)]
fn has_consequences(to: OrderStatus) -> bool {
    loyalty::moves_points(to) || followup::follows_up(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_statuses_have_no_consequences_elsewhere() {
        for s in crate::orders::status::QUIET {
            assert!(!has_consequences(*s), "{s:?} is quiet but has consequences");
        }
        // And the move to them gives no stock back, so nothing is told to the marketplace.
        assert!(
            crate::orders::status::QUIET
                .iter()
                .all(|s| *s != OrderStatus::Cancelled)
        );
    }

    #[test]
    fn delivery_refund_and_cancellation_have_consequences() {
        for s in [
            OrderStatus::Delivered,
            OrderStatus::Refunded,
            OrderStatus::Cancelled,
        ] {
            assert!(has_consequences(s), "{s:?}");
        }
    }
}
