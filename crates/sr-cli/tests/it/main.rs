//! Integration tests of the `stockroom` binary: one test binary, a module per feature.

mod common;
mod import;
mod presets;
mod preview;
mod remote;
mod shop;
mod sync;
mod sync_runs;
mod watch;

mod chaos;
