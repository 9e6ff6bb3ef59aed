//! The listings table's questions and answers: filters, sort orders, pages of rows. The catalog
//! index (`index.rs`) answers them.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::model::ListingState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Worst first: what needs work comes to the top.
    #[default]
    ScoreAsc,
    ScoreDesc,
    Title,
    UpdatedDesc,
    UpdatedAsc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ListingQuery {
    /// Words in the title, or a SKU.
    pub search: String,
    pub family: Option<String>,
    pub state: Option<ListingState>,
    /// Only listings that miss this rule.
    pub unmet_rule: Option<String>,
    pub below_score: Option<u8>,
    pub include_archived: bool,
    pub sort: SortBy,
    pub offset: u32,
    pub limit: u32,
}

impl Default for ListingQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            family: None,
            state: None,
            unmet_rule: None,
            below_score: None,
            include_archived: false,
            sort: SortBy::ScoreAsc,
            offset: 0,
            limit: 100,
        }
    }
}

/// One row of the listings table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ListingRow {
    pub id: i32,
    pub title: String,
    pub family: String,
    pub state: ListingState,
    pub score: u8,
    pub complete: bool,
    /// Ids of the rules it misses.
    pub unmet: Vec<String>,
    #[specta(type = i32)]
    pub price_minor: i64,
    pub currency: String,
    /// The currency's digits after the decimal point (ISO 4217), to show `price_minor`.
    pub exponent: u32,
    pub archived: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ListingPage {
    pub rows: Vec<ListingRow>,
    /// How many match the filters in all.
    pub total: u32,
}
