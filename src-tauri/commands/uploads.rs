//! The upload queue. The queue runs in the background for the whole session (see
//! [`UploadRunner`]); the UI subscribes to its events with `watch_uploads`.

use std::sync::{Arc, Mutex};

use sr_api::dto_uploads as d;
use sr_api::{ApiError, Stockroom};
use tauri::ipc::Channel;

use super::{Api, blocking};

/// Forwards the façade's background upload run (see `Stockroom::restart_background_uploads`) to the
/// window, and announces finished batches.
#[derive(Default)]
pub struct UploadRunner {
    watcher: Arc<Mutex<Option<Channel<d::UploadEvent>>>>,
}

impl UploadRunner {
    /// (Re)starts the background run, e.g. after the account changed.
    pub fn restart<R: tauri::Runtime>(&self, app: tauri::AppHandle<R>, api: Arc<Stockroom>) {
        let watcher = self.watcher.clone();
        let forward = move |e: d::UploadEvent| {
            if let d::UploadEvent::BatchFinished { done, failed, .. } = &e {
                notify_batch(&app, *done, *failed);
            }
            if let Some(ch) = watcher.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
                let _ = ch.send(e);
            }
        };
        tauri::async_runtime::spawn(async move { api.restart_background_uploads(forward).await });
    }
}

/// A desktop notification when a batch finishes (people close the window and wait).
fn notify_batch<R: tauri::Runtime>(app: &tauri::AppHandle<R>, done: u64, failed: u64) {
    use tauri_plugin_notification::NotificationExt;
    if done == 0 && failed == 0 {
        return;
    }
    let body = match failed {
        0 => format!("{done} published to the media library."),
        f => format!("{done} published, {f} failed — open Uploads to see why."),
    };
    if let Err(e) = app.notification().builder().title("Stockroom uploads finished").body(body).show() {
        tracing::debug!(error = %e, "no desktop notification service");
    }
}

type Runner<'a> = tauri::State<'a, UploadRunner>;

#[tauri::command]
pub fn watch_uploads(runner: Runner<'_>, on_event: Channel<d::UploadEvent>) {
    *runner.watcher.lock().unwrap_or_else(|p| p.into_inner()) = Some(on_event);
}

/// A stopped background run tries again now.
#[tauri::command]
pub fn uploads_retry(api: Api<'_>) {
    api.retry_background_uploads();
}

#[tauri::command]
pub async fn queue_add(api: Api<'_>, request: d::QueueAddRequest) -> Result<Vec<d::UploadJob>, ApiError> {
    api.queue_add(request).await
}

#[tauri::command]
pub async fn queue_list(api: Api<'_>) -> Result<d::UploadQueue, ApiError> {
    api.queue_list().await
}

#[tauri::command]
pub async fn queue_pause(api: Api<'_>, job_id: i64) -> Result<d::UploadJob, ApiError> {
    blocking(&api, move |s| s.queue_pause(job_id)).await
}

#[tauri::command]
pub async fn queue_resume(api: Api<'_>, job_id: i64) -> Result<d::UploadJob, ApiError> {
    blocking(&api, move |s| s.queue_resume(job_id)).await
}

#[tauri::command]
pub async fn queue_cancel(api: Api<'_>, job_id: i64) -> Result<d::UploadJob, ApiError> {
    blocking(&api, move |s| s.queue_cancel(job_id)).await
}

#[tauri::command]
pub async fn queue_retry(api: Api<'_>, job_id: i64) -> Result<d::UploadJob, ApiError> {
    blocking(&api, move |s| s.queue_retry(job_id)).await
}

#[tauri::command]
pub async fn queue_reorder(api: Api<'_>, job_ids: Vec<i64>) -> Result<(), ApiError> {
    blocking(&api, move |s| s.queue_reorder(&job_ids)).await
}

#[tauri::command]
pub async fn uploads_set_paused(api: Api<'_>, paused: bool) -> Result<(), ApiError> {
    blocking(&api, move |s| s.uploads_set_paused(paused)).await
}

#[tauri::command]
pub async fn upload_settings(api: Api<'_>) -> Result<d::UploadSettings, ApiError> {
    blocking(&api, |s| s.upload_settings()).await
}

/// Settings take effect at once: the runner restarts with them (an upload in flight is re-sent).
#[tauri::command]
pub async fn set_upload_settings<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    api: Api<'_>,
    runner: Runner<'_>,
    settings: d::UploadSettings,
) -> Result<d::UploadSettings, ApiError> {
    let saved = blocking(&api, move |s| s.set_upload_settings(settings)).await?;
    runner.restart(app, api.inner().clone());
    Ok(saved)
}
