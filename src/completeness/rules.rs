//! Completeness rules: what a listing must show a buyer, checked on content, not mere presence
//! (enough photos of enough pixels, a description long enough to say something, …).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The long texts a rule can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Usage,
    Safety,
    Warranty,
    ReturnPolicy,
}

impl TextField {
    pub fn as_str(self) -> &'static str {
        match self {
            TextField::Usage => "usage",
            TextField::Safety => "safety",
            TextField::Warranty => "warranty",
            TextField::ReturnPolicy => "return_policy",
        }
    }
}

/// What a rule checks, with its thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// At least `min_count` photos whose shortest side is at least `min_side_px`.
    Photos {
        min_count: u32,
        min_side_px: u32,
    },
    Description {
        min_chars: u32,
    },
    /// At least `min_pairs` technical specifications (name and value both filled).
    Specs {
        min_pairs: u32,
    },
    Text {
        field: TextField,
        min_chars: u32,
    },
    /// A family attribute such as `isbn`, `age_range`, `size_chart`, `ingredients`.
    Attribute {
        key: String,
    },
    /// Brand, author or maker, whichever the category uses.
    Maker,
    Materials {
        min_count: u32,
    },
    Tags {
        min_count: u32,
    },
    /// A price above zero and a VAT rate, so the buyer's total is known.
    PriceAndVat,
    /// A shipping cost (or a named shipping profile) and a delivery time.
    Shipping,
    /// Updated within the last `max_days` days.
    Fresh {
        max_days: u32,
    },
    /// Every variant has a SKU and at least one in stock.
    Variants,
    Reviews {
        min_count: u32,
    },
}

/// One rule of a family's rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Rule {
    /// Stable id within the family, e.g. `photos`, `warranty`, `isbn`.
    pub id: String,
    pub check: Check,
    /// A required rule unmet makes the listing incomplete whatever its score.
    pub required: bool,
    pub weight: u32,
}

/// What a rule looks at, borrowed from a listing (so a full recompute allocates little).
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub description: &'a str,
    pub maker: &'a str,
    pub usage: &'a str,
    pub safety: &'a str,
    pub warranty: &'a str,
    pub return_policy: &'a str,
    pub tags: usize,
    pub materials: usize,
    /// Filled name/value pairs.
    pub specs: usize,
    pub attributes: Vec<(&'a str, &'a str)>,
    /// (width, height) of each photo.
    pub photos: Vec<(u32, u32)>,
    pub price_minor: Option<i64>,
    pub vat_rate_bp: Option<u32>,
    pub shipping_cost_minor: Option<i64>,
    pub shipping_profile: &'a str,
    pub delivery_days_max: Option<u32>,
    /// (has a SKU, quantity) per variant.
    pub variants: Vec<(bool, i64)>,
    pub review_count: u32,
    pub updated_at: DateTime<Utc>,
}

/// A rule the listing does not meet: the rule, a stable code and the numbers its message and
/// fix hint need (how many photos are missing, of what size…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Unmet {
    pub rule: String,
    pub code: String,
    pub required: bool,
    pub params: BTreeMap<String, String>,
}

fn chars(s: &str) -> u32 {
    s.trim().chars().count().min(u32::MAX as usize) as u32
}

/// Checks one rule; `None` when it is met.
pub fn check(rule: &Rule, f: &Facts, now: DateTime<Utc>) -> Option<Unmet> {
    let mut params = BTreeMap::new();
    let mut p = |k: &str, v: String| {
        params.insert(k.to_owned(), v);
    };
    let code = match &rule.check {
        Check::Photos {
            min_count,
            min_side_px,
        } => {
            let good = f
                .photos
                .iter()
                .filter(|(w, h)| (*w).min(*h) >= *min_side_px)
                .count() as u32;
            if good >= *min_count {
                return None;
            }
            p("have", good.to_string());
            p("missing", (min_count - good).to_string());
            p("min_count", min_count.to_string());
            p("min_side_px", min_side_px.to_string());
            let small = f.photos.len() as u32 - good;
            p("too_small", small.to_string());
            "photos"
        }
        Check::Description { min_chars } => {
            let have = chars(f.description);
            if have >= *min_chars {
                return None;
            }
            p("have", have.to_string());
            p("min_chars", min_chars.to_string());
            "description"
        }
        Check::Specs { min_pairs } => {
            if f.specs as u32 >= *min_pairs {
                return None;
            }
            p("have", f.specs.to_string());
            p("min_pairs", min_pairs.to_string());
            "specs"
        }
        Check::Text { field, min_chars } => {
            let text = match field {
                TextField::Usage => f.usage,
                TextField::Safety => f.safety,
                TextField::Warranty => f.warranty,
                TextField::ReturnPolicy => f.return_policy,
            };
            let have = chars(text);
            if have >= (*min_chars).max(1) {
                return None;
            }
            p("field", field.as_str().to_owned());
            p("have", have.to_string());
            p("min_chars", min_chars.to_string());
            field.as_str()
        }
        Check::Attribute { key } => {
            if f.attributes
                .iter()
                .any(|(k, v)| k == key && !v.trim().is_empty())
            {
                return None;
            }
            p("key", key.clone());
            "attribute"
        }
        Check::Maker => {
            if chars(f.maker) > 0 {
                return None;
            }
            "maker"
        }
        Check::Materials { min_count } => {
            if f.materials as u32 >= (*min_count).max(1) {
                return None;
            }
            p("have", f.materials.to_string());
            p("min_count", min_count.to_string());
            "materials"
        }
        Check::Tags { min_count } => {
            if f.tags as u32 >= *min_count {
                return None;
            }
            p("have", f.tags.to_string());
            p("min_count", min_count.to_string());
            "tags"
        }
        Check::PriceAndVat => {
            let price = f.price_minor.is_some_and(|p| p > 0);
            if price && f.vat_rate_bp.is_some() {
                return None;
            }
            p("price", price.to_string());
            p("vat", f.vat_rate_bp.is_some().to_string());
            "price_vat"
        }
        Check::Shipping => {
            let cost = f.shipping_cost_minor.is_some() || !f.shipping_profile.trim().is_empty();
            let time = f.delivery_days_max.is_some() || !f.shipping_profile.trim().is_empty();
            if cost && time {
                return None;
            }
            p("cost", cost.to_string());
            p("time", time.to_string());
            "shipping"
        }
        Check::Fresh { max_days } => {
            let days = (now - f.updated_at).num_days().max(0);
            if days <= i64::from(*max_days) {
                return None;
            }
            p("days", days.to_string());
            p("max_days", max_days.to_string());
            "stale"
        }
        Check::Variants => {
            let without_sku = f.variants.iter().filter(|(sku, _)| !sku).count();
            let in_stock = f.variants.iter().any(|(_, q)| *q > 0);
            if !f.variants.is_empty() && without_sku == 0 && in_stock {
                return None;
            }
            p("without_sku", without_sku.to_string());
            p("in_stock", in_stock.to_string());
            "variants"
        }
        Check::Reviews { min_count } => {
            if f.review_count >= (*min_count).max(1) {
                return None;
            }
            p("have", f.review_count.to_string());
            p("min_count", min_count.to_string());
            "reviews"
        }
    };
    Some(Unmet {
        rule: rule.id.clone(),
        code: code.to_owned(),
        required: rule.required,
        params,
    })
}

/// A listing's completeness: the weighted share of rules met, and what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Completeness {
    /// 0–100.
    pub score: u8,
    /// False when any required rule is unmet, whatever the score.
    pub complete: bool,
    pub unmet: Vec<Unmet>,
}

pub fn evaluate(rules: &[Rule], f: &Facts, now: DateTime<Utc>) -> Completeness {
    let total: u64 = rules.iter().map(|r| u64::from(r.weight)).sum();
    let mut met: u64 = 0;
    let mut unmet = Vec::new();
    for rule in rules {
        match check(rule, f, now) {
            None => met += u64::from(rule.weight),
            Some(u) => unmet.push(u),
        }
    }
    // Rounded down, so 100 means every rule is met; an empty rule set asks for nothing.
    let score = (met * 100).checked_div(total).map_or(100, |s| s as u8);
    Completeness {
        score,
        complete: !unmet.iter().any(|u| u.required),
        unmet,
    }
}

/// The English message and fix hint, for the CLI and logs; the window says it in the seller's
/// language from the same code and parameters.
pub fn message_en(u: &Unmet) -> (String, String) {
    let g = |k: &str| u.params.get(k).cloned().unwrap_or_default();
    match u.code.as_str() {
        "photos" => (
            format!("{} photo(s) missing", g("missing")),
            format!(
                "add {} more photo(s) of at least {} px on the shortest side{}",
                g("missing"),
                g("min_side_px"),
                if g("too_small") != "0" {
                    format!(" ({} are too small)", g("too_small"))
                } else {
                    String::new()
                }
            ),
        ),
        "description" => (
            format!(
                "description too short ({} of {} characters)",
                g("have"),
                g("min_chars")
            ),
            "describe what it is, its size, what it is made of and who it suits".into(),
        ),
        "specs" => (
            format!(
                "{} of {} technical specifications",
                g("have"),
                g("min_pairs")
            ),
            "add name/value pairs such as size, weight, power, capacity".into(),
        ),
        "usage" => (
            "no usage instructions".into(),
            "explain how to use and care for it".into(),
        ),
        "safety" => (
            "no safety information".into(),
            "add warnings, age limits and certifications".into(),
        ),
        "warranty" => (
            "no warranty terms".into(),
            "say how long the warranty is and how to claim it".into(),
        ),
        "return_policy" => (
            "no return policy".into(),
            "say whether and how it can be returned".into(),
        ),
        "attribute" => (
            format!("{} missing", g("key")),
            format!("fill in {}", g("key")),
        ),
        "maker" => (
            "no brand, author or maker".into(),
            "name who made it".into(),
        ),
        "materials" => ("no materials".into(), "list what it is made of".into()),
        "tags" => (
            format!("{} of {} tags", g("have"), g("min_count")),
            "add the words buyers search for".into(),
        ),
        "price_vat" => (
            "price or VAT rate missing".into(),
            "set a price above zero and the VAT rate".into(),
        ),
        "shipping" => (
            "shipping cost or delivery time missing".into(),
            "set the shipping cost and delivery days, or choose a shipping profile".into(),
        ),
        "stale" => (
            format!("not updated for {} days", g("days")),
            format!(
                "review the listing: it should be refreshed every {} days",
                g("max_days")
            ),
        ),
        "variants" => (
            "a variant lacks a SKU, or nothing is in stock".into(),
            "give every variant a SKU and a quantity".into(),
        ),
        "reviews" => (
            "no reviews yet".into(),
            "ask happy buyers for a review after delivery".into(),
        ),
        other => (other.to_owned(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    fn full() -> Facts<'static> {
        Facts {
            description: "Handwoven wool kilim from Quba, 120 × 80 cm, natural dyes.",
            maker: "Quba Xalça",
            usage: "Vacuum gently; shake out; do not machine wash.",
            safety: "Use a non-slip underlay on smooth floors.",
            warranty: "Two years against weaving faults.",
            return_policy: "Returns within 14 days, unused.",
            tags: 6,
            materials: 2,
            specs: 4,
            attributes: vec![("isbn", "978-9952-0-1234-5"), ("age_range", " ")],
            photos: vec![(1600, 1200), (1200, 1200), (2000, 1000)],
            price_minor: Some(45_000),
            vat_rate_bp: Some(1800),
            shipping_cost_minor: Some(500),
            shipping_profile: "",
            delivery_days_max: Some(5),
            variants: vec![(true, 3)],
            review_count: 2,
            updated_at: now() - chrono::Duration::days(10),
        }
    }

    fn r(id: &str, check: Check) -> Rule {
        Rule {
            id: id.into(),
            check,
            required: true,
            weight: 10,
        }
    }

    fn unmet(check: Check, f: &Facts) -> Option<Unmet> {
        super::check(&r("x", check), f, now())
    }

    #[test]
    fn photos_count_only_those_large_enough() {
        let mut f = full();
        assert_eq!(
            unmet(
                Check::Photos {
                    min_count: 3,
                    min_side_px: 1000
                },
                &f
            ),
            None
        );
        f.photos = vec![(1600, 1200), (800, 1200), (999, 4000)];
        let u = unmet(
            Check::Photos {
                min_count: 3,
                min_side_px: 1000,
            },
            &f,
        )
        .expect("two are too small");
        assert_eq!(u.params["have"], "1");
        assert_eq!(u.params["missing"], "2");
        assert_eq!(u.params["too_small"], "2");
        let (msg, hint) = message_en(&u);
        assert_eq!(msg, "2 photo(s) missing");
        assert!(
            hint.contains("add 2 more photo(s) of at least 1000 px"),
            "{hint}"
        );
    }

    #[test]
    fn description_counts_characters_not_bytes_and_ignores_padding() {
        let mut f = full();
        f.description = "   کتاب   ";
        let u = unmet(Check::Description { min_chars: 5 }, &f).unwrap();
        assert_eq!(
            u.params["have"], "4",
            "Persian letters count one each; surrounding space not at all"
        );
        f.description = "کتاب‌ها";
        assert_eq!(
            unmet(Check::Description { min_chars: 7 }, &f),
            None,
            "ZWNJ is a character"
        );
    }

    #[test]
    fn text_rules_need_real_text() {
        let mut f = full();
        f.warranty = "   ";
        let u = unmet(
            Check::Text {
                field: TextField::Warranty,
                min_chars: 0,
            },
            &f,
        )
        .unwrap();
        assert_eq!(
            u.code, "warranty",
            "blank text does not count even with no minimum"
        );
        f.warranty = "1 yr";
        assert!(
            unmet(
                Check::Text {
                    field: TextField::Warranty,
                    min_chars: 20
                },
                &f
            )
            .is_some()
        );
    }

    #[test]
    fn attributes_must_be_filled() {
        let f = full();
        assert_eq!(unmet(Check::Attribute { key: "isbn".into() }, &f), None);
        assert_eq!(
            unmet(
                Check::Attribute {
                    key: "age_range".into()
                },
                &f
            )
            .unwrap()
            .code,
            "attribute"
        );
        assert!(
            unmet(
                Check::Attribute {
                    key: "shelf_life".into()
                },
                &f
            )
            .is_some()
        );
    }

    #[test]
    fn price_needs_to_be_positive_and_vat_known() {
        let mut f = full();
        assert_eq!(unmet(Check::PriceAndVat, &f), None);
        f.vat_rate_bp = Some(0);
        assert_eq!(
            unmet(Check::PriceAndVat, &f),
            None,
            "a 0% VAT rate is a known rate"
        );
        f.price_minor = Some(0);
        assert!(unmet(Check::PriceAndVat, &f).is_some());
        f.price_minor = Some(100);
        f.vat_rate_bp = None;
        assert!(unmet(Check::PriceAndVat, &f).is_some());
    }

    #[test]
    fn shipping_needs_cost_and_time_or_a_profile() {
        let mut f = full();
        assert_eq!(unmet(Check::Shipping, &f), None);
        f.delivery_days_max = None;
        assert_eq!(unmet(Check::Shipping, &f).unwrap().params["time"], "false");
        f.shipping_profile = "Azərpoçt standard";
        assert_eq!(
            unmet(Check::Shipping, &f),
            None,
            "a named profile carries cost and time"
        );
    }

    #[test]
    fn staleness_uses_the_clock_it_is_given() {
        let mut f = full();
        f.updated_at = now() - chrono::Duration::days(91);
        let u = unmet(Check::Fresh { max_days: 90 }, &f).unwrap();
        assert_eq!(
            (u.code.as_str(), u.params["days"].as_str()),
            ("stale", "91")
        );
        f.updated_at = now() - chrono::Duration::days(90);
        assert_eq!(unmet(Check::Fresh { max_days: 90 }, &f), None);
    }

    #[test]
    fn variants_need_skus_and_stock() {
        let mut f = full();
        assert_eq!(unmet(Check::Variants, &f), None);
        f.variants = vec![(true, 0), (true, 0)];
        assert_eq!(
            unmet(Check::Variants, &f).unwrap().params["in_stock"],
            "false"
        );
        f.variants = vec![(true, 4), (false, 1)];
        assert_eq!(
            unmet(Check::Variants, &f).unwrap().params["without_sku"],
            "1"
        );
        f.variants = vec![];
        assert!(
            unmet(Check::Variants, &f).is_some(),
            "no variant, nothing to sell"
        );
    }

    #[test]
    fn the_other_checks() {
        let mut f = full();
        for c in [
            Check::Maker,
            Check::Materials { min_count: 1 },
            Check::Tags { min_count: 5 },
            Check::Specs { min_pairs: 3 },
            Check::Reviews { min_count: 1 },
        ] {
            assert_eq!(unmet(c.clone(), &f), None, "{c:?} is met by a full listing");
        }
        f.maker = " ";
        f.materials = 0;
        f.tags = 4;
        f.specs = 2;
        f.review_count = 0;
        for (c, code) in [
            (Check::Maker, "maker"),
            (Check::Materials { min_count: 1 }, "materials"),
            (Check::Tags { min_count: 5 }, "tags"),
            (Check::Specs { min_pairs: 3 }, "specs"),
            (Check::Reviews { min_count: 1 }, "reviews"),
        ] {
            assert_eq!(unmet(c, &f).map(|u| u.code), Some(code.to_owned()));
        }
    }

    #[test]
    fn score_is_the_weighted_share_of_rules_met_rounded_down() {
        let rules = vec![
            Rule {
                id: "a".into(),
                check: Check::Maker,
                required: false,
                weight: 2,
            },
            Rule {
                id: "b".into(),
                check: Check::Reviews { min_count: 1 },
                required: false,
                weight: 1,
            },
        ];
        let mut f = full();
        assert_eq!(evaluate(&rules, &f, now()).score, 100);
        f.review_count = 0;
        let c = evaluate(&rules, &f, now());
        assert_eq!(
            c.score, 66,
            "2 of 3 weight met is 66, not 67: 100 means everything"
        );
        assert!(c.complete, "only a recommended rule is unmet");
        assert_eq!(c.unmet.len(), 1);
    }

    #[test]
    fn a_required_rule_unmet_makes_the_listing_incomplete_whatever_its_score() {
        let rules = vec![
            Rule {
                id: "maker".into(),
                check: Check::Maker,
                required: true,
                weight: 1,
            },
            Rule {
                id: "tags".into(),
                check: Check::Tags { min_count: 1 },
                required: false,
                weight: 99,
            },
        ];
        let mut f = full();
        f.maker = "";
        let c = evaluate(&rules, &f, now());
        assert_eq!(c.score, 99);
        assert!(!c.complete, "99 points but the required maker is missing");
        assert!(c.unmet[0].required);
    }

    #[test]
    fn an_empty_rule_set_scores_full() {
        assert_eq!(
            evaluate(&[], &full(), now()),
            Completeness {
                score: 100,
                complete: true,
                unmet: vec![]
            }
        );
    }
}
