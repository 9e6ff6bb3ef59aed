use sea_orm::entity::prelude::*;

/// A listing's stored completeness, apart from the wide listing row so a rescore rewrites only
/// this (migration 4).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listing_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub listing_id: i32,
    pub score: i16,
    pub complete: bool,
    /// `completeness::UnmetSet`: bit k is the family's rule at position k.
    pub unmet: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::listing::Entity",
        from = "Column::ListingId",
        to = "super::listing::Column::Id"
    )]
    Listing,
}

impl ActiveModelBehavior for ActiveModel {}
