//! Tags, custom metadata, folders, search and undo.

use serde_json::{Map, Value};
use sr_api::ApiError;
use sr_api::dto_organise as d;

use super::{Api, blocking};

#[tauri::command]
pub async fn organisation(api: Api<'_>, id: i64) -> Result<d::AssetOrganisation, ApiError> {
    blocking(&api, move |s| s.organisation(id)).await
}

#[tauri::command]
pub async fn add_tags(api: Api<'_>, ids: Vec<i64>, tags: Vec<String>) -> Result<d::EditResult, ApiError> {
    blocking(&api, move |s| s.add_tags(&ids, &tags)).await
}

#[tauri::command]
pub async fn remove_tags(api: Api<'_>, ids: Vec<i64>, tags: Vec<String>) -> Result<d::EditResult, ApiError> {
    blocking(&api, move |s| s.remove_tags(&ids, &tags)).await
}

#[tauri::command]
pub async fn tag_suggestions(api: Api<'_>, prefix: String, limit: u64) -> Result<Vec<d::TagCount>, ApiError> {
    blocking(&api, move |s| s.tag_suggestions(&prefix, limit)).await
}

#[tauri::command]
pub async fn rename_tag(api: Api<'_>, from: String, to: String) -> Result<d::EditResult, ApiError> {
    blocking(&api, move |s| s.rename_tag(&from, &to)).await
}

#[tauri::command]
pub async fn metadata_fields(api: Api<'_>) -> Result<Vec<d::MetadataField>, ApiError> {
    blocking(&api, |s| s.metadata_fields()).await
}

#[tauri::command]
pub async fn set_metadata(api: Api<'_>, ids: Vec<i64>, values: Map<String, Value>) -> Result<d::EditResult, ApiError> {
    blocking(&api, move |s| s.set_metadata(&ids, &values)).await
}

#[tauri::command]
pub async fn unset_metadata(api: Api<'_>, ids: Vec<i64>, keys: Vec<String>) -> Result<d::EditResult, ApiError> {
    blocking(&api, move |s| s.unset_metadata(&ids, &keys)).await
}

#[tauri::command]
pub async fn check_metadata(
    api: Api<'_>,
    ids: Vec<i64>,
    values: Map<String, Value>,
) -> Result<Vec<d::FieldProblem>, ApiError> {
    blocking(&api, move |s| s.check_metadata(&ids, &values)).await
}

#[tauri::command]
pub async fn metadata_summary(api: Api<'_>, ids: Vec<i64>) -> Result<Vec<d::FieldSummary>, ApiError> {
    blocking(&api, move |s| s.metadata_summary(&ids)).await
}

#[tauri::command]
pub async fn folders(api: Api<'_>) -> Result<Vec<d::Folder>, ApiError> {
    blocking(&api, |s| s.folders()).await
}

#[tauri::command]
pub async fn set_folder(api: Api<'_>, ids: Vec<i64>, folder: String) -> Result<d::EditResult, ApiError> {
    blocking(&api, move |s| s.set_folder(&ids, &folder)).await
}

#[tauri::command]
pub async fn create_folder(api: Api<'_>, parent: String, name: String) -> Result<d::FolderChange, ApiError> {
    blocking(&api, move |s| s.create_folder(&parent, &name)).await
}

#[tauri::command]
pub async fn rename_folder(api: Api<'_>, path: String, new_name: String) -> Result<d::FolderChange, ApiError> {
    blocking(&api, move |s| s.rename_folder(&path, &new_name)).await
}

#[tauri::command]
pub async fn move_folder(api: Api<'_>, source: String, destination: String) -> Result<d::FolderChange, ApiError> {
    blocking(&api, move |s| s.move_folder(&source, &destination)).await
}

#[tauri::command]
pub async fn search(api: Api<'_>, request: d::SearchRequest) -> Result<d::SearchPage, ApiError> {
    blocking(&api, move |s| s.search(&request)).await
}

#[tauri::command]
pub async fn save_search(api: Api<'_>, name: String, request: d::SearchRequest) -> Result<(), ApiError> {
    blocking(&api, move |s| s.save_search(&name, &request)).await
}

#[tauri::command]
pub async fn saved_searches(api: Api<'_>) -> Result<Vec<d::SavedSearch>, ApiError> {
    blocking(&api, |s| s.saved_searches()).await
}

#[tauri::command]
pub async fn delete_saved_search(api: Api<'_>, name: String) -> Result<(), ApiError> {
    blocking(&api, move |s| s.delete_saved_search(&name)).await
}

#[tauri::command]
pub async fn undo_last(api: Api<'_>) -> Result<d::UndoResult, ApiError> {
    blocking(&api, |s| s.undo_last()).await
}
