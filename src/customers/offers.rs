//! Personal offers: from what a buyer bought, the active listings they have not bought
//! that share its maker (brand, author), category or tags — the guide's example is 5 % off
//! another book by the author of one they bought — and the offer itself: a coupon for them
//! alone, for one order, with the listing it was made for, and the message in their language.

use crate::error::FieldCode;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::catalog::listings::ListingState;
use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::{
    coupon, customer, listing, listing_variant, order_line, sales_order,
};
use crate::messages::MessageKind;
use crate::messages::outbox::{self, Draft};
use crate::orders::coupons::{self, Coupon, CouponInput, CouponSource, CouponValue};
use crate::orders::{Buyer, OrderStatus, buyers};
use crate::shop::profile::Profile;

/// Most suggestions asked for at once.
pub const MAX_SUGGESTIONS: u32 = 50;
/// The latest listings bought that suggestions are drawn from, and the tags read from them: a
/// buyer of hundreds of things still gets one quick query.
const BASIS_LISTINGS: usize = 50;
const BASIS_TAGS: usize = 100;
/// Candidates read before scoring.
const CANDIDATES: u64 = 2_000;

/// What a suggested listing shares with something the buyer bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Shared {
    /// Brand, author or maker.
    Maker,
    Category,
    Tag,
}

impl Shared {
    /// How much a match counts: the same author says more than the same tag.
    fn weight(self) -> u32 {
        match self {
            Shared::Maker => 5,
            Shared::Category => 2,
            Shared::Tag => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Reason {
    pub shared: Shared,
    pub value: String,
    /// The bought listing it shares it with, by its title.
    pub bought: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Suggestion {
    pub listing_id: i32,
    pub title: String,
    #[specta(type = Option<i32>)]
    pub price_minor: Option<i64>,
    pub currency: String,
    /// The strongest first; at most five.
    pub reasons: Vec<Reason>,
    pub score: u32,
    /// The latest offer already made to this buyer for this listing.
    pub offered: Option<Coupon>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct OfferInput {
    pub customer_id: i32,
    pub listing_id: i32,
    /// Off the order, in basis points: 500 is 5 %.
    pub percent_bp: u32,
    /// How long the code stays valid.
    pub valid_days: u32,
}

/// An offer made: its coupon and the message queued with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Offer {
    pub coupon: Coupon,
    pub message_id: i32,
}

/// Where the message's code goes; filled when the offer is made, so the seller can edit the
/// message before the code exists.
pub const CODE_SLOT: &str = "{code}";

struct Bought {
    id: i32,
    title: String,
    maker: String,
    category: String,
    tags: Vec<String>,
}

fn tags_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// What the buyer bought (orders not cancelled), newest first, as listings.
async fn bought<C: ConnectionTrait>(db: &C, customer_id: i32) -> Result<Vec<Bought>> {
    let orders: Vec<i32> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::Id)
        .filter(sales_order::Column::CustomerId.eq(customer_id))
        .filter(sales_order::Column::Status.ne(OrderStatus::Cancelled.as_str()))
        .order_by_desc(sales_order::Column::PlacedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut ids: Vec<i32> = Vec::new();
    let mut skus: Vec<String> = Vec::new();
    for chunk in orders.chunks(500) {
        let lines: Vec<(i32, Option<i32>, Option<String>)> = order_line::Entity::find()
            .select_only()
            .column(order_line::Column::OrderId)
            .column(order_line::Column::ListingId)
            .column(order_line::Column::Sku)
            .filter(order_line::Column::OrderId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        // Keep the orders' newest-first order.
        let rank: HashMap<i32, usize> = chunk.iter().enumerate().map(|(i, o)| (*o, i)).collect();
        let mut lines = lines;
        lines.sort_by_key(|(o, _, _)| rank.get(o).copied().unwrap_or(usize::MAX));
        for (_, listing_id, sku) in lines {
            match (listing_id, sku) {
                (Some(id), _) => ids.push(id),
                (None, Some(sku)) => skus.push(sku),
                (None, None) => {}
            }
        }
    }
    // A line sold before its listing was linked names it by SKU only.
    if !skus.is_empty() {
        let by_sku: Vec<i32> = listing_variant::Entity::find()
            .select_only()
            .column(listing_variant::Column::ListingId)
            .filter(listing_variant::Column::Sku.is_in(skus))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(by_sku);
    }
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i32, String, String, String, String)> = listing::Entity::find()
            .select_only()
            .column(listing::Column::Id)
            .column(listing::Column::Title)
            .column(listing::Column::Maker)
            .column(listing::Column::Category)
            .column(listing::Column::Tags)
            .filter(listing::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        let mut rows: HashMap<i32, _> = rows.into_iter().map(|r| (r.0, r)).collect();
        for id in chunk {
            if let Some((id, title, maker, category, tags)) = rows.remove(id) {
                out.push(Bought {
                    id,
                    title,
                    maker: maker.trim().to_owned(),
                    category: category.trim().to_owned(),
                    tags: tags_of(&tags),
                });
            }
        }
    }
    Ok(out)
}

/// A LIKE pattern finding `tag` as a whole element of a listing's JSON tag array.
fn tag_pattern(tag: &str) -> String {
    let quoted = serde_json::to_string(tag).unwrap_or_default();
    let mut p = String::with_capacity(quoted.len() + 4);
    p.push('%');
    for c in quoted.chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Listings to offer a buyer, best first.
pub async fn suggest<C: ConnectionTrait>(
    db: &C,
    customer_id: i32,
    limit: u32,
) -> Result<Vec<Suggestion>> {
    let buyer = crate::customers::live(db, customer_id).await?;
    let bought = bought(db, buyer.id).await?;
    if bought.is_empty() {
        return Ok(vec![]);
    }
    let basis = &bought[..bought.len().min(BASIS_LISTINGS)];
    let makers: HashSet<&str> = basis
        .iter()
        .map(|b| b.maker.as_str())
        .filter(|m| !m.is_empty())
        .collect();
    let categories: HashSet<&str> = basis
        .iter()
        .map(|b| b.category.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let mut tags: Vec<&str> = Vec::new();
    for b in basis {
        for t in &b.tags {
            if tags.len() < BASIS_TAGS && !t.trim().is_empty() && !tags.contains(&t.as_str()) {
                tags.push(t);
            }
        }
    }
    let mut any = Condition::any();
    if !makers.is_empty() {
        any = any.add(listing::Column::Maker.is_in(makers.iter().copied()));
    }
    if !categories.is_empty() {
        any = any.add(listing::Column::Category.is_in(categories.iter().copied()));
    }
    for t in &tags {
        any = any
            .add(Expr::col(listing::Column::Tags).like(LikeExpr::new(tag_pattern(t)).escape('!')));
    }
    if any.is_empty() {
        return Ok(vec![]);
    }
    let owned: Vec<i32> = bought.iter().map(|b| b.id).collect();
    let candidates = listing::Entity::find()
        .filter(listing::Column::State.eq(ListingState::Active.as_str()))
        .filter(listing::Column::ArchivedAt.is_null())
        .filter(any)
        .order_by_desc(listing::Column::UpdatedAt)
        .limit(CANDIDATES)
        .all(db)
        .await?;
    let owned: HashSet<i32> = owned.into_iter().collect();
    let mut out: Vec<(Suggestion, i32)> = Vec::new();
    for l in candidates {
        if owned.contains(&l.id) {
            continue;
        }
        let reasons = reasons(&l, basis);
        if reasons.is_empty() {
            continue;
        }
        // A maker or category counts once however many bought listings share it; tags count
        // each, up to three.
        let mut seen = HashSet::new();
        let mut tags_counted = 0;
        let mut score = 0;
        for r in &reasons {
            if !seen.insert((r.shared, r.value.clone())) {
                continue;
            }
            if r.shared == Shared::Tag {
                tags_counted += 1;
                if tags_counted > 3 {
                    continue;
                }
            }
            score += r.shared.weight();
        }
        let mut shown: Vec<Reason> = Vec::new();
        for r in reasons {
            if shown.len() < 5
                && !shown
                    .iter()
                    .any(|s| s.shared == r.shared && s.value == r.value)
            {
                shown.push(r);
            }
        }
        out.push((
            Suggestion {
                listing_id: l.id,
                title: l.title,
                price_minor: l.price_minor,
                currency: l.currency,
                reasons: shown,
                score,
                offered: None,
            },
            l.rating_x100.unwrap_or(0),
        ));
    }
    out.sort_by(|(a, ra), (b, rb)| {
        b.score
            .cmp(&a.score)
            .then(rb.cmp(ra))
            .then(b.listing_id.cmp(&a.listing_id))
    });
    out.truncate(limit.clamp(1, MAX_SUGGESTIONS) as usize);
    let mut out: Vec<Suggestion> = out.into_iter().map(|(s, _)| s).collect();
    let ids: Vec<i32> = out.iter().map(|s| s.listing_id).collect();
    let made = coupon::Entity::find()
        .filter(coupon::Column::CustomerId.eq(buyer.id))
        .filter(coupon::Column::Source.eq(CouponSource::Offer.as_str()))
        .filter(coupon::Column::ListingId.is_in(ids))
        .order_by_asc(coupon::Column::CreatedAt)
        .all(db)
        .await?;
    for c in made {
        if let Some(s) = out.iter_mut().find(|s| Some(s.listing_id) == c.listing_id) {
            s.offered = Some(coupons::view(c)?);
        }
    }
    Ok(out)
}

/// What `l` shares with the bought listings, strongest first (then the latest bought first).
fn reasons(l: &listing::Model, basis: &[Bought]) -> Vec<Reason> {
    let fold = buyers::fold;
    let maker = fold(l.maker.trim());
    let category = l.category.trim();
    let tags: Vec<String> = tags_of(&l.tags).iter().map(|t| fold(t.trim())).collect();
    let mut out = Vec::new();
    for b in basis {
        if !maker.is_empty() && fold(&b.maker) == maker {
            out.push(Reason {
                shared: Shared::Maker,
                value: l.maker.trim().to_owned(),
                bought: b.title.clone(),
            });
        }
        if !category.is_empty() && b.category == category {
            out.push(Reason {
                shared: Shared::Category,
                value: category.to_owned(),
                bought: b.title.clone(),
            });
        }
        for t in &b.tags {
            if !t.trim().is_empty() && tags.contains(&fold(t.trim())) {
                out.push(Reason {
                    shared: Shared::Tag,
                    value: t.trim().to_owned(),
                    bought: b.title.clone(),
                });
            }
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.shared.weight()));
    out
}

async fn listing_row<C: ConnectionTrait>(db: &C, id: i32) -> Result<listing::Model> {
    listing::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "listing",
            id: id.to_string(),
        })
}

fn check(input: &OfferInput) -> Result<()> {
    let mut e = Vec::new();
    if !(1..=10_000).contains(&input.percent_bp) {
        e.push(
            FieldError::new("percent_bp", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", 10_000),
        );
    }
    if !(1..=365).contains(&input.valid_days) {
        e.push(
            FieldError::new("valid_days", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", 365),
        );
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(e))
    }
}

/// "5%", "7.5%".
pub fn percent_text(bp: u32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => format!("{whole}%"),
        r if r % 10 == 0 => format!("{whole}.{}%", r / 10),
        r => format!("{whole}.{r:02}%"),
    }
}

/// The offer's message as it would go, with [`CODE_SLOT`] where the code will be.
pub async fn draft<C: ConnectionTrait>(
    db: &C,
    input: &OfferInput,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Draft> {
    check(input)?;
    let (buyer, l) = subject(db, input).await?;
    compose(db, &buyer, &l, input, profile, now).await
}

/// The buyer (not merged away) and the listing an offer is about.
async fn subject<C: ConnectionTrait>(
    db: &C,
    input: &OfferInput,
) -> Result<(customer::Model, listing::Model)> {
    let buyer = crate::customers::live(db, input.customer_id).await?;
    let l = listing_row(db, input.listing_id).await?;
    Ok((buyer, l))
}

async fn compose<C: ConnectionTrait>(
    db: &C,
    buyer: &customer::Model,
    l: &listing::Model,
    input: &OfferInput,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Draft> {
    let basis = bought(db, buyer.id).await?;
    // The bought listing the offer is "because of": the strongest match, else the latest buy.
    let because = reasons(l, &basis)
        .into_iter()
        .next()
        .map(|r| r.bought)
        .or_else(|| basis.first().map(|b| b.title.clone()))
        .unwrap_or_default();
    let who: Buyer = buyers::view(buyer);
    let mut vars: BTreeMap<&str, String> = outbox::seller_vars(&who, profile);
    vars.insert("listing", l.title.clone());
    vars.insert("bought", because);
    vars.insert("discount", percent_text(input.percent_bp));
    vars.insert("expires", expiry(input, now).format("%Y-%m-%d").to_string());
    Ok(outbox::draft_to(
        &who,
        profile,
        MessageKind::PersonalOffer,
        &vars,
    ))
}

fn expiry(input: &OfferInput, now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(i64::from(input.valid_days))
}

/// Makes the offer: the coupon (for this buyer, one use, until the expiry) and its message —
/// the seller's edited draft or the default one — with the code in place of [`CODE_SLOT`],
/// queued in the caller's transaction.
pub async fn make<C: ConnectionTrait>(
    db: &C,
    input: &OfferInput,
    message: Option<&Draft>,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Offer> {
    check(input)?;
    let (buyer, l) = subject(db, input).await?;
    let message = match message {
        Some(m) => m.clone(),
        None => compose(db, &buyer, &l, input, profile, now).await?,
    };
    if !message.body.contains(CODE_SLOT) {
        return Err(Error::Validation(vec![
            FieldError::new("message.body", FieldCode::PlaceholderMissing).with("name", CODE_SLOT),
        ]));
    }
    let coupon = coupons::create_for(
        db,
        &CouponInput {
            value: CouponValue::Percent {
                percent_bp: input.percent_bp,
            },
            customer_id: Some(buyer.id),
            max_uses: Some(1),
            expires_at: Some(expiry(input, now)),
            note: l.title.chars().take(480).collect(),
        },
        CouponSource::Offer,
        Some(l.id),
        now,
    )
    .await?;
    let filled = Draft {
        subject: message.subject.replace(CODE_SLOT, &coupon.code),
        body: message.body.replace(CODE_SLOT, &coupon.code),
        ..message
    };
    let filled = outbox::check(&filled).map_err(Error::Validation)?;
    let message_id = outbox::queue(db, None, buyer.id, &filled, now).await?;
    Ok(Offer { coupon, message_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_as_people_write_them() {
        assert_eq!(percent_text(500), "5%");
        assert_eq!(percent_text(750), "7.5%");
        assert_eq!(percent_text(1_025), "10.25%");
        assert_eq!(percent_text(10_000), "100%");
    }

    #[test]
    fn a_tag_pattern_matches_the_whole_tag_and_escapes_wildcards() {
        assert_eq!(tag_pattern("wool"), "%\"wool\"%");
        assert_eq!(tag_pattern("50%_off!"), "%\"50!%!_off!!\"%");
        assert_eq!(tag_pattern("say \"hi\""), "%\"say \\\"hi\\\"\"%");
    }
}
