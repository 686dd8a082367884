//! Emulator configuration: keys, plan limits (spec §2.4) and rate limits (spec §1.6).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Everything the emulator needs to start. `Debug` leaves the private key and the webhook secret
/// out.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Where the library (SQLite) and the stored file versions live. Created if missing.
    pub data_dir: PathBuf,
    /// The account's private API key (Basic-auth username, HMAC key for signatures).
    pub private_key: String,
    /// The account's public key (client-side uploads, JWT `kid`).
    pub public_key: String,
    /// The URL-endpoint id: delivery happens at `<base>/<imagekit_id>/...`.
    pub imagekit_id: String,
    pub limits: PlanLimits,
    pub rate_limits: RateLimits,
    /// Create the demo custom-metadata fields (from `sr_imagekit::metadata::demo_fields()`) on first start.
    pub seed_demo_fields: bool,
    /// Serve `/_emulator/faults` so another process can inject failures over HTTP. Off by default (the
    /// Sandbox a user gets must not let any local page break or stall it); in-process tests use
    /// [`crate::EmulatorHandle::faults`] and need no route.
    pub fault_routes: bool,
    /// How long a transformed VIDEO request waits for its output before answering 302 to the
    /// untransformed URL (spec §10.5: the remote polls every 5 s, 3 times). Default 15 s; tests set
    /// it short (or zero: answer at once). Pictures always render before answering; ABS manifests
    /// answer 202 while they build instead.
    pub poll_window: Duration,
    /// Where webhook events (spec §11) are POSTed; `None` sends none.
    pub webhook_url: Option<String>,
    /// The webhook secret both signatures are made with (`x-ik-signature` and Standard Webhooks).
    pub webhook_secret: String,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("data_dir", &self.data_dir)
            .field("private_key", &"<hidden>")
            .field("public_key", &self.public_key)
            .field("imagekit_id", &self.imagekit_id)
            .field("limits", &self.limits)
            .field("rate_limits", &self.rate_limits)
            .field("seed_demo_fields", &self.seed_demo_fields)
            .field("fault_routes", &self.fault_routes)
            .field("poll_window", &self.poll_window)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &"<hidden>")
            .finish()
    }
}

/// The remote's default poll window for video outputs: every 5 s, 3 times (spec §10.5).
pub const DEFAULT_POLL_WINDOW: Duration = Duration::from_secs(15);

/// The Sandbox's webhook secret unless one is configured (same shape as the dashboard's).
pub const DEFAULT_WEBHOOK_SECRET: &str = "whsec_sandbox_webhook_secret";

impl EmulatorConfig {
    /// The app's Sandbox: id `sandbox`, fixed local keys, Pro plan limits, generous rate limits, demo fields.
    pub fn sandbox(data_dir: impl Into<PathBuf>) -> Self {
        EmulatorConfig {
            data_dir: data_dir.into(),
            private_key: "private_sandbox_key".into(),
            public_key: "public_sandbox_key".into(),
            imagekit_id: "sandbox".into(),
            limits: PlanLimits::default(),
            rate_limits: RateLimits::default(),
            seed_demo_fields: true,
            fault_routes: false,
            poll_window: DEFAULT_POLL_WINDOW,
            webhook_url: None,
            webhook_secret: DEFAULT_WEBHOOK_SECRET.into(),
        }
    }

    /// Like [`EmulatorConfig::sandbox`] with the given keys and no demo fields: what tests usually want.
    pub fn with_keys(data_dir: impl Into<PathBuf>, private_key: &str, public_key: &str) -> Self {
        EmulatorConfig {
            private_key: private_key.into(),
            public_key: public_key.into(),
            seed_demo_fields: false,
            ..Self::sandbox(data_dir)
        }
    }
}

/// Upload size limits of the plan being emulated (spec §2.4: the sources disagree, so configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimits {
    /// Images, audio and raw files.
    pub max_file_bytes: u64,
    /// Video files.
    pub max_video_bytes: u64,
}

const MB: u64 = 1024 * 1024;

impl PlanLimits {
    pub fn free() -> Self {
        PlanLimits { max_file_bytes: 25 * MB, max_video_bytes: 100 * MB }
    }
    pub fn lite() -> Self {
        PlanLimits { max_file_bytes: 40 * MB, max_video_bytes: 300 * MB }
    }
    pub fn pro() -> Self {
        PlanLimits { max_file_bytes: 50 * MB, max_video_bytes: 2048 * MB }
    }
}

impl Default for PlanLimits {
    /// Pro: a merchandiser's product videos up to 2 GB fit.
    fn default() -> Self {
        Self::pro()
    }
}

/// One token bucket: `limit` requests per `interval_ms`, refilled continuously.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub limit: u32,
    pub interval_ms: u64,
}

/// Per-endpoint rate limits. Upload is never limited (spec §1.6).
///
/// Endpoint names: `list`, `details`, `update`, `delete`, `bulk_delete`, `copy`, `move`, `rename`,
/// `tags`, `versions`, `metadata`, `purge`, `folders`, `bulk_jobs`, `custom_metadata_fields`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Applies to every management endpoint without its own entry.
    pub default: Bucket,
    pub per_endpoint: BTreeMap<String, Bucket>,
}

impl Default for RateLimits {
    /// Generous enough never to trip in normal use: 1000 requests per second per endpoint.
    fn default() -> Self {
        RateLimits { default: Bucket { limit: 1000, interval_ms: 1000 }, per_endpoint: BTreeMap::new() }
    }
}

impl RateLimits {
    pub fn bucket_for(&self, endpoint: &str) -> Bucket {
        self.per_endpoint.get(endpoint).copied().unwrap_or(self.default)
    }
    /// Builder helper: set one endpoint's bucket.
    pub fn with(mut self, endpoint: &str, limit: u32, interval_ms: u64) -> Self {
        self.per_endpoint.insert(endpoint.to_string(), Bucket { limit, interval_ms });
        self
    }
}
