//! sr-api integration tests: one binary, a module per feature.

mod background_uploads;
mod catalogue;
mod layers;
mod media_server;
mod organise;
mod presets;
mod shop;
mod sync;
mod sync_runs;
mod watch;

mod preview;
