//! The run loop: one account's queue, up to `concurrency` attempts at once in priority order, none
//! started while the account's [`AccountGate`] is closed (offline until a probe answers, or held by a
//! 429), the global pause and other processes' controls obeyed, totals reported as it goes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use sr_library::{JobState, Library, LibraryError};
use sr_remote::AccountGate;
use sr_remote::hold::Probe;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::{Settings, UploadTarget};
use crate::controls::UploaderHandle;
use crate::ctx::Ctx;
use crate::events::UploadEvent;
use crate::throttle::TokenBucket;

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

/// Runs the queue of one account.
pub struct Uploader {
    ctx: Arc<Ctx>,
    handle: UploaderHandle,
}

impl Uploader {
    /// An uploader holding the account through its process-wide gate ([`sr_remote::shared_gate`]), the
    /// one sync uses too: a 429 or an outage met by either holds both.
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
        let gate = sr_remote::shared_gate(&target.account, settings.probe_interval);
        let ctx = Ctx {
            lib,
            target,
            clock,
            bucket,
            sink: Arc::new(|_| {}),
            gate,
            rng: Mutex::new(rng),
            fields: tokio::sync::Mutex::new(None),
            live: Mutex::default(),
            stopping: AtomicBool::new(false),
            settings,
        };
        Uploader { ctx: Arc::new(ctx), handle }
    }

    /// Uses `gate` instead of the account's shared one (tests; a caller that manages gates itself).
    /// The gate's own probe interval then applies, not [`Settings::probe_interval`].
    pub fn with_gate(mut self, gate: Arc<AccountGate>) -> Uploader {
        Arc::get_mut(&mut self.ctx).expect("not shared before run").gate = gate;
        self
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
        let lock = lock_queue(&ctx.lib)?;
        let interrupted = ctx.lib.recover_interrupted_uploads(&account, ctx.clock.now_ms())? as u64;
        (ctx.sink)(UploadEvent::Started { account: account.clone(), interrupted });
        let mut tasks: JoinSet<i64> = JoinSet::new();
        let concurrency = ctx.settings.concurrency.max(1);
        let mut last_totals = Instant::now() - Duration::from_secs(1);
        loop {
            while let Some(done) = tasks.try_join_next() {
                if let Ok(id) = done {
                    handle.running().remove(&id);
                }
            }
            let now = ctx.clock.now_ms();
            let jobs = ctx.lib.upload_jobs(Some(&account))?;
            let running: Vec<i64> = handle.running().keys().copied().collect();
            // A pause or cancel written by another process stops our running upload.
            for j in &jobs {
                if running.contains(&j.id) && !(j.state.is_active() || j.state.is_runnable()) {
                    handle.stop_running(j.id);
                }
            }
            if stop.is_cancelled() {
                ctx.stopping.store(true, Ordering::SeqCst);
                for t in handle.running().values() {
                    t.cancel();
                }
                while tasks.join_next().await.is_some() {}
                break;
            }
            if ctx.gate.probe_due(now) {
                probe(&ctx).await?;
            }
            let mut n_running = running.len();
            if !handle.is_paused() && ctx.gate.is_open(now) {
                for j in &jobs {
                    if n_running >= concurrency {
                        break;
                    }
                    if !j.state.is_runnable() || j.next_retry_at.is_some_and(|t| t > now) || running.contains(&j.id) {
                        continue;
                    }
                    let token = CancellationToken::new();
                    handle.running().insert(j.id, token.clone());
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
                        handle.running().remove(&id);
                    }
                }
                _ = handle.wake.notified() => {}
                _ = stop.cancelled() => {}
                _ = tokio::time::sleep(tick) => {}
            }
        }
        handle.running().clear();
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

/// One uploading process per library: a second one would take the first one's running jobs for
/// interrupted ones. The OS releases the lock when the process dies, however it dies.
fn lock_queue(lib: &Library) -> Result<std::fs::File, LibraryError> {
    let lock_path = lib.dir().join("uploads.lock");
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
    Ok(lock)
}

/// Probes the offline account; when it answers, the jobs waiting for the network are queued again.
async fn probe(ctx: &Ctx) -> Result<(), LibraryError> {
    match ctx.gate.probe(&ctx.target.client, || ctx.now()).await {
        Probe::Offline { next_probe_at } => (ctx.sink)(UploadEvent::Offline { next_probe_at }),
        Probe::Online => {
            (ctx.sink)(UploadEvent::Online);
            let now = ctx.now();
            for j in ctx.lib.upload_jobs(Some(&ctx.target.account))? {
                if j.state == JobState::WaitingForNetwork {
                    ctx.lib.transition_upload_job(
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
        }
    }
    Ok(())
}
