//! Custom metadata: `metadata_fields` (each remote account's field definitions, kept so they are
//! there offline), `asset_metadata` (each asset's `customMetadata` object) and
//! `asset_metadata_values` (one indexed row per value or list item, for search).
//!
//! Every change (by the requests in `ops::metadata`) goes through `sr_imagekit::metadata::apply_metadata` in Update mode, the very
//! function the emulator runs for `PATCH /v1/files/{id}/details`, so an edit accepted offline is
//! one the remote accepts at sync time, and one it refuses is refused here, with the same words.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Map, Value};
use sr_imagekit::metadata::{FieldDef, demo_fields};

use crate::LibraryError;
use crate::organise::{OrganiseError, SANDBOX_ACCOUNT};

/// Migration 2, custom metadata's part.
pub(crate) const MIGRATION_2: &str = r#"
-- Custom metadata (metadata.rs). Field definitions per remote account, as the remote returns
-- them (FieldDef JSON). An asset's values: the JSON object (source of truth) plus one indexed
-- row per scalar value or list item, which searchQuery compiles against.
CREATE TABLE metadata_fields (
    account  TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    def      TEXT    NOT NULL,
    PRIMARY KEY (account, name)
);
CREATE TABLE asset_metadata (
    asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    json     TEXT    NOT NULL
);
CREATE TABLE asset_metadata_values (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    value
);
CREATE INDEX asset_metadata_values_kv ON asset_metadata_values(key, value, asset_id);
CREATE INDEX asset_metadata_values_asset ON asset_metadata_values(asset_id);
"#;

/// The migration-2 hook: seeds the sandbox's demo metadata fields so they exist offline.
pub(crate) fn migration_2_hook(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    seed_demo_fields(tx).map_err(|e| match e {
        OrganiseError::Library(LibraryError::Sqlite(e)) => rusqlite_migration::HookError::RusqliteError(e),
        other => rusqlite_migration::HookError::Hook(other.to_string()),
    })
}

/// Migration 5: search tests one asset's values of one field (`EXISTS (… WHERE asset_id = ? AND
/// key = ? AND value …)`, `search::compile`); `(asset_id, key, value)` answers that with one seek and still
/// serves the per-asset lookups of the single-column index, which it replaces.
pub(crate) const MIGRATION_5: &str = r#"
CREATE INDEX asset_metadata_values_asset_key ON asset_metadata_values(asset_id, key, value);
DROP INDEX asset_metadata_values_asset;
"#;

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

/// Replaces the account's field definitions.
pub(crate) fn replace_fields(tx: &Connection, account: &str, defs: &[FieldDef]) -> Result<(), OrganiseError> {
    tx.execute("DELETE FROM metadata_fields WHERE account = ?1", [account])?;
    for (i, d) in defs.iter().enumerate() {
        insert_field(tx, account, i, d, false)?;
    }
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
