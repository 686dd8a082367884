//! Watched folders, their ledger, and the library's changes made by other processes. The façade
//! watches in the background for the whole session (started in `lib.rs` setup, see
//! [`WatchChannels::start`]); the window subscribes to its events with `follow_watch` and to
//! library changes with `follow_library`.

use std::sync::{Arc, Mutex};

use sr_api::dto_watch as d;
use sr_api::{ApiError, Stockroom};
use tauri::State;
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

/// Accepts the new content of a file replaced in place as its asset's version.
#[tauri::command]
pub async fn watch_keep_new_version(api: Api<'_>, path: String) -> Result<(), ApiError> {
    blocking(&api, move |s| s.watch_keep_new_version(&path)).await
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

/// The windows subscribed to the background watcher's events and to library changes.
#[derive(Default)]
pub struct WatchChannels {
    watch: Arc<Mutex<Vec<Channel<d::WatchEvent>>>>,
    library: Arc<Mutex<Vec<Channel<d::LibraryChange>>>>,
}

/// Sends to every subscriber, forgetting those whose window went away.
fn send_all<T: tauri::ipc::IpcResponse + Clone>(subs: &Mutex<Vec<Channel<T>>>, value: T) {
    subs.lock().unwrap_or_else(|p| p.into_inner()).retain(|ch| ch.send(value.clone()).is_ok());
}

impl WatchChannels {
    /// Starts the background watcher (it catches up first) and the library follower, forwarding
    /// both to the subscribed windows.
    pub fn start(&self, api: &Arc<Stockroom>) {
        let watch = self.watch.clone();
        api.start_background_watching(Arc::new(move |e| send_all(&watch, e)));
        let library = self.library.clone();
        api.follow_library_changes(Arc::new(move |c| send_all(&library, c)));
    }
}

/// The window subscribes to the background watcher's events.
#[tauri::command]
pub fn follow_watch(channels: State<'_, WatchChannels>, on_event: Channel<d::WatchEvent>) {
    channels.watch.lock().unwrap_or_else(|p| p.into_inner()).push(on_event);
}

/// The window subscribes to changes any process makes to the library.
#[tauri::command]
pub fn follow_library(channels: State<'_, WatchChannels>, on_event: Channel<d::LibraryChange>) {
    channels.library.lock().unwrap_or_else(|p| p.into_inner()).push(on_event);
}
