//! The queue's controls: per-job pause/resume/cancel/retry and the global pause. They edit the
//! persisted queue first and then tell a running [`crate::Uploader`] (stop a running upload, wake the
//! loop), so they work with no uploader running too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sr_library::{Job, JobState, Library, LibraryError};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;

/// Controls shared with a running [`crate::Uploader`]: per-job pause/resume/cancel/retry and the global
/// pause. Works without a running uploader too (then it only edits the queue).
#[derive(Clone)]
pub struct UploaderHandle {
    lib: Arc<Library>,
    clock: Arc<dyn Clock>,
    /// The cancellation token of each running attempt (the run loop fills it).
    pub(crate) running: Arc<Mutex<HashMap<i64, CancellationToken>>>,
    paused: Arc<AtomicBool>,
    /// Wakes the run loop after a control action.
    pub(crate) wake: Arc<Notify>,
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

    pub(crate) fn running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, CancellationToken>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn stop_running(&self, id: i64) {
        if let Some(t) = self.running().get(&id) {
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
