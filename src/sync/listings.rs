//! Bringing marketplace listings home, inside the pull's transaction. A listing is linked by its
//! marketplace id, else by one of its SKUs, else created. For a linked one the fields both sides
//! edit (title, description, tags, materials, price) are merged three ways with the values last
//! synced as the base: a field changed only on the marketplace is taken, one changed only here
//! is kept (to be sent), one changed on both sides is kept here and recorded as a conflict for
//! the seller to decide — never silently overwritten. Stock is taken from the marketplace once,
//! when a listing is first linked; after that Vefa's ledger is the truth and the marketplace
//! hears of it (its own sales come home as orders and take stock here).
//!
//! What differs from the marketplace afterwards — a local edit kept by the merge, a price or
//! stock figure — goes out through the outbox: [`plan_edit`] and [`plan_stock`] say what to
//! send, compared with the base (the marketplace's values as last seen), and [`pushed_edit`] /
//! [`pushed_stock`] move the base once it was sent. A field in conflict is never sent.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::completeness::RuleSets;
use crate::catalog::listings::{self, ListingInput, ListingState, Variant};
use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::{listing, listing_conflict, listing_sync_base, listing_variant};
use crate::sync::outbox;
use crate::sync::photos::{self, PagePhotos};
use crate::sync::remote::RemoteImage;
use crate::sync::remote::{
    ListingEdit, Offer, Price, RemoteListing, RemoteListingData, StockPushed, SyncedFields,
};

/// The name a variant goes by on both sides: its SKU, else its option values
/// ("Size=M; Colour=Red"), else nothing (a listing's only variant).
pub fn variant_key(v: &Variant) -> String {
    if !v.sku.trim().is_empty() {
        return v.sku.clone();
    }
    v.options
        .iter()
        .map(|p| format!("{}={}", p.name, p.value))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each variant's offer by key.
pub fn offers_of(variants: &[Variant], listing_price: i64) -> BTreeMap<String, Offer> {
    variants
        .iter()
        .map(|v| {
            let offer = Offer {
                quantity: v.quantity,
                price_minor: v.price_override_minor.unwrap_or(listing_price),
            };
            (variant_key(v), offer)
        })
        .collect()
}

/// Which of `want` is which of `have`: the same key, or, when each side has exactly one, those
/// two (a listing's only variant, whatever its SKU there).
pub fn pair<'a>(want: &[&'a str], have: &[&'a str]) -> Vec<(usize, usize)> {
    if want.len() == 1 && have.len() == 1 {
        return vec![(0, 0)];
    }
    want.iter()
        .enumerate()
        .filter_map(|(i, w)| have.iter().position(|h| h == w).map(|j| (i, j)))
        .collect()
}

/// The marketplace's side as last seen: the merged fields, and each variant's offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SyncBase {
    #[serde(flatten)]
    fields: SyncedFields,
    /// Missing in bases written before stock was pushed: then the marketplace is asked.
    #[serde(default)]
    offers: Option<BTreeMap<String, Offer>>,
    /// The marketplace's picture ids, in order; missing in bases written before pictures came
    /// home.
    #[serde(default)]
    images: Option<Vec<String>>,
    /// The listing's state there; missing in bases written before states were followed.
    #[serde(default)]
    state: Option<ListingState>,
}

impl SyncedFields {
    fn of(input: &ListingInput) -> Self {
        Self {
            title: input.title.clone(),
            description: input.description.clone(),
            tags: input.tags.clone(),
            materials: input.materials.clone(),
            price: Price {
                minor: input.price.minor,
                currency: input.price.currency.clone(),
            },
        }
    }

    fn map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    fn apply_to(self, input: &mut ListingInput) {
        input.title = self.title;
        input.description = self.description;
        input.tags = self.tags;
        input.materials = self.materials;
        input.price.minor = self.price.minor;
        input.price.currency = self.price.currency;
    }
}

/// A field changed on both sides since the base.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub field: String,
    pub base: Option<Value>,
    pub local: Value,
    pub remote: Value,
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Null => true,
        Value::Object(o) => o.get("minor").and_then(Value::as_i64) == Some(0),
        _ => false,
    }
}

/// The three-way merge, field by field. Without a base (a listing linked for the first time)
/// a field empty here takes the marketplace's value, and any other difference is a conflict.
pub fn merge(
    base: Option<&SyncedFields>,
    local: &SyncedFields,
    remote: &SyncedFields,
) -> (SyncedFields, Vec<Conflict>) {
    let base = base.map(SyncedFields::map);
    let (l, r) = (local.map(), remote.map());
    let mut merged = l.clone();
    let mut conflicts = Vec::new();
    for (field, lv) in &l {
        let Some(rv) = r.get(field) else { continue };
        let bv = base.as_ref().and_then(|b| b.get(field));
        if lv == rv || bv == Some(rv) {
            continue;
        }
        if bv == Some(lv) || (bv.is_none() && is_empty(lv)) {
            merged.insert(field.clone(), rv.clone());
        } else {
            conflicts.push(Conflict {
                field: field.clone(),
                base: bv.cloned(),
                local: lv.clone(),
                remote: rv.clone(),
            });
        }
    }
    let merged = serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| local.clone());
    (merged, conflicts)
}

/// What applying a page did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingsApplied {
    pub created: Vec<i32>,
    pub updated: Vec<i32>,
    pub conflicts: u32,
    pub refused: Vec<String>,
}

impl ListingsApplied {
    /// The listings created or changed.
    pub fn touched(&self) -> Vec<i32> {
        self.created.iter().chain(&self.updated).copied().collect()
    }
}

/// The local listings a page's remote ones are: by marketplace id, else by one of their SKUs.
/// Two queries for the page.
async fn linked<C: ConnectionTrait>(
    db: &C,
    page: &[(&RemoteListing, &RemoteListingData)],
) -> Result<Vec<Option<i32>>> {
    let by_id: HashMap<String, i32> = listing::Entity::find()
        .select_only()
        .column(listing::Column::EtsyListingId)
        .column(listing::Column::Id)
        .filter(listing::Column::EtsyListingId.is_in(page.iter().map(|(r, _)| r.id.as_str())))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let skus: Vec<&str> = page
        .iter()
        .flat_map(|(_, d)| d.variants.iter().map(|v| v.sku.as_str()))
        .filter(|s| !s.is_empty())
        .collect();
    let mut by_sku: HashMap<String, i32> = HashMap::new();
    for chunk in skus.chunks(500) {
        by_sku.extend(
            listing_variant::Entity::find()
                .select_only()
                .column(listing_variant::Column::Sku)
                .column(listing_variant::Column::ListingId)
                .filter(listing_variant::Column::Sku.is_in(chunk.iter().copied()))
                .into_tuple::<(String, i32)>()
                .all(db)
                .await?,
        );
    }
    Ok(page
        .iter()
        .map(|(r, d)| {
            by_id
                .get(&r.id)
                .copied()
                .or_else(|| d.variants.iter().find_map(|v| by_sku.get(&v.sku).copied()))
        })
        .collect())
}

fn new_input(
    remote: &RemoteListing,
    data: &RemoteListingData,
    photos: &PagePhotos,
) -> ListingInput {
    let mut input = ListingInput::draft(&data.fields.title, &data.fields.price.currency);
    data.fields.clone().apply_to(&mut input);
    input.state = data.state;
    input.variants = data.variants.clone();
    input.photos = photos
        .of(&data.images)
        .into_iter()
        .map(|p| p.hash)
        .collect();
    input.etsy_listing_id = Some(remote.id.clone());
    input
}

fn refusal(remote: &RemoteListing, e: &Error) -> String {
    match e {
        Error::Validation(fields) => {
            format!("listing {}: {}", remote.id, FieldError::english_all(fields))
        }
        other => format!("listing {}: {other}", remote.id),
    }
}

async fn save_base<C: ConnectionTrait>(
    db: &C,
    listing_id: i32,
    account: i32,
    base: &SyncBase,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = listing_sync_base::ActiveModel {
        listing_id: Set(listing_id),
        account_id: Set(account),
        base: Set(serde_json::to_string(base).unwrap_or_default()),
        synced_at: Set(now),
    };
    listing_sync_base::Entity::insert(row)
        .on_conflict(
            OnConflict::column(listing_sync_base::Column::ListingId)
                .update_columns([
                    listing_sync_base::Column::AccountId,
                    listing_sync_base::Column::Base,
                    listing_sync_base::Column::SyncedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The base of listing `id` and the account it is linked to, if it is linked.
async fn load_base<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<(i32, SyncBase)>> {
    let Some(row) = listing_sync_base::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let base = serde_json::from_str(&row.base)
        .map_err(|_| Error::Corrupt(format!("the sync base of listing {id}")))?;
    Ok(Some((row.account_id, base)))
}

/// The fields of listing `id` waiting for the seller to choose: they are not sent.
async fn held_fields<C: ConnectionTrait>(db: &C, id: i32) -> Result<HashSet<String>> {
    Ok(listing_conflict::Entity::find()
        .select_only()
        .column(listing_conflict::Column::Field)
        .filter(listing_conflict::Column::ListingId.eq(id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The text fields that differ from the marketplace's and are not held.
fn edit_of(input: &ListingInput, base: &SyncBase, held: &HashSet<String>) -> ListingEdit {
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

fn stock_plan(input: &ListingInput, base: &SyncBase, held: &HashSet<String>) -> StockPlan {
    let currency = (!held.contains("price") && input.price.currency == base.fields.price.currency)
        .then(|| input.price.currency.clone());
    StockPlan {
        want: offers_of(&input.variants, input.price.minor),
        currency,
    }
}

/// Whether the plan would change anything the marketplace has, as last seen.
fn stock_differs(plan: &StockPlan, base: &SyncBase) -> bool {
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
fn pushes_needed(
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

async fn linked_listing<C: ConnectionTrait>(
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

/// Keeps the conflicts up to date: a field where the two sides now agree has none left; a new
/// disagreement replaces an older one on the same field; one still standing (the marketplace
/// unchanged since, the seller not yet decided) stays.
async fn record_conflicts<C: ConnectionTrait>(
    db: &C,
    listing_id: i32,
    merged: &SyncedFields,
    remote: &SyncedFields,
    conflicts: &[Conflict],
    now: DateTime<Utc>,
) -> Result<()> {
    let (m, r) = (merged.map(), remote.map());
    let mut settled: Vec<String> = m
        .iter()
        .filter(|(f, v)| r.get(*f) == Some(*v))
        .map(|(f, _)| f.clone())
        .collect();
    settled.extend(conflicts.iter().map(|c| c.field.clone()));
    listing_conflict::Entity::delete_many()
        .filter(listing_conflict::Column::ListingId.eq(listing_id))
        .filter(listing_conflict::Column::Field.is_in(settled))
        .exec(db)
        .await?;
    if conflicts.is_empty() {
        return Ok(());
    }
    let rows = conflicts.iter().map(|c| listing_conflict::ActiveModel {
        listing_id: Set(listing_id),
        field: Set(c.field.clone()),
        base: Set(c.base.as_ref().map(Value::to_string)),
        local: Set(c.local.to_string()),
        remote: Set(c.remote.to_string()),
        detected_at: Set(now),
        ..Default::default()
    });
    listing_conflict::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn apply_page<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    account: i32,
    page: &[RemoteListing],
    photos: &PagePhotos,
    now: DateTime<Utc>,
) -> Result<ListingsApplied> {
    let mut out = ListingsApplied::default();
    photos::record_written(db, photos, now).await?;
    let mut readable = Vec::with_capacity(page.len());
    let mut seen = HashSet::new();
    for remote in page {
        match &remote.listing {
            // A page naming a listing twice (it should not) is read as naming it once.
            Ok(d) if seen.insert(remote.id.as_str()) => readable.push((remote, d)),
            Ok(_) => {}
            Err(why) => out.refused.push(format!("listing {}: {why}", remote.id)),
        }
    }
    let links = linked(db, &readable).await?;
    let mut fresh: Vec<(&RemoteListing, &RemoteListingData, ListingInput)> = Vec::new();
    let mut fresh_skus = HashSet::new();
    for ((remote, data), link) in readable.iter().zip(links) {
        match link {
            None => {
                let input = match listings::validate(&new_input(remote, data, photos)) {
                    Ok(i) => i,
                    Err(fields) => {
                        out.refused
                            .push(refusal(remote, &Error::Validation(fields)));
                        continue;
                    }
                };
                let skus: Vec<&str> = input
                    .variants
                    .iter()
                    .map(|v| v.sku.as_str())
                    .filter(|s| !s.is_empty())
                    .collect();
                if let Some(taken) = skus.iter().find(|s| fresh_skus.contains(**s)) {
                    out.refused.push(format!(
                        "listing {}: SKU {taken} belongs to another listing on this page",
                        remote.id
                    ));
                    continue;
                }
                fresh_skus.extend(skus.into_iter().map(str::to_owned));
                fresh.push((remote, data, input));
            }
            Some(id) => {
                match merge_into(db, rules, account, id, (remote, data), photos, now).await? {
                    Merged::Updated(conflicts) => {
                        out.updated.push(id);
                        out.conflicts += conflicts;
                    }
                    Merged::Unchanged(conflicts) => out.conflicts += conflicts,
                    Merged::Refused(why) => out.refused.push(why),
                }
            }
        }
    }
    if fresh.is_empty() {
        return Ok(out);
    }
    // New listings go in as the catalog import writes them: ids reserved, rows in bulk.
    let ids = listings::reserve_ids(db, fresh.len()).await?;
    let checked: Vec<listings::Checked> = ids
        .iter()
        .zip(&fresh)
        .map(|(&id, (_, data, input))| {
            let facts = input.facts(&photos.of(&data.images), 0, now);
            let family = rules.get(&input.family).map(Vec::as_slice).unwrap_or(&[]);
            let score = crate::catalog::completeness::score(family, &facts, now);
            listings::Checked {
                id,
                clean: input,
                facts,
                score,
            }
        })
        .collect();
    listings::insert_checked(db, &checked, now).await?;
    let bases = ids
        .iter()
        .zip(&fresh)
        .map(|(&id, (_, data, _))| listing_sync_base::ActiveModel {
            listing_id: Set(id),
            account_id: Set(account),
            base: Set(serde_json::to_string(&SyncBase::of(data)).unwrap_or_default()),
            synced_at: Set(now),
        });
    listing_sync_base::Entity::insert_many(bases)
        .exec_without_returning(db)
        .await?;
    let pictures: Vec<(i32, &[RemoteImage])> = ids
        .iter()
        .zip(&fresh)
        .map(|(&id, (_, data, _))| (id, data.images.as_slice()))
        .collect();
    photos::remember(db, account, &pictures, photos).await?;
    out.created.extend(ids);
    Ok(out)
}

enum Merged {
    Updated(u32),
    Unchanged(u32),
    Refused(String),
}

impl SyncBase {
    fn of(data: &RemoteListingData) -> Self {
        Self {
            fields: data.fields.clone(),
            offers: Some(offers_of(&data.variants, data.fields.price.minor)),
            images: Some(data.images.iter().map(|i| i.id.clone()).collect()),
            state: Some(data.state),
        }
    }
}

/// On a first link the marketplace's stock is taken: it is the live figure, where Vefa's may
/// come from an old import. Variants are matched as pushes match them.
fn take_stock(local: &mut [Variant], remote: &[Variant]) {
    let keys: Vec<String> = local.iter().map(variant_key).collect();
    let theirs: Vec<String> = remote.iter().map(variant_key).collect();
    let want: Vec<&str> = keys.iter().map(String::as_str).collect();
    let have: Vec<&str> = theirs.iter().map(String::as_str).collect();
    for (i, j) in pair(&want, &have) {
        local[i].quantity = remote[j].quantity;
    }
}

/// Merges a remote listing into linked listing `id`; records its conflicts and the new base,
/// and queues what the marketplace still lacks.
async fn merge_into<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    account: i32,
    id: i32,
    (remote, data): (&RemoteListing, &RemoteListingData),
    photos: &PagePhotos,
    now: DateTime<Utc>,
) -> Result<Merged> {
    let existing = listings::get(db, rules, id, now).await?.input;
    let base = load_base(db, id).await?.map(|(_, b)| b);
    let (merged, conflicts) = merge(
        base.as_ref().map(|b| &b.fields),
        &SyncedFields::of(&existing),
        &data.fields,
    );
    record_conflicts(db, id, &merged, &data.fields, &conflicts, now).await?;
    let mut input = existing.clone();
    merged.apply_to(&mut input);
    input.etsy_listing_id = Some(remote.id.clone());
    if base.is_none() {
        take_stock(&mut input.variants, &data.variants);
    }
    // The state is the marketplace's to change: Vefa does not send it.
    if base.as_ref().and_then(|b| b.state) != Some(data.state) {
        input.state = data.state;
    }
    input.photos = merged_photos(db, id, &existing.photos, base.as_ref(), data, photos).await?;
    photos::remember(db, account, &[(id, &data.images)], photos).await?;
    let n = conflicts.len() as u32;
    let result = if input == existing {
        Merged::Unchanged(n)
    } else {
        match listings::save(db, rules, Some(id), &input, now).await {
            Ok(_) => Merged::Updated(n),
            Err(e @ Error::Validation(_)) => return Ok(Merged::Refused(refusal(remote, &e))),
            Err(e) => return Err(e),
        }
    };
    let base = SyncBase::of(data);
    save_base(db, id, account, &base, now).await?;
    let kinds = pushes_needed(&input, &base, &held_fields(db, id).await?);
    outbox::queue_listings(db, &[id], &kinds, now).await?;
    Ok(result)
}

/// Listing `id`'s photos after a pull: when the marketplace's pictures changed (or more of them
/// came home), theirs lead and those added here follow; otherwise the seller's stay as they
/// are. On a first link a listing that has photos here keeps them.
async fn merged_photos<C: ConnectionTrait>(
    db: &C,
    id: i32,
    current: &[String],
    base: Option<&SyncBase>,
    data: &RemoteListingData,
    photos: &PagePhotos,
) -> Result<Vec<String>> {
    let old = photos::listing_hashes(db, id).await?;
    let new: Vec<String> = photos
        .of(&data.images)
        .into_iter()
        .map(|p| p.hash)
        .collect();
    let ids: Vec<String> = data.images.iter().map(|i| i.id.clone()).collect();
    let changed = base.and_then(|b| b.images.as_ref()) != Some(&ids) || new != old;
    Ok(if !changed || (base.is_none() && !current.is_empty()) {
        current.to_vec()
    } else {
        photos::combine(current, &old, &new)
    })
}

/// A listing field waiting for the seller to choose, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ListingConflict {
    pub id: i32,
    pub listing_id: i32,
    pub listing_title: String,
    /// title, description, tags, materials or price.
    pub field: String,
    /// The values as JSON: a string, a list of strings, or `{minor, currency}`.
    pub base: Option<String>,
    pub local: String,
    pub remote: String,
    pub detected_at: DateTime<Utc>,
}

/// The side the seller chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Keep Vefa's value (it goes to the marketplace with the next push of listing edits).
    Mine,
    /// Take the marketplace's value.
    Marketplace,
}

/// The conflicts waiting, of one listing or all, oldest first.
pub async fn conflicts<C: ConnectionTrait>(
    db: &C,
    listing_id: Option<i32>,
) -> Result<Vec<ListingConflict>> {
    let mut q = listing_conflict::Entity::find();
    if let Some(id) = listing_id {
        q = q.filter(listing_conflict::Column::ListingId.eq(id));
    }
    let rows = q.order_by_asc(listing_conflict::Column::Id).all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.listing_id).collect();
    let titles = listings::titles(db, ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| ListingConflict {
            listing_title: titles.get(&r.listing_id).cloned().unwrap_or_default(),
            id: r.id,
            listing_id: r.listing_id,
            field: r.field,
            base: r.base,
            local: r.local,
            remote: r.remote,
            detected_at: r.detected_at,
        })
        .collect())
}

/// Settles conflict `id`: the marketplace's value is written into the listing, or the seller's
/// is kept; either way the conflict is gone. Returns the listing's id.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    choice: Choice,
    now: DateTime<Utc>,
) -> Result<i32> {
    let row = listing_conflict::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "listing conflict",
            id: id.to_string(),
        })?;
    if choice == Choice::Marketplace {
        let mut input = listings::get(db, rules, row.listing_id, now).await?.input;
        let mut fields = SyncedFields::of(&input).map();
        let remote: Value = serde_json::from_str(&row.remote)
            .map_err(|_| Error::Corrupt(format!("listing conflict {id}")))?;
        fields.insert(row.field.clone(), remote);
        let merged: SyncedFields = serde_json::from_value(Value::Object(fields))
            .map_err(|_| Error::Corrupt(format!("listing conflict {id}")))?;
        merged.apply_to(&mut input);
        listings::save(db, rules, Some(row.listing_id), &input, now).await?;
    }
    listing_conflict::Entity::delete_by_id(id).exec(db).await?;
    // The seller's own value, now free of the conflict, goes to the marketplace.
    if let Some((input, _, base)) = linked_listing(db, rules, row.listing_id, now).await? {
        let held = held_fields(db, row.listing_id).await?;
        let kinds = pushes_needed(&input, &base, &held);
        outbox::queue_listings(db, &[row.listing_id], &kinds, now).await?;
    }
    Ok(row.listing_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, tags: &[&str], minor: i64) -> SyncedFields {
        SyncedFields {
            title: title.into(),
            description: String::new(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            materials: vec![],
            price: Price {
                minor,
                currency: "TRY".into(),
            },
        }
    }

    #[test]
    fn each_side_keeps_its_own_change_and_a_double_change_is_a_conflict() {
        let base = fields("Bakır cezve", &["cezve"], 45_000);
        // Here: a new title. There: a new price. Both: the tags, differently.
        let local = fields("Bakır cezve, el dövmesi", &["cezve", "bakır"], 45_000);
        let remote = fields("Bakır cezve", &["cezve", "kahve"], 49_000);
        let (merged, conflicts) = merge(Some(&base), &local, &remote);
        assert_eq!(
            merged.title, "Bakır cezve, el dövmesi",
            "the local change is kept"
        );
        assert_eq!(
            merged.price.minor, 49_000,
            "the marketplace's change is taken"
        );
        assert_eq!(
            merged.tags, local.tags,
            "a double change keeps the local value"
        );
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "tags");
        assert_eq!(conflicts[0].base, Some(serde_json::json!(["cezve"])));
        assert_eq!(conflicts[0].remote, serde_json::json!(["cezve", "kahve"]));
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict_and_a_first_link_fills_blanks() {
        let base = fields("A", &[], 100);
        let both = fields("B", &[], 100);
        assert_eq!(merge(Some(&base), &both, &both), (both.clone(), vec![]));
        let mut blank = fields("Ahşap tren", &[], 0);
        blank.description = String::new();
        let mut remote = fields("Wooden train", &["toy"], 1_500);
        remote.description = "Hand-made".into();
        let (merged, conflicts) = merge(None, &blank, &remote);
        assert_eq!(merged.description, "Hand-made");
        assert_eq!(merged.tags, vec!["toy".to_owned()]);
        assert_eq!(merged.price.minor, 1_500);
        assert_eq!(
            conflicts.len(),
            1,
            "two titles and no base: the seller decides"
        );
        assert_eq!(conflicts[0].field, "title");
    }
}
