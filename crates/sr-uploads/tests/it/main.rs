//! Integration tests of the upload queue against the emulator over real HTTP on loopback.

mod support;

mod auth_endpoint;
mod controls;
mod faults;
mod preflight;
mod reconcile;
mod rules;
mod sync_link;
mod upload;
