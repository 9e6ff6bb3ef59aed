//! The core's integration tests, one binary (one link on two cores instead of one per area):
//! each module is an area, each test a seller's scenario on a real store — SQLite, and
//! PostgreSQL when `VEFA_TEST_POSTGRES_URL` names a server (`cargo xtask test` starts one).

#[macro_use]
mod common;

mod catalog_csv;
mod changes;
mod etsy_wire;
mod followup;
mod inspection;
mod listings;
mod loyalty;
mod loyalty_model;
mod messages;
mod offers;
mod openapi_spec;
mod orders;
mod orders_model;
mod profile;
mod review;
mod store;
mod sync;
