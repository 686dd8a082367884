//! Media library file endpoints (spec §5).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use sr_imagekit::search::{FieldRef, FieldValue, Query as SearchQuery, SearchRecord};

use crate::error::{ApiError, ApiResult};
use crate::ik;
use crate::state::AppState;
use crate::store::{self, FileRow, FolderRow, VersionRec, is_id, new_id, now_iso};
use rusqlite::Connection;

pub const FILE_MISSING: &str = "The requested file does not exist.";
pub const ASSET_MISSING: &str = "The requested asset does not exist.";
pub const FILES_MISSING: &str = "The requested file(s) does not exist.";

pub fn json_body<T: DeserializeOwned>(b: &Bytes) -> ApiResult<T> {
    let raw = if b.is_empty() { &b"{}"[..] } else { &b[..] };
    serde_json::from_slice(raw)
        .map_err(|e| ApiError::bad(format!("The request body is not valid JSON for this endpoint: {e}.")))
}

fn ok_json(v: Value) -> Response {
    axum::Json(v).into_response()
}

fn check_id(id: &str) -> ApiResult<()> {
    if is_id(id) { Ok(()) } else { Err(ApiError::bad("Your request contains invalid fileId parameter.")) }
}

fn load(c: &Connection, id: &str) -> ApiResult<(FileRow, VersionRec)> {
    check_id(id)?;
    let f = store::get_file(c, id)?.ok_or_else(|| ApiError::not_found(FILE_MISSING))?;
    let v = store::get_version(c, &f.current)?.ok_or_else(|| ApiError::not_found(FILE_MISSING))?;
    Ok((f, v))
}

fn iso_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp_millis())
}

// ---------------------------------------------------------------------------------------------
// List and search
// ---------------------------------------------------------------------------------------------

enum Rec<'a> {
    File(&'a FileRow, &'a VersionRec),
    Folder(&'a FolderRow),
}

impl Rec<'_> {
    fn created(&self) -> (String, i64) {
        match self {
            Rec::File(f, v) if f.current == v.version_id => (f.created_at.clone(), f.seq),
            Rec::File(f, v) => (v.created_at.clone(), f.seq),
            Rec::Folder(d) => (d.created_at.clone(), d.seq),
        }
    }
    fn name(&self) -> &str {
        match self {
            Rec::File(f, _) => &f.name,
            Rec::Folder(d) => d.path.trim_end_matches('/').rsplit('/').next().unwrap_or(""),
        }
    }
    /// What `sort=<ASC|DESC>_<key>` orders by (ties: creation order).
    fn sort_key(&self, key: &str) -> SortKey {
        let num = |n: Option<u32>| SortKey::Num(n.unwrap_or(0) as f64);
        match (key, self) {
            ("NAME", r) => SortKey::Text(r.name().to_string()),
            ("UPDATED", Rec::File(_, v)) => SortKey::Text(v.updated_at.clone()),
            ("UPDATED", Rec::Folder(d)) => SortKey::Text(d.updated_at.clone()),
            ("HEIGHT", Rec::File(_, v)) => num(v.height),
            ("WIDTH", Rec::File(_, v)) => num(v.width),
            ("SIZE", Rec::File(_, v)) => SortKey::Num(v.size as f64),
            ("HEIGHT" | "WIDTH" | "SIZE", Rec::Folder(_)) => SortKey::Num(0.0),
            _ => SortKey::Text(self.created().0),
        }
    }
    fn seq(&self) -> i64 {
        match self {
            Rec::File(f, _) => f.seq,
            Rec::Folder(d) => d.seq,
        }
    }
    fn folder(&self) -> String {
        match self {
            Rec::File(f, _) => f.folder.clone(),
            Rec::Folder(d) => {
                let t = d.path.trim_end_matches('/');
                match t.rfind('/') {
                    Some(i) => t[..=i].to_string(),
                    None => "/".into(),
                }
            }
        }
    }
}

/// A listing's sort key: text (names, ISO stamps) or a number.
#[derive(Debug, PartialEq)]
enum SortKey {
    Text(String),
    Num(f64),
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Num(a), SortKey::Num(b)) => a.total_cmp(b),
            (SortKey::Text(_), SortKey::Num(_)) => std::cmp::Ordering::Greater,
            (SortKey::Num(_), SortKey::Text(_)) => std::cmp::Ordering::Less,
        }
    }
}

/// A listing match, read again when it is on the page.
enum Hit {
    Version(String),
    Folder(usize),
}

impl SearchRecord for Rec<'_> {
    fn field(&self, field: &FieldRef) -> FieldValue {
        let text = |s: &str| FieldValue::Text(s.to_string());
        let num = |n: Option<u32>| n.map_or(FieldValue::Missing, |n| FieldValue::Number(n as f64));
        match self {
            Rec::Folder(d) => match field {
                FieldRef::Name => text(d.path.trim_end_matches('/').rsplit('/').next().unwrap_or("")),
                FieldRef::Type => text("folder"),
                FieldRef::Id => text(&d.folder_id),
                FieldRef::CreatedAt => iso_ms(&d.created_at).map_or(FieldValue::Missing, FieldValue::Time),
                FieldRef::UpdatedAt => iso_ms(&d.updated_at).map_or(FieldValue::Missing, FieldValue::Time),
                FieldRef::Path => text(&self.folder()),
                _ => FieldValue::Missing,
            },
            Rec::File(f, v) => match field {
                FieldRef::Name => text(&f.name),
                FieldRef::Tags => {
                    let mut items: Vec<FieldValue> =
                        v.tags.iter().flatten().map(|t| FieldValue::Text(t.clone())).collect();
                    for a in v.ai_tags.iter().flatten() {
                        if let Some(n) = a.get("name").and_then(Value::as_str) {
                            items.push(FieldValue::Text(n.to_string()));
                        }
                    }
                    FieldValue::List(items)
                }
                FieldRef::Type => text(if f.current == v.version_id { "file" } else { "file-version" }),
                FieldRef::Id => text(&f.file_id),
                FieldRef::CreatedAt => iso_ms(&self.created().0).map_or(FieldValue::Missing, FieldValue::Time),
                FieldRef::UpdatedAt => iso_ms(&v.updated_at).map_or(FieldValue::Missing, FieldValue::Time),
                FieldRef::Width => num(v.width),
                FieldRef::Height => num(v.height),
                FieldRef::Size => FieldValue::Number(v.size as f64),
                FieldRef::Format => text(&v.format),
                FieldRef::Private => FieldValue::Bool(v.is_private),
                FieldRef::Published => FieldValue::Bool(v.is_published),
                FieldRef::Transparency => v.has_alpha.map_or(FieldValue::Missing, FieldValue::Bool),
                FieldRef::CreatedBy => FieldValue::Missing,
                FieldRef::Path => text(&f.folder),
                FieldRef::Custom(name) => {
                    v.custom_metadata.get(name).map_or(FieldValue::Missing, FieldValue::from_json)
                }
                FieldRef::Embedded(_) => FieldValue::Missing,
            },
        }
    }
}

fn mentions_type(e: &sr_imagekit::search::Expr) -> bool {
    use sr_imagekit::search::Expr;
    match e {
        Expr::Or(v) | Expr::And(v) => v.iter().any(mentions_type),
        Expr::Cond(c) => c.field == FieldRef::Type,
    }
}

pub async fn list(State(s): State<AppState>, Query(params): Query<Vec<(String, String)>>) -> ApiResult<Response> {
    let get = |k: &str| params.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let ty = get("type").unwrap_or("file");
    if !matches!(ty, "file" | "file-version" | "folder" | "all") {
        return Err(ApiError::bad("Invalid type parameter. Use file, file-version, folder or all."));
    }
    let file_type = get("fileType").unwrap_or("all");
    if !matches!(file_type, "all" | "image" | "non-image") {
        return Err(ApiError::bad("Invalid fileType parameter. Use all, image or non-image."));
    }
    let sort = get("sort").unwrap_or("ASC_CREATED").to_string();
    let (desc, key) = match sort.split_once('_') {
        Some(("ASC", k)) => (false, k.to_string()),
        Some(("DESC", k)) => (true, k.to_string()),
        _ => return Err(ApiError::bad(format!("Invalid sort parameter {sort}."))),
    };
    if !matches!(key.as_str(), "NAME" | "CREATED" | "UPDATED" | "HEIGHT" | "WIDTH" | "SIZE" | "RELEVANCE") {
        return Err(ApiError::bad(format!("Invalid sort parameter {sort}.")));
    }
    let limit: usize = match get("limit") {
        None => 1000,
        Some(l) => l
            .parse()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| ApiError::bad("Invalid limit parameter. It must be a whole number from 1 to 1000."))?,
    };
    let skip: usize = match get("skip") {
        None => 0,
        Some(l) => {
            l.parse().map_err(|_| ApiError::bad("Invalid skip parameter. It must be a whole number, 0 or more."))?
        }
    };
    let path = match get("path") {
        Some(p) if !p.trim().is_empty() => Some(ik::normalize_folder(p).map_err(ApiError::bad)?),
        _ => None,
    };

    let conn = s.store.lock();
    let fields = store::all_fields(&conn)?;
    let search = match get("searchQuery").filter(|q| !q.trim().is_empty()) {
        Some(q) => Some(
            SearchQuery::parse_with_fields(q, &crate::meta::defs(&fields)).map_err(|e| ApiError::bad(e.to_string()))?,
        ),
        None => None,
    };
    let (want_files, want_versions, want_folders) = match &search {
        Some(q) if mentions_type(&q.expr) => (true, true, true),
        Some(_) => (true, false, false),
        None => match ty {
            "file" => (true, false, false),
            "file-version" => (false, true, false),
            "folder" => (false, false, true),
            _ => (true, false, true),
        },
    };
    let now = chrono::Utc::now().timestamp();
    let tags_filter: Option<Vec<String>> = get("tags").map(ik::split_tags).filter(|t| !t.is_empty());
    let name_filter = get("name").filter(|n| !n.is_empty());
    let keep = |r: &Rec| -> bool {
        if let Some(p) = &path
            && &r.folder() != p
        {
            return false;
        }
        if let Rec::File(_, v) = r {
            if file_type != "all" && v.file_type != file_type {
                return false;
            }
        } else if file_type != "all" && search.is_none() {
            return false;
        }
        match &search {
            Some(q) => q.matches(r, now),
            None => {
                if let Some(tags) = &tags_filter {
                    let Rec::File(_, v) = r else { return false };
                    if !v.tags.iter().flatten().any(|t| tags.contains(t)) {
                        return false;
                    }
                }
                if let Some(n) = name_filter
                    && r.name() != n
                {
                    return false;
                }
                true
            }
        }
    };
    // Only the sort key of each match is kept (a listing of 50,000 files holds 50,000 keys, not
    // 50,000 records); the page's records are read again at the end.
    let mut hits: Vec<(SortKey, i64, Hit)> = Vec::new();
    let mut consider = |r: &Rec, hit: Hit| {
        if keep(r) {
            hits.push((r.sort_key(&key), r.seq(), hit));
        }
    };
    if want_versions {
        for f in store::all_files(&conn)? {
            for v in store::versions_of(&conn, &f.file_id)? {
                let current = f.current == v.version_id;
                if want_files || !current {
                    consider(&Rec::File(&f, &v), Hit::Version(v.version_id.clone()));
                }
            }
        }
    } else if want_files {
        store::for_each_current(&conn, |f, v| consider(&Rec::File(&f, &v), Hit::Version(v.version_id.clone())))?;
    }
    let folders = if want_folders { store::all_folders(&conn)? } else { Vec::new() };
    for (i, d) in folders.iter().enumerate() {
        consider(&Rec::Folder(d), Hit::Folder(i));
    }
    hits.sort_by(|a, b| {
        let ord = a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1));
        if desc { ord.reverse() } else { ord }
    });
    let mut out: Vec<Value> = Vec::new();
    for (_, _, hit) in hits.into_iter().skip(skip).take(limit) {
        match hit {
            Hit::Folder(i) => out.push(s.folder_object(&folders[i])),
            Hit::Version(vid) => {
                if let Some(v) = store::get_version(&conn, &vid)?
                    && let Some(f) = store::get_file(&conn, &v.file_id)?
                {
                    out.push(s.file_object(&f, &v));
                }
            }
        }
    }
    drop(conn);
    Ok(ok_json(Value::Array(out)))
}

// ---------------------------------------------------------------------------------------------
// Details
// ---------------------------------------------------------------------------------------------

pub async fn details(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let conn = s.store.lock();
    let (f, v) = load(&conn, &id)?;
    Ok(ok_json(s.file_object(&f, &v)))
}

const DETAIL_KEYS: &[&str] =
    &["tags", "removeAITags", "customCoordinates", "customMetadata", "description", "extensions", "webhookUrl"];

fn string_list(v: &Value, what: &str) -> ApiResult<Vec<String>> {
    let bad = || ApiError::bad(format!("Invalid {what} parameter. Send an array of strings."));
    v.as_array().ok_or_else(bad)?.iter().map(|t| t.as_str().map(str::to_string).ok_or_else(bad)).collect()
}

pub async fn update(State(s): State<AppState>, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    let (f, mut v) = load(&tx, &id)?;
    let has_details = DETAIL_KEYS.iter().any(|k| body.contains_key(*k));
    let now = now_iso();
    let mut ext_status = None;
    if let Some(publish) = body.get("publish") {
        if has_details {
            return Err(ApiError::bad(
                "Send either publish or file details (tags, customMetadata, ...) in one request, not both.",
            ));
        }
        let Some(is_published) = publish.get("isPublished").and_then(Value::as_bool) else {
            return Err(ApiError::bad("Invalid publish parameter. publish.isPublished (true or false) is required."));
        };
        let all = publish.get("includeFileVersions").and_then(Value::as_bool).unwrap_or(false);
        let targets = if all { store::versions_of(&tx, &f.file_id)? } else { vec![v.clone()] };
        for mut t in targets {
            t.is_published = is_published;
            t.updated_at = now.clone();
            store::put_version(&tx, &t)?;
        }
        v = store::get_version(&tx, &f.current)?.ok_or_else(|| ApiError::not_found(FILE_MISSING))?;
    } else {
        if let Some(t) = body.get("tags") {
            v.tags = if t.is_null() {
                None
            } else {
                let tags = string_list(t, "tags")?;
                ik::validate_tags(&tags).map_err(ApiError::bad)?;
                Some(tags)
            };
        }
        if let Some(r) = body.get("removeAITags") {
            if r.as_str() == Some("all") {
                v.ai_tags = v.ai_tags.take().map(|_| vec![]);
            } else {
                let names = string_list(r, "removeAITags")?;
                if let Some(ai) = v.ai_tags.as_mut() {
                    ai.retain(|a| !a.get("name").and_then(Value::as_str).is_some_and(|n| names.iter().any(|x| x == n)));
                }
            }
        }
        if let Some(c) = body.get("customCoordinates") {
            v.custom_coordinates = match c {
                Value::Null => None,
                Value::String(c) if crate::upload::valid_coordinates(c) => Some(c.replace(' ', "")),
                _ => {
                    return Err(ApiError::bad(
                        "Invalid customCoordinates parameter. Send x,y,width,height as whole numbers, or null.",
                    ));
                }
            };
        }
        if let Some(m) = body.get("customMetadata") {
            let m =
                m.as_object().ok_or_else(|| ApiError::bad("Invalid customMetadata parameter. Send a JSON object."))?;
            let fields = store::all_fields(&tx)?;
            v.custom_metadata = crate::meta::apply(&fields, &v.custom_metadata, m, false)?;
        }
        if let Some(d) = body.get("description") {
            v.description = match d {
                Value::Null => None,
                Value::String(d) => Some(d.clone()),
                _ => return Err(ApiError::bad("Invalid description parameter. Send a string.")),
            };
        }
        if let Some(e) = body.get("extensions") {
            let exts = e.as_array().ok_or_else(|| ApiError::bad("Invalid extensions parameter. Send an array."))?;
            let st = crate::upload::extension_status(exts);
            if st.keys().any(|k| k.ends_with("auto-tagging")) && v.ai_tags.is_none() {
                v.ai_tags = Some(vec![]);
            }
            ext_status = Some(st);
        }
        v.updated_at = now;
        store::put_version(&tx, &v)?;
    }
    tx.commit()?;
    let mut obj = s.file_object(&f, &v);
    if let (Some(st), Some(o)) = (ext_status, obj.as_object_mut()) {
        o.insert("extensionStatus".into(), Value::Object(st));
    }
    Ok(ok_json(obj))
}

fn remove_blobs(s: &AppState, blobs: Vec<String>) {
    for b in blobs {
        let _ = std::fs::remove_file(s.store.blob_path(&b));
    }
}

pub async fn delete_file(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let blobs = {
        let mut conn = s.store.lock();
        let tx = store::begin(&mut conn)?;
        let (f, _) = load(&tx, &id)?;
        let blobs = store::delete_file_rows(&tx, &f.file_id)?;
        tx.commit()?;
        blobs
    };
    remove_blobs(&s, blobs);
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn file_ids(body: &Map<String, Value>, max: usize) -> ApiResult<Vec<String>> {
    let ids = body.get("fileIds").ok_or_else(|| ApiError::bad("Missing fileIds parameter."))?;
    let ids = string_list(ids, "fileIds")?;
    if ids.is_empty() {
        return Err(ApiError::bad("Invalid fileIds parameter. Send at least one fileId."));
    }
    if ids.len() > max {
        return Err(ApiError::bad(format!("Too many fileIds: at most {max} per request, got {}.", ids.len())));
    }
    Ok(ids)
}

fn missing_ids(c: &Connection, ids: &[String]) -> ApiResult<Vec<String>> {
    let mut missing = Vec::new();
    for id in ids {
        if !is_id(id) || store::get_file(c, id)?.is_none() {
            missing.push(id.clone());
        }
    }
    Ok(missing)
}

fn missing_error(missing: Vec<String>) -> ApiError {
    ApiError::not_found(FILES_MISSING).with("missingFileIds", json!(missing))
}

pub async fn bulk_delete(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let ids = file_ids(&body, 100)?;
    let mut blobs = Vec::new();
    {
        let mut conn = s.store.lock();
        let tx = store::begin(&mut conn)?;
        let missing = missing_ids(&tx, &ids)?;
        if !missing.is_empty() {
            return Err(missing_error(missing));
        }
        for id in &ids {
            blobs.extend(store::delete_file_rows(&tx, id)?);
        }
        tx.commit()?;
    }
    remove_blobs(&s, blobs);
    Ok(ok_json(json!({"successfullyDeletedFileIds": ids})))
}

// ---------------------------------------------------------------------------------------------
// Copy, move, rename
// ---------------------------------------------------------------------------------------------

fn split_path(p: &str) -> (String, String) {
    let p = if p.starts_with('/') { p.to_string() } else { format!("/{p}") };
    let i = p.rfind('/').unwrap_or(0);
    (p[..=i].to_string(), p[i + 1..].to_string())
}

fn source_file(c: &Connection, path: &str) -> ApiResult<FileRow> {
    let (folder, name) = split_path(path);
    store::get_file_at(c, &folder, &name)?.ok_or_else(|| {
        ApiError::not_found(format!("No file found with filePath {path}")).with("reason", "SOURCE_FILE_MISSING")
    })
}

fn link_blob(s: &AppState, from: &str) -> ApiResult<String> {
    let to = new_id();
    let (a, b) = (s.store.blob_path(from), s.store.blob_path(&to));
    if std::fs::hard_link(&a, &b).is_err() {
        std::fs::copy(&a, &b)?;
    }
    Ok(to)
}

/// Appends copies of `versions` (in order) to `dest` (an existing file) or to a new file at
/// `folder`/`name`. Returns the destination file id.
pub fn place_versions(
    s: &AppState,
    c: &Connection,
    versions: &[VersionRec],
    folder: &str,
    name: &str,
) -> ApiResult<String> {
    store::ensure_folder(c, folder)?;
    let now = now_iso();
    let (file_id, mut number, new_file) = match store::get_file_at(c, folder, name)? {
        Some(d) => {
            let existing = store::versions_of(c, &d.file_id)?;
            if existing.len() + versions.len() > crate::upload::MAX_VERSIONS {
                return Err(ApiError::bad(format!(
                    "{}{name} would have more than {} versions. Delete old versions first.",
                    folder,
                    crate::upload::MAX_VERSIONS
                )));
            }
            (d.file_id, existing.iter().map(|v| v.number).max().unwrap_or(0), false)
        }
        None => (new_id(), 0, true),
    };
    let mut last = String::new();
    for v in versions {
        number += 1;
        let mut nv = v.clone();
        nv.version_id = if new_file && number == 1 { file_id.clone() } else { new_id() };
        nv.file_id = file_id.clone();
        nv.number = number;
        nv.blob = link_blob(s, &v.blob)?;
        nv.created_at = now.clone();
        nv.updated_at = now.clone();
        if new_file && number == 1 {
            store::insert_file(
                c,
                &FileRow {
                    file_id: file_id.clone(),
                    folder: folder.to_string(),
                    name: name.to_string(),
                    current: nv.version_id.clone(),
                    created_at: now.clone(),
                    seq: store::next_seq(c)?,
                },
            )?;
        }
        store::put_version(c, &nv)?;
        last = nv.version_id;
    }
    store::set_current(c, &file_id, &last)?;
    Ok(file_id)
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CopyBody {
    source_file_path: Option<String>,
    destination_path: Option<String>,
    #[serde(default)]
    include_file_versions: bool,
}

fn copy_args(b: &Bytes) -> ApiResult<(String, String, bool)> {
    let body: CopyBody = json_body(b)?;
    let src = body
        .source_file_path
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::bad("Missing sourceFilePath parameter."))?;
    let dst = body.destination_path.ok_or_else(|| ApiError::bad("Missing destinationPath parameter."))?;
    let dst = ik::normalize_folder(&dst).map_err(ApiError::bad)?;
    Ok((src, dst, body.include_file_versions))
}

pub async fn copy(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let (src, dst, all) = copy_args(&body)?;
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    let f = source_file(&tx, &src)?;
    let versions = store::versions_of(&tx, &f.file_id)?;
    let versions: Vec<VersionRec> =
        if all { versions } else { versions.into_iter().filter(|v| v.version_id == f.current).collect() };
    if f.folder == dst && all {
        return Err(ApiError::bad("The source and destination are the same file."));
    }
    place_versions(&s, &tx, &versions, &dst, &f.name)?;
    tx.commit()?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn move_file(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let (src, dst, _) = copy_args(&body)?;
    let mut blobs = Vec::new();
    {
        let mut conn = s.store.lock();
        let tx = store::begin(&mut conn)?;
        let f = source_file(&tx, &src)?;
        if f.folder != dst {
            move_one(&s, &tx, &f, &dst, &mut blobs)?;
        }
        tx.commit()?;
    }
    remove_blobs(&s, blobs);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Moves `f` into `dst`: relocates it, or appends its versions to a same-name file there.
pub fn move_one(s: &AppState, c: &Connection, f: &FileRow, dst: &str, blobs: &mut Vec<String>) -> ApiResult<()> {
    store::ensure_folder(c, dst)?;
    if store::get_file_at(c, dst, &f.name)?.is_some() {
        let versions = store::versions_of(c, &f.file_id)?;
        place_versions(s, c, &versions, dst, &f.name)?;
        blobs.extend(store::delete_file_rows(c, &f.file_id)?);
    } else {
        store::update_file_location(c, &f.file_id, dst, &f.name)?;
        store::touch(c, &f.file_id)?;
    }
    Ok(())
}

pub fn create_purge(c: &Connection, url: &str) -> ApiResult<String> {
    let id = new_id();
    c.execute("INSERT INTO purges(request_id, url) VALUES(?1, ?2)", rusqlite::params![id, url])?;
    Ok(id)
}

pub async fn rename(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let path = body
        .get("filePath")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::bad("Missing filePath parameter."))?;
    let new_name = body
        .get("newFileName")
        .and_then(Value::as_str)
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| ApiError::bad("Missing newFileName parameter."))?;
    let purge = body.get("purgeCache").and_then(Value::as_bool).unwrap_or(false);
    let new_name = ik::sanitize_file_name(new_name.trim());
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    let (folder, name) = split_path(path);
    let f = store::get_file_at(&tx, &folder, &name)?.ok_or_else(|| {
        ApiError::not_found(format!("No file found in media library at filePath {path}")).with("reason", "FILE_MISSING")
    })?;
    if new_name != f.name && store::get_file_at(&tx, &folder, &new_name)?.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("File with name {new_name} already exists at the same location."),
        )
        .with("reason", "FILE_ALREADY_EXISTS"));
    }
    if new_name != f.name {
        store::update_file_location(&tx, &f.file_id, &folder, &new_name)?;
        store::touch(&tx, &f.file_id)?;
    }
    let out = if purge {
        let rid = create_purge(&tx, &format!("{}*", s.file_url(&f.path())))?;
        json!({"purgeRequestId": rid})
    } else {
        json!({})
    };
    tx.commit()?;
    Ok(ok_json(out))
}

// ---------------------------------------------------------------------------------------------
// Bulk tags
// ---------------------------------------------------------------------------------------------

enum TagOp {
    Add,
    Remove,
    RemoveAi,
}

fn bulk_tags(s: &AppState, body: &Bytes, op: TagOp) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(body)?;
    let ids = file_ids(&body, 50)?;
    let key = if matches!(op, TagOp::RemoveAi) { "AITags" } else { "tags" };
    let tags = string_list(body.get(key).ok_or_else(|| ApiError::bad(format!("Missing {key} parameter.")))?, key)?;
    if tags.is_empty() {
        return Err(ApiError::bad(format!("Invalid {key} parameter. Send at least one tag.")));
    }
    if matches!(op, TagOp::Add) {
        ik::validate_tags(&tags).map_err(ApiError::bad)?;
    }
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    let missing = missing_ids(&tx, &ids)?;
    if !missing.is_empty() {
        return Err(missing_error(missing));
    }
    let now = now_iso();
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for id in &ids {
        let (_, mut v) = load(&tx, id)?;
        match op {
            TagOp::Add => {
                let mut t = v.tags.clone().unwrap_or_default();
                for tag in &tags {
                    if !t.contains(tag) {
                        t.push(tag.clone());
                    }
                }
                if let Err(e) = ik::validate_tags(&t) {
                    errors.push(json!({"fileId": id, "error": e}));
                    continue;
                }
                v.tags = Some(t);
            }
            TagOp::Remove => {
                if let Some(t) = v.tags.as_mut() {
                    t.retain(|x| !tags.contains(x));
                }
                if v.tags.as_ref().is_some_and(|t| t.is_empty()) {
                    v.tags = None;
                }
            }
            TagOp::RemoveAi => {
                if let Some(ai) = v.ai_tags.as_mut() {
                    ai.retain(|a| !a.get("name").and_then(Value::as_str).is_some_and(|n| tags.iter().any(|x| x == n)));
                }
            }
        }
        v.updated_at = now.clone();
        store::put_version(&tx, &v)?;
        ok.push(id.clone());
    }
    tx.commit()?;
    if errors.is_empty() {
        Ok(ok_json(json!({"successfullyUpdatedFileIds": ok})))
    } else {
        Ok((StatusCode::MULTI_STATUS, axum::Json(json!({"successfullyUpdatedFileIds": ok, "errors": errors})))
            .into_response())
    }
}

pub async fn add_tags(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    bulk_tags(&s, &body, TagOp::Add)
}
pub async fn remove_tags(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    bulk_tags(&s, &body, TagOp::Remove)
}
pub async fn remove_ai_tags(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    bulk_tags(&s, &body, TagOp::RemoveAi)
}

// ---------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------

fn load_asset(c: &Connection, id: &str) -> ApiResult<FileRow> {
    check_id(id)?;
    store::get_file(c, id)?.ok_or_else(|| ApiError::not_found(ASSET_MISSING))
}

fn version_of(c: &Connection, f: &FileRow, vid: &str, missing: &str) -> ApiResult<VersionRec> {
    store::get_version(c, vid)?.filter(|v| v.file_id == f.file_id).ok_or_else(|| ApiError::not_found(missing))
}

pub async fn versions(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let conn = s.store.lock();
    let f = load_asset(&conn, &id)?;
    let list: Vec<Value> = store::versions_of(&conn, &f.file_id)?.iter().map(|v| s.file_object(&f, v)).collect();
    Ok(ok_json(Value::Array(list)))
}

pub async fn version(State(s): State<AppState>, Path((id, vid)): Path<(String, String)>) -> ApiResult<Response> {
    let conn = s.store.lock();
    let f = load_asset(&conn, &id)?;
    let v = version_of(&conn, &f, &vid, ASSET_MISSING)?;
    Ok(ok_json(s.file_object(&f, &v)))
}

pub async fn delete_version(State(s): State<AppState>, Path((id, vid)): Path<(String, String)>) -> ApiResult<Response> {
    let blob = {
        let mut conn = s.store.lock();
        let tx = store::begin(&mut conn)?;
        let f = load_asset(&tx, &id)?;
        let v = version_of(&tx, &f, &vid, "The requested file version does not exist.")?;
        if v.version_id == f.current {
            return Err(ApiError::bad("You cannot delete current version of a file."));
        }
        store::delete_version(&tx, &v.version_id)?;
        tx.commit()?;
        v.blob
    };
    remove_blobs(&s, vec![blob]);
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn restore_version(
    State(s): State<AppState>,
    Path((id, vid)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut conn = s.store.lock();
    let tx = store::begin(&mut conn)?;
    check_id(&id)?;
    let mut f = store::get_file(&tx, &id)?.ok_or_else(|| ApiError::not_found(FILE_MISSING))?;
    let mut v = version_of(&tx, &f, &vid, "The requested file version does not exist.")?;
    v.updated_at = now_iso();
    store::put_version(&tx, &v)?;
    store::set_current(&tx, &f.file_id, &v.version_id)?;
    tx.commit()?;
    f.current = v.version_id.clone();
    Ok(ok_json(s.file_object(&f, &v)))
}

// ---------------------------------------------------------------------------------------------
// Metadata and purge
// ---------------------------------------------------------------------------------------------

pub async fn file_metadata(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let conn = s.store.lock();
    let (_, v) = load(&conn, &id)?;
    Ok(ok_json(s.metadata_object(&v)))
}

/// The stored file a delivery URL of this account points at (transformations ignored).
pub fn file_for_url(s: &AppState, c: &Connection, url: &str) -> ApiResult<Option<(FileRow, VersionRec)>> {
    let prefix = format!("{}/", s.endpoint());
    let Some(rest) = url.strip_prefix(&prefix) else { return Ok(None) };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = crate::delivery::strip_tr(path);
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy().to_string();
    let (folder, name) = split_path(&decoded);
    let Some(f) = store::get_file_at(c, &folder, &name)? else { return Ok(None) };
    let vid = query.split('&').find_map(|kv| kv.strip_prefix("ik-obj-version=")).unwrap_or(&f.current).to_string();
    Ok(store::get_version(c, &vid)?.filter(|v| v.file_id == f.file_id).map(|v| (f, v)))
}

pub async fn url_metadata(
    State(s): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let url = params.iter().find(|(k, _)| k == "url").map(|(_, v)| v.clone()).unwrap_or_default();
    let conn = s.store.lock();
    match file_for_url(&s, &conn, &url)? {
        Some((_, v)) => Ok(ok_json(s.metadata_object(&v))),
        None => Err(ApiError::bad(format!("{url} should be accessible using your ImageKit.io account."))),
    }
}

fn valid_purge_url(s: &AppState, url: &str) -> bool {
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(char::is_whitespace) {
        return false;
    }
    let Some(star) = url.find('*') else { return true };
    if star != url.len() - 1 {
        return false;
    }
    let prefix = format!("{}/", s.endpoint());
    let path = url.strip_prefix(&prefix).unwrap_or_else(|| url.split_once("://").map(|(_, r)| r).unwrap_or(url));
    let path = path.trim_end_matches('*');
    let depth = path.split('/').filter(|p| !p.is_empty()).count();
    let has_ext = path.rsplit('/').next().is_some_and(|n| n.contains('.'));
    depth >= 2 || path.len() >= 15 || has_ext
}

pub async fn purge(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let url = body.get("url").and_then(Value::as_str).unwrap_or("");
    if !valid_purge_url(&s, url) {
        return Err(ApiError::bad("Invalid url"));
    }
    let id = create_purge(&s.store.lock(), url)?;
    Ok((StatusCode::CREATED, axum::Json(json!({"requestId": id}))).into_response())
}

/// Counts a status poll; `Pending` on the first one when the faults say so.
pub fn poll_status(s: &AppState, c: &Connection, table: &str, key: &str, id: &str) -> ApiResult<Option<&'static str>> {
    let polls: Option<i64> = rusqlite::OptionalExtension::optional(c.query_row(
        &format!("SELECT polls FROM {table} WHERE {key}=?1"),
        [id],
        |r| r.get(0),
    ))?;
    let Some(polls) = polls else { return Ok(None) };
    c.execute(&format!("UPDATE {table} SET polls = polls + 1 WHERE {key}=?1"), [id])?;
    Ok(Some(if polls == 0 && s.faults.first_poll_pending() { "Pending" } else { "Completed" }))
}

pub async fn purge_status(State(s): State<AppState>, Path(rid): Path<String>) -> ApiResult<Response> {
    let conn = s.store.lock();
    match poll_status(&s, &conn, "purges", "request_id", &rid)? {
        Some(st) => Ok(ok_json(json!({"status": st}))),
        None => Err(ApiError::bad("No request found for this requestId.")),
    }
}
