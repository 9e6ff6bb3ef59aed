use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "completeness_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub family: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rule_id: String,
    pub position: i32,
    pub required: bool,
    pub weight: i32,
    /// The rule's `Check` as JSON.
    pub check_json: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
