//! A sync run: pull → plan → apply, and its log.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_library::Library;
use sr_remote::{AccountGate, Client};
use tokio_util::sync::CancellationToken;

use sr_library::sync::SyncRunRecord;

use crate::plan::{self, Op, Plan, PlanOptions};
use crate::wire::{Caller, KillPoint, now_s};
use crate::{pull, push};

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
        self.run_with(opts, stop, on_event, None).await
    }

    /// [`Syncer::run`] with a kill point: tests drop the run where it hangs (see [`KillPoint`]).
    pub async fn run_with(
        &self,
        opts: &SyncOptions,
        stop: CancellationToken,
        on_event: impl Fn(SyncEvent) + Send + Sync,
        kill: Option<&KillPoint>,
    ) -> Result<SyncReport, SyncError> {
        let caller = Caller::new(&self.client, &self.gate, &stop, kill);
        let started_at = now_s();
        let mut report = SyncReport { dry_run: opts.dry_run, started_at, ..SyncReport::default() };
        match self.steps(opts, &caller, &on_event, &mut report).await {
            Ok(outcome) => {
                report.requests = caller.requests();
                report.request_ids = caller.request_ids();
                report.finished_at = now_s();
                report.run_id = self.record(&report, outcome)?;
                Ok(report)
            }
            Err(e) => {
                report.requests = caller.requests();
                report.request_ids = caller.request_ids();
                report.finished_at = now_s();
                report.errors.push(ItemError {
                    asset_id: None,
                    file_id: None,
                    message: e.to_string(),
                    request_id: match &e {
                        SyncError::Remote(r) => r.request_id().map(str::to_owned),
                        _ => None,
                    },
                    will_retry: true,
                });
                let _ = self.record(&report, "failed");
                Err(e)
            }
        }
    }

    fn record(&self, report: &SyncReport, outcome: &str) -> Result<i64, SyncError> {
        let run = SyncRunRecord {
            id: 0,
            account: self.account.clone(),
            started_at: report.started_at,
            finished_at: report.finished_at,
            dry_run: report.dry_run,
            outcome: outcome.to_owned(),
            report: serde_json::to_value(report).unwrap_or(serde_json::Value::Null),
        };
        Ok(self.library.record_sync_run(&run)?)
    }

    async fn steps(
        &self,
        opts: &SyncOptions,
        caller: &Caller<'_>,
        on_event: &(impl Fn(SyncEvent) + Send + Sync),
        report: &mut SyncReport,
    ) -> Result<&'static str, SyncError> {
        let lib = &*self.library;
        let account = self.account.as_str();
        let phase = |p: &str| on_event(SyncEvent::Phase { phase: p.to_owned() });
        phase("pull");
        let mut state = lib.sync_state(account)?;
        pull::pull(lib, caller, account, &mut state, opts.full_listing).await?;
        // A killed run's intents: verified against the remote, never sent twice. A dry run does
        // it too (bookkeeping only, no field moves), so it plans what the real run will.
        let inputs = lib.sync_inputs(account)?;
        push::verify_sending(lib, caller, account, &inputs).await?;
        phase("plan");
        let inputs = lib.sync_inputs(account)?;
        let work = plan::work(&inputs, &opts.plan);
        report.plan = work.plan.clone();
        if opts.dry_run {
            return Ok("done");
        }
        if work.plan.stop.is_some() {
            state.last_run = Some(now_s());
            lib.set_sync_state(account, &state)?;
            return Ok("stopped");
        }
        if !work.plan.conflicts.is_empty() {
            lib.open_conflicts(account, &work.plan.conflicts, now_s())?;
            report.conflicts_opened = work.plan.conflicts.len() as u64;
        }
        phase("push");
        let progress = |done: u64, total: u64| on_event(SyncEvent::Progress { phase: "push".into(), done, total });
        let mut pusher = push::Pusher::new(lib, caller, account, &inputs, &work, &progress);
        pusher.apply(&work).await?;
        if !pusher.conflicts.is_empty() {
            lib.open_conflicts(account, &pusher.conflicts, now_s())?;
            report.conflicts_opened += pusher.conflicts.len() as u64;
        }
        report.applied = pusher.done.iter().map(|i| work.plan.operations[*i].clone()).collect();
        report.errors.extend(pusher.errors);
        state.last_run = Some(now_s());
        lib.set_sync_state(account, &state)?;
        Ok(if work.plan.held.is_empty() { "done" } else { "stopped" })
    }
}
