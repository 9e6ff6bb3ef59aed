//! The weekly review: a week's figures beside the week before's — orders and revenue,
//! time to confirm, dispatch on time, inspection, problems, complaints, satisfaction, buyers new
//! and returning, points and coupons, catalog completeness, praise — for the app's charts, a
//! printable page and JSON.

pub mod figures;
pub mod html;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
    Set,
};
use serde::Serialize;
use specta::Type;

pub use crate::calendar::IsoWeek;
pub use figures::{KeyCount, Rate, WeekFigures};

use crate::error::Result;
use crate::infra::store::entity::{catalog_history, listing, listing_score};

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WeeklyReview {
    pub week: String,
    /// The zone whose midnights bound the week ("Asia/Baku").
    pub time_zone: String,
    pub currency: String,
    pub generated_at: DateTime<Utc>,
    pub this_week: WeekFigures,
    pub previous_week: WeekFigures,
}

/// The review of `week` against the week before.
pub async fn weekly<C: ConnectionTrait>(
    db: &C,
    week: IsoWeek,
    zone: chrono_tz::Tz,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<WeeklyReview> {
    Ok(WeeklyReview {
        week: week.label(),
        currency: currency.to_owned(),
        generated_at: now,
        time_zone: zone.name().to_owned(),
        this_week: figures::week(db, week, zone, currency).await?,
        previous_week: figures::week(db, week.previous(), zone, currency).await?,
    })
}

/// Records today's catalog completeness (listings not archived) for the review's trend, on the
/// shop's calendar; a later reading the same day replaces the earlier one.
pub async fn record_catalog<C: ConnectionTrait>(
    db: &C,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<()> {
    let complete = Expr::case(Expr::col(listing_score::Column::Complete).eq(true), 1).finally(0);
    let (listings, complete, sum): (i64, Option<i64>, Option<i64>) = listing_score::Entity::find()
        .select_only()
        .column_as(listing_score::Column::ListingId.count(), "listings")
        .column_as(
            Expr::expr(Func::cast_as(Func::sum(complete), "BIGINT")),
            "complete",
        )
        .column_as(
            crate::infra::store::sum_i64(listing_score::Column::Score),
            "sum",
        )
        .join(JoinType::InnerJoin, listing_score::Relation::Listing.def())
        .filter(listing::Column::ArchivedAt.is_null())
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None, None));
    catalog_history::Entity::insert(catalog_history::ActiveModel {
        day: Set(now.with_timezone(&zone).date_naive().to_string()),
        listings: Set(i32::try_from(listings).unwrap_or(i32::MAX)),
        complete: Set(i32::try_from(complete.unwrap_or(0)).unwrap_or(i32::MAX)),
        score_sum: Set(sum.unwrap_or(0)),
        recorded_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(catalog_history::Column::Day)
            .update_columns([
                catalog_history::Column::Listings,
                catalog_history::Column::Complete,
                catalog_history::Column::ScoreSum,
                catalog_history::Column::RecordedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
