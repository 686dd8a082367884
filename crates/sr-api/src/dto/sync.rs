//! Wire types of two-way sync: a run's operations (the same list for a dry run and the run after
//! it), its log, conflicts and their resolution, each asset's status, and the settings.
//! The contract between the façade, the CLI (`sync --json`, `conflicts list --json`) and the UI.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// Where an asset stands against the active account's remote library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncSide {
    Local,
    Remote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncOpKind {
    AddTag,
    RemoveTag,
    SetMetadata,
    UnsetMetadata,
    Rename,
    Move,
    Adopt,
    Delete,
    MarkDeleted,
    CreateFolder,
    RenameFolder,
    MoveFolder,
}

/// One change on one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncOp {
    pub side: SyncSide,
    pub kind: SyncOpKind,
    pub asset_id: Option<i64>,
    pub file_id: Option<String>,
    /// The tag, the metadata key, or the folder path.
    pub key: Option<String>,
    #[ts(type = "JsonValue | null")]
    pub from: Option<Value>,
    #[ts(type = "JsonValue | null")]
    pub to: Option<Value>,
    /// In words: `tag "sale" added to dress.mp4 on the remote`.
    pub summary: String,
}

/// One file's failure in a run, with its reason; the next run retries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncItemError {
    pub asset_id: Option<i64>,
    pub file_id: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub will_retry: bool,
}

/// What a run did, or (dry run) would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub run_id: i64,
    pub dry_run: bool,
    /// Every change the run makes (or would), on each side, in order.
    pub operations: Vec<SyncOp>,
    /// Those that went through (a dry run: none).
    pub applied: u64,
    /// Deletes held until confirmed, and why.
    pub held: Vec<SyncOp>,
    pub held_reason: Option<String>,
    /// Set when the run stopped before changing anything, in words (an empty listing, everything changed).
    pub stopped: Option<String>,
    pub notes: Vec<String>,
    pub errors: Vec<SyncItemError>,
    pub conflicts_opened: u64,
    pub requests: u64,
    pub request_ids: Vec<String>,
    pub started_at: i64,
    pub finished_at: i64,
}

/// What the person asks for (the Sync button, Review changes, `stockroom sync`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    pub dry_run: bool,
    /// Let held deletes go ahead.
    pub confirm_deletes: bool,
    /// Run the full listing (delete check) now.
    pub full_listing: bool,
}

/// Progress of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    /// `pull`, `plan`, `push`, `apply`, `done`.
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

/// The top bar's sync line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncOverview {
    pub account: String,
    pub running: bool,
    /// Unix seconds of the last finished run.
    pub last_synced_at: Option<i64>,
    pub open_conflicts: u64,
    /// Local changes not pushed yet.
    pub pending_changes: u64,
    /// Why the last run failed or stopped, in words.
    pub problem: Option<String>,
    /// Unix seconds of the next periodic run, when periodic sync is on.
    pub next_run_at: Option<i64>,
}

/// Which field a conflict is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "field", content = "key", rename_all = "snake_case")]
pub enum ConflictField {
    Name,
    Folder,
    Tag(String),
    Metadata(String),
    Existence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conflict {
    pub id: i64,
    pub asset_id: i64,
    pub asset_name: String,
    pub thumb_url: Option<String>,
    pub field: ConflictField,
    /// The field's label in words ("Metadata · Season", "Name", "Deleted on the remote").
    pub label: String,
    #[ts(type = "JsonValue | null")]
    pub base: Option<Value>,
    #[ts(type = "JsonValue | null")]
    pub mine: Option<Value>,
    #[ts(type = "JsonValue | null")]
    pub theirs: Option<Value>,
    /// When the remote's value was last changed, ISO-8601.
    pub theirs_at: Option<String>,
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ConflictResolution {
    Mine,
    Theirs,
    Value(#[ts(type = "JsonValue")] Value),
}

/// Settles one or more conflicts the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResolveConflicts {
    pub ids: Vec<i64>,
    pub resolution: ConflictResolution,
}

/// One past run in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncRun {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub dry_run: bool,
    /// `done`, `stopped`, `failed`.
    pub outcome: String,
    pub report: SyncReport,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncSettings {
    /// Minutes between periodic runs while the app is open and online; 0: only on demand.
    pub interval_minutes: u32,
    /// Remote-originated deletes above this many files are held until confirmed.
    pub delete_fuse_files: u32,
    /// Hours between full listings (the delete check).
    pub full_listing_hours: u32,
}

// ----- from the lower crates' types (destructured without `..`) -----

impl From<sr_library::sync::SyncStatus> for SyncStatus {
    fn from(s: sr_library::sync::SyncStatus) -> Self {
        use sr_library::sync::SyncStatus as S;
        match s {
            S::LocalOnly => SyncStatus::LocalOnly,
            S::Queued => SyncStatus::Queued,
            S::Synced => SyncStatus::Synced,
            S::ModifiedLocally => SyncStatus::ModifiedLocally,
            S::ChangedRemotely => SyncStatus::ChangedRemotely,
            S::Conflict => SyncStatus::Conflict,
            S::RemoteOnly => SyncStatus::RemoteOnly,
            S::DeletedRemotely => SyncStatus::DeletedRemotely,
            S::MissingFile => SyncStatus::MissingFile,
        }
    }
}

impl From<sr_sync::Side> for SyncSide {
    fn from(s: sr_sync::Side) -> Self {
        match s {
            sr_sync::Side::Local => SyncSide::Local,
            sr_sync::Side::Remote => SyncSide::Remote,
        }
    }
}

impl From<sr_sync::OpKind> for SyncOpKind {
    fn from(k: sr_sync::OpKind) -> Self {
        use sr_sync::OpKind as K;
        match k {
            K::AddTag => SyncOpKind::AddTag,
            K::RemoveTag => SyncOpKind::RemoveTag,
            K::SetMetadata => SyncOpKind::SetMetadata,
            K::UnsetMetadata => SyncOpKind::UnsetMetadata,
            K::Rename => SyncOpKind::Rename,
            K::Move => SyncOpKind::Move,
            K::Adopt => SyncOpKind::Adopt,
            K::Delete => SyncOpKind::Delete,
            K::MarkDeleted => SyncOpKind::MarkDeleted,
            K::CreateFolder => SyncOpKind::CreateFolder,
            K::RenameFolder => SyncOpKind::RenameFolder,
            K::MoveFolder => SyncOpKind::MoveFolder,
        }
    }
}

/// The push-log intents an operation carries out stay inside the engine.
impl From<&sr_sync::Op> for SyncOp {
    fn from(op: &sr_sync::Op) -> Self {
        let sr_sync::Op { side, kind, asset_id, file_id, key, from, to, intents: _, summary } = op;
        SyncOp {
            side: (*side).into(),
            kind: (*kind).into(),
            asset_id: *asset_id,
            file_id: file_id.clone(),
            key: key.clone(),
            from: from.clone(),
            to: to.clone(),
            summary: summary.clone(),
        }
    }
}

impl From<&sr_sync::ItemError> for SyncItemError {
    fn from(e: &sr_sync::ItemError) -> Self {
        let sr_sync::ItemError { asset_id, file_id, message, request_id, will_retry } = e;
        SyncItemError {
            asset_id: *asset_id,
            file_id: file_id.clone(),
            message: message.clone(),
            request_id: request_id.clone(),
            will_retry: *will_retry,
        }
    }
}

/// Why a run stopped before changing anything, in words a merchandiser can act on.
pub fn stop_words(s: &sr_sync::StopReason) -> String {
    match s {
        sr_sync::StopReason::EmptyListing { linked } => format!(
            "Sync stopped before changing anything: the media library listed no files, while {linked} assets here \
             are linked to files there. Check that Settings points at the right account; if the files really were \
             deleted there, sync again with Confirm deletes (`stockroom sync --confirm-deletes`)."
        ),
        sr_sync::StopReason::EverythingChanged { changed } => format!(
            "Sync stopped before changing anything: all {changed} linked files changed on the media library at \
             once, which usually means a bulk edit or a different account. Look at the changes (Review changes, or \
             `stockroom sync --dry-run`) and sync again with Confirm deletes (`--confirm-deletes`) to go ahead."
        ),
    }
}

impl From<&sr_sync::SyncReport> for SyncReport {
    fn from(r: &sr_sync::SyncReport) -> Self {
        let sr_sync::SyncReport {
            run_id,
            dry_run,
            plan,
            applied,
            errors,
            conflicts_opened,
            requests,
            request_ids,
            started_at,
            finished_at,
        } = r;
        // The conflicts a plan opens are counted in `conflicts_opened` and listed by `conflicts`.
        let sr_sync::Plan { operations, held, held_reason, conflicts: _, notes, stop } = plan;
        SyncReport {
            run_id: *run_id,
            dry_run: *dry_run,
            operations: operations.iter().map(SyncOp::from).collect(),
            applied: applied.len() as u64,
            held: held.iter().map(SyncOp::from).collect(),
            held_reason: held_reason.clone(),
            stopped: stop.as_ref().map(stop_words),
            notes: notes.clone(),
            errors: errors.iter().map(SyncItemError::from).collect(),
            conflicts_opened: *conflicts_opened,
            requests: *requests,
            request_ids: request_ids.clone(),
            started_at: *started_at,
            finished_at: *finished_at,
        }
    }
}

impl From<&sr_library::sync::ConflictField> for ConflictField {
    fn from(f: &sr_library::sync::ConflictField) -> Self {
        use sr_library::sync::ConflictField as F;
        match f {
            F::Name => ConflictField::Name,
            F::Folder => ConflictField::Folder,
            F::Tag(t) => ConflictField::Tag(t.clone()),
            F::Metadata(k) => ConflictField::Metadata(k.clone()),
            F::Existence => ConflictField::Existence,
        }
    }
}

impl From<ConflictResolution> for sr_library::sync::Resolution {
    fn from(r: ConflictResolution) -> Self {
        match r {
            ConflictResolution::Mine => sr_library::sync::Resolution::Mine,
            ConflictResolution::Theirs => sr_library::sync::Resolution::Theirs,
            ConflictResolution::Value(v) => sr_library::sync::Resolution::Value(v),
        }
    }
}
