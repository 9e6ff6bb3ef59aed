use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listing_photo")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub listing_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub media_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
