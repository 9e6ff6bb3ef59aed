use sea_orm::entity::prelude::*;

/// A delivered order's follow-up: asked when, answered how.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follow_up")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub order_id: i32,
    pub customer_id: i32,
    pub delivered_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub message_id: Option<i32>,
    pub dismissed_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    /// 1 to 5.
    pub score: Option<i16>,
    pub comment: String,
    pub feedback_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
