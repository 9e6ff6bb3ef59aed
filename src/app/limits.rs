//! The longest text each field of the window takes, read from the rules that check it: the
//! window's inputs stop there instead of restating the numbers (the shell exports [`LIMITS`] to
//! TypeScript with the bindings).

use serde::Serialize;

use crate::catalog::completeness::rule_sets;
use crate::catalog::listings as listing;
use crate::customers::loyalty::{ledger, rules as loyalty_rules};
use crate::customers::{self, feedback, followup};
use crate::inspection::{store as inspection, template};
use crate::orders::input as order_input;
use crate::shop::{profile, settings};

/// Characters, as the core counts them (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub shop_name: usize,
    pub contact_name: usize,
    pub phone: usize,
    pub email: usize,
    pub team_name: usize,
    pub listing_title: usize,
    pub listing_location: usize,
    /// An ISO 4217 code.
    pub currency_code: usize,
    pub family_key: usize,
    pub checklist_label: usize,
    pub packing_note: usize,
    pub customer_name: usize,
    pub customer_notes: usize,
    pub points_reason: usize,
    pub tier_name: usize,
    pub tier_perk: usize,
    pub feedback_text: usize,
    pub order_number: usize,
    pub follow_up_comment: usize,
}

pub const LIMITS: Limits = Limits {
    shop_name: profile::MAX_NAME_CHARS,
    contact_name: profile::MAX_NAME_CHARS,
    phone: crate::fields::MAX_PHONE_CHARS,
    email: crate::fields::MAX_EMAIL_CHARS,
    team_name: settings::MAX_NAME_CHARS,
    listing_title: listing::MAX_TITLE_CHARS,
    listing_location: listing::MAX_LOCATION_CHARS,
    currency_code: 3,
    family_key: rule_sets::MAX_KEY_CHARS,
    checklist_label: template::MAX_LABEL_CHARS,
    packing_note: inspection::MAX_NOTE_CHARS,
    customer_name: customers::MAX_NAME_CHARS,
    customer_notes: customers::MAX_NOTES_CHARS,
    points_reason: ledger::MAX_REASON_CHARS,
    tier_name: loyalty_rules::MAX_TIER_NAME_CHARS,
    tier_perk: loyalty_rules::MAX_PERK_CHARS,
    feedback_text: feedback::MAX_TEXT,
    order_number: order_input::MAX_ID_CHARS,
    follow_up_comment: followup::MAX_COMMENT,
};
