//! Tauri commands: one-line adapters to the façade, grouped by domain. Blocking façade calls run
//! on the blocking pool so the UI thread never waits on SQLite or libav*.

pub mod library;
pub mod organise;
pub mod presets;
pub mod preview;
pub mod remote;
pub mod uploads;

use std::sync::Arc;

use sr_api::{ApiError, ErrorCode, Stockroom};
use tauri::State;

pub type Api<'a> = State<'a, Arc<Stockroom>>;

pub async fn blocking<T: Send + 'static>(
    api: &Arc<Stockroom>,
    f: impl FnOnce(&Stockroom) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let api = api.clone();
    tauri::async_runtime::spawn_blocking(move || f(&api))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The operation stopped unexpectedly: {e}")))?
}
