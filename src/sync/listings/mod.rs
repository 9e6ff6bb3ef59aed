//! Bringing marketplace listings home, inside the pull's transaction. A listing is linked by its
//! marketplace id, else by one of its SKUs, else created. For a linked one the fields both sides
//! edit (title, description, tags, materials, price) are merged three ways with the values last
//! synced as the base: a field changed only on the marketplace is taken, one changed only here
//! is kept (to be sent), one changed on both sides is kept here and recorded as a conflict for
//! the seller to decide — never silently overwritten. Stock is taken from the marketplace once,
//! when a listing is first linked; after that Vefa's ledger is the truth and the marketplace
//! hears of it (its own sales come home as orders and take stock here).
//!
//! What differs from the marketplace afterwards — a local edit kept by the merge, a price or
//! stock figure — goes out through the outbox: [`plan_edit`] and [`plan_stock`] say what to
//! send, compared with the base (the marketplace's values as last seen), and [`pushed_edit`] /
//! [`pushed_stock`] move the base once it was sent. A field in conflict is never sent.
//!
//! `merge` holds the three-way merge, `base` the marketplace's side as last seen, `pull` a page
//! applied, `push` what to send, `conflicts` what waits for the seller.

mod base;
mod conflicts;
mod merge;
mod pull;
mod push;

pub use conflicts::*;
pub use merge::*;
pub use pull::*;
pub use push::*;
