//! The remote account (Settings) and its catalogue.

use sr_api::{ApiError, ImagekitAccountInput, RemoteInfo};

use super::Api;
use super::uploads::UploadRunner;

type Runner<'a> = tauri::State<'a, UploadRunner>;

#[tauri::command]
pub async fn remote_info(api: Api<'_>) -> Result<RemoteInfo, ApiError> {
    api.remote_info().await
}

#[tauri::command]
pub async fn use_sandbox<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    api: Api<'_>,
    runner: Runner<'_>,
) -> Result<RemoteInfo, ApiError> {
    let info = api.use_sandbox().await?;
    runner.restart(app, api.inner().clone());
    Ok(info)
}

#[tauri::command]
pub async fn use_imagekit<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    api: Api<'_>,
    runner: Runner<'_>,
    input: ImagekitAccountInput,
) -> Result<RemoteInfo, ApiError> {
    let info = api.use_imagekit(input).await?;
    runner.restart(app, api.inner().clone());
    Ok(info)
}

/// Fetches the account's custom metadata fields and folder tree so they are there offline.
#[tauri::command]
pub async fn refresh_catalogue(api: Api<'_>) -> Result<sr_api::dto_organise::CatalogueRefresh, ApiError> {
    api.refresh_catalogue().await
}
