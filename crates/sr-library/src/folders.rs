//! Folders: `folders` mirrors each remote account's folder tree (and folders made offline), and
//! `remote_ops` records folder operations made offline as pending remote operations.
//!
//! `remote_ops` is the hand-over to two-way sync: it reads pending rows in `id` order, performs
//! each (`args` is the remote endpoint's JSON body, spec §6), and marks it applied or failed
//! with [`Library::mark_remote_op`]. The local effect (folder rows, assets' folders) is applied
//! at once, so the merchandiser sees the result offline (by the requests in `ops::folders`).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::Value;
use sr_imagekit::names::normalize_folder_path;

use crate::Library;
use crate::organise::OrganiseError;

/// Migration 2, the folders' part.
pub(crate) const MIGRATION_2: &str = r#"
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
"#;

/// Migration 7, the folders' part: a remote operation may also move one file (a watched file
/// moved between mapped subfolders after it was uploaded). SQLite cannot change a CHECK, so the
/// table is rebuilt with the same rows and ids.
pub(crate) const MIGRATION_7: &str = r#"
CREATE TABLE remote_ops_v7 (
    id         INTEGER PRIMARY KEY,
    account    TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('create_folder', 'rename_folder', 'move_folder', 'move_file')),
    args       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at INTEGER NOT NULL
);
INSERT INTO remote_ops_v7 (id, account, kind, args, created_at, state, attempts, last_error, updated_at)
    SELECT id, account, kind, args, created_at, state, attempts, last_error, updated_at FROM remote_ops;
DROP TABLE remote_ops;
ALTER TABLE remote_ops_v7 RENAME TO remote_ops;
CREATE INDEX remote_ops_state ON remote_ops(account, state, id);
"#;

/// A folder as the library knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    /// Canonical path, `/a/b/` (`/` is the root).
    pub path: String,
    /// Known to exist on the remote (from the last fetch).
    pub on_remote: bool,
    /// Assets placed directly in this folder.
    pub asset_count: u64,
}

/// What a pending remote operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteOpKind {
    /// `POST /v1/folder`, args `{folderName, parentFolderPath}`.
    CreateFolder,
    /// `POST /v1/bulkJobs/renameFolder`, args `{folderPath, newFolderName, purgeCache}`.
    RenameFolder,
    /// `POST /v1/bulkJobs/moveFolder`, args `{sourceFolderPath, destinationPath}`.
    MoveFolder,
    /// `POST /v1/files/move`, args `{sourceFilePath, destinationPath}`: an uploaded file whose
    /// watched original moved to another mapped subfolder.
    MoveFile,
    /// `POST /v1/files/addTags` for the asset's file, args `{tag}` (the intent, not the list).
    TagAdd,
    /// `POST /v1/files/removeTags`, args `{tag}`.
    TagRemove,
    /// A `customMetadata` PATCH of one key, args `{key, value}`.
    MetaSet,
    /// A `customMetadata` PATCH of one key to `null`, args `{key}`.
    MetaUnset,
    /// `PUT /v1/files/rename`, args `{name}` (the new name).
    RenameFile,
    /// `DELETE` of the asset's remote file, explicitly asked for; held until confirmed.
    DeleteFile,
}

impl RemoteOpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteOpKind::CreateFolder => "create_folder",
            RemoteOpKind::RenameFolder => "rename_folder",
            RemoteOpKind::MoveFolder => "move_folder",
            RemoteOpKind::MoveFile => "move_file",
            RemoteOpKind::TagAdd => "tag_add",
            RemoteOpKind::TagRemove => "tag_remove",
            RemoteOpKind::MetaSet => "meta_set",
            RemoteOpKind::MetaUnset => "meta_unset",
            RemoteOpKind::RenameFile => "rename_file",
            RemoteOpKind::DeleteFile => "delete_file",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "rename_folder" => RemoteOpKind::RenameFolder,
            "move_folder" => RemoteOpKind::MoveFolder,
            "move_file" => RemoteOpKind::MoveFile,
            "tag_add" => RemoteOpKind::TagAdd,
            "tag_remove" => RemoteOpKind::TagRemove,
            "meta_set" => RemoteOpKind::MetaSet,
            "meta_unset" => RemoteOpKind::MetaUnset,
            "rename_file" => RemoteOpKind::RenameFile,
            "delete_file" => RemoteOpKind::DeleteFile,
            _ => RemoteOpKind::CreateFolder,
        }
    }
}

/// Lifecycle of a remote operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteOpState {
    /// Recorded offline; sync has not applied it yet (it may have failed attempts).
    Pending,
    /// Sync sent it (or is about to) and has not seen the answer: a restart verifies it against
    /// the remote instead of sending it again.
    Sending,
    /// The remote accepted it.
    Applied,
    /// The remote refused it for good; `last_error` says why.
    Failed,
}

impl RemoteOpState {
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteOpState::Pending => "pending",
            RemoteOpState::Sending => "sending",
            RemoteOpState::Applied => "applied",
            RemoteOpState::Failed => "failed",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "applied" => RemoteOpState::Applied,
            "sending" => RemoteOpState::Sending,
            "failed" => RemoteOpState::Failed,
            _ => RemoteOpState::Pending,
        }
    }
    /// Whether sync is done with it.
    pub fn is_terminal(self) -> bool {
        !matches!(self, RemoteOpState::Pending | RemoteOpState::Sending)
    }
}

/// A folder operation made offline, waiting for (or done by) two-way sync.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteOp {
    pub id: i64,
    pub account: String,
    pub kind: RemoteOpKind,
    /// The asset a file intent is about (`None` for folder operations).
    pub asset_id: Option<i64>,
    /// The remote endpoint's JSON body, or the intent's arguments.
    pub args: Value,
    pub created_at: i64,
    pub state: RemoteOpState,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// How one attempt to apply a remote operation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteOpOutcome {
    Applied,
    /// A failure worth retrying later (network, rate limit): stays pending.
    Retry(String),
    /// The remote refused it for good.
    Failed(String),
}

pub(crate) fn folder(path: &str) -> Result<String, OrganiseError> {
    normalize_folder_path(path).map_err(|e| OrganiseError::invalid(e.to_string()))
}

/// `/a/b/` → (`/a/`, `b`); the root has no parent.
pub(crate) fn parent_and_name(path: &str) -> Option<(String, String)> {
    let trimmed = path.trim_end_matches('/');
    let i = trimmed.rfind('/')?;
    let name = &trimmed[i + 1..];
    (!name.is_empty()).then(|| (trimmed[..=i].to_owned(), name.to_owned()))
}

/// The exclusive upper bound of paths under `prefix` (which ends in `/`): `/a/` → `/a0`.
pub(crate) fn prefix_end(prefix: &str) -> String {
    format!("{}0", &prefix[..prefix.len() - 1])
}

pub(crate) fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::from("/");
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        cur.push_str(seg);
        cur.push('/');
        out.push(cur.clone());
    }
    out
}

pub(crate) fn folder_known(c: &Connection, account: &str, path: &str) -> Result<bool, OrganiseError> {
    let in_table = c
        .query_row("SELECT 1 FROM folders WHERE account = ?1 AND path = ?2", params![account, path], |_| Ok(()))
        .optional()?
        .is_some();
    let used = c
        .query_row(
            "SELECT 1 FROM assets WHERE remote_folder >= ?1 AND remote_folder < ?2 LIMIT 1",
            params![path, prefix_end(path)],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    Ok(in_table || used)
}

pub(crate) fn queue(
    tx: &Transaction<'_>,
    account: &str,
    kind: RemoteOpKind,
    args: &Value,
    now: i64,
) -> Result<i64, OrganiseError> {
    tx.execute(
        "INSERT INTO remote_ops (account, kind, args, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![account, kind.as_str(), args.to_string(), now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Folder rows as undo keeps them: `(path, origin)`.
pub(crate) type FolderRows = Vec<(String, String)>;

/// Moves the account's folder rows under `old` to sit under `new` (as made offline). Returns the
/// rows taken away, `(path, origin)`, and the paths put in their place, for undo.
pub(crate) fn move_rows(
    tx: &Transaction<'_>,
    account: &str,
    old: &str,
    new: &str,
) -> Result<(FolderRows, Vec<String>), OrganiseError> {
    let rows: FolderRows = {
        let mut stmt =
            tx.prepare("SELECT path, origin FROM folders WHERE account = ?1 AND path >= ?2 AND path < ?3")?;
        stmt.query_map(params![account, old, prefix_end(old)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut added = Vec::new();
    for (p, _) in &rows {
        tx.execute("DELETE FROM folders WHERE account = ?1 AND path = ?2", params![account, p])?;
    }
    for (p, _) in &rows {
        let moved = format!("{new}{}", &p[old.len()..]);
        tx.execute(
            "INSERT OR REPLACE INTO folders (account, path, origin) VALUES (?1, ?2, 'local')",
            params![account, moved],
        )?;
        added.push(moved);
    }
    Ok((rows, added))
}

/// Undo helper: forget `added` rows, put back `removed` (path, origin) rows.
pub(crate) fn restore_rows(
    tx: &Transaction<'_>,
    account: &str,
    added: &[String],
    removed: &[(String, String)],
) -> Result<(), OrganiseError> {
    for p in added {
        tx.execute("DELETE FROM folders WHERE account = ?1 AND path = ?2", params![account, p])?;
    }
    for (p, origin) in removed {
        tx.execute(
            "INSERT OR REPLACE INTO folders (account, path, origin) VALUES (?1, ?2, ?3)",
            params![account, p, origin],
        )?;
    }
    Ok(())
}

/// Undo helper: withdraws a queued operation, unless sync already sent it.
pub(crate) fn cancel_op(tx: &Transaction<'_>, id: i64) -> Result<(), OrganiseError> {
    let state: Option<String> =
        tx.query_row("SELECT state FROM remote_ops WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    match state.as_deref() {
        None | Some("pending") => {
            tx.execute("DELETE FROM remote_ops WHERE id = ?1", [id])?;
            Ok(())
        }
        Some(_) => Err(OrganiseError::invalid(
            "This folder change has already been sent to the remote, so it cannot be undone here. Change the folder back instead.",
        )),
    }
}

impl Library {
    /// Replaces the account's mirror of the remote folder tree with what sync fetched. Folders
    /// made offline and not yet on the remote are kept.
    pub fn replace_remote_folders(&self, account: &str, paths: &[String]) -> Result<(), OrganiseError> {
        let paths: Vec<String> = paths.iter().map(|p| folder(p)).collect::<Result<_, _>>()?;
        self.edit(|tx| {
            tx.execute("DELETE FROM folders WHERE account = ?1 AND origin = 'remote'", [account])?;
            let mut ins =
                tx.prepare("INSERT OR REPLACE INTO folders (account, path, origin) VALUES (?1, ?2, 'remote')")?;
            for p in &paths {
                for a in ancestors(p) {
                    ins.execute(params![account, a])?;
                }
            }
            Ok(())
        })
    }

    /// Every folder: the remote's, those made offline, and those assets are placed in.
    pub fn folders(&self, account: &str) -> Result<Vec<FolderEntry>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare(
                "WITH used AS (SELECT remote_folder AS path, COUNT(*) AS n FROM assets GROUP BY remote_folder),
                      known AS (SELECT path, origin FROM folders WHERE account = ?1)
                 SELECT k.path, k.origin = 'remote', COALESCE(u.n, 0) FROM known k LEFT JOIN used u ON u.path = k.path
                 UNION ALL
                 SELECT u.path, 0, u.n FROM used u WHERE u.path NOT IN (SELECT path FROM known)
                 ORDER BY 1",
            )?;
            let rows = stmt.query_map([account], |r| {
                Ok(FolderEntry { path: r.get(0)?, on_remote: r.get(1)?, asset_count: r.get::<_, i64>(2)? as u64 })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The account's remote operations in the order sync must apply them; `pending_only` leaves
    /// out applied and failed ones.
    pub fn remote_ops(&self, account: &str, pending_only: bool) -> Result<Vec<RemoteOp>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare(
                "SELECT id, account, kind, args, created_at, state, attempts, last_error FROM remote_ops
                 WHERE account = ?1 AND (?2 = 0 OR state = 'pending') ORDER BY id",
            )?;
            let rows = stmt.query_map(params![account, pending_only], |r| {
                Ok(RemoteOp {
                    id: r.get(0)?,
                    account: r.get(1)?,
                    kind: RemoteOpKind::parse(&r.get::<_, String>(2)?),
                    asset_id: None,
                    args: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or(Value::Null),
                    created_at: r.get(4)?,
                    state: RemoteOpState::parse(&r.get::<_, String>(5)?),
                    attempts: r.get(6)?,
                    last_error: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Records how an attempt to apply a remote operation ended (for two-way sync).
    pub fn mark_remote_op(&self, id: i64, outcome: &RemoteOpOutcome, now: i64) -> Result<(), OrganiseError> {
        let (state, error) = match outcome {
            RemoteOpOutcome::Applied => ("applied", None),
            RemoteOpOutcome::Retry(e) => ("pending", Some(e.as_str())),
            RemoteOpOutcome::Failed(e) => ("failed", Some(e.as_str())),
        };
        self.edit(|tx| {
            let n = tx.execute(
                "UPDATE remote_ops SET state = ?1, attempts = attempts + 1, last_error = ?2, updated_at = ?3
                 WHERE id = ?4 AND state = 'pending'",
                params![state, error, now, id],
            )?;
            if n == 0 {
                return Err(OrganiseError::NotFound(format!("There is no pending remote operation #{id}.")));
            }
            Ok(())
        })
    }
}
