use sea_orm::entity::prelude::*;

/// A connected marketplace shop. Its tokens and shared secret are in the OS keychain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marketplace_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub marketplace: String,
    pub base_url: String,
    pub shop_id: i64,
    pub shop_name: String,
    pub user_id: i64,
    pub keystring: String,
    pub redirect_uri: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
