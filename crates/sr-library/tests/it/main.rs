//! sr-library integration tests: one binary, a module per feature.

mod folders;
mod metadata;
mod organise_support;
mod presets;
mod search;
mod sync;
mod tags;
mod undo;
mod watch;
