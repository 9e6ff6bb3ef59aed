//! Checklist templates: the ordered steps a parcel goes through before the courier. One ships
//! for every order (`default`) and a few families add what their buyers complain of; the seller
//! edits them in the app, and an edited template is stored whole.

use crate::error::FieldCode;
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::inspection_template;
use crate::orders::ProblemKind;

pub const DEFAULT_FAMILY: &str = "default";
pub const MAX_STEPS: usize = 30;
pub const MAX_LABEL_CHARS: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Scan every line item: each code must be on the order, each count must match.
    Scan,
    /// A yes/no check (not damaged, manual included…).
    Check,
    /// A photo of the packed parcel, kept with the order.
    Photo,
    /// A free note.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Step {
    /// Stable within the template: `vefa inspect --check KEY=yes` names a step by it.
    pub key: String,
    pub kind: StepKind,
    /// The seller's words. Empty for a shipped step, which the window names in its language.
    #[serde(default)]
    pub label: String,
    pub required: bool,
    /// The problem a "no" opens on the order. None: the packer puts it right there and then
    /// (repacks, adds the invoice) and answers again.
    #[serde(default)]
    pub fails_as: Option<ProblemKind>,
}

/// A family's checklist as the window shows and edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Template {
    pub family: String,
    pub steps: Vec<Step>,
    /// Still the one that ships with the app (never edited, or reset).
    #[serde(default)]
    pub shipped: bool,
}

fn step(key: &str, kind: StepKind, required: bool, fails_as: Option<ProblemKind>) -> Step {
    Step {
        key: key.to_owned(),
        kind,
        label: String::new(),
        required,
        fails_as,
    }
}

fn base() -> Vec<Step> {
    use ProblemKind as P;
    use StepKind as K;
    vec![
        step("scan_items", K::Scan, true, Some(P::MissingPart)),
        step("not_damaged", K::Check, true, Some(P::Damaged)),
        step("accessories_included", K::Check, true, Some(P::MissingPart)),
        step("packaging_fits", K::Check, true, None),
        step("invoice_included", K::Check, false, None),
        step("label_matches", K::Check, true, Some(P::WrongAddress)),
        step("parcel_photo", K::Photo, false, None),
        step("note", K::Note, false, None),
    ]
}

/// The shipped steps of a family; `None` for a family that uses the default checklist.
pub fn shipped(family: &str) -> Option<Vec<Step>> {
    use ProblemKind as P;
    use StepKind as K;
    let extra = match family {
        DEFAULT_FAMILY => return Some(base()),
        "electronics" => step("powers_on", K::Check, true, Some(P::Damaged)),
        "toys" => step("safety_labels", K::Check, true, None),
        "clothing" => step("size_label_matches", K::Check, true, Some(P::WrongItem)),
        "food_cosmetics" => step("sealed_in_date", K::Check, true, Some(P::Damaged)),
        _ => return None,
    };
    let mut steps = base();
    // After the checks of the goods, before the label and the photo.
    let at = steps
        .iter()
        .position(|s| s.key == "packaging_fits")
        .unwrap_or(steps.len());
    steps.insert(at, extra);
    Some(steps)
}

/// The families with a shipped checklist of their own.
pub const SHIPPED_FAMILIES: [&str; 5] = [
    DEFAULT_FAMILY,
    "electronics",
    "toys",
    "clothing",
    "food_cosmetics",
];

fn valid_key(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a template and returns it cleaned (labels trimmed). A template needs at least one
/// step, keys that are unique, labels on the seller's own steps, at most one scan step, and a
/// problem only where a "no" can be answered (checks and the scan).
pub fn check(family: &str, steps: &[Step]) -> Result<Vec<Step>, Vec<FieldError>> {
    let mut e = Errors::default();
    if !valid_key(family, 32) {
        e.push(FieldError::new("family", FieldCode::KeyInvalid).with("value", family));
    }
    if steps.is_empty() {
        e.push(FieldError::new("steps", FieldCode::Required));
    }
    if steps.len() > MAX_STEPS {
        e.push(FieldError::new("steps", FieldCode::TooMany).with("max", MAX_STEPS));
    }
    let shipped_keys: HashSet<String> = SHIPPED_FAMILIES
        .iter()
        .flat_map(|f| shipped(f).unwrap_or_default())
        .map(|s| s.key)
        .collect();
    let mut seen = HashSet::new();
    let mut scans = 0;
    let mut out = Vec::with_capacity(steps.len());
    for (i, s) in steps.iter().enumerate() {
        let field = |name: &str| format!("steps[{i}].{name}");
        if !valid_key(&s.key, 32) {
            e.push(FieldError::new(&field("key"), FieldCode::KeyInvalid).with("value", &s.key));
        } else if !seen.insert(s.key.as_str()) {
            e.push(FieldError::new(&field("key"), FieldCode::Duplicate).with("value", &s.key));
        }
        let own_step = !shipped_keys.contains(&s.key);
        let label = e.line(&field("label"), &s.label, MAX_LABEL_CHARS, own_step);
        if s.kind == StepKind::Scan {
            scans += 1;
            if scans == 2 {
                e.push(FieldError::new(&field("kind"), FieldCode::Duplicate).with("value", "scan"));
            }
        }
        if s.fails_as.is_some() && !matches!(s.kind, StepKind::Check | StepKind::Scan) {
            e.push(FieldError::new(
                &field("fails_as"),
                FieldCode::NotAnswerable,
            ));
        }
        out.push(Step { label, ..s.clone() });
    }
    e.finish(out)
}

/// Every family's checklist: the seller's edits over the shipped ones.
pub async fn load_all<C: ConnectionTrait>(db: &C) -> Result<BTreeMap<String, Template>> {
    let mut out: BTreeMap<String, Template> = SHIPPED_FAMILIES
        .iter()
        .map(|f| {
            let t = Template {
                family: (*f).to_owned(),
                steps: shipped(f).unwrap_or_default(),
                shipped: true,
            };
            ((*f).to_owned(), t)
        })
        .collect();
    for row in inspection_template::Entity::find().all(db).await? {
        let steps: Vec<Step> = serde_json::from_str(&row.steps)
            .map_err(|_| Error::Corrupt(format!("inspection template {}", row.family)))?;
        out.insert(
            row.family.clone(),
            Template {
                family: row.family,
                steps,
                shipped: false,
            },
        );
    }
    Ok(out)
}

/// Saves a family's checklist (checked), replacing the one it had.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    family: &str,
    steps: &[Step],
    now: DateTime<Utc>,
) -> Result<Vec<Step>> {
    let steps = check(family, steps).map_err(Error::Validation)?;
    let json = serde_json::to_string(&steps).map_err(|e| Error::Corrupt(e.to_string()))?;
    inspection_template::Entity::insert(inspection_template::ActiveModel {
        family: Set(family.to_owned()),
        steps: Set(json),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(inspection_template::Column::Family)
            .update_columns([
                inspection_template::Column::Steps,
                inspection_template::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(steps)
}

/// Forgets the seller's edits of a family: it goes back to the shipped checklist, or to the
/// default one when none ships for it.
pub async fn reset<C: ConnectionTrait>(db: &C, family: &str) -> Result<()> {
    inspection_template::Entity::delete_many()
        .filter(inspection_template::Column::Family.eq(family))
        .exec(db)
        .await?;
    Ok(())
}

/// The checklist for an order whose catalog lines belong to `families`: the default's when
/// none of them has its own; one family's own; for a parcel mixing families, the first one's
/// steps followed by the others' steps it lacks. Returns the family name recorded on the run
/// ("clothing+electronics" for a mix).
pub fn for_families(
    templates: &BTreeMap<String, Template>,
    families: &[String],
) -> (String, Vec<Step>) {
    let mut own: Vec<&Template> = families
        .iter()
        .filter(|f| f.as_str() != DEFAULT_FAMILY)
        .filter_map(|f| templates.get(f))
        .collect();
    own.sort_by(|a, b| a.family.cmp(&b.family));
    own.dedup_by(|a, b| a.family == b.family);
    let Some((first, rest)) = own.split_first() else {
        let steps = templates
            .get(DEFAULT_FAMILY)
            .map(|t| t.steps.clone())
            .unwrap_or_else(base);
        return (DEFAULT_FAMILY.to_owned(), steps);
    };
    let mut steps = first.steps.clone();
    let mut name = first.family.clone();
    for t in rest {
        name.push('+');
        name.push_str(&t.family);
        for s in &t.steps {
            let clashes = steps
                .iter()
                .any(|x| x.key == s.key || (s.kind == StepKind::Scan && x.kind == StepKind::Scan));
            if !clashes {
                steps.push(s.clone());
            }
        }
    }
    name.truncate(32);
    (name, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_checklist_is_valid_and_scans_first() {
        for f in SHIPPED_FAMILIES {
            let steps = shipped(f).unwrap();
            assert_eq!(check(f, &steps).unwrap(), steps, "{f}");
            assert_eq!(steps[0].kind, StepKind::Scan, "{f}");
        }
        assert!(
            shipped("books").is_none(),
            "books use the default checklist"
        );
    }

    #[test]
    fn a_template_is_checked_step_by_step() {
        let mut steps = shipped(DEFAULT_FAMILY).unwrap();
        steps.push(Step {
            key: "gift_wrap".into(),
            kind: StepKind::Check,
            label: "  ".into(),
            required: false,
            fails_as: None,
        });
        steps.push(Step {
            key: "scan_items".into(),
            kind: StepKind::Scan,
            label: "again".into(),
            required: true,
            fails_as: None,
        });
        steps.push(Step {
            key: "Bad Key".into(),
            kind: StepKind::Note,
            label: "x".into(),
            required: false,
            fails_as: Some(ProblemKind::Damaged),
        });
        let errors = check("default", &steps).unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("steps[8].label", "required"),
                ("steps[9].key", "duplicate"),
                ("steps[9].kind", "duplicate"),
                ("steps[10].key", "key_invalid"),
                ("steps[10].fails_as", "not_answerable"),
            ]
        );
        assert_eq!(
            check("default", &[]).unwrap_err()[0].code,
            "required",
            "a checklist has at least one step"
        );
    }

    #[test]
    fn a_mixed_parcel_gets_each_familys_steps_once() {
        let templates: BTreeMap<String, Template> = SHIPPED_FAMILIES
            .iter()
            .map(|f| {
                (
                    (*f).to_owned(),
                    Template {
                        family: (*f).to_owned(),
                        steps: shipped(f).unwrap(),
                        shipped: true,
                    },
                )
            })
            .collect();
        let (name, steps) = for_families(&templates, &["books".into(), "default".into()]);
        assert_eq!(name, "default");
        assert_eq!(steps, shipped("default").unwrap());
        let (name, steps) = for_families(
            &templates,
            &["toys".into(), "electronics".into(), "toys".into()],
        );
        assert_eq!(name, "electronics+toys");
        let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
        assert!(keys.contains(&"powers_on") && keys.contains(&"safety_labels"));
        assert_eq!(keys.iter().filter(|k| **k == "scan_items").count(), 1);
    }
}
