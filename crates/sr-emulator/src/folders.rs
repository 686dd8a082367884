//! Folder endpoints and bulk jobs (spec §6). Jobs run synchronously; their status is `Completed`
//! (or `Pending` on the first poll when `Faults::set_first_poll_pending` is on).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::files::{create_purge, json_body, move_one, place_versions, poll_status};
use crate::ik;
use crate::state::AppState;
use crate::store::{self, new_id};

fn text<'a>(body: &'a Map<String, Value>, key: &str) -> ApiResult<&'a str> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad(format!("Missing {key} parameter.")))
}

fn folder_path(p: &str) -> ApiResult<String> {
    ik::normalize_folder(p).map_err(ApiError::bad)
}

pub async fn create(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let name = text(&body, "folderName")?;
    if name.contains('/') {
        return Err(ApiError::bad("folderName parameter cannot have a slash."));
    }
    let parent = folder_path(body.get("parentFolderPath").and_then(Value::as_str).unwrap_or("/"))?;
    let path = folder_path(&format!("{parent}{}", ik::sanitize_folder_name(name.trim())))?;
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    store::ensure_folder(&tx, &path)?;
    tx.commit()?;
    Ok((StatusCode::CREATED, axum::Json(json!({}))).into_response())
}

fn folder_exists(c: &Connection, path: &str) -> ApiResult<bool> {
    Ok(store::get_folder(c, path)?.is_some())
}

pub async fn delete(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let raw = text(&body, "folderPath")?;
    let path = folder_path(raw)?;
    let mut blobs = Vec::new();
    {
        let mut conn = s.store.lock();
        let tx = store::begin(&mut conn)?;
        if path == "/" || !folder_exists(&tx, &path)? {
            return Err(ApiError::not_found(format!("No folder found with folderPath {raw}"))
                .with("reason", "FOLDER_NOT_FOUND"));
        }
        for f in store::files_under(&tx, &path)? {
            blobs.extend(store::delete_file_rows(&tx, &f.file_id)?);
        }
        store::delete_folders_under(&tx, &path)?;
        tx.commit()?;
    }
    for b in blobs {
        let _ = std::fs::remove_file(s.store.blob_path(&b));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn new_job(c: &Connection, kind: &str, purge: Option<String>) -> ApiResult<String> {
    let id = new_id();
    c.execute(
        "INSERT INTO jobs(job_id, type, purge_request_id) VALUES(?1, ?2, ?3)",
        rusqlite::params![id, kind, purge],
    )?;
    Ok(id)
}

fn leaf(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

fn transfer(s: &AppState, body: Bytes, moving: bool) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let raw_src = text(&body, "sourceFolderPath")?;
    let src = folder_path(raw_src)?;
    let dst = folder_path(body.get("destinationPath").and_then(Value::as_str).unwrap_or(""))?;
    let versions = body
        .get("includeVersions")
        .or_else(|| body.get("includeFileVersions"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if src == dst {
        return Err(ApiError::bad("sourceFolderPath and destinationPath cannot be same."));
    }
    if dst.starts_with(&src) {
        return Err(ApiError::bad("destinationPath cannot be inside sourceFolderPath."));
    }
    let target = format!("{dst}{}/", leaf(&src));
    let mut blobs = Vec::new();
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    let files = store::files_under(&tx, &src)?;
    if src == "/" || (!folder_exists(&tx, &src)? && files.is_empty()) {
        return Err(ApiError::not_found(format!("No files & folder found at sourceFolderPath {raw_src}"))
            .with("reason", "NO_FILES_FOLDER"));
    }
    store::ensure_folder(&tx, &target)?;
    for d in store::all_folders(&tx)?.iter().filter(|d| d.path.starts_with(&src)) {
        store::ensure_folder(&tx, &format!("{target}{}", &d.path[src.len()..]))?;
    }
    for f in &files {
        let folder = format!("{target}{}", &f.folder[src.len()..]);
        if moving {
            move_one(s, &tx, f, &folder, &mut blobs)?;
        } else {
            let all = store::versions_of(&tx, &f.file_id)?;
            let vs: Vec<_> =
                if versions { all } else { all.into_iter().filter(|v| v.version_id == f.current).collect() };
            place_versions(s, &tx, &vs, &folder, &f.name)?;
        }
    }
    if moving {
        store::delete_folders_under(&tx, &src)?;
    }
    let job = new_job(&tx, if moving { "MOVE_FOLDER" } else { "COPY_FOLDER" }, None)?;
    tx.commit()?;
    drop(conn);
    for b in blobs {
        let _ = std::fs::remove_file(s.store.blob_path(&b));
    }
    Ok(axum::Json(json!({"jobId": job})).into_response())
}

pub async fn copy(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    transfer(&s, body, false)
}

pub async fn move_folder(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    transfer(&s, body, true)
}

pub async fn rename(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let raw = text(&body, "folderPath")?;
    let old = folder_path(raw)?;
    let new_name = ik::sanitize_new_folder_name(text(&body, "newFolderName")?.trim());
    let purge = body.get("purgeCache").and_then(Value::as_bool).unwrap_or(false);
    let parent = match old.trim_end_matches('/').rfind('/') {
        Some(i) => old[..=i].to_string(),
        None => "/".into(),
    };
    let new = format!("{parent}{new_name}/");
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    if old == "/" || !folder_exists(&tx, &old)? {
        return Err(
            ApiError::not_found(format!("No folder found with folderPath {raw}")).with("reason", "FOLDER_NOT_FOUND")
        );
    }
    if new != old {
        if folder_exists(&tx, &new)? {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("A folder named {new_name} already exists in {parent}."),
            )
            .with("reason", "FOLDER_ALREADY_EXISTS"));
        }
        for f in store::files_under(&tx, &old)? {
            let folder = format!("{new}{}", &f.folder[old.len()..]);
            store::update_file_location(&tx, &f.file_id, &folder, &f.name)?;
            store::touch(&tx, &f.file_id)?;
        }
        tx.execute(
            "UPDATE folders SET path = ?2 || substr(path, length(?1) + 1), updated_at = ?3 WHERE substr(path, 1, length(?1)) = ?1",
            rusqlite::params![old, new, store::now_iso()],
        )?;
    }
    let purge_id = if purge {
        Some(create_purge(&tx, &format!("{}{}*", s.endpoint(), crate::state::encode_path(old.trim_end_matches('/'))))?)
    } else {
        None
    };
    let job = new_job(&tx, "RENAME_FOLDER", purge_id)?;
    tx.commit()?;
    Ok(axum::Json(json!({"jobId": job})).into_response())
}

pub async fn job_status(State(s): State<AppState>, Path(job): Path<String>) -> ApiResult<Response> {
    let conn = s.store.lock();
    let Some(status) = poll_status(&s, &conn, "jobs", "job_id", &job)? else {
        return Err(ApiError::not_found("No bulk job found with this jobId."));
    };
    let (kind, purge): (String, Option<String>) =
        conn.query_row("SELECT type, purge_request_id FROM jobs WHERE job_id=?1", [&job], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut out = json!({"jobId": job, "type": kind, "status": status});
    if let Some(p) = purge {
        out["purgeRequestId"] = json!(p);
    }
    Ok(axum::Json(out).into_response())
}
