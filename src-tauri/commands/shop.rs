//! A published asset as the shop sees it: checking the post-transformations a publish asks for,
//! the derived outputs with their state, and Compare with the shop (progress on a Channel).

use sr_api::ApiError;
use sr_api::dto_shop as d;
use sr_api::dto_uploads::PostTransformation;
use tauri::ipc::Channel;

use super::{Api, blocking};

/// Checks the post-transformations a publish of `asset_ids` asks for, before queueing: the error
/// gives the reason and the nearest valid setting.
#[tauri::command]
pub async fn check_post_transformations(
    api: Api<'_>,
    asset_ids: Vec<i64>,
    post: Vec<PostTransformation>,
) -> Result<(), ApiError> {
    blocking(&api, move |s| s.check_post_transformations(&asset_ids, &post)).await
}

/// The derived outputs of a published asset, each with its URL and its state as the shop answers.
#[tauri::command]
pub async fn derived_outputs(api: Api<'_>, asset_id: i64) -> Result<Vec<d::DerivedOutput>, ApiError> {
    api.derived_outputs(asset_id).await
}

/// The shop's delivery of `tr` beside the local preview of it, scored.
#[tauri::command]
pub async fn compare_with_shop(
    api: Api<'_>,
    asset_id: i64,
    tr: String,
    on_event: Channel<d::CompareEvent>,
) -> Result<d::CompareReport, ApiError> {
    api.compare_with_shop(asset_id, &tr, move |e| drop(on_event.send(e))).await
}
