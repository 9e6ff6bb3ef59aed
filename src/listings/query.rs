//! The listings table: one filtered, sorted page at a time, from the stored scores.

use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::model::ListingState;
use crate::error::Result;
use crate::store::entity::{listing, listing_variant};

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
    pub price_minor: i64,
    pub currency: String,
    pub archived: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ListingPage {
    pub rows: Vec<ListingRow>,
    /// How many match the filters in all.
    pub total: u32,
}

/// `%` and `_` in a search are letters, not wildcards.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub async fn list<C: ConnectionTrait>(db: &C, q: &ListingQuery) -> Result<ListingPage> {
    let mut find = listing::Entity::find();
    if !q.include_archived {
        find = find.filter(listing::Column::ArchivedAt.is_null());
    }
    if let Some(f) = &q.family {
        find = find.filter(listing::Column::Family.eq(f.clone()));
    }
    if let Some(s) = q.state {
        find = find.filter(listing::Column::State.eq(s.as_str()));
    }
    if let Some(rule) = &q.unmet_rule {
        find = find.filter(listing::Column::Unmet.like(format!("%,{},%", like_escape(rule))));
    }
    if let Some(below) = q.below_score {
        find = find.filter(listing::Column::Score.lt(i16::from(below)));
    }
    let search = q.search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", like_escape(search));
        let by_sku = listing_variant::Entity::find()
            .select_only()
            .column(listing_variant::Column::ListingId)
            .filter(listing_variant::Column::Sku.eq(search))
            .into_query();
        find = find.filter(
            sea_orm::Condition::any()
                .add(
                    Expr::col(listing::Column::Title)
                        .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
                )
                .add(listing::Column::Id.in_subquery(by_sku)),
        );
    }
    let total = find.clone().count(db).await? as u32;
    let (col, order) = match q.sort {
        SortBy::ScoreAsc => (listing::Column::Score, Order::Asc),
        SortBy::ScoreDesc => (listing::Column::Score, Order::Desc),
        SortBy::Title => (listing::Column::Title, Order::Asc),
        SortBy::UpdatedDesc => (listing::Column::UpdatedAt, Order::Desc),
        SortBy::UpdatedAsc => (listing::Column::UpdatedAt, Order::Asc),
    };
    let rows = find
        .order_by(col, order)
        // A stable order within equal scores, so paging never repeats or skips a row.
        .order_by_asc(listing::Column::Id)
        .offset(u64::from(q.offset))
        .limit(u64::from(q.limit.clamp(1, 1000)))
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|r| ListingRow {
            id: r.id,
            title: r.title,
            family: r.family,
            state: ListingState::parse(&r.state).unwrap_or_default(),
            score: r.score.clamp(0, 100) as u8,
            complete: r.complete,
            unmet: r
                .unmet
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            price_minor: r.price_minor.unwrap_or(0),
            currency: r.currency,
            archived: r.archived_at.is_some(),
            updated_at: r.updated_at,
        })
        .collect();
    Ok(ListingPage { rows, total })
}
