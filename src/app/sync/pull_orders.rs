//! Bringing a page of marketplace orders home, inside the pull's transaction: new ones are added
//! together (their buyers found or created, their stock taken); known ones follow what the
//! marketplace did to them (cancelled, shipped, a new ship-by date). Applying the same page
//! twice changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::app::order_flow::{self, By};
use crate::error::{Error, Result};
use crate::infra::store::entity::sales_order;
use crate::marketplaces::RemoteOrder;
use crate::orders::store::{self as order_store, Ctx};
use crate::orders::{Act, OrderStatus};

/// What applying a page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageApplied {
    pub created: Vec<i32>,
    pub updated: Vec<i32>,
    /// Orders the marketplace sent that cannot be taken, each with its id and why; nothing of
    /// them was written.
    pub refused: Vec<String>,
    /// Listings rescored because stock ran out or came back, for the catalog index.
    pub rescored: Vec<i32>,
}

impl PageApplied {
    /// The orders created or changed.
    pub fn touched(&self) -> Vec<i32> {
        self.created.iter().chain(&self.updated).copied().collect()
    }
}

pub async fn apply_page<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    marketplace: &str,
    page: &[RemoteOrder],
    language: &str,
) -> Result<PageApplied> {
    let mut out = PageApplied::default();
    // A page that names an order twice (it should not) is read as naming it once.
    let mut seen = HashSet::new();
    let page: Vec<&RemoteOrder> = page.iter().filter(|o| seen.insert(o.id.as_str())).collect();
    let known: HashMap<String, (i32, String, Option<DateTime<Utc>>)> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::MarketplaceOrderId)
        .column(sales_order::Column::Id)
        .column(sales_order::Column::Status)
        .column(sales_order::Column::ShipBy)
        .filter(sales_order::Column::Marketplace.eq(marketplace))
        .filter(sales_order::Column::MarketplaceOrderId.is_in(page.iter().map(|o| o.id.as_str())))
        .into_tuple::<(String, i32, String, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(m, id, status, ship_by)| (m, (id, status, ship_by)))
        .collect();

    let mut fresh = Vec::new();
    let mut fresh_inputs = Vec::new();
    for o in &page {
        if known.contains_key(&o.id) {
            continue;
        }
        match &o.order {
            Ok(input) => {
                let mut input = input.clone();
                input.marketplace = Some(marketplace.to_owned());
                input.marketplace_order_id = Some(o.id.clone());
                fresh.push(*o);
                fresh_inputs.push(input);
            }
            Err(why) => out.refused.push(why.clone()),
        }
    }
    let added =
        order_store::add_marketplace_page(db, ctx, marketplace, &fresh_inputs, language).await?;
    out.rescored.extend(added.rescored);
    for (i, fields) in added.refused {
        let what = crate::error::FieldError::english_all(&fields);
        out.refused.push(format!("order {}: {what}", fresh[i].id));
    }
    for (i, id) in added.added {
        let remote = fresh[i];
        // Most new orders are simply new; one already shipped or cancelled catches up.
        if remote.shipped.is_some() || remote.cancelled {
            follow(db, ctx, id, OrderStatus::New, remote, &mut out.rescored).await?;
        }
        out.created.push(id);
    }

    for o in &page {
        let Some((id, status, ship_by)) = known.get(&o.id) else {
            continue;
        };
        let status = OrderStatus::parse(status)
            .ok_or_else(|| Error::Corrupt(format!("order {id} status")))?;
        if let Some((_, tracking)) = &o.shipped
            && !tracking.is_empty()
        {
            crate::sync::outbox::reconcile_shipment(db, *id, tracking, ctx.now).await?;
        }
        let mut changed = follow(db, ctx, *id, status, o, &mut out.rescored).await?;
        if let Ok(input) = &o.order
            && input.ship_by.is_some()
            && *ship_by != input.ship_by
        {
            // Etsy does not move a receipt's update time for this; the periodic re-read of
            // open receipts brings it.
            sales_order::ActiveModel {
                id: Set(*id),
                ship_by: Set(input.ship_by),
                updated_at: Set(ctx.now),
                ..Default::default()
            }
            .update(db)
            .await?;
            changed = true;
        }
        if changed {
            out.updated.push(*id);
        }
    }
    Ok(out)
}

/// Moves the local order to where the marketplace says it is, through the status machine's own
/// steps, when that is forward; a local order already further along is left as it is.
async fn follow<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    id: i32,
    mut status: OrderStatus,
    remote: &RemoteOrder,
    rescored: &mut Vec<i32>,
) -> Result<bool> {
    if remote.cancelled && status.before_dispatch() {
        let m = order_flow::act(
            db,
            ctx,
            id,
            &Act::Cancel {
                reason: "Cancelled on the marketplace".into(),
            },
            By::Marketplace,
        )
        .await?;
        rescored.extend(m.rescored);
        return Ok(true);
    }
    let mut moved = false;
    if let Some((carrier, tracking)) = &remote.shipped {
        let or_dash = |s: &String| {
            if s.trim().is_empty() {
                "—".to_owned()
            } else {
                s.clone()
            }
        };
        while status.before_dispatch() {
            let act = match status {
                OrderStatus::New => Act::Confirm,
                OrderStatus::Confirmed => Act::MarkReady,
                _ => Act::Ship {
                    carrier: or_dash(carrier),
                    tracking: or_dash(tracking),
                },
            };
            let m = order_flow::act(db, ctx, id, &act, By::Marketplace).await?;
            rescored.extend(m.rescored);
            status = m.to;
            moved = true;
        }
    }
    Ok(moved)
}
