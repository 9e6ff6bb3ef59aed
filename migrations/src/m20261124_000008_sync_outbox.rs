//! The sync outbox: every change that must reach a marketplace (a shipment with its
//! tracking, later stock and listing edits) is stored in the same transaction as the local
//! change, then sent with retries; it survives crashes and restarts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncOutbox {
    Table,
    Id,
    AccountId,
    Kind,
    SourceKey,
    OrderId,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MarketplaceAccount {
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
        let time = |c: SyncOutbox| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SyncOutbox::Table)
                    .col(
                        ColumnDef::new(SyncOutbox::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SyncOutbox::AccountId).integer().not_null())
                    // shipment (stock and listing edits to come)
                    .col(ColumnDef::new(SyncOutbox::Kind).string_len(16).not_null())
                    // What the change is of ("shipment:ORDER"): one entry per change, however
                    // often it is asked for.
                    .col(
                        ColumnDef::new(SyncOutbox::SourceKey)
                            .string_len(96)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(SyncOutbox::OrderId).integer().null())
                    .col(ColumnDef::new(SyncOutbox::Payload).text().not_null())
                    // waiting, sent, refused, failed
                    .col(ColumnDef::new(SyncOutbox::Status).string_len(16).not_null())
                    .col(ColumnDef::new(SyncOutbox::Attempts).integer().not_null())
                    .col(
                        ColumnDef::new(SyncOutbox::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(SyncOutbox::LastError).text().null())
                    .col(time(SyncOutbox::CreatedAt))
                    .col(time(SyncOutbox::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sync_outbox_account")
                            .from(SyncOutbox::Table, SyncOutbox::AccountId)
                            .to(MarketplaceAccount::Table, MarketplaceAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sync_outbox_order")
                            .from(SyncOutbox::Table, SyncOutbox::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sync_outbox_due")
                    .table(SyncOutbox::Table)
                    .col(SyncOutbox::AccountId)
                    .col(SyncOutbox::Status)
                    .col(SyncOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SyncOutbox::Table).to_owned())
            .await
    }
}
