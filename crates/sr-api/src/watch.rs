//! Watched folders through the façade: rules (checked offline against the active account's fields
//! when saved), the ledger and its actions, the desktop app's background watcher (and the CLI's
//! foreground `watch run`), and changes other processes make to the library.
//!
//! SKELETON (issue 10): signatures agreed with the CLI, the shell and the UI.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::dto::watch as d;
use crate::{ApiError, Stockroom};

impl Stockroom {
    /// Adds a watched folder; counts its folders against the inotify budget and checks its
    /// filesystem (`statfs`) to choose native watching or polling. A running watcher picks it up.
    pub async fn watch_add(&self, req: d::WatchFolderRequest) -> Result<d::WatchFolder, ApiError> {
        let _ = req;
        todo!("sr-api watch: watch_add")
    }
    pub fn watch_list(&self) -> Result<Vec<d::WatchFolder>, ApiError> {
        todo!("sr-api watch: watch_list")
    }
    pub fn watch_remove(&self, id: i64) -> Result<(), ApiError> {
        let _ = id;
        todo!("sr-api watch: watch_remove")
    }
    /// `stockroom watch remove DIR`.
    pub fn watch_remove_path(&self, path: &Path) -> Result<(), ApiError> {
        let _ = path;
        todo!("sr-api watch: watch_remove_path")
    }
    pub fn watch_set_paused(&self, id: i64, paused: bool) -> Result<d::WatchFolder, ApiError> {
        let _ = (id, paused);
        todo!("sr-api watch: watch_set_paused")
    }
    pub fn watch_status(&self) -> Result<d::WatchStatus, ApiError> {
        todo!("sr-api watch: watch_status")
    }
    pub fn watch_retry(&self, path: &str) -> Result<(), ApiError> {
        let _ = path;
        todo!("sr-api watch: watch_retry")
    }
    pub fn watch_ingest_anyway(&self, path: &str) -> Result<(), ApiError> {
        let _ = path;
        todo!("sr-api watch: watch_ingest_anyway")
    }
    pub fn watch_ignore(&self, path: &str) -> Result<(), ApiError> {
        let _ = path;
        todo!("sr-api watch: watch_ignore")
    }
    pub fn watch_settings(&self) -> Result<d::WatchSettings, ApiError> {
        todo!("sr-api watch: watch_settings")
    }
    pub fn set_watch_settings(&self, s: d::WatchSettings) -> Result<d::WatchSettings, ApiError> {
        let _ = s;
        todo!("sr-api watch: set_watch_settings")
    }
    /// The desktop app: watch in the background while it runs (catching up first). When another
    /// process holds the watcher, this keeps trying and `watch_status().held_by` says who.
    pub fn start_background_watching(&self, on_event: Arc<dyn Fn(d::WatchEvent) + Send + Sync>) {
        let _ = on_event;
        todo!("sr-api watch: start_background_watching")
    }
    pub fn stop_background_watching(&self) {
        todo!("sr-api watch: stop_background_watching")
    }
    /// `stockroom watch run`: watch on the calling thread until `stop` is set (Ctrl-C).
    pub fn watch_run(&self, on_event: &(dyn Fn(d::WatchEvent) + Sync), stop: &AtomicBool) -> Result<(), ApiError> {
        let _ = (on_event, stop);
        todo!("sr-api watch: watch_run")
    }
    /// A number that grows whenever any process commits a change to the library.
    pub fn library_version(&self) -> Result<u64, ApiError> {
        todo!("sr-api watch: library_version")
    }
    /// Calls `on_change` (from a background thread) within about a second of any change any
    /// process commits to the library.
    pub fn follow_library_changes(&self, on_change: Arc<dyn Fn(d::LibraryChange) + Send + Sync>) {
        let _ = on_change;
        todo!("sr-api watch: follow_library_changes")
    }
}
