//! Applying a plan: local operations through the library, remote ones through the API (tags in
//! bulk calls of at most 50 files, metadata re-read before each PATCH, deletes in bulk calls of at
//! most 100), each remote operation's intents marked `sending` before it goes and applied with
//! the new base and observation after; and, first of all, verifying the intents a killed run left
//! `sending` so nothing is sent twice.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use sr_library::sync::{ConflictField, Fields, LocalApply, NewConflict, RemoteFile, SyncInputs};
use sr_library::{Library, RemoteOp, RemoteOpKind, RemoteOpOutcome, RemoteOpState};
use sr_remote::{RemoteError, UpdateFile};

use crate::plan::{Op, OpKind, Side, Work};
use crate::run::{ItemError, SyncError};
use crate::wire::{Caller, describe, now_s, observe};

/// Files per bulk tag call (spec §5.11).
const TAG_BATCH: usize = 50;
/// Files per bulk delete call (spec §5.7).
const DELETE_BATCH: usize = 100;

/// Whether the effect of an intent is already on the remote file.
fn intent_done(op: &RemoteOp, file: Option<&RemoteFile>) -> bool {
    let arg = |k: &str| op.args.get(k).and_then(Value::as_str);
    let Some(f) = file else {
        return op.kind == RemoteOpKind::DeleteFile;
    };
    let fields = &f.fields;
    match op.kind {
        RemoteOpKind::TagAdd => arg("tag").is_some_and(|t| fields.tags.iter().any(|x| x == t)),
        RemoteOpKind::TagRemove => arg("tag").is_some_and(|t| !fields.tags.iter().any(|x| x == t)),
        RemoteOpKind::MetaSet => {
            arg("key").is_some_and(|k| fields.metadata.get(k) == op.args.get("value").filter(|v| !v.is_null()))
        }
        RemoteOpKind::MetaUnset => arg("key").is_some_and(|k| !fields.metadata.contains_key(k)),
        RemoteOpKind::RenameFile => arg("name").is_some_and(|n| fields.name == n),
        RemoteOpKind::MoveFile => {
            let want = arg("folder").or(arg("destinationPath")).unwrap_or_default();
            let want = if want.ends_with('/') { want.to_owned() } else { format!("{want}/") };
            fields.folder == want
        }
        _ => false,
    }
}

fn retry_intents(lib: &Library, ids: &[i64], why: &str) {
    for id in ids {
        let _ = lib.mark_remote_op(*id, &RemoteOpOutcome::Retry(why.to_owned()), now_s());
    }
}

fn applied_intents(lib: &Library, ids: &[i64]) {
    for id in ids {
        let _ = lib.mark_remote_op(*id, &RemoteOpOutcome::Applied, now_s());
    }
}

/// A killed run's `sending` intents: each file is read once; an intent whose effect is there is
/// marked applied (it is not sent again), the others go back to pending for the plan.
pub(crate) async fn verify_sending(
    lib: &Library,
    caller: &Caller<'_>,
    account: &str,
    inputs: &SyncInputs,
) -> Result<u64, SyncError> {
    let sending: Vec<&RemoteOp> = inputs.intents.iter().filter(|o| o.state == RemoteOpState::Sending).collect();
    if sending.is_empty() {
        return Ok(0);
    }
    let file_of: HashMap<i64, &str> = inputs.links.iter().map(|l| (l.asset_id, l.file_id.as_str())).collect();
    let mut by_file: BTreeMap<&str, Vec<&RemoteOp>> = BTreeMap::new();
    for op in sending {
        match op.asset_id.and_then(|a| file_of.get(&a).copied()) {
            Some(f) => by_file.entry(f).or_default().push(op),
            // Folder operations and unlinked rows are planned again (folder calls are safe to repeat).
            None => retry_intents(lib, &[op.id], "sent by a run that stopped; sent again"),
        }
    }
    let mut verified = 0;
    for (file_id, ops) in by_file {
        let current = match caller.call(|| caller.client.get_file_details(file_id)).await {
            Ok(f) => Some(observe(&f)),
            Err(RemoteError::NotFound { .. }) => None,
            Err(e) => {
                // Unknown: stays `sending`, verified by the next run.
                tracing::debug!("verifying {file_id}: {e}");
                continue;
            }
        };
        match &current {
            Some(obs) => lib.store_remote_files(account, std::slice::from_ref(obs), now_s())?,
            None => {
                if let Some(mut obs) = lib.remote_file(account, file_id)? {
                    obs.present = false;
                    lib.store_remote_files(account, &[obs], now_s())?;
                }
            }
        }
        for op in ops {
            if intent_done(op, current.as_ref()) {
                applied_intents(lib, &[op.id]);
                verified += 1;
            } else {
                retry_intents(lib, &[op.id], "sent by a run that stopped before the remote had it");
            }
        }
    }
    Ok(verified)
}

/// Applies a plan's operations; collects which went through and which failed.
pub(crate) struct Pusher<'a> {
    lib: &'a Library,
    caller: &'a Caller<'a>,
    account: &'a str,
    observed: HashMap<String, RemoteFile>,
    bases: HashMap<i64, Fields>,
    /// Indexes into the plan's operations that went through.
    pub done: Vec<usize>,
    pub errors: Vec<ItemError>,
    pub conflicts: Vec<NewConflict>,
    /// Told (done, total) as operations go through.
    progress: &'a (dyn Fn(u64, u64) + Send + Sync),
    total: u64,
    last_told: u64,
}

fn item_error(op: &Op, e: &RemoteError) -> ItemError {
    ItemError {
        asset_id: op.asset_id,
        file_id: op.file_id.clone(),
        message: format!("{}: {}", op.summary, describe(e)),
        request_id: e.request_id().map(str::to_owned),
        will_retry: !matches!(e, RemoteError::Conflict { .. } | RemoteError::Validation { .. }),
    }
}

fn set_field(base: &mut Fields, op: &Op) {
    let key = op.key.clone().unwrap_or_default();
    let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
    match op.kind {
        OpKind::AddTag if !base.tags.contains(&key) => {
            base.tags.push(key);
            base.tags.sort();
        }
        OpKind::RemoveTag => base.tags.retain(|t| *t != key),
        OpKind::SetMetadata => {
            base.metadata.insert(key, op.to.clone().unwrap_or(Value::Null));
        }
        OpKind::UnsetMetadata => {
            base.metadata.remove(&key);
        }
        OpKind::Rename => base.name = text(&op.to),
        OpKind::Move => base.folder = text(&op.to),
        _ => {}
    }
}

impl<'a> Pusher<'a> {
    pub fn new(
        lib: &'a Library,
        caller: &'a Caller<'a>,
        account: &'a str,
        inputs: SyncInputs,
        work: &Work,
        progress: &'a (dyn Fn(u64, u64) + Send + Sync),
    ) -> Self {
        let mut bases: HashMap<i64, Fields> = inputs.links.into_iter().map(|l| (l.asset_id, l.base)).collect();
        for (a, b) in &work.bases {
            bases.insert(*a, b.clone());
        }
        Pusher {
            lib,
            caller,
            account,
            observed: inputs.remotes.into_iter().map(|r| (r.file_id.clone(), r)).collect(),
            bases,
            done: Vec::new(),
            errors: Vec::new(),
            conflicts: Vec::new(),
            progress,
            total: work.plan.operations.len() as u64,
            last_told: 0,
        }
    }

    /// What went through, what failed and the conflicts found; the observations and bases it
    /// held are freed here.
    pub fn finish(self) -> (Vec<usize>, Vec<ItemError>, Vec<NewConflict>) {
        (self.done, self.errors, self.conflicts)
    }

    /// Progress, at most every 1 % (and at the end).
    fn tell(&mut self) {
        let done = (self.done.len() + self.errors.len()) as u64;
        if done >= self.total || done >= self.last_told + (self.total / 100).max(1) {
            self.last_told = done;
            (self.progress)(done.min(self.total), self.total);
        }
    }

    fn local_error(&mut self, op: &Op, e: impl std::fmt::Display) {
        self.errors.push(ItemError {
            asset_id: op.asset_id,
            file_id: op.file_id.clone(),
            message: format!("{}: {e}", op.summary),
            request_id: None,
            will_retry: true,
        });
    }

    /// After remote operations of one asset went through: the base of those fields moves, the
    /// observation follows, and their intents are applied — one library transaction.
    async fn commit(&mut self, ops: &[(usize, &Op)], fresh: Option<RemoteFile>) -> Result<(), SyncError> {
        let Some(asset_id) = ops.first().and_then(|(_, o)| o.asset_id) else { return Ok(()) };
        let file_id = ops[0].1.file_id.clone().unwrap_or_default();
        let mut base = self.bases.get(&asset_id).cloned().unwrap_or_default();
        for (_, op) in ops {
            set_field(&mut base, op);
        }
        let obs = match fresh {
            Some(f) => Some(f),
            None => self.observed.get(&file_id).cloned().map(|mut f| {
                for (_, op) in ops {
                    set_field(&mut f.fields, op);
                }
                f.file_path = format!("{}{}", f.fields.folder, f.fields.name);
                f
            }),
        };
        let intents: Vec<i64> = ops.iter().flat_map(|(_, o)| o.intents.iter().copied()).collect();
        self.caller.point().await;
        if let Err(e) = self.lib.record_push(self.account, asset_id, &base, obs.as_ref(), &intents, now_s()) {
            // Sent, but not recorded (the asset was unlinked meanwhile): the intents stay
            // `sending`, so the next run verifies them against the remote.
            for (_, op) in ops {
                self.local_error(op, &e);
            }
            return Ok(());
        }
        self.bases.insert(asset_id, base);
        if let Some(obs) = obs {
            self.observed.insert(file_id, obs);
        }
        self.done.extend(ops.iter().map(|(i, _)| *i));
        self.tell();
        Ok(())
    }

    fn fail(&mut self, ops: &[(usize, &Op)], e: &RemoteError) {
        for (_, op) in ops {
            self.errors.push(item_error(op, e));
            let why = describe(e);
            if matches!(e, RemoteError::Validation { .. }) {
                for id in &op.intents {
                    let _ = self.lib.mark_remote_op(*id, &RemoteOpOutcome::Failed(why.clone()), now_s());
                }
            } else {
                retry_intents(self.lib, &op.intents, &why);
            }
        }
    }

    fn mark_gone(&mut self, file_id: &str) -> Result<(), SyncError> {
        if let Some(mut obs) = self.observed.get(file_id).cloned() {
            obs.present = false;
            self.lib.store_remote_files(self.account, std::slice::from_ref(&obs), now_s())?;
            self.observed.insert(file_id.to_owned(), obs);
        }
        Ok(())
    }

    fn sending(&self, ops: &[(usize, &Op)]) -> Result<(), SyncError> {
        let ids: Vec<i64> = ops.iter().flat_map(|(_, o)| o.intents.iter().copied()).collect();
        if !ids.is_empty() {
            self.lib.mark_intents_sending(&ids, now_s())?;
        }
        Ok(())
    }

    /// Applies the rebases, the settled intents and every operation of `work`'s plan.
    pub async fn apply(&mut self, work: &Work) -> Result<(), SyncError> {
        let ops = &work.plan.operations;
        for a in &work.rebased {
            if let Some(b) = work.bases.get(a)
                && let Err(e) = self.lib.set_base(self.account, *a, b, now_s())
            {
                tracing::debug!("moving the base of asset {a}: {e}");
            }
        }
        applied_intents(self.lib, &work.settle);

        // Local operations, one library transaction per asset.
        let mut local: BTreeMap<i64, Vec<(usize, &Op)>> = BTreeMap::new();
        let mut adopt: Vec<(usize, &Op)> = Vec::new();
        for (i, op) in ops.iter().enumerate().filter(|(_, o)| o.side == Side::Local) {
            match (op.kind, op.asset_id) {
                (OpKind::Adopt, _) if op.file_id.as_ref().is_some_and(|f| self.observed.contains_key(f)) => {
                    adopt.push((i, op));
                }
                (OpKind::Adopt, _) => {}
                (OpKind::MarkDeleted, Some(a)) => {
                    applied_intents(self.lib, &op.intents);
                    match self.lib.mark_deleted_remotely(self.account, a, now_s()) {
                        Ok(()) => self.done.push(i),
                        Err(e) => self.local_error(op, e),
                    }
                }
                (_, Some(a)) => local.entry(a).or_default().push((i, op)),
                _ => {}
            }
        }
        // New remote files, a thousand to a transaction (a first pull adopts them all). Each
        // chunk is taken out of the observations (no other operation of the plan is about a file
        // not linked yet), so what they held is freed as the library's page cache fills.
        for chunk in adopt.chunks(1000) {
            let files: Vec<RemoteFile> =
                chunk.iter().filter_map(|(_, op)| op.file_id.as_ref().and_then(|f| self.observed.remove(f))).collect();
            match self.lib.adopt_remote_files(self.account, &files, now_s()) {
                Ok(_) => self.done.extend(chunk.iter().map(|(i, _)| *i)),
                Err(e) => {
                    let e = e.to_string();
                    for (_, op) in chunk {
                        self.local_error(op, &e);
                    }
                }
            }
        }
        if !adopt.is_empty() {
            self.observed.shrink_to_fit();
        }
        self.tell();
        for (asset_id, list) in local {
            let mut change = LocalApply::default();
            for (_, op) in &list {
                let key = op.key.clone().unwrap_or_default();
                let text = op.to.as_ref().and_then(Value::as_str).map(str::to_owned);
                match op.kind {
                    OpKind::AddTag => change.add_tags.push(key),
                    OpKind::RemoveTag => change.remove_tags.push(key),
                    OpKind::SetMetadata => {
                        change.set_metadata.insert(key, op.to.clone().unwrap_or(Value::Null));
                    }
                    OpKind::UnsetMetadata => change.unset_metadata.push(key),
                    OpKind::Rename => change.name = text,
                    OpKind::Move => change.folder = text,
                    _ => {}
                }
            }
            match self.lib.apply_remote_change(self.account, asset_id, &change, now_s()) {
                Ok(()) => {
                    let base = self.bases.entry(asset_id).or_default();
                    for (_, op) in &list {
                        set_field(base, op);
                    }
                    self.done.extend(list.iter().map(|(i, _)| *i));
                }
                Err(e) => {
                    for (_, op) in &list {
                        self.local_error(op, &e);
                    }
                }
            }
        }

        self.tell();
        let remote: Vec<(usize, &Op)> = ops.iter().enumerate().filter(|(_, o)| o.side == Side::Remote).collect();
        // Folder operations, in the order they were made.
        for &(i, op) in remote.iter().filter(|(_, o)| o.asset_id.is_none()) {
            self.folder_op(i, op).await?;
        }
        // Tags: one call per (tag, add | remove) and 50 files.
        let mut tags: BTreeMap<(String, bool), Vec<(usize, &Op)>> = BTreeMap::new();
        for &(i, op) in &remote {
            if op.asset_id.is_some() && matches!(op.kind, OpKind::AddTag | OpKind::RemoveTag) {
                tags.entry((op.key.clone().unwrap_or_default(), op.kind == OpKind::AddTag)).or_default().push((i, op));
            }
        }
        for ((tag, add), list) in tags {
            for chunk in list.chunks(TAG_BATCH) {
                self.tag_call(&tag, add, chunk).await?;
            }
        }
        // Metadata, rename and move, file by file.
        let mut per_file: BTreeMap<i64, Vec<(usize, &Op)>> = BTreeMap::new();
        for &(i, op) in &remote {
            if let (Some(a), OpKind::SetMetadata | OpKind::UnsetMetadata | OpKind::Rename | OpKind::Move) =
                (op.asset_id, op.kind)
            {
                per_file.entry(a).or_default().push((i, op));
            }
        }
        for (_, list) in per_file {
            let (meta, rest): (Vec<_>, Vec<_>) =
                list.into_iter().partition(|(_, o)| matches!(o.kind, OpKind::SetMetadata | OpKind::UnsetMetadata));
            if !meta.is_empty() {
                self.metadata(&meta).await?;
            }
            for one in rest {
                self.path_op(one).await?;
            }
        }
        // Confirmed deletes, 100 a call.
        let deletes: Vec<(usize, &Op)> = remote.iter().copied().filter(|(_, o)| o.kind == OpKind::Delete).collect();
        for chunk in deletes.chunks(DELETE_BATCH) {
            self.delete_call(chunk).await?;
        }
        self.done.sort_unstable();
        self.tell();
        Ok(())
    }

    async fn folder_op(&mut self, i: usize, op: &Op) -> Result<(), SyncError> {
        let args = op.to.clone().unwrap_or(Value::Null);
        let arg = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        self.sending(&[(i, op)])?;
        let c = &self.caller.client;
        let res = match op.kind {
            OpKind::CreateFolder => {
                let (name, parent) = (arg("folderName"), arg("parentFolderPath"));
                self.caller.call(|| c.create_folder(&name, &parent)).await
            }
            OpKind::RenameFolder => {
                let (path, name) = (arg("folderPath"), arg("newFolderName"));
                self.caller.call(|| c.rename_folder(&path, &name, false)).await.map(|_| ())
            }
            OpKind::MoveFolder => {
                let (src, dst) = (arg("sourceFolderPath"), arg("destinationPath"));
                self.caller.call(|| c.move_folder(&src, &dst)).await.map(|_| ())
            }
            _ => {
                let (src, dst) = (arg("sourceFilePath"), arg("destinationPath"));
                self.caller.call(|| c.move_file(&src, &dst)).await
            }
        };
        match res {
            Ok(()) => {
                applied_intents(self.lib, &op.intents);
                self.done.push(i);
            }
            // The folder is there already (a run that stopped after creating it).
            Err(RemoteError::Conflict { .. }) if op.kind == OpKind::CreateFolder => {
                applied_intents(self.lib, &op.intents);
                self.done.push(i);
            }
            Err(e @ RemoteError::NotFound { .. }) => {
                // Nothing at that path any more (renamed or moved there since, or by a run that
                // stopped): not retried; the files' own folders merge from the next pull.
                let why = describe(&e);
                for id in &op.intents {
                    let _ = self.lib.mark_remote_op(*id, &RemoteOpOutcome::Failed(why.clone()), now_s());
                }
                let mut err = item_error(op, &e);
                err.will_retry = false;
                self.errors.push(err);
            }
            Err(e) => self.fail(&[(i, op)], &e),
        }
        Ok(())
    }

    async fn tag_call(&mut self, tag: &str, add: bool, chunk: &[(usize, &Op)]) -> Result<(), SyncError> {
        self.sending(chunk)?;
        let mut list: Vec<(usize, &Op)> = chunk.to_vec();
        // A missing file makes the call change nothing: drop it and try once more.
        for attempt in 0..2 {
            let ids: Vec<String> = list.iter().filter_map(|(_, o)| o.file_id.clone()).collect();
            if ids.is_empty() {
                return Ok(());
            }
            let tags = [tag.to_owned()];
            let c = &self.caller.client;
            let res = if add {
                self.caller.call(|| c.add_tags(&ids, &tags)).await
            } else {
                self.caller.call(|| c.remove_tags(&ids, &tags)).await
            };
            match res {
                Ok(outcome) => {
                    for (i, op) in &list {
                        let fid = op.file_id.clone().unwrap_or_default();
                        if let Some(err) = outcome.errors.iter().find(|e| e.file_id == fid) {
                            let e = RemoteError::PartialSuccess { message: err.error.clone(), request_id: None };
                            self.fail(&[(*i, op)], &e);
                        } else {
                            self.commit(&[(*i, op)], None).await?;
                        }
                    }
                    return Ok(());
                }
                Err(RemoteError::NotFound { missing_file_ids, message, reason, request_id })
                    if attempt == 0 && !missing_file_ids.is_empty() =>
                {
                    let e = RemoteError::NotFound {
                        message,
                        missing_file_ids: missing_file_ids.clone(),
                        reason,
                        request_id,
                    };
                    let (gone, rest): (Vec<_>, Vec<_>) = list
                        .into_iter()
                        .partition(|(_, o)| o.file_id.as_ref().is_some_and(|f| missing_file_ids.contains(f)));
                    for (i, op) in gone {
                        self.mark_gone(op.file_id.as_deref().unwrap_or_default())?;
                        self.fail(&[(i, op)], &e);
                    }
                    list = rest;
                }
                Err(e) => {
                    self.fail(&list, &e);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// One file's metadata: read it first (the API has no If-Match); a key the remote moved since
    /// it was observed is not written (the next plan decides); one PATCH of the keys that change.
    async fn metadata(&mut self, ops: &[(usize, &Op)]) -> Result<(), SyncError> {
        let file_id = ops[0].1.file_id.clone().unwrap_or_default();
        let c = &self.caller.client;
        let current = match self.caller.call(|| c.get_file_details(&file_id)).await {
            Ok(f) => observe(&f),
            Err(e) => {
                if matches!(e, RemoteError::NotFound { .. }) {
                    self.mark_gone(&file_id)?;
                }
                self.fail(ops, &e);
                return Ok(());
            }
        };
        let mut already = Vec::new();
        let mut send = Vec::new();
        let mut patch = Map::new();
        for &(i, op) in ops {
            let key = op.key.clone().unwrap_or_default();
            let now = current.fields.metadata.get(&key);
            if now == op.to.as_ref() {
                already.push((i, op));
            } else if now == op.from.as_ref() {
                patch.insert(key, op.to.clone().unwrap_or(Value::Null));
                send.push((i, op));
            } else {
                self.errors.push(ItemError {
                    asset_id: op.asset_id,
                    file_id: op.file_id.clone(),
                    message: format!(
                        "{}: not sent, the remote value changed since it was read; the next sync compares it again",
                        op.summary
                    ),
                    request_id: None,
                    will_retry: true,
                });
            }
        }
        self.lib.store_remote_files(self.account, std::slice::from_ref(&current), now_s())?;
        self.observed.insert(file_id.clone(), current.clone());
        if send.is_empty() {
            if !already.is_empty() {
                self.commit(&already, Some(current)).await?;
            }
            return Ok(());
        }
        self.sending(&send)?;
        let update = UpdateFile { custom_metadata: patch, ..UpdateFile::default() };
        match self.caller.call(|| c.update_file_details(&file_id, update.clone())).await {
            Ok(f) => {
                let mut all = already;
                all.extend(send);
                self.commit(&all, Some(observe(&f))).await?;
            }
            Err(e) => {
                if !already.is_empty() {
                    self.commit(&already, Some(current)).await?;
                }
                if matches!(e, RemoteError::NotFound { .. }) {
                    self.mark_gone(&file_id)?;
                }
                self.fail(&send, &e);
            }
        }
        Ok(())
    }

    /// A rename or a move of one file, by its path as last observed.
    async fn path_op(&mut self, (i, op): (usize, &Op)) -> Result<(), SyncError> {
        let file_id = op.file_id.clone().unwrap_or_default();
        let Some(obs) = self.observed.get(&file_id).cloned() else { return Ok(()) };
        let to = op.to.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
        self.sending(&[(i, op)])?;
        let c = &self.caller.client;
        let res = if op.kind == OpKind::Rename {
            self.caller.call(|| c.rename_file(&obs.file_path, &to, false)).await.map(|_| ())
        } else {
            self.caller.call(|| c.move_file(&obs.file_path, &to)).await
        };
        match res {
            Ok(()) => self.commit(&[(i, op)], None).await?,
            Err(RemoteError::Conflict { message, request_id }) if op.kind == OpKind::Rename => {
                // A name taken there is a conflict for the person, never retried.
                let base = self.bases.get(&op.asset_id.unwrap_or_default()).map(|b| b.name.clone());
                self.conflicts.push(NewConflict {
                    asset_id: op.asset_id.unwrap_or_default(),
                    field: ConflictField::Name,
                    base: base.map(Value::String),
                    mine: Some(Value::String(to.clone())),
                    theirs: Some(Value::String(obs.fields.name.clone())),
                    theirs_at: Some(obs.updated_at.clone()),
                });
                self.fail(&[(i, op)], &RemoteError::Conflict { message, request_id });
            }
            Err(e) => {
                if matches!(e, RemoteError::NotFound { .. }) {
                    // Moved or gone since it was observed: read it again for the next plan.
                    match self.caller.call(|| c.get_file_details(&file_id)).await {
                        Ok(f) => {
                            let fresh = observe(&f);
                            self.lib.store_remote_files(self.account, std::slice::from_ref(&fresh), now_s())?;
                            self.observed.insert(file_id.clone(), fresh);
                        }
                        Err(RemoteError::NotFound { .. }) => self.mark_gone(&file_id)?,
                        Err(_) => {}
                    }
                }
                self.fail(&[(i, op)], &e);
            }
        }
        Ok(())
    }

    async fn delete_call(&mut self, chunk: &[(usize, &Op)]) -> Result<(), SyncError> {
        // Read each file first: one edited there since it was observed is not deleted (the next
        // plan makes it a conflict), one already gone is done.
        let c = &self.caller.client;
        let mut list: Vec<(usize, &Op)> = Vec::new();
        for &(i, op) in chunk {
            let file_id = op.file_id.clone().unwrap_or_default();
            let base = op.asset_id.and_then(|a| self.bases.get(&a)).cloned();
            match self.caller.call(|| c.get_file_details(&file_id)).await {
                Ok(f) => {
                    let now = observe(&f);
                    if Some(&now.fields) == base.as_ref() {
                        list.push((i, op));
                    } else {
                        self.lib.store_remote_files(self.account, std::slice::from_ref(&now), now_s())?;
                        self.observed.insert(file_id, now);
                        self.errors.push(ItemError {
                            asset_id: op.asset_id,
                            file_id: op.file_id.clone(),
                            message: format!(
                                "{}: not deleted, it was changed on the remote since it was read",
                                op.summary
                            ),
                            request_id: None,
                            will_retry: true,
                        });
                    }
                }
                Err(RemoteError::NotFound { .. }) => self.deleted(i, op)?,
                Err(e) => self.fail(&[(i, op)], &e),
            }
        }
        self.sending(&list)?;
        for attempt in 0..2 {
            let ids: Vec<String> = list.iter().filter_map(|(_, o)| o.file_id.clone()).collect();
            if ids.is_empty() {
                return Ok(());
            }
            let c = &self.caller.client;
            match self.caller.call(|| c.bulk_delete(&ids)).await {
                Ok(outcome) => {
                    for (i, op) in &list {
                        let fid = op.file_id.clone().unwrap_or_default();
                        if let Some(err) = outcome.errors.iter().find(|e| e.file_id == fid) {
                            let e = RemoteError::PartialSuccess { message: err.error.clone(), request_id: None };
                            self.fail(&[(*i, op)], &e);
                        } else {
                            self.deleted(*i, op)?;
                        }
                    }
                    return Ok(());
                }
                Err(RemoteError::NotFound { missing_file_ids, .. }) if attempt == 0 && !missing_file_ids.is_empty() => {
                    // Already gone there: what was asked is done.
                    let (gone, rest): (Vec<_>, Vec<_>) = list
                        .into_iter()
                        .partition(|(_, o)| o.file_id.as_ref().is_some_and(|f| missing_file_ids.contains(f)));
                    for (i, op) in gone {
                        self.deleted(i, op)?;
                    }
                    list = rest;
                }
                Err(e) => {
                    self.fail(&list, &e);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn deleted(&mut self, i: usize, op: &Op) -> Result<(), SyncError> {
        self.mark_gone(op.file_id.as_deref().unwrap_or_default())?;
        applied_intents(self.lib, &op.intents);
        if let Some(a) = op.asset_id {
            // Deleted here on purpose: the link goes, the asset and its file stay.
            self.lib.unlink_asset(self.account, a, now_s())?;
        }
        self.done.push(i);
        Ok(())
    }
}
