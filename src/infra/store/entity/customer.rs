use sea_orm::entity::prelude::*;

/// A buyer, one record across channels (matched by marketplace buyer id, e-mail or phone).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    /// Digits only, with a leading + kept, so one number written two ways matches.
    pub phone: Option<String>,
    pub marketplace: Option<String>,
    pub marketplace_buyer_id: Option<String>,
    /// The language messages to this buyer are written in.
    pub language: String,
    pub notes: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when this record was merged into another: it stays, so its contacts still find the
    /// buyer, but everything it held moved there.
    pub merged_into: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
