//! Offline organisation shared by tags, metadata, folders, search and history: the schema they
//! add (migration 2), the error callers branch on, and the edit transaction every batch runs in.
//!
//! Invariant: an edit batch is one IMMEDIATE transaction — it is applied to every asset or to
//! none — and it records its inverse in `history` in that same transaction, so undo can never
//! see half a batch.

use rusqlite::Transaction;

use crate::{Library, LibraryError};

/// The account key of the built-in sandbox remote (the emulator), whose demo metadata fields are
/// seeded on first open so they are there offline.
pub const SANDBOX_ACCOUNT: &str = "sandbox";

/// Migration 2: every table of offline organisation. One statement list so the upgrade is atomic.
pub(crate) const MIGRATION_2: &str = r#"
-- Tags (tags.rs). Names are case-sensitive like the remote's; asset_count is kept by triggers so
-- autocomplete never counts.
CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    asset_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tags_name_nocase ON tags(name COLLATE NOCASE);
CREATE TABLE asset_tags (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (asset_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX asset_tags_tag ON asset_tags(tag_id, asset_id);
CREATE TRIGGER asset_tags_count_ins AFTER INSERT ON asset_tags BEGIN
    UPDATE tags SET asset_count = asset_count + 1 WHERE id = new.tag_id;
END;
CREATE TRIGGER asset_tags_count_del AFTER DELETE ON asset_tags BEGIN
    UPDATE tags SET asset_count = asset_count - 1 WHERE id = old.tag_id;
END;

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

-- Folders (folders.rs): the remote tree mirrored per account, plus folders made offline.
CREATE TABLE folders (
    account TEXT NOT NULL,
    path    TEXT NOT NULL,
    origin  TEXT NOT NULL CHECK (origin IN ('remote', 'local')),
    PRIMARY KEY (account, path)
) WITHOUT ROWID;
-- Folder operations made offline, applied in id order by two-way sync.
CREATE TABLE remote_ops (
    id         INTEGER PRIMARY KEY,
    account    TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('create_folder', 'rename_folder', 'move_folder')),
    args       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX remote_ops_state ON remote_ops(account, state, id);

-- Search (search.rs): full text over name, tags, metadata values and folder, kept in step with
-- assets by triggers (name, folder) and by the edit code (tags, metadata).
CREATE VIRTUAL TABLE asset_fts USING fts5(
    name, tags, meta, folder,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO asset_fts(rowid, name, tags, meta, folder) SELECT id, name, '', '', remote_folder FROM assets;
CREATE TRIGGER assets_fts_ins AFTER INSERT ON assets BEGIN
    INSERT INTO asset_fts(rowid, name, tags, meta, folder) VALUES (new.id, new.name, '', '', new.remote_folder);
END;
CREATE TRIGGER assets_fts_upd AFTER UPDATE OF name, remote_folder ON assets BEGIN
    UPDATE asset_fts SET name = new.name, folder = new.remote_folder WHERE rowid = new.id;
END;
CREATE TRIGGER assets_fts_del AFTER DELETE ON assets BEGIN
    DELETE FROM asset_fts WHERE rowid = old.id;
END;
CREATE INDEX assets_name ON assets(name);
CREATE INDEX assets_folder ON assets(remote_folder);
CREATE INDEX assets_size ON assets(size);
CREATE INDEX assets_updated ON assets(updated_at, id);
CREATE INDEX assets_duration ON assets(duration_s);
CREATE TABLE saved_searches (
    name       TEXT    PRIMARY KEY,
    query      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Undo (history.rs): each edit batch with the operations that reverse it.
CREATE TABLE history (
    batch_id    INTEGER PRIMARY KEY,
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    inverse     TEXT    NOT NULL
);
"#;

/// The migration-2 hook: seeds the sandbox's demo metadata fields so they exist offline.
pub(crate) fn migration_2_hook(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    crate::metadata::seed_demo_fields(tx).map_err(|e| match e {
        OrganiseError::Library(LibraryError::Sqlite(e)) => rusqlite_migration::HookError::RusqliteError(e),
        other => rusqlite_migration::HookError::Hook(other.to_string()),
    })
}

/// Why an organisation request was refused. `Invalid` carries a message for a merchandiser that
/// names the asset, tag or field and the rule; nothing was saved.
#[derive(Debug, thiserror::Error)]
pub enum OrganiseError {
    /// The request breaks one of the remote's rules (tags, metadata, folders, searchQuery).
    #[error("{message}")]
    Invalid {
        message: String,
        /// Per-field problems for custom metadata, so an editor can show each beside its field.
        problems: Vec<FieldProblem>,
    },
    /// An asset, tag, folder or saved search that is not in the library.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl OrganiseError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        OrganiseError::Invalid { message: message.into(), problems: Vec::new() }
    }
}

impl From<rusqlite::Error> for OrganiseError {
    fn from(e: rusqlite::Error) -> Self {
        OrganiseError::Library(LibraryError::Sqlite(e))
    }
}

/// One custom-metadata problem: which asset (when it depends on the asset), which field, what.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    pub asset_id: Option<i64>,
    /// The field's key in `customMetadata`.
    pub key: String,
    pub message: String,
}

/// What an edit batch did; `batch_id` is what `undo_last` reverses.
#[derive(Debug, Clone, PartialEq)]
pub struct EditSummary {
    /// `None` when nothing needed changing (nothing is recorded for undo then).
    pub batch_id: Option<i64>,
    /// Assets whose organisation changed.
    pub assets: u64,
    pub description: String,
}

impl Library {
    /// Runs `f` in one IMMEDIATE transaction on the writer; any error rolls everything back.
    pub(crate) fn edit<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, OrganiseError>,
    ) -> Result<T, OrganiseError> {
        self.transaction(f)
    }

    /// Inserts assets directly, in one transaction, for tests and benchmarks where real media does
    /// not matter. Returns their ids.
    #[doc(hidden)]
    pub fn insert_assets_for_tests(&self, assets: &[crate::Asset]) -> Result<Vec<i64>, LibraryError> {
        self.write(|tx| assets.iter().map(|a| crate::assets::upsert(tx, a)).collect())
    }

    /// Runs `f` on a pooled reader, with organisation errors.
    pub(crate) fn look<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, OrganiseError>,
    ) -> Result<T, OrganiseError> {
        let mut out = None;
        self.read(|c| {
            out = Some(f(c));
            Ok(())
        })?;
        out.expect("reader ran")
    }
}

/// Ids once each, in the order given; an empty selection is refused.
pub(crate) fn distinct_ids(ids: &[i64]) -> Result<Vec<i64>, OrganiseError> {
    if ids.is_empty() {
        return Err(OrganiseError::invalid("Select at least one asset first."));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    Ok(ids.iter().copied().filter(|id| seen.insert(*id)).collect())
}

/// Ids as a JSON array, for `json_each`: a batch is one statement however many assets it has.
pub(crate) fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// Checks that every id is an asset; returns `(id, name)` in the given order.
pub(crate) fn asset_names(tx: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<(i64, String)>, OrganiseError> {
    let mut stmt = tx.prepare_cached("SELECT id, name FROM assets WHERE id IN (SELECT value FROM json_each(?1))")?;
    let names: std::collections::HashMap<i64, String> =
        stmt.query_map([ids_json(ids)], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        match names.get(&id) {
            Some(name) => out.push((id, name.clone())),
            None => {
                return Err(OrganiseError::NotFound(format!(
                    "There is no asset #{id} in this library; it may have been removed. Refresh and try again."
                )));
            }
        }
    }
    Ok(out)
}

/// Marks assets as changed (the remote's `updatedAt`).
pub(crate) fn touch(tx: &rusqlite::Connection, ids: &[i64], now: i64) -> Result<(), OrganiseError> {
    if ids.is_empty() {
        return Ok(());
    }
    tx.prepare_cached("UPDATE assets SET updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))")?
        .execute(rusqlite::params![now, ids_json(ids)])?;
    Ok(())
}
