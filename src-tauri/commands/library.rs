//! Tauri commands: one-line adapters to the façade. Blocking façade calls run on the blocking
//! pool so the UI thread never waits on SQLite or libav*.

use std::path::PathBuf;
use std::sync::Arc;

use sr_api::{ApiError, ErrorCode, Stockroom, dto};
use tauri::State;
use tauri::ipc::Channel;

type Api<'a> = State<'a, Arc<Stockroom>>;

async fn blocking<T: Send + 'static>(
    api: &Arc<Stockroom>,
    f: impl FnOnce(&Stockroom) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let api = api.clone();
    tauri::async_runtime::spawn_blocking(move || f(&api))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The operation stopped unexpectedly: {e}")))?
}

#[tauri::command]
pub async fn library_info(api: Api<'_>) -> Result<dto::LibraryInfo, ApiError> {
    blocking(&api, |s| s.info()).await
}

#[tauri::command]
pub async fn list_assets(api: Api<'_>, offset: u64, limit: u64) -> Result<dto::AssetPage, ApiError> {
    blocking(&api, move |s| s.list_assets(offset, limit)).await
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
