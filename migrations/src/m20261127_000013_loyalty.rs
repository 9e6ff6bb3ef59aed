//! Loyalty points: an append-only ledger per customer. Every entry has a reason and a
//! source key that is unique, so a re-synced or re-imported order never credits twice; a
//! reversal is a new entry pointing at the one it reverses, never an edit.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoyaltyEntry {
    Table,
    Id,
    CustomerId,
    Points,
    Kind,
    Reason,
    SourceKey,
    Reverses,
    At,
}

#[derive(DeriveIden)]
enum Customer {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoyaltyEntry::Table)
                    .col(
                        ColumnDef::new(LoyaltyEntry::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LoyaltyEntry::CustomerId)
                            .integer()
                            .not_null(),
                    )
                    // Signed: credits are positive, redemptions, expiries and reversals negative.
                    .col(
                        ColumnDef::new(LoyaltyEntry::Points)
                            .big_integer()
                            .not_null(),
                    )
                    // order, first_purchase, apology, redemption, expiry, manual, reversal.
                    .col(ColumnDef::new(LoyaltyEntry::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(LoyaltyEntry::Reason).text().not_null())
                    .col(
                        ColumnDef::new(LoyaltyEntry::SourceKey)
                            .string_len(96)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(LoyaltyEntry::Reverses).integer().null())
                    .col(
                        ColumnDef::new(LoyaltyEntry::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_loyalty_entry_customer")
                            .from(LoyaltyEntry::Table, LoyaltyEntry::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // A balance is the sum of one customer's entries: read from this index alone.
        manager
            .create_index(
                Index::create()
                    .name("ix_loyalty_entry_customer")
                    .table(LoyaltyEntry::Table)
                    .col(LoyaltyEntry::CustomerId)
                    .col(LoyaltyEntry::At)
                    .col(LoyaltyEntry::Points)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoyaltyEntry::Table).to_owned())
            .await
    }
}
