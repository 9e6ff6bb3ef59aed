//! The rule sets in the store: the shipped defaults are written on first open; after that the
//! seller's adjusted sets are what counts.

use crate::error::FieldCode;
use std::collections::{BTreeMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::defaults::{FAMILIES, default_rules};
use super::rules::{Check, MAX_RULES, Rule};
use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::completeness_rule;

/// Every family's rules, by family name.
pub type RuleSets = BTreeMap<String, Vec<Rule>>;

/// Writes the shipped families when the store has no rules at all.
pub async fn ensure_defaults<C: ConnectionTrait>(db: &C) -> Result<()> {
    if completeness_rule::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    for family in FAMILIES {
        let rules = default_rules(family).unwrap_or_default();
        write_family(db, family, &rules).await?;
    }
    Ok(())
}

/// Every family's rules, in their order.
pub async fn load_all<C: ConnectionTrait>(db: &C) -> Result<RuleSets> {
    let rows = completeness_rule::Entity::find()
        .order_by_asc(completeness_rule::Column::Family)
        .order_by_asc(completeness_rule::Column::Position)
        .all(db)
        .await?;
    let mut out: BTreeMap<String, Vec<Rule>> = BTreeMap::new();
    for row in rows {
        let check: Check = serde_json::from_str(&row.check_json)
            .map_err(|_| Error::Corrupt(format!("rule {}/{}", row.family, row.rule_id)))?;
        out.entry(row.family).or_default().push(Rule {
            id: row.rule_id,
            check,
            required: row.required,
            weight: row.weight.max(0) as u32,
        });
    }
    Ok(out)
}

/// The longest family name or attribute key (a–z, 0–9 and _).
pub const MAX_KEY_CHARS: usize = 32;

fn valid_key(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub fn validate(family: &str, rules: &[Rule]) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if !valid_key(family, MAX_KEY_CHARS) {
        errors.push(FieldError::new("family", FieldCode::KeyInvalid).with("value", family));
    }
    if rules.len() > MAX_RULES {
        errors.push(FieldError::new("rules", FieldCode::TooMany).with("max", MAX_RULES));
    }
    let mut seen = HashSet::new();
    for (i, r) in rules.iter().enumerate() {
        let field = |name: &str| format!("rules[{i}].{name}");
        if !valid_key(&r.id, 48) {
            errors.push(FieldError::new(&field("id"), FieldCode::KeyInvalid).with("value", &r.id));
        } else if !seen.insert(r.id.as_str()) {
            errors.push(FieldError::new(&field("id"), FieldCode::Duplicate).with("value", &r.id));
        }
        if !(1..=100).contains(&r.weight) {
            errors.push(
                FieldError::new(&field("weight"), FieldCode::OutOfRange)
                    .with("min", 1)
                    .with("max", 100),
            );
        }
        let too_big = match &r.check {
            Check::Photos {
                min_count,
                min_side_px,
            } => *min_count > 50 || *min_side_px > 10_000,
            Check::Description { min_chars } | Check::Text { min_chars, .. } => *min_chars > 10_000,
            Check::Specs { min_pairs } => *min_pairs > 50,
            Check::Materials { min_count }
            | Check::Tags { min_count }
            | Check::Reviews { min_count } => *min_count > 1000,
            Check::Fresh { max_days } => *max_days == 0 || *max_days > 3650,
            Check::Attribute { key } => !valid_key(key, MAX_KEY_CHARS),
            Check::Maker | Check::PriceAndVat | Check::Shipping | Check::Variants => false,
        };
        if too_big {
            errors.push(FieldError::new(
                &field("check"),
                FieldCode::ThresholdInvalid,
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Replaces a family's rules (creating the family if new). The caller recomputes the scores of
/// the family's listings in the same transaction.
pub async fn replace_family<C: ConnectionTrait>(
    db: &C,
    family: &str,
    rules: &[Rule],
) -> Result<()> {
    validate(family, rules).map_err(Error::Validation)?;
    completeness_rule::Entity::delete_many()
        .filter(completeness_rule::Column::Family.eq(family))
        .exec(db)
        .await?;
    write_family(db, family, rules).await
}

async fn write_family<C: ConnectionTrait>(db: &C, family: &str, rules: &[Rule]) -> Result<()> {
    for (position, r) in rules.iter().enumerate() {
        completeness_rule::ActiveModel {
            family: Set(family.to_owned()),
            rule_id: Set(r.id.clone()),
            position: Set(position as i32),
            required: Set(r.required),
            weight: Set(r.weight as i32),
            check_json: Set(
                serde_json::to_string(&r.check).map_err(|e| Error::Corrupt(e.to_string()))?
            ),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
