use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listing")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub description: String,
    pub category: String,
    pub family: String,
    /// JSON array of strings.
    pub tags: String,
    /// JSON array of strings.
    pub materials: String,
    pub maker: String,
    /// JSON array of `{name, value}`.
    pub specs: String,
    pub usage: String,
    pub safety: String,
    pub warranty: String,
    pub return_policy: String,
    /// JSON object of family attributes (isbn, age_range, …).
    pub attributes: String,
    pub price_minor: Option<i64>,
    pub currency: String,
    pub vat_rate_bp: Option<i32>,
    pub price_includes_vat: bool,
    pub shipping_cost_minor: Option<i64>,
    pub shipping_profile: String,
    /// Where the goods sit in the stockroom (bin, shelf); empty when not set.
    pub location: String,
    pub processing_min: Option<i32>,
    pub processing_max: Option<i32>,
    pub delivery_min: Option<i32>,
    pub delivery_max: Option<i32>,
    pub weight_g: Option<i32>,
    pub length_mm: Option<i32>,
    pub width_mm: Option<i32>,
    pub height_mm: Option<i32>,
    pub state: String,
    pub review_count: i32,
    pub rating_x100: Option<i32>,
    pub etsy_listing_id: Option<String>,
    /// `completeness::Facts` as JSON; empty for a listing saved before it existed.
    pub facts: String,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
