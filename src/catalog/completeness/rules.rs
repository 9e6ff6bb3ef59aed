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

/// What the rules look at, measured once when a listing is saved and stored beside it as JSON
/// (short keys: it is read for every listing on a full rescore). Texts are measured in
/// characters of the trimmed text, so a blank text counts as none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facts {
    #[serde(rename = "d")]
    pub description: u32,
    #[serde(rename = "m")]
    pub maker: u32,
    #[serde(rename = "u")]
    pub usage: u32,
    #[serde(rename = "s")]
    pub safety: u32,
    #[serde(rename = "w")]
    pub warranty: u32,
    #[serde(rename = "r")]
    pub return_policy: u32,
    #[serde(rename = "t")]
    pub tags: u32,
    #[serde(rename = "mt")]
    pub materials: u32,
    /// Filled name/value pairs.
    #[serde(rename = "sp")]
    pub specs: u32,
    /// Keys of the attributes that have a value.
    #[serde(rename = "a")]
    pub attributes: Vec<String>,
    /// (width, height) of each photo.
    #[serde(rename = "p")]
    pub photos: Vec<(u32, u32)>,
    #[serde(rename = "pr")]
    pub price_minor: Option<i64>,
    #[serde(rename = "v")]
    pub vat_rate_bp: Option<u32>,
    #[serde(rename = "sc")]
    pub shipping_cost_minor: Option<i64>,
    /// A named shipping profile, which carries cost and time.
    #[serde(rename = "sh")]
    pub shipping_profile: bool,
    #[serde(rename = "dd")]
    pub delivery_days_max: Option<u32>,
    #[serde(rename = "vn")]
    pub variants: u32,
    #[serde(rename = "vs")]
    pub variants_without_sku: u32,
    #[serde(rename = "vq")]
    pub in_stock: bool,
    /// Stored in their own columns, which sync and edits change.
    #[serde(skip)]
    pub review_count: u32,
    #[serde(skip)]
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

/// Characters of the trimmed text: Persian letters and ZWNJ count one each, padding none.
pub fn chars(s: &str) -> u32 {
    s.trim().chars().count().min(u32::MAX as usize) as u32
}

/// Whether the listing meets one rule. The scoring of a whole catalog calls only this; [`check`]
/// adds what the seller is told when it is not met.
pub fn is_met(rule: &Rule, f: &Facts, now: DateTime<Utc>) -> bool {
    match &rule.check {
        Check::Photos {
            min_count,
            min_side_px,
        } => good_photos(f, *min_side_px) >= *min_count,
        Check::Description { min_chars } => f.description >= *min_chars,
        Check::Specs { min_pairs } => f.specs >= *min_pairs,
        Check::Text { field, min_chars } => text_len(f, *field) >= (*min_chars).max(1),
        Check::Attribute { key } => f.attributes.iter().any(|k| k == key),
        Check::Maker => f.maker > 0,
        Check::Materials { min_count } => f.materials >= (*min_count).max(1),
        Check::Tags { min_count } => f.tags >= *min_count,
        Check::PriceAndVat => price_known(f) && f.vat_rate_bp.is_some(),
        Check::Shipping => shipping_cost_known(f) && shipping_time_known(f),
        Check::Fresh { max_days } => days_since_update(f, now) <= i64::from(*max_days),
        Check::Variants => f.variants > 0 && f.variants_without_sku == 0 && f.in_stock,
        Check::Reviews { min_count } => f.review_count >= (*min_count).max(1),
    }
}

fn good_photos(f: &Facts, min_side_px: u32) -> u32 {
    f.photos
        .iter()
        .filter(|(w, h)| (*w).min(*h) >= min_side_px)
        .count() as u32
}

fn text_len(f: &Facts, field: TextField) -> u32 {
    match field {
        TextField::Usage => f.usage,
        TextField::Safety => f.safety,
        TextField::Warranty => f.warranty,
        TextField::ReturnPolicy => f.return_policy,
    }
}

fn price_known(f: &Facts) -> bool {
    f.price_minor.is_some_and(|p| p > 0)
}

/// A named profile carries cost and time.
fn shipping_cost_known(f: &Facts) -> bool {
    f.shipping_cost_minor.is_some() || f.shipping_profile
}

fn shipping_time_known(f: &Facts) -> bool {
    f.delivery_days_max.is_some() || f.shipping_profile
}

fn days_since_update(f: &Facts, now: DateTime<Utc>) -> i64 {
    (now - f.updated_at).num_days().max(0)
}

/// Checks one rule; `None` when it is met, else what is missing with the numbers its message
/// and fix hint need.
pub fn check(rule: &Rule, f: &Facts, now: DateTime<Utc>) -> Option<Unmet> {
    if is_met(rule, f, now) {
        return None;
    }
    let mut params = BTreeMap::new();
    let mut p = |k: &str, v: String| {
        params.insert(k.to_owned(), v);
    };
    let code = match &rule.check {
        Check::Photos {
            min_count,
            min_side_px,
        } => {
            let good = good_photos(f, *min_side_px);
            p("have", good.to_string());
            p("missing", (min_count - good).to_string());
            p("min_count", min_count.to_string());
            p("min_side_px", min_side_px.to_string());
            p("too_small", (f.photos.len() as u32 - good).to_string());
            "photos"
        }
        Check::Description { min_chars } => {
            p("have", f.description.to_string());
            p("min_chars", min_chars.to_string());
            "description"
        }
        Check::Specs { min_pairs } => {
            p("have", f.specs.to_string());
            p("min_pairs", min_pairs.to_string());
            "specs"
        }
        Check::Text { field, min_chars } => {
            p("field", field.as_str().to_owned());
            p("have", text_len(f, *field).to_string());
            p("min_chars", min_chars.to_string());
            field.as_str()
        }
        Check::Attribute { key } => {
            p("key", key.clone());
            "attribute"
        }
        Check::Maker => "maker",
        Check::Materials { min_count } => {
            p("have", f.materials.to_string());
            p("min_count", min_count.to_string());
            "materials"
        }
        Check::Tags { min_count } => {
            p("have", f.tags.to_string());
            p("min_count", min_count.to_string());
            "tags"
        }
        Check::PriceAndVat => {
            p("price", price_known(f).to_string());
            p("vat", f.vat_rate_bp.is_some().to_string());
            "price_vat"
        }
        Check::Shipping => {
            p("cost", shipping_cost_known(f).to_string());
            p("time", shipping_time_known(f).to_string());
            "shipping"
        }
        Check::Fresh { max_days } => {
            p("days", days_since_update(f, now).to_string());
            p("max_days", max_days.to_string());
            "stale"
        }
        Check::Variants => {
            p("without_sku", f.variants_without_sku.to_string());
            p("in_stock", f.in_stock.to_string());
            "variants"
        }
        Check::Reviews { min_count } => {
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

/// At most this many rules in a family, so a listing's unmet rules fit in an [`UnmetSet`].
pub const MAX_RULES: usize = 64;

/// Which of its family's rules a listing misses: bit k stands for the family's k-th rule. This
/// is what the store keeps per listing (`listing_score.unmet`), eight bytes where the rule ids
/// took ~90, because a full rescore rewrites it for most listings. It means something only next
/// to the rules it was computed with; a rule edit rewrites the family's sets in the same
/// transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct UnmetSet(pub u64);

impl UnmetSet {
    pub fn insert(&mut self, k: usize) {
        if k < MAX_RULES {
            self.0 |= 1 << k;
        }
    }

    pub fn contains(self, k: usize) -> bool {
        k < MAX_RULES && self.0 & (1 << k) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The ids of the unmet rules, in rule order.
    pub fn ids(self, rules: &[Rule]) -> impl Iterator<Item = &str> {
        rules
            .iter()
            .enumerate()
            .filter(move |(k, _)| self.contains(*k))
            .map(|(_, r)| r.id.as_str())
    }

    /// The set of these rule ids; None if one is not among `rules`.
    pub fn of_ids<S: AsRef<str>>(rules: &[Rule], ids: &[S]) -> Option<Self> {
        let mut set = Self::default();
        for id in ids {
            set.insert(rules.iter().position(|r| r.id == id.as_ref())?);
        }
        Some(set)
    }
}

/// A listing's score without the explanations: what is stored, and what a rescore of the whole
/// catalog computes. Agrees with [`evaluate`] by construction (both count [`is_met`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub score: u8,
    pub complete: bool,
    pub unmet: UnmetSet,
}

pub fn score(rules: &[Rule], f: &Facts, now: DateTime<Utc>) -> Score {
    let mut met: u64 = 0;
    let mut complete = true;
    let mut unmet = UnmetSet::default();
    for (k, rule) in rules.iter().enumerate() {
        if is_met(rule, f, now) {
            met += u64::from(rule.weight);
        } else {
            complete &= !rule.required;
            unmet.insert(k);
        }
    }
    Score {
        score: percent(rules, met),
        complete,
        unmet,
    }
}

/// Rounded down, so 100 means every rule is met; an empty rule set asks for nothing.
fn percent(rules: &[Rule], met: u64) -> u8 {
    let total: u64 = rules.iter().map(|r| u64::from(r.weight)).sum();
    (met * 100).checked_div(total).map_or(100, |s| s as u8)
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
    let mut met: u64 = 0;
    let mut unmet = Vec::new();
    for rule in rules {
        match check(rule, f, now) {
            None => met += u64::from(rule.weight),
            Some(u) => unmet.push(u),
        }
    }
    Completeness {
        score: percent(rules, met),
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

    fn full() -> Facts {
        Facts {
            description: chars("Handwoven wool kilim from Quba, 120 × 80 cm, natural dyes."),
            maker: chars("Quba Xalça"),
            usage: chars("Vacuum gently; shake out; do not machine wash."),
            safety: chars("Use a non-slip underlay on smooth floors."),
            warranty: chars("Two years against weaving faults."),
            return_policy: chars("Returns within 14 days, unused."),
            tags: 6,
            materials: 2,
            specs: 4,
            attributes: vec!["isbn".into()],
            photos: vec![(1600, 1200), (1200, 1200), (2000, 1000)],
            price_minor: Some(45_000),
            vat_rate_bp: Some(1800),
            shipping_cost_minor: Some(500),
            shipping_profile: false,
            delivery_days_max: Some(5),
            variants: 1,
            variants_without_sku: 0,
            in_stock: true,
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
        f.description = chars("   کتاب   ");
        let u = unmet(Check::Description { min_chars: 5 }, &f).unwrap();
        assert_eq!(
            u.params["have"], "4",
            "Persian letters count one each; surrounding space not at all"
        );
        f.description = chars("کتاب‌ها");
        assert_eq!(
            unmet(Check::Description { min_chars: 7 }, &f),
            None,
            "ZWNJ is a character"
        );
    }

    #[test]
    fn text_rules_need_real_text() {
        let mut f = full();
        f.warranty = chars("   ");
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
        f.warranty = chars("1 yr");
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
        f.shipping_profile = true;
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
        (f.variants, f.in_stock) = (2, false);
        assert_eq!(
            unmet(Check::Variants, &f).unwrap().params["in_stock"],
            "false"
        );
        (f.variants, f.variants_without_sku, f.in_stock) = (2, 1, true);
        assert_eq!(
            unmet(Check::Variants, &f).unwrap().params["without_sku"],
            "1"
        );
        (f.variants, f.variants_without_sku) = (0, 0);
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
        f.maker = chars(" ");
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
        f.maker = 0;
        let c = evaluate(&rules, &f, now());
        assert_eq!(c.score, 99);
        assert!(!c.complete, "99 points but the required maker is missing");
        assert!(c.unmet[0].required);
    }

    #[test]
    fn the_quick_score_agrees_with_the_explained_one() {
        let mut variants = vec![full(), Facts::default()];
        let mut f = full();
        (f.photos, f.review_count, f.maker) = (vec![(400, 400)], 0, 0);
        f.updated_at = now() - chrono::Duration::days(400);
        variants.push(f);
        for family in crate::catalog::completeness::FAMILIES {
            let rules = crate::catalog::completeness::default_rules(family).unwrap();
            for f in &variants {
                let quick = score(&rules, f, now());
                let full = evaluate(&rules, f, now());
                assert_eq!(quick.score, full.score, "{family}");
                assert_eq!(quick.complete, full.complete, "{family}");
                let ids: Vec<&str> = full.unmet.iter().map(|u| u.rule.as_str()).collect();
                assert_eq!(quick.unmet.ids(&rules).collect::<Vec<_>>(), ids, "{family}");
                assert_eq!(
                    UnmetSet::of_ids(&rules, &ids),
                    Some(quick.unmet),
                    "{family}"
                );
            }
        }
    }

    #[test]
    fn an_unmet_set_holds_all_sixty_four_rules_and_no_more() {
        let rules: Vec<Rule> = (0..MAX_RULES)
            .map(|k| Rule {
                id: format!("r{k}"),
                check: Check::Maker,
                required: false,
                weight: 1,
            })
            .collect();
        let mut set = UnmetSet::default();
        assert!(set.is_empty());
        for k in [0, 1, 62, 63] {
            set.insert(k);
        }
        set.insert(MAX_RULES);
        assert_eq!(
            set.ids(&rules).collect::<Vec<_>>(),
            ["r0", "r1", "r62", "r63"]
        );
        assert!(set.contains(63) && !set.contains(2) && !set.contains(MAX_RULES));
        assert_eq!(
            UnmetSet(set.0 as i64 as u64),
            set,
            "the store keeps the set as a signed BIGINT; bit 63 survives"
        );
        assert_eq!(
            UnmetSet::of_ids(&rules, &["r63", "r0", "r62", "r1"]),
            Some(set)
        );
        assert_eq!(UnmetSet::of_ids(&rules, &["r0", "gone"]), None);
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
