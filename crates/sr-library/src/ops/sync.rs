//! Two-way sync's requests: what the planner reads ([`Library::sync_inputs`], one query per
//! table), where each asset stands ([`Library::sync_statuses`]), and every write that spans the
//! sync tables and the assets' own (links, remote changes applied locally, remote-only assets,
//! conflicts settled, renames and delete requests). The rows are the `sync` table module's; the
//! push log's intents are written by `edit` (the only place that writes them).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, Transaction, params};
use serde_json::{Map, Value};
use sr_imagekit::metadata::{ApplyMode, apply_metadata};
use sr_imagekit::names::sanitize_file_name;

use crate::edit::{Batch, Push, Settle, Touched, applied, local_fields, push_intents};
use crate::folders::{self, RemoteOpKind, folder};
use crate::history::Inverse;
use crate::import::{identify, size_and_mtime};
use crate::index::Indexed;
use crate::organise::{EditSummary, OrganiseError, asset_names, distinct_ids, ids_json};
use crate::sync::{
    self, Conflict, ConflictField, Fields, LocalApply, LocalAsset, RemoteFile, Resolution, SyncInputs, SyncStatus,
};
use crate::{Asset, AssetKind, AssetStatus, Library, LibraryError, assets, metadata, tags};

/// Upload job states that are not finished (the upload will still happen).
const UNFINISHED_JOB: &str = "('queued', 'waiting_for_network', 'uploading', 'verifying', 'paused')";

fn library_error(e: OrganiseError) -> LibraryError {
    match e {
        OrganiseError::Library(e) => e,
        OrganiseError::Invalid { message, .. } => LibraryError::Refused(message),
        OrganiseError::NotFound(m) => LibraryError::Refused(m),
    }
}

fn not_linked(asset_id: i64, account: &str) -> OrganiseError {
    OrganiseError::NotFound(format!("Asset #{asset_id} is not linked to a file of the remote library ({account})."))
}

/// The path and hashes that stand for a remote-only asset.
fn remote_key(account: &str, file_id: &str) -> (String, String) {
    (format!("remote://{account}/{file_id}"), format!("remote:{account}:{file_id}"))
}

/// The kind of a remote file, from its MIME type, `fileType` or, failing both, its extension.
fn remote_kind(file: &RemoteFile) -> AssetKind {
    if let Some(m) = &file.mime {
        for (prefix, kind) in [("video/", AssetKind::Video), ("image/", AssetKind::Image), ("audio/", AssetKind::Audio)]
        {
            if m.starts_with(prefix) {
                return kind;
            }
        }
    }
    if file.file_type == "image" {
        return AssetKind::Image;
    }
    let ext = file.fields.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "mp4" | "mov" | "m4v" | "webm" | "mkv" | "avi" | "mts" | "m2ts" | "3gp" => AssetKind::Video,
        "mp3" | "wav" | "aac" | "m4a" | "flac" | "ogg" | "opus" => AssetKind::Audio,
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "avif" | "heic" | "tif" | "tiff" | "bmp" | "svg" => AssetKind::Image,
        _ => AssetKind::Other,
    }
}

fn is_present(v: &Option<Value>) -> bool {
    !matches!(v, None | Some(Value::Null) | Some(Value::Bool(false)))
}

fn as_text(v: &Option<Value>, what: &str) -> Result<String, OrganiseError> {
    match v {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(OrganiseError::invalid(format!("The {what} must be text."))),
    }
}

fn clean_name(name: &str) -> Result<String, OrganiseError> {
    let name = sanitize_file_name(name.trim());
    if name.trim_matches(['_', '.']).is_empty() {
        return Err(OrganiseError::invalid("Type the file's new name."));
    }
    Ok(name)
}

/// Writes local synced fields that differ from `to` (the asset's own tables); returns what changed.
fn write_local(tx: &Transaction<'_>, asset_id: i64, from: &Fields, to: &Fields) -> Result<Touched, OrganiseError> {
    let mut t = Touched::default();
    if from.name != to.name {
        tx.execute("UPDATE assets SET name = ?1 WHERE id = ?2", params![to.name, asset_id])?;
        t.name = true;
    }
    if from.folder != to.folder {
        tx.execute("UPDATE assets SET remote_folder = ?1 WHERE id = ?2", params![to.folder, asset_id])?;
        t.folder = true;
    }
    if from.tags != to.tags {
        // Keep the order tags were added in: what stays keeps its place, new ones go last.
        let current = tags::asset_tags(tx, asset_id)?;
        let mut next: Vec<String> = current.into_iter().filter(|x| to.tags.contains(x)).collect();
        for x in &to.tags {
            if !next.contains(x) {
                next.push(x.clone());
            }
        }
        tags::write_asset_tags(tx, asset_id, &next)?;
        t.tags = true;
    }
    if from.metadata != to.metadata {
        let json = serde_json::to_string(&to.metadata).unwrap_or_else(|_| "{}".into());
        metadata::write_asset_metadata(tx, asset_id, Some(&json))?;
        t.metadata = true;
    }
    Ok(t)
}

fn indexed(t: Touched) -> Indexed {
    match (t.tags, t.metadata) {
        (true, true) => Indexed::TagsAndMetadata,
        (true, false) => Indexed::Tags,
        (false, true) => Indexed::Metadata,
        (false, false) => Indexed::Nothing,
    }
}

/// Commits a local change sync made (`written`: what moved): marked changed and indexed, not
/// recorded for undo, and the push log brought in line with the base (intents the base now
/// matches are marked applied).
fn commit_local(tx: &Transaction<'_>, asset_id: i64, written: Touched, now: i64) -> Result<(), OrganiseError> {
    push_intents(tx, &[(asset_id, Touched::ALL)], Settle::Applied, now)?;
    if written != Touched::default() {
        applied(tx, &[asset_id], indexed(written), now)?;
    }
    Ok(())
}

fn asset_status(c: &Connection, id: i64) -> Result<Option<AssetStatus>, OrganiseError> {
    let s: Option<String> = c
        .prepare_cached("SELECT status FROM assets WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    Ok(s.map(|s| AssetStatus::parse(&s)))
}

/// Forgets a link in `tx` (see [`Library::unlink_asset`]); `deleted`: keep it flagged to say
/// the remote file was deleted (see [`Library::mark_deleted_remotely`]).
fn unlink_in(tx: &Transaction<'_>, account: &str, asset_id: i64, deleted: bool, now: i64) -> Result<(), OrganiseError> {
    let gone = deleted
        || match sync::link(tx, account, asset_id)? {
            Some(l) => sync::remote(tx, account, &l.file_id)?.is_some_and(|f| !f.present),
            None => false,
        };
    if gone {
        sync::mark_link_deleted(tx, account, asset_id, now)?;
    } else {
        sync::delete_link(tx, account, asset_id)?;
    }
    sync::drop_conflicts(tx, account, asset_id, now)?;
    // Intents about a file no longer linked cannot be sent.
    folders::withdraw_intents(tx, account, asset_id, None)?;
    let other_links: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sync_links WHERE asset_id = ?1 AND deleted_at IS NULL)",
        [asset_id],
        |r| r.get(0),
    )?;
    if asset_status(tx, asset_id)? == Some(AssetStatus::RemoteOnly) && !other_links {
        // A remote-only asset is nothing but its link: nothing on this computer is lost.
        tx.execute("DELETE FROM assets WHERE id = ?1", [asset_id])?;
    }
    Ok(())
}

impl Library {
    /// Everything the planner needs for `account`, read in one snapshot: one query per table,
    /// whatever the number of assets.
    pub fn sync_inputs(&self, account: &str) -> Result<SyncInputs, LibraryError> {
        self.read(|c| {
            c.execute_batch("BEGIN")?;
            let out = read_inputs(c, account);
            c.execute_batch("COMMIT")?;
            out
        })
    }

    /// Each asset's status against `account` (ids that are not assets are left out). One query
    /// per table for the whole list, so a page of the grid is one call.
    pub fn sync_statuses(&self, account: &str, ids: &[i64]) -> Result<Vec<(i64, SyncStatus)>, LibraryError> {
        self.read(|c| {
            c.execute_batch("BEGIN")?;
            let out = read_statuses(c, account, ids);
            c.execute_batch("COMMIT")?;
            out
        })
    }

    /// Links an asset to a remote file; the base becomes the file's fields and the asset's name
    /// and folder are set to the file's where they differ (an upload's sanitised name), and tags
    /// and metadata keys the file has and the asset lacks are taken (a required field's default
    /// the remote filled in). Tags and values only the asset has (changed while the upload was
    /// on its way) are kept, and pushed (intents for the difference). The file is recorded as observed. Uploads call this when a job is
    /// done. Re-linking the same pair updates it.
    pub fn link_asset(&self, account: &str, asset_id: i64, file: &RemoteFile, now: i64) -> Result<(), LibraryError> {
        self.edit(|tx| {
            let Some(local) = local_fields(tx, asset_id)? else {
                return Err(OrganiseError::NotFound(format!("There is no asset #{asset_id} in this library.")));
            };
            let base = file.fields.clone().normalised();
            // What the remote added at upload (a required field's default, tags it gave) is not a
            // local change: taken here. What only this computer has is kept, and pushed.
            let mut target = Fields { name: base.name.clone(), folder: base.folder.clone(), ..local.clone() };
            for t in &base.tags {
                if !target.tags.contains(t) {
                    target.tags.push(t.clone());
                }
            }
            target.tags.sort();
            for (k, v) in &base.metadata {
                if target.metadata.get(k).is_none_or(|x| x.is_null()) {
                    target.metadata.insert(k.clone(), v.clone());
                }
            }
            let t = write_local(tx, asset_id, &local, &target)?;
            sync::write_link(tx, account, asset_id, &file.file_id, &base, now)?;
            sync::store_remote(tx, account, file, now)?;
            commit_local(tx, asset_id, t, now)
        })
        .map_err(library_error)
    }

    /// Applies a remote change locally (see [`LocalApply`]) and moves the base of those fields.
    /// Not recorded for undo; intents that the change makes true are marked applied.
    pub fn apply_remote_change(
        &self,
        account: &str,
        asset_id: i64,
        change: &LocalApply,
        now: i64,
    ) -> Result<(), OrganiseError> {
        self.edit(|tx| {
            let link = sync::link(tx, account, asset_id)?.ok_or_else(|| not_linked(asset_id, account))?;
            let local = local_fields(tx, asset_id)?.ok_or_else(|| not_linked(asset_id, account))?;
            let (mut next, mut base) = (local.clone(), link.base.clone());
            if let Some(name) = &change.name {
                next.name = name.clone();
                base.name = name.clone();
            }
            if let Some(f) = &change.folder {
                let f = folder(f)?;
                next.folder = f.clone();
                base.folder = f;
            }
            for fields in [&mut next, &mut base] {
                fields.tags.retain(|x| !change.remove_tags.contains(x));
                fields.tags.extend(change.add_tags.iter().cloned());
                for (k, v) in &change.set_metadata {
                    if v.is_null() {
                        fields.metadata.remove(k);
                    } else {
                        fields.metadata.insert(k.clone(), v.clone());
                    }
                }
                for k in &change.unset_metadata {
                    fields.metadata.remove(k);
                }
                fields.tags.sort();
                fields.tags.dedup();
            }
            let t = write_local(tx, asset_id, &local, &next)?;
            sync::write_base(tx, account, asset_id, &base)?;
            commit_local(tx, asset_id, t, now)
        })
    }

    /// Sets the base of a link (after a push both sides now agree on). Pending intents the new
    /// base makes true are marked applied; `sending` ones are left for the run to mark.
    pub fn set_base(&self, account: &str, asset_id: i64, base: &Fields, now: i64) -> Result<(), LibraryError> {
        self.edit(|tx| {
            if !sync::write_base(tx, account, asset_id, base)? {
                return Err(not_linked(asset_id, account));
            }
            push_intents(tx, &[(asset_id, Touched::ALL)], Settle::Applied, now)
        })
        .map_err(library_error)
    }

    /// After a remote push, in one transaction: the base moves, the observation is stored (when
    /// given) and the intents the push carried out are marked applied.
    pub fn record_push(
        &self,
        account: &str,
        asset_id: i64,
        base: &Fields,
        observed: Option<&RemoteFile>,
        intents: &[i64],
        now: i64,
    ) -> Result<(), LibraryError> {
        self.edit(|tx| {
            if !sync::write_base(tx, account, asset_id, base)? {
                return Err(not_linked(asset_id, account));
            }
            if let Some(f) = observed {
                sync::store_remote(tx, account, f, now)?;
            }
            folders::mark_applied(tx, intents, now)?;
            push_intents(tx, &[(asset_id, Touched::ALL)], Settle::Applied, now)
        })
        .map_err(library_error)
    }

    /// A remote file no asset knows becomes a remote-only asset (with its tags, metadata and
    /// folder, linked, base = its fields). Returns the asset id; a file already linked returns
    /// its asset.
    pub fn adopt_remote_file(&self, account: &str, file: &RemoteFile, now: i64) -> Result<i64, LibraryError> {
        self.edit(|tx| {
            let (id, new) = adopt_in(tx, account, file, now)?;
            if new {
                applied(tx, &[id], Indexed::TagsAndMetadata, now)?;
            }
            Ok(id)
        })
        .map_err(library_error)
    }

    /// [`Library::adopt_remote_file`] for many files in one transaction (a first pull); the ids
    /// in the same order.
    pub fn adopt_remote_files(&self, account: &str, files: &[RemoteFile], now: i64) -> Result<Vec<i64>, LibraryError> {
        self.edit(|tx| {
            let mut ids = Vec::with_capacity(files.len());
            let mut new = Vec::new();
            for f in files {
                let (id, fresh) = adopt_in(tx, account, f, now)?;
                ids.push(id);
                if fresh {
                    new.push(id);
                }
            }
            applied(tx, &new, Indexed::TagsAndMetadata, now)?;
            Ok(ids)
        })
        .map_err(library_error)
    }
}

/// Adopts one remote file inside `tx` (see [`Library::adopt_remote_file`]): its asset id, and
/// whether it is new (the caller commits new ones through `edit::applied`).
fn adopt_in(tx: &Transaction<'_>, account: &str, file: &RemoteFile, now: i64) -> Result<(i64, bool), OrganiseError> {
    if let Some(l) = sync::link_by_file(tx, account, &file.file_id)? {
        return Ok((l.asset_id, false));
    }
    let fields = file.fields.clone().normalised();
    let (path, hash) = remote_key(account, &file.file_id);
    let asset = Asset {
        id: 0,
        path: path.into(),
        name: fields.name.clone(),
        size: file.size,
        mtime_ns: 0,
        sample_hash: hash.clone(),
        full_hash: hash,
        kind: remote_kind(file),
        container: None,
        video_codec: None,
        audio_codec: None,
        width: file.width,
        height: file.height,
        rotation: 0,
        duration_s: file.duration_s,
        frame_rate: None,
        bit_rate: None,
        thumb_path: None,
        status: AssetStatus::RemoteOnly,
        status_detail: None,
        remote_folder: folder(&fields.folder)?,
        imported_at: now,
        updated_at: now,
    };
    let id = assets::upsert(tx, &asset)?;
    tags::write_asset_tags(tx, id, &fields.tags)?;
    let json = serde_json::to_string(&fields.metadata).unwrap_or_else(|_| "{}".into());
    metadata::write_asset_metadata(tx, id, Some(&json))?;
    sync::write_link(tx, account, id, &file.file_id, &fields, now)?;
    sync::store_remote(tx, account, file, now)?;
    Ok((id, true))
}

impl Library {
    /// Forgets a link (after a confirmed delete, or "take theirs" on a remote delete): its open
    /// conflicts close and its pending intents go. The asset and its local file stay — except a
    /// remote-only asset linked nowhere else, which is removed (there is nothing on this computer).
    /// When the stored observation says the remote file is not present (sync's `MarkDeleted`),
    /// the link is kept only to show the asset as deleted remotely; sync no longer plans for it
    /// (it is not in `sync_inputs().links`), and an upload of the asset links it again.
    pub fn unlink_asset(&self, account: &str, asset_id: i64, now: i64) -> Result<(), LibraryError> {
        self.edit(|tx| unlink_in(tx, account, asset_id, false, now)).map_err(library_error)
    }

    /// The asset's remote file was deleted (sync's `MarkDeleted`): the link is kept, flagged, so
    /// the asset shows as deleted remotely (the asset and its file stay) and sync no longer plans
    /// for it (it leaves `sync_inputs().links`); its open conflicts close and its pending intents
    /// go. A remote-only asset linked nowhere else is removed instead. An upload links it again.
    pub fn mark_deleted_remotely(&self, account: &str, asset_id: i64, now: i64) -> Result<(), LibraryError> {
        self.edit(|tx| unlink_in(tx, account, asset_id, true, now)).map_err(library_error)
    }

    /// Settles a conflict: `Mine` keeps the local value and records the intent to push it (the
    /// base becomes theirs); `Theirs` sets the local value to theirs (base too); `Value` sets it
    /// locally and records the intent. One transaction. For `Existence`: when the local side
    /// asked for the delete, `Mine` keeps the delete (held until confirmed) and `Theirs`
    /// withdraws it; when the remote file is gone, both forget the link (`Theirs` also removes a
    /// remote-only asset; `Mine` keeps every asset as a local one). `Value` is refused there.
    pub fn resolve_conflict(&self, id: i64, resolution: &Resolution, now: i64) -> Result<Conflict, OrganiseError> {
        self.edit(|tx| {
            let Some(c) = sync::conflict(tx, id)? else {
                return Err(OrganiseError::NotFound(format!("There is no conflict #{id}.")));
            };
            if c.resolved_at.is_some() {
                return Err(OrganiseError::invalid(format!("Conflict #{id} is already resolved.")));
            }
            resolve_in(tx, &c, resolution, now)?;
            sync::close_conflict(tx, id, resolution, now)?;
            Ok(sync::conflict(tx, id)?.expect("row just updated"))
        })
    }

    /// Asks for linked assets to be deleted from the remote (an explicit request): records a
    /// `delete_file` intent each; sync holds them until confirmed. Nothing local is deleted.
    /// Undo withdraws the request while it is pending. Refused when none is on the remote.
    pub fn request_remote_delete(&self, ids: &[i64], now: i64) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        self.batch(now, |tx| {
            asset_names(tx, &ids)?;
            let linked: Vec<i64> = {
                let links = sync::links_of_many(tx, &ids)?;
                ids.iter().copied().filter(|id| links.contains_key(id)).collect()
            };
            if linked.is_empty() {
                return Err(OrganiseError::invalid(
                    "None of these assets is on the remote library yet, so there is nothing to delete there.",
                ));
            }
            let n = linked.len();
            let description = format!(
                "Asked to delete {} from the remote",
                if n == 1 { "1 asset".to_owned() } else { format!("{n} assets") }
            );
            Ok(Batch {
                changed: Vec::new(),
                inverse: Vec::new(),
                description,
                indexed: Indexed::Nothing,
                push: Push::Delete(linked),
            })
        })
    }

    /// Renames an asset (the name it has on the remote): an edit batch, undoable, pushed by sync.
    /// The name is made one the remote accepts (`sanitize_file_name`). The file on this computer
    /// keeps its name.
    pub fn rename_asset(&self, id: i64, name: &str, now: i64) -> Result<EditSummary, OrganiseError> {
        let name = clean_name(name)?;
        self.batch(now, |tx| {
            let (_, current) = asset_names(tx, &[id])?.remove(0);
            let mut inverse = Vec::new();
            let mut changed = Vec::new();
            if current != name {
                tx.execute("UPDATE assets SET name = ?1 WHERE id = ?2", params![name, id])?;
                inverse.push(Inverse::SetName { asset_id: id, name: current.clone() });
                changed.push(id);
            }
            // The name column of the search index follows assets.name by trigger.
            Ok(Batch {
                changed,
                inverse,
                description: format!("Renamed \"{current}\" to \"{name}\""),
                indexed: Indexed::Nothing,
                push: Push::Derive,
            })
        })
    }

    /// A remote-only asset's original was downloaded to `path`: identify it (hashes, probe, as
    /// import does) and make it a local asset (same id, tags, metadata and link), with a
    /// thumbnail. If the content is already another asset, nothing changes and the refusal names
    /// it (the download stays where it is).
    pub fn make_local(&self, asset_id: i64, path: &Path, now: i64) -> Result<Asset, LibraryError> {
        let Some(current) = self.asset(asset_id)? else {
            return Err(LibraryError::Refused(format!("There is no asset #{asset_id} in this library.")));
        };
        if current.status != AssetStatus::RemoteOnly {
            return Err(LibraryError::Refused(format!(
                "\"{}\" is already on this computer ({}).",
                current.name,
                current.path.display()
            )));
        }
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let meta = std::fs::metadata(&path).map_err(|e| LibraryError::Io { path: path.clone(), source: e })?;
        let (size, mtime_ns) = size_and_mtime(&meta);
        let found = identify(&path, size, mtime_ns, &current.remote_folder, now).map_err(|e| {
            LibraryError::Refused(format!("The downloaded file {} could not be used: {}", path.display(), e.reason()))
        })?;
        let asset = self.write(|tx| {
            if let Some(other) = assets::by_full_hash(tx, &found.full_hash)?.filter(|o| o.id != asset_id) {
                return Err(LibraryError::Refused(format!(
                    "The downloaded original of \"{}\" is the same file as \"{}\" (#{}), already in the library at {}; \
                     it was left at {}.",
                    current.name,
                    other.name,
                    other.id,
                    other.path.display(),
                    path.display()
                )));
            }
            if let Some(other) = assets::by_path(tx, &path.to_string_lossy())?.filter(|o| o.id != asset_id) {
                return Err(LibraryError::Refused(format!(
                    "{} is already the asset \"{}\" (#{}).",
                    path.display(),
                    other.name,
                    other.id
                )));
            }
            tx.execute(
                "UPDATE assets SET path = ?2, size = ?3, mtime_ns = ?4, sample_hash = ?5, full_hash = ?6, kind = ?7,
                     container = ?8, video_codec = ?9, audio_codec = ?10, width = ?11, height = ?12, rotation = ?13,
                     duration_s = ?14, frame_rate = ?15, bit_rate = ?16, status = 'local', status_detail = NULL,
                     updated_at = ?17
                 WHERE id = ?1",
                params![
                    asset_id,
                    path.to_string_lossy(),
                    found.size as i64,
                    found.mtime_ns,
                    found.sample_hash,
                    found.full_hash,
                    found.kind.as_str(),
                    found.container,
                    found.video_codec,
                    found.audio_codec,
                    found.width,
                    found.height,
                    found.rotation,
                    found.duration_s,
                    found.frame_rate,
                    found.bit_rate.map(|b| b as i64),
                    now,
                ],
            )?;
            Ok(assets::get(tx, asset_id)?.expect("row just updated"))
        })?;
        self.write_thumbnails(std::slice::from_ref(&asset), 480, &|_| {}, None)?;
        Ok(self.asset(asset_id)?.unwrap_or(asset))
    }

    /// Records a thumbnail file for an asset (a remote-only asset's fetched thumbnail).
    pub fn set_thumbnail(&self, asset_id: i64, path: &Path) -> Result<(), LibraryError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE assets SET thumb_path = ?1 WHERE id = ?2",
                params![path.to_string_lossy(), asset_id],
            )?;
            if n == 0 {
                return Err(LibraryError::Refused(format!("There is no asset #{asset_id} in this library.")));
            }
            Ok(())
        })
    }
}

/// Applies a resolution inside `tx` (see [`Library::resolve_conflict`]).
fn resolve_in(tx: &Transaction<'_>, c: &Conflict, resolution: &Resolution, now: i64) -> Result<(), OrganiseError> {
    let (account, asset_id) = (c.account.as_str(), c.asset_id);
    if c.field == ConflictField::Existence {
        return resolve_existence(tx, c, resolution, now);
    }
    let Some(link) = sync::link(tx, account, asset_id)? else {
        // The link went meanwhile: nothing left to settle.
        return Ok(());
    };
    let Some(local) = local_fields(tx, asset_id)? else { return Ok(()) };
    let (mut next, mut base) = (local.clone(), link.base.clone());
    let mut t = Touched::default();
    match &c.field {
        ConflictField::Name => {
            t.name = true;
            let theirs = as_text(&c.theirs, "remote name")?;
            base.name = theirs.clone();
            match resolution {
                Resolution::Mine => {}
                Resolution::Theirs => next.name = theirs,
                Resolution::Value(v) => next.name = clean_name(&as_text(&Some(v.clone()), "name")?)?,
            }
        }
        ConflictField::Folder => {
            t.folder = true;
            let theirs = folder(&as_text(&c.theirs, "remote folder")?)?;
            base.folder = theirs.clone();
            match resolution {
                Resolution::Mine => {}
                Resolution::Theirs => next.folder = theirs,
                Resolution::Value(v) => next.folder = folder(&as_text(&Some(v.clone()), "folder")?)?,
            }
        }
        ConflictField::Tag(tag) => {
            t.tags = true;
            let set = |f: &mut Fields, on: bool| {
                f.tags.retain(|x| x != tag);
                if on {
                    f.tags.push(tag.clone());
                    f.tags.sort();
                }
            };
            let theirs = is_present(&c.theirs);
            set(&mut base, theirs);
            match resolution {
                Resolution::Mine => {}
                Resolution::Theirs => set(&mut next, theirs),
                Resolution::Value(v) => set(&mut next, is_present(&Some(v.clone()))),
            }
        }
        ConflictField::Metadata(key) => {
            t.metadata = true;
            let theirs = c.theirs.clone().filter(|v| !v.is_null());
            match &theirs {
                Some(v) => base.metadata.insert(key.clone(), v.clone()),
                None => base.metadata.remove(key),
            };
            let value = match resolution {
                Resolution::Mine => None,
                Resolution::Theirs => Some(theirs.unwrap_or(Value::Null)),
                Resolution::Value(v) => Some(v.clone()),
            };
            if let Some(v) = value {
                let fields = metadata::fields(tx, account)?;
                let incoming: Map<String, Value> = [(key.clone(), v)].into_iter().collect();
                // Theirs came from the remote: taken as it is. A new value follows the field's rules.
                next.metadata = match resolution {
                    Resolution::Value(_) => apply_metadata(&fields, &local.metadata, &incoming, ApplyMode::Update)
                        .map_err(|errs| {
                            let words: Vec<String> = errs.errors.iter().map(|e| e.to_string()).collect();
                            OrganiseError::invalid(format!("Nothing was saved. {}", words.join(" ")))
                        })?,
                    _ => {
                        let mut m = local.metadata.clone();
                        match incoming.get(key).filter(|v| !v.is_null()) {
                            Some(v) => m.insert(key.clone(), v.clone()),
                            None => m.remove(key),
                        };
                        m
                    }
                };
                next.metadata.retain(|_, v| !v.is_null());
            }
        }
        ConflictField::Existence => unreachable!("handled above"),
    }
    let written = write_local(tx, asset_id, &local, &next)?;
    sync::write_base(tx, account, asset_id, &base)?;
    push_intents(tx, &[(asset_id, t)], Settle::Withdraw, now)?;
    if written != Touched::default() {
        applied(tx, &[asset_id], indexed(written), now)?;
    }
    Ok(())
}

fn resolve_existence(
    tx: &Transaction<'_>,
    c: &Conflict,
    resolution: &Resolution,
    now: i64,
) -> Result<(), OrganiseError> {
    let (account, asset_id) = (c.account.as_str(), c.asset_id);
    if matches!(resolution, Resolution::Value(_)) {
        return Err(OrganiseError::invalid(
            "Whether the file exists can only be settled by keeping this computer's side or the remote's.",
        ));
    }
    let delete_asked =
        folders::unfinished_intents(tx, account, asset_id)?.iter().any(|op| op.kind == RemoteOpKind::DeleteFile);
    let Some(link) = sync::link(tx, account, asset_id)? else { return Ok(()) };
    let observed = sync::remote(tx, account, &link.file_id)?;
    let remote_gone = observed.as_ref().is_none_or(|f| !f.present);
    if delete_asked && !remote_gone {
        match resolution {
            // Delete anyway: the remote's edits are seen (base = theirs), so the held delete goes
            // ahead when confirmed.
            Resolution::Mine => {
                let theirs = observed.expect("present").fields;
                sync::write_base(tx, account, asset_id, &theirs)?;
            }
            // Keep the file: the delete request is withdrawn; the remote's edits merge as usual.
            _ => {
                folders::withdraw_intents(tx, account, asset_id, Some(RemoteOpKind::DeleteFile))?;
            }
        }
        return Ok(());
    }
    // The remote file is gone.
    if matches!(resolution, Resolution::Mine) && asset_status(tx, asset_id)? == Some(AssetStatus::RemoteOnly) {
        // Keep it: a remote-only asset without its file keeps its organisation here.
        sync::delete_link(tx, account, asset_id)?;
        folders::withdraw_intents(tx, account, asset_id, None)?;
        return Ok(());
    }
    unlink_in(tx, account, asset_id, false, now)
}

fn read_inputs(c: &Connection, account: &str) -> Result<SyncInputs, LibraryError> {
    let mut tag_lists: HashMap<i64, Vec<String>> = HashMap::new();
    {
        let mut stmt = c.prepare("SELECT at.asset_id, t.name FROM asset_tags at JOIN tags t ON t.id = at.tag_id")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, t) = row?;
            tag_lists.entry(id).or_default().push(t);
        }
    }
    let mut meta: HashMap<i64, Map<String, Value>> = HashMap::new();
    {
        let mut stmt = c.prepare("SELECT asset_id, json FROM asset_metadata")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, json) = row?;
            meta.insert(id, serde_json::from_str(&json).unwrap_or_default());
        }
    }
    let queued: HashSet<i64> = {
        let mut stmt = c.prepare(&format!(
            "SELECT DISTINCT asset_id FROM upload_jobs WHERE account = ?1 AND state IN {UNFINISHED_JOB}"
        ))?;
        stmt.query_map([account], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let mut locals = Vec::new();
    {
        let mut stmt = c.prepare("SELECT id, name, remote_folder, status FROM assets ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (id, name, folder, status) = row?;
            let status = AssetStatus::parse(&status);
            let fields = Fields {
                name,
                folder,
                tags: tag_lists.remove(&id).unwrap_or_default(),
                metadata: meta.remove(&id).unwrap_or_default(),
            }
            .normalised();
            locals.push(LocalAsset {
                asset_id: id,
                fields,
                remote_only: status == AssetStatus::RemoteOnly,
                missing: status == AssetStatus::Missing,
                queued: queued.contains(&id),
            });
        }
    }
    Ok(SyncInputs {
        locals,
        remotes: sync::remotes(c, account)?,
        links: sync::links(c, account)?,
        intents: folders::unfinished_ops(c, account).map_err(library_error)?,
        open_conflicts: sync::conflicts_of(c, account, true)?,
    })
}

fn read_statuses(c: &Connection, account: &str, ids: &[i64]) -> Result<Vec<(i64, SyncStatus)>, LibraryError> {
    let json = ids_json(ids);
    let statuses: HashMap<i64, AssetStatus> = {
        let mut stmt =
            c.prepare_cached("SELECT id, status FROM assets WHERE id IN (SELECT value FROM json_each(?1))")?;
        stmt.query_map([&json], |r| Ok((r.get(0)?, AssetStatus::parse(&r.get::<_, String>(1)?))))?
            .collect::<Result<_, _>>()?
    };
    let links: HashMap<i64, sync::SyncLink> = sync::links_of_many(c, ids)?
        .into_iter()
        .filter_map(|(id, ls)| ls.into_iter().find(|l| l.account == account).map(|l| (id, l)))
        .collect();
    let set = |sql: &str| -> Result<HashSet<i64>, LibraryError> {
        let mut stmt = c.prepare_cached(sql)?;
        Ok(stmt.query_map(params![account, &json], |r| r.get(0))?.collect::<Result<_, _>>()?)
    };
    let conflicted = set("SELECT DISTINCT asset_id FROM sync_conflicts WHERE account = ?1 AND resolved_at IS NULL
             AND asset_id IN (SELECT value FROM json_each(?2))")?;
    let intended =
        set("SELECT DISTINCT asset_id FROM remote_ops WHERE account = ?1 AND state IN ('pending', 'sending')
             AND asset_id IN (SELECT value FROM json_each(?2))")?;
    let queued = set(&format!(
        "SELECT DISTINCT asset_id FROM upload_jobs WHERE account = ?1 AND state IN {UNFINISHED_JOB}
             AND asset_id IN (SELECT value FROM json_each(?2))"
    ))?;
    let deleted: HashSet<i64> = sync::deleted_links(c, account, ids)?.into_iter().collect();
    let linked_ids: Vec<i64> = links.keys().copied().collect();
    let mut tag_lists = tags::tags_of_many(c, &linked_ids).map_err(library_error)?;
    let mut out = Vec::with_capacity(ids.len());
    let mut seen = HashSet::new();
    for &id in ids {
        let Some(&status) = statuses.get(&id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        let s = if conflicted.contains(&id) {
            SyncStatus::Conflict
        } else if deleted.contains(&id) && !links.contains_key(&id) {
            SyncStatus::DeletedRemotely
        } else if let Some(link) = links.get(&id) {
            let observed = sync::remote(c, account, &link.file_id)?;
            if observed.as_ref().is_some_and(|f| !f.present) {
                SyncStatus::DeletedRemotely
            } else if status == AssetStatus::RemoteOnly {
                SyncStatus::RemoteOnly
            } else if status == AssetStatus::Missing {
                SyncStatus::MissingFile
            } else {
                let row: (String, String) =
                    c.query_row("SELECT name, remote_folder FROM assets WHERE id = ?1", [id], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                let local = Fields {
                    name: row.0,
                    folder: row.1,
                    tags: tag_lists.remove(&id).unwrap_or_default(),
                    metadata: metadata::asset_metadata(c, id).map_err(library_error)?,
                }
                .normalised();
                if intended.contains(&id) || local != link.base {
                    SyncStatus::ModifiedLocally
                } else if observed.is_some_and(|f| f.fields != link.base) {
                    SyncStatus::ChangedRemotely
                } else {
                    SyncStatus::Synced
                }
            }
        } else if status == AssetStatus::RemoteOnly {
            SyncStatus::RemoteOnly
        } else if status == AssetStatus::Missing {
            SyncStatus::MissingFile
        } else if queued.contains(&id) {
            SyncStatus::Queued
        } else {
            SyncStatus::LocalOnly
        };
        out.push((id, s));
    }
    Ok(out)
}
