//! The organising requests — tagging, custom metadata, folders — each an edit batch over the
//! table modules, committed by `edit`.

mod folders;
mod metadata;
mod sync;
mod tags;

pub use metadata::{FieldSummary, SummaryValue};
