//! Product-information completeness, in the spirit of Akeneo's: a rule set per category family,
//! each rule required or recommended with a weight; a score 0–100 and the list of what is missing.

mod defaults;
pub mod rule_sets;
mod rules;

pub use defaults::{FAMILIES, default_rules};
pub use rule_sets::RuleSets;
pub use rules::{
    Check, Completeness, Facts, MAX_RULES, Rule, Score, TextField, Unmet, UnmetSet, chars, check,
    evaluate, is_met, message_en, score,
};
