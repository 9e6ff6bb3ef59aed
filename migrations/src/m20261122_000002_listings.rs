//! Listings with their variants and photos, and the completeness rules per category family.
//! Scores are stored on the listing so lists can sort and filter by them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Listing {
    Table,
    Id,
    Title,
    Description,
    Category,
    Family,
    Tags,
    Materials,
    Maker,
    Specs,
    Usage,
    Safety,
    Warranty,
    ReturnPolicy,
    Attributes,
    PriceMinor,
    Currency,
    VatRateBp,
    PriceIncludesVat,
    ShippingCostMinor,
    ShippingProfile,
    ProcessingMin,
    ProcessingMax,
    DeliveryMin,
    DeliveryMax,
    WeightG,
    LengthMm,
    WidthMm,
    HeightMm,
    State,
    ReviewCount,
    RatingX100,
    EtsyListingId,
    Score,
    Complete,
    Unmet,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ListingVariant {
    Table,
    Id,
    ListingId,
    Position,
    Sku,
    Options,
    PriceOverrideMinor,
    Quantity,
    Barcode,
}

#[derive(DeriveIden)]
enum ListingPhoto {
    Table,
    ListingId,
    Position,
    MediaHash,
}

#[derive(DeriveIden)]
enum CompletenessRule {
    Table,
    Family,
    RuleId,
    Position,
    Required,
    Weight,
    CheckJson,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Hash,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn int_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Listing::Table)
                    .col(
                        ColumnDef::new(Listing::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text(Listing::Title))
                    .col(text(Listing::Description))
                    .col(text(Listing::Category))
                    .col(ColumnDef::new(Listing::Family).string_len(32).not_null())
                    .col(text(Listing::Tags))
                    .col(text(Listing::Materials))
                    .col(text(Listing::Maker))
                    .col(text(Listing::Specs))
                    .col(text(Listing::Usage))
                    .col(text(Listing::Safety))
                    .col(text(Listing::Warranty))
                    .col(text(Listing::ReturnPolicy))
                    .col(text(Listing::Attributes))
                    .col(ColumnDef::new(Listing::PriceMinor).big_integer().null())
                    .col(ColumnDef::new(Listing::Currency).string_len(3).not_null())
                    .col(int_null(Listing::VatRateBp))
                    .col(
                        ColumnDef::new(Listing::PriceIncludesVat)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Listing::ShippingCostMinor)
                            .big_integer()
                            .null(),
                    )
                    .col(text(Listing::ShippingProfile))
                    .col(int_null(Listing::ProcessingMin))
                    .col(int_null(Listing::ProcessingMax))
                    .col(int_null(Listing::DeliveryMin))
                    .col(int_null(Listing::DeliveryMax))
                    .col(int_null(Listing::WeightG))
                    .col(int_null(Listing::LengthMm))
                    .col(int_null(Listing::WidthMm))
                    .col(int_null(Listing::HeightMm))
                    .col(ColumnDef::new(Listing::State).string_len(16).not_null())
                    .col(ColumnDef::new(Listing::ReviewCount).integer().not_null())
                    .col(int_null(Listing::RatingX100))
                    .col(
                        ColumnDef::new(Listing::EtsyListingId)
                            .string_len(32)
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Listing::Score).small_integer().not_null())
                    .col(ColumnDef::new(Listing::Complete).boolean().not_null())
                    // Unmet rule ids as ",photos,warranty,": filterable with LIKE.
                    .col(text(Listing::Unmet))
                    .col(
                        ColumnDef::new(Listing::ArchivedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Listing::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Listing::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_listing_score", Listing::Score),
            ("idx_listing_updated_at", Listing::UpdatedAt),
            ("idx_listing_family", Listing::Family),
            ("idx_listing_state", Listing::State),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Listing::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ListingVariant::Table)
                    .col(
                        ColumnDef::new(ListingVariant::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ListingVariant::ListingId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ListingVariant::Position)
                            .integer()
                            .not_null(),
                    )
                    // NULL when the variant has no SKU; a SKU is unique across the catalog.
                    .col(
                        ColumnDef::new(ListingVariant::Sku)
                            .string_len(64)
                            .null()
                            .unique_key(),
                    )
                    .col(text(ListingVariant::Options))
                    .col(
                        ColumnDef::new(ListingVariant::PriceOverrideMinor)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ListingVariant::Quantity)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(ListingVariant::Barcode))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_variant_listing")
                            .from(ListingVariant::Table, ListingVariant::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_listing_variant_listing")
                    .table(ListingVariant::Table)
                    .col(ListingVariant::ListingId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ListingPhoto::Table)
                    .col(ColumnDef::new(ListingPhoto::ListingId).integer().not_null())
                    .col(ColumnDef::new(ListingPhoto::Position).integer().not_null())
                    .col(
                        ColumnDef::new(ListingPhoto::MediaHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ListingPhoto::ListingId)
                            .col(ListingPhoto::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_photo_listing")
                            .from(ListingPhoto::Table, ListingPhoto::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_photo_media")
                            .from(ListingPhoto::Table, ListingPhoto::MediaHash)
                            .to(Media::Table, Media::Hash)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CompletenessRule::Table)
                    .col(
                        ColumnDef::new(CompletenessRule::Family)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CompletenessRule::RuleId)
                            .string_len(48)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CompletenessRule::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CompletenessRule::Required)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CompletenessRule::Weight)
                            .integer()
                            .not_null(),
                    )
                    .col(text(CompletenessRule::CheckJson))
                    .primary_key(
                        Index::create()
                            .col(CompletenessRule::Family)
                            .col(CompletenessRule::RuleId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CompletenessRule::Table.into_iden(),
            ListingPhoto::Table.into_iden(),
            ListingVariant::Table.into_iden(),
            Listing::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
