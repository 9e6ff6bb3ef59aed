use sea_orm::entity::prelude::*;

/// A family's checklist as the seller edited it (the shipped ones are not stored).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_template")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub family: String,
    pub steps: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
