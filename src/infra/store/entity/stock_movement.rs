use sea_orm::entity::prelude::*;

/// The stock ledger: every sale and restock of a SKU, with why and a unique source.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_movement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub listing_id: Option<i32>,
    pub sku: String,
    pub delta: i32,
    pub reason: String,
    pub source_key: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
