//! Ingest of one watched file (layer: requests): the same identify-and-probe path as a drop, then
//! one IMMEDIATE transaction keyed on the content hash that records the asset, its root's tags,
//! metadata and remote folder, and its ledger row — so a crash at any point never ingests the same
//! content twice. Also the moves and disappearances the watcher finds.
//!
//! A watched root's default tags and metadata are applied to a new asset in the ingest's
//! transaction and committed by `edit` (marked changed, indexed) without an undo record: they are
//! the folder's rule, not the person's edit, so Undo never takes them off a file that arrived. A root with
//! auto-upload notes the asset in `watch_auto_uploads` in that same transaction; the façade
//! queues it and clears the note, so a crash between the two never loses or doubles an upload.

use std::path::{Path, PathBuf};

use rusqlite::{Transaction, params};
use serde_json::json;

use crate::edit::{Settle, Touched, applied, push_intents};
use crate::folders::{RemoteOpKind, queue};
use crate::import::{NotIdentified, Placed, identify, io_reason, place};
use crate::index::Indexed;
use crate::organise::{OrganiseError, ids_json};
use crate::watch::{FileStat, FileState, WaitReason, WatchRoot, WatchedFile, forget_file, remote_folder_for};
use crate::{Asset, AssetStatus, Library, LibraryError, assets, metadata, tags, watch};

/// What ingesting one path did.
#[derive(Debug, Clone, PartialEq)]
pub enum IngestOutcome {
    /// A new asset.
    Ingested { asset: Asset, auto_upload: bool },
    /// The content was already an asset whose file is gone: that asset now lives here (id, tags,
    /// metadata, presets and remote link kept).
    Moved { asset: Asset, from: PathBuf },
    /// This exact path and content is already the asset.
    AlreadyKnown { asset_id: i64 },
    /// Not ingested; the ledger row says why.
    Skipped { reason: WaitReason, detail: Option<String> },
}

impl Library {
    /// Hashes and probes `path` outside any transaction, checks the file's stat before hashing
    /// equals `expect` and equals the stat after, then records it in one transaction (see module).
    pub fn ingest_watched(
        &self,
        root: &WatchRoot,
        path: &Path,
        expect: FileStat,
        now: i64,
    ) -> Result<IngestOutcome, LibraryError> {
        let previous = self.watched_file(path)?;
        // A row that holds a file keeps the asset the path was (so a later disappearance still
        // marks it missing).
        let linked = previous.as_ref().and_then(|p| p.asset_id);
        let hold = |stat, reason, detail| self.hold(root, path, stat, linked, reason, detail, now);
        let before = match FileStat::of(path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return self.gone(path, previous.as_ref()),
            Err(e) => return hold(None, WaitReason::Unreadable, Some(io_reason(&e))),
        };
        if let Some(prev) = &previous
            && prev.state == FileState::Ignored
            && prev.stat == Some(before)
        {
            // The person chose to ignore this content: it stays ignored until it changes.
            return Ok(IngestOutcome::Skipped {
                reason: prev.reason.unwrap_or(WaitReason::StillWriting),
                detail: prev.detail.clone(),
            });
        }
        if before != expect {
            return hold(Some(before), WaitReason::StillWriting, None);
        }
        if before.size == 0 {
            return hold(Some(before), WaitReason::Empty, None);
        }
        // Fast path: this very file (same identity facts) is already the asset at this path.
        if let Some(prev) = &previous
            && prev.state == FileState::Ingested
            && prev.stat == Some(before)
            && let Some(id) = prev.asset_id
            && let Some(asset) = self.asset(id)?.filter(|a| a.path == path && a.status == AssetStatus::Local)
        {
            self.ensure_thumbnail(&asset);
            return Ok(IngestOutcome::AlreadyKnown { asset_id: id });
        }

        let folder = remote_folder_for(root, path);
        let identified = identify(path, before.size, before.mtime_ns, &folder, now);
        match FileStat::of(path) {
            Ok(after) if after == before => {}
            Ok(after) => return hold(Some(after), WaitReason::StillWriting, None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return self.gone(path, previous.as_ref()),
            Err(e) => return hold(None, WaitReason::Unreadable, Some(io_reason(&e))),
        }
        let asset = match identified {
            Ok(a) => a,
            Err(e) => {
                let reason = match &e {
                    NotIdentified::Io(_) => WaitReason::Unreadable,
                    NotIdentified::Empty => WaitReason::Empty,
                    NotIdentified::NotMedia => WaitReason::NotMedia,
                    NotIdentified::Probe(_) => WaitReason::Damaged,
                };
                return hold(Some(before), reason, Some(e.reason()));
            }
        };

        // A replaced file waits for the person's choice, however often it is looked at again.
        let held = previous.as_ref().and_then(|p| match p.reason {
            Some(WaitReason::ReplacedInPlace { asset_id }) if p.state == FileState::Skipped => Some(asset_id),
            _ => None,
        });
        let outcome = self.transaction(|tx| {
            let placed = place(tx, asset)?;
            let row = |state, asset_id: Option<i64>, reason: Option<WaitReason>, detail: Option<String>| WatchedFile {
                root_id: root.id,
                path: path.to_owned(),
                stat: Some(before),
                asset_id,
                state,
                reason,
                detail,
                first_seen: now,
                updated_at: now,
            };
            Ok::<_, LibraryError>(match placed {
                Placed::Known(a) if held == Some(a.id) => {
                    let reason = WaitReason::ReplacedInPlace { asset_id: a.id };
                    let detail =
                        previous.as_ref().and_then(|p| p.detail.clone()).or_else(|| Some(replaced_words(&a.name)));
                    watch::upsert_file(tx, &row(FileState::Skipped, Some(a.id), Some(reason), detail.clone()))?;
                    IngestOutcome::Skipped { reason, detail }
                }
                Placed::Known(a) => {
                    if a.status != AssetStatus::Local {
                        set_local(tx, a.id, now)?;
                    }
                    watch::upsert_file(tx, &row(FileState::Ingested, Some(a.id), None, None))?;
                    IngestOutcome::AlreadyKnown { asset_id: a.id }
                }
                Placed::Duplicate(a) => {
                    let reason = WaitReason::Duplicate { asset_id: a.id };
                    let detail = Some(format!("Same content as \"{}\" ({}).", a.name, a.path.display()));
                    watch::upsert_file(tx, &row(FileState::Skipped, None, Some(reason), detail.clone()))?;
                    IngestOutcome::Skipped { reason, detail }
                }
                Placed::Moved { asset, from } => {
                    let (asset, _) = relocate_in(tx, asset.id, path, before, Some(&folder), now)?;
                    forget_file(tx, &from)?;
                    IngestOutcome::Moved { asset, from }
                }
                Placed::Replaced(a) => {
                    let reason = WaitReason::ReplacedInPlace { asset_id: a.id };
                    let detail = Some(replaced_words(&a.name));
                    watch::upsert_file(tx, &row(FileState::Skipped, Some(a.id), Some(reason), detail.clone()))?;
                    IngestOutcome::Skipped { reason, detail }
                }
                Placed::New(a) => {
                    apply_defaults(tx, root, a.id, now)?;
                    watch::upsert_file(tx, &row(FileState::Ingested, Some(a.id), None, None))?;
                    if root.rule.auto_upload {
                        watch::want_auto_upload(tx, a.id, root.id, now)?;
                    }
                    let asset = assets::get(tx, a.id)?.expect("row just written");
                    IngestOutcome::Ingested { asset, auto_upload: root.rule.auto_upload }
                }
            })
        })?;
        match &outcome {
            IngestOutcome::Ingested { asset, .. } | IngestOutcome::Moved { asset, .. } => self.ensure_thumbnail(asset),
            IngestOutcome::AlreadyKnown { asset_id } => {
                if let Some(asset) = self.asset(*asset_id)? {
                    self.ensure_thumbnail(&asset);
                }
            }
            IngestOutcome::Skipped { .. } => {}
        }
        Ok(outcome)
    }

    /// Writes the asset's thumbnail if it has none yet (also after a crash between an ingest's
    /// commit and its thumbnail). One that cannot be made is not an ingest failure: the grid
    /// shows a placeholder.
    fn ensure_thumbnail(&self, asset: &Asset) {
        if asset.thumb_path.as_ref().is_none_or(|p| !p.exists()) {
            let _ = self.write_thumbnails(std::slice::from_ref(asset), THUMB_EDGE, &|_| {}, None);
        }
    }

    /// The file went before it could be read (renamed or deleted meanwhile): nothing to hold,
    /// and a row that said it was waiting goes (an ingested one stays for the scan to judge).
    fn gone(&self, path: &Path, previous: Option<&WatchedFile>) -> Result<IngestOutcome, LibraryError> {
        if previous.is_some_and(|p| p.state != FileState::Ingested) {
            self.transaction(|tx| forget_file(tx, path))?;
        }
        Ok(IngestOutcome::Skipped {
            reason: WaitReason::StillWriting,
            detail: Some("The file was moved or deleted before Stockroom could read it.".into()),
        })
    }

    /// Records why `path` is not in the library (waiting while still being written, else
    /// skipped) and says so.
    #[allow(clippy::too_many_arguments)]
    fn hold(
        &self,
        root: &WatchRoot,
        path: &Path,
        stat: Option<FileStat>,
        asset_id: Option<i64>,
        reason: WaitReason,
        detail: Option<String>,
        now: i64,
    ) -> Result<IngestOutcome, LibraryError> {
        let state = if reason == WaitReason::StillWriting { FileState::Waiting } else { FileState::Skipped };
        let row = WatchedFile {
            root_id: root.id,
            path: path.to_owned(),
            stat,
            asset_id,
            state,
            reason: Some(reason),
            detail: detail.clone(),
            first_seen: now,
            updated_at: now,
        };
        self.transaction(|tx| watch::upsert_file(tx, &row))?;
        Ok(IngestOutcome::Skipped { reason, detail })
    }

    /// A move found by identity (inode fast path or hash): the asset keeps its id and everything
    /// on it; its path, name and stat follow the file; its remote folder follows the subfolder
    /// (`remote_folder`), and for an asset already uploaded that records a pending remote move in
    /// the library's remote operations (for sync to apply), never a second upload.
    pub fn relocate_asset(
        &self,
        asset_id: i64,
        to: &Path,
        stat: FileStat,
        remote_folder: Option<&str>,
        now: i64,
    ) -> Result<Asset, LibraryError> {
        self.transaction(|tx| relocate_in(tx, asset_id, to, stat, remote_folder, now).map(|(a, _)| a))
    }

    /// Marks assets whose files vanished as missing (never deletes them, locally or remotely).
    pub fn mark_missing(&self, asset_ids: &[i64], now: i64) -> Result<(), LibraryError> {
        let _ = now;
        if asset_ids.is_empty() {
            return Ok(());
        }
        self.transaction(|tx| {
            tx.execute(
                "UPDATE assets SET status = 'missing',
                     status_detail = 'The file is no longer at ' || path || '. Put it back, or move it into a watched \
                     folder: Stockroom will find it again. Nothing was deleted here or online.'
                 WHERE id IN (SELECT value FROM json_each(?1)) AND status <> 'missing'",
                [ids_json(asset_ids)],
            )?;
            Ok(())
        })
    }

    pub fn asset_by_path(&self, path: &Path) -> Result<Option<Asset>, LibraryError> {
        self.read(|c| assets::by_path(c, &path.to_string_lossy()))
    }
}

fn replaced_words(name: &str) -> String {
    format!(
        "\"{name}\" was replaced by a file with other content. It is kept as the asset's new local version and \
         was not sent for upload: choose whether to upload it again."
    )
}

/// Longest edge of the thumbnails ingest writes (as import's default).
const THUMB_EDGE: u32 = 480;

fn organise_error(e: OrganiseError) -> LibraryError {
    match e {
        OrganiseError::Library(e) => e,
        OrganiseError::Invalid { message, .. } => LibraryError::Refused(message),
        OrganiseError::NotFound(m) => LibraryError::Refused(m),
    }
}

fn set_local(tx: &Transaction<'_>, id: i64, now: i64) -> Result<(), LibraryError> {
    tx.execute(
        "UPDATE assets SET status = 'local', status_detail = NULL, updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// The root's default tags and metadata on a new asset, in this transaction, committed by `edit`
/// without an undo record (the person did not make them; Undo is theirs).
fn apply_defaults(tx: &Transaction<'_>, root: &WatchRoot, id: i64, now: i64) -> Result<(), LibraryError> {
    let mut list: Vec<String> = Vec::new();
    for t in &root.rule.tags {
        let t = t.trim();
        if !t.is_empty() && !list.iter().any(|x| x == t) {
            list.push(t.to_owned());
        }
    }
    let meta: serde_json::Map<String, serde_json::Value> =
        root.rule.metadata.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    if list.is_empty() && meta.is_empty() {
        return Ok(());
    }
    if !list.is_empty() {
        tags::write_asset_tags(tx, id, &list).map_err(organise_error)?;
    }
    if !meta.is_empty() {
        let json = serde_json::to_string(&meta).unwrap_or_else(|_| "{}".into());
        metadata::write_asset_metadata(tx, id, Some(&json)).map_err(organise_error)?;
    }
    applied(tx, &[id], Indexed::TagsAndMetadata, now).map_err(organise_error)
}

/// Moves an asset to `to` inside `tx` (see [`Library::relocate_asset`]); returns it and where it was.
fn relocate_in(
    tx: &Transaction<'_>,
    asset_id: i64,
    to: &Path,
    stat: FileStat,
    remote_folder: Option<&str>,
    now: i64,
) -> Result<(Asset, PathBuf), LibraryError> {
    let Some(asset) = assets::get(tx, asset_id)? else {
        return Err(LibraryError::Refused(format!(
            "There is no asset #{asset_id} in this library; it may have been removed."
        )));
    };
    let from = asset.path.clone();
    let to_text = to.to_string_lossy();
    if to != from
        && let Some(other) = assets::by_path(tx, &to_text)?
    {
        return Err(LibraryError::Refused(format!(
            "{} is already the asset \"{}\" (#{}), so \"{}\" cannot move there.",
            to.display(),
            other.name,
            other.id,
            asset.name
        )));
    }
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| asset.name.clone());
    tx.execute(
        "UPDATE assets SET path = ?1, name = ?2, mtime_ns = ?3, status = 'local', status_detail = NULL,
             updated_at = ?4 WHERE id = ?5",
        params![to_text, name, stat.mtime_ns, now, asset_id],
    )?;
    if let Some(folder) = remote_folder {
        let folder =
            sr_imagekit::names::normalize_folder_path(folder).map_err(|e| LibraryError::Refused(e.to_string()))?;
        if folder != asset.remote_folder {
            move_remote_folder(tx, &asset, &folder, now)?;
        }
    }
    if to != from {
        forget_file(tx, &from)?;
    }
    // Linked assets push their new name and folder through sync's push log, like any edit.
    let t = Touched { name: name != asset.name, folder: remote_folder.is_some(), ..Default::default() };
    push_intents(tx, &[(asset_id, t)], Settle::Withdraw, now).map_err(organise_error)?;
    if let Some(root) = watch::root_of(tx, to)? {
        let first_seen = watch::file(tx, to)?.map_or(now, |f| f.first_seen);
        watch::upsert_file(
            tx,
            &WatchedFile {
                root_id: root.id,
                path: to.to_owned(),
                stat: Some(stat),
                asset_id: Some(asset_id),
                state: FileState::Ingested,
                reason: None,
                detail: None,
                first_seen,
                updated_at: now,
            },
        )?;
    }
    let moved = assets::get(tx, asset_id)?.expect("row just updated");
    Ok((moved, from))
}

/// The asset's remote folder becomes `folder`: jobs not started yet follow it, and where the
/// asset is already uploaded (a job done) but not linked a pending remote file move is recorded
/// for sync — one per account, folded into one already pending for the same file. Accounts where
/// it is linked get an intent instead (by the caller, through `edit::push_intents`).
fn move_remote_folder(tx: &Transaction<'_>, asset: &Asset, folder: &str, now: i64) -> Result<(), LibraryError> {
    tx.execute("UPDATE assets SET remote_folder = ?1 WHERE id = ?2", params![folder, asset.id])?;
    tx.execute(
        "UPDATE upload_jobs SET folder = ?1, updated_at = ?3
         WHERE asset_id = ?2 AND state IN ('queued', 'waiting_for_network', 'paused', 'failed')",
        params![folder, asset.id, now],
    )?;
    // The latest finished upload per account: where the file is on the remote now.
    let uploaded: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT account, COALESCE(remote_file_path, folder || file_name) FROM upload_jobs
             WHERE asset_id = ?1 AND state = 'done' AND id IN
                 (SELECT MAX(id) FROM upload_jobs WHERE asset_id = ?1 AND state = 'done' GROUP BY account)
               AND account NOT IN (SELECT account FROM sync_links WHERE asset_id = ?1 AND deleted_at IS NULL)",
        )?;
        stmt.query_map([asset.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    for (account, remote_path) in uploaded {
        let pending: Option<i64> = tx
            .query_row(
                "SELECT id FROM remote_ops WHERE account = ?1 AND kind = 'move_file' AND state = 'pending'
                     AND json_extract(args, '$.sourceFilePath') = ?2 ORDER BY id DESC LIMIT 1",
                params![account, remote_path],
                |r| r.get(0),
            )
            .ok();
        let remote_folder = match remote_path.rfind('/') {
            Some(i) => &remote_path[..=i],
            None => "/",
        };
        let args = json!({"sourceFilePath": remote_path, "destinationPath": folder});
        match pending {
            // Moved back to where it is on the remote: nothing left to do there.
            Some(id) if remote_folder == folder => {
                tx.execute("DELETE FROM remote_ops WHERE id = ?1", [id])?;
            }
            Some(id) => {
                tx.execute(
                    "UPDATE remote_ops SET args = ?1, updated_at = ?2 WHERE id = ?3",
                    params![args.to_string(), now, id],
                )?;
            }
            None if remote_folder == folder => {}
            None => {
                queue(tx, &account, RemoteOpKind::MoveFile, &args, now).map_err(organise_error)?;
            }
        }
    }
    Ok(())
}
