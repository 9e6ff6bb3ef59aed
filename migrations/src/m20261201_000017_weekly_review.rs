//! The weekly review: indexes that let a week's figures be read by time over a
//! million orders, and the catalog's daily completeness, so a week can be compared with the one
//! before (scores themselves are only ever the current ones).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CatalogHistory {
    Table,
    Day,
    Listings,
    Complete,
    ScoreSum,
    RecordedAt,
}

const INDEXES: [(&str, &str, &[&str]); 7] = [
    ("ix_sales_order_confirmed", "sales_order", &["confirmed_at"]),
    (
        "ix_sales_order_customer_placed",
        "sales_order",
        &["customer_id", "placed_at"],
    ),
    (
        "ix_order_event_status_at",
        "order_event",
        &["status_to", "at"],
    ),
    ("ix_order_problem_opened", "order_problem", &["opened_at"]),
    ("ix_loyalty_entry_at", "loyalty_entry", &["at"]),
    ("ix_coupon_use_at", "coupon_use", &["at"]),
    ("ix_feedback_resolved", "feedback", &["resolved_at"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, cols) in INDEXES {
            let mut index = Index::create();
            index.name(name).table(Alias::new(table));
            for c in cols {
                index.col(Alias::new(*c));
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CatalogHistory::Table)
                    // YYYY-MM-DD (UTC): one row a day, the last reading of the day.
                    .col(
                        ColumnDef::new(CatalogHistory::Day)
                            .string_len(10)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CatalogHistory::Listings)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CatalogHistory::Complete)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CatalogHistory::ScoreSum)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CatalogHistory::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CatalogHistory::Table).to_owned())
            .await?;
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
