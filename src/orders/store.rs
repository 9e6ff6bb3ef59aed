//! Orders in the store. Every operation runs in the caller's transaction and writes the
//! order, its timeline entry, the status counts and any stock movement together.

use crate::error::FieldCode;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::buyers;
use super::error::Shortage;
use super::input::{self, CheckedBuyer, CheckedOrder, MAX_NOTE_CHARS, MAX_SHIPMENT_CHARS};
use super::model::{
    Act, Address, Event, EventKind, Line, NewOrder, Order, OrderChannel, Problem, ProblemKind,
};
use super::status::{Action, OrderStatus, transition};
use super::stock::{self, Reason};
use crate::catalog::completeness::RuleSets;
use crate::catalog::listings::refresh_stock;
use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::{
    customer, listing, listing_variant, order_event, order_line, order_problem, order_status_count,
    sales_order,
};

/// Who acts and when, for the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub now: DateTime<Utc>,
    pub rules: &'a RuleSets,
}

/// What adding an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: i32,
    /// False when the marketplace order was already stored: nothing was written.
    pub created: bool,
    /// Lines sold beyond the shelf (accepted: a marketplace order, or the seller's consent).
    pub shortages: Vec<Shortage>,
    /// Listings whose score changed because their stock ran out or came back.
    pub rescored: Vec<i32>,
}

/// What a move did besides the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub rescored: Vec<i32>,
    /// Listings whose stock came back (a cancellation before dispatch, a restocked return).
    pub restocked: Vec<i32>,
    /// SKUs whose stock could not go back because they no longer exist.
    pub not_restocked: Vec<String>,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn corrupt(what: &str, id: i32) -> Error {
    Error::Corrupt(format!("order {id} {what}"))
}

fn not_found(id: i32) -> Error {
    Error::NotFound {
        what: "order",
        id: id.to_string(),
    }
}

/// A line with its listing found and its price settled.
struct Priced {
    listing_id: Option<i32>,
    sku: Option<String>,
    title: String,
    quantity: i32,
    unit_price_minor: i64,
}

/// What pricing a line needs of the listing that holds its SKU.
struct Listed {
    listing_id: i32,
    currency: String,
    title: String,
    price_minor: Option<i64>,
    price_override_minor: Option<i64>,
}

/// The catalog's SKUs named by some orders, read in two queries however many lines ask.
struct SkuBook(HashMap<String, Listed>);

impl SkuBook {
    async fn read<C: ConnectionTrait>(db: &C, skus: Vec<&str>) -> Result<Self> {
        let mut book = HashMap::new();
        let mut skus: Vec<&str> = skus;
        skus.sort_unstable();
        skus.dedup();
        // Kept well under SQLite's and PostgreSQL's limits on bound values.
        for chunk in skus.chunks(500) {
            let variants = listing_variant::Entity::find()
                .filter(listing_variant::Column::Sku.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            let ids: Vec<i32> = variants.iter().map(|v| v.listing_id).collect();
            let listings: HashMap<i32, (String, String, Option<i64>)> = listing::Entity::find()
                .select_only()
                .column(listing::Column::Id)
                .column(listing::Column::Currency)
                .column(listing::Column::Title)
                .column(listing::Column::PriceMinor)
                .filter(listing::Column::Id.is_in(ids))
                .into_tuple::<(i32, String, String, Option<i64>)>()
                .all(db)
                .await?
                .into_iter()
                .map(|(id, c, t, p)| (id, (c, t, p)))
                .collect();
            for v in variants {
                if let (Some(sku), Some((currency, title, price_minor))) =
                    (v.sku, listings.get(&v.listing_id))
                {
                    book.insert(
                        sku,
                        Listed {
                            listing_id: v.listing_id,
                            currency: currency.clone(),
                            title: title.clone(),
                            price_minor: *price_minor,
                            price_override_minor: v.price_override_minor,
                        },
                    );
                }
            }
        }
        Ok(Self(book))
    }

    /// Each line's listing (by SKU), with title and price taken from it where the line has none.
    fn price(&self, order: &CheckedOrder) -> Result<Vec<Priced>, Vec<FieldError>> {
        let mut errors = Errors::default();
        let mut out = Vec::with_capacity(order.lines.len());
        for (i, l) in order.lines.iter().enumerate() {
            let Some(sku) = &l.sku else {
                out.push(Priced {
                    listing_id: None,
                    sku: None,
                    title: l.title.clone().unwrap_or_default(),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor.unwrap_or(0),
                });
                continue;
            };
            let Some(listed) = self.0.get(sku) else {
                // The buyer of a marketplace order has paid for an item the catalog does not
                // hold (yet): the line keeps its SKU, title and price, and moves no stock.
                if order.channel == OrderChannel::Marketplace
                    && let Some(unit_price_minor) = l.unit_price_minor
                {
                    out.push(Priced {
                        listing_id: None,
                        sku: Some(sku.clone()),
                        title: l.title.clone().unwrap_or_else(|| sku.clone()),
                        quantity: l.quantity,
                        unit_price_minor,
                    });
                    continue;
                }
                errors.push(
                    FieldError::new(&format!("lines[{i}].sku"), FieldCode::SkuUnknown)
                        .with("value", sku),
                );
                continue;
            };
            let price = match l.unit_price_minor {
                Some(p) => Some(p),
                None if listed.currency != order.currency => {
                    errors.push(
                        FieldError::new(
                            &format!("lines[{i}].unit_price"),
                            FieldCode::CurrencyMismatch,
                        )
                        .with("listing", &listed.currency)
                        .with("order", &order.currency),
                    );
                    None
                }
                None => listed.price_override_minor.or(listed.price_minor),
            };
            let Some(unit_price_minor) = price else {
                if l.unit_price_minor.is_none() && listed.currency == order.currency {
                    errors.push(FieldError::new(
                        &format!("lines[{i}].unit_price"),
                        FieldCode::Required,
                    ));
                }
                continue;
            };
            out.push(Priced {
                listing_id: Some(listed.listing_id),
                sku: Some(sku.clone()),
                title: l.title.clone().unwrap_or_else(|| listed.title.clone()),
                quantity: l.quantity,
                unit_price_minor,
            });
        }
        errors.finish(out)
    }
}

fn skus_of(order: &CheckedOrder) -> impl Iterator<Item = &str> {
    order.lines.iter().filter_map(|l| l.sku.as_deref())
}

/// An order checked and priced, ready to be written.
struct Ready {
    order: CheckedOrder,
    lines: Vec<Priced>,
    subtotal: i64,
    total: i64,
}

fn ready(book: &SkuBook, order: CheckedOrder) -> Result<Ready, Vec<FieldError>> {
    let lines = book.price(&order)?;
    let prices: Vec<i64> = lines.iter().map(|l| l.unit_price_minor).collect();
    let (subtotal, total) = input::totals(&order, &prices)?;
    Ok(Ready {
        order,
        lines,
        subtotal,
        total,
    })
}

fn order_row(ctx: Ctx<'_>, r: &Ready, customer_id: i32) -> sales_order::ActiveModel {
    let order = &r.order;
    sales_order::ActiveModel {
        channel: Set(order.channel.as_str().to_owned()),
        marketplace: Set(order.marketplace.clone()),
        marketplace_order_id: Set(order.marketplace_order_id.clone()),
        customer_id: Set(customer_id),
        status: Set(OrderStatus::New.as_str().to_owned()),
        currency: Set(order.currency.clone()),
        subtotal_minor: Set(r.subtotal),
        shipping_minor: Set(order.shipping_minor),
        vat_minor: Set(order.vat_minor),
        discount_minor: Set(order.discount_minor),
        coupon_code: Set(order.coupon_code.clone()),
        total_minor: Set(r.total),
        address: Set(json(&order.address)),
        buyer_note: Set(order.note.clone()),
        placed_at: Set(order.placed_at),
        ship_by: Set(order.ship_by),
        confirmed_at: Set(None),
        carrier: Set(None),
        tracking: Set(None),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
}

fn line_rows(id: i32, lines: &[Priced]) -> impl Iterator<Item = order_line::ActiveModel> + '_ {
    lines
        .iter()
        .enumerate()
        .map(move |(pos, l)| order_line::ActiveModel {
            order_id: Set(id),
            position: Set(pos as i32),
            listing_id: Set(l.listing_id),
            sku: Set(l.sku.clone()),
            title: Set(l.title.clone()),
            quantity: Set(l.quantity),
            unit_price_minor: Set(l.unit_price_minor),
            ..Default::default()
        })
}

fn event_row(
    ctx: Ctx<'_>,
    order_id: i32,
    kind: EventKind,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
    detail: &BTreeMap<String, String>,
) -> order_event::ActiveModel {
    order_event::ActiveModel {
        order_id: Set(order_id),
        at: Set(ctx.now),
        actor: Set(ctx.actor.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        status_from: Set(from.map(|s| s.as_str().to_owned())),
        status_to: Set(to.map(|s| s.as_str().to_owned())),
        detail: Set(json(detail)),
        ..Default::default()
    }
}

fn created_event(ctx: Ctx<'_>, id: i32, channel: OrderChannel) -> order_event::ActiveModel {
    let mut detail = BTreeMap::new();
    detail.insert("channel".to_owned(), channel.as_str().to_owned());
    event_row(
        ctx,
        id,
        EventKind::Created,
        None,
        Some(OrderStatus::New),
        &detail,
    )
}

/// Takes the stock of a new order's catalog lines; what is short is noted on the timeline and
/// opens one out-of-stock problem. Returns the listings touched.
async fn take_stock<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    id: i32,
    lines: &[Priced],
) -> Result<Vec<i32>> {
    let mut touched = Vec::new();
    let mut short_skus = Vec::new();
    for (pos, l) in lines.iter().enumerate() {
        let (Some(sku), Some(_)) = (&l.sku, l.listing_id) else {
            continue;
        };
        let want = i64::from(l.quantity);
        let taken = stock::take(db, id, pos as i32, sku, want, ctx.now).await?;
        touched.extend(l.listing_id);
        if taken < want {
            let mut d = BTreeMap::new();
            d.insert("sku".to_owned(), sku.clone());
            d.insert("short".to_owned(), (want - taken).to_string());
            event(db, ctx, id, EventKind::Oversold, None, None, d).await?;
            short_skus.push(format!("{sku} ×{}", want - taken));
        }
    }
    if !short_skus.is_empty() {
        open_problem(db, ctx, id, ProblemKind::OutOfStock, &short_skus.join(", ")).await?;
    }
    Ok(touched)
}

/// Adds an order: finds or creates its buyer, takes its stock, opens the timeline. A hand-entered
/// order that sells beyond the shelf is refused with [`Error::Oversell`] unless the seller allowed
/// it; a marketplace order is always taken (the buyer has paid) with an out-of-stock problem.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    input: &NewOrder,
    shop_language: &str,
) -> Result<Added> {
    let order = input::check(input, ctx.now).map_err(Error::Validation)?;
    if let (Some(m), Some(mid)) = (&order.marketplace, &order.marketplace_order_id)
        && let Some(existing) = sales_order::Entity::find()
            .filter(sales_order::Column::Marketplace.eq(m.as_str()))
            .filter(sales_order::Column::MarketplaceOrderId.eq(mid.as_str()))
            .one(db)
            .await?
    {
        return Ok(Added {
            id: existing.id,
            created: false,
            shortages: vec![],
            rescored: vec![],
        });
    }
    let book = SkuBook::read(db, skus_of(&order).collect()).await?;
    let r = ready(&book, order).map_err(Error::Validation)?;

    let wanted: Vec<(usize, &str, i64)> = r
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.listing_id.is_some())
        .filter_map(|(i, l)| l.sku.as_deref().map(|s| (i, s, i64::from(l.quantity))))
        .collect();
    let shortages = stock::shortages(db, &wanted).await?;
    if !shortages.is_empty()
        && r.order.channel != OrderChannel::Marketplace
        && !r.order.allow_oversell
    {
        return Err(Error::Oversell(shortages));
    }

    let buyer = buyers::find_or_create(
        db,
        &r.order.buyer,
        r.order.marketplace.as_deref(),
        shop_language,
        ctx.now,
    )
    .await?;
    let id = order_row(ctx, &r, buyer.id).insert(db).await?.id;
    order_line::Entity::insert_many(line_rows(id, &r.lines))
        .exec_without_returning(db)
        .await?;
    created_event(ctx, id, r.order.channel).insert(db).await?;
    bump(db, OrderStatus::New, 1).await?;

    let mut touched = take_stock(db, ctx, id, &r.lines).await?;
    if let Some(code) = &r.order.coupon_code {
        use_coupon(db, ctx, id, code).await?;
    }
    touched.sort_unstable();
    touched.dedup();
    let rescored = refresh_stock(db, ctx.rules, &touched, ctx.now).await?;
    if r.order.channel != OrderChannel::Marketplace {
        // A marketplace took its own sale off its stock; any other sale, it has to hear of.
        crate::sync::listings::queue_needed(db, ctx.rules, &touched, ctx.now).await?;
    }
    Ok(Added {
        id,
        created: true,
        shortages,
        rescored,
    })
}

/// What adding a page of marketplace orders did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageAdded {
    /// The index of each order added in the page, and its id.
    pub added: Vec<(usize, i32)>,
    /// The index of each order that could not be taken, and why; nothing of it was written.
    pub refused: Vec<(usize, Vec<FieldError>)>,
    pub rescored: Vec<i32>,
}

/// Adds a page of orders from `marketplace` (each with that marketplace and a distinct id) that
/// are not in the store yet, as [`add`] would
/// one by one, in a handful of statements: the SKUs are read at once, a buyer who appears twice
/// is looked up once, and orders, lines and timelines go in as multi-row inserts. (A pull of
/// thousands of orders spends its time on statements, not on the orders.)
pub async fn add_marketplace_page<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    marketplace: &str,
    inputs: &[NewOrder],
    shop_language: &str,
) -> Result<PageAdded> {
    let mut out = PageAdded::default();
    let mut checked = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        match input::check(input, ctx.now) {
            Ok(o) => checked.push((i, o)),
            Err(e) => out.refused.push((i, e)),
        }
    }
    let book = SkuBook::read(db, checked.iter().flat_map(|(_, o)| skus_of(o)).collect()).await?;
    let mut ready_ones = Vec::with_capacity(checked.len());
    for (i, o) in checked {
        match ready(&book, o) {
            Ok(r) => ready_ones.push((i, r)),
            Err(e) => out.refused.push((i, e)),
        }
    }
    if ready_ones.is_empty() {
        return Ok(out);
    }
    let mut buyers: Vec<(CheckedBuyer, i32)> = Vec::new();
    let mut rows = Vec::with_capacity(ready_ones.len());
    for (_, r) in &ready_ones {
        let known = buyers
            .iter()
            .find(|(b, _)| *b == r.order.buyer)
            .map(|(_, id)| *id);
        let buyer = match known {
            Some(id) => id,
            None => {
                let c = buyers::find_or_create(
                    db,
                    &r.order.buyer,
                    Some(marketplace),
                    shop_language,
                    ctx.now,
                )
                .await?;
                buyers.push((r.order.buyer.clone(), c.id));
                c.id
            }
        };
        rows.push(order_row(ctx, r, buyer));
    }
    let ids: Vec<String> = ready_ones
        .iter()
        .filter_map(|(_, r)| r.order.marketplace_order_id.clone())
        .collect();
    for chunk in rows.chunks(200) {
        sales_order::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let stored: HashMap<String, i32> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::MarketplaceOrderId)
        .column(sales_order::Column::Id)
        .filter(sales_order::Column::Marketplace.eq(marketplace))
        .filter(sales_order::Column::MarketplaceOrderId.is_in(ids))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut lines = Vec::new();
    let mut events = Vec::with_capacity(ready_ones.len());
    for (i, r) in &ready_ones {
        let id = r
            .order
            .marketplace_order_id
            .as_ref()
            .and_then(|m| stored.get(m))
            .copied()
            .ok_or_else(|| {
                Error::Corrupt(format!(
                    "marketplace order {:?} was not stored",
                    r.order.marketplace_order_id
                ))
            })?;
        out.added.push((*i, id));
        lines.extend(line_rows(id, &r.lines));
        events.push(created_event(ctx, id, r.order.channel));
    }
    for chunk in lines.chunks(500) {
        order_line::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in events.chunks(500) {
        order_event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    bump(db, OrderStatus::New, ready_ones.len() as i64).await?;
    let mut touched = Vec::new();
    for ((_, id), (_, r)) in out.added.iter().zip(&ready_ones) {
        touched.extend(take_stock(db, ctx, *id, &r.lines).await?);
        if let Some(code) = &r.order.coupon_code {
            use_coupon(db, ctx, *id, code).await?;
        }
    }
    touched.sort_unstable();
    touched.dedup();
    out.rescored = refresh_stock(db, ctx.rules, &touched, ctx.now).await?;
    Ok(out)
}

/// Records the use of the coupon an order arrived with. A code the shop does not know, or one
/// expired, used up or another buyer's, does not refuse the order (the buyer has paid): the
/// timeline says why it was not counted.
async fn use_coupon<C: ConnectionTrait>(db: &C, ctx: Ctx<'_>, id: i32, code: &str) -> Result<()> {
    let mut d = BTreeMap::new();
    d.insert("coupon".to_owned(), code.to_owned());
    match super::coupons::redeem(db, code, Some(id), ctx.now).await? {
        Ok(_) => d.insert("text".to_owned(), format!("Coupon {code} used")),
        Err(why) => {
            d.insert("refused".to_owned(), why.as_str().to_owned());
            d.insert(
                "text".to_owned(),
                format!(
                    "Coupon {code} not counted: {}",
                    why.as_str().replace('_', " ")
                ),
            )
        }
    };
    event(db, ctx, id, EventKind::Note, None, None, d).await
}

/// Moves an order: checks the move against the status machine, records it on the timeline, and
/// gives stock back when a cancellation or a restocked return calls for it. What the move means
/// elsewhere (points, the follow-up, the marketplace's stock) is `app::order_flow`'s: only a
/// move to a [`QUIET`](super::status::QUIET) status may be made here without it.
pub async fn act<C: ConnectionTrait>(db: &C, ctx: Ctx<'_>, id: i32, act: &Act) -> Result<Moved> {
    let row = sales_order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| not_found(id))?;
    let from = OrderStatus::parse(&row.status).ok_or_else(|| corrupt("status", id))?;
    let action = act.action();
    let to = transition(from, action)?;

    let mut detail = BTreeMap::new();
    let mut e = Errors::default();
    let mut update = sales_order::ActiveModel {
        id: Set(id),
        status: Set(to.as_str().to_owned()),
        updated_at: Set(ctx.now),
        ..Default::default()
    };
    match act {
        Act::Confirm => update.confirmed_at = Set(Some(ctx.now)),
        Act::Ship { carrier, tracking } => {
            let carrier = e.line("carrier", carrier, MAX_SHIPMENT_CHARS, true);
            let tracking = e.line("tracking", tracking, MAX_SHIPMENT_CHARS, true);
            detail.insert("carrier".to_owned(), carrier.clone());
            detail.insert("tracking".to_owned(), tracking.clone());
            update.carrier = Set(Some(carrier));
            update.tracking = Set(Some(tracking));
        }
        Act::Cancel { reason } | Act::RequestReturn { reason } => {
            let reason = e.text("reason", reason, MAX_NOTE_CHARS, false);
            if !reason.is_empty() {
                detail.insert("reason".to_owned(), reason);
            }
        }
        Act::ReceiveReturn { restock } => {
            detail.insert("restock".to_owned(), restock.to_string());
        }
        Act::MarkReady | Act::Deliver | Act::Complete | Act::Refund | Act::Exchange => {}
    }
    e.finish(()).map_err(Error::Validation)?;

    // Guarded by the status read above: a second desk that moved the order meanwhile makes
    // this move fail as the status machine would, instead of overwriting theirs.
    let res = sales_order::Entity::update_many()
        .set(update)
        .filter(sales_order::Column::Id.eq(id))
        .filter(sales_order::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        let now_status = sales_order::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|r| OrderStatus::parse(&r.status))
            .unwrap_or(from);
        return Err(transition(now_status, action).err().map_or(
            Error::Corrupt(format!("order {id} moved while it was being changed")),
            Error::Transition,
        ));
    }
    bump(db, from, -1).await?;
    bump(db, to, 1).await?;

    let restock = match act {
        Act::Cancel { .. } if from.before_dispatch() => Some(Reason::Cancel),
        Act::ReceiveReturn { restock: true } => Some(Reason::Return),
        _ => None,
    };
    let mut touched = Vec::new();
    let mut not_restocked = Vec::new();
    if let Some(reason) = restock {
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(id))
            .order_by_asc(order_line::Column::Position)
            .all(db)
            .await?;
        for l in lines {
            let Some(sku) = &l.sku else { continue };
            let qty = match reason {
                // What the sale took: an oversold line gives back only what it found.
                Reason::Cancel => stock::taken_by(db, id, l.position).await?,
                _ => i64::from(l.quantity),
            };
            if qty == 0 {
                // Nothing was taken (a line outside the catalog, or oversold to nothing).
                continue;
            }
            match stock::give_back(db, id, l.position, sku, qty, reason, ctx.now).await? {
                Some(listing_id) => touched.push(listing_id),
                None => not_restocked.push(sku.clone()),
            }
        }
        if !not_restocked.is_empty() {
            detail.insert("not_restocked".to_owned(), not_restocked.join(", "));
        }
    }
    event(db, ctx, id, EventKind::Status, Some(from), Some(to), detail).await?;
    touched.sort_unstable();
    touched.dedup();
    let rescored = refresh_stock(db, ctx.rules, &touched, ctx.now).await?;
    Ok(Moved {
        from,
        to,
        rescored,
        restocked: touched,
        not_restocked,
    })
}

impl Act {
    pub fn action(&self) -> Action {
        match self {
            Act::Confirm => Action::Confirm,
            Act::MarkReady => Action::MarkReady,
            Act::Ship { .. } => Action::Ship,
            Act::Deliver => Action::Deliver,
            Act::Complete => Action::Complete,
            Act::Cancel { .. } => Action::Cancel,
            Act::RequestReturn { .. } => Action::RequestReturn,
            Act::ReceiveReturn { .. } => Action::ReceiveReturn,
            Act::Refund => Action::Refund,
            Act::Exchange => Action::Exchange,
        }
    }
}

/// An order's number as the seller and the buyer see it: the marketplace's, or ours.
pub fn shown_number(o: &sales_order::Model) -> String {
    match &o.marketplace_order_id {
        Some(m) => format!("#{m}"),
        None => format!("#{}", o.id),
    }
}

/// The order a seller means by a number as shown ("#1234" or "1234"): the marketplace's number
/// first, then ours.
pub async fn by_number<C: ConnectionTrait>(
    db: &C,
    text: &str,
) -> Result<Option<sales_order::Model>> {
    let n = text.trim().trim_start_matches('#').trim();
    if n.is_empty() {
        return Ok(None);
    }
    if let Some(o) = sales_order::Entity::find()
        .filter(sales_order::Column::MarketplaceOrderId.eq(n))
        .one(db)
        .await?
    {
        return Ok(Some(o));
    }
    match n.parse::<i32>() {
        Ok(id) => Ok(sales_order::Entity::find_by_id(id).one(db).await?),
        Err(_) => Ok(None),
    }
}

/// The buyer an order belongs to.
pub async fn buyer_of<C: ConnectionTrait>(db: &C, id: i32) -> Result<i32> {
    sales_order::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.customer_id)
        .ok_or_else(|| not_found(id))
}

async fn exists<C: ConnectionTrait>(db: &C, id: i32) -> Result<()> {
    sales_order::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| not_found(id))
}

/// Flags a problem on an order; it stays open until resolved explicitly.
pub async fn open_problem<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    id: i32,
    kind: ProblemKind,
    note: &str,
) -> Result<i32> {
    let mut e = Errors::default();
    let note = e.text("note", note, MAX_NOTE_CHARS, kind == ProblemKind::Other);
    e.finish(()).map_err(Error::Validation)?;
    exists(db, id).await?;
    let problem = order_problem::ActiveModel {
        order_id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        note: Set(note.clone()),
        opened_at: Set(ctx.now),
        resolved_at: Set(None),
        resolution: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut d = BTreeMap::new();
    d.insert("problem".to_owned(), problem.id.to_string());
    d.insert("kind".to_owned(), kind.as_str().to_owned());
    if !note.is_empty() {
        d.insert("text".to_owned(), note);
    }
    event(db, ctx, id, EventKind::ProblemOpened, None, None, d).await?;
    Ok(problem.id)
}

pub async fn resolve_problem<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    id: i32,
    problem_id: i32,
    resolution: &str,
) -> Result<()> {
    let mut e = Errors::default();
    let resolution = e.text("resolution", resolution, MAX_NOTE_CHARS, true);
    e.finish(()).map_err(Error::Validation)?;
    let problem = order_problem::Entity::find_by_id(problem_id)
        .filter(order_problem::Column::OrderId.eq(id))
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "problem",
            id: problem_id.to_string(),
        })?;
    let res = order_problem::Entity::update_many()
        .col_expr(order_problem::Column::ResolvedAt, Expr::value(ctx.now))
        .col_expr(
            order_problem::Column::Resolution,
            Expr::value(resolution.clone()),
        )
        .filter(order_problem::Column::Id.eq(problem_id))
        .filter(order_problem::Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::Validation(vec![
            FieldError::new("problem", FieldCode::AlreadyResolved).with("id", problem_id),
        ]));
    }
    let mut d = BTreeMap::new();
    d.insert("problem".to_owned(), problem_id.to_string());
    d.insert("kind".to_owned(), problem.kind);
    d.insert("text".to_owned(), resolution);
    event(db, ctx, id, EventKind::ProblemResolved, None, None, d).await
}

/// A note on the timeline (a call with the buyer, a promise made).
pub async fn add_note<C: ConnectionTrait>(db: &C, ctx: Ctx<'_>, id: i32, text: &str) -> Result<()> {
    let mut e = Errors::default();
    let text = e.text("text", text, MAX_NOTE_CHARS, true);
    e.finish(()).map_err(Error::Validation)?;
    exists(db, id).await?;
    let mut d = BTreeMap::new();
    d.insert("text".to_owned(), text);
    event(db, ctx, id, EventKind::Note, None, None, d).await
}

/// Adds an entry to an order's timeline (another domain's step on the order, an inspection).
pub async fn record_event<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    order_id: i32,
    kind: EventKind,
    detail: BTreeMap<String, String>,
) -> Result<()> {
    event(db, ctx, order_id, kind, None, None, detail).await
}

async fn event<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    order_id: i32,
    kind: EventKind,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
    detail: BTreeMap<String, String>,
) -> Result<()> {
    event_row(ctx, order_id, kind, from, to, &detail)
        .insert(db)
        .await?;
    Ok(())
}

/// Adds `delta` to the count of orders in `status`.
async fn bump<C: ConnectionTrait>(db: &C, status: OrderStatus, delta: i64) -> Result<()> {
    use order_status_count::{Column, Entity};
    Entity::insert(order_status_count::ActiveModel {
        status: Set(status.as_str().to_owned()),
        orders: Set(delta),
    })
    .on_conflict(
        OnConflict::column(Column::Status)
            .value(
                Column::Orders,
                Expr::col((Entity, Column::Orders)).add(delta),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// An order with its buyer, lines, timeline and problems.
pub async fn get<C: ConnectionTrait>(db: &C, id: i32) -> Result<Order> {
    let row = sales_order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| not_found(id))?;
    let buyer = customer::Entity::find_by_id(row.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| corrupt("buyer", id))?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(id))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| Line {
            position: l.position,
            listing_id: l.listing_id,
            sku: l.sku,
            title: l.title,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
        })
        .collect();
    let timeline = order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(id))
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            let status = |s: Option<String>| match s {
                None => Ok(None),
                Some(s) => OrderStatus::parse(&s)
                    .map(Some)
                    .ok_or_else(|| corrupt("timeline status", id)),
            };
            Ok(Event {
                at: e.at,
                actor: e.actor,
                kind: EventKind::parse(&e.kind).ok_or_else(|| corrupt("timeline kind", id))?,
                status_from: status(e.status_from)?,
                status_to: status(e.status_to)?,
                detail: serde_json::from_str(&e.detail)
                    .map_err(|_| corrupt("timeline detail", id))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let problems = order_problem::Entity::find()
        .filter(order_problem::Column::OrderId.eq(id))
        .order_by_asc(order_problem::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            Ok(Problem {
                id: p.id,
                kind: ProblemKind::parse(&p.kind).ok_or_else(|| corrupt("problem kind", id))?,
                note: p.note,
                opened_at: p.opened_at,
                resolved_at: p.resolved_at,
                resolution: p.resolution,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let address: Address =
        serde_json::from_str(&row.address).map_err(|_| corrupt("address", id))?;
    let status = OrderStatus::parse(&row.status).ok_or_else(|| corrupt("status", id))?;
    Ok(Order {
        id,
        channel: OrderChannel::parse(&row.channel).ok_or_else(|| corrupt("channel", id))?,
        marketplace: row.marketplace,
        marketplace_order_id: row.marketplace_order_id,
        status,
        next_steps: status.next_actions(),
        buyer: buyers::view(&buyer),
        lines,
        currency: row.currency,
        subtotal_minor: row.subtotal_minor,
        shipping_minor: row.shipping_minor,
        vat_minor: row.vat_minor,
        discount_minor: row.discount_minor,
        coupon_code: row.coupon_code,
        total_minor: row.total_minor,
        address,
        note: row.buyer_note,
        placed_at: row.placed_at,
        ship_by: row.ship_by,
        confirmed_at: row.confirmed_at,
        carrier: row.carrier,
        tracking: row.tracking,
        timeline,
        problems,
    })
}
