//! sr-library integration tests: one binary, a module per feature.

mod organise_support;
mod tags;
mod metadata;
mod folders;
mod search;
mod undo;
