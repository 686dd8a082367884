//! Integration tests: a real emulator on a loopback port, driven over HTTP.

mod common;
mod delivery;
mod faults;
mod fields;
mod files;
mod folders;
mod python_sdk;
mod sync;
mod transformed;
mod upload;
mod validation;
