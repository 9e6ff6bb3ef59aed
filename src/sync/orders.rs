//! Bringing one marketplace order home, inside the pull's transaction: a new one is added (its
//! buyer found or created, its stock taken); a known one follows what the marketplace did to it
//! (cancelled, shipped, a new ship-by date). Applying the same order twice changes nothing.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::RemoteOrder;
use crate::error::{Error, Result};
use crate::orders::store::{self as order_store, Ctx};
use crate::orders::{Act, OrderStatus};
use crate::store::entity::sales_order;

/// What applying a remote order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Created(i32),
    Updated(i32),
    Unchanged(i32),
    /// The marketplace's order cannot be taken; nothing of it was written.
    Refused(String),
}

/// Listings rescored because stock ran out or came back, for the catalog index.
pub type Rescored = Vec<i32>;

pub async fn apply<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    marketplace: &str,
    remote: &RemoteOrder,
    language: &str,
) -> Result<(Applied, Rescored)> {
    let existing = sales_order::Entity::find()
        .filter(sales_order::Column::Marketplace.eq(marketplace))
        .filter(sales_order::Column::MarketplaceOrderId.eq(remote.id.as_str()))
        .one(db)
        .await?;
    let mut rescored = Vec::new();
    let Some(row) = existing else {
        let mut order = match &remote.order {
            Ok(o) => o.clone(),
            Err(why) => return Ok((Applied::Refused(why.clone()), rescored)),
        };
        order.marketplace = Some(marketplace.to_owned());
        let added = match order_store::add(db, ctx, &order, language).await {
            Ok(a) => a,
            // An order the marketplace sent that fails Vefa's checks is reported, not stored
            // half-way.
            Err(Error::Validation(fields)) => {
                let what: Vec<String> = fields.iter().map(|f| f.english()).collect();
                return Ok((
                    Applied::Refused(format!("order {}: {}", remote.id, what.join("; "))),
                    rescored,
                ));
            }
            Err(e) => return Err(e),
        };
        rescored.extend(added.rescored);
        // Most new orders are simply new; one already shipped or cancelled catches up.
        if remote.shipped.is_some() || remote.cancelled {
            follow(db, ctx, added.id, OrderStatus::New, remote, &mut rescored).await?;
        }
        return Ok((Applied::Created(added.id), rescored));
    };
    let id = row.id;
    let status = OrderStatus::parse(&row.status)
        .ok_or_else(|| Error::Corrupt(format!("order {id} status")))?;
    let mut changed = follow(db, ctx, id, status, remote, &mut rescored).await?;
    if let Ok(o) = &remote.order
        && o.ship_by.is_some()
        && row.ship_by != o.ship_by
    {
        // Etsy does not move a receipt's update time for this; the periodic re-read of open
        // receipts brings it.
        sales_order::ActiveModel {
            id: Set(id),
            ship_by: Set(o.ship_by),
            updated_at: Set(ctx.now),
            ..Default::default()
        }
        .update(db)
        .await?;
        changed = true;
    }
    let applied = if changed {
        Applied::Updated(id)
    } else {
        Applied::Unchanged(id)
    };
    Ok((applied, rescored))
}

/// Moves the local order to where the marketplace says it is, through the status machine's own
/// steps, when that is forward; a local order already further along is left as it is.
async fn follow<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    id: i32,
    mut status: OrderStatus,
    remote: &RemoteOrder,
    rescored: &mut Rescored,
) -> Result<bool> {
    let mut moved = false;
    if remote.cancelled && status.before_dispatch() {
        let m = order_store::act(
            db,
            ctx,
            id,
            &Act::Cancel {
                reason: "Cancelled on the marketplace".into(),
            },
        )
        .await?;
        rescored.extend(m.rescored);
        return Ok(true);
    }
    if let Some((carrier, tracking)) = &remote.shipped {
        while status.before_dispatch() {
            let act = match status {
                OrderStatus::New => Act::Confirm,
                OrderStatus::Confirmed => Act::MarkReady,
                _ => Act::Ship {
                    carrier: if carrier.trim().is_empty() {
                        "—".into()
                    } else {
                        carrier.clone()
                    },
                    tracking: if tracking.trim().is_empty() {
                        "—".into()
                    } else {
                        tracking.clone()
                    },
                },
            };
            let m = order_store::act(db, ctx, id, &act).await?;
            rescored.extend(m.rescored);
            status = m.to;
            moved = true;
        }
    }
    Ok(moved)
}
