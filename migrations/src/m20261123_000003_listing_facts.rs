//! What the completeness rules look at, measured when a listing is saved (`facts`, JSON), so a
//! full rescore reads one short column per listing instead of every text, variant and photo.
//! Listings saved before this migration get theirs on the next start (`listings::backfill_facts`).
//!
//! The listings table is now answered from the catalog index in memory, so the indexes that
//! served its sorting and filtering go: each made every save and rescore slower for nothing.

use sea_orm_migration::prelude::*;

const UNUSED_INDEXES: [&str; 4] = [
    "idx_listing_score",
    "idx_listing_updated_at",
    "idx_listing_family",
    "idx_listing_state",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Listing {
    Table,
    Facts,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Listing::Table)
                    .add_column(ColumnDef::new(Listing::Facts).text().not_null().default(""))
                    .to_owned(),
            )
            .await?;
        for name in UNUSED_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Listing::Table).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, col) in UNUSED_INDEXES
            .iter()
            .zip(["score", "updated_at", "family", "state"])
        {
            manager
                .create_index(
                    Index::create()
                        .name(*name)
                        .table(Listing::Table)
                        .col(Alias::new(col))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Listing::Table)
                    .drop_column(Listing::Facts)
                    .to_owned(),
            )
            .await
    }
}
