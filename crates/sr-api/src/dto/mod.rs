//! The façade's wire types, one module per domain. Each one is a contract with the UI (TypeScript
//! bindings are generated from these, see `bindings.rs`) and with `stockroom --json` users: add
//! fields, never rename or remove them.
//!
//! Every type that derives `TS` lives here (or is the error in `error.rs`); the test
//! `every_dto_is_bound` fails when one is missing from the bindings. Conversions from the lower
//! crates' types destructure their source without `..`, so a new field there does not compile until
//! someone decides whether the UI sees it.

pub mod account;
pub mod delivery;
mod library;
pub mod organise;
pub mod presets;
pub mod preview;
pub mod shop;
pub mod sync;
pub mod uploads;
pub mod watch;

pub use library::*;
