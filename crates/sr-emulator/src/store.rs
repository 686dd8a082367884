//! Persistence: one SQLite database for the records and one file per stored version under `blobs/`.
//!
//! Invariant: a version's blob is written (under `tmp/`, then renamed) before its row is committed, and
//! blobs are immutable, so copies may hard-link them.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rand::Rng;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::EmulatorError;

/// One stored version of a file. Serialised as JSON in `versions.data`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionRec {
    pub version_id: String,
    pub file_id: String,
    pub number: u32,
    pub size: u64,
    pub mime: String,
    pub file_type: String,
    pub format: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub has_alpha: Option<bool>,
    pub duration: Option<f64>,
    pub bit_rate: Option<u64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub tags: Option<Vec<String>>,
    pub ai_tags: Option<Vec<Value>>,
    pub custom_metadata: Map<String, Value>,
    pub custom_coordinates: Option<String>,
    pub is_private: bool,
    pub is_published: bool,
    pub description: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// File name under `blobs/`.
    pub blob: String,
}

/// A file: its location and which version is current.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub file_id: String,
    /// `/` or `/a/b/` (always with a trailing slash).
    pub folder: String,
    pub name: String,
    pub current: String,
    pub created_at: String,
    pub seq: i64,
}

impl FileRow {
    pub fn path(&self) -> String {
        format!("{}{}", self.folder, self.name)
    }
}

#[derive(Debug, Clone)]
pub struct FolderRow {
    pub folder_id: String,
    /// `/a/b/` with a trailing slash.
    pub path: String,
    pub created_at: String,
    pub updated_at: String,
    pub seq: i64,
}

#[derive(Debug, Clone)]
pub struct FieldRow {
    pub id: String,
    pub name: String,
    pub label: String,
    pub schema: Value,
    pub description: Option<String>,
    pub deleted: bool,
}

pub struct Store {
    conn: Mutex<Connection>,
    pub blobs: PathBuf,
    pub tmp: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files(
  file_id TEXT PRIMARY KEY, folder TEXT NOT NULL, name TEXT NOT NULL, current_version TEXT NOT NULL,
  created_at TEXT NOT NULL, seq INTEGER NOT NULL, UNIQUE(folder, name));
CREATE TABLE IF NOT EXISTS versions(
  version_id TEXT PRIMARY KEY, file_id TEXT NOT NULL, number INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_by_file ON versions(file_id, number);
CREATE TABLE IF NOT EXISTS folders(
  folder_id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fields(
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, label TEXT NOT NULL, schema TEXT NOT NULL, description TEXT,
  deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS used_tokens(token TEXT PRIMARY KEY, used_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS purges(request_id TEXT PRIMARY KEY, url TEXT NOT NULL, polls INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS jobs(job_id TEXT PRIMARY KEY, type TEXT NOT NULL, purge_request_id TEXT,
  polls INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// 24 lowercase hex characters, like the remote's ids (spec §12.2).
pub fn new_id() -> String {
    let bytes: [u8; 12] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// ISO-8601 with milliseconds and `Z`, as the remote prints timestamps.
///
/// Strictly increasing within the process: two changes in the same millisecond get different
/// stamps (the later one a millisecond on), so a client deduping on (fileId, updatedAt) never
/// mistakes a second change for the first.
pub fn now_iso() -> String {
    iso_of_ms(spread_stamps(1)[0])
}

/// `n` non-decreasing stamps (Unix ms) for files seeded together, as if they had arrived one after
/// another: a millisecond apart up to now, several to a millisecond when the time since the last
/// stamp given is shorter than `n` ms, never in the future (unless the last stamp given already
/// is), and all after every stamp given before.
pub fn spread_stamps(n: usize) -> Vec<i64> {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let n = n.max(1);
    let count = i64::try_from(n).unwrap_or(i64::MAX / 4);
    let now = chrono::Utc::now().timestamp_millis();
    let mut prev = LAST.load(Ordering::Relaxed);
    let (first, last) = loop {
        let first = (now - count + 1).max(prev + 1);
        let last = now.max(first);
        match LAST.compare_exchange_weak(prev, last, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break (first, last),
            Err(p) => prev = p,
        }
    };
    let span = (last - first + 1) as i128;
    (0..n).map(|i| first + (i as i128 * span / n as i128) as i64).collect()
}

/// `ms` (Unix milliseconds) as the remote prints timestamps.
pub fn iso_of_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn dir(path: PathBuf) -> Result<PathBuf, EmulatorError> {
    std::fs::create_dir_all(&path).map_err(|source| EmulatorError::DataDir { path: path.clone(), source })?;
    Ok(path)
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store, EmulatorError> {
        dir(data_dir.to_path_buf())?;
        let blobs = dir(data_dir.join("blobs"))?;
        let tmp = dir(data_dir.join("tmp"))?;
        // Partial uploads from a previous run are garbage.
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for e in entries.flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
        let conn = Connection::open(data_dir.join("library.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Mutex::new(conn), blobs, tmp })
    }

    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn blob_path(&self, blob: &str) -> PathBuf {
        self.blobs.join(blob)
    }

    pub fn temp_path(&self) -> PathBuf {
        self.tmp.join(new_id())
    }
}

pub fn next_seq(tx: &Connection) -> rusqlite::Result<i64> {
    let v: Option<String> = tx.query_row("SELECT value FROM meta WHERE key='seq'", [], |r| r.get(0)).optional()?;
    let n = v.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0) + 1;
    tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('seq', ?1)", params![n.to_string()])?;
    Ok(n)
}

fn file_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        file_id: r.get(0)?,
        folder: r.get(1)?,
        name: r.get(2)?,
        current: r.get(3)?,
        created_at: r.get(4)?,
        seq: r.get(5)?,
    })
}

const FILE_COLS: &str = "file_id, folder, name, current_version, created_at, seq";

pub fn get_file(c: &Connection, file_id: &str) -> rusqlite::Result<Option<FileRow>> {
    c.query_row(&format!("SELECT {FILE_COLS} FROM files WHERE file_id=?1"), [file_id], file_from_row).optional()
}

pub fn get_file_at(c: &Connection, folder: &str, name: &str) -> rusqlite::Result<Option<FileRow>> {
    c.query_row(&format!("SELECT {FILE_COLS} FROM files WHERE folder=?1 AND name=?2"), [folder, name], file_from_row)
        .optional()
}

pub fn all_files(c: &Connection) -> rusqlite::Result<Vec<FileRow>> {
    let mut st = c.prepare(&format!("SELECT {FILE_COLS} FROM files ORDER BY seq"))?;
    let rows = st.query_map([], file_from_row)?;
    rows.collect()
}

/// Calls `each` with every file and its current version, in creation order, one row at a time: one
/// query, and memory for one record (a listing of 50,000 files reads them all per page).
pub fn for_each_current(c: &Connection, mut each: impl FnMut(FileRow, VersionRec)) -> rusqlite::Result<()> {
    let cols = FILE_COLS.split(", ").map(|k| format!("f.{k}")).collect::<Vec<_>>().join(", ");
    let mut st = c.prepare(&format!(
        "SELECT {cols}, v.data FROM files f JOIN versions v ON v.version_id = f.current_version ORDER BY f.seq"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let f = file_from_row(r)?;
        let data = r
            .get_ref(6)?
            .as_str()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e)))?;
        if let Ok(v) = serde_json::from_str(data) {
            each(f, v);
        }
    }
    Ok(())
}

pub fn files_under(c: &Connection, folder_prefix: &str) -> rusqlite::Result<Vec<FileRow>> {
    Ok(all_files(c)?.into_iter().filter(|f| f.folder.starts_with(folder_prefix)).collect())
}

pub fn insert_file(c: &Connection, f: &FileRow) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO files(file_id, folder, name, current_version, created_at, seq) VALUES(?1,?2,?3,?4,?5,?6)",
        params![f.file_id, f.folder, f.name, f.current, f.created_at, f.seq],
    )?;
    Ok(())
}

pub fn update_file_location(c: &Connection, file_id: &str, folder: &str, name: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE files SET folder=?2, name=?3 WHERE file_id=?1", params![file_id, folder, name])?;
    Ok(())
}

/// Marks the file changed now: its current version's `updatedAt` moves (what a listing shows and
/// `updatedAt` searches and sorts by).
pub fn touch(c: &Connection, file_id: &str) -> rusqlite::Result<()> {
    if let Some(f) = get_file(c, file_id)?
        && let Some(mut v) = get_version(c, &f.current)?
    {
        v.updated_at = now_iso();
        put_version(c, &v)?;
    }
    Ok(())
}

pub fn set_current(c: &Connection, file_id: &str, version_id: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE files SET current_version=?2 WHERE file_id=?1", params![file_id, version_id])?;
    Ok(())
}

pub fn delete_file_rows(c: &Connection, file_id: &str) -> rusqlite::Result<Vec<String>> {
    let blobs: Vec<String> = versions_of(c, file_id)?.into_iter().map(|v| v.blob).collect();
    c.execute("DELETE FROM versions WHERE file_id=?1", [file_id])?;
    c.execute("DELETE FROM files WHERE file_id=?1", [file_id])?;
    Ok(blobs)
}

pub fn get_version(c: &Connection, version_id: &str) -> rusqlite::Result<Option<VersionRec>> {
    let data: Option<String> =
        c.query_row("SELECT data FROM versions WHERE version_id=?1", [version_id], |r| r.get(0)).optional()?;
    Ok(data.and_then(|d| serde_json::from_str(&d).ok()))
}

pub fn versions_of(c: &Connection, file_id: &str) -> rusqlite::Result<Vec<VersionRec>> {
    let mut st = c.prepare("SELECT data FROM versions WHERE file_id=?1 ORDER BY number")?;
    let rows = st.query_map([file_id], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for d in rows {
        if let Ok(v) = serde_json::from_str(&d?) {
            out.push(v);
        }
    }
    Ok(out)
}

pub fn put_version(c: &Connection, v: &VersionRec) -> rusqlite::Result<()> {
    let data = serde_json::to_string(v).unwrap_or_default();
    c.execute(
        "INSERT OR REPLACE INTO versions(version_id, file_id, number, data) VALUES(?1,?2,?3,?4)",
        params![v.version_id, v.file_id, v.number, data],
    )?;
    Ok(())
}

pub fn delete_version(c: &Connection, version_id: &str) -> rusqlite::Result<()> {
    c.execute("DELETE FROM versions WHERE version_id=?1", [version_id])?;
    Ok(())
}

fn folder_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FolderRow> {
    Ok(FolderRow {
        folder_id: r.get(0)?,
        path: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        seq: r.get(4)?,
    })
}

pub fn all_folders(c: &Connection) -> rusqlite::Result<Vec<FolderRow>> {
    let mut st = c.prepare("SELECT folder_id, path, created_at, updated_at, seq FROM folders ORDER BY seq")?;
    let rows = st.query_map([], folder_from_row)?;
    rows.collect()
}

pub fn get_folder(c: &Connection, path: &str) -> rusqlite::Result<Option<FolderRow>> {
    c.query_row(
        "SELECT folder_id, path, created_at, updated_at, seq FROM folders WHERE path=?1",
        [path],
        folder_from_row,
    )
    .optional()
}

/// Creates `/a/b/` and all its ancestors. `path` must be normalised with a trailing slash.
pub fn ensure_folder(c: &Connection, path: &str) -> rusqlite::Result<()> {
    let mut acc = String::from("/");
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        acc.push_str(seg);
        acc.push('/');
        if get_folder(c, &acc)?.is_none() {
            let now = now_iso();
            let seq = next_seq(c)?;
            c.execute(
                "INSERT INTO folders(folder_id, path, created_at, updated_at, seq) VALUES(?1,?2,?3,?3,?4)",
                params![new_id(), acc, now, seq],
            )?;
        }
    }
    Ok(())
}

pub fn delete_folders_under(c: &Connection, path: &str) -> rusqlite::Result<()> {
    c.execute("DELETE FROM folders WHERE substr(path, 1, length(?1)) = ?1", [path])?;
    Ok(())
}

fn field_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FieldRow> {
    let schema: String = r.get(3)?;
    Ok(FieldRow {
        id: r.get(0)?,
        name: r.get(1)?,
        label: r.get(2)?,
        schema: serde_json::from_str(&schema).unwrap_or(Value::Null),
        description: r.get(4)?,
        deleted: r.get::<_, i64>(5)? != 0,
    })
}

pub fn all_fields(c: &Connection) -> rusqlite::Result<Vec<FieldRow>> {
    let mut st = c.prepare("SELECT id, name, label, schema, description, deleted FROM fields ORDER BY seq")?;
    let rows = st.query_map([], field_from_row)?;
    rows.collect()
}

pub fn put_field(c: &Connection, f: &FieldRow) -> rusqlite::Result<()> {
    let exists: Option<i64> = c.query_row("SELECT seq FROM fields WHERE id=?1", [&f.id], |r| r.get(0)).optional()?;
    let seq = match exists {
        Some(s) => s,
        None => next_seq(c)?,
    };
    c.execute(
        "INSERT OR REPLACE INTO fields(id, name, label, schema, description, deleted, seq) VALUES(?1,?2,?3,?4,?5,?6,?7)",
        params![f.id, f.name, f.label, f.schema.to_string(), f.description, f.deleted as i64, seq],
    )?;
    Ok(())
}

/// Records a one-time token; false when it was used before.
pub fn use_token(c: &Connection, token: &str) -> rusqlite::Result<bool> {
    let n = c.execute(
        "INSERT OR IGNORE INTO used_tokens(token, used_at) VALUES(?1, ?2)",
        params![token, chrono::Utc::now().timestamp()],
    )?;
    Ok(n == 1)
}

pub fn begin(c: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}
