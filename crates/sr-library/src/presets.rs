//! Channel presets: named transformation sets ("Shop grid 1:1", "Story 9:16") kept in the library,
//! and which assets each was applied to, so an asset can list the delivery URLs it will be shown
//! with on each channel.
//!
//! Invariant: a preset's `tr` passed the transformation parser's checks when it was saved (a
//! parameter the remote would refuse is never stored); parameters the parser does not know are
//! kept as written, because the remote knows more than the local preview. Applying is idempotent
//! (re-applying only refreshes `applied_at`); deleting a preset or an asset removes its records.

use rusqlite::{Connection, OptionalExtension, params};
use sr_imagekit::transform::Transformation;

use crate::Library;
use crate::organise::{OrganiseError, asset_names, distinct_ids};

/// Migration 4: presets and where they were applied.
pub(crate) const MIGRATION_4: &str = r#"
CREATE TABLE presets (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    tr         TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE asset_presets (
    asset_id   INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    preset_id  INTEGER NOT NULL REFERENCES presets(id) ON DELETE CASCADE,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (asset_id, preset_id)
) WITHOUT ROWID;
CREATE INDEX asset_presets_preset ON asset_presets(preset_id, asset_id);
"#;

/// Longest preset name accepted (it is shown in menus and chips).
pub const MAX_PRESET_NAME: usize = 80;

/// A named transformation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    pub id: i64,
    pub name: String,
    /// The `tr` exactly as saved (trimmed).
    pub tr: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Assets it is applied to.
    pub asset_count: u64,
}

const SELECT: &str = "SELECT p.id, p.name, p.tr, p.created_at, p.updated_at,
        (SELECT COUNT(*) FROM asset_presets ap WHERE ap.preset_id = p.id)
     FROM presets p";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Preset> {
    Ok(Preset {
        id: r.get(0)?,
        name: r.get(1)?,
        tr: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
        asset_count: r.get::<_, i64>(5)? as u64,
    })
}

fn not_found(name: &str) -> OrganiseError {
    OrganiseError::NotFound(format!("There is no preset called \"{name}\"."))
}

fn by_name(c: &Connection, name: &str) -> Result<Option<Preset>, OrganiseError> {
    Ok(c.query_row(&format!("{SELECT} WHERE p.name = ?1"), [name], row).optional()?)
}

/// The name trimmed, or why it can't be used.
fn clean_name(name: &str) -> Result<&str, OrganiseError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OrganiseError::invalid("Give the preset a name, like \"Shop grid 1:1\"."));
    }
    if name.chars().count() > MAX_PRESET_NAME {
        return Err(OrganiseError::invalid(format!(
            "A preset name can be at most {MAX_PRESET_NAME} characters long; this one has {}.",
            name.chars().count()
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(OrganiseError::invalid("A preset name can't contain line breaks or tabs."));
    }
    Ok(name)
}

/// Checks a preset's transformation with the parser; the message names the step and parameter.
pub fn check_preset_tr(tr: &str) -> Result<&str, OrganiseError> {
    let tr = tr.trim();
    if tr.is_empty() {
        return Err(OrganiseError::invalid(
            "The preset has no transformation; write one, like w-1080,h-1080 for a square shop tile.",
        ));
    }
    if tr.starts_with("tr:") || tr.starts_with("?tr=") || tr.starts_with("tr=") {
        return Err(OrganiseError::invalid(format!(
            "Write only the transformation, without the \"tr\" prefix: {}.",
            tr.trim_start_matches('?').trim_start_matches("tr:").trim_start_matches("tr=")
        )));
    }
    Transformation::parse(tr)
        .validate()
        .map_err(|e| OrganiseError::invalid(format!("The preset's transformation is not valid: {e}.")))?;
    Ok(tr)
}

impl Library {
    /// Every preset, by name.
    pub fn presets(&self) -> Result<Vec<Preset>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare(&format!("{SELECT} ORDER BY p.name COLLATE NOCASE"))?;
            let rows = stmt.query_map([], row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// One preset by name (names ignore case).
    pub fn preset(&self, name: &str) -> Result<Preset, OrganiseError> {
        let name = name.trim();
        self.look(|c| by_name(c, name)?.ok_or_else(|| not_found(name)))
    }

    /// Saves a preset, or replaces the transformation of the one with that name (its assets keep
    /// it). The `tr` is checked with the transformation parser first; nothing is saved when it
    /// is refused.
    pub fn save_preset(&self, name: &str, tr: &str, now: i64) -> Result<Preset, OrganiseError> {
        let name = clean_name(name)?;
        let tr = check_preset_tr(tr)?;
        self.edit(|tx| {
            tx.execute(
                "INSERT INTO presets (name, tr, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT(name) DO UPDATE SET name = excluded.name, tr = excluded.tr, updated_at = excluded.updated_at",
                params![name, tr, now],
            )?;
            by_name(tx, name)?.ok_or_else(|| not_found(name))
        })
    }

    /// Deletes a preset and its records on assets.
    pub fn delete_preset(&self, name: &str) -> Result<(), OrganiseError> {
        let name = name.trim();
        self.edit(|tx| {
            if tx.execute("DELETE FROM presets WHERE name = ?1", [name])? == 0 {
                return Err(not_found(name));
            }
            Ok(())
        })
    }

    /// Records `name` on every asset of `ids`, all or nothing (an unknown asset refuses the whole
    /// batch). Returns the preset (with its new count) and how many assets were newly given it.
    pub fn apply_preset(&self, name: &str, ids: &[i64], now: i64) -> Result<(Preset, u64), OrganiseError> {
        let ids = distinct_ids(ids)?;
        let name = name.trim();
        self.edit(|tx| {
            let preset = by_name(tx, name)?.ok_or_else(|| not_found(name))?;
            asset_names(tx, &ids)?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO asset_presets (asset_id, preset_id, applied_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(asset_id, preset_id) DO UPDATE SET applied_at = excluded.applied_at",
            )?;
            let before = preset.asset_count;
            for &id in &ids {
                stmt.execute(params![id, preset.id, now])?;
            }
            let after = by_name(tx, name)?.ok_or_else(|| not_found(name))?;
            let added = after.asset_count - before;
            Ok((after, added))
        })
    }

    /// Removes `name` from the assets of `ids` (those without it are left alone); returns how
    /// many lost it.
    pub fn unapply_preset(&self, name: &str, ids: &[i64]) -> Result<u64, OrganiseError> {
        let ids = distinct_ids(ids)?;
        let name = name.trim();
        self.edit(|tx| {
            let preset = by_name(tx, name)?.ok_or_else(|| not_found(name))?;
            let mut stmt = tx.prepare_cached("DELETE FROM asset_presets WHERE asset_id = ?1 AND preset_id = ?2")?;
            let mut removed = 0;
            for &id in &ids {
                removed += stmt.execute(params![id, preset.id])? as u64;
            }
            Ok(removed)
        })
    }

    /// The presets recorded on each of `ids`: `(asset id, preset)` in the order of `ids`, each
    /// asset's presets by name. Assets without presets (or not in the library) give nothing.
    pub fn presets_of(&self, ids: &[i64]) -> Result<Vec<(i64, Preset)>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{SELECT} JOIN asset_presets a ON a.preset_id = p.id WHERE a.asset_id = ?1
                 ORDER BY p.name COLLATE NOCASE"
            ))?;
            let mut out = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for &id in ids {
                if !seen.insert(id) {
                    continue;
                }
                for p in stmt.query_map([id], row)? {
                    out.push((id, p?));
                }
            }
            Ok(out)
        })
    }
}
