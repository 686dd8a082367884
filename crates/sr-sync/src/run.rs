//! A sync run: pull → plan → apply, and its log.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_library::Library;
use sr_remote::{AccountGate, Client};
use tokio_util::sync::CancellationToken;

use crate::plan::{Op, Plan, PlanOptions};

/// How to run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncOptions {
    pub dry_run: bool,
    pub plan: PlanOptions,
    /// Force the full id listing (the delete check) this run; otherwise it runs when due.
    pub full_listing: bool,
}

/// Progress of a run, for the app's progress bar and the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    /// `phase`: `pull`, `plan`, `push`, `apply`.
    Phase {
        phase: String,
    },
    Progress {
        phase: String,
        done: u64,
        total: u64,
    },
}

/// One file's failure: an entry in the run's log, retried by the next run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemError {
    pub asset_id: Option<i64>,
    pub file_id: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// Whether the next run retries it by itself.
    pub will_retry: bool,
}

/// What a run did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SyncReport {
    pub run_id: i64,
    pub dry_run: bool,
    pub plan: Plan,
    /// Operations that went through (equal to `plan.operations` when nothing failed).
    pub applied: Vec<Op>,
    pub errors: Vec<ItemError>,
    /// Conflicts opened by this run.
    pub conflicts_opened: u64,
    pub requests: u64,
    pub request_ids: Vec<String>,
    pub started_at: i64,
    pub finished_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Library(#[from] sr_library::LibraryError),
    #[error(transparent)]
    Organise(#[from] sr_library::OrganiseError),
    #[error(transparent)]
    Remote(#[from] sr_remote::RemoteError),
    /// Another sync of this library and account is running.
    #[error("{0}")]
    Busy(String),
}

/// Syncs one account.
pub struct Syncer {
    pub library: Arc<Library>,
    pub client: Client,
    pub account: String,
    /// The account's hold (rate limits, offline), shared with the upload queue.
    pub gate: Arc<AccountGate>,
}

impl Syncer {
    /// Pull, plan and (unless a dry run) apply; `now` gives Unix seconds.
    pub async fn run(
        &self,
        opts: &SyncOptions,
        stop: CancellationToken,
        on_event: impl Fn(SyncEvent) + Send + Sync,
    ) -> Result<SyncReport, SyncError> {
        let _ = (opts, stop, on_event);
        todo!("sync lane")
    }
}
