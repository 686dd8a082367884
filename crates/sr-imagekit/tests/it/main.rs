//! sr-imagekit integration tests: one binary, a module per feature.
#![recursion_limit = "512"]

mod signing;
mod transform;
mod url;
mod metadata;
mod names;
mod search;
