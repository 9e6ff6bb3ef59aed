use sea_orm::entity::prelude::*;

/// One inspection of an order before dispatch.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub order_id: i32,
    pub attempt: i32,
    pub family: String,
    pub packer: Option<String>,
    pub steps: String,
    pub answers: String,
    pub counts: String,
    pub wrong_scans: i32,
    pub over_scans: i32,
    pub outcome: String,
    pub failure: Option<String>,
    pub override_reason: Option<String>,
    pub version: i32,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
