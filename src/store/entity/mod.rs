//! SeaORM entities, one file per table. They stay inside the core: domains expose their own views.

pub mod change_log;
pub mod completeness_rule;
pub mod customer;
pub mod customer_token;
pub mod listing;
pub mod listing_conflict;
pub mod listing_photo;
pub mod listing_score;
pub mod listing_sync_base;
pub mod listing_variant;
pub mod marketplace_account;
pub mod marketplace_image;
pub mod marketplace_review;
pub mod media;
pub mod order_event;
pub mod order_line;
pub mod order_problem;
pub mod order_status_count;
pub mod outbox_message;
pub mod sales_order;
pub mod seller_profile;
pub mod setting;
pub mod stock_movement;
pub mod sync_cursor;
pub mod sync_outbox;
