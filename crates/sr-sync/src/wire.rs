//! The remote as sync calls it: every request goes through [`Caller`] (the account's shared
//! gate, the run's request count, the request id of every answer, the kill points tests use),
//! and the remote's `File` becomes the library's [`RemoteFile`] observation.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::SecondsFormat;
use sr_library::sync::{Fields, RemoteFile};
use sr_remote::{AccountGate, Client, File, RemoteError, RequestIds};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Unix milliseconds (the gate's clock).
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Unix seconds (the library's clock).
pub(crate) fn now_s() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A point at which a test "kills" a run: the `at`-th kill point the run reaches (one before and
/// one after every request, and between the library writes that follow a push) never returns, so
/// the caller drops the run's future there — for SQLite's transactions the same as `kill -9`.
#[derive(Debug)]
pub struct KillPoint {
    at: u64,
    seen: AtomicU64,
    fired: AtomicBool,
    notify: Notify,
}

impl KillPoint {
    pub fn new(at: u64) -> Arc<KillPoint> {
        Arc::new(KillPoint { at, seen: AtomicU64::new(0), fired: AtomicBool::new(false), notify: Notify::new() })
    }
    /// Whether the run reached the point (and hangs there).
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
    /// How many kill points the run passed.
    pub fn passed(&self) -> u64 {
        self.seen.load(Ordering::SeqCst)
    }
    /// Resolves once the run reached the point.
    pub async fn wait(&self) {
        loop {
            let n = self.notify.notified();
            if self.fired() {
                return;
            }
            n.await;
        }
    }
    async fn reach(&self) {
        if self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.at {
            self.fired.store(true, Ordering::SeqCst);
            self.notify.notify_waiters();
            std::future::pending::<()>().await;
        }
    }
}

/// How many times a rate-limited call is tried before it counts as a failure.
const RATE_LIMIT_TRIES: u32 = 5;
/// The longest a run waits on the account's hold before giving up for this run.
const LONGEST_HOLD: Duration = Duration::from_secs(120);

/// How many request ids a run keeps (the first ones; `requests` counts them all).
pub(crate) const KEPT_REQUEST_IDS: usize = 1000;

/// Every request of one run.
pub(crate) struct Caller<'a> {
    /// The run's client: records the request id of every answer (see [`Client::recording`]).
    pub client: Client,
    gate: &'a AccountGate,
    stop: &'a CancellationToken,
    kill: Option<&'a KillPoint>,
    requests: AtomicU64,
    request_ids: RequestIds,
}

impl<'a> Caller<'a> {
    pub fn new(
        client: &'a Client,
        gate: &'a AccountGate,
        stop: &'a CancellationToken,
        kill: Option<&'a KillPoint>,
    ) -> Self {
        let request_ids = RequestIds::new(KEPT_REQUEST_IDS);
        Caller { client: client.recording(&request_ids), gate, stop, kill, requests: AtomicU64::new(0), request_ids }
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// The request ids of every answer so far (the first [`KEPT_REQUEST_IDS`]), successes too.
    pub fn request_ids(&self) -> Vec<String> {
        self.request_ids.ids()
    }

    /// A kill point (tests only; free otherwise).
    pub async fn point(&self) {
        if let Some(k) = self.kill {
            k.reach().await;
        }
    }

    /// Waits while the account is held by a 429; an account that is offline (and whose probe
    /// does not answer) fails the call as a network error, so the run stops and says why.
    async fn wait_gate(&self) -> Result<(), RemoteError> {
        let started = now_ms();
        loop {
            if self.stop.is_cancelled() {
                return Err(RemoteError::Cancelled);
            }
            let now = now_ms();
            if self.gate.is_offline() {
                if self.gate.probe_due(now) {
                    self.requests.fetch_add(1, Ordering::SeqCst);
                    if let sr_remote::hold::Probe::Online = self.gate.probe(&self.client, now_ms).await {
                        continue;
                    }
                }
                return Err(RemoteError::Network {
                    message: "the media library is offline (waiting for it to answer again)".into(),
                    sent_bytes: 0,
                    maybe_delivered: false,
                });
            }
            if self.gate.is_open(now) {
                return Ok(());
            }
            if now - started > LONGEST_HOLD.as_millis() as i64 {
                return Err(RemoteError::RateLimited { retry_after: LONGEST_HOLD, request_id: None });
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                _ = self.stop.cancelled() => return Err(RemoteError::Cancelled),
            }
        }
    }

    /// One request: through the gate, counted, with a kill point before and after it. A 429
    /// holds the whole account (uploads too) for the reset it asked, then the call is tried
    /// again (nothing was done); a network failure takes the account offline.
    pub async fn call<T, F, Fut>(&self, f: F) -> Result<T, RemoteError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, RemoteError>>,
    {
        let mut tries = 0;
        loop {
            self.wait_gate().await?;
            self.point().await;
            self.requests.fetch_add(1, Ordering::SeqCst);
            let res = f().await;
            self.point().await;
            match res {
                Err(RemoteError::RateLimited { retry_after, request_id }) => {
                    tries += 1;
                    if tries >= RATE_LIMIT_TRIES {
                        return Err(RemoteError::RateLimited { retry_after, request_id });
                    }
                    self.gate.hold(now_ms(), retry_after);
                }
                Err(e @ RemoteError::Network { .. }) => {
                    self.gate.go_offline(now_ms());
                    return Err(e);
                }
                other => return other,
            }
        }
    }
}

/// `/a/b/dress.mp4` → `/a/b/`.
pub(crate) fn folder_of(file_path: &str) -> String {
    match file_path.rfind('/') {
        Some(i) => file_path[..=i].to_owned(),
        None => "/".to_owned(),
    }
}

/// The remote's `updatedAt` as the library stores it (ISO-8601 with milliseconds, `Z`).
pub(crate) fn iso(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A remote file as the library observes it.
pub(crate) fn observe(f: &File) -> RemoteFile {
    RemoteFile {
        file_id: f.file_id.clone(),
        version_id: Some(f.version_info.id.clone()),
        file_path: f.file_path.clone(),
        fields: Fields {
            name: f.name.clone(),
            folder: folder_of(&f.file_path),
            tags: f.tags.clone().unwrap_or_default(),
            metadata: f.custom_metadata.clone(),
        }
        .normalised(),
        updated_at: iso(&f.updated_at),
        file_type: f.file_type.clone(),
        mime: f.mime.clone(),
        size: f.size,
        width: f.width,
        height: f.height,
        duration_s: f.duration,
        url: f.url.clone(),
        thumbnail_url: f.thumbnail.clone(),
        is_private: f.is_private_file,
        present: true,
    }
}

/// A remote error in one line with its request id (for the run's log).
pub(crate) fn describe(e: &RemoteError) -> String {
    e.to_string()
}
