//! A marketplace listing's pictures: which of them are home, as which media file, and
//! which are still to be fetched (a failed download is tried again on later syncs).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MarketplaceImage {
    Table,
    AccountId,
    ImageRef,
    ListingId,
    Rank,
    Url,
    MediaHash,
    Tries,
    Error,
}

#[derive(DeriveIden)]
enum MarketplaceAccount {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Listing {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MarketplaceImage::Table)
                    .col(
                        ColumnDef::new(MarketplaceImage::AccountId)
                            .integer()
                            .not_null(),
                    )
                    // The marketplace's image id.
                    .col(
                        ColumnDef::new(MarketplaceImage::ImageRef)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceImage::ListingId)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MarketplaceImage::Rank).integer().not_null())
                    .col(ColumnDef::new(MarketplaceImage::Url).text().not_null())
                    // Set once the picture is in the media folder.
                    .col(ColumnDef::new(MarketplaceImage::MediaHash).string_len(64))
                    .col(
                        ColumnDef::new(MarketplaceImage::Tries)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(MarketplaceImage::Error).text())
                    .primary_key(
                        Index::create()
                            .col(MarketplaceImage::AccountId)
                            .col(MarketplaceImage::ImageRef),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_marketplace_image_account")
                            .from(MarketplaceImage::Table, MarketplaceImage::AccountId)
                            .to(MarketplaceAccount::Table, MarketplaceAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_marketplace_image_listing")
                            .from(MarketplaceImage::Table, MarketplaceImage::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_marketplace_image_listing")
                    .table(MarketplaceImage::Table)
                    .col(MarketplaceImage::ListingId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MarketplaceImage::Table).to_owned())
            .await
    }
}
