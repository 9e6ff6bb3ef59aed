//! Reviews from a marketplace, kept so that a listing's count and average rating are
//! derived from them, and a review read twice counts once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MarketplaceReview {
    Table,
    Id,
    AccountId,
    ListingRef,
    ReviewKey,
    Rating,
    CreatedAt,
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
                    .table(MarketplaceReview::Table)
                    .col(
                        ColumnDef::new(MarketplaceReview::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceReview::AccountId)
                            .integer()
                            .not_null(),
                    )
                    // The marketplace's listing id.
                    .col(
                        ColumnDef::new(MarketplaceReview::ListingRef)
                            .string_len(32)
                            .not_null(),
                    )
                    // Etsy's reviews have no id: the listing, the time and a digest of the text.
                    .col(
                        ColumnDef::new(MarketplaceReview::ReviewKey)
                            .string_len(96)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceReview::Rating)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MarketplaceReview::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_marketplace_review_account")
                            .from(MarketplaceReview::Table, MarketplaceReview::AccountId)
                            .to(MarketplaceAccount::Table, MarketplaceAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_marketplace_review_key")
                    .table(MarketplaceReview::Table)
                    .col(MarketplaceReview::AccountId)
                    .col(MarketplaceReview::ReviewKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_marketplace_review_listing")
                    .table(MarketplaceReview::Table)
                    .col(MarketplaceReview::AccountId)
                    .col(MarketplaceReview::ListingRef)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MarketplaceReview::Table).to_owned())
            .await
    }
}
