//! A sync run: pull → plan → apply, and its log.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_library::Library;
use sr_remote::{AccountGate, Client};
use tokio_util::sync::CancellationToken;

use sr_library::sync::SyncRunRecord;

use crate::plan::{self, Op, Plan, PlanOptions};
use crate::wire::{Caller, KEPT_REQUEST_IDS, KillPoint, now_s};
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
    /// The request id of every answer of the run, successes too (the first thousand; `requests`
    /// counts them all), so a support question about any call can be answered from the history.
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

/// How many operations (and errors) of a run the history keeps: a first sync adopting 50,000
/// files keeps the first thousand and says how many there were.
pub(crate) const HISTORY_OPS: usize = 1000;

/// The run's report as the history stores it: a [`SyncReport`]'s JSON, with each list cut at
/// [`HISTORY_OPS`] (and a note saying so), built without copying the report.
pub(crate) fn for_history(r: &SyncReport) -> serde_json::Value {
    let cap = |v: &[Op]| serde_json::to_value(&v[..v.len().min(HISTORY_OPS)]).unwrap_or_default();
    let mut notes = r.plan.notes.clone();
    for (what, n) in [("operations", r.plan.operations.len()), ("applied operations", r.applied.len())] {
        if n > HISTORY_OPS {
            notes.push(format!("{n} {what} in all; the history keeps the first {HISTORY_OPS}"));
        }
    }
    if r.request_ids.len() >= KEPT_REQUEST_IDS && r.requests > r.request_ids.len() as u64 {
        notes.push(format!(
            "{} requests in all; the history keeps the request ids of the first {KEPT_REQUEST_IDS}",
            r.requests
        ));
    }
    serde_json::json!({
        "run_id": r.run_id,
        "dry_run": r.dry_run,
        "plan": {
            "operations": cap(&r.plan.operations),
            "held": cap(&r.plan.held),
            "held_reason": r.plan.held_reason,
            "notes": notes,
            "stop": r.plan.stop,
        },
        "applied": cap(&r.applied),
        "errors": &r.errors[..r.errors.len().min(HISTORY_OPS)],
        "conflicts_opened": r.conflicts_opened,
        "requests": r.requests,
        "request_ids": r.request_ids,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
    })
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
            report: for_history(report),
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
        let mut inputs = lib.sync_inputs(account)?;
        if inputs.intents.iter().any(|o| o.state == sr_library::RemoteOpState::Sending) {
            push::verify_sending(lib, caller, account, &inputs).await?;
            inputs = lib.sync_inputs(account)?;
        }
        phase("plan");
        let work = plan::work(&inputs, &opts.plan);
        // The plan moves into the report, never copied: a first pull's is 50,000 operations.
        if opts.dry_run {
            report.plan = work.plan;
            return Ok("done");
        }
        if work.plan.stop.is_some() {
            report.plan = work.plan;
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
        let mut pusher = push::Pusher::new(lib, caller, account, inputs, &work, &progress);
        let applied = pusher.apply(&work).await;
        // The inputs (every observation) go before the applied operations are listed.
        let (done, errors, conflicts) = pusher.finish();
        report.applied = done.iter().map(|i| work.plan.operations[*i].clone()).collect();
        let held = work.plan.held.is_empty();
        report.plan = work.plan;
        applied?;
        if !conflicts.is_empty() {
            lib.open_conflicts(account, &conflicts, now_s())?;
            report.conflicts_opened += conflicts.len() as u64;
        }
        report.errors.extend(errors);
        state.last_run = Some(now_s());
        lib.set_sync_state(account, &state)?;
        Ok(if held { "done" } else { "stopped" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{OpKind, Side};

    #[test]
    fn the_history_keeps_a_reports_shape_and_at_most_a_thousand_operations() {
        let op = |i: i64| Op {
            side: Side::Local,
            kind: OpKind::Adopt,
            asset_id: None,
            file_id: Some(format!("f{i}")),
            key: None,
            from: None,
            to: None,
            intents: vec![],
            summary: format!("file {i}"),
        };
        let ops: Vec<Op> = (0..1500).map(op).collect();
        let r = SyncReport {
            run_id: 3,
            plan: Plan { operations: ops.clone(), notes: vec!["kept".into()], ..Plan::default() },
            applied: ops,
            requests: 7,
            ..SyncReport::default()
        };
        let back: SyncReport = serde_json::from_value(for_history(&r)).unwrap();
        assert_eq!(back.plan.operations.len(), 1000);
        assert_eq!(back.applied[999], r.applied[999]);
        assert_eq!(back.requests, 7);
        assert_eq!(back.plan.notes[0], "kept");
        assert!(back.plan.notes[1].starts_with("1500 operations in all"), "{:?}", back.plan.notes);
        let small = SyncReport { applied: vec![op(1)], ..SyncReport::default() };
        let back: SyncReport = serde_json::from_value(for_history(&small)).unwrap();
        assert_eq!(back, small);
    }
}
