//! Wire types of the upload queue: what the queue panel shows and the events it listens to.
//! TypeScript bindings are generated from these (see `bindings.rs`).
//!
//! How the UI uses them: `queue_list()` → [`UploadQueue`] for the first paint; `run_uploads` streams
//! [`UploadEvent`]s (through a `tauri::ipc::Channel`): patch a row on `job_changed`, move its bar on
//! `progress`, the header on `totals`, show a notification on `batch_finished`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// Where a job stands. `done`, `failed` and `cancelled` are terminal (a failed job can be retried).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UploadJobState {
    /// Waiting for a free upload slot (or for `next_retry_at` after a server error / 429).
    Queued,
    /// The network failed; retried when the media library answers again.
    WaitingForNetwork,
    Uploading,
    /// The remote answered; checking the content hash.
    Verifying,
    Done,
    /// `last_error` says why, `fix` what to do; `retry` queues it again.
    Failed,
    Paused,
    Cancelled,
}

/// One post-upload transformation in the remote's shape, e.g.
/// `{type:"abs", value:"sr-240_360_480_720", protocol:"hls"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostTransformation {
    /// `transformation`, `gif-to-video`, `thumbnail` or `abs`.
    #[serde(rename = "type")]
    pub kind: String,
    pub value: Option<String>,
    /// `hls` or `dash` (abs only).
    pub protocol: Option<String>,
}

/// Where the uploaded file lives on the remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RemoteCopy {
    pub file_id: String,
    pub url: String,
    pub version_id: Option<String>,
    /// e.g. `/summer/dress.mp4`.
    pub file_path: String,
}

/// One row of the queue panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UploadJob {
    pub id: i64,
    pub asset_id: i64,
    /// The asset's file name in the library (what the row shows).
    pub asset_name: String,
    /// Account key the job uploads to.
    pub account: String,
    pub state: UploadJobState,
    /// Higher first; equal priorities go in `position` order.
    pub priority: i64,
    pub position: i64,
    /// Remote folder, `/a/b/`.
    pub folder: String,
    /// Remote file name (a unique suffix is added when `use_unique_file_name`).
    pub file_name: String,
    pub use_unique_file_name: bool,
    pub overwrite: bool,
    pub is_private: bool,
    /// Upload even if the same content is already at this remote place.
    pub force: bool,
    pub tags: Vec<String>,
    pub custom_metadata: Map<String, Value>,
    pub pre_transformation: Option<String>,
    pub post_transformations: Vec<PostTransformation>,
    /// Attempts so far (each re-sends the whole file).
    pub attempts: u32,
    /// Unix ms; the job is not tried before then.
    pub next_retry_at: Option<i64>,
    /// What went wrong last, for a person.
    pub last_error: Option<String>,
    /// How to fix it (failed jobs).
    pub fix: Option<String>,
    /// How it ended, e.g. "Found already in the media library; nothing was sent again."
    pub note: Option<String>,
    pub bytes_total: u64,
    pub bytes_sent: u64,
    /// Set once done.
    pub remote: Option<RemoteCopy>,
    /// Unix ms.
    pub created_at: i64,
    pub updated_at: i64,
}

/// Counts per state and the byte totals of the running attempts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct UploadTotals {
    pub queued: u64,
    pub waiting_for_network: u64,
    pub uploading: u64,
    pub verifying: u64,
    pub done: u64,
    pub failed: u64,
    pub paused: u64,
    pub cancelled: u64,
    pub bytes_sent: u64,
    pub bytes_remaining: u64,
    pub bytes_per_sec: f64,
    /// Seconds; `null` until a speed is known.
    pub eta_s: Option<f64>,
}

/// Queue settings (stored in the library).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UploadSettings {
    /// Uploads at once, 1..=16.
    pub concurrency: u32,
    /// Total upload bandwidth; `null` for unlimited.
    pub bandwidth_limit_bytes_per_sec: Option<u64>,
}

/// The whole queue of the active account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UploadQueue {
    pub account: String,
    /// Scheduling order.
    pub jobs: Vec<UploadJob>,
    pub totals: UploadTotals,
    /// The global pause: no new upload starts.
    pub paused: bool,
    pub settings: UploadSettings,
    /// Set while the background run is stopped: why, what to do, and when it retries.
    pub stopped: Option<UploadsStopped>,
}

/// Publishing has stopped (the queue does not run): why, what to do, and when it is retried by
/// itself (Unix ms). It clears when the queue runs again (the `started` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UploadsStopped {
    pub message: String,
    pub fix: String,
    pub retry_at: i64,
}

/// `queue add`: one job per asset. Tags and metadata are added to the asset's own (from the library);
/// the folder defaults to the asset's folder, the file name to the asset's (sanitised as the remote would).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct QueueAddRequest {
    pub asset_ids: Vec<i64>,
    pub folder: Option<String>,
    /// Only with a single asset.
    pub file_name: Option<String>,
    pub tags: Vec<String>,
    /// Merged over the asset's metadata.
    pub custom_metadata: Map<String, Value>,
    /// Let the remote add a unique suffix (default: a deterministic name, which makes crash recovery exact).
    pub unique_name: bool,
    /// Replace a different file already at that name (default: refuse).
    pub overwrite: bool,
    pub private: bool,
    /// Upload even when the library knows the content is already there.
    pub force: bool,
    pub pre_transformation: Option<String>,
    /// `hls:240_360_480_720` → an `abs` post-transformation.
    pub abs: Option<String>,
    pub post_transformations: Vec<PostTransformation>,
    /// Higher first.
    pub priority: i64,
}

/// Bytes, percent, speed and ETA of one running job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UploadProgress {
    pub job_id: i64,
    pub bytes_sent: u64,
    pub bytes_total: u64,
    pub percent: f64,
    pub bytes_per_sec: f64,
    pub eta_s: Option<f64>,
}

/// What the queue reports while it runs; `{"event": "...", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // short-lived values handed straight to a channel
pub enum UploadEvent {
    /// `interrupted`: jobs found mid-upload from an earlier run (looked up before anything is re-sent).
    Started {
        account: String,
        interrupted: u64,
    },
    JobChanged {
        job_id: i64,
        asset_id: i64,
        state: UploadJobState,
        attempts: u32,
        next_retry_at: Option<i64>,
        last_error: Option<String>,
        fix: Option<String>,
        note: Option<String>,
        remote: Option<RemoteCopy>,
    },
    /// The whole file is sent again: show "restarting 340 MB".
    Restarting {
        job_id: i64,
        bytes_total: u64,
        attempt: u32,
    },
    Progress {
        progress: UploadProgress,
    },
    Totals {
        totals: UploadTotals,
    },
    Reconciling {
        job_id: i64,
    },
    Adopted {
        job_id: i64,
        file_id: String,
    },
    Offline {
        next_probe_at: i64,
    },
    Online,
    /// The background run stopped; it retries by itself at `stopped.retry_at` (or on Retry).
    Stopped {
        stopped: UploadsStopped,
    },
    /// Nothing left to do: notify the person.
    BatchFinished {
        done: u64,
        failed: u64,
        cancelled: u64,
        paused: u64,
    },
}

/// What `run_uploads` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UploadRunSummary {
    pub done: u64,
    pub failed: u64,
    pub cancelled: u64,
    pub paused: u64,
    pub interrupted: u64,
}

/// Options of one run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct RunUploadsOptions {
    /// Overrides the stored concurrency for this run.
    pub concurrency: Option<u32>,
    /// Return when nothing is left to do (the CLI); otherwise run until stopped (the app).
    pub until_idle: bool,
    /// First retry delay in ms (default 1000; tests use less).
    pub retry_base_ms: Option<u64>,
    /// Seed of the retry jitter.
    pub seed: Option<u64>,
}

// ----- from the queue's own types (each source destructured in full, so a new field there does not
// compile until someone decides whether the queue panel sees it) -----

impl From<sr_library::JobState> for UploadJobState {
    fn from(s: sr_library::JobState) -> Self {
        use sr_library::JobState as S;
        match s {
            S::Queued => UploadJobState::Queued,
            S::WaitingForNetwork => UploadJobState::WaitingForNetwork,
            S::Uploading => UploadJobState::Uploading,
            S::Verifying => UploadJobState::Verifying,
            S::Done => UploadJobState::Done,
            S::Failed => UploadJobState::Failed,
            S::Paused => UploadJobState::Paused,
            S::Cancelled => UploadJobState::Cancelled,
        }
    }
}

impl From<&sr_library::RemoteCopy> for RemoteCopy {
    fn from(c: &sr_library::RemoteCopy) -> Self {
        let sr_library::RemoteCopy { file_id, url, version_id, file_path } = c;
        RemoteCopy {
            file_id: file_id.clone(),
            url: url.clone(),
            version_id: version_id.clone(),
            file_path: file_path.clone(),
        }
    }
}

impl From<&sr_library::PostTransform> for PostTransformation {
    fn from(p: &sr_library::PostTransform) -> Self {
        let sr_library::PostTransform { kind, value, protocol } = p;
        PostTransformation { kind: kind.clone(), value: value.clone(), protocol: protocol.clone() }
    }
}

impl From<&sr_uploads::Totals> for UploadTotals {
    fn from(t: &sr_uploads::Totals) -> Self {
        let sr_uploads::Totals {
            queued,
            waiting_for_network,
            uploading,
            verifying,
            done,
            failed,
            paused,
            cancelled,
            bytes_sent,
            bytes_remaining,
            bytes_per_sec,
            eta_s,
        } = *t;
        UploadTotals {
            queued,
            waiting_for_network,
            uploading,
            verifying,
            done,
            failed,
            paused,
            cancelled,
            bytes_sent,
            bytes_remaining,
            bytes_per_sec,
            eta_s,
        }
    }
}

impl From<sr_uploads::JobProgress> for UploadProgress {
    fn from(p: sr_uploads::JobProgress) -> Self {
        let sr_uploads::JobProgress { job_id, bytes_sent, bytes_total, percent, bytes_per_sec, eta_s } = p;
        UploadProgress { job_id, bytes_sent, bytes_total, percent, bytes_per_sec, eta_s }
    }
}

impl From<sr_uploads::UploadEvent> for UploadEvent {
    fn from(e: sr_uploads::UploadEvent) -> Self {
        use sr_uploads::UploadEvent as E;
        match e {
            E::Started { account, interrupted } => UploadEvent::Started { account, interrupted },
            E::JobChanged { job_id, asset_id, state, attempts, next_retry_at, last_error, fix, note, remote } => {
                UploadEvent::JobChanged {
                    job_id,
                    asset_id,
                    state: state.into(),
                    attempts,
                    next_retry_at,
                    last_error,
                    fix,
                    note,
                    remote: remote.as_ref().map(RemoteCopy::from),
                }
            }
            E::Restarting { job_id, bytes_total, attempt } => UploadEvent::Restarting { job_id, bytes_total, attempt },
            E::Progress(p) => UploadEvent::Progress { progress: p.into() },
            E::Totals(t) => UploadEvent::Totals { totals: (&t).into() },
            E::Reconciling { job_id } => UploadEvent::Reconciling { job_id },
            E::Adopted { job_id, file_id } => UploadEvent::Adopted { job_id, file_id },
            E::Offline { next_probe_at } => UploadEvent::Offline { next_probe_at },
            E::Online => UploadEvent::Online,
            E::BatchFinished { done, failed, cancelled, paused } => {
                UploadEvent::BatchFinished { done, failed, cancelled, paused }
            }
        }
    }
}
