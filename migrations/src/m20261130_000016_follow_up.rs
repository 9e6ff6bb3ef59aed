//! Follow-up after delivery: one row per delivered order — when it was delivered,
//! when the seller asked how it went, and the buyer's answer (1–5 and a comment). A low answer
//! links the complaint it opened. Orders delivered before this migration get their row from
//! their timeline, so the queue starts with what is already due.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FollowUp {
    Table,
    Id,
    OrderId,
    CustomerId,
    DeliveredAt,
    SentAt,
    MessageId,
    DismissedAt,
    AnsweredAt,
    Score,
    Comment,
    FeedbackId,
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

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ts = |c: FollowUp| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(FollowUp::Table)
                    .col(
                        ColumnDef::new(FollowUp::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(FollowUp::OrderId)
                            .integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(FollowUp::CustomerId).integer().not_null())
                    .col(
                        ColumnDef::new(FollowUp::DeliveredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ts(FollowUp::SentAt))
                    .col(ColumnDef::new(FollowUp::MessageId).integer().null())
                    .col(ts(FollowUp::DismissedAt))
                    .col(ts(FollowUp::AnsweredAt))
                    .col(ColumnDef::new(FollowUp::Score).small_integer().null())
                    .col(ColumnDef::new(FollowUp::Comment).text().not_null())
                    .col(ColumnDef::new(FollowUp::FeedbackId).integer().null())
                    .check(
                        Expr::col(FollowUp::Score)
                            .is_null()
                            .or(Expr::col(FollowUp::Score).between(1, 5)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_order")
                            .from(FollowUp::Table, FollowUp::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_customer")
                            .from(FollowUp::Table, FollowUp::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_feedback")
                            .from(FollowUp::Table, FollowUp::FeedbackId)
                            .to(Feedback::Table, Feedback::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_follow_up_delivered", FollowUp::DeliveredAt),
            ("ix_follow_up_sent", FollowUp::SentAt),
            ("ix_follow_up_answered", FollowUp::AnsweredAt),
            ("ix_follow_up_customer", FollowUp::CustomerId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(FollowUp::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        // Orders already delivered, from the last move to "delivered" on their timeline.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO follow_up (order_id, customer_id, delivered_at, comment) \
                 SELECT o.id, o.customer_id, MAX(e.at), '' \
                 FROM sales_order o JOIN order_event e ON e.order_id = o.id \
                 WHERE o.status IN ('delivered', 'completed') AND e.status_to = 'delivered' \
                 GROUP BY o.id, o.customer_id",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FollowUp::Table).to_owned())
            .await
    }
}
