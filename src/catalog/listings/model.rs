//! What a listing is, as the editor sends it and the window shows it, and the checks on every
//! change. Field errors name the exact field (`variants[1].sku`) so the editor can point at it.

use crate::error::FieldCode;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::catalog::completeness::{Completeness, Facts, chars};
use crate::error::FieldError;
use crate::fields::Errors;

/// Etsy's limits, which the other marketplaces do not exceed.
pub const MAX_TITLE_CHARS: usize = 140;
pub const MAX_TAGS: usize = 13;
pub const MAX_TAG_CHARS: usize = 20;
pub const MAX_MATERIALS: usize = 13;
pub const MAX_MATERIAL_CHARS: usize = 45;
pub const MAX_QUANTITY: i64 = 999_999;
/// 10^13 minor units (a hundred billion euros): far above any listing, and far inside the
/// integers a JavaScript number holds exactly (2^53), so the window never rounds money.
pub const MAX_AMOUNT_MINOR: i64 = 10_000_000_000_000;
pub const MAX_PHOTOS: usize = 20;
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
const MAX_DESCRIPTION_CHARS: usize = 100_000;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_SHORT_CHARS: usize = 200;
/// A bin or shelf name, as printed on the pick list.
pub const MAX_LOCATION_CHARS: usize = 64;
const MAX_SPECS: usize = 100;
const MAX_VARIANTS: usize = 500;
const MAX_DAYS: u32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum ListingState {
    #[default]
    Draft,
    Active,
    Inactive,
    SoldOut,
}

impl ListingState {
    pub const ALL: [ListingState; 4] = [
        ListingState::Draft,
        ListingState::Active,
        ListingState::Inactive,
        ListingState::SoldOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListingState::Draft => "draft",
            ListingState::Active => "active",
            ListingState::Inactive => "inactive",
            ListingState::SoldOut => "sold_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A name/value pair: a technical specification or a variant option (size: M).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Pair {
    pub name: String,
    pub value: String,
}

/// Money in minor units (cents, qəpik, kuruş) and an ISO 4217 code; never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Money {
    // TypeScript `number` (i32 is only the type hint): amounts are capped at MAX_AMOUNT_MINOR,
    // which a JavaScript number holds exactly.
    #[specta(type = i32)]
    pub minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
pub struct Shipping {
    #[specta(type = Option<i32>)]
    pub cost_minor: Option<i64>,
    /// A named shipping profile, standing for cost and time.
    pub profile: String,
    pub processing_days_min: Option<u32>,
    pub processing_days_max: Option<u32>,
    pub delivery_days_min: Option<u32>,
    pub delivery_days_max: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
pub struct Dimensions {
    pub length_mm: u32,
    pub width_mm: u32,
    pub height_mm: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
pub struct Variant {
    /// Empty when the variant has none; unique across the catalog otherwise.
    pub sku: String,
    pub options: Vec<Pair>,
    #[specta(type = Option<i32>)]
    pub price_override_minor: Option<i64>,
    #[specta(type = i32)]
    pub quantity: i64,
    pub barcode: String,
}

/// A listing as the editor sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ListingInput {
    pub title: String,
    pub description: String,
    pub category: String,
    /// The completeness family: `default`, `electronics`, `books`, … or one the seller made.
    pub family: String,
    pub tags: Vec<String>,
    pub materials: Vec<String>,
    /// Brand, author or maker, whichever the category uses.
    pub maker: String,
    pub specs: Vec<Pair>,
    pub usage: String,
    pub safety: String,
    pub warranty: String,
    pub return_policy: String,
    /// Family attributes: `isbn`, `language`, `age_range`, `size_chart`, `ingredients`, `shelf_life`, …
    pub attributes: BTreeMap<String, String>,
    pub price: Money,
    /// VAT in basis points: 1800 is 18 %.
    pub vat_rate_bp: Option<u32>,
    pub price_includes_vat: bool,
    pub shipping: Shipping,
    pub weight_g: Option<u32>,
    pub dimensions: Option<Dimensions>,
    pub state: ListingState,
    pub variants: Vec<Variant>,
    /// Media hashes of the photos, in order.
    pub photos: Vec<String>,
    pub etsy_listing_id: Option<String>,
    /// Where the goods sit in the stockroom (a bin, a shelf): the pick list is sorted by it.
    #[serde(default)]
    pub location: String,
}

impl ListingInput {
    /// An empty draft in a currency: what "New listing" starts from.
    pub fn draft(title: &str, currency: &str) -> Self {
        Self {
            title: title.to_owned(),
            description: String::new(),
            category: String::new(),
            family: "default".into(),
            tags: vec![],
            materials: vec![],
            maker: String::new(),
            specs: vec![],
            usage: String::new(),
            safety: String::new(),
            warranty: String::new(),
            return_policy: String::new(),
            attributes: BTreeMap::new(),
            price: Money {
                minor: 0,
                currency: currency.to_owned(),
            },
            vat_rate_bp: None,
            price_includes_vat: true,
            shipping: Shipping::default(),
            weight_g: None,
            dimensions: None,
            state: ListingState::Draft,
            variants: vec![Variant::default()],
            photos: vec![],
            etsy_listing_id: None,
            location: String::new(),
        }
    }
}

/// A photo as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ListingPhoto {
    pub hash: String,
    pub width: u32,
    pub height: u32,
}

/// A stored listing with its completeness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Listing {
    pub id: i32,
    pub input: ListingInput,
    pub photos: Vec<ListingPhoto>,
    pub review_count: u32,
    pub rating_x100: Option<u32>,
    pub completeness: Completeness,
    pub archived: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl ListingInput {
    /// The variants' SKUs that are set (each unique across the catalog).
    pub fn skus(&self) -> impl Iterator<Item = &str> {
        self.variants
            .iter()
            .map(|v| v.sku.as_str())
            .filter(|s| !s.is_empty())
    }

    /// What the completeness rules look at, measured once: see [`Facts`].
    pub fn facts(
        &self,
        photos: &[ListingPhoto],
        review_count: u32,
        updated_at: chrono::DateTime<chrono::Utc>,
    ) -> Facts {
        let n = |len: usize| len.min(u32::MAX as usize) as u32;
        Facts {
            description: chars(&self.description),
            maker: chars(&self.maker),
            usage: chars(&self.usage),
            safety: chars(&self.safety),
            warranty: chars(&self.warranty),
            return_policy: chars(&self.return_policy),
            tags: n(self.tags.len()),
            materials: n(self.materials.len()),
            specs: n(self
                .specs
                .iter()
                .filter(|p| !p.name.trim().is_empty() && !p.value.trim().is_empty())
                .count()),
            attributes: self
                .attributes
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, _)| k.clone())
                .collect(),
            photos: photos.iter().map(|p| (p.width, p.height)).collect(),
            price_minor: Some(self.price.minor),
            vat_rate_bp: self.vat_rate_bp,
            shipping_cost_minor: self.shipping.cost_minor,
            shipping_profile: !self.shipping.profile.trim().is_empty(),
            delivery_days_max: self.shipping.delivery_days_max,
            variants: n(self.variants.len()),
            variants_without_sku: n(self
                .variants
                .iter()
                .filter(|v| v.sku.trim().is_empty())
                .count()),
            in_stock: self.variants.iter().any(|v| v.quantity > 0),
            review_count,
            updated_at,
        }
    }
}

/// A score a rescore wants written, by listing id.
pub type ScoreUpdate = (i32, crate::catalog::completeness::Score);

fn trim_all(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A range of days: each end at most [`MAX_DAYS`], the first not above the second.
fn days(c: &mut Errors, field: &str, min: Option<u32>, max: Option<u32>) {
    for v in [min, max].into_iter().flatten() {
        if v > MAX_DAYS {
            c.push(
                FieldError::new(field, FieldCode::OutOfRange)
                    .with("min", 0)
                    .with("max", MAX_DAYS),
            );
            return;
        }
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        c.push(
            FieldError::new(field, FieldCode::MinAboveMax)
                .with("min", a)
                .with("max", b),
        );
    }
}

/// Trims and checks a listing; returns every field error at once, in the order of the form.
pub fn validate(input: &ListingInput) -> Result<ListingInput, Vec<FieldError>> {
    let clean = trimmed(input);
    let mut c = Errors::default();
    check_texts(&mut c, &clean);
    check_lists(&mut c, &clean);
    check_money(&mut c, &clean);
    check_shipping(&mut c, &clean);
    check_variants(&mut c, &clean);
    if clean.photos.len() > MAX_PHOTOS {
        c.push(FieldError::new("photos", FieldCode::TooMany).with("max", MAX_PHOTOS));
    }
    if let Some(id) = &clean.etsy_listing_id
        && (id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()))
    {
        c.push(FieldError::new("etsy_listing_id", FieldCode::MarketplaceId).with("value", id));
    }
    c.finish(clean)
}

/// The listing with its words trimmed (and the currency upper-cased): what is checked and kept.
fn trimmed(input: &ListingInput) -> ListingInput {
    let mut clean = input.clone();
    clean.title = input.title.trim().to_owned();
    clean.category = input.category.trim().to_owned();
    clean.family = input.family.trim().to_owned();
    clean.maker = input.maker.trim().to_owned();
    clean.tags = trim_all(&input.tags);
    clean.materials = trim_all(&input.materials);
    clean.price.currency = input.price.currency.trim().to_ascii_uppercase();
    clean.shipping.profile = input.shipping.profile.trim().to_owned();
    clean.location = input.location.trim().to_owned();
    clean.etsy_listing_id = input
        .etsy_listing_id
        .as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    for v in &mut clean.variants {
        v.sku = v.sku.trim().to_owned();
        v.barcode = v.barcode.trim().to_owned();
        for o in &mut v.options {
            o.name = o.name.trim().to_owned();
            o.value = o.value.trim().to_owned();
        }
    }
    for p in &mut clean.specs {
        p.name = p.name.trim().to_owned();
        p.value = p.value.trim().to_owned();
    }
    clean
}

/// Title, description and the other texts.
fn check_texts(c: &mut Errors, l: &ListingInput) {
    c.line("title", &l.title, MAX_TITLE_CHARS, true);
    c.text("description", &l.description, MAX_DESCRIPTION_CHARS, false);
    c.line("category", &l.category, MAX_SHORT_CHARS, false);
    c.line("maker", &l.maker, MAX_SHORT_CHARS, false);
    c.line("location", &l.location, MAX_LOCATION_CHARS, false);
    if l.family.is_empty() {
        c.push(FieldError::new("family", FieldCode::Required));
    }
    for (field, value) in [
        ("usage", &l.usage),
        ("safety", &l.safety),
        ("warranty", &l.warranty),
        ("return_policy", &l.return_policy),
    ] {
        c.text(field, value, MAX_TEXT_CHARS, false);
    }
}

/// Tags, materials, specifications and attributes.
fn check_lists(c: &mut Errors, l: &ListingInput) {
    if l.tags.len() > MAX_TAGS {
        c.push(FieldError::new("tags", FieldCode::TooMany).with("max", MAX_TAGS));
    }
    for (i, t) in l.tags.iter().enumerate() {
        c.line(&format!("tags[{i}]"), t, MAX_TAG_CHARS, false);
    }
    if l.materials.len() > MAX_MATERIALS {
        c.push(FieldError::new("materials", FieldCode::TooMany).with("max", MAX_MATERIALS));
    }
    for (i, m) in l.materials.iter().enumerate() {
        c.line(&format!("materials[{i}]"), m, MAX_MATERIAL_CHARS, false);
    }

    if l.specs.len() > MAX_SPECS {
        c.push(FieldError::new("specs", FieldCode::TooMany).with("max", MAX_SPECS));
    }
    for (i, p) in l.specs.iter().enumerate() {
        c.line(
            &format!("specs[{i}].name"),
            &p.name,
            MAX_SHORT_CHARS,
            !p.value.trim().is_empty(),
        );
        c.line(
            &format!("specs[{i}].value"),
            &p.value,
            MAX_SHORT_CHARS * 5,
            false,
        );
    }
    for (k, v) in &l.attributes {
        if k.is_empty()
            || k.len() > 32
            || !k
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            c.push(FieldError::new("attributes", FieldCode::KeyInvalid).with("value", k));
        }
        c.text(&format!("attributes.{k}"), v, MAX_TEXT_CHARS, false);
    }
}

/// Price, amounts, currency and VAT.
fn check_money(c: &mut Errors, l: &ListingInput) {
    if l.price.minor <= 0 {
        c.push(FieldError::new("price", FieldCode::PricePositive));
    }
    let mut amounts = vec![
        ("price".to_owned(), Some(l.price.minor)),
        ("shipping.cost_minor".to_owned(), l.shipping.cost_minor),
    ];
    for (i, v) in l.variants.iter().enumerate() {
        amounts.push((
            format!("variants[{i}].price_override_minor"),
            v.price_override_minor,
        ));
    }
    for (field, amount) in amounts {
        if amount.is_some_and(|a| a > MAX_AMOUNT_MINOR) {
            c.push(
                FieldError::new(&field, FieldCode::AmountTooLarge).with("max", MAX_AMOUNT_MINOR),
            );
        }
    }
    if iso_currency::Currency::from_code(&l.price.currency).is_none() {
        c.push(
            FieldError::new("price.currency", FieldCode::CurrencyUnknown)
                .with("value", &l.price.currency),
        );
    }
    if l.vat_rate_bp.is_some_and(|v| v > 10_000) {
        c.push(
            FieldError::new("vat_rate_bp", FieldCode::OutOfRange)
                .with("min", 0)
                .with("max", 10_000),
        );
    }
}

/// Shipping cost and days, weight and size.
fn check_shipping(c: &mut Errors, l: &ListingInput) {
    if l.shipping.cost_minor.is_some_and(|v| v < 0) {
        c.push(FieldError::new("shipping.cost_minor", FieldCode::Negative));
    }
    c.line(
        "shipping.profile",
        &l.shipping.profile,
        MAX_SHORT_CHARS,
        false,
    );
    days(
        c,
        "shipping.processing_days",
        l.shipping.processing_days_min,
        l.shipping.processing_days_max,
    );
    days(
        c,
        "shipping.delivery_days",
        l.shipping.delivery_days_min,
        l.shipping.delivery_days_max,
    );
    if l.weight_g.is_some_and(|w| w > 1_000_000) {
        c.push(
            FieldError::new("weight_g", FieldCode::OutOfRange)
                .with("min", 0)
                .with("max", 1_000_000),
        );
    }
    if let Some(d) = &l.dimensions
        && [d.length_mm, d.width_mm, d.height_mm]
            .iter()
            .any(|v| *v > 100_000)
    {
        c.push(
            FieldError::new("dimensions", FieldCode::OutOfRange)
                .with("min", 0)
                .with("max", 100_000),
        );
    }
}

/// Variants: SKUs (none twice), barcodes, stock, prices, options.
fn check_variants(c: &mut Errors, l: &ListingInput) {
    if l.variants.is_empty() {
        c.push(FieldError::new("variants", FieldCode::Required));
    } else if l.variants.len() > MAX_VARIANTS {
        c.push(FieldError::new("variants", FieldCode::TooMany).with("max", MAX_VARIANTS));
    }
    let mut skus = std::collections::HashSet::new();
    for (i, v) in l.variants.iter().enumerate() {
        let f = |name: &str| format!("variants[{i}].{name}");
        c.line(&f("sku"), &v.sku, 64, false);
        if !v.sku.is_empty() && !skus.insert(v.sku.as_str()) {
            c.push(FieldError::new(&f("sku"), FieldCode::Duplicate).with("value", &v.sku));
        }
        c.line(&f("barcode"), &v.barcode, 64, false);
        if v.quantity < 0 {
            c.push(FieldError::new(&f("quantity"), FieldCode::Negative));
        } else if v.quantity > MAX_QUANTITY {
            c.push(
                FieldError::new(&f("quantity"), FieldCode::OutOfRange)
                    .with("min", 0)
                    .with("max", MAX_QUANTITY),
            );
        }
        if v.price_override_minor.is_some_and(|p| p <= 0) {
            c.push(FieldError::new(
                &f("price_override_minor"),
                FieldCode::PricePositive,
            ));
        }
        for (j, o) in v.options.iter().enumerate() {
            c.line(
                &format!("variants[{i}].options[{j}].name"),
                &o.name,
                MAX_SHORT_CHARS,
                true,
            );
            c.line(
                &format!("variants[{i}].options[{j}].value"),
                &o.value,
                MAX_SHORT_CHARS,
                true,
            );
        }
    }
}
