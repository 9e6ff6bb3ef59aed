//! The plumbing every context stands on: the store and its entities, the change feed, the media
//! store, the keychain and desktop notifications.

pub mod changes;
pub mod media;
pub mod notifications;
pub mod secrets;
pub mod store;
