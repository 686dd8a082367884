//! What the run loop and the attempts of one run share, and the few ways they commit a job.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rand::rngs::StdRng;
use sr_imagekit::metadata::FieldDef;
use sr_library::{Job, JobState, Library, LibraryError, RemoteCopy};
use sr_remote::AccountGate;

use crate::clock::Clock;
use crate::config::{Settings, UploadTarget};
use crate::events::{Totals, UploadEvent, count_jobs};
use crate::throttle::TokenBucket;

pub(crate) type EventSink = Arc<dyn Fn(UploadEvent) + Send + Sync>;
/// (bytes handed to the transport, bytes in the file, when the attempt began).
pub(crate) type LiveAttempt = (Arc<AtomicU64>, u64, Instant);

/// Shared by the loop and the job tasks.
pub(crate) struct Ctx {
    pub lib: Arc<Library>,
    pub target: UploadTarget,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub bucket: Option<Arc<TokenBucket>>,
    pub sink: EventSink,
    /// Offline and 429 hold of the account, shared with whoever else calls it.
    pub gate: Arc<AccountGate>,
    /// Jitter of backoffs and of the wait after a hold (seeded: runs are repeatable).
    pub rng: Mutex<StdRng>,
    /// The account's field schema, read once per run (`None` inside: it cannot be read).
    pub fields: tokio::sync::Mutex<Option<Option<Vec<FieldDef>>>>,
    /// (sent, total, started) of running attempts, for totals.
    pub live: Mutex<HashMap<i64, LiveAttempt>>,
    pub stopping: AtomicBool,
}

impl Ctx {
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The queue's totals with the bytes of the running attempts.
    pub fn totals(&self, jobs: &[Job]) -> Totals {
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

    pub fn emit_job(&self, j: &Job) {
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

    /// A network error: the account goes offline (reported once) until a probe answers.
    pub fn go_offline(&self) {
        if let Some(next_probe_at) = self.gate.go_offline(self.now()) {
            (self.sink)(UploadEvent::Offline { next_probe_at });
        }
    }

    pub fn fail(
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

    pub fn finish(
        &self,
        id: i64,
        from: &[JobState],
        copy: RemoteCopy,
        note: Option<String>,
    ) -> Result<(), LibraryError> {
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
}
