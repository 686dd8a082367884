//! Contract tests: the real client against the real emulator over loopback.

mod auth_endpoint;
mod errors;
mod fields;
mod files;
mod folders;
mod listing;
mod support;
mod transport;
mod upload;
mod versions;
