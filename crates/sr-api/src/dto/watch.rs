//! Wire types of watched folders, their ledger ("Waiting and skipped") and library changes made
//! by other processes. TypeScript bindings are generated from these (see `bindings.rs`).
//!
//! SKELETON (issue 10): the contract between the façade, the CLI (`watch status --json`) and the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the person asks for when adding a watched folder (Settings, or `stockroom watch add`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WatchFolderRequest {
    /// The folder on this computer.
    pub path: String,
    /// Remote folder it maps to; `None`: the library root `/`.
    pub remote_folder: Option<String>,
    pub tags: Vec<String>,
    /// Custom metadata, checked offline against the active account's fields when saved.
    #[ts(type = "Record<string, JsonValue>")]
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub auto_upload: bool,
    /// Exclude globs, matched against the path inside the folder, e.g. `proxies/` folders or `*.xmp`.
    pub excludes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WatchMode {
    Native,
    Polling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RootHealth {
    Online,
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanProgress {
    pub done: u64,
    pub total: u64,
}

/// A watched folder with its rules and how it is watched now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WatchFolder {
    pub id: i64,
    pub path: String,
    pub remote_folder: String,
    pub tags: Vec<String>,
    #[ts(type = "Record<string, JsonValue>")]
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub auto_upload: bool,
    pub excludes: Vec<String>,
    pub paused: bool,
    pub mode: WatchMode,
    /// Why it is polled, in words ("a network drive (nfs): changes are checked every 10 s").
    pub mode_reason: Option<String>,
    pub health: RootHealth,
    /// Why it is offline, in words, and what to do.
    pub health_reason: Option<String>,
    /// Unix seconds.
    pub added_at: i64,
    /// While a reconciliation of this folder runs.
    pub scanning: Option<ScanProgress>,
    /// Files under it in the ledger now.
    pub waiting: u64,
}

/// Why a file is not (yet) in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LedgerReason {
    StillWriting,
    TemporaryName,
    NotMedia,
    Unreadable,
    Damaged,
    Duplicate { asset_id: i64 },
    Excluded,
    LinkLoop,
    Empty,
    ReplacedInPlace { asset_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LedgerState {
    /// May still come in by itself (settling, waiting for a rename).
    Waiting,
    /// Will not come in unless something changes or the person acts.
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LedgerAction {
    Retry,
    IngestAnyway,
    Ignore,
}

/// One file not (yet) ingested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LedgerEntry {
    pub root_id: i64,
    pub path: String,
    pub name: String,
    pub state: LedgerState,
    pub reason: LedgerReason,
    /// The reason in words, with what to do ("Still being written: it comes in 2 s after the last change.").
    pub message: String,
    /// An OS error or the probe's words, when there is one.
    pub detail: Option<String>,
    /// What the person may do with it.
    pub actions: Vec<LedgerAction>,
    /// Unix seconds.
    pub since: i64,
    pub updated_at: i64,
}

/// Everything `watch status` and the top bar's chip show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WatchStatus {
    /// This process runs the library's watcher.
    pub running: bool,
    /// Another process runs it (e.g. `stockroom watch run` in a terminal), in words.
    pub held_by: Option<String>,
    pub folders: Vec<WatchFolder>,
    pub waiting: u64,
    pub skipped: u64,
    pub ledger: Vec<LedgerEntry>,
}

/// Watcher settings (Settings → Watched folders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WatchSettings {
    /// Size and time must hold still this long before a file is ingested (default 2000).
    pub settle_ms: u64,
}

/// What the background watcher did, as it happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WatchEvent {
    Ingested {
        root_id: i64,
        asset_id: i64,
        path: String,
    },
    Moved {
        asset_id: i64,
        from: String,
        to: String,
    },
    Missing {
        asset_ids: Vec<i64>,
    },
    /// The ledger changed: re-read `watch_status`.
    Ledger,
    /// A folder's mode, health or pause changed.
    Folder {
        root_id: i64,
    },
    Scan {
        root_id: i64,
        done: u64,
        total: u64,
    },
    /// The watcher stopped (or could not start), in words.
    Stopped {
        message: String,
    },
}

/// The library was changed (by this process or another): the grid re-reads what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LibraryChange {
    /// Grows with every change any process commits.
    pub version: u64,
}
