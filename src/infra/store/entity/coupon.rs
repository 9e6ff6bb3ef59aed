use sea_orm::entity::prelude::*;

/// A coupon code and what it is worth.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupon")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub kind: String,
    pub value: i64,
    pub currency: Option<String>,
    pub customer_id: Option<i32>,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<DateTimeUtc>,
    pub source: String,
    pub note: String,
    pub created_at: DateTimeUtc,
    /// The listing a personal offer was made for.
    pub listing_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
