//! The one commit path for an edit batch: a change the merchandiser makes to assets'
//! organisation (tags, custom metadata, folders) is committed here and nowhere else, so what
//! every batch owes is done in one place — the assets are marked changed, the search index is
//! refreshed for what changed, the inverse is recorded in `history` for undo, and for every asset
//! linked to a remote file the push log (`remote_ops`) gets the intents two-way sync sends
//! ([`push_intents`]). Undoing a batch commits through [`undone`] for the same reasons.
//!
//! The push log holds, per (linked account, asset, tag | metadata key | name | folder), at most
//! one unfinished intent, and what it asks is the difference between the asset's value and the
//! link's base: an edit and its undo leave nothing; a second edit of a value rewrites the intent.
//! Which fields a batch touched comes from its inverse steps (they carry the before-state); a
//! folder rename or move pushes its folder operation only, not one move per asset.
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

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, Transaction};
use serde_json::{Value, json};

use crate::folders::{self, RemoteOp, RemoteOpKind, RemoteOpState};
use crate::history::{self, Inverse};
use crate::index::{Indexed, refresh_fts};
use crate::organise::{EditSummary, OrganiseError, touch};
use crate::sync::{self, Fields};
use crate::{Library, metadata, tags};

/// What an edit batch did, for [`Library::batch`] to commit.
pub(crate) struct Batch {
    /// Assets whose organisation changed.
    pub changed: Vec<i64>,
    /// The steps that put it back; empty when nothing needed changing (nothing is recorded).
    pub inverse: Vec<Inverse>,
    pub description: String,
    /// The search index column the batch changed.
    pub indexed: Indexed,
    /// What the batch owes the push log.
    pub push: Push,
}

/// What a batch writes to sync's push log for linked assets.
pub(crate) enum Push {
    /// Intents for the fields its inverse steps touched.
    Derive,
    /// Nothing per asset: the batch queued a folder operation that carries it.
    FolderOp,
    /// A `delete_file` intent per linked account of each asset (an explicit request).
    Delete(Vec<i64>),
}

/// Which synced fields of an asset a change touched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Touched {
    pub tags: bool,
    pub metadata: bool,
    pub name: bool,
    pub folder: bool,
}

impl Touched {
    pub(crate) const ALL: Touched = Touched { tags: true, metadata: true, name: true, folder: true };
    fn any(self) -> bool {
        self.tags || self.metadata || self.name || self.folder
    }
    fn union(self, o: Touched) -> Touched {
        Touched {
            tags: self.tags || o.tags,
            metadata: self.metadata || o.metadata,
            name: self.name || o.name,
            folder: self.folder || o.folder,
        }
    }
}

/// Per asset, the fields a batch's inverse steps put back (so the batch changed).
/// Assets' folders that followed a folder rename or move (the batch also moved folder rows) are
/// carried by the folder operation, not pushed one by one.
pub(crate) fn touched_by(steps: &[Inverse]) -> Vec<(i64, Touched)> {
    let folder_op = steps.iter().any(|s| matches!(s, Inverse::Folders { .. }));
    let mut out: BTreeMap<i64, Touched> = BTreeMap::new();
    for step in steps {
        let (id, t) = match step {
            Inverse::SetTags { asset_id, .. } => (*asset_id, Touched { tags: true, ..Default::default() }),
            Inverse::SetMetadata { asset_id, .. } => (*asset_id, Touched { metadata: true, ..Default::default() }),
            Inverse::SetFolder { .. } if folder_op => continue,
            Inverse::SetFolder { asset_id, .. } => (*asset_id, Touched { folder: true, ..Default::default() }),
            Inverse::SetName { asset_id, .. } => (*asset_id, Touched { name: true, ..Default::default() }),
            Inverse::Folders { .. } | Inverse::CancelRemoteOp { .. } => continue,
        };
        let e = out.entry(id).or_default();
        *e = e.union(t);
    }
    out.into_iter().collect()
}

/// What happens to an unfinished intent that is no longer needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settle {
    /// The person's own edit took it back: the row goes.
    Withdraw,
    /// Sync moved the base to the local value (the remote has it): the row is marked applied.
    Applied,
}

/// One intent's identity: which field (or tag, or key) it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum IntentKey {
    Tag(String),
    Meta(String),
    Name,
    Folder,
    Delete,
}

fn key_of(op: &RemoteOp) -> Option<IntentKey> {
    let arg = |k: &str| op.args.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(match op.kind {
        RemoteOpKind::TagAdd | RemoteOpKind::TagRemove => IntentKey::Tag(arg("tag")?),
        RemoteOpKind::MetaSet | RemoteOpKind::MetaUnset => IntentKey::Meta(arg("key")?),
        RemoteOpKind::RenameFile => IntentKey::Name,
        // The watcher's own file moves (`{sourceFilePath, destinationPath}`) are not intents.
        RemoteOpKind::MoveFile if op.args.get("folder").is_some() => IntentKey::Folder,
        RemoteOpKind::DeleteFile => IntentKey::Delete,
        _ => return None,
    })
}

fn in_family(key: &IntentKey, t: Touched) -> bool {
    match key {
        IntentKey::Tag(_) => t.tags,
        IntentKey::Meta(_) => t.metadata,
        IntentKey::Name => t.name,
        IntentKey::Folder => t.folder,
        IntentKey::Delete => false,
    }
}

/// The intents that take the remote from `base` to `local`, for the touched fields.
fn desired(local: &Fields, base: &Fields, t: Touched) -> BTreeMap<IntentKey, (RemoteOpKind, Value)> {
    let mut out = BTreeMap::new();
    if t.tags {
        for tag in local.tags.iter().filter(|x| !base.tags.contains(x)) {
            out.insert(IntentKey::Tag(tag.clone()), (RemoteOpKind::TagAdd, json!({"tag": tag})));
        }
        for tag in base.tags.iter().filter(|x| !local.tags.contains(x)) {
            out.insert(IntentKey::Tag(tag.clone()), (RemoteOpKind::TagRemove, json!({"tag": tag})));
        }
    }
    if t.metadata {
        let present = |m: &serde_json::Map<String, Value>, k: &str| m.get(k).filter(|v| !v.is_null()).cloned();
        let keys: std::collections::BTreeSet<&String> = local.metadata.keys().chain(base.metadata.keys()).collect();
        for k in keys {
            let (mine, was) = (present(&local.metadata, k), present(&base.metadata, k));
            if mine == was {
                continue;
            }
            let intent = match mine {
                Some(v) => (RemoteOpKind::MetaSet, json!({"key": k, "value": v})),
                None => (RemoteOpKind::MetaUnset, json!({"key": k})),
            };
            out.insert(IntentKey::Meta(k.clone()), intent);
        }
    }
    if t.name && local.name != base.name {
        out.insert(IntentKey::Name, (RemoteOpKind::RenameFile, json!({"name": local.name})));
    }
    if t.folder && local.folder != base.folder {
        out.insert(IntentKey::Folder, (RemoteOpKind::MoveFile, json!({"folder": local.folder})));
    }
    out
}

/// An asset's synced fields as they are now (tags sorted).
pub(crate) fn local_fields(c: &Connection, asset_id: i64) -> Result<Option<Fields>, OrganiseError> {
    let row: Option<(String, String)> = c
        .prepare_cached("SELECT name, remote_folder FROM assets WHERE id = ?1")?
        .query_row([asset_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    let Some((name, folder)) = row else { return Ok(None) };
    let fields =
        Fields { name, folder, tags: tags::asset_tags(c, asset_id)?, metadata: metadata::asset_metadata(c, asset_id)? };
    Ok(Some(fields.normalised()))
}

/// Brings the push log of each linked asset in line with its touched fields: per (account,
/// asset, tag | key | field), the one intent that takes the remote from the link's base to the
/// asset's value now, or none. Unlinked assets write nothing. `sending` rows are left alone.
pub(crate) fn push_intents(
    tx: &Connection,
    touched: &[(i64, Touched)],
    settle: Settle,
    now: i64,
) -> Result<(), OrganiseError> {
    let touched: Vec<(i64, Touched)> = touched.iter().copied().filter(|(_, t)| t.any()).collect();
    if touched.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = touched.iter().map(|(id, _)| *id).collect();
    let links = sync::links_of_many(tx, &ids)?;
    if links.is_empty() {
        return Ok(());
    }
    for (id, t) in touched {
        let Some(links) = links.get(&id) else { continue };
        let Some(local) = local_fields(tx, id)? else { continue };
        for link in links {
            let want = desired(&local, &link.base, t);
            let existing: Vec<(IntentKey, RemoteOp)> = folders::unfinished_intents(tx, &link.account, id)?
                .into_iter()
                .filter_map(|op| key_of(&op).map(|k| (k, op)))
                .filter(|(k, _)| in_family(k, t))
                .collect();
            let mut by_key: HashMap<&IntentKey, Vec<&RemoteOp>> = HashMap::new();
            for (k, op) in &existing {
                by_key.entry(k).or_default().push(op);
            }
            for (k, ops) in &by_key {
                let wanted = want.get(*k);
                let mut kept = false;
                for op in ops {
                    let same = wanted.is_some_and(|(kind, args)| op.kind == *kind && op.args == *args);
                    if op.state == RemoteOpState::Sending || (same && !kept) {
                        kept |= same;
                        continue;
                    }
                    match wanted {
                        // The same field edited again: the pending intent asks the new value.
                        Some((kind, args)) if !kept && op.kind == *kind => {
                            folders::update_op_args(tx, op.id, args, now)?;
                            kept = true;
                        }
                        _ => folders::settle_op(tx, op.id, settle == Settle::Withdraw, now)?,
                    }
                }
                if !kept && let Some((kind, args)) = wanted {
                    folders::queue_for(tx, &link.account, *kind, Some(id), args, now)?;
                }
            }
            for (k, (kind, args)) in &want {
                if !by_key.contains_key(k) {
                    folders::queue_for(tx, &link.account, *kind, Some(id), args, now)?;
                }
            }
        }
    }
    Ok(())
}

/// A `delete_file` intent for every linked account of each asset (one unfinished each); returns
/// the rows written, for undo.
fn push_deletes(tx: &Connection, ids: &[i64], now: i64) -> Result<Vec<i64>, OrganiseError> {
    let links = sync::links_of_many(tx, ids)?;
    let mut written = Vec::new();
    for &id in ids {
        for link in links.get(&id).into_iter().flatten() {
            let pending = folders::unfinished_intents(tx, &link.account, id)?
                .iter()
                .any(|op| op.kind == RemoteOpKind::DeleteFile);
            if !pending {
                written.push(folders::queue_for(
                    tx,
                    &link.account,
                    RemoteOpKind::DeleteFile,
                    Some(id),
                    &json!({}),
                    now,
                )?);
            }
        }
    }
    Ok(written)
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
    let Batch { changed, mut inverse, description, indexed, push } = batch;
    match push {
        Push::Derive => push_intents(tx, &touched_by(&inverse), Settle::Withdraw, now)?,
        Push::FolderOp => {}
        Push::Delete(ids) => {
            inverse.extend(push_deletes(tx, &ids, now)?.into_iter().map(|id| Inverse::CancelRemoteOp { id }))
        }
    }
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
/// refreshed, the push log brought in line for linked assets (`fields`: what the undone steps
/// put back), and the batch forgotten (undo is not itself recorded; there is no redo).
pub(crate) fn undone(
    tx: &Transaction<'_>,
    batch_id: i64,
    tags_restored: &[i64],
    metadata_restored: &[i64],
    fields: &[(i64, Touched)],
    now: i64,
) -> Result<(), OrganiseError> {
    let mut touched: Vec<i64> = tags_restored.iter().chain(metadata_restored).copied().collect();
    touched.extend(fields.iter().map(|(id, _)| *id));
    touched.sort_unstable();
    touched.dedup();
    push_intents(tx, fields, Settle::Withdraw, now)?;
    touch(tx, &touched, now)?;
    refresh_fts(tx, tags_restored, Indexed::Tags)?;
    refresh_fts(tx, metadata_restored, Indexed::Metadata)?;
    history::forget(tx, batch_id)
}
