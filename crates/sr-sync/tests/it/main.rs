//! Integration tests of sync against the emulator over real HTTP on loopback: two libraries (two
//! merchandisers) and a direct API client editing the same remote library.

mod support;

mod harness;
mod kill9;
mod scenarios;
