//! Scores move from the listing row to a narrow table of their own. A full rescore rewrites
//! most scores (staleness moves with the clock; a rule edit touches a whole family), and
//! rewriting a score inside the wide listing row rewrites the whole row, texts and all: 100k
//! listings took ~1.2 s, against ~0.1 s for this table (measured on SQLite).
//!
//! The unmet rules become a bit set (bit k: the family's rule at position k) instead of
//! ",photos,warranty,": eight bytes where the ids took ~90 (see `completeness::UnmetSet`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Listing {
    Table,
    Id,
    Score,
    Complete,
    Unmet,
}

#[derive(DeriveIden)]
enum ListingScore {
    Table,
    ListingId,
    Score,
    Complete,
    Unmet,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ListingScore::Table)
                    .col(
                        ColumnDef::new(ListingScore::ListingId)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ListingScore::Score)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ListingScore::Complete).boolean().not_null())
                    .col(ColumnDef::new(ListingScore::Unmet).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_listing_score_listing")
                            .from(ListingScore::Table, ListingScore::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The old column lists the ids between commas; a rule's bit is set when its id is there.
        let found = match manager.get_database_backend() {
            DbBackend::Postgres => "strpos(l.unmet, ',' || r.rule_id || ',') > 0",
            _ => "instr(l.unmet, ',' || r.rule_id || ',') > 0",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO listing_score (listing_id, score, complete, unmet) \
                 SELECT l.id, l.score, l.complete, CAST(COALESCE(( \
                   SELECT SUM(CAST(1 AS BIGINT) << r.position) FROM completeness_rule r \
                   WHERE r.family = l.family AND {found}), 0) AS BIGINT) \
                 FROM listing l"
            ))
            .await?;
        // One column per statement: SQLite alters one thing at a time.
        for col in [Listing::Score, Listing::Complete, Listing::Unmet] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Listing::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let restored = [
            ColumnDef::new(Listing::Score)
                .small_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Listing::Complete)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new(Listing::Unmet)
                .text()
                .not_null()
                .default("")
                .to_owned(),
        ];
        for def in restored {
            manager
                .alter_table(
                    Table::alter()
                        .table(Listing::Table)
                        .add_column(def)
                        .to_owned(),
                )
                .await?;
        }
        let ids = match manager.get_database_backend() {
            DbBackend::Postgres => "string_agg(r.rule_id, ',' ORDER BY r.position)",
            _ => "group_concat(r.rule_id, ',' ORDER BY r.position)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE listing SET score = s.score, complete = s.complete, \
                 unmet = COALESCE(',' || ( \
                   SELECT {ids} FROM completeness_rule r WHERE r.family = listing.family \
                   AND (s.unmet >> r.position) & 1 = 1) || ',', ',') \
                 FROM listing_score AS s WHERE s.listing_id = listing.id"
            ))
            .await?;
        manager
            .drop_table(Table::drop().table(ListingScore::Table).to_owned())
            .await
    }
}
