//! Listings in the store. Every save checks the listing, scores it with its family's rules and
//! writes the listing, its variants, its photos and its score in the caller's transaction.

use crate::error::FieldCode;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IdenStatic, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::buyer::{BuyerTotal, buyer_total};
use super::model::{
    Dimensions, Listing, ListingInput, ListingPhoto, ListingState, Money, Pair, ScoreUpdate,
    Shipping, Variant, validate,
};
use crate::catalog::completeness::{Completeness, Facts, RuleSets, Score, evaluate, score};
use crate::error::{Error, FieldError, Result};
use crate::infra::store::bulk;
use crate::infra::store::entity::{listing, listing_photo, listing_variant, media};

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn parse<T: serde::de::DeserializeOwned>(s: &str, what: &str, id: i32) -> Result<T> {
    serde_json::from_str(s).map_err(|_| Error::Corrupt(format!("listing {id} {what}")))
}

fn opt_u32(v: Option<i32>) -> Option<u32> {
    v.and_then(|x| u32::try_from(x).ok())
}

fn opt_i32(v: Option<u32>) -> Option<i32> {
    v.map(|x| x.min(i32::MAX as u32) as i32)
}

async fn photo_facts<C: ConnectionTrait>(
    db: &C,
    hashes: &[String],
) -> Result<Result<Vec<ListingPhoto>, Vec<FieldError>>> {
    let found: HashMap<String, media::Model> = media::Entity::find()
        .filter(media::Column::Hash.is_in(hashes.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.hash.clone(), m))
        .collect();
    let mut errors = Vec::new();
    let mut photos = Vec::new();
    for (i, h) in hashes.iter().enumerate() {
        match found.get(h) {
            Some(m) => photos.push(ListingPhoto {
                hash: h.clone(),
                width: m.width as u32,
                height: m.height as u32,
            }),
            None => errors.push(FieldError::new(
                &format!("photos[{i}]"),
                FieldCode::PhotoMissing,
            )),
        }
    }
    Ok(if errors.is_empty() {
        Ok(photos)
    } else {
        Err(errors)
    })
}

/// SKUs and the Etsy id must not belong to another listing.
async fn conflicts<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
    input: &ListingInput,
) -> Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    let skus: Vec<String> = input.skus().map(str::to_owned).collect();
    if !skus.is_empty() {
        let mut q =
            listing_variant::Entity::find().filter(listing_variant::Column::Sku.is_in(skus));
        if let Some(id) = id {
            q = q.filter(listing_variant::Column::ListingId.ne(id));
        }
        for taken in q.all(db).await? {
            if let Some(i) = input
                .variants
                .iter()
                .position(|v| Some(&v.sku) == taken.sku.as_ref())
            {
                errors.push(
                    FieldError::new(&format!("variants[{i}].sku"), FieldCode::SkuTaken)
                        .with("value", &input.variants[i].sku)
                        .with("listing", taken.listing_id),
                );
            }
        }
    }
    if let Some(etsy) = &input.etsy_listing_id {
        let mut q = listing::Entity::find().filter(listing::Column::EtsyListingId.eq(etsy.clone()));
        if let Some(id) = id {
            q = q.filter(listing::Column::Id.ne(id));
        }
        if let Some(other) = q.one(db).await? {
            errors.push(
                FieldError::new("etsy_listing_id", FieldCode::MarketplaceIdTaken)
                    .with("listing", other.id),
            );
        }
    }
    Ok(errors)
}

/// What the editor shows beside an unsaved listing: its completeness, the field errors a save
/// would meet, and the buyer's total.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct ListingPreview {
    pub completeness: Completeness,
    pub errors: Vec<FieldError>,
    pub total: BuyerTotal,
}

/// Scores an unsaved listing as a save would, writing nothing. Checks that need other listings
/// (a SKU taken elsewhere) are left to the save.
pub async fn preview<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: Option<i32>,
    input: &ListingInput,
    now: DateTime<Utc>,
) -> Result<ListingPreview> {
    let mut errors = validate(input).err().unwrap_or_default();
    let photos = match photo_facts(db, &input.photos).await? {
        Ok(p) => p,
        Err(mut e) => {
            errors.append(&mut e);
            vec![]
        }
    };
    let review_count = match id {
        Some(id) => listing::Entity::find_by_id(id)
            .one(db)
            .await?
            .map_or(0, |l| l.review_count.max(0) as u32),
        None => 0,
    };
    let family_rules = rules
        .get(input.family.trim())
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    Ok(ListingPreview {
        completeness: evaluate(family_rules, &input.facts(&photos, review_count, now), now),
        errors,
        total: buyer_total(input),
    })
}

/// Creates (`id` None) or replaces a listing; returns its id and completeness.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: Option<i32>,
    input: &ListingInput,
    now: DateTime<Utc>,
) -> Result<(i32, Completeness)> {
    let clean = validate(input).map_err(Error::Validation)?;
    let mut errors = Vec::new();
    let family_rules = match rules.get(&clean.family) {
        Some(r) => r.as_slice(),
        None => {
            errors.push(
                FieldError::new("family", FieldCode::FamilyUnknown).with("value", &clean.family),
            );
            &[]
        }
    };
    let photos = match photo_facts(db, &clean.photos).await? {
        Ok(p) => p,
        Err(mut e) => {
            errors.append(&mut e);
            vec![]
        }
    };
    errors.extend(conflicts(db, id, &clean).await?);
    let existing = match id {
        Some(id) => Some(listing::Entity::find_by_id(id).one(db).await?.ok_or(
            Error::NotFound {
                what: "listing",
                id: id.to_string(),
            },
        )?),
        None => None,
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let review_count = existing
        .as_ref()
        .map(|e| e.review_count.max(0) as u32)
        .unwrap_or(0);
    let facts = clean.facts(&photos, review_count, now);
    let completeness = evaluate(family_rules, &facts, now);
    let mut row = row_of(&clean, &facts, now);
    let id = match existing {
        Some(old) => {
            row.id = Set(old.id);
            row.update(db).await?;
            delete_children(db, &[old.id]).await?;
            old.id
        }
        None => {
            let row = new_row(row, now);
            row.insert(db).await?.id
        }
    };
    insert_children(db, &[(id, &clean)]).await?;
    write_scores(db, &[(id, score(family_rules, &facts, now))]).await?;
    Ok((id, completeness))
}

/// A listing that has passed every check, ready to be written in bulk (the catalog import).
pub struct Checked<'a> {
    pub id: i32,
    pub clean: &'a ListingInput,
    pub facts: Facts,
    pub score: Score,
}

/// Inserts new listings with ids the caller reserved ([`reserve_ids`]), a few hundred rows per
/// statement. Nothing is checked here: the caller has.
pub async fn insert_checked<C: ConnectionTrait>(
    db: &C,
    items: &[Checked<'_>],
    now: DateTime<Utc>,
) -> Result<()> {
    insert_rows(db, items, now, bulk::OnConflict::Fail).await?;
    let pairs: Vec<(i32, &ListingInput)> = items.iter().map(|c| (c.id, c.clean)).collect();
    insert_children(db, &pairs).await?;
    write_scores(db, &checked_scores(items)).await
}

/// The listing rows of checked listings, as new rows; `Update` says what an existing row with
/// the same id takes of them.
async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    items: &[Checked<'_>],
    now: DateTime<Utc>,
    on_conflict: bulk::OnConflict<'_>,
) -> Result<()> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let columns: Vec<&str> = listing_row(first, now).map(|(c, _)| c.as_str()).collect();
    // By index: an iterator whose closures take references cannot cross the `await`s of a
    // future that must be `Send` (rust-lang/rust#64552), and the app's commands must be.
    let rows = (0..items.len()).map(move |k| listing_row(&items[k], now).map(|(_, v)| v).collect());
    bulk::insert(db, "listing", &columns, rows, on_conflict).await?;
    Ok(())
}

/// Every column of a new listing row, with its value.
fn listing_row(
    c: &Checked<'_>,
    now: DateTime<Utc>,
) -> impl Iterator<Item = (listing::Column, Value)> {
    std::iter::once((listing::Column::Id, Value::from(c.id)))
        .chain(saved_values(c.clean, &c.facts, now))
        .chain(new_values(now))
}

fn checked_scores(items: &[Checked<'_>]) -> Vec<ScoreUpdate> {
    items.iter().map(|c| (c.id, c.score)).collect()
}

/// Replaces existing listings (their review counts, ratings and creation dates stay).
pub async fn update_checked<C: ConnectionTrait>(
    db: &C,
    items: &[Checked<'_>],
    now: DateTime<Utc>,
) -> Result<()> {
    let ids: Vec<i32> = items.iter().map(|c| c.id).collect();
    // Etsy ids are unique: one may move between these listings, in any order.
    for chunk in ids.chunks(1000) {
        listing::Entity::update_many()
            .col_expr(listing::Column::EtsyListingId, Expr::value(None::<String>))
            .filter(listing::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    // One multi-row upsert per chunk, not an UPDATE … RETURNING per listing (100k of those took
    // seconds). Every id exists, so every row takes the DO UPDATE branch, which sets only what
    // a save sets: review counts, ratings, archive state and creation dates stay.
    let saved: Vec<&str> = saved_values(&ListingInput::draft("", ""), &Facts::default(), now)
        .iter()
        .map(|(c, _)| c.as_str())
        .collect();
    let on_conflict = bulk::OnConflict::Update {
        key: "id",
        columns: &saved,
    };
    insert_rows(db, items, now, on_conflict).await?;
    delete_children(db, &ids).await?;
    let pairs: Vec<(i32, &ListingInput)> = items.iter().map(|c| (c.id, c.clean)).collect();
    insert_children(db, &pairs).await?;
    write_scores(db, &checked_scores(items)).await
}

/// `n` listing ids no other listing has or had. The caller's transaction must be the store's
/// only writer: on SQLite it is (one writer at a time, and a stale snapshot cannot commit); on
/// PostgreSQL the ids come from the table's own sequence.
pub async fn reserve_ids<C: ConnectionTrait>(db: &C, n: usize) -> Result<Vec<i32>> {
    if n == 0 {
        return Ok(vec![]);
    }
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => format!(
            "SELECT nextval(pg_get_serial_sequence('listing', 'id'))::integer AS id \
             FROM generate_series(1, {n})"
        ),
        // AUTOINCREMENT never reuses an id, so start past the highest one ever given.
        _ => "SELECT MAX(COALESCE((SELECT MAX(id) FROM listing), 0), \
              COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'listing'), 0)) AS id"
            .to_owned(),
    };
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(backend, sql))
        .await?;
    let mut ids = rows
        .iter()
        .map(|r| r.try_get::<i32>("", "id"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if backend != sea_orm::DbBackend::Postgres {
        let last = ids.first().copied().unwrap_or(0);
        ids = (1..=n as i32).map(|k| last + k).collect();
    }
    ids.sort_unstable();
    Ok(ids)
}

/// The columns a save sets, with their values: one list, made into an `ActiveModel` for a single
/// save and written as it is by the bulk writes (an `ActiveModel` per row and `take` per
/// column cost a 100k import a quarter of a second).
fn saved_values(
    clean: &ListingInput,
    facts: &Facts,
    now: DateTime<Utc>,
) -> [(listing::Column, Value); 32] {
    use listing::Column as C;
    let s = &clean.shipping;
    let d = clean.dimensions.as_ref();
    [
        (C::Title, clean.title.clone().into()),
        (C::Description, clean.description.clone().into()),
        (C::Category, clean.category.clone().into()),
        (C::Family, clean.family.clone().into()),
        (C::Tags, json(&clean.tags).into()),
        (C::Materials, json(&clean.materials).into()),
        (C::Maker, clean.maker.clone().into()),
        (C::Specs, json(&clean.specs).into()),
        (C::Usage, clean.usage.clone().into()),
        (C::Safety, clean.safety.clone().into()),
        (C::Warranty, clean.warranty.clone().into()),
        (C::ReturnPolicy, clean.return_policy.clone().into()),
        (C::Attributes, json(&clean.attributes).into()),
        (C::PriceMinor, Some(clean.price.minor).into()),
        (C::Currency, clean.price.currency.clone().into()),
        (C::VatRateBp, opt_i32(clean.vat_rate_bp).into()),
        (C::PriceIncludesVat, clean.price_includes_vat.into()),
        (C::ShippingCostMinor, s.cost_minor.into()),
        (C::ShippingProfile, s.profile.clone().into()),
        (C::ProcessingMin, opt_i32(s.processing_days_min).into()),
        (C::ProcessingMax, opt_i32(s.processing_days_max).into()),
        (C::DeliveryMin, opt_i32(s.delivery_days_min).into()),
        (C::DeliveryMax, opt_i32(s.delivery_days_max).into()),
        (C::WeightG, opt_i32(clean.weight_g).into()),
        (C::LengthMm, opt_i32(d.map(|d| d.length_mm)).into()),
        (C::WidthMm, opt_i32(d.map(|d| d.width_mm)).into()),
        (C::HeightMm, opt_i32(d.map(|d| d.height_mm)).into()),
        (C::State, clean.state.as_str().to_owned().into()),
        (C::EtsyListingId, clean.etsy_listing_id.clone().into()),
        (C::Location, clean.location.clone().into()),
        (C::Facts, json(facts).into()),
        (C::UpdatedAt, now.into()),
    ]
}

/// The columns only a new listing sets, with their values.
fn new_values(now: DateTime<Utc>) -> [(listing::Column, Value); 4] {
    use listing::Column as C;
    [
        (C::ReviewCount, 0i32.into()),
        (C::RatingX100, None::<i32>.into()),
        (C::ArchivedAt, None::<DateTime<Utc>>.into()),
        (C::CreatedAt, now.into()),
    ]
}

fn row_of(clean: &ListingInput, facts: &Facts, now: DateTime<Utc>) -> listing::ActiveModel {
    let mut row = <listing::ActiveModel as Default>::default();
    for (column, value) in saved_values(clean, facts, now) {
        row.set(column, value);
    }
    row
}

/// The columns only a new listing sets.
fn new_row(mut row: listing::ActiveModel, now: DateTime<Utc>) -> listing::ActiveModel {
    for (column, value) in new_values(now) {
        row.set(column, value);
    }
    row
}

async fn delete_children<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<()> {
    for chunk in ids.chunks(1000) {
        listing_variant::Entity::delete_many()
            .filter(listing_variant::Column::ListingId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        listing_photo::Entity::delete_many()
            .filter(listing_photo::Column::ListingId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Variants and photos of many listings, a few thousand rows per statement.
async fn insert_children<C: ConnectionTrait>(
    db: &C,
    listings: &[(i32, &ListingInput)],
) -> Result<()> {
    // Collected first: iterators over borrowed listings cannot cross the `await`s of a future
    // that must be `Send` (rust-lang/rust#64552), and a chunk's children are few.
    let variants: Vec<listing_variant::ActiveModel> = listings
        .iter()
        .flat_map(|(id, clean)| {
            clean
                .variants
                .iter()
                .enumerate()
                .map(move |(i, v)| listing_variant::ActiveModel {
                    listing_id: Set(*id),
                    position: Set(i as i32),
                    sku: Set(Some(v.sku.clone()).filter(|s| !s.is_empty())),
                    options: Set(json(&v.options)),
                    price_override_minor: Set(v.price_override_minor),
                    quantity: Set(v.quantity),
                    barcode: Set(v.barcode.clone()),
                    ..Default::default()
                })
        })
        .collect();
    bulk::insert_models(db, variants, bulk::OnConflict::Fail).await?;
    let photos: Vec<listing_photo::ActiveModel> = listings
        .iter()
        .flat_map(|(id, clean)| {
            clean
                .photos
                .iter()
                .enumerate()
                .map(move |(i, h)| listing_photo::ActiveModel {
                    listing_id: Set(*id),
                    position: Set(i as i32),
                    media_hash: Set(h.clone()),
                })
        })
        .collect();
    bulk::insert_models(db, photos, bulk::OnConflict::Fail).await?;
    Ok(())
}

fn input_from(
    row: &listing::Model,
    variants: Vec<Variant>,
    photos: Vec<String>,
) -> Result<ListingInput> {
    let id = row.id;
    let dims = match (row.length_mm, row.width_mm, row.height_mm) {
        (Some(l), Some(w), Some(h)) => Some(Dimensions {
            length_mm: l.max(0) as u32,
            width_mm: w.max(0) as u32,
            height_mm: h.max(0) as u32,
        }),
        _ => None,
    };
    Ok(ListingInput {
        title: row.title.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        family: row.family.clone(),
        tags: parse(&row.tags, "tags", id)?,
        materials: parse(&row.materials, "materials", id)?,
        maker: row.maker.clone(),
        specs: parse::<Vec<Pair>>(&row.specs, "specs", id)?,
        usage: row.usage.clone(),
        safety: row.safety.clone(),
        warranty: row.warranty.clone(),
        return_policy: row.return_policy.clone(),
        attributes: parse(&row.attributes, "attributes", id)?,
        price: Money {
            minor: row.price_minor.unwrap_or(0),
            currency: row.currency.clone(),
        },
        vat_rate_bp: opt_u32(row.vat_rate_bp),
        price_includes_vat: row.price_includes_vat,
        shipping: Shipping {
            cost_minor: row.shipping_cost_minor,
            profile: row.shipping_profile.clone(),
            processing_days_min: opt_u32(row.processing_min),
            processing_days_max: opt_u32(row.processing_max),
            delivery_days_min: opt_u32(row.delivery_min),
            delivery_days_max: opt_u32(row.delivery_max),
        },
        weight_g: opt_u32(row.weight_g),
        dimensions: dims,
        state: ListingState::parse(&row.state)
            .ok_or_else(|| Error::Corrupt(format!("listing {id} state")))?,
        variants,
        photos,
        etsy_listing_id: row.etsy_listing_id.clone(),
        location: row.location.clone(),
    })
}

/// The titles of listings `ids` (those that exist), in one query.
pub async fn titles<C: ConnectionTrait>(db: &C, ids: Vec<i32>) -> Result<HashMap<i32, String>> {
    Ok(listing::Entity::find()
        .select_only()
        .column(listing::Column::Id)
        .column(listing::Column::Title)
        .filter(listing::Column::Id.is_in(ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// A listing with its completeness as of `now` (staleness moves with the clock).
pub async fn get<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Listing> {
    let row = listing::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "listing",
            id: id.to_string(),
        })?;
    let variants = listing_variant::Entity::find()
        .filter(listing_variant::Column::ListingId.eq(id))
        .order_by_asc(listing_variant::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            Ok(Variant {
                sku: v.sku.unwrap_or_default(),
                options: parse(&v.options, "variant options", id)?,
                price_override_minor: v.price_override_minor,
                quantity: v.quantity,
                barcode: v.barcode,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let hashes: Vec<String> = listing_photo::Entity::find()
        .filter(listing_photo::Column::ListingId.eq(id))
        .order_by_asc(listing_photo::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.media_hash)
        .collect();
    let photos = photo_facts(db, &hashes)
        .await?
        .map_err(|_| Error::Corrupt(format!("listing {id} photos")))?;
    let input = input_from(&row, variants, hashes)?;
    let review_count = row.review_count.max(0) as u32;
    let family_rules = rules.get(&row.family).map(Vec::as_slice).unwrap_or(&[]);
    let completeness = evaluate(
        family_rules,
        &input.facts(&photos, review_count, row.updated_at),
        now,
    );
    Ok(Listing {
        id,
        input,
        photos,
        review_count,
        rating_x100: opt_u32(row.rating_x100),
        completeness,
        archived: row.archived_at.is_some(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Archives (or restores) a listing; archived listings leave the default list.
pub async fn set_archived<C: ConnectionTrait>(
    db: &C,
    id: i32,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let res = listing::Entity::update_many()
        .col_expr(
            listing::Column::ArchivedAt,
            Expr::value(if archived { Some(now) } else { None }),
        )
        .filter(listing::Column::Id.eq(id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound {
            what: "listing",
            id: id.to_string(),
        });
    }
    Ok(())
}

/// Inserts or replaces listings' scores, as many per statement as the parameter limit allows:
/// a statement per listing would cost more than the scoring.
pub async fn write_scores<C: ConnectionTrait>(db: &C, scores: &[ScoreUpdate]) -> Result<()> {
    let columns = ["listing_id", "score", "complete", "unmet"];
    // By index, as in `insert_rows`.
    let rows = (0..scores.len()).map(move |k| -> Vec<Value> {
        let (id, s) = &scores[k];
        vec![
            (*id).into(),
            i16::from(s.score).into(),
            s.complete.into(),
            // The bits as they are: the column is a signed 64-bit integer.
            (s.unmet.0 as i64).into(),
        ]
    });
    let on_conflict = bulk::OnConflict::Update {
        key: "listing_id",
        columns: &["score", "complete", "unmet"],
    };
    bulk::insert(db, "listing_score", &columns, rows, on_conflict).await?;
    Ok(())
}

/// Sets a listing's review count and average rating (hundredths of a star), as a marketplace
/// reports them, and rescores it: "reviews present" is one of the completeness rules.
pub async fn set_reviews<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    id: i32,
    count: u32,
    rating_x100: Option<u32>,
    now: DateTime<Utc>,
) -> Result<()> {
    let l = get(db, rules, id, now).await?;
    let facts = l.input.facts(&l.photos, count, l.updated_at);
    listing::Entity::update_many()
        .col_expr(
            listing::Column::ReviewCount,
            Expr::value(count.min(i32::MAX as u32) as i32),
        )
        .col_expr(
            listing::Column::RatingX100,
            Expr::value(rating_x100.map(|r| r.min(500) as i32)),
        )
        .col_expr(listing::Column::Facts, Expr::value(json(&facts)))
        .filter(listing::Column::Id.eq(id))
        .exec(db)
        .await?;
    let family_rules = rules.get(&l.input.family).map(Vec::as_slice).unwrap_or(&[]);
    write_scores(db, &[(id, score(family_rules, &facts, now))]).await
}

/// Measures the facts of listings saved before they were stored (see migration 3).
pub async fn backfill_facts<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    now: DateTime<Utc>,
) -> Result<u64> {
    let ids: Vec<i32> = listing::Entity::find()
        .select_only()
        .column(listing::Column::Id)
        .filter(listing::Column::Facts.eq(""))
        .into_tuple()
        .all(db)
        .await?;
    for &id in &ids {
        let l = get(db, rules, id, now).await?;
        let facts = l.input.facts(&l.photos, l.review_count, l.updated_at);
        listing::Entity::update_many()
            .col_expr(listing::Column::Facts, Expr::value(json(&facts)))
            .filter(listing::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(ids.len() as u64)
}

/// After a sale or restock moved stock, re-measures whether each listing has stock and rescores
/// those whose answer changed. Returns their ids (the caller refreshes the catalog index).
pub async fn refresh_stock<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    ids: &[i32],
    now: DateTime<Utc>,
) -> Result<Vec<i32>> {
    let mut changed = Vec::new();
    for &id in ids {
        let Some((family, facts)) = listing::Entity::find_by_id(id)
            .select_only()
            .column(listing::Column::Family)
            .column(listing::Column::Facts)
            .into_tuple::<(String, String)>()
            .one(db)
            .await?
        else {
            continue;
        };
        let mut facts: Facts = parse(&facts, "facts", id)?;
        let in_stock = listing_variant::Entity::find()
            .filter(listing_variant::Column::ListingId.eq(id))
            .filter(listing_variant::Column::Quantity.gt(0))
            .one(db)
            .await?
            .is_some();
        if facts.in_stock == in_stock {
            continue;
        }
        facts.in_stock = in_stock;
        listing::Entity::update_many()
            .col_expr(listing::Column::Facts, Expr::value(json(&facts)))
            .filter(listing::Column::Id.eq(id))
            .exec(db)
            .await?;
        let family_rules = rules.get(&family).map(Vec::as_slice).unwrap_or(&[]);
        write_scores(db, &[(id, score(family_rules, &facts, now))]).await?;
        changed.push(id);
    }
    Ok(changed)
}
