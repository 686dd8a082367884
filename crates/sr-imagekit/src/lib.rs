//! The remote media library's language (ImageKit, see shared/spec/imagekit-api.md), as pure functions.
//!
//! Boundary: no IO, no clock (callers pass `now`), no async. Shared by the HTTP client (`sr-remote`),
//! the emulator (`sr-emulator`) and the offline library, so that the app, the emulator and the
//! remote agree on names, signatures, schemas and queries by construction.
//!
//! Layering: `names`, `metadata`, `signing` and `transform` are the base and import no other module
//! of the crate; `url` (delivery URLs and their signatures) is built on `transform` and `signing`,
//! `search` on `metadata`. Inside `transform` the lossless model is the base and its `values`
//! (typed accessors) and `sdk` (the SDK's JSON objects) are built on it, never on each other.

pub mod metadata;
pub mod names;
pub mod search;
pub mod signing;
pub mod transform;
pub mod url;
