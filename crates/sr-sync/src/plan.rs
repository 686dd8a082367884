//! The pure planner: local state, remote observations and the base in, a [`Plan`] out.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sr_library::sync::{ConflictField, Fields, LocalAsset, NewConflict, RemoteFile, SyncInputs, SyncLink};
use sr_library::{RemoteOp, RemoteOpKind};

/// Which side an operation changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Local,
    Remote,
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    AddTag,
    RemoveTag,
    SetMetadata,
    UnsetMetadata,
    Rename,
    Move,
    /// Local: a remote file no asset knows becomes a remote-only asset.
    Adopt,
    /// Remote: the asset's remote file is deleted (confirmed).
    Delete,
    /// Local: the asset's remote file is gone; the link is marked deleted remotely (the local file stays).
    MarkDeleted,
    CreateFolder,
    RenameFolder,
    MoveFolder,
}

/// One change a run makes, on one side. The same list for a dry run and the real run after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub side: Side,
    pub kind: OpKind,
    pub asset_id: Option<i64>,
    pub file_id: Option<String>,
    /// The tag, the metadata key, or the folder path.
    pub key: Option<String>,
    pub from: Option<Value>,
    pub to: Option<Value>,
    /// The push-log intents this operation carries out (applied together).
    pub intents: Vec<i64>,
    /// In words, e.g. `tag "sale" added to dress.mp4 on the remote`.
    pub summary: String,
}

/// Why a run stops before applying anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The listing came back empty while the base is not.
    EmptyListing { linked: u64 },
    /// Every linked file changed at once.
    EverythingChanged { changed: u64 },
}

/// Settings that shape a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// Remote-originated deletes above this many files are held (default 20).
    pub delete_fuse_files: u32,
    /// Deletes were confirmed (`--confirm-deletes`): held deletes go ahead, and a run a guard
    /// stopped (an empty listing, everything changed) goes ahead too.
    pub confirm_deletes: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { delete_fuse_files: 20, confirm_deletes: false }
    }
}

/// What a run will do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// In the order they are applied.
    pub operations: Vec<Op>,
    /// Deletes held by a fuse until confirmed, with why.
    pub held: Vec<Op>,
    pub held_reason: Option<String>,
    /// Conflicts the run opens.
    #[serde(skip)]
    pub conflicts: Vec<NewConflict>,
    /// What the log should say (e.g. a tag added on one side and removed on the other was kept).
    pub notes: Vec<String>,
    pub stop: Option<StopReason>,
}

/// A synced field of one asset: what intents and conflicts are keyed by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FieldKey {
    Name,
    Folder,
    Tag(String),
    Meta(String),
    Existence,
}

impl FieldKey {
    fn of_conflict(f: &ConflictField) -> FieldKey {
        match f {
            ConflictField::Name => FieldKey::Name,
            ConflictField::Folder => FieldKey::Folder,
            ConflictField::Tag(t) => FieldKey::Tag(t.clone()),
            ConflictField::Metadata(k) => FieldKey::Meta(k.clone()),
            ConflictField::Existence => FieldKey::Existence,
        }
    }

    /// The field a file intent is about (`None` for folder operations).
    pub(crate) fn of_intent(op: &RemoteOp) -> Option<FieldKey> {
        let arg = |k: &str| op.args.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(match op.kind {
            RemoteOpKind::TagAdd | RemoteOpKind::TagRemove => FieldKey::Tag(arg("tag")?),
            RemoteOpKind::MetaSet | RemoteOpKind::MetaUnset => FieldKey::Meta(arg("key")?),
            RemoteOpKind::RenameFile => FieldKey::Name,
            RemoteOpKind::MoveFile => FieldKey::Folder,
            RemoteOpKind::DeleteFile => FieldKey::Existence,
            RemoteOpKind::CreateFolder | RemoteOpKind::RenameFolder | RemoteOpKind::MoveFolder => return None,
        })
    }
}

/// The planner's full output: the plan, and the bookkeeping a real run does beside its operations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Work {
    pub plan: Plan,
    /// Per asset with operations or agreed changes: the base to start from, i.e. the link's base
    /// with every field both sides changed identically moved to that value.
    pub bases: BTreeMap<i64, Fields>,
    /// Assets whose base moves without any operation (both sides agreed).
    pub rebased: Vec<i64>,
    /// Intents that need no request (coalesced away, or already true on the remote): marked applied.
    pub settle: Vec<i64>,
}

/// Computes the plan. Pure: the same inputs give the same plan.
pub fn plan(inputs: &SyncInputs, opts: &PlanOptions) -> Plan {
    work(inputs, opts).plan
}

fn set_of(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

fn jstr(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn fields_json(f: &Fields) -> Value {
    serde_json::to_value(f).unwrap_or(Value::Null)
}

struct AssetCtx<'a> {
    asset_id: i64,
    file_id: &'a str,
    name: &'a str,
    theirs_at: &'a str,
}

impl AssetCtx<'_> {
    fn op(&self, side: Side, kind: OpKind, key: Option<&str>, from: Option<Value>, to: Option<Value>) -> Op {
        let summary = summary(side, kind, self.name, key, from.as_ref(), to.as_ref());
        Op {
            side,
            kind,
            asset_id: Some(self.asset_id),
            file_id: Some(self.file_id.to_owned()),
            key: key.map(str::to_owned),
            from,
            to,
            intents: Vec::new(),
            summary,
        }
    }
}

fn where_(side: Side) -> &'static str {
    match side {
        Side::Local => "on this computer",
        Side::Remote => "on the remote",
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(none)".into(),
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(v) => v.to_string(),
    }
}

fn summary(
    side: Side,
    kind: OpKind,
    name: &str,
    key: Option<&str>,
    from: Option<&Value>,
    to: Option<&Value>,
) -> String {
    let key = key.unwrap_or_default();
    let w = where_(side);
    match kind {
        OpKind::AddTag => format!("tag \"{key}\" added to {name} {w}"),
        OpKind::RemoveTag => format!("tag \"{key}\" removed from {name} {w}"),
        OpKind::SetMetadata => format!("{key} of {name} set to {} {w} (was {})", show(to), show(from)),
        OpKind::UnsetMetadata => format!("{key} of {name} cleared {w} (was {})", show(from)),
        OpKind::Rename => format!("{name} renamed to {} {w}", show(to)),
        OpKind::Move => format!("{name} moved from {} to {} {w}", show(from), show(to)),
        OpKind::Adopt => format!("{name} added to the library as a remote-only asset"),
        OpKind::Delete => format!("{name} deleted from the remote library"),
        OpKind::MarkDeleted => format!("{name} was deleted on the remote: marked deleted remotely {w}"),
        OpKind::CreateFolder => format!("folder {key} created {w}"),
        OpKind::RenameFolder => format!("folder {key} renamed to {} {w}", show(to)),
        OpKind::MoveFolder => format!("folder {key} moved into {} {w}", show(to)),
    }
}

/// Three-way merge of one single-valued field. Returns the op side to change (and to what), the
/// agreed base, or a conflict (`Err`).
enum Merge<T> {
    /// Nothing changed, or both changed to the same value (the base moves to it).
    Agreed(T),
    /// One side changed: the other side is set to the value.
    Set {
        side: Side,
        from: T,
        to: T,
    },
    Conflict,
}

fn merge3<T: PartialEq + Clone>(base: &T, local: &T, remote: &T) -> Merge<T> {
    match (local == base, remote == base) {
        (true, true) => Merge::Agreed(base.clone()),
        (false, true) => Merge::Set { side: Side::Remote, from: remote.clone(), to: local.clone() },
        (true, false) => Merge::Set { side: Side::Local, from: local.clone(), to: remote.clone() },
        (false, false) if local == remote => Merge::Agreed(local.clone()),
        (false, false) => Merge::Conflict,
    }
}

pub(crate) fn work(inputs: &SyncInputs, opts: &PlanOptions) -> Work {
    let mut out = Work::default();
    let locals: HashMap<i64, &LocalAsset> = inputs.locals.iter().map(|l| (l.asset_id, l)).collect();
    let remotes: HashMap<&str, &RemoteFile> = inputs.remotes.iter().map(|r| (r.file_id.as_str(), r)).collect();
    let linked_files: HashSet<&str> = inputs.links.iter().map(|l| l.file_id.as_str()).collect();
    let by_path: HashMap<&str, i64> = inputs
        .links
        .iter()
        .filter_map(|l| remotes.get(l.file_id.as_str()).map(|r| (r.file_path.as_str(), l.asset_id)))
        .collect();

    // Open conflicts: the field is left alone until resolved.
    let open: HashSet<(i64, FieldKey)> = inputs
        .open_conflicts
        .iter()
        .filter(|c| c.resolved_at.is_none())
        .map(|c| (c.asset_id, FieldKey::of_conflict(&c.field)))
        .collect();

    // Pending intents, per asset and field, in id order; folder operations apart.
    let mut intents: HashMap<i64, BTreeMap<FieldKey, Vec<&RemoteOp>>> = HashMap::new();
    let mut folder_ops: Vec<&RemoteOp> = Vec::new();
    for op in &inputs.intents {
        if op.state.is_terminal() {
            continue;
        }
        let Some(field) = FieldKey::of_intent(op) else {
            folder_ops.push(op);
            continue;
        };
        // The watcher's `move_file` rows name the file by path, not the asset.
        let asset = op
            .asset_id
            .or_else(|| op.args.get("sourceFilePath").and_then(Value::as_str).and_then(|p| by_path.get(p).copied()));
        match asset {
            Some(a) => intents.entry(a).or_default().entry(field).or_default().push(op),
            None if op.kind == RemoteOpKind::MoveFile => folder_ops.push(op),
            None => {}
        }
    }
    for v in intents.values_mut().flat_map(|m| m.values_mut()) {
        v.sort_by_key(|o| o.id);
    }

    // Folder renames and moves made here carry their files along: an asset whose folder changed
    // only by them needs no move of its own.
    let relocations: Vec<(String, String)> = folder_ops
        .iter()
        .filter_map(|f| {
            let arg = |k: &str| f.args.get(k).and_then(Value::as_str).map(|s| s.trim_end_matches('/').to_owned());
            match f.kind {
                RemoteOpKind::RenameFolder => {
                    let old = arg("folderPath")?;
                    let parent = &old[..=old.rfind('/')?];
                    Some((format!("{old}/"), format!("{parent}{}/", arg("newFolderName")?)))
                }
                RemoteOpKind::MoveFolder => {
                    let old = arg("sourceFolderPath")?;
                    let name = &old[old.rfind('/')? + 1..];
                    let dest = arg("destinationPath").unwrap_or_default();
                    Some((format!("{old}/"), format!("{dest}/{name}/")))
                }
                _ => None,
            }
        })
        .collect();
    let relocated = |folder: &str| -> String {
        let mut f = folder.to_owned();
        for (old, new) in &relocations {
            if let Some(rest) = f.strip_prefix(old.as_str()) {
                f = format!("{new}{rest}");
            }
        }
        f
    };

    let mut ops: Vec<Op> = Vec::new();
    let mut mark_deleted: Vec<(Op, String)> = Vec::new();
    let mut local_deletes: Vec<Op> = Vec::new();
    let mut changed_remotely = 0u64;

    let mut links: Vec<&SyncLink> = inputs.links.iter().collect();
    links.sort_by_key(|l| l.asset_id);
    let mut linked_per_folder: BTreeMap<&str, u64> = BTreeMap::new();
    for l in &links {
        *linked_per_folder.entry(l.base.folder.as_str()).or_default() += 1;
    }

    for link in &links {
        let (Some(local), Some(remote)) = (locals.get(&link.asset_id), remotes.get(link.file_id.as_str())) else {
            continue;
        };
        let base = &link.base;
        let l = &local.fields;
        let r = &remote.fields;
        if !remote.present || r != base {
            changed_remotely += 1;
        }
        let mut my_intents = intents.remove(&link.asset_id).unwrap_or_default();
        let ctx =
            AssetCtx { asset_id: link.asset_id, file_id: &link.file_id, name: &l.name, theirs_at: &remote.updated_at };
        let is_open = |f: &FieldKey| open.contains(&(link.asset_id, f.clone()));
        if is_open(&FieldKey::Existence) {
            continue;
        }
        let ids = |v: &[&RemoteOp]| v.iter().map(|o| o.id).collect::<Vec<_>>();

        // Existence: a remote delete, or a delete asked for here.
        let delete_intents = my_intents.remove(&FieldKey::Existence).unwrap_or_default();
        if !remote.present {
            if !delete_intents.is_empty() {
                // Both sides want it gone: the link is marked deleted, nothing to send.
                let mut op = ctx.op(Side::Local, OpKind::MarkDeleted, None, None, None);
                op.intents = ids(&delete_intents);
                ops.push(op);
            } else if l == base {
                let op = ctx.op(Side::Local, OpKind::MarkDeleted, None, None, None);
                mark_deleted.push((op, base.folder.clone()));
            } else {
                out.plan.conflicts.push(NewConflict {
                    asset_id: link.asset_id,
                    field: ConflictField::Existence,
                    base: Some(fields_json(base)),
                    mine: Some(fields_json(l)),
                    theirs: None,
                    theirs_at: Some(remote.updated_at.clone()),
                });
            }
            continue;
        }
        if !delete_intents.is_empty() {
            if r == base {
                let mut op = ctx.op(Side::Remote, OpKind::Delete, None, Some(jstr(&remote.file_path)), None);
                op.intents = ids(&delete_intents);
                local_deletes.push(op);
            } else {
                out.plan.conflicts.push(NewConflict {
                    asset_id: link.asset_id,
                    field: ConflictField::Existence,
                    base: Some(fields_json(base)),
                    mine: None,
                    theirs: Some(fields_json(r)),
                    theirs_at: Some(remote.updated_at.clone()),
                });
            }
            continue;
        }

        let mut agreed = base.clone();
        let mut asset_ops: Vec<(FieldKey, Op)> = Vec::new();
        let mut conflicted: HashSet<FieldKey> = HashSet::new();

        // Name and folder.
        for (field, b, lv, rv, kind, cf) in [
            (FieldKey::Name, &base.name, &l.name, &r.name, OpKind::Rename, ConflictField::Name),
            (FieldKey::Folder, &base.folder, &l.folder, &r.folder, OpKind::Move, ConflictField::Folder),
        ] {
            if is_open(&field) {
                conflicted.insert(field);
                continue;
            }
            if field == FieldKey::Folder
                && lv != b
                && rv == b
                && !my_intents.contains_key(&FieldKey::Folder)
                && relocated(b) == *lv
            {
                // The folder operation moves it there.
                continue;
            }
            match merge3(b, lv, rv) {
                Merge::Agreed(v) => match field {
                    FieldKey::Name => agreed.name = v,
                    _ => agreed.folder = v,
                },
                Merge::Set { side, from, to } => {
                    asset_ops.push((field, ctx.op(side, kind, None, Some(jstr(&from)), Some(jstr(&to)))));
                }
                Merge::Conflict => {
                    conflicted.insert(field);
                    out.plan.conflicts.push(NewConflict {
                        asset_id: link.asset_id,
                        field: cf,
                        base: Some(jstr(b)),
                        mine: Some(jstr(lv)),
                        theirs: Some(jstr(rv)),
                        theirs_at: Some(ctx.theirs_at.to_owned()),
                    });
                }
            }
        }

        // Tags, as sets of intents.
        let (bt, lt, rt) = (set_of(&base.tags), set_of(&l.tags), set_of(&r.tags));
        let mut l_add: BTreeSet<String> = lt.difference(&bt).cloned().collect();
        let mut l_rm: BTreeSet<String> = bt.difference(&lt).cloned().collect();
        for (field, list) in &my_intents {
            if let (FieldKey::Tag(t), Some(last)) = (field, list.last()) {
                match last.kind {
                    RemoteOpKind::TagAdd if lt.contains(t) => {
                        l_add.insert(t.clone());
                    }
                    RemoteOpKind::TagRemove if !lt.contains(t) => {
                        l_rm.insert(t.clone());
                    }
                    _ => {}
                }
            }
        }
        let r_add: BTreeSet<String> = rt.difference(&bt).cloned().collect();
        let r_rm: BTreeSet<String> = bt.difference(&rt).cloned().collect();
        let all: BTreeSet<String> = bt.iter().chain(&lt).chain(&rt).cloned().collect();
        let mut agreed_tags = BTreeSet::new();
        for t in &all {
            let field = FieldKey::Tag(t.clone());
            let (in_b, in_l, in_r) = (bt.contains(t), lt.contains(t), rt.contains(t));
            if is_open(&field) {
                conflicted.insert(field);
                if in_b {
                    agreed_tags.insert(t.clone());
                }
                continue;
            }
            let kept = (l_add.contains(t) && r_rm.contains(t)) || (r_add.contains(t) && l_rm.contains(t));
            let result = if kept {
                out.plan
                    .notes
                    .push(format!("tag \"{t}\" of {} was added on one side and removed on the other: kept", l.name));
                true
            } else if l_add.contains(t) || r_add.contains(t) {
                !(l_rm.contains(t) || r_rm.contains(t))
            } else if l_rm.contains(t) || r_rm.contains(t) {
                false
            } else {
                in_b
            };
            // The base moves at once only where both sides already hold the result.
            if in_l == in_r {
                if in_l {
                    agreed_tags.insert(t.clone());
                }
            } else if in_b {
                agreed_tags.insert(t.clone());
            }
            for (side, has) in [(Side::Remote, in_r), (Side::Local, in_l)] {
                if has != result {
                    let kind = if result { OpKind::AddTag } else { OpKind::RemoveTag };
                    asset_ops.push((field.clone(), ctx.op(side, kind, Some(t), None, None)));
                }
            }
        }
        agreed.tags = agreed_tags.into_iter().collect();

        // Each metadata key.
        let keys: BTreeSet<&String> = base.metadata.keys().chain(l.metadata.keys()).chain(r.metadata.keys()).collect();
        for k in keys {
            let field = FieldKey::Meta(k.clone());
            let (b, lv, rv) = (base.metadata.get(k), l.metadata.get(k), r.metadata.get(k));
            if is_open(&field) {
                conflicted.insert(field);
                continue;
            }
            match merge3(&b, &lv, &rv) {
                Merge::Agreed(v) => match v {
                    Some(v) => {
                        agreed.metadata.insert(k.clone(), v.clone());
                    }
                    None => {
                        agreed.metadata.remove(k);
                    }
                },
                Merge::Set { side, from, to } => {
                    let (kind, to) = match to {
                        Some(v) => (OpKind::SetMetadata, Some(v.clone())),
                        None => (OpKind::UnsetMetadata, None),
                    };
                    asset_ops.push((field, ctx.op(side, kind, Some(k), from.cloned(), to)));
                }
                Merge::Conflict => {
                    conflicted.insert(field);
                    out.plan.conflicts.push(NewConflict {
                        asset_id: link.asset_id,
                        field: ConflictField::Metadata(k.clone()),
                        base: b.cloned(),
                        mine: lv.cloned(),
                        theirs: rv.cloned(),
                        theirs_at: Some(ctx.theirs_at.to_owned()),
                    });
                }
            }
        }

        // Intents: carried by the remote op of their field, kept while the field is in conflict,
        // settled otherwise (they cancelled out, or the remote already has the value).
        let mut pushed: HashSet<FieldKey> = HashSet::new();
        for (field, op) in asset_ops.iter_mut() {
            if op.side == Side::Remote
                && let Some(list) = my_intents.get(field)
            {
                op.intents = ids(list);
                pushed.insert(field.clone());
            }
        }
        for (field, list) in &my_intents {
            if !pushed.contains(field) && !conflicted.contains(field) {
                out.settle.extend(ids(list));
            }
        }
        if agreed != *base {
            out.rebased.push(link.asset_id);
        }
        if agreed != *base || !asset_ops.is_empty() {
            out.bases.insert(link.asset_id, agreed);
        }
        ops.extend(asset_ops.into_iter().map(|(_, op)| op));
    }

    // Folder operations made here, in the order they were made.
    for f in &folder_ops {
        let kind = match f.kind {
            RemoteOpKind::CreateFolder => OpKind::CreateFolder,
            RemoteOpKind::RenameFolder => OpKind::RenameFolder,
            RemoteOpKind::MoveFolder => OpKind::MoveFolder,
            _ => OpKind::Move,
        };
        let arg = |k: &str| f.args.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let (key, to) = match f.kind {
            RemoteOpKind::CreateFolder => (format!("{}{}/", arg("parentFolderPath"), arg("folderName")), None),
            RemoteOpKind::RenameFolder => (arg("folderPath"), Some(jstr(&arg("newFolderName")))),
            RemoteOpKind::MoveFolder => (arg("sourceFolderPath"), Some(jstr(&arg("destinationPath")))),
            _ => (arg("sourceFilePath"), Some(jstr(&arg("destinationPath")))),
        };
        let summary = summary(Side::Remote, kind, &key, Some(&key), None, to.as_ref());
        ops.push(Op {
            side: Side::Remote,
            kind,
            asset_id: None,
            file_id: None,
            key: Some(key),
            from: None,
            to: Some(f.args.clone()),
            intents: vec![f.id],
            summary,
        });
    }

    // New remote files become remote-only assets — except one an upload of this library still
    // under way may have made (same folder and name): the upload links it when it is done.
    let linked_assets: HashSet<i64> = inputs.links.iter().map(|l| l.asset_id).collect();
    let uploading: HashSet<(&str, &str)> = inputs
        .locals
        .iter()
        .filter(|l| l.queued && !linked_assets.contains(&l.asset_id))
        .map(|l| (l.fields.folder.as_str(), l.fields.name.as_str()))
        .collect();
    let mut adopts: Vec<&RemoteFile> = inputs
        .remotes
        .iter()
        .filter(|r| r.present && !linked_files.contains(r.file_id.as_str()))
        .filter(|r| !uploading.contains(&(r.fields.folder.as_str(), r.fields.name.as_str())))
        .collect();
    adopts.sort_by(|a, b| a.file_id.cmp(&b.file_id));
    for r in adopts {
        ops.push(Op {
            side: Side::Local,
            kind: OpKind::Adopt,
            asset_id: None,
            file_id: Some(r.file_id.clone()),
            key: None,
            from: None,
            to: Some(jstr(&r.file_path)),
            intents: Vec::new(),
            summary: summary(Side::Local, OpKind::Adopt, &r.file_path, None, None, None),
        });
    }

    // Fuses: remote-originated deletes above the limit or above half of a folder, and every
    // delete asked for here, wait for confirmation.
    let mut reasons = Vec::new();
    if !mark_deleted.is_empty() {
        let n = mark_deleted.len() as u64;
        let mut per_folder: BTreeMap<&str, u64> = BTreeMap::new();
        for (_, f) in &mark_deleted {
            *per_folder.entry(f.as_str()).or_default() += 1;
        }
        let half = per_folder.iter().find(|(f, d)| **d * 2 > linked_per_folder.get(*f).copied().unwrap_or(0));
        let over = n > u64::from(opts.delete_fuse_files);
        if !opts.confirm_deletes && (over || half.is_some()) {
            reasons.push(if over {
                format!(
                    "{n} files were deleted on the remote, more than the limit of {}; confirm to mark them deleted here",
                    opts.delete_fuse_files
                )
            } else {
                let (f, d) = half.map(|(f, d)| (*f, *d)).unwrap_or_default();
                format!(
                    "{d} of the {} files in {f} were deleted on the remote, more than half; confirm to mark them deleted here",
                    linked_per_folder.get(f).copied().unwrap_or(0)
                )
            });
            out.plan.held.extend(mark_deleted.into_iter().map(|(op, _)| op));
        } else {
            ops.extend(mark_deleted.into_iter().map(|(op, _)| op));
        }
    }
    if !local_deletes.is_empty() {
        if opts.confirm_deletes {
            ops.extend(local_deletes);
        } else {
            reasons.push(format!(
                "{} file(s) asked to be deleted from the remote wait for confirmation",
                local_deletes.len()
            ));
            out.plan.held.extend(local_deletes);
        }
    }
    if !reasons.is_empty() {
        out.plan.held_reason = Some(reasons.join("; "));
    }

    // Guards: an empty listing, or everything changed at once, stops the run.
    // Confirming (the person saw the plan) goes past them, as it does past the fuses.
    let linked = links.len() as u64;
    if !opts.confirm_deletes {
        if linked > 0 && !inputs.remotes.iter().any(|r| r.present) {
            out.plan.stop = Some(StopReason::EmptyListing { linked });
        } else if linked > 10 && changed_remotely == linked {
            out.plan.stop = Some(StopReason::EverythingChanged { changed: changed_remotely });
        }
    }

    ops.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    out.plan.held.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    out.plan.operations = ops;
    out.settle.sort_unstable();
    out
}

/// Folder operations first (in the order they were made), then per asset by kind and key, then
/// the remote files to adopt.
fn order_key(op: &Op) -> (u8, i64, i64, OpKind, Option<&str>, Side, Option<&str>) {
    let group = match (op.asset_id, op.kind) {
        (None, OpKind::Adopt) => 2,
        (None, _) => 0,
        (Some(_), _) => 1,
    };
    let first_intent = if group == 0 { op.intents.first().copied().unwrap_or(0) } else { 0 };
    (group, op.asset_id.unwrap_or(0), first_intent, op.kind, op.key.as_deref(), op.side, op.file_id.as_deref())
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
