//! The remote media library's language (ImageKit, see shared/spec/imagekit-api.md), as pure functions.
//!
//! Boundary: no IO, no clock (callers pass `now`), no async. Shared by the HTTP client (`sr-remote`),
//! the emulator (`sr-emulator`) and the offline library, so that the app, the emulator and the
//! remote agree on names, signatures, schemas and queries by construction.

pub mod metadata;
pub mod names;
pub mod search;
pub mod signing;
pub mod transform;
pub mod url;
