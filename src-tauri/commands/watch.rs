//! Watched folders, their ledger, and the library's changes made by other processes.
//! SKELETON (issue 10).

use sr_api::ApiError;
use sr_api::dto_watch as d;
use tauri::ipc::Channel;

use super::{Api, blocking};

#[tauri::command]
pub async fn watch_add(api: Api<'_>, req: d::WatchFolderRequest) -> Result<d::WatchFolder, ApiError> {
    api.watch_add(req).await
}

#[tauri::command]
pub async fn watch_list(api: Api<'_>) -> Result<Vec<d::WatchFolder>, ApiError> {
    blocking(&api, |s| s.watch_list()).await
}

#[tauri::command]
pub async fn watch_remove(api: Api<'_>, id: i64) -> Result<(), ApiError> {
    blocking(&api, move |s| s.watch_remove(id)).await
}

#[tauri::command]
pub async fn watch_set_paused(api: Api<'_>, id: i64, paused: bool) -> Result<d::WatchFolder, ApiError> {
    blocking(&api, move |s| s.watch_set_paused(id, paused)).await
}

#[tauri::command]
pub async fn watch_status(api: Api<'_>) -> Result<d::WatchStatus, ApiError> {
    blocking(&api, |s| s.watch_status()).await
}

#[tauri::command]
pub async fn watch_retry(api: Api<'_>, path: String) -> Result<(), ApiError> {
    blocking(&api, move |s| s.watch_retry(&path)).await
}

#[tauri::command]
pub async fn watch_ingest_anyway(api: Api<'_>, path: String) -> Result<(), ApiError> {
    blocking(&api, move |s| s.watch_ingest_anyway(&path)).await
}

#[tauri::command]
pub async fn watch_ignore(api: Api<'_>, path: String) -> Result<(), ApiError> {
    blocking(&api, move |s| s.watch_ignore(&path)).await
}

#[tauri::command]
pub async fn watch_settings(api: Api<'_>) -> Result<d::WatchSettings, ApiError> {
    blocking(&api, |s| s.watch_settings()).await
}

#[tauri::command]
pub async fn set_watch_settings(api: Api<'_>, settings: d::WatchSettings) -> Result<d::WatchSettings, ApiError> {
    blocking(&api, move |s| s.set_watch_settings(settings)).await
}

/// The window subscribes to the background watcher's events.
#[tauri::command]
pub fn follow_watch(api: Api<'_>, on_event: Channel<d::WatchEvent>) {
    let _ = (api, on_event);
    todo!("shell: forward watch events to the channel")
}

/// The window subscribes to changes any process makes to the library.
#[tauri::command]
pub fn follow_library(api: Api<'_>, on_event: Channel<d::LibraryChange>) {
    let _ = (api, on_event);
    todo!("shell: forward library changes to the channel")
}
