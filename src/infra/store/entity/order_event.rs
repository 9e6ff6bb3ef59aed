use sea_orm::entity::prelude::*;

/// One entry of an order's timeline; rows are only ever added.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub order_id: i32,
    pub at: DateTimeUtc,
    pub actor: String,
    pub kind: String,
    pub status_from: Option<String>,
    pub status_to: Option<String>,
    /// JSON object, by kind (a note's text, a problem's kind and id, a shipment's tracking).
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
