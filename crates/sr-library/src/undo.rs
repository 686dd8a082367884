//! Undo: reads the last recorded batch back from `history` and gives each step to the table it
//! belongs to, then commits through `edit::undone`. Recording batches is `edit`'s (and the
//! `history` table's); this module only dispatches.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::history::{self, Inverse};
use crate::organise::OrganiseError;
use crate::{Library, edit, folders, metadata, tags};

impl Library {
    /// Reverses the most recent edit batch and returns what it was ("Added tag "sale" to 3
    /// assets"). `NotFound` when there is nothing to undo.
    pub fn undo_last(&self, now: i64) -> Result<String, OrganiseError> {
        self.edit(|tx| {
            let Some(history::Recorded { batch_id, description, steps }) = history::last(tx)? else {
                return Err(OrganiseError::NotFound("There is nothing to undo.".into()));
            };
            // Which synced fields of which assets the steps put back, for sync's push log.
            let fields = edit::touched_by(&steps);
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
                    Inverse::SetName { asset_id, name } => {
                        tx.execute("UPDATE assets SET name = ?1 WHERE id = ?2", params![name, asset_id])?;
                    }
                    Inverse::Folders { account, added, removed } => {
                        folders::restore_rows(tx, &account, &added, &removed)?;
                    }
                    Inverse::CancelRemoteOp { id } => folders::cancel_op(tx, id)?,
                }
            }
            let tags_touched = tags::restore_tag_lists(tx, tag_lists)?;
            edit::undone(tx, batch_id, &tags_touched, &metadata_touched, &fields, now)?;
            Ok(description)
        })
    }

    /// Descriptions of the batches that can be undone, newest first.
    pub fn undo_stack(&self, limit: u64) -> Result<Vec<String>, OrganiseError> {
        self.look(|c| history::descriptions(c, limit))
    }
}

fn asset_exists(tx: &Transaction<'_>, id: i64) -> Result<bool, OrganiseError> {
    Ok(tx.query_row("SELECT 1 FROM assets WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some())
}
