//! Watched folders' tables (layer: tables): the roots and their rules, and one row per path seen
//! under a root — the stat cache that makes a no-change reconciliation cost one `stat` per file,
//! and the ledger of every file not (yet) ingested, with a typed reason.
//!
//! Tables: `watch_roots` (one row per watched folder, its rule, mode and health),
//! `watched_files` (one row per path under a root: its last stat, the asset it is, or why it is
//! not one yet) and `watch_auto_uploads` (assets ingested by a root with auto-upload that the
//! upload queue has not been given yet — written in the ingest's transaction, cleared by sr-api
//! once queued, so a crash never loses or doubles one). Nothing here names another table module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{Library, LibraryError};

/// Migration 7, the watched folders' part (see `schema`).
pub(crate) const MIGRATION_7: &str = r#"
CREATE TABLE watch_roots (
    id            INTEGER PRIMARY KEY,
    path          TEXT    NOT NULL UNIQUE,
    remote_folder TEXT    NOT NULL DEFAULT '/',
    tags          TEXT    NOT NULL DEFAULT '[]',
    metadata      TEXT    NOT NULL DEFAULT '{}',
    auto_upload   INTEGER NOT NULL DEFAULT 0,
    excludes      TEXT    NOT NULL DEFAULT '[]',
    paused        INTEGER NOT NULL DEFAULT 0,
    mode          TEXT    NOT NULL DEFAULT 'native' CHECK (mode IN ('native', 'polling')),
    mode_reason   TEXT,
    health        TEXT    NOT NULL DEFAULT 'online' CHECK (health IN ('online', 'offline')),
    health_reason TEXT,
    added_at      INTEGER NOT NULL
);
CREATE TABLE watched_files (
    path         TEXT    PRIMARY KEY,
    root_id      INTEGER NOT NULL REFERENCES watch_roots(id) ON DELETE CASCADE,
    dev          INTEGER,
    inode        INTEGER,
    size         INTEGER,
    mtime_ns     INTEGER,
    asset_id     INTEGER REFERENCES assets(id) ON DELETE SET NULL,
    state        TEXT    NOT NULL CHECK (state IN ('waiting', 'ingested', 'skipped', 'ignored')),
    reason       TEXT,
    reason_asset INTEGER,
    detail       TEXT,
    first_seen   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX watched_files_root ON watched_files(root_id, path);
CREATE INDEX watched_files_ledger ON watched_files(state, first_seen);
CREATE INDEX watched_files_asset ON watched_files(asset_id);
CREATE TABLE watch_auto_uploads (
    asset_id   INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    root_id    INTEGER,
    created_at INTEGER NOT NULL
);
"#;

/// What the person asked for when adding a watched folder.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWatchRoot {
    /// Absolute path of the watched folder.
    pub path: PathBuf,
    /// Remote folder the root maps to (normalised, `/` … `/`); subfolders map to subfolders.
    pub remote_folder: String,
    /// Tags every ingested file gets.
    pub tags: Vec<String>,
    /// Custom metadata every ingested file gets (already checked against the account's fields).
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// Queue each ingested file for upload (with the queue's pre-flight).
    pub auto_upload: bool,
    /// Extra exclude globs (globset syntax), matched against the path relative to the root.
    pub excludes: Vec<String>,
}

/// How a root is being watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// inotify (notify's recommended watcher).
    Native,
    /// Polling: a network or FUSE filesystem, or not enough inotify watches left.
    Polling,
}

/// Whether a root can be watched now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootHealth {
    Online,
    /// Vanished, unmounted, or lost most of its files at once: nothing under it is marked missing.
    Offline,
}

/// A watched folder as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchRoot {
    pub id: i64,
    pub rule: NewWatchRoot,
    pub paused: bool,
    pub mode: WatchMode,
    /// Why the root is polled (in words), when it is.
    pub mode_reason: Option<String>,
    pub health: RootHealth,
    /// Why the root is offline (in words), when it is.
    pub health_reason: Option<String>,
    /// Unix seconds.
    pub added_at: i64,
}

/// The identity facts of a file from one `stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStat {
    pub dev: u64,
    pub inode: u64,
    pub size: u64,
    pub mtime_ns: i64,
}

/// Where a watched path stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Seen, not ingested yet (settling, or held for a reason that may clear by itself).
    Waiting,
    /// In the library as `asset_id`.
    Ingested,
    /// Will not be ingested unless something changes or the person acts (retry, ingest anyway).
    Skipped,
    /// The person chose to ignore it; never listed as waiting again until its content changes.
    Ignored,
}

/// Why a file is not (yet) in the library. Typed, so retry and ignore can tell them apart; the
/// façade puts each into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// Size or mtime still changing (or the media does not probe yet).
    StillWriting,
    /// `.part`, `.crdownload`, `.tmp`, `.download`, `~$…`, dotfiles: waits for its rename.
    TemporaryName,
    /// Not a photo, video or audio file.
    NotMedia,
    /// Permission denied (file or folder).
    Unreadable,
    /// The media probe failed on a settled file.
    Damaged,
    /// Same content as this asset, already in the library at another path that still exists.
    Duplicate { asset_id: i64 },
    /// Matched an exclude glob or an always-excluded name.
    Excluded,
    /// A folder link that points back into a folder containing it.
    LinkLoop,
    /// Zero bytes.
    Empty,
    /// The file at an ingested asset's path now has other content: a new local version, held
    /// until the person chooses before it is uploaded again.
    ReplacedInPlace { asset_id: i64 },
}

/// One row of the stat cache / ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchedFile {
    pub root_id: i64,
    pub path: PathBuf,
    pub stat: Option<FileStat>,
    pub asset_id: Option<i64>,
    pub state: FileState,
    pub reason: Option<WaitReason>,
    /// Extra words (an OS error, the probe's message).
    pub detail: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    pub updated_at: i64,
}

/// The remote folder a file under `root` maps to: the root's folder plus the file's subfolders.
pub fn remote_folder_for(root: &WatchRoot, path: &Path) -> String {
    let base = root.rule.remote_folder.clone();
    let rel = path.parent().and_then(|p| p.strip_prefix(&root.rule.path).ok());
    let mut joined = base.clone();
    if !joined.ends_with('/') {
        joined.push('/');
    }
    for part in rel.into_iter().flat_map(|r| r.components()) {
        joined.push_str(&part.as_os_str().to_string_lossy());
        joined.push('/');
    }
    sr_imagekit::names::normalize_folder_path(&joined)
        .or_else(|_| sr_imagekit::names::normalize_folder_path(&base))
        .unwrap_or_else(|_| "/".to_owned())
}

impl WatchMode {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchMode::Native => "native",
            WatchMode::Polling => "polling",
        }
    }
    fn parse(s: &str) -> Self {
        if s == "polling" { WatchMode::Polling } else { WatchMode::Native }
    }
}

impl RootHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            RootHealth::Online => "online",
            RootHealth::Offline => "offline",
        }
    }
    fn parse(s: &str) -> Self {
        if s == "offline" { RootHealth::Offline } else { RootHealth::Online }
    }
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            FileState::Waiting => "waiting",
            FileState::Ingested => "ingested",
            FileState::Skipped => "skipped",
            FileState::Ignored => "ignored",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "ingested" => FileState::Ingested,
            "skipped" => FileState::Skipped,
            "ignored" => FileState::Ignored,
            _ => FileState::Waiting,
        }
    }
}

impl WaitReason {
    /// The stable key stored in the ledger (and a handy machine name for the façade).
    pub fn key(self) -> &'static str {
        match self {
            WaitReason::StillWriting => "still_writing",
            WaitReason::TemporaryName => "temporary_name",
            WaitReason::NotMedia => "not_media",
            WaitReason::Unreadable => "unreadable",
            WaitReason::Damaged => "damaged",
            WaitReason::Duplicate { .. } => "duplicate",
            WaitReason::Excluded => "excluded",
            WaitReason::LinkLoop => "link_loop",
            WaitReason::Empty => "empty",
            WaitReason::ReplacedInPlace { .. } => "replaced_in_place",
        }
    }
    /// The asset a duplicate or a replaced file refers to.
    pub fn asset_id(self) -> Option<i64> {
        match self {
            WaitReason::Duplicate { asset_id } | WaitReason::ReplacedInPlace { asset_id } => Some(asset_id),
            _ => None,
        }
    }
    fn parse(key: &str, asset: Option<i64>) -> Option<Self> {
        Some(match key {
            "still_writing" => WaitReason::StillWriting,
            "temporary_name" => WaitReason::TemporaryName,
            "not_media" => WaitReason::NotMedia,
            "unreadable" => WaitReason::Unreadable,
            "damaged" => WaitReason::Damaged,
            "duplicate" => WaitReason::Duplicate { asset_id: asset? },
            "excluded" => WaitReason::Excluded,
            "link_loop" => WaitReason::LinkLoop,
            "empty" => WaitReason::Empty,
            "replaced_in_place" => WaitReason::ReplacedInPlace { asset_id: asset? },
            _ => return None,
        })
    }
}

impl FileStat {
    /// The stat of `path` (following links, as the walk does).
    pub fn of(path: &Path) -> std::io::Result<FileStat> {
        std::fs::metadata(path).map(|m| FileStat::from_metadata(&m))
    }
    pub fn from_metadata(m: &std::fs::Metadata) -> FileStat {
        use std::os::unix::fs::MetadataExt;
        FileStat { dev: m.dev(), inode: m.ino(), size: m.len(), mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec() }
    }
}

const ROOT_COLUMNS: &str = "id, path, remote_folder, tags, metadata, auto_upload, excludes, paused, mode, mode_reason, \
     health, health_reason, added_at";

fn root_from_row(r: &Row<'_>) -> rusqlite::Result<WatchRoot> {
    let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    Ok(WatchRoot {
        id: r.get(0)?,
        rule: NewWatchRoot {
            path: r.get::<_, String>(1)?.into(),
            remote_folder: r.get(2)?,
            tags: serde_json::from_str(&json(3)?).unwrap_or_default(),
            metadata: serde_json::from_str(&json(4)?).unwrap_or_default(),
            auto_upload: r.get(5)?,
            excludes: serde_json::from_str(&json(6)?).unwrap_or_default(),
        },
        paused: r.get(7)?,
        mode: WatchMode::parse(&r.get::<_, String>(8)?),
        mode_reason: r.get(9)?,
        health: RootHealth::parse(&r.get::<_, String>(10)?),
        health_reason: r.get(11)?,
        added_at: r.get(12)?,
    })
}

const FILE_COLUMNS: &str =
    "root_id, path, dev, inode, size, mtime_ns, asset_id, state, reason, reason_asset, detail, first_seen, updated_at";

fn file_from_row(r: &Row<'_>) -> rusqlite::Result<WatchedFile> {
    let stat = match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<i64>>(3)?, r.get::<_, Option<i64>>(4)?) {
        (Some(dev), Some(inode), Some(size)) => Some(FileStat {
            dev: dev as u64,
            inode: inode as u64,
            size: size as u64,
            mtime_ns: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
        }),
        _ => None,
    };
    let reason: Option<String> = r.get(8)?;
    Ok(WatchedFile {
        root_id: r.get(0)?,
        path: r.get::<_, String>(1)?.into(),
        stat,
        asset_id: r.get(6)?,
        state: FileState::parse(&r.get::<_, String>(7)?),
        reason: reason.and_then(|k| WaitReason::parse(&k, r.get::<_, Option<i64>>(9).ok().flatten())),
        detail: r.get(10)?,
        first_seen: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

pub(crate) fn roots(c: &Connection) -> Result<Vec<WatchRoot>, LibraryError> {
    let mut stmt = c.prepare_cached(&format!("SELECT {ROOT_COLUMNS} FROM watch_roots ORDER BY id"))?;
    let rows = stmt.query_map([], root_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn root(c: &Connection, id: i64) -> Result<Option<WatchRoot>, LibraryError> {
    Ok(c.prepare_cached(&format!("SELECT {ROOT_COLUMNS} FROM watch_roots WHERE id = ?1"))?
        .query_row([id], root_from_row)
        .optional()?)
}

/// The root a path lies under, if any.
pub(crate) fn root_of(c: &Connection, path: &Path) -> Result<Option<WatchRoot>, LibraryError> {
    Ok(roots(c)?.into_iter().find(|r| path.starts_with(&r.rule.path)))
}

pub(crate) fn file(c: &Connection, path: &Path) -> Result<Option<WatchedFile>, LibraryError> {
    Ok(c.prepare_cached(&format!("SELECT {FILE_COLUMNS} FROM watched_files WHERE path = ?1"))?
        .query_row([path.to_string_lossy()], file_from_row)
        .optional()?)
}

/// Upserts one row by path. `first_seen` of an existing row is kept.
pub(crate) fn upsert_file(c: &Connection, f: &WatchedFile) -> Result<(), LibraryError> {
    let s = f.stat;
    c.prepare_cached(
        "INSERT INTO watched_files (path, root_id, dev, inode, size, mtime_ns, asset_id, state, reason, reason_asset,
             detail, first_seen, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(path) DO UPDATE SET root_id = excluded.root_id, dev = excluded.dev, inode = excluded.inode,
             size = excluded.size, mtime_ns = excluded.mtime_ns, asset_id = excluded.asset_id,
             state = excluded.state, reason = excluded.reason, reason_asset = excluded.reason_asset,
             detail = excluded.detail, updated_at = excluded.updated_at",
    )?
    .execute(params![
        f.path.to_string_lossy(),
        f.root_id,
        s.map(|s| s.dev as i64),
        s.map(|s| s.inode as i64),
        s.map(|s| s.size as i64),
        s.map(|s| s.mtime_ns),
        f.asset_id,
        f.state.as_str(),
        f.reason.map(WaitReason::key),
        f.reason.and_then(WaitReason::asset_id),
        f.detail,
        f.first_seen,
        f.updated_at,
    ])?;
    Ok(())
}

pub(crate) fn forget_file(c: &Connection, path: &Path) -> Result<(), LibraryError> {
    c.prepare_cached("DELETE FROM watched_files WHERE path = ?1")?.execute([path.to_string_lossy()])?;
    Ok(())
}

/// Notes that `asset_id` still has to be given to the upload queue.
pub(crate) fn want_auto_upload(c: &Connection, asset_id: i64, root_id: i64, now: i64) -> Result<(), LibraryError> {
    c.prepare_cached("INSERT OR IGNORE INTO watch_auto_uploads (asset_id, root_id, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![asset_id, root_id, now])?;
    Ok(())
}

fn refused(message: String) -> LibraryError {
    LibraryError::Refused(message)
}

/// Paths compared as the filesystem sees them, when it can (links resolved).
fn resolved(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned())
}

impl Library {
    /// Adds a watched folder. Refused (a `LibraryError` naming why) when the path is already
    /// watched, inside or around another root, or is (or contains) the library's own folder.
    pub fn add_watch_root(&self, root: &NewWatchRoot, now: i64) -> Result<WatchRoot, LibraryError> {
        if !root.path.is_absolute() {
            return Err(refused(format!(
                "\"{}\" is not a full folder path. Choose the folder with the folder picker, or type its full path.",
                root.path.display()
            )));
        }
        match std::fs::metadata(&root.path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(refused(format!(
                    "{} is a file, not a folder. Choose the folder that holds your files.",
                    root.path.display()
                )));
            }
            Err(_) => {
                return Err(refused(format!(
                    "The folder {} does not exist or cannot be opened. Check the path, or connect the drive it is on.",
                    root.path.display()
                )));
            }
        }
        let path = resolved(&root.path);
        let library = resolved(&self.dir);
        if library.starts_with(&path) || path.starts_with(&library) {
            return Err(refused(format!(
                "{} is, or holds, Stockroom's own library folder ({}). Choose a folder outside it.",
                root.path.display(),
                self.dir.display()
            )));
        }
        let rule = NewWatchRoot { path: path.clone(), ..root.clone() };
        let id = self.write(|tx| {
            for other in roots(tx)? {
                let theirs = resolved(&other.rule.path);
                if theirs == path {
                    return Err(refused(format!("{} is already a watched folder.", root.path.display())));
                }
                if path.starts_with(&theirs) {
                    return Err(refused(format!(
                        "{} is inside the watched folder {}, which already covers it.",
                        root.path.display(),
                        other.rule.path.display()
                    )));
                }
                if theirs.starts_with(&path) {
                    return Err(refused(format!(
                        "{} holds the watched folder {}. Remove that one first, then add this folder.",
                        root.path.display(),
                        other.rule.path.display()
                    )));
                }
            }
            tx.execute(
                "INSERT INTO watch_roots (path, remote_folder, tags, metadata, auto_upload, excludes, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    rule.path.to_string_lossy(),
                    rule.remote_folder,
                    serde_json::to_string(&rule.tags).unwrap_or_else(|_| "[]".into()),
                    serde_json::to_string(&rule.metadata).unwrap_or_else(|_| "{}".into()),
                    rule.auto_upload,
                    serde_json::to_string(&rule.excludes).unwrap_or_else(|_| "[]".into()),
                    now,
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })?;
        self.watch_root(id)?.ok_or_else(|| refused("The watched folder could not be saved.".into()))
    }

    pub fn watch_roots(&self) -> Result<Vec<WatchRoot>, LibraryError> {
        self.read(roots)
    }

    pub fn watch_root(&self, id: i64) -> Result<Option<WatchRoot>, LibraryError> {
        self.read(|c| root(c, id))
    }

    /// Stops watching; forgets the root's stat cache and ledger. Assets stay, and so do their
    /// pending auto-uploads (ingested under the rule, they are still owed to the queue).
    pub fn remove_watch_root(&self, id: i64) -> Result<bool, LibraryError> {
        self.write(|tx| {
            tx.execute("DELETE FROM watched_files WHERE root_id = ?1", [id])?;
            Ok(tx.execute("DELETE FROM watch_roots WHERE id = ?1", [id])? > 0)
        })
    }

    pub fn set_watch_root_paused(&self, id: i64, paused: bool) -> Result<(), LibraryError> {
        self.update_root(id, "UPDATE watch_roots SET paused = ?2 WHERE id = ?1", params![id, paused])
    }

    pub fn set_watch_root_mode(&self, id: i64, mode: WatchMode, reason: Option<&str>) -> Result<(), LibraryError> {
        self.update_root(
            id,
            "UPDATE watch_roots SET mode = ?2, mode_reason = ?3 WHERE id = ?1",
            params![id, mode.as_str(), reason],
        )
    }

    pub fn set_watch_root_health(&self, id: i64, health: RootHealth, reason: Option<&str>) -> Result<(), LibraryError> {
        self.update_root(
            id,
            "UPDATE watch_roots SET health = ?2, health_reason = ?3 WHERE id = ?1",
            params![id, health.as_str(), reason],
        )
    }

    fn update_root(&self, id: i64, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<(), LibraryError> {
        self.write(|tx| {
            if tx.execute(sql, args)? == 0 {
                return Err(refused(format!("There is no watched folder #{id}; it may have been removed.")));
            }
            Ok(())
        })
    }

    /// Every row under a root (the stat cache reconciliation compares a walk with).
    pub fn watched_files(&self, root_id: i64) -> Result<Vec<WatchedFile>, LibraryError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {FILE_COLUMNS} FROM watched_files WHERE root_id = ?1 ORDER BY path"
            ))?;
            let rows = stmt.query_map([root_id], file_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn watched_file(&self, path: &Path) -> Result<Option<WatchedFile>, LibraryError> {
        self.read(|c| file(c, path))
    }

    /// Upserts rows by path, in one transaction.
    pub fn record_watched(&self, rows: &[WatchedFile]) -> Result<(), LibraryError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.write(|tx| rows.iter().try_for_each(|f| upsert_file(tx, f)))
    }

    /// Drops rows by path (a file that left the tree and was never ingested).
    pub fn forget_watched(&self, paths: &[PathBuf]) -> Result<(), LibraryError> {
        if paths.is_empty() {
            return Ok(());
        }
        self.write(|tx| paths.iter().try_for_each(|p| forget_file(tx, p)))
    }

    /// The person chose for a file held as [`WaitReason::ReplacedInPlace`] (keep the new version):
    /// its row becomes ingested, and the asset id is returned so the façade can queue the upload
    /// if that is what they asked. `None` when the path is not held.
    pub fn release_replaced(&self, path: &Path, now: i64) -> Result<Option<i64>, LibraryError> {
        self.write(|tx| {
            let Some(row) = file(tx, path)? else { return Ok(None) };
            let Some(WaitReason::ReplacedInPlace { asset_id }) = row.reason else { return Ok(None) };
            let released = WatchedFile {
                asset_id: Some(asset_id),
                state: FileState::Ingested,
                reason: None,
                detail: None,
                updated_at: now,
                ..row
            };
            upsert_file(tx, &released)?;
            Ok(Some(asset_id))
        })
    }

    /// Every row not ingested and not ignored, oldest first: the "Waiting and skipped" view.
    pub fn watch_ledger(&self) -> Result<Vec<WatchedFile>, LibraryError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {FILE_COLUMNS} FROM watched_files WHERE state IN ('waiting', 'skipped')
                 ORDER BY first_seen, path"
            ))?;
            let rows = stmt.query_map([], file_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Assets ingested by a root with auto-upload that the upload queue has not been given yet,
    /// oldest first. The façade queues each (with the queue's pre-flight), then clears it.
    pub fn pending_auto_uploads(&self) -> Result<Vec<i64>, LibraryError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT asset_id FROM watch_auto_uploads ORDER BY created_at, asset_id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The upload queue has this asset (or it was refused for good): no longer pending.
    pub fn clear_pending_auto_upload(&self, asset_id: i64) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.execute("DELETE FROM watch_auto_uploads WHERE asset_id = ?1", [asset_id])?;
            Ok(())
        })
    }
}
