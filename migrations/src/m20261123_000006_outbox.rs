//! The outbox: every message to a buyer is stored before it is sent, so nothing is lost if the
//! app closes mid-send, and a failed send is retried and shown.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Id,
    OrderId,
    CustomerId,
    Kind,
    Language,
    Channel,
    Recipient,
    Subject,
    Body,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    UpdatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customer {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: OutboxMessage| ColumnDef::new(c).text().not_null().to_owned();
        let time = |c: OutboxMessage| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessage::Table)
                    .col(
                        ColumnDef::new(OutboxMessage::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(OutboxMessage::OrderId).integer().null())
                    .col(
                        ColumnDef::new(OutboxMessage::CustomerId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxMessage::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxMessage::Language)
                            .string_len(8)
                            .not_null(),
                    )
                    // email, marketplace or by_hand
                    .col(
                        ColumnDef::new(OutboxMessage::Channel)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(text(OutboxMessage::Recipient))
                    .col(text(OutboxMessage::Subject))
                    .col(text(OutboxMessage::Body))
                    .col(
                        ColumnDef::new(OutboxMessage::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(OutboxMessage::Attempts).integer().not_null())
                    .col(
                        ColumnDef::new(OutboxMessage::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(OutboxMessage::LastError).text().null())
                    .col(time(OutboxMessage::CreatedAt))
                    .col(time(OutboxMessage::UpdatedAt))
                    .col(
                        ColumnDef::new(OutboxMessage::SentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_message_order")
                            .from(OutboxMessage::Table, OutboxMessage::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_message_customer")
                            .from(OutboxMessage::Table, OutboxMessage::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // The sender's question: what is due now.
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_message_due")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::Status)
                    .col(OutboxMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_message_order")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::OrderId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxMessage::Table).to_owned())
            .await
    }
}
