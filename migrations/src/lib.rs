//! Vefa's store schema. Every change to the schema is a new migration here; the store runs them on
//! start (after backing a SQLite file up) and the tests build their stores with them too.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_profile_settings_changes;
mod m20261122_000002_listings;
mod m20261123_000003_listing_facts;
mod m20261123_000004_listing_score;
mod m20261123_000005_orders;
mod m20261123_000006_outbox;
mod m20261124_000007_sync;
mod m20261124_000008_sync_outbox;
mod m20261124_000009_listing_sync;
mod m20261124_000010_marketplace_review;
mod m20261125_000011_marketplace_image;
mod m20261126_000012_inspection;
mod m20261127_000013_loyalty;
mod m20261128_000014_coupons;
mod m20261129_000015_feedback;
mod m20261130_000016_follow_up;
mod m20261201_000017_weekly_review;
mod m20261204_000018_customer_care;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_profile_settings_changes::Migration),
            Box::new(m20261122_000002_listings::Migration),
            Box::new(m20261123_000003_listing_facts::Migration),
            Box::new(m20261123_000004_listing_score::Migration),
            Box::new(m20261123_000005_orders::Migration),
            Box::new(m20261123_000006_outbox::Migration),
            Box::new(m20261124_000007_sync::Migration),
            Box::new(m20261124_000008_sync_outbox::Migration),
            Box::new(m20261124_000009_listing_sync::Migration),
            Box::new(m20261124_000010_marketplace_review::Migration),
            Box::new(m20261125_000011_marketplace_image::Migration),
            Box::new(m20261126_000012_inspection::Migration),
            Box::new(m20261127_000013_loyalty::Migration),
            Box::new(m20261128_000014_coupons::Migration),
            Box::new(m20261129_000015_feedback::Migration),
            Box::new(m20261130_000016_follow_up::Migration),
            Box::new(m20261201_000017_weekly_review::Migration),
            Box::new(m20261204_000018_customer_care::Migration),
        ]
    }
}
