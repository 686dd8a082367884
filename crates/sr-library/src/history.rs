//! The `history` table: each edit batch with the operations that put things back, so the last
//! batch can be undone. Undo itself is not recorded (there is no redo); it pops its batch. This
//! module only stores batches: `edit` records them, `undo` reads one back and applies it.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::organise::OrganiseError;

/// Migration 2, undo's part.
pub(crate) const MIGRATION_2: &str = r#"
-- Undo (history.rs): each edit batch with the operations that reverse it.
CREATE TABLE history (
    batch_id    INTEGER PRIMARY KEY,
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    inverse     TEXT    NOT NULL
);
"#;

/// How many batches are kept; older ones can no longer be undone.
const KEEP_BATCHES: i64 = 100;

/// One step that reverses part of a batch. Stored as JSON in `history.inverse`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Inverse {
    /// Put back an asset's whole tag list.
    SetTags { asset_id: i64, tags: Vec<String> },
    /// Put back an asset's custom metadata object (`None`: it had none).
    SetMetadata { asset_id: i64, json: Option<String> },
    /// Put an asset back in a folder.
    SetFolder { asset_id: i64, folder: String },
    /// Give an asset back its name (the remote file's name).
    SetName { asset_id: i64, name: String },
    /// Forget folder rows a batch added, and put back rows it removed.
    Folders { account: String, added: Vec<String>, removed: Vec<(String, String)> },
    /// Withdraw a remote operation the batch queued (only while still pending).
    CancelRemoteOp { id: i64 },
}

/// Records a batch; returns its id.
pub(crate) fn record(
    tx: &Transaction<'_>,
    description: &str,
    inverse: &[Inverse],
    now: i64,
) -> Result<i64, OrganiseError> {
    let json = serde_json::to_string(inverse)
        .map_err(|e| OrganiseError::invalid(format!("Could not record the edit for undo: {e}")))?;
    tx.execute(
        "INSERT INTO history (description, created_at, inverse) VALUES (?1, ?2, ?3)",
        params![description, now, json],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute("DELETE FROM history WHERE batch_id <= ?1", [id - KEEP_BATCHES])?;
    Ok(id)
}

/// A recorded batch read back: its id, description and steps.
pub(crate) struct Recorded {
    pub batch_id: i64,
    pub description: String,
    pub steps: Vec<Inverse>,
}

/// The most recent batch, if any; a record that cannot be read is refused in words.
pub(crate) fn last(c: &Connection) -> Result<Option<Recorded>, OrganiseError> {
    let last: Option<(i64, String, String)> = c
        .query_row("SELECT batch_id, description, inverse FROM history ORDER BY batch_id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((batch_id, description, json)) = last else { return Ok(None) };
    let steps: Vec<Inverse> = serde_json::from_str(&json).map_err(|e| {
        OrganiseError::invalid(format!("The last edit cannot be undone (its record is unreadable: {e})."))
    })?;
    Ok(Some(Recorded { batch_id, description, steps }))
}

/// Removes a batch once undone.
pub(crate) fn forget(tx: &Connection, batch_id: i64) -> Result<(), OrganiseError> {
    tx.execute("DELETE FROM history WHERE batch_id = ?1", [batch_id])?;
    Ok(())
}

/// Descriptions of the batches that can be undone, newest first.
pub(crate) fn descriptions(c: &Connection, limit: u64) -> Result<Vec<String>, OrganiseError> {
    let mut stmt = c.prepare("SELECT description FROM history ORDER BY batch_id DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
