//! Organisation's vocabulary, below every table: the error callers branch on, what a batch did,
//! and the selection helpers every table and request uses (ids once each, that they are assets,
//! marking them changed), and `Library::edit`, a writer transaction with these errors. An edit
//! batch — a change the merchandiser makes to assets' organisation — commits through
//! `Library::batch` in `edit` instead, which runs in one of these.

use crate::{Library, LibraryError};

/// The account key of the built-in sandbox remote (the emulator), whose demo metadata fields are
/// seeded on first open so they are there offline.
pub const SANDBOX_ACCOUNT: &str = "sandbox";

/// Why an organisation request was refused. `Invalid` carries a message for a merchandiser that
/// names the asset, tag or field and the rule; nothing was saved.
#[derive(Debug, thiserror::Error)]
pub enum OrganiseError {
    /// The request breaks one of the remote's rules (tags, metadata, folders, searchQuery).
    #[error("{message}")]
    Invalid {
        message: String,
        /// Per-field problems for custom metadata, so an editor can show each beside its field.
        problems: Vec<FieldProblem>,
    },
    /// An asset, tag, folder or saved search that is not in the library.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl OrganiseError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        OrganiseError::Invalid { message: message.into(), problems: Vec::new() }
    }
}

impl From<rusqlite::Error> for OrganiseError {
    fn from(e: rusqlite::Error) -> Self {
        OrganiseError::Library(LibraryError::Sqlite(e))
    }
}

/// One custom-metadata problem: which asset (when it depends on the asset), which field, what.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    pub asset_id: Option<i64>,
    /// The field's key in `customMetadata`.
    pub key: String,
    pub message: String,
}

/// What an edit batch did; `batch_id` is what `undo_last` reverses.
#[derive(Debug, Clone, PartialEq)]
pub struct EditSummary {
    /// `None` when nothing needed changing (nothing is recorded for undo then).
    pub batch_id: Option<i64>,
    /// Assets whose organisation changed.
    pub assets: u64,
    pub description: String,
}

impl Library {
    /// Runs `f` in one IMMEDIATE transaction on the writer, with organisation errors; any error
    /// rolls everything back. An edit batch commits through `Library::batch` (`edit.rs`) instead.
    pub(crate) fn edit<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, OrganiseError>,
    ) -> Result<T, OrganiseError> {
        self.transaction(f)
    }

    /// Runs `f` on a pooled reader, with organisation errors.
    pub(crate) fn look<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, OrganiseError>,
    ) -> Result<T, OrganiseError> {
        let mut out = None;
        self.read(|c| {
            out = Some(f(c));
            Ok(())
        })?;
        out.expect("reader ran")
    }
}

/// Ids once each, in the order given; an empty selection is refused.
pub(crate) fn distinct_ids(ids: &[i64]) -> Result<Vec<i64>, OrganiseError> {
    if ids.is_empty() {
        return Err(OrganiseError::invalid("Select at least one asset first."));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    Ok(ids.iter().copied().filter(|id| seen.insert(*id)).collect())
}

/// Ids as a JSON array, for `json_each`: a batch is one statement however many assets it has.
pub(crate) fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// Checks that every id is an asset; returns `(id, name)` in the given order.
pub(crate) fn asset_names(tx: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<(i64, String)>, OrganiseError> {
    let mut stmt = tx.prepare_cached("SELECT id, name FROM assets WHERE id IN (SELECT value FROM json_each(?1))")?;
    let names: std::collections::HashMap<i64, String> =
        stmt.query_map([ids_json(ids)], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        match names.get(&id) {
            Some(name) => out.push((id, name.clone())),
            None => {
                return Err(OrganiseError::NotFound(format!(
                    "There is no asset #{id} in this library; it may have been removed. Refresh and try again."
                )));
            }
        }
    }
    Ok(out)
}

/// Marks assets as changed (the remote's `updatedAt`).
pub(crate) fn touch(tx: &rusqlite::Connection, ids: &[i64], now: i64) -> Result<(), OrganiseError> {
    if ids.is_empty() {
        return Ok(());
    }
    tx.prepare_cached("UPDATE assets SET updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))")?
        .execute(rusqlite::params![now, ids_json(ids)])?;
    Ok(())
}
