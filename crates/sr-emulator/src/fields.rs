//! Custom metadata field endpoints (spec §7), validated by `sr_imagekit::metadata`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use sr_imagekit::metadata::{self, FieldSchema, SchemaErrors};

use crate::error::{ApiError, ApiResult};
use crate::files::json_body;
use crate::meta;
use crate::state::AppState;
use crate::store::{self, FieldRow};

const NO_FIELD: &str = "No such custom metadata field exists";

fn field_object(f: &FieldRow) -> Value {
    let mut o = json!({"id": f.id, "name": f.name, "label": f.label, "schema": f.schema});
    if let Some(d) = &f.description {
        o["description"] = json!(d);
    }
    o
}

fn schema_error(e: SchemaErrors) -> ApiError {
    ApiError::bad(SchemaErrors::MESSAGE).with("errors", e.to_json())
}

pub async fn list(State(s): State<AppState>, Query(q): Query<Vec<(String, String)>>) -> ApiResult<Response> {
    let include_deleted = q.iter().any(|(k, v)| k == "includeDeleted" && v == "true");
    let conn = s.store.lock();
    let out: Vec<Value> =
        store::all_fields(&conn)?.iter().filter(|f| include_deleted || !f.deleted).map(field_object).collect();
    Ok(axum::Json(Value::Array(out)).into_response())
}

pub async fn create(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let raw: Value = json_body(&body)?;
    let nf = metadata::validate_new_field(&raw).map_err(schema_error)?;
    let conn = s.store.lock();
    let all = store::all_fields(&conn)?;
    if all.iter().any(|f| f.name == nf.name) {
        return Err(ApiError::bad("A custom metadata field with this name already exists"));
    }
    if all.iter().any(|f| !f.deleted && f.label == nf.label) {
        return Err(ApiError::bad("A custom metadata field with this label already exists"));
    }
    let row = meta::new_field_row(nf);
    store::put_field(&conn, &row)?;
    Ok((StatusCode::CREATED, axum::Json(field_object(&row))).into_response())
}

pub async fn update(State(s): State<AppState>, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body: Map<String, Value> = json_body(&body)?;
    let conn = s.store.lock();
    let all = store::all_fields(&conn)?;
    let mut row =
        all.iter().find(|f| f.id == id && !f.deleted).cloned().ok_or_else(|| ApiError::not_found(NO_FIELD))?;
    if !body.contains_key("label") && !body.contains_key("schema") {
        return Err(ApiError::bad("Send at least one of label or schema to update a custom metadata field."));
    }
    if let Some(l) = body.get("label") {
        let l = l.as_str().filter(|l| !l.trim().is_empty()).ok_or_else(|| {
            ApiError::bad(SchemaErrors::MESSAGE).with("errors", json!({"label": "should be a non-empty string"}))
        })?;
        if all.iter().any(|f| !f.deleted && f.id != row.id && f.label == l) {
            return Err(ApiError::bad("A custom metadata field with this label already exists"));
        }
        row.label = l.to_string();
    }
    if let Some(raw) = body.get("schema") {
        let current: FieldSchema = serde_json::from_value(row.schema.clone())
            .map_err(|e| ApiError::internal(format!("stored schema: {e}")))?;
        let schema = metadata::validate_schema(current.field_type, raw).map_err(schema_error)?;
        row.schema = serde_json::to_value(&schema).unwrap_or(Value::Null);
    }
    if let Some(d) = body.get("description") {
        row.description = match d {
            Value::String(d) if d.is_empty() => None,
            Value::String(d) if d.chars().count() <= metadata::MAX_DESCRIPTION_CHARS => Some(d.clone()),
            Value::Null => None,
            _ => {
                return Err(ApiError::bad(SchemaErrors::MESSAGE)
                    .with("errors", json!({"description": "should be a string of at most 500 characters"})));
            }
        };
    }
    store::put_field(&conn, &row)?;
    Ok(axum::Json(field_object(&row)).into_response())
}

pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let conn = s.store.lock();
    let mut row = store::all_fields(&conn)?
        .into_iter()
        .find(|f| f.id == id && !f.deleted)
        .ok_or_else(|| ApiError::not_found(NO_FIELD))?;
    row.deleted = true;
    store::put_field(&conn, &row)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
