//! The first tables: the seller profile, settings, content-addressed media, and the change log that
//! lets writes from another process (the CLI, a second desk) reach an open window.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Hash,
    Mime,
    Bytes,
    Width,
    Height,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SellerProfile {
    Table,
    Id,
    ShopName,
    ContactName,
    Phone,
    Email,
    PhotoHash,
    UiLanguage,
    Languages,
    Currency,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Id,
    Kind,
    Ids,
    Origin,
    Actor,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(
                        ColumnDef::new(Media::Hash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Media::Mime).string_len(64).not_null())
                    .col(ColumnDef::new(Media::Bytes).big_integer().not_null())
                    .col(ColumnDef::new(Media::Width).integer().not_null())
                    .col(ColumnDef::new(Media::Height).integer().not_null())
                    .col(
                        ColumnDef::new(Media::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        // One row (id = 1): the shop's own profile.
        manager
            .create_table(
                Table::create()
                    .table(SellerProfile::Table)
                    .col(
                        ColumnDef::new(SellerProfile::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SellerProfile::ShopName).text().not_null())
                    .col(ColumnDef::new(SellerProfile::ContactName).text().not_null())
                    .col(ColumnDef::new(SellerProfile::Phone).text().not_null())
                    .col(ColumnDef::new(SellerProfile::Email).text().not_null())
                    .col(
                        ColumnDef::new(SellerProfile::PhotoHash)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SellerProfile::UiLanguage)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SellerProfile::Languages).text().not_null())
                    .col(
                        ColumnDef::new(SellerProfile::Currency)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SellerProfile::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_seller_profile_photo")
                            .from(SellerProfile::Table, SellerProfile::PhotoHash)
                            .to(Media::Table, Media::Hash)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Setting::Table)
                    .col(
                        ColumnDef::new(Setting::Key)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Setting::Value).text().not_null())
                    .col(
                        ColumnDef::new(Setting::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChangeLog::Table)
                    .col(
                        ColumnDef::new(ChangeLog::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ChangeLog::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(ChangeLog::Ids).text().not_null())
                    .col(ColumnDef::new(ChangeLog::Origin).string_len(36).not_null())
                    .col(ColumnDef::new(ChangeLog::Actor).string_len(16).not_null())
                    .col(
                        ColumnDef::new(ChangeLog::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_change_log_at")
                    .table(ChangeLog::Table)
                    .col(ChangeLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChangeLog::Table.into_iden(),
            Setting::Table.into_iden(),
            SellerProfile::Table.into_iden(),
            Media::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
