//! The rule sets that ship with the app. Every family starts from the default set; the special
//! ones add or tighten what their buyers ask about. The seller can adjust them in the app.

use super::rules::{Check, Rule, TextField};

/// The families that ship with the app.
pub const FAMILIES: [&str; 6] = [
    "default",
    "electronics",
    "toys",
    "books",
    "clothing",
    "food_cosmetics",
];

fn rule(id: &str, check: Check, required: bool, weight: u32) -> Rule {
    Rule {
        id: id.to_owned(),
        check,
        required,
        weight,
    }
}

fn text(field: TextField, min_chars: u32) -> Check {
    Check::Text { field, min_chars }
}

fn attribute(key: &str) -> Check {
    Check::Attribute {
        key: key.to_owned(),
    }
}

fn base() -> Vec<Rule> {
    vec![
        rule(
            "photos",
            Check::Photos {
                min_count: 3,
                min_side_px: 1000,
            },
            true,
            20,
        ),
        rule(
            "description",
            Check::Description { min_chars: 300 },
            true,
            15,
        ),
        rule("price_vat", Check::PriceAndVat, true, 15),
        rule("shipping", Check::Shipping, true, 15),
        rule("specs", Check::Specs { min_pairs: 3 }, false, 10),
        rule("usage", text(TextField::Usage, 30), false, 5),
        rule("return_policy", text(TextField::ReturnPolicy, 20), false, 5),
        rule("tags", Check::Tags { min_count: 5 }, false, 5),
        rule("variants", Check::Variants, false, 5),
        rule("fresh", Check::Fresh { max_days: 90 }, false, 5),
        rule("reviews", Check::Reviews { min_count: 1 }, false, 5),
    ]
}

/// Replaces a rule of the base set, or adds it.
fn with(mut rules: Vec<Rule>, extra: Vec<Rule>) -> Vec<Rule> {
    for r in extra {
        match rules.iter_mut().find(|x| x.id == r.id) {
            Some(slot) => *slot = r,
            None => rules.push(r),
        }
    }
    rules
}

/// The shipped rules of a family; `None` for a family the app does not ship.
pub fn default_rules(family: &str) -> Option<Vec<Rule>> {
    Some(match family {
        "default" => base(),
        "electronics" => with(
            base(),
            vec![
                rule("specs", Check::Specs { min_pairs: 5 }, true, 10),
                rule("safety", text(TextField::Safety, 30), true, 10),
                rule("warranty", text(TextField::Warranty, 20), true, 10),
                rule("maker", Check::Maker, false, 5),
            ],
        ),
        "toys" => with(
            base(),
            vec![
                rule("safety", text(TextField::Safety, 30), true, 10),
                rule("age_range", attribute("age_range"), true, 10),
                rule("materials", Check::Materials { min_count: 1 }, false, 5),
            ],
        ),
        "books" => with(
            base(),
            vec![
                rule("maker", Check::Maker, true, 10),
                rule("language", attribute("language"), true, 5),
                rule("isbn", attribute("isbn"), true, 5),
                // Photos of a book: the cover and a page or two are enough.
                rule(
                    "photos",
                    Check::Photos {
                        min_count: 2,
                        min_side_px: 1000,
                    },
                    true,
                    20,
                ),
            ],
        ),
        "clothing" => with(
            base(),
            vec![
                rule("size_chart", attribute("size_chart"), true, 10),
                rule("materials", Check::Materials { min_count: 1 }, true, 10),
            ],
        ),
        "food_cosmetics" => with(
            base(),
            vec![
                rule("ingredients", attribute("ingredients"), true, 10),
                rule("shelf_life", attribute("shelf_life"), true, 10),
                rule("safety", text(TextField::Safety, 20), false, 5),
            ],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_shipped_family_has_unique_rule_ids_and_weights() {
        for family in FAMILIES {
            let rules = default_rules(family).expect("shipped family");
            let ids: HashSet<_> = rules.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids.len(), rules.len(), "{family}: rule ids are unique");
            assert!(
                rules.iter().all(|r| r.weight > 0),
                "{family}: every rule weighs something"
            );
        }
        assert!(default_rules("furniture").is_none());
    }

    #[test]
    fn special_families_require_what_their_buyers_ask_about() {
        let required = |family: &str, id: &str| {
            default_rules(family)
                .unwrap()
                .iter()
                .any(|r| r.id == id && r.required)
        };
        assert!(required("electronics", "safety") && required("electronics", "warranty"));
        assert!(required("toys", "safety") && required("toys", "age_range"));
        assert!(
            required("books", "maker")
                && required("books", "language")
                && required("books", "isbn")
        );
        assert!(required("clothing", "size_chart") && required("clothing", "materials"));
        assert!(
            required("food_cosmetics", "ingredients") && required("food_cosmetics", "shelf_life")
        );
        assert!(
            !required("default", "warranty"),
            "the default family does not ask for a warranty"
        );
    }
}
