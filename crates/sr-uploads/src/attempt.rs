//! One attempt of one job, start to end: pre-flight, the lookup of a job that may already be on the
//! remote, the claim committed before the first byte, the send, the check of the streamed hash, and
//! — when the remote fails — carrying out what [`crate::verdict`] decided. The protocol is in the
//! crate docs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use sr_imagekit::metadata::FieldDef;
use sr_library::{Job, JobState, LibraryError, RemoteCopy};
use sr_remote::{RemoteAuth, RemoteError, UploadProgress};
use tokio_util::sync::CancellationToken;

use crate::ctx::Ctx;
use crate::events::{JobProgress, UploadEvent};
use crate::link::link_done;
use crate::preflight::{self, Preflight, PreflightError};
use crate::reconcile::{Reconciled, reconcile};
use crate::refresh::current_spec;
use crate::request::upload_request;
use crate::verdict::{Facts, Phase, Verdict, lookup_failed, name_taken, verdict};
use crate::withdraw::{Withdrawal, withdraw};

const ADOPTED: &str = "Found already in the media library; nothing was sent again.";

impl Phase {
    /// The states a job of this phase is in (the transitions out of it start from them).
    fn states(self) -> &'static [JobState] {
        match self {
            Phase::Before => &[JobState::Queued, JobState::WaitingForNetwork],
            Phase::Sending => &[JobState::Uploading],
        }
    }
}

impl Ctx {
    /// Runs one attempt of job `id`; a library failure fails the job with what to do.
    pub(crate) async fn process(self: &Arc<Self>, id: i64, cancel: CancellationToken) {
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

    async fn adopt(&self, job: &Job, from: &[JobState], copy: RemoteCopy) -> Result<(), LibraryError> {
        (self.sink)(UploadEvent::Adopted { job_id: job.id, file_id: copy.file_id.clone() });
        self.done(job, from, copy, Some(ADOPTED.into())).await
    }

    /// Links the asset to its remote file for sync, then commits the job as done. Linked first: a
    /// kill between the two leaves the job to be found on the remote again and linked again
    /// (idempotent), never a done job without its link.
    async fn done(
        &self,
        job: &Job,
        from: &[JobState],
        copy: RemoteCopy,
        note: Option<String>,
    ) -> Result<(), LibraryError> {
        link_done(&self.target.client, &self.lib, job, &copy, self.now()).await?;
        self.finish(job.id, from, copy, note)
    }

    async fn process_inner(self: &Arc<Self>, id: i64, cancel: CancellationToken) -> Result<(), LibraryError> {
        use JobState::*;
        let before = Phase::Before.states();
        let Some(job) = self.lib.upload_job(id)? else { return Ok(()) };
        if !job.state.is_runnable() {
            return Ok(());
        }
        let Some(asset) = self.lib.asset(job.asset_id)? else {
            let e = PreflightError::AssetGone;
            return self.fail(id, before, e.to_string(), e.fix(), None);
        };
        // The asset as it is now, unless an earlier attempt may have sent it: that one is looked
        // up with what it sent.
        let job = match current_spec(&self.lib, &job, &asset)? {
            Some(spec) if !job.maybe_sent => {
                if !self.lib.set_upload_job_spec(id, &spec, before, self.now())? {
                    return Ok(());
                }
                Job { spec, ..job }
            }
            _ => job,
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
                return self.done(&job, before, copy, Some(note)).await;
            }
            Err(e) => return self.fail(id, before, e.to_string(), e.fix(), None),
        }

        // Reconcile a job that may already be on the remote.
        if job.maybe_sent {
            (self.sink)(UploadEvent::Reconciling { job_id: id });
            match reconcile(&self.target.client, &self.lib, &job, Some(cancel.clone())).await {
                Ok(Reconciled::Adopted(copy)) => return self.adopt(&job, before, copy).await,
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
        let Some(job) = self.lib.transition_upload_job(id, before, Uploading, now, |j| {
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
        let result = self.target.client.upload(upload_request(&job, &asset), progress, Some(cancel)).await;
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
        self.done(&job, &[Verifying], copy, note).await
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

    /// Turns a remote failure into the job's next committed state: [`verdict`] decides, this carries
    /// it out (a lookup first when it asks for one).
    async fn on_remote_error(&self, job: &Job, e: RemoteError, phase: Phase) -> Result<(), LibraryError> {
        let from = phase.states();
        let facts = Facts {
            phase,
            maybe_sent: job.maybe_sent,
            attempts: job.attempts,
            max_attempts: self.settings.max_attempts,
            deterministic_name: !job.spec.use_unique_file_name && !job.spec.overwrite,
            stopping: self.stopping.load(Ordering::SeqCst),
        };
        let decided = match verdict(&e, &facts) {
            Verdict::Reconcile => {
                // The remote refused a second copy at our deterministic name: is it ours?
                let mut lookup = job.clone();
                lookup.attempt_started_at = None;
                match reconcile(&self.target.client, &self.lib, &lookup, None).await {
                    Ok(Reconciled::Adopted(copy)) => return self.adopt(job, from, copy).await,
                    Ok(Reconciled::NotFound) => name_taken(&job.spec),
                    Err(e2) => lookup_failed(&e2),
                }
            }
            v => v,
        };
        self.commit(job, from, &e.to_string(), decided)
    }

    /// Commits a decision about `job`; `message` is the remote error, kept as the job's last error.
    fn commit(&self, job: &Job, from: &[JobState], message: &str, v: Verdict) -> Result<(), LibraryError> {
        let id = job.id;
        let to_state = |state: JobState, next: i64, maybe_sent: bool| -> Result<(), LibraryError> {
            if let Some(j) = self.lib.transition_upload_job(id, from, state, self.now(), |j| {
                j.next_retry_at = Some(next);
                j.last_error = Some(message.to_owned());
                j.maybe_sent = maybe_sent;
            })? {
                self.emit_job(&j);
            }
            Ok(())
        };
        match v {
            Verdict::Leave | Verdict::Reconcile => Ok(()),
            Verdict::Requeue { maybe_sent } => {
                self.lib.transition_upload_job(id, from, JobState::Queued, self.now(), |j| {
                    j.maybe_sent = j.maybe_sent || maybe_sent
                })?;
                Ok(())
            }
            Verdict::WaitForNetwork { maybe_sent } => {
                self.go_offline();
                to_state(JobState::WaitingForNetwork, self.backoff_at(job.attempts), maybe_sent)
            }
            Verdict::HoldAccount { wait, maybe_sent } => {
                let hold = self.gate.hold(self.now(), wait);
                let spread = self.rng.lock().unwrap_or_else(|p| p.into_inner()).random_range(0..=hold.spread_ms);
                to_state(JobState::Queued, hold.until.saturating_add(spread), maybe_sent)
            }
            Verdict::Retry { maybe_sent } => to_state(JobState::Queued, self.backoff_at(job.attempts), maybe_sent),
            Verdict::Fail { reason, fix, maybe_sent } => self.fail(id, from, reason, fix, Some(maybe_sent)),
        }
    }
}
