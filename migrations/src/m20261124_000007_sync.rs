//! Marketplace sync: one row per connected marketplace account, and where each
//! resource's incremental pull stands. Tokens and secrets are not here: they live in the OS
//! keychain.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MarketplaceAccount {
    Table,
    Id,
    Marketplace,
    BaseUrl,
    ShopId,
    ShopName,
    UserId,
    Keystring,
    RedirectUri,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SyncCursor {
    Table,
    AccountId,
    Resource,
    Cursor,
    WindowHigh,
    NextOffset,
    SyncedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MarketplaceAccount::Table)
                    .col(
                        ColumnDef::new(MarketplaceAccount::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::Marketplace)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::BaseUrl)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::ShopName)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    // The app's keystring is an identifier, not a secret; the shared secret that
                    // goes with it is in the keychain.
                    .col(
                        ColumnDef::new(MarketplaceAccount::Keystring)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::RedirectUri)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceAccount::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_marketplace_account_shop")
                    .table(MarketplaceAccount::Table)
                    .col(MarketplaceAccount::Marketplace)
                    .col(MarketplaceAccount::BaseUrl)
                    .col(MarketplaceAccount::ShopId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SyncCursor::Table)
                    .col(ColumnDef::new(SyncCursor::AccountId).integer().not_null())
                    .col(
                        ColumnDef::new(SyncCursor::Resource)
                            .string_len(16)
                            .not_null(),
                    )
                    // The marketplace's own time (its unix seconds) up to which everything is
                    // home: the next pull asks for what changed since.
                    .col(ColumnDef::new(SyncCursor::Cursor).big_integer().null())
                    // A pull in progress: the newest change it started from, and how far it
                    // has paged; a crash resumes there instead of starting over.
                    .col(ColumnDef::new(SyncCursor::WindowHigh).big_integer().null())
                    .col(
                        ColumnDef::new(SyncCursor::NextOffset)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SyncCursor::SyncedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(SyncCursor::AccountId)
                            .col(SyncCursor::Resource),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sync_cursor_account")
                            .from(SyncCursor::Table, SyncCursor::AccountId)
                            .to(MarketplaceAccount::Table, MarketplaceAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SyncCursor::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MarketplaceAccount::Table).to_owned())
            .await
    }
}
