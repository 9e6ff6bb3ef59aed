use sea_orm::entity::prelude::*;

/// One of a marketplace listing's pictures, and where it stands in coming home.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marketplace_image")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub image_ref: String,
    pub listing_id: i32,
    pub rank: i32,
    pub url: String,
    pub media_hash: Option<String>,
    pub tries: i32,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
