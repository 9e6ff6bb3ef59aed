//! Customer care: duplicate buyers merged into one record (the merged record stays,
//! pointing at the one it joined, so its marketplace id, e-mail and phone still find the buyer),
//! the listing a personal offer's coupon was made for, and a key on the messages Vefa queues by
//! itself (the warning before points expire) so each goes once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customer {
    Table,
    MergedInto,
}

#[derive(DeriveIden)]
enum Coupon {
    Table,
    ListingId,
}

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    SourceKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Customer::Table)
                    .add_column(ColumnDef::new(Customer::MergedInto).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_merged_into")
                    .table(Customer::Table)
                    .col(Customer::MergedInto)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Coupon::Table)
                    .add_column(ColumnDef::new(Coupon::ListingId).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessage::Table)
                    .add_column(
                        ColumnDef::new(OutboxMessage::SourceKey)
                            .string_len(96)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_outbox_message_source_key")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::SourceKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_outbox_message_source_key")
                    .table(OutboxMessage::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessage::Table)
                    .drop_column(OutboxMessage::SourceKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Coupon::Table)
                    .drop_column(Coupon::ListingId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_customer_merged_into")
                    .table(Customer::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Customer::Table)
                    .drop_column(Customer::MergedInto)
                    .to_owned(),
            )
            .await
    }
}
