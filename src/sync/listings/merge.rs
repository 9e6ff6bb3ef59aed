//! The three-way merge of the fields both sides edit, and how variants are paired across sides.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::catalog::listings::{ListingInput, Variant};
use crate::sync::remote::{Offer, Price, SyncedFields};

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

impl SyncedFields {
    pub(super) fn of(input: &ListingInput) -> Self {
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

    pub(super) fn map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    pub(super) fn apply_to(self, input: &mut ListingInput) {
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

pub(super) fn is_empty(v: &Value) -> bool {
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

/// On a first link the marketplace's stock is taken: it is the live figure, where Vefa's may
/// come from an old import. Variants are matched as pushes match them.
pub(super) fn take_stock(local: &mut [Variant], remote: &[Variant]) {
    let keys: Vec<String> = local.iter().map(variant_key).collect();
    let theirs: Vec<String> = remote.iter().map(variant_key).collect();
    let want: Vec<&str> = keys.iter().map(String::as_str).collect();
    let have: Vec<&str> = theirs.iter().map(String::as_str).collect();
    for (i, j) in pair(&want, &have) {
        local[i].quantity = remote[j].quantity;
    }
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
