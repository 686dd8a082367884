//! What a run is given: where it uploads, the account's plan limits, and how the queue behaves.

use std::time::Duration;

use sr_remote::{Backoff, Client};

/// The account's plan limits (configurable per account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLimits {
    pub max_file_bytes: u64,
    pub max_video_bytes: u64,
}

/// Where uploads go: the account key (all remote state is keyed by it), its client and limits.
#[derive(Debug, Clone)]
pub struct UploadTarget {
    pub account: String,
    pub client: Client,
    pub limits: AccountLimits,
}

/// How the scheduler behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Uploads at once (at least 1).
    pub concurrency: usize,
    /// Total upload bandwidth in bytes per second; `None` for no limit.
    pub bandwidth_limit: Option<u64>,
    pub backoff: Backoff,
    /// Tries before a job that keeps meeting server errors fails (network errors wait forever).
    pub max_attempts: u32,
    /// First delay between probes while offline (doubles up to 30 s).
    pub probe_interval: Duration,
    /// Least time between two progress events of one job.
    pub progress_interval: Duration,
    /// Seed of the jitter (tests and the chaos run are repeatable).
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 3,
            bandwidth_limit: None,
            backoff: Backoff::default(),
            max_attempts: 8,
            probe_interval: Duration::from_secs(1),
            progress_interval: Duration::from_millis(250),
            seed: rand::random(),
        }
    }
}
