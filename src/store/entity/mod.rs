//! SeaORM entities, one file per table. They stay inside the core: domains expose their own views.

pub mod change_log;
pub mod media;
pub mod seller_profile;
pub mod setting;
