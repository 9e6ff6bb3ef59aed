use sea_orm::entity::prelude::*;

/// An order (`order` is a reserved word in SQL).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_order")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub channel: String,
    pub marketplace: Option<String>,
    pub marketplace_order_id: Option<String>,
    pub customer_id: i32,
    pub status: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub shipping_minor: i64,
    pub vat_minor: i64,
    pub discount_minor: i64,
    pub coupon_code: Option<String>,
    pub total_minor: i64,
    /// JSON `orders::Address`.
    pub address: String,
    pub buyer_note: String,
    pub placed_at: DateTimeUtc,
    pub ship_by: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub carrier: Option<String>,
    pub tracking: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
