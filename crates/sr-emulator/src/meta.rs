//! Custom metadata on assets, validated by `sr_imagekit::metadata` so that the offline library and
//! the emulator accept and refuse exactly the same values (spec §7.4).

use serde_json::{Map, Value, json};
use sr_imagekit::metadata::{self, ApplyMode, FieldDef, FieldSchema, MetadataError};

use crate::error::{ApiError, ApiResult};
use crate::store::FieldRow;

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
