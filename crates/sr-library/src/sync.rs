//! Two-way sync's tables (tables layer): for each account, the **remote tree** (`sync_remote`:
//! the last observation of every remote file, from listings), the **links** (`sync_links`: which
//! asset is which remote file, with the **base** — the last agreed value of every synced field),
//! the **conflicts** (`sync_conflicts`: records, one per asset and field, never renamed files), the
//! **run history** (`sync_runs`) and the **checkpoint** (`sync_state`). The push log of local
//! intents is `remote_ops` (folders' table, generalised in migration 8).
//!
//! The synced fields of an asset are its name (`assets.name`), its folder (`assets.remote_folder`),
//! its tags (as a set) and each custom-metadata key. A planner reads [`SyncInputs`]; applying a
//! plan writes through the calls below, each one transaction.
//!
//! Invariant: a remote observation is never a local change by itself; only applying a plan moves
//! local values or the base. A link's base only moves to a value both sides agreed on.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::folders::RemoteOp;
use crate::organise::{EditSummary, OrganiseError};
use crate::{Asset, Library, LibraryError};

/// Migration 8, the sync tables' part.
pub(crate) const MIGRATION_8: &str = r#"
-- filled in by the library lane
"#;

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

impl Library {
    /// Everything the planner needs for `account`, read in one snapshot.
    pub fn sync_inputs(&self, account: &str) -> Result<SyncInputs, LibraryError> {
        let _ = account;
        todo!("library lane")
    }

    /// Records observations of remote files (upsert by file id).
    pub fn store_remote_files(&self, account: &str, files: &[RemoteFile], now: i64) -> Result<(), LibraryError> {
        let _ = (account, files, now);
        todo!("library lane")
    }

    /// After a full id listing: every stored remote file of `account` not in `seen` is marked not
    /// present. Returns how many were marked.
    pub fn finish_full_listing(&self, account: &str, seen: &[String], now: i64) -> Result<u64, LibraryError> {
        let _ = (account, seen, now);
        todo!("library lane")
    }

    pub fn sync_state(&self, account: &str) -> Result<SyncState, LibraryError> {
        let _ = account;
        todo!("library lane")
    }

    pub fn set_sync_state(&self, account: &str, state: &SyncState) -> Result<(), LibraryError> {
        let _ = (account, state);
        todo!("library lane")
    }

    /// Links an asset to a remote file; the base becomes the file's fields and the asset's synced
    /// fields are set to them where they differ (an upload's sanitised name). Uploads call this
    /// when a job is done. Re-linking the same pair updates it.
    pub fn link_asset(&self, account: &str, asset_id: i64, file: &RemoteFile, now: i64) -> Result<(), LibraryError> {
        let _ = (account, asset_id, file, now);
        todo!("library lane")
    }

    pub fn sync_link(&self, account: &str, asset_id: i64) -> Result<Option<SyncLink>, LibraryError> {
        let _ = (account, asset_id);
        todo!("library lane")
    }

    /// Applies a remote change locally (see [`LocalApply`]) and moves the base of those fields.
    pub fn apply_remote_change(
        &self,
        account: &str,
        asset_id: i64,
        change: &LocalApply,
        now: i64,
    ) -> Result<(), OrganiseError> {
        let _ = (account, asset_id, change, now);
        todo!("library lane")
    }

    /// Sets the base of a link (after a push both sides now agree on).
    pub fn set_base(&self, account: &str, asset_id: i64, base: &Fields, now: i64) -> Result<(), LibraryError> {
        let _ = (account, asset_id, base, now);
        todo!("library lane")
    }

    /// A remote file no asset knows becomes a remote-only asset (with its tags, metadata and
    /// folder, linked, base = its fields). Returns the asset id.
    pub fn adopt_remote_file(&self, account: &str, file: &RemoteFile, now: i64) -> Result<i64, LibraryError> {
        let _ = (account, file, now);
        todo!("library lane")
    }

    /// Forgets a link (after a confirmed delete, or "take theirs" on a remote delete). The asset
    /// and its local file stay.
    pub fn unlink_asset(&self, account: &str, asset_id: i64, now: i64) -> Result<(), LibraryError> {
        let _ = (account, asset_id, now);
        todo!("library lane")
    }

    /// Opens conflicts (one per asset and field; an open one for the same field is updated).
    pub fn open_conflicts(&self, account: &str, new: &[NewConflict], now: i64) -> Result<Vec<i64>, LibraryError> {
        let _ = (account, new, now);
        todo!("library lane")
    }

    pub fn conflicts(&self, account: &str, open_only: bool) -> Result<Vec<Conflict>, LibraryError> {
        let _ = (account, open_only);
        todo!("library lane")
    }

    /// Settles a conflict: `Mine` keeps the local value and records the intent to push it (the
    /// base becomes theirs); `Theirs` sets the local value to theirs (base too); `Value` sets it
    /// locally and records the intent. One transaction.
    pub fn resolve_conflict(&self, id: i64, resolution: &Resolution, now: i64) -> Result<Conflict, OrganiseError> {
        let _ = (id, resolution, now);
        todo!("library lane")
    }

    /// Marks a push-log intent as being sent (before the request), so a restart verifies it
    /// instead of sending it again.
    pub fn mark_intents_sending(&self, ids: &[i64], now: i64) -> Result<(), LibraryError> {
        let _ = (ids, now);
        todo!("library lane")
    }

    pub fn record_sync_run(&self, run: &SyncRunRecord) -> Result<i64, LibraryError> {
        let _ = run;
        todo!("library lane")
    }

    /// The newest runs first.
    pub fn sync_runs(&self, account: &str, limit: u32) -> Result<Vec<SyncRunRecord>, LibraryError> {
        let _ = (account, limit);
        todo!("library lane")
    }

    /// Each asset's status against `account`.
    pub fn sync_statuses(&self, account: &str, ids: &[i64]) -> Result<Vec<(i64, SyncStatus)>, LibraryError> {
        let _ = (account, ids);
        todo!("library lane")
    }

    /// Asks for linked assets to be deleted from the remote (an explicit request): records a
    /// `delete_file` intent each; sync holds them until confirmed. Nothing local is deleted.
    pub fn request_remote_delete(&self, ids: &[i64], now: i64) -> Result<EditSummary, OrganiseError> {
        let _ = (ids, now);
        todo!("library lane")
    }

    /// Renames an asset (the name it has on the remote): an edit batch, undoable, pushed by sync.
    pub fn rename_asset(&self, id: i64, name: &str, now: i64) -> Result<EditSummary, OrganiseError> {
        let _ = (id, name, now);
        todo!("library lane")
    }

    /// A remote-only asset's original was downloaded to `path`: identify it and make it a local
    /// asset (same id, tags, metadata and link).
    pub fn make_local(&self, asset_id: i64, path: &std::path::Path, now: i64) -> Result<Asset, LibraryError> {
        let _ = (asset_id, path, now);
        todo!("library lane")
    }

    /// Records a thumbnail file for an asset (a remote-only asset's fetched thumbnail).
    pub fn set_thumbnail(&self, asset_id: i64, path: &std::path::Path) -> Result<(), LibraryError> {
        let _ = (asset_id, path);
        todo!("library lane")
    }
}
