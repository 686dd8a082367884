//! sr-imagekit integration tests: one binary, a module per feature.
#![recursion_limit = "512"]

mod fuzz;
mod metadata;
mod names;
mod search;
mod signing;
mod tr_vectors;
mod transform;
mod url;
