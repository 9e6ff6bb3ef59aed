//! Vefa's own CSV format: one column per field, so it round-trips every field. Lists and nested
//! values (tags, specs, variants, …) are JSON in their cell; amounts are decimals in the listing's
//! currency; the VAT rate is a percentage.

use crate::error::FieldCode;
use std::collections::BTreeMap;

use super::read::{Row, Table};
use super::{PhotoSource, photo_source};
use crate::catalog::listings::{Dimensions, Listing, ListingInput, ListingState, Pair, Variant};
use crate::error::FieldError;
use crate::money::{format_fixed, format_minor, parse_fixed, parse_minor};

pub const COLUMNS: [&str; 32] = [
    "title",
    "description",
    "category",
    "family",
    "state",
    "tags",
    "materials",
    "maker",
    "specs",
    "usage",
    "safety",
    "warranty",
    "return_policy",
    "attributes",
    "price",
    "currency",
    "vat_rate",
    "price_includes_vat",
    "shipping_cost",
    "shipping_profile",
    "processing_days_min",
    "processing_days_max",
    "delivery_days_min",
    "delivery_days_max",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "variants",
    "photos",
    "etsy_listing_id",
    "location",
];

pub fn looks_like(t: &Table) -> bool {
    t.has("title") && t.has("variants") && t.has("currency")
}

struct Cells<'a> {
    t: &'a Table,
    row: &'a Row,
    errors: Vec<FieldError>,
}

impl Cells<'_> {
    fn text(&self, c: &str) -> String {
        self.t.get(self.row, c).to_owned()
    }

    fn json<T: serde::de::DeserializeOwned + Default>(&mut self, c: &str) -> T {
        let cell = self.t.get(self.row, c).trim();
        if cell.is_empty() {
            return T::default();
        }
        serde_json::from_str(cell).unwrap_or_else(|e| {
            self.errors
                .push(FieldError::new(c, FieldCode::JsonInvalid).with("reason", e.to_string()));
            T::default()
        })
    }

    fn number(&mut self, c: &str) -> Option<u32> {
        let cell = self.t.get(self.row, c).trim();
        if cell.is_empty() {
            return None;
        }
        cell.parse()
            .map_err(|_| {
                self.errors
                    .push(FieldError::new(c, FieldCode::NotANumber).with("value", cell))
            })
            .ok()
    }

    fn money(&mut self, c: &str, currency: &str) -> Option<i64> {
        let cell = self.t.get(self.row, c).trim();
        if cell.is_empty() {
            return None;
        }
        parse_minor(cell, currency, c)
            .map_err(|e| self.errors.push(e))
            .ok()
    }
}

pub fn to_listing(
    t: &Table,
    row: &Row,
) -> Result<(ListingInput, Vec<PhotoSource>), Vec<FieldError>> {
    let mut c = Cells {
        t,
        row,
        errors: Vec::new(),
    };
    let currency = c.text("currency").trim().to_ascii_uppercase();
    let mut l = ListingInput::draft(&c.text("title"), &currency);
    l.description = c.text("description");
    l.category = c.text("category");
    let family = c.text("family");
    if !family.trim().is_empty() {
        l.family = family;
    }
    let state = c.text("state");
    if !state.trim().is_empty() {
        match ListingState::parse(state.trim()) {
            Some(s) => l.state = s,
            None => c.errors.push(
                FieldError::new("state", FieldCode::StateUnknown).with("value", state.trim()),
            ),
        }
    }
    l.tags = c.json("tags");
    l.materials = c.json("materials");
    l.maker = c.text("maker");
    l.specs = c.json::<Vec<Pair>>("specs");
    l.usage = c.text("usage");
    l.safety = c.text("safety");
    l.warranty = c.text("warranty");
    l.return_policy = c.text("return_policy");
    l.attributes = c.json::<BTreeMap<String, String>>("attributes");
    match c.money("price", &currency) {
        Some(p) => l.price.minor = p,
        None if c.text("price").trim().is_empty() => {
            c.errors.push(FieldError::new("price", FieldCode::Required))
        }
        None => {}
    }
    let vat = c.text("vat_rate");
    if !vat.trim().is_empty() {
        match parse_fixed(&vat, 2, "vat_rate") {
            Ok(bp) => l.vat_rate_bp = Some(bp.min(i64::from(u32::MAX)) as u32),
            Err(e) => c.errors.push(e),
        }
    }
    match c
        .text("price_includes_vat")
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "true" | "yes" | "1" => l.price_includes_vat = true,
        "false" | "no" | "0" => l.price_includes_vat = false,
        other => c.errors.push(
            FieldError::new("price_includes_vat", FieldCode::BoolInvalid).with("value", other),
        ),
    }
    l.shipping.cost_minor = c.money("shipping_cost", &currency);
    l.shipping.profile = c.text("shipping_profile");
    l.shipping.processing_days_min = c.number("processing_days_min");
    l.shipping.processing_days_max = c.number("processing_days_max");
    l.shipping.delivery_days_min = c.number("delivery_days_min");
    l.shipping.delivery_days_max = c.number("delivery_days_max");
    l.weight_g = c.number("weight_g");
    let dims = (
        c.number("length_mm"),
        c.number("width_mm"),
        c.number("height_mm"),
    );
    if let (Some(length_mm), Some(width_mm), Some(height_mm)) = dims {
        l.dimensions = Some(Dimensions {
            length_mm,
            width_mm,
            height_mm,
        });
    }
    let variants: Vec<Variant> = c.json("variants");
    if !variants.is_empty() {
        l.variants = variants;
    }
    let photos: Vec<String> = c.json("photos");
    let etsy = c.text("etsy_listing_id");
    l.etsy_listing_id = Some(etsy.trim().to_owned()).filter(|s| !s.is_empty());
    l.location = c.text("location");
    if c.errors.is_empty() {
        Ok((l, photos.iter().map(|p| photo_source(p)).collect()))
    } else {
        Err(c.errors)
    }
}

/// One listing as a row of cells in `COLUMNS` order.
pub fn to_row(l: &Listing) -> Vec<String> {
    let i = &l.input;
    let cur = &i.price.currency;
    let n = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
    vec![
        i.title.clone(),
        i.description.clone(),
        i.category.clone(),
        i.family.clone(),
        i.state.as_str().to_owned(),
        json(&i.tags),
        json(&i.materials),
        i.maker.clone(),
        json(&i.specs),
        i.usage.clone(),
        i.safety.clone(),
        i.warranty.clone(),
        i.return_policy.clone(),
        json(&i.attributes),
        format_minor(i.price.minor, cur),
        cur.clone(),
        i.vat_rate_bp
            .map(|bp| format_fixed(i64::from(bp), 2))
            .unwrap_or_default(),
        i.price_includes_vat.to_string(),
        i.shipping
            .cost_minor
            .map(|m| format_minor(m, cur))
            .unwrap_or_default(),
        i.shipping.profile.clone(),
        n(i.shipping.processing_days_min),
        n(i.shipping.processing_days_max),
        n(i.shipping.delivery_days_min),
        n(i.shipping.delivery_days_max),
        n(i.weight_g),
        n(i.dimensions.as_ref().map(|d| d.length_mm)),
        n(i.dimensions.as_ref().map(|d| d.width_mm)),
        n(i.dimensions.as_ref().map(|d| d.height_mm)),
        json(&i.variants),
        json(&i.photos),
        i.etsy_listing_id.clone().unwrap_or_default(),
        i.location.clone(),
    ]
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
