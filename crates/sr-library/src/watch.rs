//! Watched folders' tables (layer: tables): the roots and their rules, and one row per path seen
//! under a root — the stat cache that makes a no-change reconciliation cost one `stat` per file,
//! and the ledger of every file not (yet) ingested, with a typed reason.
//!
//! SKELETON (issue 10): signatures agreed between sr-library, sr-watch and sr-api. Bodies are
//! filled in by the sr-library work; nothing here may call another table module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{Library, LibraryError};

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
    let _ = (root, path);
    todo!("sr-library watch: remote_folder_for")
}

impl Library {
    /// Adds a watched folder. Refused (a `LibraryError` naming why) when the path is already
    /// watched, inside or around another root, or is (or contains) the library's own folder.
    pub fn add_watch_root(&self, root: &NewWatchRoot, now: i64) -> Result<WatchRoot, LibraryError> {
        let _ = (root, now);
        todo!("sr-library watch: add_watch_root")
    }
    pub fn watch_roots(&self) -> Result<Vec<WatchRoot>, LibraryError> {
        todo!("sr-library watch: watch_roots")
    }
    pub fn watch_root(&self, id: i64) -> Result<Option<WatchRoot>, LibraryError> {
        let _ = id;
        todo!("sr-library watch: watch_root")
    }
    /// Stops watching; forgets the root's stat cache and ledger. Assets stay.
    pub fn remove_watch_root(&self, id: i64) -> Result<bool, LibraryError> {
        let _ = id;
        todo!("sr-library watch: remove_watch_root")
    }
    pub fn set_watch_root_paused(&self, id: i64, paused: bool) -> Result<(), LibraryError> {
        let _ = (id, paused);
        todo!("sr-library watch: set_watch_root_paused")
    }
    pub fn set_watch_root_mode(&self, id: i64, mode: WatchMode, reason: Option<&str>) -> Result<(), LibraryError> {
        let _ = (id, mode, reason);
        todo!("sr-library watch: set_watch_root_mode")
    }
    pub fn set_watch_root_health(&self, id: i64, health: RootHealth, reason: Option<&str>) -> Result<(), LibraryError> {
        let _ = (id, health, reason);
        todo!("sr-library watch: set_watch_root_health")
    }
    /// Every row under a root (the stat cache reconciliation compares a walk with).
    pub fn watched_files(&self, root_id: i64) -> Result<Vec<WatchedFile>, LibraryError> {
        let _ = root_id;
        todo!("sr-library watch: watched_files")
    }
    pub fn watched_file(&self, path: &Path) -> Result<Option<WatchedFile>, LibraryError> {
        let _ = path;
        todo!("sr-library watch: watched_file")
    }
    /// Upserts rows by path, in one transaction.
    pub fn record_watched(&self, rows: &[WatchedFile]) -> Result<(), LibraryError> {
        let _ = rows;
        todo!("sr-library watch: record_watched")
    }
    /// Drops rows by path (a file that left the tree and was never ingested).
    pub fn forget_watched(&self, paths: &[PathBuf]) -> Result<(), LibraryError> {
        let _ = paths;
        todo!("sr-library watch: forget_watched")
    }
    /// Every row not ingested and not ignored, oldest first: the "Waiting and skipped" view.
    pub fn watch_ledger(&self) -> Result<Vec<WatchedFile>, LibraryError> {
        todo!("sr-library watch: watch_ledger")
    }
}
