//! Wire types of watched folders, their ledger ("Waiting and skipped") and library changes made
//! by other processes. TypeScript bindings are generated from these (see `bindings.rs`).
//! The contract between the façade, the CLI (`watch status --json`) and the UI.

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
    /// Accept the new content of a file replaced in place as its asset's version.
    KeepNewVersion,
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

// ----- to and from the library's and the watcher's own types -----

impl From<sr_library::watch::WatchMode> for WatchMode {
    fn from(m: sr_library::watch::WatchMode) -> Self {
        match m {
            sr_library::watch::WatchMode::Native => WatchMode::Native,
            sr_library::watch::WatchMode::Polling => WatchMode::Polling,
        }
    }
}

impl From<sr_library::watch::RootHealth> for RootHealth {
    fn from(h: sr_library::watch::RootHealth) -> Self {
        match h {
            sr_library::watch::RootHealth::Online => RootHealth::Online,
            sr_library::watch::RootHealth::Offline => RootHealth::Offline,
        }
    }
}

impl From<sr_library::watch::WaitReason> for LedgerReason {
    fn from(r: sr_library::watch::WaitReason) -> Self {
        use sr_library::watch::WaitReason as W;
        match r {
            W::StillWriting => LedgerReason::StillWriting,
            W::TemporaryName => LedgerReason::TemporaryName,
            W::NotMedia => LedgerReason::NotMedia,
            W::Unreadable => LedgerReason::Unreadable,
            W::Damaged => LedgerReason::Damaged,
            W::Duplicate { asset_id } => LedgerReason::Duplicate { asset_id },
            W::Excluded => LedgerReason::Excluded,
            W::LinkLoop => LedgerReason::LinkLoop,
            W::Empty => LedgerReason::Empty,
            W::ReplacedInPlace { asset_id } => LedgerReason::ReplacedInPlace { asset_id },
        }
    }
}

impl LedgerReason {
    /// What the person may do: retry always; ingest anyway where only a name or the wait holds it
    /// back (the content is not known to be wrong); keep the new version for a file replaced in
    /// place (held until the person chooses); ignore always.
    pub fn actions(self) -> Vec<LedgerAction> {
        match self {
            LedgerReason::StillWriting | LedgerReason::TemporaryName | LedgerReason::Excluded => {
                vec![LedgerAction::Retry, LedgerAction::IngestAnyway, LedgerAction::Ignore]
            }
            LedgerReason::ReplacedInPlace { .. } => {
                vec![LedgerAction::Retry, LedgerAction::KeepNewVersion, LedgerAction::Ignore]
            }
            _ => vec![LedgerAction::Retry, LedgerAction::Ignore],
        }
    }

    /// The reason in words a merchandiser understands, with what to do. `settle_ms` is the
    /// watcher's settle interval.
    pub fn message(self, settle_ms: u64) -> String {
        let settle = if settle_ms.is_multiple_of(1000) {
            format!("{} s", settle_ms / 1000)
        } else {
            format!("{:.1} s", settle_ms as f64 / 1000.0)
        };
        match self {
            LedgerReason::StillWriting => format!(
                "Still being written: it comes in by itself {settle} after its last change. If the copy has \
                 finished, choose Ingest anyway."
            ),
            LedgerReason::TemporaryName => "A temporary name (a download or copy still under way): it comes in \
                 when it is renamed to its final name. Choose Ingest anyway if this is the final file."
                .into(),
            LedgerReason::NotMedia => "Not a photo, video or audio file, so it is not added. Choose Ignore to stop \
                 listing it."
                .into(),
            LedgerReason::Unreadable => "Stockroom may not read it (permission denied). Give your user read access \
                 to the file or its folder, then choose Retry."
                .into(),
            LedgerReason::Damaged => "It does not open as a photo, video or audio file: it may be damaged or not \
                 completely copied. Copy it again, then choose Retry."
                .into(),
            LedgerReason::Duplicate { asset_id } => {
                format!("The same content is already in the library as asset #{asset_id}, so it is not added twice.")
            }
            LedgerReason::Excluded => "Excluded by the folder's rules (an exclude pattern, or a name Stockroom \
                 always skips). Choose Ingest anyway to add it regardless."
                .into(),
            LedgerReason::LinkLoop => "A folder link that leads back into a folder around it, so Stockroom does \
                 not follow it. Remove the link, or ignore it."
                .into(),
            LedgerReason::Empty => "The file is empty (0 bytes). It comes in once it has content; choose Retry \
                 after it is copied again."
                .into(),
            LedgerReason::ReplacedInPlace { asset_id } => format!(
                "This file was replaced with other content; asset #{asset_id} now holds the new version on this \
                 computer. Choose Keep new version to accept it: it is then uploaded only when you queue it."
            ),
        }
    }
}

impl From<sr_library::watch::FileState> for LedgerState {
    /// A row the ledger lists is waiting (may still come in by itself) or skipped.
    fn from(s: sr_library::watch::FileState) -> Self {
        match s {
            sr_library::watch::FileState::Waiting => LedgerState::Waiting,
            _ => LedgerState::Skipped,
        }
    }
}

impl From<sr_watch::WatchEvent> for WatchEvent {
    fn from(e: sr_watch::WatchEvent) -> Self {
        let p = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
        match e {
            sr_watch::WatchEvent::Ingested { root_id, asset_id, path, auto_upload: _ } => {
                WatchEvent::Ingested { root_id, asset_id, path: p(path) }
            }
            sr_watch::WatchEvent::Moved { asset_id, from, to } => {
                WatchEvent::Moved { asset_id, from: p(from), to: p(to) }
            }
            sr_watch::WatchEvent::Missing { asset_ids } => WatchEvent::Missing { asset_ids },
            sr_watch::WatchEvent::Ledger => WatchEvent::Ledger,
            sr_watch::WatchEvent::Root { root_id } => WatchEvent::Folder { root_id },
            sr_watch::WatchEvent::Scan { root_id, done, total } => WatchEvent::Scan { root_id, done, total },
        }
    }
}
