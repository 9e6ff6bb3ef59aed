//! Etsy's own listings CSV export: TITLE, DESCRIPTION, PRICE, CURRENCY_CODE, QUANTITY, TAGS,
//! MATERIALS, IMAGE1…IMAGE10, VARIATION 1 TYPE/NAME/VALUES, VARIATION 2 …, SKU.

use super::read::{Row, Table};
use super::{PhotoSource, photo_source};
use crate::catalog::listings::{ListingInput, ListingState, Pair, Variant};
use crate::error::FieldCode;
use crate::error::FieldError;
use crate::money::parse_minor;

pub fn looks_like(t: &Table) -> bool {
    t.has("TITLE") && t.has("PRICE") && t.has("CURRENCY_CODE")
}

fn list(cell: &str) -> Vec<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One Etsy row as a listing. Etsy's export has one quantity and one SKU per listing: each
/// variant gets the quantity, and the first variant the SKU.
pub fn to_listing(
    t: &Table,
    row: &Row,
) -> Result<(ListingInput, Vec<PhotoSource>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let currency = t.get(row, "CURRENCY_CODE").trim().to_ascii_uppercase();
    let mut l = ListingInput::draft(t.get(row, "TITLE"), &currency);
    l.description = t.get(row, "DESCRIPTION").to_owned();
    l.state = ListingState::Active;
    l.tags = list(t.get(row, "TAGS"));
    l.materials = list(t.get(row, "MATERIALS"));
    match parse_minor(t.get(row, "PRICE"), &currency, "PRICE") {
        Ok(p) => l.price.minor = p,
        Err(e) => errors.push(e),
    }
    let quantity_text = t.get(row, "QUANTITY").trim();
    let quantity = if quantity_text.is_empty() {
        0
    } else {
        quantity_text.parse::<i64>().unwrap_or_else(|_| {
            errors.push(
                FieldError::new("QUANTITY", FieldCode::NotANumber).with("value", quantity_text),
            );
            0
        })
    };

    let mut axes: Vec<(String, Vec<String>)> = Vec::new();
    for k in 1..=2 {
        let values = list(t.get(row, &format!("VARIATION {k} VALUES")));
        if values.is_empty() {
            continue;
        }
        let name = [format!("VARIATION {k} NAME"), format!("VARIATION {k} TYPE")]
            .iter()
            .map(|c| t.get(row, c).trim())
            .find(|s| !s.is_empty())
            .unwrap_or("Option")
            .to_owned();
        axes.push((name, values));
    }
    let mut combos: Vec<Vec<Pair>> = vec![vec![]];
    for (name, values) in &axes {
        combos = combos
            .iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    [
                        c.clone(),
                        vec![Pair {
                            name: name.clone(),
                            value: v.clone(),
                        }],
                    ]
                    .concat()
                })
            })
            .collect();
    }
    l.variants = combos
        .into_iter()
        .map(|options| Variant {
            options,
            quantity,
            ..Default::default()
        })
        .collect();
    if let Some(first) = l.variants.first_mut() {
        first.sku = t.get(row, "SKU").trim().to_owned();
    }

    let photos = (1..=10)
        .map(|i| t.get(row, &format!("IMAGE{i}")).trim())
        .filter(|s| !s.is_empty())
        .map(photo_source)
        .collect();
    if errors.is_empty() {
        Ok((l, photos))
    } else {
        Err(errors)
    }
}
