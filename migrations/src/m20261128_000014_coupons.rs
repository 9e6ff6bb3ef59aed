//! Coupon codes: unguessable codes worth a percentage or an amount, with an expiry,
//! single or multiple use, tied to a buyer or not; and each use, once per order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Coupon {
    Table,
    Code,
    Kind,
    Value,
    Currency,
    CustomerId,
    MaxUses,
    Uses,
    ExpiresAt,
    Source,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouponUse {
    Table,
    Id,
    Code,
    OrderId,
    SourceKey,
    At,
}

#[derive(DeriveIden)]
enum Customer {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Coupon::Table)
                    .col(
                        ColumnDef::new(Coupon::Code)
                            .string_len(24)
                            .not_null()
                            .primary_key(),
                    )
                    // percent (value in basis points) or amount (value in minor units).
                    .col(ColumnDef::new(Coupon::Kind).string_len(8).not_null())
                    .col(ColumnDef::new(Coupon::Value).big_integer().not_null())
                    .col(ColumnDef::new(Coupon::Currency).string_len(3).null())
                    .col(ColumnDef::new(Coupon::CustomerId).integer().null())
                    // None: any number of uses.
                    .col(ColumnDef::new(Coupon::MaxUses).integer().null())
                    .col(ColumnDef::new(Coupon::Uses).integer().not_null().default(0))
                    .col(
                        ColumnDef::new(Coupon::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    // manual, points or apology.
                    .col(ColumnDef::new(Coupon::Source).string_len(16).not_null())
                    .col(ColumnDef::new(Coupon::Note).text().not_null())
                    .col(
                        ColumnDef::new(Coupon::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coupon_customer")
                            .from(Coupon::Table, Coupon::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_coupon_customer")
                    .table(Coupon::Table)
                    .col(Coupon::CustomerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CouponUse::Table)
                    .col(
                        ColumnDef::new(CouponUse::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(CouponUse::Code).string_len(24).not_null())
                    .col(ColumnDef::new(CouponUse::OrderId).integer().null())
                    // `CODE:order:12` (once per order) or `CODE:hand:…`.
                    .col(
                        ColumnDef::new(CouponUse::SourceKey)
                            .string_len(96)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(CouponUse::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coupon_use_coupon")
                            .from(CouponUse::Table, CouponUse::Code)
                            .to(Coupon::Table, Coupon::Code)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coupon_use_order")
                            .from(CouponUse::Table, CouponUse::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_coupon_use_code")
                    .table(CouponUse::Table)
                    .col(CouponUse::Code)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CouponUse::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Coupon::Table).to_owned())
            .await
    }
}
