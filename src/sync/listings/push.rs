//! What a linked listing still owes the marketplace: the edit and the stock to send, queued and
//! moved into the base once sent.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::base::{SyncBase, held_fields, load_base, save_base};
use super::merge::{offers_of, pair};
use crate::catalog::completeness::RuleSets;
use crate::catalog::listings::{self, ListingInput};
use crate::error::{Error, Result};
use crate::infra::store::entity::listing_sync_base;
use crate::sync::outbox;
use crate::sync::remote::{ListingEdit, Offer, StockPushed, SyncedFields};

/// The text fields that differ from the marketplace's and are not held.
pub(super) fn edit_of(
    input: &ListingInput,
    base: &SyncBase,
    held: &HashSet<String>,
) -> ListingEdit {
    let local = SyncedFields::of(input);
    let send = |field: &str| !held.contains(field);
    let b = &base.fields;
    ListingEdit {
        title: (send("title") && local.title != b.title).then_some(local.title),
        description: (send("description") && local.description != b.description)
            .then_some(local.description),
        tags: (send("tags") && local.tags != b.tags).then_some(local.tags),
        materials: (send("materials") && local.materials != b.materials).then_some(local.materials),
    }
}

/// What to send of stock and prices: every variant's offer, and the currency when prices go too
/// (not while the price is in conflict, nor when the listing is priced here in another
/// currency than the marketplace's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockPlan {
    pub want: BTreeMap<String, Offer>,
    pub currency: Option<String>,
}

pub(super) fn stock_plan(
    input: &ListingInput,
    base: &SyncBase,
    held: &HashSet<String>,
) -> StockPlan {
    let currency = (!held.contains("price") && input.price.currency == base.fields.price.currency)
        .then(|| input.price.currency.clone());
    StockPlan {
        want: offers_of(&input.variants, input.price.minor),
        currency,
    }
}

/// Whether the plan would change anything the marketplace has, as last seen.
pub(super) fn stock_differs(plan: &StockPlan, base: &SyncBase) -> bool {
    let Some(have) = &base.offers else {
        return true;
    };
    let want: Vec<&str> = plan.want.keys().map(String::as_str).collect();
    let keys: Vec<&str> = have.keys().map(String::as_str).collect();
    let have: Vec<&Offer> = have.values().collect();
    let offers: Vec<&Offer> = plan.want.values().collect();
    pair(&want, &keys).into_iter().any(|(i, j)| {
        offers[i].quantity != have[j].quantity
            || (plan.currency.is_some() && offers[i].price_minor != have[j].price_minor)
    })
}

/// The outbox kinds listing `input` needs, against `base`.
pub(super) fn pushes_needed(
    input: &ListingInput,
    base: &SyncBase,
    held: &HashSet<String>,
) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    if !edit_of(input, base, held).is_empty() {
        kinds.push(outbox::LISTING);
    }
    if stock_differs(&stock_plan(input, base, held), base) {
        kinds.push(outbox::STOCK);
    }
    kinds
}

/// Queues what each of listings `ids` linked to a marketplace now lacks there, after a local
/// change (an edit, a sale by hand, a restock). Runs in the caller's transaction.
pub async fn queue_needed<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    ids: &[i32],
    now: DateTime<Utc>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let linked: Vec<i32> = listing_sync_base::Entity::find()
        .select_only()
        .column(listing_sync_base::Column::ListingId)
        .filter(listing_sync_base::Column::ListingId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    for id in linked {
        if let Some((input, _, base)) = linked_listing(db, rules, id, now).await? {
            let kinds = pushes_needed(&input, &base, &held_fields(db, id).await?);
            outbox::queue_listings(db, &[id], &kinds, now).await?;
        }
    }
    Ok(())
}

/// The edit to send for listing `id`, with its marketplace id; `None` when nothing is to be
/// sent (it is no longer linked, or agrees with the marketplace).
pub async fn plan_edit<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Option<(String, ListingEdit)>> {
    let Some((input, _, base)) = linked_listing(db, rules, id, now).await? else {
        return Ok(None);
    };
    let edit = edit_of(&input, &base, &held_fields(db, id).await?);
    Ok(input
        .etsy_listing_id
        .filter(|_| !edit.is_empty())
        .map(|remote| (remote, edit)))
}

/// The stock and prices to send for listing `id`, with its marketplace id; `None` when
/// nothing is to be sent.
pub async fn plan_stock<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Option<(String, StockPlan)>> {
    let Some((input, _, base)) = linked_listing(db, rules, id, now).await? else {
        return Ok(None);
    };
    let plan = stock_plan(&input, &base, &held_fields(db, id).await?);
    Ok(input
        .etsy_listing_id
        .filter(|_| stock_differs(&plan, &base))
        .map(|remote| (remote, plan)))
}

pub(super) async fn linked_listing<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Option<(ListingInput, i32, SyncBase)>> {
    let Some((account, base)) = load_base(db, id).await? else {
        return Ok(None);
    };
    match listings::get(db, rules, id, now).await {
        Ok(l) if l.input.etsy_listing_id.is_some() => Ok(Some((l.input, account, base))),
        Ok(_) | Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `edit` reached the marketplace: the base takes its values. Returns whether the listing
/// still has an edit to send (the seller changed it again meanwhile).
pub async fn pushed_edit<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    edit: &ListingEdit,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some((input, account, mut base)) = linked_listing(db, rules, id, now).await? else {
        return Ok(false);
    };
    let f = &mut base.fields;
    let e = edit.clone();
    f.title = e.title.unwrap_or(std::mem::take(&mut f.title));
    f.description = e.description.unwrap_or(std::mem::take(&mut f.description));
    f.tags = e.tags.unwrap_or(std::mem::take(&mut f.tags));
    f.materials = e.materials.unwrap_or(std::mem::take(&mut f.materials));
    save_base(db, id, account, &base, now).await?;
    Ok(!edit_of(&input, &base, &held_fields(db, id).await?).is_empty())
}

/// Stock (and prices, if `plan` sent them) reached the marketplace, which now has `pushed`:
/// the base takes it. Returns whether the listing still differs (changed again meanwhile).
pub async fn pushed_stock<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    plan: &StockPlan,
    pushed: &StockPushed,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some((input, account, mut base)) = linked_listing(db, rules, id, now).await? else {
        return Ok(false);
    };
    base.offers = Some(pushed.offers.clone());
    if plan.currency.is_some() && pushed.other_currency.is_none() {
        base.fields.price.minor = input.price.minor;
    }
    save_base(db, id, account, &base, now).await?;
    let again = stock_plan(&input, &base, &held_fields(db, id).await?);
    // Variants the marketplace lacks cannot be sent; they do not keep the entry waiting.
    Ok(stock_differs(&again, &base) && again != *plan)
}
