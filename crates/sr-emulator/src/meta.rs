//! Custom metadata fields and the values on assets, validated by `sr_imagekit::metadata` so that the
//! offline library and the emulator accept and refuse exactly the same values (spec §7.4).
//!
//! Under `state`, which seeds the demo fields when it opens; over `store`.

use serde_json::{Map, Value, json};
use sr_imagekit::metadata::{self, ApplyMode, FieldDef, FieldSchema, MetadataError, NewField};

use crate::error::{ApiError, ApiResult};
use crate::store::{self, FieldRow, Store, new_id};

/// The stored row of a field just validated, under a new id.
pub fn new_field_row(nf: NewField) -> FieldRow {
    FieldRow {
        id: new_id(),
        name: nf.name,
        label: nf.label,
        schema: serde_json::to_value(&nf.schema).unwrap_or(Value::Null),
        description: nf.description,
        deleted: false,
    }
}

/// Creates the demo fields that do not exist yet (by name).
pub fn seed_demo_fields(store: &Store) -> Result<(), crate::EmulatorError> {
    let conn = store.lock();
    let existing = store::all_fields(&conn)?;
    for f in metadata::demo_fields() {
        if existing.iter().any(|e| e.name == f.name) {
            continue;
        }
        store::put_field(&conn, &new_field_row(f))?;
    }
    Ok(())
}

/// The live (non-deleted) fields as the shared validator's type.
pub fn defs(fields: &[FieldRow]) -> Vec<FieldDef> {
    fields
        .iter()
        .filter(|f| !f.deleted)
        .filter_map(|f| {
            let schema: FieldSchema = serde_json::from_value(f.schema.clone()).ok()?;
            Some(FieldDef {
                id: f.id.clone(),
                name: f.name.clone(),
                label: f.label.clone(),
                schema,
                description: f.description.clone(),
            })
        })
        .collect()
}

/// Merges `incoming` into `current`. `upload` selects upload semantics (null = no value) over
/// update semantics (null unsets). A 400 lists every problem; `errors` maps field name to message.
pub fn apply(
    fields: &[FieldRow],
    current: &Map<String, Value>,
    incoming: &Map<String, Value>,
    upload: bool,
) -> ApiResult<Map<String, Value>> {
    let mode = if upload { ApplyMode::Upload } else { ApplyMode::Update };
    metadata::apply_metadata(&defs(fields), current, incoming, mode).map_err(|errs| {
        let mut by_field = Map::new();
        for e in &errs.errors {
            let key = match e {
                MetadataError::UnknownField { key } => key.clone(),
                MetadataError::Invalid(v) => v.name.clone(),
                MetadataError::Required { name, .. } | MetadataError::CannotClearRequired { name, .. } => name.clone(),
            };
            by_field.insert(key, json!(e.to_string()));
        }
        ApiError::bad(errs.message()).with("errors", Value::Object(by_field))
    })
}
