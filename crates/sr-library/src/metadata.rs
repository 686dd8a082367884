//! Custom metadata: `metadata_fields` (each remote account's field definitions, kept so they are
//! there offline), `asset_metadata` (each asset's `customMetadata` object) and
//! `asset_metadata_values` (one indexed row per value or list item, for search).
//!
//! Every change goes through `sr_imagekit::metadata::apply_metadata` in Update mode, the very
//! function the emulator runs for `PATCH /v1/files/{id}/details`, so an edit accepted offline is
//! one the remote accepts at sync time, and one it refuses is refused here, with the same words.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Map, Value};
use sr_imagekit::metadata::{ApplyMode, FieldDef, MetadataError, apply_metadata, demo_fields};

use crate::Library;
use crate::history::Inverse;
use crate::organise::{EditSummary, FieldProblem, OrganiseError, SANDBOX_ACCOUNT, asset_names, distinct_ids};
use crate::search::Indexed;
use crate::tags::finish;

/// Migration 5: search tests one asset's values of one field (`EXISTS (… WHERE asset_id = ? AND
/// key = ? AND value …)`, search.rs); `(asset_id, key, value)` answers that with one seek and still
/// serves the per-asset lookups of the single-column index, which it replaces.
pub(crate) const MIGRATION_5: &str = r#"
CREATE INDEX asset_metadata_values_asset_key ON asset_metadata_values(asset_id, key, value);
DROP INDEX asset_metadata_values_asset;
"#;

/// What a selection holds for one field, for the bulk editor.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryValue {
    /// No selected asset has a value.
    Unset,
    /// Every selected asset has this same value.
    Same(Value),
    /// The selected assets differ (some may have none).
    Mixed,
}

/// One field of the bulk editor: the definition, the selection's value, and how many carry one.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSummary {
    pub field: FieldDef,
    pub value: SummaryValue,
    pub set_on: u64,
}

/// Seeds the sandbox's demo fields (migration 2 hook); existing rows are kept.
pub(crate) fn seed_demo_fields(tx: &Transaction<'_>) -> Result<(), OrganiseError> {
    for (i, f) in demo_fields().into_iter().enumerate() {
        let def = f.clone().with_id(format!("{SANDBOX_ACCOUNT}-{}", f.name));
        insert_field(tx, SANDBOX_ACCOUNT, i, &def, true)?;
    }
    Ok(())
}

fn insert_field(
    tx: &Connection,
    account: &str,
    position: usize,
    def: &FieldDef,
    keep: bool,
) -> Result<(), OrganiseError> {
    let json = serde_json::to_string(def).map_err(|e| OrganiseError::invalid(e.to_string()))?;
    let sql = if keep {
        "INSERT OR IGNORE INTO metadata_fields (account, name, position, def) VALUES (?1, ?2, ?3, ?4)"
    } else {
        "INSERT OR REPLACE INTO metadata_fields (account, name, position, def) VALUES (?1, ?2, ?3, ?4)"
    };
    tx.execute(sql, params![account, def.name, position as i64, json])?;
    Ok(())
}

/// The account's fields, in the remote's order.
pub(crate) fn fields(c: &Connection, account: &str) -> Result<Vec<FieldDef>, OrganiseError> {
    let mut stmt = c.prepare_cached("SELECT def FROM metadata_fields WHERE account = ?1 ORDER BY position, name")?;
    let rows = stmt.query_map([account], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        let json = json?;
        match serde_json::from_str::<FieldDef>(&json) {
            Ok(f) => out.push(f),
            Err(e) => {
                return Err(OrganiseError::invalid(format!(
                    "A stored custom metadata field could not be read ({e}); fetch the fields from the remote again."
                )));
            }
        }
    }
    Ok(out)
}

/// An asset's `customMetadata` object (empty when it has none).
pub(crate) fn asset_metadata(c: &Connection, id: i64) -> Result<Map<String, Value>, OrganiseError> {
    let json: Option<String> = c
        .prepare_cached("SELECT json FROM asset_metadata WHERE asset_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(match json {
        Some(j) => serde_json::from_str(&j).unwrap_or_default(),
        None => Map::new(),
    })
}

/// Replaces an asset's metadata object and its indexed values (no checks; callers validate).
pub(crate) fn write_asset_metadata(tx: &Connection, id: i64, json: Option<&str>) -> Result<(), OrganiseError> {
    tx.prepare_cached("DELETE FROM asset_metadata_values WHERE asset_id = ?1")?.execute([id])?;
    let map: Map<String, Value> = json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    if map.is_empty() {
        tx.prepare_cached("DELETE FROM asset_metadata WHERE asset_id = ?1")?.execute([id])?;
        return Ok(());
    }
    tx.prepare_cached("INSERT OR REPLACE INTO asset_metadata (asset_id, json) VALUES (?1, ?2)")?
        .execute(params![id, serde_json::to_string(&map).unwrap_or_default()])?;
    let mut ins = tx.prepare_cached("INSERT INTO asset_metadata_values (asset_id, key, value) VALUES (?1, ?2, ?3)")?;
    for (key, value) in &map {
        let items: &[Value] = match value {
            Value::Array(items) => items,
            v => std::slice::from_ref(v),
        };
        for item in items {
            if let Some(v) = sql_value(item) {
                ins.execute(params![id, key, v])?;
            }
        }
    }
    Ok(())
}

/// How a JSON scalar is stored for search: numbers as numbers, booleans as 0/1, text as text.
pub(crate) fn sql_value(v: &Value) -> Option<rusqlite::types::Value> {
    use rusqlite::types::Value as S;
    match v {
        Value::String(s) => Some(S::Text(s.clone())),
        Value::Number(n) => n.as_i64().map(S::Integer).or_else(|| n.as_f64().map(S::Real)),
        Value::Bool(b) => Some(S::Integer(i64::from(*b))),
        _ => None,
    }
}

/// Searchable words of a metadata object: every text and number value.
pub(crate) fn searchable_text(map: &Map<String, Value>) -> String {
    fn push(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => {
                out.push_str(s);
                out.push(' ');
            }
            Value::Number(n) => {
                out.push_str(&n.to_string());
                out.push(' ');
            }
            Value::Array(items) => items.iter().for_each(|i| push(i, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    map.values().for_each(|v| push(v, &mut out));
    out
}

/// Per asset: its id, its current object and the object after the edit.
type Planned = Vec<(i64, Map<String, Value>, Map<String, Value>)>;

/// Runs `incoming` against every asset; returns the new objects, or every problem found.
fn plan(
    c: &Connection,
    fields: &[FieldDef],
    ids: &[i64],
    incoming: &Map<String, Value>,
) -> Result<Planned, OrganiseError> {
    let names = asset_names(c, ids)?;
    let mut out = Vec::with_capacity(ids.len());
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut first_asset: Option<(i64, String)> = None;
    for (id, name) in names {
        let current = asset_metadata(c, id)?;
        match apply_metadata(fields, &current, incoming, ApplyMode::Update) {
            Ok(next) => out.push((id, current, next)),
            Err(errs) => {
                for e in errs.errors {
                    // Problems with the value itself are the same on every asset: report once.
                    let per_asset =
                        matches!(e, MetadataError::Required { .. } | MetadataError::CannotClearRequired { .. });
                    let p = FieldProblem {
                        asset_id: per_asset.then_some(id),
                        key: e.field_key().to_owned(),
                        message: if per_asset { format!("{e} (\"{name}\", #{id})") } else { e.to_string() },
                    };
                    if !problems.iter().any(|q| q.key == p.key && q.message == p.message) {
                        problems.push(p);
                    }
                }
                first_asset.get_or_insert((id, name));
            }
        }
    }
    if problems.is_empty() {
        return Ok(out);
    }
    let listed: Vec<&str> = problems.iter().take(5).map(|p| p.message.as_str()).collect();
    let more = match problems.len().saturating_sub(5) {
        0 => String::new(),
        n => format!(" ({n} more problems.)"),
    };
    Err(OrganiseError::Invalid { message: format!("Nothing was saved. {}{more}", listed.join(" ")), problems })
}

fn show_keys(keys: impl Iterator<Item = String>, fields: &[FieldDef]) -> String {
    let labels: Vec<String> =
        keys.map(|k| fields.iter().find(|f| f.name == k).map(|f| f.label.clone()).unwrap_or(k)).collect();
    labels.join(", ")
}

impl Library {
    /// The account's custom metadata fields, as last fetched from the remote (or seeded).
    pub fn metadata_fields(&self, account: &str) -> Result<Vec<FieldDef>, OrganiseError> {
        self.look(|c| fields(c, account))
    }

    /// Replaces the account's field definitions with those fetched from the remote.
    pub fn replace_metadata_fields(&self, account: &str, defs: &[FieldDef]) -> Result<(), OrganiseError> {
        self.edit(|tx| {
            tx.execute("DELETE FROM metadata_fields WHERE account = ?1", [account])?;
            for (i, d) in defs.iter().enumerate() {
                insert_field(tx, account, i, d, false)?;
            }
            Ok(())
        })
    }

    /// An asset's `customMetadata`.
    pub fn metadata_of(&self, id: i64) -> Result<Map<String, Value>, OrganiseError> {
        self.look(|c| asset_metadata(c, id))
    }

    /// What `set_metadata` would refuse, without saving anything (for inline messages).
    pub fn check_metadata(
        &self,
        account: &str,
        ids: &[i64],
        values: &Map<String, Value>,
    ) -> Result<Vec<FieldProblem>, OrganiseError> {
        let ids = distinct_ids(ids)?;
        self.look(|c| {
            let fields = fields(c, account)?;
            match plan(c, &fields, &ids, values) {
                Ok(_) => Ok(Vec::new()),
                Err(OrganiseError::Invalid { problems, .. }) => Ok(problems),
                Err(e) => Err(e),
            }
        })
    }

    /// Sets custom metadata on every selected asset under the account's field rules. Invalid
    /// input is refused with the field's label and rule, and nothing is saved. `null` unsets.
    pub fn set_metadata(
        &self,
        account: &str,
        ids: &[i64],
        values: &Map<String, Value>,
        now: i64,
    ) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        if values.is_empty() {
            return Err(OrganiseError::invalid("Choose a field and a value first."));
        }
        self.edit(|tx| {
            let fields = fields(tx, account)?;
            let planned = plan(tx, &fields, &ids, values)?;
            let (set, cleared): (Vec<_>, Vec<_>) = values.iter().partition(|(_, v)| !v.is_null());
            let mut parts = Vec::new();
            if !set.is_empty() {
                parts.push(format!("Set {}", show_keys(set.into_iter().map(|(k, _)| k.clone()), &fields)));
            }
            if !cleared.is_empty() {
                parts.push(format!("cleared {}", show_keys(cleared.into_iter().map(|(k, _)| k.clone()), &fields)));
            }
            apply(tx, planned, parts.join(", "), now)
        })
    }

    /// Clears fields on every selected asset (a required field cannot be cleared).
    pub fn unset_metadata(
        &self,
        account: &str,
        ids: &[i64],
        keys: &[String],
        now: i64,
    ) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        if keys.is_empty() {
            return Err(OrganiseError::invalid("Choose a field to clear first."));
        }
        let values: Map<String, Value> = keys.iter().map(|k| (k.clone(), Value::Null)).collect();
        self.edit(|tx| {
            let fields = fields(tx, account)?;
            let planned = plan(tx, &fields, &ids, &values)?;
            apply(tx, planned, format!("Cleared {}", show_keys(keys.iter().cloned(), &fields)), now)
        })
    }

    /// For a selection, each field's shared value, or `Mixed` when the assets differ.
    pub fn metadata_summary(&self, account: &str, ids: &[i64]) -> Result<Vec<FieldSummary>, OrganiseError> {
        let ids = distinct_ids(ids)?;
        self.look(|c| {
            let fields = fields(c, account)?;
            asset_names(c, &ids)?;
            let maps: Vec<Map<String, Value>> =
                ids.iter().map(|&id| asset_metadata(c, id)).collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(fields.len());
            for field in fields {
                let values: Vec<Option<&Value>> =
                    maps.iter().map(|m| m.get(&field.name).filter(|v| !v.is_null())).collect();
                let set_on = values.iter().filter(|v| v.is_some()).count() as u64;
                let value = if set_on == 0 {
                    SummaryValue::Unset
                } else if values.iter().all(|v| *v == values[0]) {
                    SummaryValue::Same(values[0].cloned().unwrap_or(Value::Null))
                } else {
                    SummaryValue::Mixed
                };
                out.push(FieldSummary { field, value, set_on });
            }
            Ok(out)
        })
    }
}

fn apply(tx: &Transaction<'_>, planned: Planned, what: String, now: i64) -> Result<EditSummary, OrganiseError> {
    let mut changed = Vec::new();
    let mut inverse = Vec::new();
    for (id, current, next) in planned {
        if current == next {
            continue;
        }
        let before = (!current.is_empty()).then(|| serde_json::to_string(&current).unwrap_or_default());
        let after = serde_json::to_string(&next).unwrap_or_default();
        write_asset_metadata(tx, id, Some(&after))?;
        inverse.push(Inverse::SetMetadata { asset_id: id, json: before });
        changed.push(id);
    }
    let n = changed.len();
    let description = format!("{what} on {}", if n == 1 { "1 asset".to_owned() } else { format!("{n} assets") });
    finish(tx, changed, inverse, description, now, Indexed::Metadata)
}
