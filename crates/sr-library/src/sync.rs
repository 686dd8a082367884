//! Two-way sync's tables (tables layer): for each account, the **remote tree** (`sync_remote`:
//! the last observation of every remote file, from listings), the **links** (`sync_links`: which
//! asset is which remote file, with the **base** — the last agreed value of every synced field),
//! the **conflicts** (`sync_conflicts`: records, one per asset and field, never renamed files), the
//! **run history** (`sync_runs`) and the **checkpoint** (`sync_state`). The push log of local
//! intents is `remote_ops` (folders' table, generalised in migration 8).
//!
//! The synced fields of an asset are its name (`assets.name`), its folder (`assets.remote_folder`),
//! its tags (as a set) and each custom-metadata key. A planner reads [`SyncInputs`]; applying a
//! plan writes through the calls below, each one transaction. The calls that touch only these
//! tables are here; those that also change assets (links, remote changes applied, remote-only
//! assets, conflicts settled, inputs and statuses read across tables) are `ops::sync`'s, and the
//! push log's intents are written by `edit` alone.
//!
//! A link whose remote file sync found deleted is kept with `deleted_at` set, only so the asset
//! shows as deleted remotely: it is left out of [`SyncInputs::links`] and `Library::sync_link`.
//!
//! Invariant: a remote observation is never a local change by itself; only applying a plan moves
//! local values or the base. A link's base only moves to a value both sides agreed on.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::organise::ids_json;
// The push log's row type, through the crate root (the push log is `folders`' table).
use crate::{Library, LibraryError, RemoteOp};

/// Migration 8, the sync tables' part.
pub(crate) const MIGRATION_8: &str = r#"
-- Two-way sync (sync.rs). The last observation of every remote file, per account.
CREATE TABLE sync_remote (
    account       TEXT    NOT NULL,
    file_id       TEXT    NOT NULL,
    version_id    TEXT,
    file_path     TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    folder        TEXT    NOT NULL,
    tags          TEXT    NOT NULL DEFAULT '[]',
    metadata      TEXT    NOT NULL DEFAULT '{}',
    updated_at    TEXT    NOT NULL,
    file_type     TEXT    NOT NULL,
    mime          TEXT,
    size          INTEGER NOT NULL,
    width         INTEGER,
    height        INTEGER,
    duration_s    REAL,
    url           TEXT    NOT NULL,
    thumbnail_url TEXT,
    is_private    INTEGER NOT NULL DEFAULT 0,
    present       INTEGER NOT NULL DEFAULT 1,
    observed_at   INTEGER NOT NULL,
    PRIMARY KEY (account, file_id)
) WITHOUT ROWID;
-- Which asset is which remote file, with the base (the last agreed Fields, JSON).
CREATE TABLE sync_links (
    account   TEXT    NOT NULL,
    asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    file_id   TEXT    NOT NULL,
    base      TEXT    NOT NULL,
    linked_at INTEGER NOT NULL,
    -- Set when sync found the remote file deleted (the asset and its file stay): the link is then
    -- only kept to say so, and sync no longer plans for it.
    deleted_at INTEGER,
    PRIMARY KEY (account, asset_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX sync_links_file ON sync_links(account, file_id);
CREATE INDEX sync_links_asset ON sync_links(asset_id);
-- Clashes for the person to settle: one open row per (account, asset, field).
CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY,
    account     TEXT    NOT NULL,
    asset_id    INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    field       TEXT    NOT NULL,
    base        TEXT,
    mine        TEXT,
    theirs      TEXT,
    theirs_at   TEXT,
    opened_at   INTEGER NOT NULL,
    resolved_at INTEGER,
    resolution  TEXT
);
CREATE UNIQUE INDEX sync_conflicts_open ON sync_conflicts(account, asset_id, field) WHERE resolved_at IS NULL;
CREATE INDEX sync_conflicts_asset ON sync_conflicts(asset_id);
-- Every run, dry or not, with its report.
CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    account     TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    dry_run     INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,
    report      TEXT    NOT NULL
);
CREATE INDEX sync_runs_account ON sync_runs(account, id);
CREATE TABLE sync_state (
    account           TEXT PRIMARY KEY,
    checkpoint        TEXT,
    last_full_listing INTEGER,
    last_run          INTEGER
);
-- Libraries uploaded before sync are linked: each asset's latest finished upload per account,
-- with the job's folder, file name, tags (sorted) and metadata as the base.
INSERT OR IGNORE INTO sync_links (account, asset_id, file_id, base, linked_at)
    SELECT j.account, j.asset_id, j.remote_file_id,
           json_object('name', j.file_name, 'folder', j.folder,
                       'tags', (SELECT json_group_array(value) FROM
                                   (SELECT DISTINCT value FROM json_each(j.tags) ORDER BY value)),
                       'metadata', json(j.custom_metadata)),
           j.updated_at / 1000
    FROM upload_jobs j
    WHERE j.state = 'done' AND j.remote_file_id IS NOT NULL
      AND j.id = (SELECT MAX(k.id) FROM upload_jobs k WHERE k.account = j.account AND k.asset_id = j.asset_id
                  AND k.state = 'done' AND k.remote_file_id IS NOT NULL)
    ORDER BY j.id DESC;
"#;

/// The migration-8 hook: an asset linked from a finished upload whose name the upload only
/// sanitised (`Summer dress.mp4` sent as `Summer_dress.mp4`) takes the remote's name, as
/// [`Library::link_asset`] does for new uploads, so the first sync does not push a rename.
pub(crate) fn migration_8_hook(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let rows: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT a.id, a.name, l.base ->> '$.name' FROM sync_links l JOIN assets a ON a.id = l.asset_id
             WHERE a.name <> l.base ->> '$.name'",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?
    };
    for (id, name, remote) in rows {
        if sr_imagekit::names::sanitize_file_name(&name) == remote {
            tx.execute("UPDATE assets SET name = ?1 WHERE id = ?2", params![remote, id])?;
        }
    }
    Ok(())
}

/// The synced fields' values: what the base, a local asset and a remote file each have.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Fields {
    /// The file name, e.g. `dress.mp4`.
    pub name: String,
    /// Canonical folder, `/a/b/` (`/` the root).
    pub folder: String,
    /// Sorted, no repeats.
    pub tags: Vec<String>,
    pub metadata: Map<String, Value>,
}

/// The last observation of one remote file (from a listing or a details call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteFile {
    pub file_id: String,
    pub version_id: Option<String>,
    /// `/a/b/dress.mp4`.
    pub file_path: String,
    pub fields: Fields,
    /// The remote's `updatedAt`, ISO-8601 with milliseconds.
    pub updated_at: String,
    /// `image` / `non-image` (the remote's `fileType`), with the MIME type when sent.
    pub file_type: String,
    pub mime: Option<String>,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_s: Option<f64>,
    pub url: String,
    pub thumbnail_url: Option<String>,
    pub is_private: bool,
    /// `false` once a full listing no longer had it (the remote reports deletes nowhere else).
    pub present: bool,
}

/// An asset linked to a remote file in one account, with the base.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncLink {
    pub account: String,
    pub asset_id: i64,
    pub file_id: String,
    /// The last agreed value of every synced field.
    pub base: Fields,
    pub linked_at: i64,
}

/// One asset as the planner sees it locally.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAsset {
    pub asset_id: i64,
    pub fields: Fields,
    /// A remote-only asset (no original on this computer yet).
    pub remote_only: bool,
    /// The original is missing from where it was.
    pub missing: bool,
    /// An upload job of this asset for this account is not finished (queued, running, paused).
    pub queued: bool,
}

/// Everything a plan is computed from, for one account.
#[derive(Debug, Clone, Default)]
pub struct SyncInputs {
    pub locals: Vec<LocalAsset>,
    pub remotes: Vec<RemoteFile>,
    pub links: Vec<SyncLink>,
    /// The push log's pending intents (`remote_ops` not yet applied), in order.
    pub intents: Vec<RemoteOp>,
    pub open_conflicts: Vec<Conflict>,
}

/// Which synced field a conflict is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "field", content = "key", rename_all = "snake_case")]
pub enum ConflictField {
    Name,
    Folder,
    /// Added on one side, removed on the other is not a conflict (kept, and said in the log); this
    /// is for completeness of the type and is not opened by the planner.
    Tag(String),
    Metadata(String),
    /// Edited on one side, deleted on the other.
    Existence,
}

/// A clash the person must settle: per field, base, mine and theirs (JSON values; `None` absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    pub account: String,
    pub asset_id: i64,
    pub field: ConflictField,
    pub base: Option<Value>,
    pub mine: Option<Value>,
    pub theirs: Option<Value>,
    /// The remote's `updatedAt` when theirs was seen.
    pub theirs_at: Option<String>,
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
    pub resolution: Option<Resolution>,
}

/// A conflict to open (the planner's output).
#[derive(Debug, Clone, PartialEq)]
pub struct NewConflict {
    pub asset_id: i64,
    pub field: ConflictField,
    pub base: Option<Value>,
    pub mine: Option<Value>,
    pub theirs: Option<Value>,
    pub theirs_at: Option<String>,
}

/// How the person settled a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Resolution {
    /// Keep this computer's value: it is pushed on the next sync.
    Mine,
    /// Take the remote's value locally.
    Theirs,
    /// A new value, pushed on the next sync.
    Value(Value),
}

/// A local change sync applies from the remote: no undo record, no intent (it came from there),
/// and the base of the fields it sets moves to the new value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LocalApply {
    pub name: Option<String>,
    pub folder: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub set_metadata: Map<String, Value>,
    pub unset_metadata: Vec<String>,
}

/// Per-account sync bookkeeping.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SyncState {
    /// The newest remote `updatedAt` fully pulled (ISO-8601); `None` before the first pull.
    pub checkpoint: Option<String>,
    /// Unix seconds of the last full id listing (delete check).
    pub last_full_listing: Option<i64>,
    /// Unix seconds of the last run that finished (dry runs excluded).
    pub last_run: Option<i64>,
}

/// A finished (or stopped) sync run, kept for the history.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRunRecord {
    pub id: i64,
    pub account: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub dry_run: bool,
    /// `done`, `stopped` (a fuse or a guard asked), `failed`.
    pub outcome: String,
    /// The run's report as the engine wrote it (operations, errors, request ids).
    pub report: Value,
}

/// Where an asset stands against one account's remote library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    LocalOnly,
    Queued,
    Synced,
    ModifiedLocally,
    ChangedRemotely,
    Conflict,
    RemoteOnly,
    DeletedRemotely,
    MissingFile,
}

impl Fields {
    /// Sorts and dedupes the tags (the set's canonical order).
    pub fn normalised(mut self) -> Fields {
        self.tags.sort();
        self.tags.dedup();
        self
    }
}

impl ConflictField {
    /// The stored form (`{"field":"metadata","key":"season"}`), one per field.
    pub(crate) fn to_db(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    fn from_db(s: &str) -> rusqlite::Result<ConflictField> {
        serde_json::from_str(s).map_err(bad_json)
    }
}

pub(crate) fn bad_json(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

fn json_opt(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_string)
}

fn parse_opt(s: Option<String>) -> rusqlite::Result<Option<Value>> {
    s.map(|s| serde_json::from_str(&s).map_err(bad_json)).transpose()
}

pub(crate) fn base_json(f: &Fields) -> String {
    serde_json::to_string(&f.clone().normalised()).unwrap_or_default()
}

pub(crate) fn parse_base(s: &str) -> rusqlite::Result<Fields> {
    serde_json::from_str::<Fields>(s).map(Fields::normalised).map_err(bad_json)
}

const REMOTE_COLUMNS: &str = "file_id, version_id, file_path, name, folder, tags, metadata, updated_at, file_type, \
    mime, size, width, height, duration_s, url, thumbnail_url, is_private, present";

fn remote_from_row(r: &Row<'_>) -> rusqlite::Result<RemoteFile> {
    let tags: String = r.get(5)?;
    let meta: String = r.get(6)?;
    Ok(RemoteFile {
        file_id: r.get(0)?,
        version_id: r.get(1)?,
        file_path: r.get(2)?,
        fields: Fields {
            name: r.get(3)?,
            folder: r.get(4)?,
            tags: serde_json::from_str(&tags).map_err(bad_json)?,
            metadata: serde_json::from_str(&meta).map_err(bad_json)?,
        }
        .normalised(),
        updated_at: r.get(7)?,
        file_type: r.get(8)?,
        mime: r.get(9)?,
        size: r.get::<_, i64>(10)? as u64,
        width: r.get(11)?,
        height: r.get(12)?,
        duration_s: r.get(13)?,
        url: r.get(14)?,
        thumbnail_url: r.get(15)?,
        is_private: r.get(16)?,
        present: r.get(17)?,
    })
}

/// Every observation of `account`, by file id.
pub(crate) fn remotes(c: &Connection, account: &str) -> Result<Vec<RemoteFile>, LibraryError> {
    let mut stmt =
        c.prepare_cached(&format!("SELECT {REMOTE_COLUMNS} FROM sync_remote WHERE account = ?1 ORDER BY file_id"))?;
    let rows = stmt.query_map([account], remote_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn remote(c: &Connection, account: &str, file_id: &str) -> Result<Option<RemoteFile>, LibraryError> {
    Ok(c.prepare_cached(&format!("SELECT {REMOTE_COLUMNS} FROM sync_remote WHERE account = ?1 AND file_id = ?2"))?
        .query_row(params![account, file_id], remote_from_row)
        .optional()?)
}

/// Upserts one observation.
pub(crate) fn store_remote(c: &Connection, account: &str, f: &RemoteFile, now: i64) -> Result<(), LibraryError> {
    let fields = f.fields.clone().normalised();
    c.prepare_cached(
        "INSERT INTO sync_remote (account, file_id, version_id, file_path, name, folder, tags, metadata, updated_at,
             file_type, mime, size, width, height, duration_s, url, thumbnail_url, is_private, present, observed_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)
         ON CONFLICT(account, file_id) DO UPDATE SET version_id=excluded.version_id, file_path=excluded.file_path,
             name=excluded.name, folder=excluded.folder, tags=excluded.tags, metadata=excluded.metadata,
             updated_at=excluded.updated_at, file_type=excluded.file_type, mime=excluded.mime, size=excluded.size,
             width=excluded.width, height=excluded.height, duration_s=excluded.duration_s, url=excluded.url,
             thumbnail_url=excluded.thumbnail_url, is_private=excluded.is_private, present=excluded.present,
             observed_at=excluded.observed_at",
    )?
    .execute(params![
        account,
        f.file_id,
        f.version_id,
        f.file_path,
        fields.name,
        fields.folder,
        serde_json::to_string(&fields.tags).unwrap_or_else(|_| "[]".into()),
        serde_json::to_string(&fields.metadata).unwrap_or_else(|_| "{}".into()),
        f.updated_at,
        f.file_type,
        f.mime,
        f.size as i64,
        f.width,
        f.height,
        f.duration_s,
        f.url,
        f.thumbnail_url,
        f.is_private,
        f.present,
        now,
    ])?;
    Ok(())
}

fn link_from_row(r: &Row<'_>) -> rusqlite::Result<SyncLink> {
    Ok(SyncLink {
        account: r.get(0)?,
        asset_id: r.get(1)?,
        file_id: r.get(2)?,
        base: parse_base(&r.get::<_, String>(3)?)?,
        linked_at: r.get(4)?,
    })
}

const LINK_COLUMNS: &str = "account, asset_id, file_id, base, linked_at";

/// Every link of `account`, by asset id.
pub(crate) fn links(c: &Connection, account: &str) -> Result<Vec<SyncLink>, LibraryError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM sync_links WHERE account = ?1 AND deleted_at IS NULL ORDER BY asset_id"
    ))?;
    let rows = stmt.query_map([account], link_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn link(c: &Connection, account: &str, asset_id: i64) -> Result<Option<SyncLink>, LibraryError> {
    Ok(c.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM sync_links WHERE account = ?1 AND asset_id = ?2 AND deleted_at IS NULL"
    ))?
    .query_row(params![account, asset_id], link_from_row)
    .optional()?)
}

pub(crate) fn link_by_file(c: &Connection, account: &str, file_id: &str) -> Result<Option<SyncLink>, LibraryError> {
    Ok(c.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM sync_links WHERE account = ?1 AND file_id = ?2 AND deleted_at IS NULL"
    ))?
    .query_row(params![account, file_id], link_from_row)
    .optional()?)
}

/// The links of many assets (every account), by asset id.
pub(crate) fn links_of_many(c: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<SyncLink>>, LibraryError> {
    let mut out: HashMap<i64, Vec<SyncLink>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM sync_links WHERE asset_id IN (SELECT value FROM json_each(?1)) AND deleted_at IS NULL
         ORDER BY account"
    ))?;
    for l in stmt.query_map([ids_json(ids)], link_from_row)? {
        let l = l?;
        out.entry(l.asset_id).or_default().push(l);
    }
    Ok(out)
}

/// Writes a link (replacing the asset's link in that account, and any link of that file).
pub(crate) fn write_link(
    c: &Connection,
    account: &str,
    asset_id: i64,
    file_id: &str,
    base: &Fields,
    now: i64,
) -> Result<(), LibraryError> {
    c.execute(
        "DELETE FROM sync_links WHERE account = ?1 AND file_id = ?2 AND asset_id <> ?3",
        params![account, file_id, asset_id],
    )?;
    c.execute(
        "INSERT INTO sync_links (account, asset_id, file_id, base, linked_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(account, asset_id) DO UPDATE SET file_id = excluded.file_id, base = excluded.base,
             deleted_at = NULL, linked_at = CASE WHEN sync_links.file_id = excluded.file_id THEN sync_links.linked_at
                              ELSE excluded.linked_at END",
        params![account, asset_id, file_id, base_json(base), now],
    )?;
    Ok(())
}

/// Moves a link's base; `false` when the asset is not linked in that account.
pub(crate) fn write_base(c: &Connection, account: &str, asset_id: i64, base: &Fields) -> Result<bool, LibraryError> {
    Ok(c.execute(
        "UPDATE sync_links SET base = ?3 WHERE account = ?1 AND asset_id = ?2 AND deleted_at IS NULL",
        params![account, asset_id, base_json(base)],
    )? == 1)
}

/// Keeps a link only to say its remote file was deleted (see `sync_links.deleted_at`).
pub(crate) fn mark_link_deleted(c: &Connection, account: &str, asset_id: i64, now: i64) -> Result<(), LibraryError> {
    c.execute(
        "UPDATE sync_links SET deleted_at = ?3 WHERE account = ?1 AND asset_id = ?2",
        params![account, asset_id, now],
    )?;
    Ok(())
}

/// Assets among `ids` whose link in `account` was kept to say the remote file was deleted.
pub(crate) fn deleted_links(c: &Connection, account: &str, ids: &[i64]) -> Result<Vec<i64>, LibraryError> {
    let mut stmt = c.prepare_cached(
        "SELECT asset_id FROM sync_links WHERE account = ?1 AND deleted_at IS NOT NULL
             AND asset_id IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt.query_map(params![account, ids_json(ids)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn delete_link(c: &Connection, account: &str, asset_id: i64) -> Result<Option<SyncLink>, LibraryError> {
    let l = link(c, account, asset_id)?;
    c.execute("DELETE FROM sync_links WHERE account = ?1 AND asset_id = ?2", params![account, asset_id])?;
    Ok(l)
}

const CONFLICT_COLUMNS: &str =
    "id, account, asset_id, field, base, mine, theirs, theirs_at, opened_at, resolved_at, resolution";

fn conflict_from_row(r: &Row<'_>) -> rusqlite::Result<Conflict> {
    Ok(Conflict {
        id: r.get(0)?,
        account: r.get(1)?,
        asset_id: r.get(2)?,
        field: ConflictField::from_db(&r.get::<_, String>(3)?)?,
        base: parse_opt(r.get(4)?)?,
        mine: parse_opt(r.get(5)?)?,
        theirs: parse_opt(r.get(6)?)?,
        theirs_at: r.get(7)?,
        opened_at: r.get(8)?,
        resolved_at: r.get(9)?,
        resolution: r.get::<_, Option<String>>(10)?.map(|s| serde_json::from_str(&s).map_err(bad_json)).transpose()?,
    })
}

pub(crate) fn conflict(c: &Connection, id: i64) -> Result<Option<Conflict>, LibraryError> {
    Ok(c.prepare_cached(&format!("SELECT {CONFLICT_COLUMNS} FROM sync_conflicts WHERE id = ?1"))?
        .query_row([id], conflict_from_row)
        .optional()?)
}

pub(crate) fn conflicts_of(c: &Connection, account: &str, open_only: bool) -> Result<Vec<Conflict>, LibraryError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {CONFLICT_COLUMNS} FROM sync_conflicts WHERE account = ?1 AND (?2 = 0 OR resolved_at IS NULL)
         ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![account, open_only], conflict_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Closes a conflict with its resolution.
pub(crate) fn close_conflict(c: &Connection, id: i64, resolution: &Resolution, now: i64) -> Result<(), LibraryError> {
    c.execute(
        "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
        params![id, now, serde_json::to_string(resolution).unwrap_or_default()],
    )?;
    Ok(())
}

/// Closes every open conflict of an asset in an account (its link is gone).
pub(crate) fn drop_conflicts(c: &Connection, account: &str, asset_id: i64, now: i64) -> Result<(), LibraryError> {
    c.execute(
        "UPDATE sync_conflicts SET resolved_at = ?3, resolution = '{\"kind\":\"theirs\"}'
         WHERE account = ?1 AND asset_id = ?2 AND resolved_at IS NULL",
        params![account, asset_id, now],
    )?;
    Ok(())
}

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<SyncRunRecord> {
    Ok(SyncRunRecord {
        id: r.get(0)?,
        account: r.get(1)?,
        started_at: r.get(2)?,
        finished_at: r.get(3)?,
        dry_run: r.get(4)?,
        outcome: r.get(5)?,
        report: serde_json::from_str(&r.get::<_, String>(6)?).map_err(bad_json)?,
    })
}

impl Library {
    /// Records observations of remote files (upsert by file id).
    pub fn store_remote_files(&self, account: &str, files: &[RemoteFile], now: i64) -> Result<(), LibraryError> {
        self.write(|tx| {
            for f in files {
                store_remote(tx, account, f, now)?;
            }
            Ok(())
        })
    }

    /// After a full id listing: every stored remote file of `account` not in `seen` is marked not
    /// present. Returns how many were marked.
    pub fn finish_full_listing(&self, account: &str, seen: &[String], now: i64) -> Result<u64, LibraryError> {
        self.write(|tx| {
            tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS sync_seen (file_id TEXT PRIMARY KEY) WITHOUT ROWID")?;
            tx.execute("DELETE FROM temp.sync_seen", [])?;
            {
                let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO temp.sync_seen (file_id) VALUES (?1)")?;
                for id in seen {
                    ins.execute([id])?;
                }
            }
            let n = tx.execute(
                "UPDATE sync_remote SET present = 0, observed_at = ?2
                 WHERE account = ?1 AND present = 1 AND file_id NOT IN (SELECT file_id FROM temp.sync_seen)",
                params![account, now],
            )?;
            tx.execute("DELETE FROM temp.sync_seen", [])?;
            Ok(n as u64)
        })
    }

    pub fn sync_state(&self, account: &str) -> Result<SyncState, LibraryError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT checkpoint, last_full_listing, last_run FROM sync_state WHERE account = ?1",
                [account],
                |r| Ok(SyncState { checkpoint: r.get(0)?, last_full_listing: r.get(1)?, last_run: r.get(2)? }),
            )
            .optional()?
            .unwrap_or_default())
        })
    }

    pub fn set_sync_state(&self, account: &str, state: &SyncState) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_state (account, checkpoint, last_full_listing, last_run) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(account) DO UPDATE SET checkpoint = excluded.checkpoint,
                     last_full_listing = excluded.last_full_listing, last_run = excluded.last_run",
                params![account, state.checkpoint, state.last_full_listing, state.last_run],
            )?;
            Ok(())
        })
    }

    pub fn sync_link(&self, account: &str, asset_id: i64) -> Result<Option<SyncLink>, LibraryError> {
        self.read(|c| link(c, account, asset_id))
    }

    /// The stored observation of one remote file.
    pub fn remote_file(&self, account: &str, file_id: &str) -> Result<Option<RemoteFile>, LibraryError> {
        self.read(|c| remote(c, account, file_id))
    }

    /// Opens conflicts (one per asset and field; an open one for the same field is updated).
    pub fn open_conflicts(&self, account: &str, new: &[NewConflict], now: i64) -> Result<Vec<i64>, LibraryError> {
        self.write(|tx| {
            let mut out = Vec::with_capacity(new.len());
            for n in new {
                let id: i64 = tx
                    .prepare_cached(
                        "INSERT INTO sync_conflicts (account, asset_id, field, base, mine, theirs, theirs_at, opened_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                         ON CONFLICT(account, asset_id, field) WHERE resolved_at IS NULL DO UPDATE SET
                             base = excluded.base, mine = excluded.mine, theirs = excluded.theirs,
                             theirs_at = excluded.theirs_at
                         RETURNING id",
                    )?
                    .query_row(
                        params![
                            account,
                            n.asset_id,
                            n.field.to_db(),
                            json_opt(&n.base),
                            json_opt(&n.mine),
                            json_opt(&n.theirs),
                            n.theirs_at,
                            now
                        ],
                        |r| r.get(0),
                    )?;
                out.push(id);
            }
            Ok(out)
        })
    }

    /// The account's conflicts, oldest first; `open_only` leaves out resolved ones.
    pub fn conflicts(&self, account: &str, open_only: bool) -> Result<Vec<Conflict>, LibraryError> {
        self.read(|c| conflicts_of(c, account, open_only))
    }

    /// One conflict by id.
    pub fn conflict(&self, id: i64) -> Result<Option<Conflict>, LibraryError> {
        self.read(|c| conflict(c, id))
    }

    pub fn record_sync_run(&self, run: &SyncRunRecord) -> Result<i64, LibraryError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_runs (account, started_at, finished_at, dry_run, outcome, report)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![run.account, run.started_at, run.finished_at, run.dry_run, run.outcome, run.report.to_string()],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// The newest runs first.
    pub fn sync_runs(&self, account: &str, limit: u32) -> Result<Vec<SyncRunRecord>, LibraryError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, account, started_at, finished_at, dry_run, outcome, report FROM sync_runs
                 WHERE account = ?1 ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![account, limit], run_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
