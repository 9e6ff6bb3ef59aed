//! Listings in the store. Every save checks the listing, scores it with its family's rules and
//! writes the listing, its variants, its photos and its score in the caller's transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::model::{
    Dimensions, Listing, ListingInput, ListingPhoto, ListingState, Money, Pair, Shipping, Variant,
    validate,
};
use crate::completeness::{Completeness, Rule, evaluate};
use crate::error::{Error, FieldError, Result};
use crate::store::entity::{listing, listing_photo, listing_variant, media};

pub type RuleSets = BTreeMap<String, Vec<Rule>>;

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn parse<T: serde::de::DeserializeOwned>(s: &str, what: &str, id: i32) -> Result<T> {
    serde_json::from_str(s).map_err(|_| Error::Corrupt(format!("listing {id} {what}")))
}

/// `,photos,warranty,` — so a filter on one unmet rule is a LIKE on a bounded pattern.
pub(crate) fn unmet_column(c: &Completeness) -> String {
    let mut s = String::from(",");
    for u in &c.unmet {
        s.push_str(&u.rule);
        s.push(',');
    }
    s
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
            None => errors.push(FieldError::new(&format!("photos[{i}]"), "photo_missing")),
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
    let skus: Vec<String> = input
        .variants
        .iter()
        .filter(|v| !v.sku.is_empty())
        .map(|v| v.sku.clone())
        .collect();
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
                    FieldError::new(&format!("variants[{i}].sku"), "sku_taken")
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
                FieldError::new("etsy_listing_id", "marketplace_id_taken")
                    .with("listing", other.id),
            );
        }
    }
    Ok(errors)
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
            errors.push(FieldError::new("family", "family_unknown").with("value", &clean.family));
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
    let completeness = evaluate(family_rules, &clean.facts(&photos, review_count, now), now);

    let s = &clean.shipping;
    let d = clean.dimensions.clone();
    let mut row = listing::ActiveModel {
        title: Set(clean.title.clone()),
        description: Set(clean.description.clone()),
        category: Set(clean.category.clone()),
        family: Set(clean.family.clone()),
        tags: Set(json(&clean.tags)),
        materials: Set(json(&clean.materials)),
        maker: Set(clean.maker.clone()),
        specs: Set(json(&clean.specs)),
        usage: Set(clean.usage.clone()),
        safety: Set(clean.safety.clone()),
        warranty: Set(clean.warranty.clone()),
        return_policy: Set(clean.return_policy.clone()),
        attributes: Set(json(&clean.attributes)),
        price_minor: Set(Some(clean.price.minor)),
        currency: Set(clean.price.currency.clone()),
        vat_rate_bp: Set(opt_i32(clean.vat_rate_bp)),
        price_includes_vat: Set(clean.price_includes_vat),
        shipping_cost_minor: Set(s.cost_minor),
        shipping_profile: Set(s.profile.clone()),
        processing_min: Set(opt_i32(s.processing_days_min)),
        processing_max: Set(opt_i32(s.processing_days_max)),
        delivery_min: Set(opt_i32(s.delivery_days_min)),
        delivery_max: Set(opt_i32(s.delivery_days_max)),
        weight_g: Set(opt_i32(clean.weight_g)),
        length_mm: Set(opt_i32(d.as_ref().map(|d| d.length_mm))),
        width_mm: Set(opt_i32(d.as_ref().map(|d| d.width_mm))),
        height_mm: Set(opt_i32(d.as_ref().map(|d| d.height_mm))),
        state: Set(clean.state.as_str().to_owned()),
        etsy_listing_id: Set(clean.etsy_listing_id.clone()),
        score: Set(i16::from(completeness.score)),
        complete: Set(completeness.complete),
        unmet: Set(unmet_column(&completeness)),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = match existing {
        Some(old) => {
            row.id = Set(old.id);
            row.update(db).await?;
            listing_variant::Entity::delete_many()
                .filter(listing_variant::Column::ListingId.eq(old.id))
                .exec(db)
                .await?;
            listing_photo::Entity::delete_many()
                .filter(listing_photo::Column::ListingId.eq(old.id))
                .exec(db)
                .await?;
            old.id
        }
        None => {
            row.review_count = Set(0);
            row.rating_x100 = Set(None);
            row.archived_at = Set(None);
            row.created_at = Set(now);
            row.insert(db).await?.id
        }
    };
    write_children(db, id, &clean).await?;
    Ok((id, completeness))
}

async fn write_children<C: ConnectionTrait>(db: &C, id: i32, clean: &ListingInput) -> Result<()> {
    let variants: Vec<listing_variant::ActiveModel> = clean
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| listing_variant::ActiveModel {
            listing_id: Set(id),
            position: Set(i as i32),
            sku: Set(Some(v.sku.clone()).filter(|s| !s.is_empty())),
            options: Set(json(&v.options)),
            price_override_minor: Set(v.price_override_minor),
            quantity: Set(v.quantity),
            barcode: Set(v.barcode.clone()),
            ..Default::default()
        })
        .collect();
    listing_variant::Entity::insert_many(variants)
        .exec(db)
        .await?;
    if !clean.photos.is_empty() {
        let photos: Vec<listing_photo::ActiveModel> = clean
            .photos
            .iter()
            .enumerate()
            .map(|(i, h)| listing_photo::ActiveModel {
                listing_id: Set(id),
                position: Set(i as i32),
                media_hash: Set(h.clone()),
            })
            .collect();
        listing_photo::Entity::insert_many(photos).exec(db).await?;
    }
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
    })
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

/// Recomputes stored scores (of one family, or all) and writes the ones that changed; returns
/// how many changed.
pub async fn recompute<C: ConnectionTrait>(
    db: &C,
    rules: &RuleSets,
    family: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut q = listing::Entity::find();
    if let Some(f) = family {
        q = q.filter(listing::Column::Family.eq(f));
    }
    let total = q.clone().count(db).await?;
    let mut changed = 0;
    let mut last_id = 0;
    // In pages, so 100k listings never sit in memory at once.
    loop {
        let rows = q
            .clone()
            .filter(listing::Column::Id.gt(last_id))
            .order_by_asc(listing::Column::Id)
            .limit(2000)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        last_id = last.id;
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let mut variants: HashMap<i32, Vec<Variant>> = HashMap::new();
        for v in listing_variant::Entity::find()
            .filter(listing_variant::Column::ListingId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            variants.entry(v.listing_id).or_default().push(Variant {
                sku: v.sku.unwrap_or_default(),
                quantity: v.quantity,
                ..Default::default()
            });
        }
        let mut photos: HashMap<i32, Vec<String>> = HashMap::new();
        for p in listing_photo::Entity::find()
            .filter(listing_photo::Column::ListingId.is_in(ids))
            .order_by_asc(listing_photo::Column::Position)
            .all(db)
            .await?
        {
            photos.entry(p.listing_id).or_default().push(p.media_hash);
        }
        let all_hashes: Vec<String> = photos.values().flatten().cloned().collect();
        let sizes: HashMap<String, (u32, u32)> = media::Entity::find()
            .filter(media::Column::Hash.is_in(all_hashes))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.hash, (m.width as u32, m.height as u32)))
            .collect();
        for row in rows {
            let hashes = photos.remove(&row.id).unwrap_or_default();
            let listing_photos: Vec<ListingPhoto> = hashes
                .iter()
                .filter_map(|h| {
                    sizes.get(h).map(|(w, hh)| ListingPhoto {
                        hash: h.clone(),
                        width: *w,
                        height: *hh,
                    })
                })
                .collect();
            let input = input_from(&row, variants.remove(&row.id).unwrap_or_default(), hashes)?;
            let family_rules = rules.get(&row.family).map(Vec::as_slice).unwrap_or(&[]);
            let c = evaluate(
                family_rules,
                &input.facts(
                    &listing_photos,
                    row.review_count.max(0) as u32,
                    row.updated_at,
                ),
                now,
            );
            let unmet = unmet_column(&c);
            if i16::from(c.score) != row.score || c.complete != row.complete || unmet != row.unmet {
                listing::Entity::update_many()
                    .col_expr(listing::Column::Score, Expr::value(i16::from(c.score)))
                    .col_expr(listing::Column::Complete, Expr::value(c.complete))
                    .col_expr(listing::Column::Unmet, Expr::value(unmet))
                    .filter(listing::Column::Id.eq(row.id))
                    .exec(db)
                    .await?;
                changed += 1;
            }
        }
    }
    tracing::debug!(total, changed, "completeness recomputed");
    Ok(changed)
}
