//! The pure planner: local state, remote observations and the base in, a [`Plan`] out.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sr_library::sync::{NewConflict, SyncInputs};

/// Which side an operation changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Local,
    Remote,
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    AddTag,
    RemoveTag,
    SetMetadata,
    UnsetMetadata,
    Rename,
    Move,
    /// Local: a remote file no asset knows becomes a remote-only asset.
    Adopt,
    /// Remote: the asset's remote file is deleted (confirmed).
    Delete,
    /// Local: the asset's remote file is gone; the link is marked deleted remotely (the local file stays).
    MarkDeleted,
    CreateFolder,
    RenameFolder,
    MoveFolder,
}

/// One change a run makes, on one side. The same list for a dry run and the real run after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub side: Side,
    pub kind: OpKind,
    pub asset_id: Option<i64>,
    pub file_id: Option<String>,
    /// The tag, the metadata key, or the folder path.
    pub key: Option<String>,
    pub from: Option<Value>,
    pub to: Option<Value>,
    /// The push-log intents this operation carries out (applied together).
    pub intents: Vec<i64>,
    /// In words, e.g. `tag "sale" added to dress.mp4 on the remote`.
    pub summary: String,
}

/// Why a run stops before applying anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The listing came back empty while the base is not.
    EmptyListing { linked: u64 },
    /// Every linked file changed at once.
    EverythingChanged { changed: u64 },
}

/// Settings that shape a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// Remote-originated deletes above this many files are held (default 20).
    pub delete_fuse_files: u32,
    /// Deletes were confirmed (`--confirm-deletes`): held deletes go ahead.
    pub confirm_deletes: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { delete_fuse_files: 20, confirm_deletes: false }
    }
}

/// What a run will do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// In the order they are applied.
    pub operations: Vec<Op>,
    /// Deletes held by a fuse until confirmed, with why.
    pub held: Vec<Op>,
    pub held_reason: Option<String>,
    /// Conflicts the run opens.
    #[serde(skip)]
    pub conflicts: Vec<NewConflict>,
    /// What the log should say (e.g. a tag added on one side and removed on the other was kept).
    pub notes: Vec<String>,
    pub stop: Option<StopReason>,
}

/// Computes the plan. Pure: the same inputs give the same plan.
pub fn plan(inputs: &SyncInputs, opts: &PlanOptions) -> Plan {
    let _ = (inputs, opts);
    todo!("sync lane")
}
