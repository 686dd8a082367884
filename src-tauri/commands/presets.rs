//! Channel presets and asset delivery URLs.

use sr_api::ApiError;
use sr_api::dto_presets as d;

use super::{Api, blocking};

#[tauri::command]
pub async fn presets(api: Api<'_>) -> Result<Vec<d::Preset>, ApiError> {
    blocking(&api, |s| s.presets()).await
}

#[tauri::command]
pub async fn save_preset(api: Api<'_>, name: String, tr: String) -> Result<d::Preset, ApiError> {
    blocking(&api, move |s| s.save_preset(&name, &tr)).await
}

#[tauri::command]
pub async fn delete_preset(api: Api<'_>, name: String) -> Result<(), ApiError> {
    blocking(&api, move |s| s.delete_preset(&name)).await
}

#[tauri::command]
pub async fn apply_preset(api: Api<'_>, name: String, ids: Vec<i64>) -> Result<d::PresetApplied, ApiError> {
    blocking(&api, move |s| s.apply_preset(&name, &ids)).await
}

#[tauri::command]
pub async fn remove_preset(api: Api<'_>, name: String, ids: Vec<i64>) -> Result<u64, ApiError> {
    blocking(&api, move |s| s.remove_preset(&name, &ids)).await
}

#[tauri::command]
pub async fn preset_urls(api: Api<'_>, ids: Vec<i64>, sign: bool) -> Result<Vec<d::AssetUrl>, ApiError> {
    api.preset_urls(&ids, sign).await
}

#[tauri::command]
pub async fn asset_url(api: Api<'_>, id: i64, tr: String, sign: bool) -> Result<d::AssetUrl, ApiError> {
    api.asset_url(id, &tr, sign).await
}

/// The delivery URL of an asset's HLS or DASH manifest for a ladder `tr` (`sr-…`).
#[tauri::command]
pub async fn ladder_url(
    api: Api<'_>,
    id: i64,
    tr: String,
    format: sr_api::dto_preview::LadderFormat,
    sign: bool,
) -> Result<d::AssetUrl, ApiError> {
    api.ladder_url(id, &tr, format, sign).await
}
