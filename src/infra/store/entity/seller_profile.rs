use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seller_profile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub shop_name: String,
    pub contact_name: String,
    pub phone: String,
    pub email: String,
    pub photo_hash: Option<String>,
    pub ui_language: String,
    /// JSON array of language codes the seller speaks with buyers.
    pub languages: String,
    pub currency: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
