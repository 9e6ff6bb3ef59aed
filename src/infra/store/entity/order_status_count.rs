use sea_orm::entity::prelude::*;

/// How many orders are in each status, kept with every write that moves an order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_status_count")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    pub orders: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
