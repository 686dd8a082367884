//! sr-api integration tests: one binary, a module per feature.

mod media_server;
mod organise;
mod presets;

mod preview;
