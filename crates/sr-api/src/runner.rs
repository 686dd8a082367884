//! The background upload runner of the desktop app: one run of the active account's queue for the
//! whole session, restarted when the account or the settings change, and never stopped silently.
//!
//! Invariants: at most one run at a time in this process (a restart cancels the old run and waits
//! for it to end, so it never races its own queue lock); a run that ends by itself (the queue lock
//! held by `stockroom upload`, a busy or full database, a missing key) is retried with backoff (2 s,
//! doubling, at most a minute) and, until it runs again, the queue reports why it stopped, what to do,
//! and when it retries, as a `stopped` event and in `queue_list` — the Uploads panel shows it with a
//! Retry button ([`Stockroom::retry_background_uploads`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::dto_uploads as dto;
use crate::{ApiError, Stockroom};

const FIRST_WAIT: Duration = Duration::from_secs(2);
const LONGEST_WAIT: Duration = Duration::from_secs(60);

type Sink = Arc<dyn Fn(dto::UploadEvent) + Send + Sync>;

/// The runner's state, held by [`Stockroom`].
#[derive(Default)]
pub(crate) struct Background {
    current: tokio::sync::Mutex<Option<(CancellationToken, tokio::task::JoinHandle<()>)>>,
    stopped: Mutex<Option<dto::UploadsStopped>>,
    retry: Notify,
}

impl Background {
    pub(crate) fn stopped(&self) -> Option<dto::UploadsStopped> {
        self.stopped.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_stopped(&self, s: Option<dto::UploadsStopped>) {
        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Why the run stopped, in the words the panel shows.
fn said(e: &ApiError) -> String {
    if e.message.contains("already uploading") {
        "Another Stockroom window or command is already uploading from this library.".into()
    } else {
        e.message.clone()
    }
}

/// What the person can do about a run that stopped.
fn fix_for(e: &ApiError) -> String {
    let m = e.message.as_str();
    if m.contains("already uploading") {
        "Let the other Stockroom window or `stockroom upload` finish (or close it); publishing carries on by itself."
            .into()
    } else if m.contains("private key") || m.contains("keys") {
        "Enter the account's keys again in Settings; publishing carries on by itself.".into()
    } else {
        "Publishing is retried by itself; press Retry to try now. If it keeps stopping, check the disk and send \
         the log (Settings shows where it is)."
            .into()
    }
}

impl Stockroom {
    /// (Re)starts the background run of the active account's queue, e.g. after the account changed:
    /// the old run is stopped and waited for first. Events (including `stopped`) go to `on_event`.
    pub async fn restart_background_uploads(
        self: &Arc<Self>,
        on_event: impl Fn(dto::UploadEvent) + Send + Sync + 'static,
    ) {
        let sink: Sink = Arc::new(on_event);
        let mut current = self.background.current.lock().await;
        if let Some((stop, task)) = current.take() {
            stop.cancel();
            let _ = task.await;
        }
        let stop = CancellationToken::new();
        let task = tokio::spawn(run_until_stopped(self.clone(), stop.clone(), sink));
        *current = Some((stop, task));
    }

    /// Stops the background run and waits for it (its running jobs go back to the queue).
    pub async fn stop_background_uploads(&self) {
        if let Some((stop, task)) = self.background.current.lock().await.take() {
            stop.cancel();
            let _ = task.await;
        }
        self.background.set_stopped(None);
    }

    /// A stopped background run tries again now instead of at its next retry.
    pub fn retry_background_uploads(&self) {
        self.background.retry.notify_one();
    }
}

async fn run_until_stopped(api: Arc<Stockroom>, stop: CancellationToken, sink: Sink) {
    let mut wait = FIRST_WAIT;
    loop {
        let forward = {
            let (api, sink) = (api.clone(), sink.clone());
            move |e: dto::UploadEvent| {
                if matches!(e, dto::UploadEvent::Started { .. }) {
                    api.background.set_stopped(None);
                }
                sink(e)
            }
        };
        let opts = dto::RunUploadsOptions { until_idle: false, ..Default::default() };
        let result = api.run_uploads(opts, Some(stop.clone()), forward).await;
        if stop.is_cancelled() {
            return;
        }
        let error = match result {
            Err(e) => e,
            Ok(_) => ApiError::new(crate::ErrorCode::Internal, "The upload queue ended by itself."),
        };
        let retry_at = now_ms() + wait.as_millis() as i64;
        tracing::warn!(error = %error.message, retry_in_s = wait.as_secs(), "publishing stopped");
        let stopped = dto::UploadsStopped { message: said(&error), fix: fix_for(&error), retry_at };
        api.background.set_stopped(Some(stopped.clone()));
        sink(dto::UploadEvent::Stopped { stopped });
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = api.background.retry.notified() => wait = FIRST_WAIT,
            _ = tokio::time::sleep(wait) => wait = (wait * 2).min(LONGEST_WAIT),
        }
    }
}
