//! Two-way sync of one account's remote media library with the local library.
//!
//! Boundary: over `sr-library` (local values, the base, the push log, conflicts, the remote tree)
//! and `sr-remote` (HTTP); no Tauri, no terminal. Time is passed in.
//! Invariant: [`plan`] is pure — from the local state, the remote observations and the base it
//! computes a [`Plan`]; a run applies exactly that plan (a dry run computes the same list). Nothing
//! here deletes a local file, and no remote delete happens that was not confirmed.
//!
//! # Layers
//! 1. **base** — `plan` (the pure planner: types, three-way merge per field, fuses) and `wire`
//!    (every request through the account's shared gate, counted; the remote's file as an
//!    observation).
//! 2. **remote** — `pull` (first, incremental and full listings into the remote tree) and
//!    `push` (the intents, coalesced, bulk where the API has it, verified on restart).
//! 3. **run** — [`Syncer`]: pull → plan → apply, the run's log.

pub mod plan;
mod pull;
mod push;
mod run;
mod wire;

pub use plan::{Op, OpKind, Plan, PlanOptions, Side, StopReason, plan};
pub use run::{ItemError, SyncError, SyncEvent, SyncOptions, SyncReport, Syncer};
pub use wire::KillPoint;
