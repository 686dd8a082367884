//! Integration tests of the watcher with real inotify (or polling), real SQLite and real files.
//! Every wait is a bounded poll of the library (never a fixed sleep as synchronisation).

mod support;

mod arrivals;
mod bad_input;
mod moves;
