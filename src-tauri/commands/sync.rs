//! Two-way sync: runs (with progress), the overview for the top bar, conflicts, the history,
//! settings, and remote-only assets' thumbnails and originals. The app's periodic sync runs in the
//! façade (started in `lib.rs` setup); the window follows it with `follow_sync`.

use std::sync::{Arc, Mutex};

use sr_api::dto;
use sr_api::dto_sync as d;
use sr_api::{ApiError, Stockroom};
use tauri::State;
use tauri::ipc::Channel;

use super::{Api, blocking};

#[tauri::command]
pub async fn sync_run(
    api: Api<'_>,
    req: d::SyncRequest,
    on_progress: Channel<d::SyncProgress>,
) -> Result<d::SyncReport, ApiError> {
    api.sync(req, None, move |p| {
        let _ = on_progress.send(p);
    })
    .await
}

#[tauri::command]
pub async fn sync_overview(api: Api<'_>) -> Result<d::SyncOverview, ApiError> {
    api.sync_overview().await
}

#[tauri::command]
pub async fn sync_log(api: Api<'_>, limit: u32) -> Result<Vec<d::SyncRun>, ApiError> {
    api.sync_log(limit).await
}

#[tauri::command]
pub async fn sync_conflicts(api: Api<'_>, open_only: bool) -> Result<Vec<d::Conflict>, ApiError> {
    api.conflicts(open_only).await
}

#[tauri::command]
pub async fn resolve_conflicts(api: Api<'_>, req: d::ResolveConflicts) -> Result<Vec<d::Conflict>, ApiError> {
    api.resolve_conflicts(req).await
}

#[tauri::command]
pub async fn sync_settings(api: Api<'_>) -> Result<d::SyncSettings, ApiError> {
    blocking(&api, |s| s.sync_settings()).await
}

#[tauri::command]
pub async fn set_sync_settings(api: Api<'_>, settings: d::SyncSettings) -> Result<d::SyncSettings, ApiError> {
    blocking(&api, move |s| s.set_sync_settings(settings)).await
}

#[tauri::command]
pub async fn download_original(api: Api<'_>, asset_id: i64) -> Result<dto::Asset, ApiError> {
    api.download_original(asset_id).await
}

#[tauri::command]
pub async fn fetch_remote_thumbnail(api: Api<'_>, asset_id: i64) -> Result<dto::Asset, ApiError> {
    api.fetch_remote_thumbnail(asset_id).await
}

#[tauri::command]
pub async fn delete_from_remote(api: Api<'_>, ids: Vec<i64>) -> Result<sr_api::dto_organise::EditResult, ApiError> {
    blocking(&api, move |s| s.delete_from_remote(&ids)).await
}

#[tauri::command]
pub async fn rename_asset(api: Api<'_>, id: i64, name: String) -> Result<sr_api::dto_organise::EditResult, ApiError> {
    blocking(&api, move |s| s.rename_asset(id, &name)).await
}

/// The windows subscribed to the periodic sync's progress and finished runs.
#[derive(Default)]
pub struct SyncChannels {
    progress: Arc<Mutex<Vec<Channel<d::SyncProgress>>>>,
    reports: Arc<Mutex<Vec<Channel<d::SyncReport>>>>,
}

fn send_all<T: tauri::ipc::IpcResponse + Clone>(subs: &Mutex<Vec<Channel<T>>>, value: T) {
    subs.lock().unwrap_or_else(|p| p.into_inner()).retain(|ch| ch.send(value.clone()).is_ok());
}

impl SyncChannels {
    /// Starts the periodic sync, forwarding its progress and reports to the subscribed windows.
    pub fn start(&self, api: &Arc<Stockroom>) {
        let (progress, reports) = (self.progress.clone(), self.reports.clone());
        let api = api.clone();
        tauri::async_runtime::spawn(async move {
            api.start_background_sync(move |p| send_all(&progress, p), move |r| send_all(&reports, r)).await;
        });
    }
}

/// The window subscribes to the periodic sync.
#[tauri::command]
pub fn follow_sync(
    channels: State<'_, SyncChannels>,
    on_progress: Channel<d::SyncProgress>,
    on_report: Channel<d::SyncReport>,
) {
    channels.progress.lock().unwrap_or_else(|p| p.into_inner()).push(on_progress);
    channels.reports.lock().unwrap_or_else(|p| p.into_inner()).push(on_report);
}
