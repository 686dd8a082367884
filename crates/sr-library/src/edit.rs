//! The one commit path for an edit batch: a change the merchandiser makes to assets'
//! organisation (tags, custom metadata, folders) is committed here and nowhere else, so what
//! every batch owes is done in one place — the assets are marked changed, the search index is
//! refreshed for what changed, and the inverse is recorded in `history` for undo. (Two-way sync's
//! push log belongs here too, in [`owed`].) Undoing a batch commits through [`undone`] for the
//! same reasons.
//!
//! A change to assets' organisation that the person did not make — a watched folder's default
//! tags and metadata on a file that arrived — commits through [`applied`]: it owes the same
//! (marked changed, indexed, pushed) but is not recorded, so Undo stays the person's own last
//! edit and never takes a folder's tags off a file that just landed.
//!
//! Invariant: a batch is one IMMEDIATE transaction — applied to every asset or to none — and its
//! inverse is recorded in that same transaction, so undo can never see half a batch. Writes that
//! are not changes to assets' organisation (fields and folders fetched from the remote, presets,
//! saved searches, sync's marks) use [`Library::edit`] and are not recorded.

use rusqlite::Transaction;

use crate::Library;
use crate::history::{self, Inverse};
use crate::index::{Indexed, refresh_fts};
use crate::organise::{EditSummary, OrganiseError, touch};

/// What an edit batch did, for [`Library::batch`] to commit.
pub(crate) struct Batch {
    /// Assets whose organisation changed.
    pub changed: Vec<i64>,
    /// The steps that put it back; empty when nothing needed changing (nothing is recorded).
    pub inverse: Vec<Inverse>,
    pub description: String,
    /// The search index column the batch changed.
    pub indexed: Indexed,
}

impl Library {
    /// Runs an edit batch: `f` applies it and says what it did, then the batch is committed
    /// (assets marked changed, search index refreshed, inverse recorded) in the same transaction.
    pub(crate) fn batch(
        &self,
        now: i64,
        f: impl FnOnce(&Transaction<'_>) -> Result<Batch, OrganiseError>,
    ) -> Result<EditSummary, OrganiseError> {
        self.edit(|tx| {
            let batch = f(tx)?;
            commit(tx, batch, now)
        })
    }
}

/// Commits a batch inside [`Library::batch`]'s transaction.
fn commit(tx: &Transaction<'_>, batch: Batch, now: i64) -> Result<EditSummary, OrganiseError> {
    let Batch { changed, inverse, description, indexed } = batch;
    if inverse.is_empty() {
        return Ok(EditSummary { batch_id: None, assets: 0, description: "Nothing needed changing".into() });
    }
    owed(tx, &changed, indexed, now)?;
    let batch_id = history::record(tx, &description, &inverse, now)?;
    Ok(EditSummary { batch_id: Some(batch_id), assets: changed.len() as u64, description })
}

/// Commits a change to assets' organisation that is not the person's edit (a watched folder's
/// tags and metadata on a new file), inside the caller's transaction: the assets are marked
/// changed and their search index refreshed like any batch, but nothing is recorded for undo.
pub(crate) fn applied(tx: &Transaction<'_>, changed: &[i64], indexed: Indexed, now: i64) -> Result<(), OrganiseError> {
    owed(tx, changed, indexed, now)
}

/// What every committed change to assets' organisation owes, recorded for undo or not.
fn owed(tx: &Transaction<'_>, changed: &[i64], indexed: Indexed, now: i64) -> Result<(), OrganiseError> {
    touch(tx, changed, now)?;
    refresh_fts(tx, changed, indexed)
}

/// Commits an undone batch: the assets it put back are marked changed, their search index
/// refreshed, and the batch forgotten (undo is not itself recorded; there is no redo).
pub(crate) fn undone(
    tx: &Transaction<'_>,
    batch_id: i64,
    tags_restored: &[i64],
    metadata_restored: &[i64],
    now: i64,
) -> Result<(), OrganiseError> {
    let mut touched: Vec<i64> = tags_restored.iter().chain(metadata_restored).copied().collect();
    touched.sort_unstable();
    touched.dedup();
    touch(tx, &touched, now)?;
    refresh_fts(tx, tags_restored, Indexed::Tags)?;
    refresh_fts(tx, metadata_restored, Indexed::Metadata)?;
    history::forget(tx, batch_id)
}
