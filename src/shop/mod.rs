//! The shop itself: the seller's profile and the settings.

pub mod profile;
pub mod settings;
