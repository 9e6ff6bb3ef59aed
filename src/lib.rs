//! Vefa's core: the store, the domain rules and the change feed. It knows nothing of Tauri: the
//! desktop shell and the `vefa` CLI are both thin layers over [`Vefa`]. `ARCHITECTURE.md` maps
//! the folders and the layers they sit in.

pub mod calendar;
pub mod clock;
pub mod error;
pub mod fields;
pub mod html;
pub mod locale;
pub mod money;

mod app;
pub mod catalog;
pub mod customers;
pub mod infra;
pub mod inspection;
pub mod marketplaces;
pub mod messages;
pub mod orders;
pub mod reports;
pub mod shop;
pub mod sync;

pub use app::{
    APP_ID, AccountStatus, ConnectRequest, CustomerRecord, Housekeeping, Inspected, LIMITS, Limits,
    OpenOptions, Printed, SendReport, SmtpView, Vefa,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorCode, ErrorView, FieldCode, FieldError, Result};
pub use infra::changes::{Actor, Change, ChangeFeed, ChangeKind};
pub use infra::store::{Location, StoreInfo};
pub use shop::profile::{Profile, ProfileInput};
pub use shop::settings::Settings;
