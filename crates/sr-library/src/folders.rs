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

use crate::organise::OrganiseError;
use crate::{Library, LibraryError};

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

/// Migration 8, the folders' part: the push log of two-way sync. `remote_ops` also carries the
/// intents of organise edits on linked assets (tags, metadata, name, folder, delete), each naming
/// its asset, and a row is `sending` while sync waits for the remote's answer. Rebuilt (a CHECK
/// cannot change) with the same rows and ids.
pub(crate) const MIGRATION_8: &str = r#"
CREATE TABLE remote_ops_v8 (
    id         INTEGER PRIMARY KEY,
    account    TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('create_folder', 'rename_folder', 'move_folder', 'move_file',
                                                'tag_add', 'tag_remove', 'meta_set', 'meta_unset', 'rename_file',
                                                'delete_file')),
    asset_id   INTEGER REFERENCES assets(id) ON DELETE CASCADE,
    args       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'applied', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at INTEGER NOT NULL
);
INSERT INTO remote_ops_v8 (id, account, kind, asset_id, args, created_at, state, attempts, last_error, updated_at)
    SELECT id, account, kind, NULL, args, created_at, state, attempts, last_error, updated_at FROM remote_ops;
DROP TABLE remote_ops;
ALTER TABLE remote_ops_v8 RENAME TO remote_ops;
CREATE INDEX remote_ops_state ON remote_ops(account, state, id);
CREATE INDEX remote_ops_asset ON remote_ops(asset_id, state);
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
    pub(crate) fn parse(s: &str) -> Self {
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
    pub(crate) fn parse(s: &str) -> Self {
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
    queue_for(tx, account, kind, None, args, now)
}

/// Records a push-log row, naming its asset when it is an intent about one.
pub(crate) fn queue_for(
    tx: &Connection,
    account: &str,
    kind: RemoteOpKind,
    asset_id: Option<i64>,
    args: &Value,
    now: i64,
) -> Result<i64, OrganiseError> {
    tx.prepare_cached(
        "INSERT INTO remote_ops (account, kind, asset_id, args, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![account, kind.as_str(), asset_id, args.to_string(), now])?;
    Ok(tx.last_insert_rowid())
}

const OP_COLUMNS: &str = "id, account, kind, asset_id, args, created_at, state, attempts, last_error";

pub(crate) fn op_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RemoteOp> {
    Ok(RemoteOp {
        id: r.get(0)?,
        account: r.get(1)?,
        kind: RemoteOpKind::parse(&r.get::<_, String>(2)?),
        asset_id: r.get(3)?,
        args: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or(Value::Null),
        created_at: r.get(5)?,
        state: RemoteOpState::parse(&r.get::<_, String>(6)?),
        attempts: r.get(7)?,
        last_error: r.get(8)?,
    })
}

/// The account's unfinished rows (pending or sending), in id order.
pub(crate) fn unfinished_ops(c: &Connection, account: &str) -> Result<Vec<RemoteOp>, OrganiseError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM remote_ops WHERE account = ?1 AND state IN ('pending', 'sending') ORDER BY id"
    ))?;
    let rows = stmt.query_map([account], op_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An asset's unfinished intents in one account, in id order.
pub(crate) fn unfinished_intents(c: &Connection, account: &str, asset_id: i64) -> Result<Vec<RemoteOp>, OrganiseError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM remote_ops WHERE asset_id = ?2 AND account = ?1 AND state IN ('pending', 'sending')
         ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![account, asset_id], op_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Withdraws an asset's pending intents in one account (all of them, or of one kind): they can
/// no longer be sent (the link went) or the person took them back.
pub(crate) fn withdraw_intents(
    tx: &Connection,
    account: &str,
    asset_id: i64,
    kind: Option<RemoteOpKind>,
) -> Result<(), OrganiseError> {
    tx.prepare_cached(
        "DELETE FROM remote_ops WHERE account = ?1 AND asset_id = ?2 AND state = 'pending'
             AND (?3 IS NULL OR kind = ?3)",
    )?
    .execute(params![account, asset_id, kind.map(RemoteOpKind::as_str)])?;
    Ok(())
}

/// Marks rows applied (pending or sending ones; others are left as they are).
pub(crate) fn mark_applied(tx: &Connection, ids: &[i64], now: i64) -> Result<(), OrganiseError> {
    tx.prepare_cached(
        "UPDATE remote_ops SET state = 'applied', attempts = attempts + 1, last_error = NULL, updated_at = ?2
         WHERE id IN (SELECT value FROM json_each(?1)) AND state IN ('pending', 'sending')",
    )?
    .execute(params![serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()), now])?;
    Ok(())
}

/// Rewrites a pending row's arguments.
pub(crate) fn update_op_args(tx: &Connection, id: i64, args: &Value, now: i64) -> Result<(), OrganiseError> {
    tx.prepare_cached("UPDATE remote_ops SET args = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'pending'")?
        .execute(params![id, args.to_string(), now])?;
    Ok(())
}

/// A pending intent no longer needed: withdrawn by the person's own later edit (deleted), or
/// already true on the remote after sync moved the base (marked applied, so a run holding its
/// id can still mark it).
pub(crate) fn settle_op(tx: &Connection, id: i64, withdraw: bool, now: i64) -> Result<(), OrganiseError> {
    if withdraw {
        tx.prepare_cached("DELETE FROM remote_ops WHERE id = ?1 AND state = 'pending'")?.execute([id])?;
    } else {
        tx.prepare_cached(
            "UPDATE remote_ops SET state = 'applied', updated_at = ?2 WHERE id = ?1 AND state = 'pending'",
        )?
        .execute(params![id, now])?;
    }
    Ok(())
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
            "This change has already been sent to the remote, so it cannot be undone here. Change it back instead.",
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

    /// The account's remote operations (folder operations and the intents of edits on linked
    /// assets) in the order sync must apply them; `pending_only` leaves out applied and failed
    /// ones (a `sending` one is still unfinished and is listed).
    pub fn remote_ops(&self, account: &str, pending_only: bool) -> Result<Vec<RemoteOp>, OrganiseError> {
        self.look(|c| {
            if pending_only {
                return unfinished_ops(c, account);
            }
            let mut stmt = c.prepare(&format!("SELECT {OP_COLUMNS} FROM remote_ops WHERE account = ?1 ORDER BY id"))?;
            let rows = stmt.query_map([account], op_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Records how an attempt to apply a remote operation ended (for two-way sync), from
    /// `pending` or `sending`. Marking an already applied one applied again changes nothing.
    pub fn mark_remote_op(&self, id: i64, outcome: &RemoteOpOutcome, now: i64) -> Result<(), OrganiseError> {
        let (state, error) = match outcome {
            RemoteOpOutcome::Applied => ("applied", None),
            RemoteOpOutcome::Retry(e) => ("pending", Some(e.as_str())),
            RemoteOpOutcome::Failed(e) => ("failed", Some(e.as_str())),
        };
        self.edit(|tx| {
            let n = tx.execute(
                "UPDATE remote_ops SET state = ?1, attempts = attempts + 1, last_error = ?2, updated_at = ?3
                 WHERE id = ?4 AND state IN ('pending', 'sending')",
                params![state, error, now, id],
            )?;
            if n == 0 {
                let current: Option<String> =
                    tx.query_row("SELECT state FROM remote_ops WHERE id = ?1", [id], |r| r.get(0)).optional()?;
                if current.as_deref() == Some("applied") && state == "applied" {
                    return Ok(());
                }
                return Err(OrganiseError::NotFound(format!("There is no pending remote operation #{id}.")));
            }
            Ok(())
        })
    }

    /// Marks push-log intents as being sent (before the request), so a restart verifies them
    /// instead of sending them again. Only pending ones move; others are left as they are.
    pub fn mark_intents_sending(&self, ids: &[i64], now: i64) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.prepare_cached(
                "UPDATE remote_ops SET state = 'sending', updated_at = ?2
                 WHERE id IN (SELECT value FROM json_each(?1)) AND state = 'pending'",
            )?
            .execute(params![serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()), now])?;
            Ok(())
        })
    }
}
