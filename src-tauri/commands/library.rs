//! Library commands: what the library is, one asset, import.

use std::path::PathBuf;

use sr_api::{ApiError, dto};
use tauri::ipc::Channel;

use super::{Api, blocking};

#[tauri::command]
pub async fn library_info(api: Api<'_>) -> Result<dto::LibraryInfo, ApiError> {
    blocking(&api, |s| s.info()).await
}

#[tauri::command]
pub async fn get_asset(api: Api<'_>, id: i64) -> Result<dto::Asset, ApiError> {
    blocking(&api, move |s| s.asset(id)).await
}

#[tauri::command]
pub async fn import_paths(
    api: Api<'_>,
    paths: Vec<PathBuf>,
    on_event: Channel<dto::ImportEvent>,
) -> Result<dto::ImportReport, ApiError> {
    blocking(&api, move |s| s.import(&paths, true, &|e| drop(on_event.send(e)))).await
}

/// Stops the imports running now (what was imported stays); `true` when one was running.
#[tauri::command]
pub fn cancel_imports(api: Api<'_>) -> bool {
    api.cancel_imports() > 0
}
