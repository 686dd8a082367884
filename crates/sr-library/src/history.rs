//! The `history` table: each edit batch with the operations that put things back, so the last
//! batch can be undone. Undo itself is not recorded (there is no redo); it pops its batch.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::organise::OrganiseError;
use crate::search::Indexed;
use crate::{Library, folders, metadata, search, tags};

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

impl Library {
    /// Reverses the most recent edit batch and returns what it was ("Added tag "sale" to 3
    /// assets"). `NotFound` when there is nothing to undo.
    pub fn undo_last(&self, now: i64) -> Result<String, OrganiseError> {
        self.edit(|tx| {
            let last: Option<(i64, String, String)> = tx
                .query_row(
                    "SELECT batch_id, description, inverse FROM history ORDER BY batch_id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((batch_id, description, json)) = last else {
                return Err(OrganiseError::NotFound("There is nothing to undo.".into()));
            };
            let steps: Vec<Inverse> = serde_json::from_str(&json).map_err(|e| {
                OrganiseError::invalid(format!("The last edit cannot be undone (its record is unreadable: {e})."))
            })?;
            // Tag lists are put back together after the loop (one pass over the batch's assets);
            // no other step reads or writes tags, so the order of application is kept.
            let mut tag_lists = Vec::new();
            let mut metadata_touched = Vec::new();
            for step in steps.into_iter().rev() {
                match step {
                    Inverse::SetTags { asset_id, tags: list } => tag_lists.push((asset_id, list)),
                    Inverse::SetMetadata { asset_id, json } => {
                        if asset_exists(tx, asset_id)? {
                            metadata::write_asset_metadata(tx, asset_id, json.as_deref())?;
                            metadata_touched.push(asset_id);
                        }
                    }
                    Inverse::SetFolder { asset_id, folder } => {
                        tx.execute("UPDATE assets SET remote_folder = ?1 WHERE id = ?2", params![folder, asset_id])?;
                    }
                    Inverse::Folders { account, added, removed } => {
                        folders::restore_rows(tx, &account, &added, &removed)?;
                    }
                    Inverse::CancelRemoteOp { id } => folders::cancel_op(tx, id)?,
                }
            }
            let tags_touched = tags::restore_tag_lists(tx, tag_lists)?;
            let mut touched: Vec<i64> = tags_touched.iter().chain(&metadata_touched).copied().collect();
            touched.sort_unstable();
            touched.dedup();
            crate::organise::touch(tx, &touched, now)?;
            search::refresh_fts(tx, &tags_touched, Indexed::Tags)?;
            search::refresh_fts(tx, &metadata_touched, Indexed::Metadata)?;
            tx.execute("DELETE FROM history WHERE batch_id = ?1", [batch_id])?;
            Ok(description)
        })
    }

    /// Descriptions of the batches that can be undone, newest first.
    pub fn undo_stack(&self, limit: u64) -> Result<Vec<String>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare("SELECT description FROM history ORDER BY batch_id DESC LIMIT ?1")?;
            let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

fn asset_exists(tx: &Transaction<'_>, id: i64) -> Result<bool, OrganiseError> {
    Ok(tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some())
}
