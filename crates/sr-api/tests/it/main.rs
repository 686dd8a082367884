//! sr-api integration tests: one binary, a module per feature.

mod catalogue;
mod media_server;
mod organise;
mod presets;

mod preview;
