//! Pre-dispatch inspection: the seller's checklist templates, each order's inspection
//! runs (what was scanned and answered, by whom, and how it ended), and a listing's stockroom
//! location for the pick list.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InspectionTemplate {
    Table,
    Family,
    Steps,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InspectionRun {
    Table,
    Id,
    OrderId,
    Attempt,
    Family,
    Packer,
    Steps,
    Answers,
    Counts,
    WrongScans,
    OverScans,
    Outcome,
    Failure,
    OverrideReason,
    Version,
    StartedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Listing {
    Table,
    Location,
}

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Where a listing's goods sit (a bin, a shelf): the pick list is grouped and sorted by it.
        manager
            .alter_table(
                Table::alter()
                    .table(Listing::Table)
                    .add_column(
                        ColumnDef::new(Listing::Location)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InspectionTemplate::Table)
                    .col(
                        ColumnDef::new(InspectionTemplate::Family)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    // The ordered steps, as JSON: a template is read and saved whole.
                    .col(ColumnDef::new(InspectionTemplate::Steps).text().not_null())
                    .col(
                        ColumnDef::new(InspectionTemplate::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InspectionRun::Table)
                    .col(
                        ColumnDef::new(InspectionRun::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(InspectionRun::OrderId).integer().not_null())
                    // 1 for the first run of an order: the first-pass rate counts those.
                    .col(ColumnDef::new(InspectionRun::Attempt).integer().not_null())
                    .col(
                        ColumnDef::new(InspectionRun::Family)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(InspectionRun::Packer).string_len(64).null())
                    // The template's steps as they were when the run began, so an edit of the
                    // template never changes a run under way.
                    .col(ColumnDef::new(InspectionRun::Steps).text().not_null())
                    .col(ColumnDef::new(InspectionRun::Answers).text().not_null())
                    .col(ColumnDef::new(InspectionRun::Counts).text().not_null())
                    .col(
                        ColumnDef::new(InspectionRun::WrongScans)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(InspectionRun::OverScans)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    // open, passed, failed or overridden.
                    .col(
                        ColumnDef::new(InspectionRun::Outcome)
                            .string_len(16)
                            .not_null(),
                    )
                    // The problem a failed run opened (damaged, wrong_item, missing_part…).
                    .col(ColumnDef::new(InspectionRun::Failure).string_len(32).null())
                    .col(ColumnDef::new(InspectionRun::OverrideReason).text().null())
                    // Bumped by every write: two desks scanning one order never lose a scan.
                    .col(
                        ColumnDef::new(InspectionRun::Version)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(InspectionRun::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InspectionRun::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InspectionRun::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inspection_run_order")
                            .from(InspectionRun::Table, InspectionRun::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_inspection_run_attempt")
                    .table(InspectionRun::Table)
                    .col(InspectionRun::OrderId)
                    .col(InspectionRun::Attempt)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The weekly figures read the runs that ended in a week.
        manager
            .create_index(
                Index::create()
                    .name("ix_inspection_run_finished")
                    .table(InspectionRun::Table)
                    .col(InspectionRun::FinishedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InspectionRun::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InspectionTemplate::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Listing::Table)
                    .drop_column(Listing::Location)
                    .to_owned(),
            )
            .await
    }
}
