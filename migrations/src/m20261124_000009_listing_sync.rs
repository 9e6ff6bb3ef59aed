//! Listings from a marketplace: the values last synced for each linked listing (the
//! base of a three-way merge), and the fields changed both here and on the marketplace since,
//! which wait for the seller to choose.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListingSyncBase {
    Table,
    ListingId,
    AccountId,
    Base,
    SyncedAt,
}

#[derive(DeriveIden)]
enum ListingConflict {
    Table,
    Id,
    ListingId,
    Field,
    Base,
    Local,
    Remote,
    DetectedAt,
}

#[derive(DeriveIden)]
enum Listing {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MarketplaceAccount {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ListingSyncBase::Table)
                    .col(
                        ColumnDef::new(ListingSyncBase::ListingId)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ListingSyncBase::AccountId)
                            .integer()
                            .not_null(),
                    )
                    // JSON: field name → value as last synced.
                    .col(ColumnDef::new(ListingSyncBase::Base).text().not_null())
                    .col(
                        ColumnDef::new(ListingSyncBase::SyncedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_sync_base_listing")
                            .from(ListingSyncBase::Table, ListingSyncBase::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_sync_base_account")
                            .from(ListingSyncBase::Table, ListingSyncBase::AccountId)
                            .to(MarketplaceAccount::Table, MarketplaceAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ListingConflict::Table)
                    .col(
                        ColumnDef::new(ListingConflict::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ListingConflict::ListingId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ListingConflict::Field)
                            .string_len(32)
                            .not_null(),
                    )
                    // JSON values; the base is null when the listing was never synced.
                    .col(ColumnDef::new(ListingConflict::Base).text().null())
                    .col(ColumnDef::new(ListingConflict::Local).text().not_null())
                    .col(ColumnDef::new(ListingConflict::Remote).text().not_null())
                    .col(
                        ColumnDef::new(ListingConflict::DetectedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_conflict_listing")
                            .from(ListingConflict::Table, ListingConflict::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_listing_conflict_field")
                    .table(ListingConflict::Table)
                    .col(ListingConflict::ListingId)
                    .col(ListingConflict::Field)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ListingConflict::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ListingSyncBase::Table).to_owned())
            .await
    }
}
