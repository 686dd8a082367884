//! sr-api integration tests: one binary, a module per feature.

mod organise;
mod media_server;

mod preview;
