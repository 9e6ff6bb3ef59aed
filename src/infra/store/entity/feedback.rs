use sea_orm::entity::prelude::*;

/// An entry of the complaint and suggestion book.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub category: String,
    pub customer_id: Option<i32>,
    pub order_id: Option<i32>,
    pub text: String,
    pub staff_name: Option<String>,
    pub action: String,
    pub compensation: String,
    pub status: String,
    pub opened_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
