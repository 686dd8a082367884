//! What the queue reports while it runs: a stream of [`UploadEvent`]s handed to the sink given to
//! [`crate::Uploader::run`]. The façade turns each into its own `UploadEvent` DTO
//! (`event_dto` in sr-api's `uploads.rs`), which the Tauri shell forwards through an IPC channel and the CLI
//! prints as text or, with `--json`, as JSON lines; neither sees this type.

use serde::Serialize;
use sr_library::{Job, JobState, RemoteCopy};

/// Bytes, percent, speed and ETA of one running job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobProgress {
    pub job_id: i64,
    pub bytes_sent: u64,
    pub bytes_total: u64,
    pub percent: f64,
    /// Average since this attempt started.
    pub bytes_per_sec: f64,
    /// Seconds left at the current speed; `None` before any speed is known.
    pub eta_s: Option<f64>,
}

/// The whole queue of the account at a glance.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Totals {
    pub queued: u64,
    pub waiting_for_network: u64,
    pub uploading: u64,
    pub verifying: u64,
    pub done: u64,
    pub failed: u64,
    pub paused: u64,
    pub cancelled: u64,
    /// Bytes sent so far by the running attempts.
    pub bytes_sent: u64,
    /// Bytes of every job not yet finished (running included).
    pub bytes_remaining: u64,
    pub bytes_per_sec: f64,
    pub eta_s: Option<f64>,
}

/// One thing that happened. Serialised as `{"event":"progress", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // short-lived values handed straight to a sink
pub enum UploadEvent {
    /// A run began: `interrupted` jobs were found mid-upload from a previous run and will be checked.
    Started {
        account: String,
        interrupted: u64,
    },
    /// A job changed state (the UI re-reads or patches its row).
    JobChanged {
        job_id: i64,
        asset_id: i64,
        state: JobState,
        attempts: u32,
        next_retry_at: Option<i64>,
        last_error: Option<String>,
        fix: Option<String>,
        note: Option<String>,
        remote: Option<RemoteCopy>,
    },
    /// An attempt sends the whole file again (the remote has no resumable uploads).
    Restarting {
        job_id: i64,
        bytes_total: u64,
        attempt: u32,
    },
    Progress(JobProgress),
    Totals(Totals),
    /// A job that may already have reached the remote is being looked up before anything is re-sent.
    Reconciling {
        job_id: i64,
    },
    /// The copy found on the remote was adopted; nothing was re-sent.
    Adopted {
        job_id: i64,
        file_id: String,
    },
    /// Network errors: no new uploads start until a probe of the remote answers.
    Offline {
        next_probe_at: i64,
    },
    Online,
    /// The run has nothing left to do.
    BatchFinished {
        done: u64,
        failed: u64,
        cancelled: u64,
        paused: u64,
    },
}

/// Jobs per state and the bytes still to send, from the recorded queue alone (no live progress).
pub fn count_jobs(jobs: &[Job]) -> Totals {
    let mut t = Totals::default();
    for j in jobs {
        match j.state {
            JobState::Queued => t.queued += 1,
            JobState::WaitingForNetwork => t.waiting_for_network += 1,
            JobState::Uploading => t.uploading += 1,
            JobState::Verifying => t.verifying += 1,
            JobState::Done => t.done += 1,
            JobState::Failed => t.failed += 1,
            JobState::Paused => t.paused += 1,
            JobState::Cancelled => t.cancelled += 1,
        }
        if !j.state.is_terminal() && j.state != JobState::Paused {
            t.bytes_remaining += j.expected_size;
        }
    }
    t
}
