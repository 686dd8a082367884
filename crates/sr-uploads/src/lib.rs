//! The resumable upload queue: nothing lost, nothing twice, always visible.
//!
//! Boundary: the scheduler and the reconciliation over `sr-library` (the persistent queue, see
//! `sr_library::jobs`) and `sr-remote` (the wire). Async on Tokio; no Tauri, no terminal. IO and time
//! come in at the edges: [`Uploader::new`] takes the account (key, [`sr_remote::Client`], limits) and a
//! [`Clock`], so tests are deterministic and the façade decides where accounts come from.
//!
//! # States
//!
//! `queued → uploading → verifying → done`, with `waiting_for_network` (network error; retried when a
//! probe of the remote answers), `failed` (reason + how to fix; `retry` queues it again), `paused`
//! (per job, or the whole queue is paused globally) and `cancelled`. Server errors (5xx) and network
//! errors back off exponentially with jitter ([`Backoff`]); a 429 holds the whole account for exactly
//! the reset the remote asked for, and each job held back then waits up to a tenth more (at most a
//! second), so they do not all hit the remote at the instant it resets. The offline state and the hold
//! are the account's [`AccountGate`] (in `sr-remote`: [`sr_remote::shared_gate`], the same one sync holds).
//! What each error means for a job is one pure function, [`verdict::verdict`], table-tested.
//!
//! # Modules, bottom to top
//!
//! A module imports only modules of lower layers, never one of its own layer or above (the crate
//! root's `setting_keys` excepted).
//!
//! 1. Base: `clock`, `config` (target, limits, settings), `events` (what a run reports, counting the
//!    queue), `throttle` (bandwidth), `request` (a job's spec as the upload request).
//! 2. Rules, each over the library and the client only: `preflight`, `reconcile`, `withdraw`,
//!    `link` (a finished job's asset linked to its remote file for sync), `refresh` (a queued job's tags,
//!    metadata, folder and name taken from the asset when it is sent), `verdict` (pure: error × phase × job → retry, hold, wait for the network, reconcile, fail).
//! 3. `controls` (the [`UploaderHandle`]: edits the queue, then stops or wakes a run) and `ctx` (what
//!    one run's loop and attempts share, and how they commit a job as done or failed).
//! 4. `attempt`: one job from pre-flight to `done`, carrying out the verdict when the remote fails.
//! 5. `run`: the [`Uploader`] loop — queue lock, gate, concurrency, controls from other processes.
//!
//! # Crash safety and the reconciliation protocol
//!
//! The upload API has no resumable protocol, so an interrupted file is re-sent whole (the
//! [`UploadEvent::Restarting`] event says so). What survives is the queue state, written in SQLite
//! **before** the action it announces:
//!
//! 1. Before the first byte of an attempt, the job is committed as `uploading` with `maybe_sent = 1`,
//!    `attempt_started_at = now` and `attempts + 1`.
//! 2. When the remote answers 200, the job is committed as `verifying` with the returned fileId, URL and
//!    version; the hash computed while streaming must equal the library's `full_hash` (else the job
//!    fails "the file changed while uploading" and takes back only what it created: a new file is
//!    deleted, but an overwrite's earlier version is restored and only our version deleted, so a
//!    teammate's live file never goes); then the asset is linked to the file for sync (`Library::link_asset`,
//!    the base read from the file's details), then `done`, `maybe_sent = 0`. An adopted or duplicate job
//!    links the same way.
//! 3. `maybe_sent` is cleared only by an answer that proves nothing was stored: a connect failure or a
//!    body cut short (`Network { maybe_delivered: false }`), a 429, or a 4xx rejection. A 5xx, a lost
//!    answer (`maybe_delivered: true`), a cancellation racing the end of the body, or a kill at any
//!    instant leave it set.
//! 4. On start, jobs left `uploading`/`verifying` go back to `queued` (their `maybe_sent` still set).
//! 5. **Before any (re)send of a job with `maybe_sent = 1`**, the target is looked up with the list API:
//!    `GET /v1/files?path=<folder>&searchQuery=name = "<file_name>"` (deterministic names), or
//!    `name : "<stem>_"` (prefix) for unique names, keeping files whose name has the remote's
//!    `<stem>_<suffix>.<ext>` shape and whose `createdAt` is not before the attempt began (minus 10 min of
//!    clock skew). Candidates must have the expected size, must not already be recorded by another job of
//!    this account, and their bytes (downloaded from the delivery URL, signed for private files) must
//!    hash to the library's `full_hash`. A match is **adopted** (`done`, with the note "already in the
//!    media library"); otherwise the flag is cleared and the file is sent again.
//!    With a pre-transformation the stored bytes differ from the local ones, so only name, folder and
//!    creation time are compared.
//! 6. Deterministic names are the default (`use_unique_file_name = false, overwrite = false`): a second
//!    copy is then refused by the remote itself ("already exists"), which triggers the same lookup and an
//!    adoption, so even a request still in flight on the server while we restart cannot create a
//!    duplicate. With `--unique-name` that last race (a request the server finishes *after* our lookup)
//!    is not closed; the prefix + size + hash + time lookup covers every other case.
//!
//! Trade-off of the hash check: it downloads the candidate once (only for jobs that may have been
//! sent, which is rare). Storing our hash in customMetadata would avoid that but pollute the
//! merchandiser's fields and need a schema field on every account, so we do not.
//!
//! # Pre-flight (before any byte)
//!
//! The file must still exist with the size (and, when the mtime moved, the sampled hash) the library
//! recorded; size within the account's plan limit (video vs other); folder depth and name rules
//! (`sr_imagekit::names`); tag rules; customMetadata against the account's field schema
//! (`apply_metadata` in Upload mode). A job whose content the library already put at the same remote
//! place is finished as a duplicate unless `force`.

mod attempt;
mod clock;
mod config;
mod controls;
mod ctx;
mod events;
mod link;
mod preflight;
mod reconcile;
mod refresh;
mod request;
mod run;
mod throttle;
pub mod verdict;
mod withdraw;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{AccountLimits, Settings, UploadTarget};
pub use controls::UploaderHandle;
pub use events::{JobProgress, Totals, UploadEvent, count_jobs};
pub use link::remote_file;
pub use preflight::{Preflight, PreflightError};
pub use reconcile::{Reconciled, reconcile};
pub use request::parse_abs;
pub use run::{RunSummary, Uploader};
/// Backoff and the account's offline/429 gate live in `sr-remote`, shared with sync.
pub use sr_remote::{AccountGate, Backoff};
pub use throttle::TokenBucket;

/// Settings keys in the library's `upload_settings` table.
pub mod setting_keys {
    pub const CONCURRENCY: &str = "concurrency";
    pub const BANDWIDTH_LIMIT: &str = "bandwidth_limit_bytes_per_sec";
    pub const PAUSED: &str = "paused";
}
