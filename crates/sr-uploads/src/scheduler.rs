//! The scheduler: picks runnable jobs in priority order, runs up to `concurrency` at once, and turns
//! every outcome into a committed state (see the crate docs for the protocol).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sr_imagekit::metadata::FieldDef;
use sr_library::{Job, JobState, Library, LibraryError, PostTransform, RemoteCopy};
use sr_remote::{
    AbsProtocol, Client, ListQuery, PostTransformation, RemoteAuth, RemoteError, UploadProgress, UploadRequest,
    UploadSource, UploadTransformation,
};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::backoff::Backoff;
use crate::clock::Clock;
use crate::events::{JobProgress, Totals, UploadEvent};
use crate::preflight::{self, Preflight, PreflightError};
use crate::reconcile::{Reconciled, reconcile};
use crate::throttle::TokenBucket;
use crate::withdraw::{Withdrawal, withdraw};

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

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub done: u64,
    pub failed: u64,
    pub cancelled: u64,
    pub paused: u64,
    /// Jobs found mid-upload from an earlier run (reconciled before anything was re-sent).
    pub interrupted: u64,
}

/// `hls:240_360_480_720` → the `abs` post-transformation `{value:"sr-240_360_480_720", protocol:"hls"}`.
pub fn parse_abs(spec: &str) -> Result<PostTransform, String> {
    let (protocol, reps) = spec
        .split_once(':')
        .ok_or_else(|| format!("\"{spec}\" is not an ABS setting; write it like hls:240_360_480_720"))?;
    let protocol = protocol.trim().to_ascii_lowercase();
    if protocol != "hls" && protocol != "dash" {
        return Err(format!("\"{protocol}\" is not a streaming protocol; use hls or dash"));
    }
    let reps = reps.trim();
    if reps.is_empty() || !reps.split('_').all(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("\"{reps}\" should be heights joined by _, like 240_360_480_720"));
    }
    Ok(PostTransform { kind: "abs".into(), value: Some(format!("sr-{reps}")), protocol: Some(protocol) })
}

fn post_to_wire(p: &PostTransform) -> Option<PostTransformation> {
    Some(match p.kind.as_str() {
        "transformation" => PostTransformation::Transformation { value: p.value.clone()? },
        "gif-to-video" => PostTransformation::GifToVideo { value: p.value.clone() },
        "thumbnail" => PostTransformation::Thumbnail { value: p.value.clone() },
        "abs" => PostTransformation::Abs {
            value: p.value.clone()?,
            protocol: if p.protocol.as_deref() == Some("dash") { AbsProtocol::Dash } else { AbsProtocol::Hls },
        },
        _ => return None,
    })
}

type EventSink = Arc<dyn Fn(UploadEvent) + Send + Sync>;
/// (bytes handed to the transport, bytes in the file, when the attempt began).
type LiveAttempt = (Arc<AtomicU64>, u64, Instant);

#[derive(Default)]
struct Net {
    offline: bool,
    next_probe_at: i64,
    probe_failures: u32,
    /// A 429 holds every start of this account until then.
    hold_until: i64,
}

/// Shared by the loop and the job tasks.
struct Ctx {
    lib: Arc<Library>,
    target: UploadTarget,
    clock: Arc<dyn Clock>,
    settings: Settings,
    bucket: Option<Arc<TokenBucket>>,
    sink: EventSink,
    net: Mutex<Net>,
    rng: Mutex<StdRng>,
    fields: tokio::sync::Mutex<Option<Option<Vec<FieldDef>>>>,
    /// (sent, total, started) of running attempts, for totals.
    live: Mutex<HashMap<i64, LiveAttempt>>,
    stopping: AtomicBool,
}

/// Controls shared with a running [`Uploader`]: per-job pause/resume/cancel/retry and the global pause.
/// Works without a running uploader too (then it only edits the queue).
#[derive(Clone)]
pub struct UploaderHandle {
    lib: Arc<Library>,
    clock: Arc<dyn Clock>,
    running: Arc<Mutex<HashMap<i64, CancellationToken>>>,
    paused: Arc<AtomicBool>,
    wake: Arc<Notify>,
}

impl UploaderHandle {
    pub fn new(lib: Arc<Library>, clock: Arc<dyn Clock>) -> Self {
        let paused = lib.upload_setting(crate::setting_keys::PAUSED).ok().flatten().as_deref() == Some("true");
        UploaderHandle {
            lib,
            clock,
            running: Arc::default(),
            paused: Arc::new(AtomicBool::new(paused)),
            wake: Arc::default(),
        }
    }

    fn stop_running(&self, id: i64) {
        if let Some(t) = self.running.lock().unwrap_or_else(|p| p.into_inner()).get(&id) {
            t.cancel();
        }
        self.wake.notify_one();
    }

    /// Pauses a job that has not finished; a running upload is stopped (and re-sent whole on resume,
    /// after a lookup if bytes may have arrived).
    pub fn pause_job(&self, id: i64) -> Result<Option<Job>, LibraryError> {
        use JobState::*;
        let j = self.lib.transition_upload_job(
            id,
            &[Queued, WaitingForNetwork, Uploading, Verifying],
            Paused,
            self.clock.now_ms(),
            |j| {
                if matches!(j.state, Uploading | Verifying) {
                    j.maybe_sent = true;
                }
                j.next_retry_at = None;
            },
        )?;
        self.stop_running(id);
        Ok(j)
    }

    pub fn resume_job(&self, id: i64) -> Result<Option<Job>, LibraryError> {
        let j =
            self.lib.transition_upload_job(id, &[JobState::Paused], JobState::Queued, self.clock.now_ms(), |j| {
                j.next_retry_at = None;
            })?;
        self.wake.notify_one();
        Ok(j)
    }

    /// Cancels a job that has not finished. Bytes already on the remote stay there.
    pub fn cancel_job(&self, id: i64) -> Result<Option<Job>, LibraryError> {
        use JobState::*;
        let j = self.lib.transition_upload_job(
            id,
            &[Queued, WaitingForNetwork, Uploading, Verifying, Paused, Failed],
            Cancelled,
            self.clock.now_ms(),
            |j| j.next_retry_at = None,
        )?;
        self.stop_running(id);
        Ok(j)
    }

    /// Queues a failed or cancelled job again, with a fresh attempt count.
    pub fn retry_job(&self, id: i64) -> Result<Option<Job>, LibraryError> {
        use JobState::*;
        let j = self.lib.transition_upload_job(
            id,
            &[Failed, Cancelled, WaitingForNetwork],
            Queued,
            self.clock.now_ms(),
            |j| {
                j.attempts = 0;
                j.next_retry_at = None;
                j.last_error = None;
                j.fix = None;
            },
        )?;
        self.wake.notify_one();
        Ok(j)
    }

    /// Pauses (or resumes) the whole queue: running uploads finish, no new one starts. Persisted.
    pub fn set_paused(&self, paused: bool) -> Result<(), LibraryError> {
        self.lib.set_upload_setting(crate::setting_keys::PAUSED, if paused { "true" } else { "false" })?;
        self.paused.store(paused, Ordering::SeqCst);
        self.wake.notify_one();
        Ok(())
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }
}

/// Runs the queue of one account.
pub struct Uploader {
    ctx: Arc<Ctx>,
    handle: UploaderHandle,
}

enum Phase {
    /// Before the attempt claimed the job (pre-flight, lookup): the job is in a runnable state.
    Before,
    /// During the send: the job is `uploading`.
    Sending,
}

impl Uploader {
    pub fn new(
        lib: Arc<Library>,
        target: UploadTarget,
        clock: Arc<dyn Clock>,
        settings: Settings,
        handle: Option<UploaderHandle>,
    ) -> Uploader {
        let handle = handle.unwrap_or_else(|| UploaderHandle::new(lib.clone(), clock.clone()));
        let bucket = settings.bandwidth_limit.filter(|b| *b > 0).map(|b| Arc::new(TokenBucket::new(b)));
        let rng = StdRng::seed_from_u64(settings.seed);
        let ctx = Ctx {
            lib,
            target,
            clock,
            bucket,
            sink: Arc::new(|_| {}),
            net: Mutex::default(),
            rng: Mutex::new(rng),
            fields: tokio::sync::Mutex::new(None),
            live: Mutex::default(),
            stopping: AtomicBool::new(false),
            settings,
        };
        Uploader { ctx: Arc::new(ctx), handle }
    }

    pub fn handle(&self) -> UploaderHandle {
        self.handle.clone()
    }

    /// Runs the queue. With `until_idle`, returns when no job is runnable or running (or the queue is
    /// paused and nothing runs); otherwise runs until `stop` is cancelled. Stopping puts running jobs
    /// back to `queued` (they are looked up before being re-sent).
    pub async fn run(
        self,
        until_idle: bool,
        stop: CancellationToken,
        on_event: impl Fn(UploadEvent) + Send + Sync + 'static,
    ) -> Result<RunSummary, LibraryError> {
        let mut ctx = self.ctx;
        Arc::get_mut(&mut ctx).expect("not shared before run").sink = Arc::new(on_event);
        let handle = self.handle;
        let account = ctx.target.account.clone();
        // One uploading process per library: a second one would take the first one's running jobs for
        // interrupted ones. The OS releases the lock when the process dies, however it dies.
        let lock_path = ctx.lib.dir().join("uploads.lock");
        let lock = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| LibraryError::Io { path: lock_path.clone(), source })?;
        if lock.try_lock().is_err() {
            return Err(LibraryError::Io {
                path: lock_path,
                source: std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "another Stockroom window or command is already uploading from this library; let it finish or close it",
                ),
            });
        }
        let interrupted = ctx.lib.recover_interrupted_uploads(&account, ctx.clock.now_ms())? as u64;
        (ctx.sink)(UploadEvent::Started { account: account.clone(), interrupted });
        let mut tasks: JoinSet<i64> = JoinSet::new();
        let concurrency = ctx.settings.concurrency.max(1);
        let mut last_totals = Instant::now() - Duration::from_secs(1);
        loop {
            while let Some(done) = tasks.try_join_next() {
                if let Ok(id) = done {
                    handle.running.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                }
            }
            let now = ctx.clock.now_ms();
            let jobs = ctx.lib.upload_jobs(Some(&account))?;
            let running: Vec<i64> = handle.running.lock().unwrap_or_else(|p| p.into_inner()).keys().copied().collect();
            // A pause or cancel written by another process stops our running upload.
            for j in &jobs {
                if running.contains(&j.id) && !(j.state.is_active() || j.state.is_runnable()) {
                    handle.stop_running(j.id);
                }
            }
            if stop.is_cancelled() {
                ctx.stopping.store(true, Ordering::SeqCst);
                for t in handle.running.lock().unwrap_or_else(|p| p.into_inner()).values() {
                    t.cancel();
                }
                while tasks.join_next().await.is_some() {}
                break;
            }
            if ctx.net_offline() && now >= ctx.net.lock().unwrap_or_else(|p| p.into_inner()).next_probe_at {
                ctx.probe().await?;
            }
            let (offline, hold_until) = {
                let n = ctx.net.lock().unwrap_or_else(|p| p.into_inner());
                (n.offline, n.hold_until)
            };
            let mut n_running = running.len();
            if !handle.is_paused() && !offline && now >= hold_until {
                for j in &jobs {
                    if n_running >= concurrency {
                        break;
                    }
                    if !j.state.is_runnable() || j.next_retry_at.is_some_and(|t| t > now) || running.contains(&j.id) {
                        continue;
                    }
                    let token = CancellationToken::new();
                    handle.running.lock().unwrap_or_else(|p| p.into_inner()).insert(j.id, token.clone());
                    let c = ctx.clone();
                    let id = j.id;
                    tasks.spawn(async move {
                        c.process(id, token).await;
                        id
                    });
                    n_running += 1;
                }
            }
            if last_totals.elapsed() >= ctx.settings.progress_interval && (n_running > 0 || !until_idle) {
                (ctx.sink)(UploadEvent::Totals(ctx.totals(&jobs)));
                last_totals = Instant::now();
            }
            let pending = jobs.iter().any(|j| j.state.is_runnable());
            if n_running == 0 && until_idle && (!pending || handle.is_paused()) {
                break;
            }
            // Sleep until something happens: a job ends, a control action, the next retry, or a tick.
            let next_retry = jobs
                .iter()
                .filter(|j| j.state.is_runnable())
                .filter_map(|j| j.next_retry_at)
                .min()
                .map(|t| (t - now).max(0) as u64)
                .unwrap_or(u64::MAX);
            let tick = Duration::from_millis(next_retry.clamp(10, 250));
            tokio::select! {
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Ok(id) = done {
                        handle.running.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                    }
                }
                _ = handle.wake.notified() => {}
                _ = stop.cancelled() => {}
                _ = tokio::time::sleep(tick) => {}
            }
        }
        handle.running.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let jobs = ctx.lib.upload_jobs(Some(&account))?;
        let count = |s: JobState| jobs.iter().filter(|j| j.state == s).count() as u64;
        let summary = RunSummary {
            done: count(JobState::Done),
            failed: count(JobState::Failed),
            cancelled: count(JobState::Cancelled),
            paused: count(JobState::Paused),
            interrupted,
        };
        (ctx.sink)(UploadEvent::Totals(ctx.totals(&jobs)));
        (ctx.sink)(UploadEvent::BatchFinished {
            done: summary.done,
            failed: summary.failed,
            cancelled: summary.cancelled,
            paused: summary.paused,
        });
        drop(lock);
        Ok(summary)
    }
}

impl Ctx {
    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    fn net_offline(&self) -> bool {
        self.net.lock().unwrap_or_else(|p| p.into_inner()).offline
    }

    fn totals(&self, jobs: &[Job]) -> Totals {
        let mut t = count_jobs(jobs);
        let live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        for (sent, _total, started) in live.values() {
            let s = sent.load(Ordering::Relaxed);
            t.bytes_sent += s;
            t.bytes_remaining = t.bytes_remaining.saturating_sub(s);
            let secs = started.elapsed().as_secs_f64();
            if secs > 0.0 {
                t.bytes_per_sec += s as f64 / secs;
            }
        }
        t.eta_s = (t.bytes_per_sec > 0.0).then(|| t.bytes_remaining as f64 / t.bytes_per_sec);
        t
    }

    fn emit_job(&self, j: &Job) {
        (self.sink)(UploadEvent::JobChanged {
            job_id: j.id,
            asset_id: j.asset_id,
            state: j.state,
            attempts: j.attempts,
            next_retry_at: j.next_retry_at,
            last_error: j.last_error.clone(),
            fix: j.fix.clone(),
            note: j.note.clone(),
            remote: j.remote.clone(),
        });
    }

    fn go_offline(&self) {
        let now = self.now();
        let mut n = self.net.lock().unwrap_or_else(|p| p.into_inner());
        if !n.offline {
            n.offline = true;
            n.probe_failures = 0;
            n.next_probe_at = now + self.settings.probe_interval.as_millis() as i64;
            (self.sink)(UploadEvent::Offline { next_probe_at: n.next_probe_at });
        }
    }

    /// Any HTTP answer proves the remote is reachable; only a network error keeps us offline.
    async fn probe(&self) -> Result<(), LibraryError> {
        let res = self.target.client.list_files(&ListQuery { limit: Some(1), ..ListQuery::default() }).await;
        let now = self.now();
        let mut n = self.net.lock().unwrap_or_else(|p| p.into_inner());
        match res {
            Err(RemoteError::Network { .. }) => {
                n.probe_failures += 1;
                let wait = self
                    .settings
                    .probe_interval
                    .saturating_mul(1 << n.probe_failures.min(5))
                    .min(Duration::from_secs(30));
                n.next_probe_at = now + wait.as_millis() as i64;
                (self.sink)(UploadEvent::Offline { next_probe_at: n.next_probe_at });
                Ok(())
            }
            _ => {
                n.offline = false;
                n.probe_failures = 0;
                drop(n);
                (self.sink)(UploadEvent::Online);
                for j in self.lib.upload_jobs(Some(&self.target.account))? {
                    if j.state == JobState::WaitingForNetwork {
                        self.lib.transition_upload_job(
                            j.id,
                            &[JobState::WaitingForNetwork],
                            JobState::Queued,
                            now,
                            |j| {
                                j.next_retry_at = None;
                            },
                        )?;
                    }
                }
                Ok(())
            }
        }
    }

    async fn schema(&self) -> Result<Option<Vec<FieldDef>>, RemoteError> {
        let mut g = self.fields.lock().await;
        if let Some(f) = g.as_ref() {
            return Ok(f.clone());
        }
        // Client-side (auth endpoint) accounts cannot read the schema (the management API needs the
        // private key); the remote checks the values on upload.
        if matches!(self.target.client.config().auth, RemoteAuth::AuthEndpoint { .. }) {
            *g = Some(None);
            return Ok(None);
        }
        // A field the client cannot read is an error naming it (the job fails and says so), never a
        // shorter schema that would refuse or let through values the remote judges otherwise.
        let fields = match self.target.client.list_custom_metadata_fields(false).await {
            Ok(list) => Some(list),
            // Client-side (auth endpoint) accounts cannot read the schema; the remote checks on upload.
            Err(RemoteError::Authentication { .. }) => None,
            Err(e) => return Err(e),
        };
        *g = Some(fields.clone());
        Ok(fields)
    }

    async fn process(self: &Arc<Self>, id: i64, cancel: CancellationToken) {
        if let Err(e) = self.process_inner(id, cancel).await {
            tracing::error!(job = id, "upload job failed on the library: {e}");
            let _ = self.fail(
                id,
                &[JobState::Queued, JobState::WaitingForNetwork, JobState::Uploading, JobState::Verifying],
                format!("The library could not record this upload: {e}"),
                "Restart Stockroom and retry; if it persists, check the disk.".into(),
                None,
            );
        }
        self.live.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }

    fn fail(
        &self,
        id: i64,
        from: &[JobState],
        error: String,
        fix: String,
        maybe_sent: Option<bool>,
    ) -> Result<(), LibraryError> {
        if let Some(j) = self.lib.transition_upload_job(id, from, JobState::Failed, self.now(), |j| {
            j.last_error = Some(error);
            j.fix = Some(fix);
            j.next_retry_at = None;
            if let Some(m) = maybe_sent {
                j.maybe_sent = m;
            }
        })? {
            self.emit_job(&j);
        }
        Ok(())
    }

    fn finish(&self, id: i64, from: &[JobState], copy: RemoteCopy, note: Option<String>) -> Result<(), LibraryError> {
        if let Some(j) = self.lib.transition_upload_job(id, from, JobState::Done, self.now(), |j| {
            j.remote = Some(copy);
            j.maybe_sent = false;
            j.last_error = None;
            j.fix = None;
            j.next_retry_at = None;
            j.bytes_sent = j.expected_size;
            j.note = note;
        })? {
            self.emit_job(&j);
        }
        Ok(())
    }

    async fn process_inner(self: &Arc<Self>, id: i64, cancel: CancellationToken) -> Result<(), LibraryError> {
        use JobState::*;
        const BEFORE: &[JobState] = &[Queued, WaitingForNetwork];
        let Some(job) = self.lib.upload_job(id)? else { return Ok(()) };
        if !job.state.is_runnable() {
            return Ok(());
        }
        let Some(asset) = self.lib.asset(job.asset_id)? else {
            let e = PreflightError::AssetGone;
            return self.fail(id, BEFORE, e.to_string(), e.fix(), None);
        };

        // Pre-flight, before any byte.
        let pf = preflight::check_local(&self.lib, &job, &asset, &self.target.limits);
        let pf = match pf {
            Ok(Preflight::Ready) if !job.spec.custom_metadata.is_empty() => match self.schema().await {
                Ok(Some(fields)) => preflight::check_metadata(&fields, &job).map(|()| Preflight::Ready),
                Ok(None) => Ok(Preflight::Ready),
                Err(e) => return self.on_remote_error(&job, e, Phase::Before).await,
            },
            other => other,
        };
        match pf {
            Ok(Preflight::Ready) => {}
            Ok(Preflight::Duplicate(copy)) => {
                let note =
                    format!("Already in the media library at {}; skipped (use force to upload again).", copy.file_path);
                return self.finish(id, BEFORE, copy, Some(note));
            }
            Err(e) => return self.fail(id, BEFORE, e.to_string(), e.fix(), None),
        }

        // Reconcile a job that may already be on the remote.
        if job.maybe_sent {
            (self.sink)(UploadEvent::Reconciling { job_id: id });
            match reconcile(&self.target.client, &self.lib, &job, Some(cancel.clone())).await {
                Ok(Reconciled::Adopted(copy)) => {
                    (self.sink)(UploadEvent::Adopted { job_id: id, file_id: copy.file_id.clone() });
                    return self.finish(
                        id,
                        BEFORE,
                        copy,
                        Some("Found already in the media library; nothing was sent again.".into()),
                    );
                }
                Ok(Reconciled::NotFound) => {}
                Err(e) => return self.on_remote_error(&job, e, Phase::Before).await,
            }
        }
        // Sent again without a lookup that could prove the earlier attempt missed: the job says so.
        let unchecked_resend = job.maybe_sent
            && matches!(self.target.client.config().auth, RemoteAuth::AuthEndpoint { .. })
            && !crate::reconcile::can_check_by_delivery_url(&job);
        if cancel.is_cancelled() {
            return Ok(());
        }

        // Claim: committed before the first byte leaves.
        let now = self.now();
        let Some(job) = self.lib.transition_upload_job(id, BEFORE, Uploading, now, |j| {
            j.maybe_sent = true;
            j.attempt_started_at = Some(now);
            j.attempts += 1;
            j.bytes_sent = 0;
            j.bytes_total = j.expected_size;
            j.next_retry_at = None;
            j.note = None;
        })?
        else {
            return Ok(());
        };
        self.emit_job(&job);
        if job.attempts > 1 {
            (self.sink)(UploadEvent::Restarting { job_id: id, bytes_total: job.expected_size, attempt: job.attempts });
        }

        let sent = Arc::new(AtomicU64::new(0));
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, (sent.clone(), job.expected_size, Instant::now()));
        let progress = self.progress_fn(id, sent.clone());
        let spec = &job.spec;
        let transformation = (spec.pre_transformation.is_some() || !spec.post_transformations.is_empty()).then(|| {
            UploadTransformation {
                pre: spec.pre_transformation.clone(),
                post: spec.post_transformations.iter().filter_map(post_to_wire).collect(),
            }
        });
        let request = UploadRequest {
            folder: Some(spec.folder.clone()),
            use_unique_file_name: Some(spec.use_unique_file_name),
            overwrite_file: Some(spec.overwrite),
            tags: spec.tags.clone(),
            custom_metadata: spec.custom_metadata.clone(),
            is_private_file: Some(spec.is_private),
            transformation,
            compute_hash: true,
            ..UploadRequest::new(UploadSource::Path(asset.path.clone()), spec.file_name.clone())
        };
        let result = self.target.client.upload(request, progress, Some(cancel)).await;
        let up = match result {
            Ok(up) => up,
            Err(e) => return self.on_remote_error(&job, e, Phase::Sending).await,
        };

        // Verifying: the remote ids are recorded before anything else can go wrong.
        let copy = RemoteCopy {
            file_id: up.file_id.clone(),
            url: up.url.clone(),
            version_id: up.version_info.as_ref().map(|v| v.id.clone()),
            file_path: up.file_path.clone(),
        };
        let Some(job) = self.lib.transition_upload_job(id, &[Uploading], Verifying, self.now(), |j| {
            j.remote = Some(copy.clone());
            j.bytes_sent = j.expected_size;
        })?
        else {
            // Paused or cancelled while the answer came: the next resume looks the file up.
            return Ok(());
        };
        self.emit_job(&job);
        if up.content_hash.as_deref() != Some(job.expected_hash.as_str()) {
            // Only what this job created is taken back: an overwrite's earlier version is made
            // current again, never deleted with the file (see `withdraw`).
            let w = withdraw(&self.target.client, &up).await;
            let error = match &w {
                Withdrawal::RemovedNewFile => {
                    "The file changed while it was uploading, so the copy sent was removed from the media library."
                        .to_string()
                }
                Withdrawal::RestoredPrevious { version_name } => format!(
                    "The file changed while it was uploading, so the version sent was removed and {} of {} is current again.",
                    version_name, up.file_path
                ),
                Withdrawal::LeftInPlace { why } => format!(
                    "The file changed while it was uploading; the version sent is still at {} because {why}.",
                    up.file_path
                ),
            };
            return self.fail(
                id,
                &[Verifying],
                error,
                "Import the file again so the library knows the new version, then queue it again.".into(),
                Some(w.left_something()),
            );
        }
        let note = unchecked_resend.then(|| {
            format!(
                "Sent again after an interrupted attempt this account cannot check (it signs uploads through an \
                 authentication endpoint): look for a second copy of {} in {}.",
                job.spec.file_name, job.spec.folder
            )
        });
        self.finish(id, &[Verifying], copy, note)
    }

    fn progress_fn(self: &Arc<Self>, id: i64, sent: Arc<AtomicU64>) -> impl Fn(UploadProgress) + Send + Sync + 'static {
        let ctx = self.clone();
        let started = Instant::now();
        let last = Mutex::new(Instant::now() - Duration::from_secs(10));
        let prev = AtomicU64::new(0);
        move |p: UploadProgress| {
            let chunk = p.sent.saturating_sub(prev.swap(p.sent, Ordering::Relaxed));
            sent.store(p.sent, Ordering::Relaxed);
            if let Some(bucket) = &ctx.bucket {
                let wait = bucket.take(chunk);
                if !wait.is_zero() {
                    // The body is polled inside the transport; hold it back there. On a multi-thread
                    // runtime the worker hands its other tasks over first.
                    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
                        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => {
                            tokio::task::block_in_place(|| std::thread::sleep(wait))
                        }
                        _ => std::thread::sleep(wait),
                    }
                }
            }
            let mut l = last.lock().unwrap_or_else(|e| e.into_inner());
            if l.elapsed() < ctx.settings.progress_interval && p.sent < p.total {
                return;
            }
            *l = Instant::now();
            let secs = started.elapsed().as_secs_f64();
            let speed = if secs > 0.0 { p.sent as f64 / secs } else { 0.0 };
            (ctx.sink)(UploadEvent::Progress(JobProgress {
                job_id: id,
                bytes_sent: p.sent,
                bytes_total: p.total,
                percent: if p.total == 0 { 100.0 } else { p.sent as f64 * 100.0 / p.total as f64 },
                bytes_per_sec: speed,
                eta_s: (speed > 0.0).then(|| p.total.saturating_sub(p.sent) as f64 / speed),
            }));
        }
    }

    fn backoff_at(&self, attempts: u32) -> i64 {
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        self.now() + self.settings.backoff.delay(attempts.max(1), &mut *rng).as_millis() as i64
    }

    /// Turns a remote failure into the job's next committed state.
    async fn on_remote_error(&self, job: &Job, e: RemoteError, phase: Phase) -> Result<(), LibraryError> {
        use JobState::*;
        let from: &[JobState] = match phase {
            Phase::Before => &[Queued, WaitingForNetwork],
            Phase::Sending => &[Uploading],
        };
        let sending = matches!(phase, Phase::Sending);
        let message = e.to_string();
        let id = job.id;
        let to_state = |state: JobState, next: Option<i64>, maybe_sent: bool| -> Result<(), LibraryError> {
            if let Some(j) = self.lib.transition_upload_job(id, from, state, self.now(), |j| {
                j.next_retry_at = next;
                j.last_error = Some(message.clone());
                j.maybe_sent = maybe_sent;
            })? {
                self.emit_job(&j);
            }
            Ok(())
        };
        match &e {
            RemoteError::Cancelled => {
                // A pause/cancel already wrote the state; a stopping run puts the job back in the queue.
                if self.stopping.load(Ordering::SeqCst) {
                    self.lib.transition_upload_job(id, from, Queued, self.now(), |j| {
                        j.maybe_sent = j.maybe_sent || sending
                    })?;
                }
                Ok(())
            }
            RemoteError::Network { maybe_delivered, .. } => {
                self.go_offline();
                let maybe = if sending { *maybe_delivered } else { job.maybe_sent };
                to_state(WaitingForNetwork, Some(self.backoff_at(job.attempts)), maybe)
            }
            RemoteError::RateLimited { retry_after, .. } => {
                let wait = i64::try_from(retry_after.as_millis()).unwrap_or(i64::MAX);
                let reset = self.now().saturating_add(wait);
                {
                    // The whole account waits exactly what the remote asked.
                    let mut n = self.net.lock().unwrap_or_else(|p| p.into_inner());
                    n.hold_until = n.hold_until.max(reset);
                }
                // Each job then waits a little more (up to a tenth of the wait, at most a second), so
                // the jobs held back together do not all hit the remote at the instant it resets.
                let jitter = {
                    let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
                    rng.random_range(0..=(wait / 10).clamp(0, 1_000))
                };
                // A 429 is an answer: nothing was stored by this request.
                to_state(Queued, Some(reset.saturating_add(jitter)), if sending { false } else { job.maybe_sent })
            }
            RemoteError::Server { status, .. } => {
                // The remote may have stored the file before failing: keep it marked for a lookup.
                let maybe = sending || job.maybe_sent;
                if job.attempts >= self.settings.max_attempts {
                    self.fail(
                        id,
                        from,
                        format!("{message} (gave up after {} tries)", job.attempts),
                        format!("The media library keeps failing (HTTP {status}). Retry later."),
                        Some(maybe),
                    )
                } else {
                    to_state(Queued, Some(self.backoff_at(job.attempts)), maybe)
                }
            }
            RemoteError::Validation { message: m, .. }
                if sending && m.contains("already exists") && !job.spec.use_unique_file_name && !job.spec.overwrite =>
            {
                // The remote refused a second copy at our deterministic name: is it ours?
                let mut lookup = job.clone();
                lookup.attempt_started_at = None;
                match reconcile(&self.target.client, &self.lib, &lookup, None).await {
                    Ok(Reconciled::Adopted(copy)) => {
                        (self.sink)(UploadEvent::Adopted { job_id: id, file_id: copy.file_id.clone() });
                        self.finish(
                            id,
                            from,
                            copy,
                            Some("Found already in the media library; nothing was sent again.".into()),
                        )
                    }
                    Ok(Reconciled::NotFound) => self.fail(
                        id,
                        from,
                        format!(
                            "A different file called {} already exists in {}.",
                            job.spec.file_name, job.spec.folder
                        ),
                        "Rename the file, choose a unique name, or allow overwriting, then queue it again.".into(),
                        Some(false),
                    ),
                    Err(e2) => {
                        let state = if matches!(e2, RemoteError::Network { .. }) {
                            self.go_offline();
                            WaitingForNetwork
                        } else {
                            Queued
                        };
                        to_state(state, Some(self.backoff_at(job.attempts)), true)
                    }
                }
            }
            RemoteError::Authentication { .. } => self.fail(
                id,
                from,
                message,
                "Check the account's keys (Settings, or `stockroom remote use`), then retry.".into(),
                Some(job.maybe_sent && !sending),
            ),
            RemoteError::LocalFile { .. } => self.fail(
                id,
                from,
                message,
                "Put the file back where it was (or import it from its new place), then retry.".into(),
                Some(job.maybe_sent && !sending),
            ),
            RemoteError::Validation { .. } => self.fail(
                id,
                from,
                message,
                "Change the job's name, folder, tags, metadata or transformations, then queue it again.".into(),
                Some(job.maybe_sent && !sending),
            ),
            _ => self.fail(
                id,
                from,
                message,
                "Retry; if it keeps failing, contact support with this message.".into(),
                Some(job.maybe_sent || sending),
            ),
        }
    }
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
