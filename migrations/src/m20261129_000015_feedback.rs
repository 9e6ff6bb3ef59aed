//! The complaint and suggestion book: what buyers said, what was done, the
//! compensation given, and when it was settled. Praise may name a team member; a complaint or
//! a suggestion never stores a staff name (the check below holds it even against a bug).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    Kind,
    Category,
    CustomerId,
    OrderId,
    Text,
    StaffName,
    Action,
    Compensation,
    Status,
    OpenedAt,
    ResolvedAt,
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
                    .table(Feedback::Table)
                    .col(
                        ColumnDef::new(Feedback::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    // complaint, suggestion or praise.
                    .col(ColumnDef::new(Feedback::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Feedback::Category).string_len(24).not_null())
                    .col(ColumnDef::new(Feedback::CustomerId).integer().null())
                    .col(ColumnDef::new(Feedback::OrderId).integer().null())
                    .col(ColumnDef::new(Feedback::Text).text().not_null())
                    .col(ColumnDef::new(Feedback::StaffName).string_len(64).null())
                    .col(ColumnDef::new(Feedback::Action).text().not_null())
                    .col(ColumnDef::new(Feedback::Compensation).text().not_null())
                    // open or resolved.
                    .col(ColumnDef::new(Feedback::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Feedback::OpenedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Feedback::ResolvedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .check(
                        Expr::col(Feedback::StaffName)
                            .is_null()
                            .or(Expr::col(Feedback::Kind).eq("praise")),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_feedback_customer")
                            .from(Feedback::Table, Feedback::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_feedback_order")
                            .from(Feedback::Table, Feedback::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_feedback_opened")
                    .table(Feedback::Table)
                    .col(Feedback::OpenedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_feedback_customer")
                    .table(Feedback::Table)
                    .col(Feedback::CustomerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Feedback::Table).to_owned())
            .await
    }
}
