//! Table tests of the merge rules, one rule per test.

use serde_json::{Map, Value, json};
use sr_library::sync::{Conflict, ConflictField, Fields, LocalAsset, RemoteFile, SyncInputs, SyncLink};
use sr_library::{RemoteOp, RemoteOpKind, RemoteOpState};

use super::*;

fn fields(name: &str, folder: &str, tags: &[&str], meta: Value) -> Fields {
    let mut tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    tags.sort();
    let metadata: Map<String, Value> = meta.as_object().cloned().unwrap_or_default();
    Fields { name: name.into(), folder: folder.into(), tags, metadata }
}

fn f0() -> Fields {
    fields("dress.mp4", "/a/", &["red"], json!({"season": "summer"}))
}

fn remote(file_id: &str, f: Fields) -> RemoteFile {
    RemoteFile {
        file_id: file_id.into(),
        version_id: Some(file_id.into()),
        file_path: format!("{}{}", f.folder, f.name),
        fields: f,
        updated_at: "2026-01-01T00:00:00.000Z".into(),
        file_type: "non-image".into(),
        mime: None,
        size: 1,
        width: None,
        height: None,
        duration_s: None,
        url: String::new(),
        thumbnail_url: None,
        is_private: false,
        present: true,
    }
}

/// Inputs builder: assets `1..` linked to files `f1..`.
#[derive(Default)]
struct World {
    inputs: SyncInputs,
    next_intent: i64,
}

impl World {
    /// One linked asset: base, local, remote.
    fn asset(&mut self, id: i64, base: Fields, local: Fields, remote_f: Fields) -> &mut Self {
        let file = format!("f{id}");
        self.inputs.locals.push(LocalAsset {
            asset_id: id,
            fields: local,
            remote_only: false,
            missing: false,
            queued: false,
        });
        self.inputs.remotes.push(remote(&file, remote_f));
        self.inputs.links.push(SyncLink { account: "sandbox".into(), asset_id: id, file_id: file, base, linked_at: 0 });
        self
    }
    fn same(&mut self, id: i64) -> &mut Self {
        self.asset(id, f0(), f0(), f0())
    }
    fn intent(&mut self, asset: Option<i64>, kind: RemoteOpKind, args: Value) -> i64 {
        self.next_intent += 1;
        self.inputs.intents.push(RemoteOp {
            id: self.next_intent,
            account: "sandbox".into(),
            kind,
            asset_id: asset,
            args,
            created_at: 0,
            state: RemoteOpState::Pending,
            attempts: 0,
            last_error: None,
        });
        self.next_intent
    }
    fn gone(&mut self, id: i64) -> &mut Self {
        let file = format!("f{id}");
        self.inputs.remotes.iter_mut().find(|r| r.file_id == file).unwrap().present = false;
        self
    }
    fn plan(&self) -> Plan {
        plan(&self.inputs, &PlanOptions::default())
    }
    fn work(&self) -> Work {
        work(&self.inputs, &PlanOptions::default())
    }
}

fn brief(p: &Plan) -> Vec<(Side, OpKind, Option<String>, Option<Value>)> {
    p.operations.iter().map(|o| (o.side, o.kind, o.key.clone(), o.to.clone())).collect()
}

fn with_tags(tags: &[&str]) -> Fields {
    Fields { tags: tags.iter().map(|t| t.to_string()).collect(), ..f0() }
}

#[test]
fn nothing_changed_plans_nothing() {
    let mut w = World::default();
    w.same(1).same(2);
    let wk = w.work();
    assert_eq!(wk.plan, Plan::default());
    assert!(wk.bases.is_empty() && wk.settle.is_empty());
}

#[test]
fn a_tag_added_on_one_side_is_added_on_the_other_with_its_intent() {
    let mut w = World::default();
    w.asset(1, f0(), with_tags(&["red", "sale"]), f0());
    let i = w.intent(Some(1), RemoteOpKind::TagAdd, json!({"tag": "sale"}));
    w.asset(2, f0(), f0(), with_tags(&["new", "red"]));
    let p = w.plan();
    assert_eq!(
        brief(&p),
        vec![
            (Side::Remote, OpKind::AddTag, Some("sale".into()), None),
            (Side::Local, OpKind::AddTag, Some("new".into()), None)
        ]
    );
    assert_eq!(p.operations[0].intents, vec![i]);
    assert_eq!(p.operations[0].summary, "tag \"sale\" added to dress.mp4 on the remote");
    assert!(p.operations[1].intents.is_empty());
}

#[test]
fn a_tag_removed_on_one_side_is_removed_on_the_other() {
    let mut w = World::default();
    w.asset(1, with_tags(&["red", "sale"]), with_tags(&["red"]), with_tags(&["red", "sale"]));
    w.intent(Some(1), RemoteOpKind::TagRemove, json!({"tag": "sale"}));
    w.asset(2, with_tags(&["red", "sale"]), with_tags(&["red", "sale"]), with_tags(&["sale"]));
    assert_eq!(
        brief(&w.plan()),
        vec![
            (Side::Remote, OpKind::RemoveTag, Some("sale".into()), None),
            (Side::Local, OpKind::RemoveTag, Some("red".into()), None)
        ]
    );
}

#[test]
fn tags_from_both_sides_merge_as_sets() {
    // base {red}; local adds sale, removes red; remote adds new.
    let mut w = World::default();
    w.asset(1, with_tags(&["red"]), with_tags(&["sale"]), with_tags(&["new", "red"]));
    let p = w.plan();
    let mut got = brief(&p);
    got.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    let mut want = vec![
        (Side::Remote, OpKind::AddTag, Some("sale".into()), None),
        (Side::Remote, OpKind::RemoveTag, Some("red".into()), None),
        (Side::Local, OpKind::AddTag, Some("new".into()), None),
    ];
    want.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(got, want);
    assert!(p.conflicts.is_empty() && p.notes.is_empty());
}

#[test]
fn the_same_tag_added_on_both_sides_only_moves_the_base() {
    let mut w = World::default();
    w.asset(1, f0(), with_tags(&["red", "sale"]), with_tags(&["red", "sale"]));
    let i = w.intent(Some(1), RemoteOpKind::TagAdd, json!({"tag": "sale"}));
    let wk = w.work();
    assert!(wk.plan.operations.is_empty());
    assert_eq!(wk.bases[&1].tags, vec!["red", "sale"]);
    assert_eq!(wk.rebased, vec![1]);
    assert_eq!(wk.settle, vec![i], "the intent is already true on the remote");
}

#[test]
fn a_tag_added_here_and_removed_there_is_kept_and_noted() {
    // Removed then re-added here (net: the base's value, but the intent is an add); removed there.
    let mut w = World::default();
    w.asset(1, with_tags(&["red", "sale"]), with_tags(&["red", "sale"]), with_tags(&["red"]));
    w.intent(Some(1), RemoteOpKind::TagRemove, json!({"tag": "sale"}));
    let add = w.intent(Some(1), RemoteOpKind::TagAdd, json!({"tag": "sale"}));
    let p = w.plan();
    assert_eq!(brief(&p), vec![(Side::Remote, OpKind::AddTag, Some("sale".into()), None)]);
    assert_eq!(p.operations[0].intents, vec![add - 1, add], "both coalesced intents are carried");
    assert_eq!(p.notes.len(), 1);
    assert!(p.notes[0].contains("\"sale\"") && p.notes[0].contains("kept"), "{:?}", p.notes);
}

#[test]
fn a_tag_removed_here_and_added_there_is_kept_and_noted() {
    // Added then removed here (net: not in the base, the intent is a remove); added there.
    let mut w = World::default();
    w.asset(1, f0(), f0(), with_tags(&["red", "sale"]));
    w.intent(Some(1), RemoteOpKind::TagAdd, json!({"tag": "sale"}));
    let rm = w.intent(Some(1), RemoteOpKind::TagRemove, json!({"tag": "sale"}));
    let wk = w.work();
    assert_eq!(brief(&wk.plan), vec![(Side::Local, OpKind::AddTag, Some("sale".into()), None)]);
    assert_eq!(wk.plan.notes.len(), 1);
    assert_eq!(wk.settle, vec![rm - 1, rm], "nothing to send: the remote keeps it");
}

#[test]
fn intents_that_cancel_out_are_settled_without_a_request() {
    let mut w = World::default();
    w.same(1);
    let a = w.intent(Some(1), RemoteOpKind::TagAdd, json!({"tag": "sale"}));
    let b = w.intent(Some(1), RemoteOpKind::TagRemove, json!({"tag": "sale"}));
    let wk = w.work();
    assert!(wk.plan.operations.is_empty() && wk.plan.notes.is_empty());
    assert_eq!(wk.settle, vec![a, b]);
}

#[test]
fn a_name_changed_on_one_side_wins_and_both_sides_changing_it_differently_is_a_conflict() {
    let renamed = |n: &str| Fields { name: n.into(), ..f0() };
    let mut w = World::default();
    w.asset(1, f0(), renamed("gown.mp4"), f0());
    let i = w.intent(Some(1), RemoteOpKind::RenameFile, json!({"name": "gown.mp4"}));
    w.asset(2, f0(), f0(), renamed("robe.mp4"));
    w.asset(3, f0(), renamed("same.mp4"), renamed("same.mp4"));
    w.asset(4, f0(), renamed("mine.mp4"), renamed("theirs.mp4"));
    let wk = w.work();
    assert_eq!(
        brief(&wk.plan),
        vec![
            (Side::Remote, OpKind::Rename, None, Some(json!("gown.mp4"))),
            (Side::Local, OpKind::Rename, None, Some(json!("robe.mp4")))
        ]
    );
    assert_eq!(wk.plan.operations[0].intents, vec![i]);
    assert_eq!(wk.plan.operations[0].from, Some(json!("dress.mp4")));
    assert_eq!(wk.bases[&3].name, "same.mp4");
    assert_eq!(
        wk.plan.conflicts,
        vec![NewConflict {
            asset_id: 4,
            field: ConflictField::Name,
            base: Some(json!("dress.mp4")),
            mine: Some(json!("mine.mp4")),
            theirs: Some(json!("theirs.mp4")),
            theirs_at: Some("2026-01-01T00:00:00.000Z".into()),
        }]
    );
}

#[test]
fn a_folder_merges_like_a_name() {
    let moved = |f: &str| Fields { folder: f.into(), ..f0() };
    let mut w = World::default();
    w.asset(1, f0(), moved("/b/"), f0());
    w.asset(2, f0(), f0(), moved("/c/"));
    w.asset(3, f0(), moved("/b/"), moved("/c/"));
    let p = w.plan();
    assert_eq!(
        brief(&p),
        vec![
            (Side::Remote, OpKind::Move, None, Some(json!("/b/"))),
            (Side::Local, OpKind::Move, None, Some(json!("/c/")))
        ]
    );
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(p.conflicts[0].field, ConflictField::Folder);
}

#[test]
fn each_metadata_key_merges_on_its_own_and_a_clash_keeps_both_values() {
    let meta = |m: Value| Fields { metadata: m.as_object().cloned().unwrap(), ..f0() };
    let base = meta(json!({"season": "summer", "sku": "A1", "price": 10, "old": 1}));
    // local: season changed, old unset, colour added. remote: sku changed, season changed otherwise.
    let local = meta(json!({"season": "winter", "sku": "A1", "price": 10, "colour": "red"}));
    let remote_f = meta(json!({"season": "autumn", "sku": "B2", "price": 10, "old": 1}));
    let mut w = World::default();
    w.asset(1, base, local, remote_f);
    let p = w.plan();
    assert_eq!(
        brief(&p),
        vec![
            (Side::Remote, OpKind::SetMetadata, Some("colour".into()), Some(json!("red"))),
            (Side::Local, OpKind::SetMetadata, Some("sku".into()), Some(json!("B2"))),
            (Side::Remote, OpKind::UnsetMetadata, Some("old".into()), None),
        ]
    );
    assert_eq!(
        p.conflicts,
        vec![NewConflict {
            asset_id: 1,
            field: ConflictField::Metadata("season".into()),
            base: Some(json!("summer")),
            mine: Some(json!("winter")),
            theirs: Some(json!("autumn")),
            theirs_at: Some("2026-01-01T00:00:00.000Z".into()),
        }]
    );
}

#[test]
fn a_field_in_conflict_keeps_its_intents_pending() {
    let meta = |v: &str| Fields { metadata: json!({"season": v}).as_object().cloned().unwrap(), ..f0() };
    let mut w = World::default();
    w.asset(1, f0(), meta("winter"), meta("autumn"));
    w.intent(Some(1), RemoteOpKind::MetaSet, json!({"key": "season", "value": "winter"}));
    let wk = w.work();
    assert_eq!(wk.plan.conflicts.len(), 1);
    assert!(wk.settle.is_empty() && wk.plan.operations.is_empty());
}

#[test]
fn an_open_conflict_blocks_only_its_own_field() {
    let mut w = World::default();
    let local = Fields { name: "mine.mp4".into(), tags: vec!["red".into(), "sale".into()], ..f0() };
    let remote_f = Fields { name: "theirs.mp4".into(), ..f0() };
    w.asset(1, f0(), local, remote_f);
    w.inputs.open_conflicts.push(Conflict {
        id: 9,
        account: "sandbox".into(),
        asset_id: 1,
        field: ConflictField::Name,
        base: Some(json!("dress.mp4")),
        mine: Some(json!("mine.mp4")),
        theirs: Some(json!("theirs.mp4")),
        theirs_at: None,
        opened_at: 0,
        resolved_at: None,
        resolution: None,
    });
    let p = w.plan();
    assert!(p.conflicts.is_empty(), "not opened twice");
    assert_eq!(brief(&p), vec![(Side::Remote, OpKind::AddTag, Some("sale".into()), None)]);
}

#[test]
fn a_remote_delete_of_an_unchanged_asset_marks_it_and_of_an_edited_one_is_a_conflict() {
    let mut w = World::default();
    for id in 1..=6 {
        w.same(id);
    }
    w.gone(1);
    w.asset(7, f0(), with_tags(&["red", "sale"]), f0());
    w.gone(7);
    let p = w.plan();
    assert_eq!(brief(&p), vec![(Side::Local, OpKind::MarkDeleted, None, None)]);
    assert_eq!(p.operations[0].asset_id, Some(1));
    assert!(p.held.is_empty());
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(p.conflicts[0].field, ConflictField::Existence);
    assert_eq!(p.conflicts[0].theirs, None);
    assert_eq!(p.conflicts[0].mine.as_ref().unwrap()["tags"], json!(["red", "sale"]));
}

#[test]
fn a_delete_asked_here_is_held_until_confirmed_and_a_remote_edit_makes_it_a_conflict() {
    let mut w = World::default();
    w.same(1).same(2);
    let d = w.intent(Some(1), RemoteOpKind::DeleteFile, json!({}));
    w.asset(3, f0(), f0(), with_tags(&["red", "new"]));
    w.intent(Some(3), RemoteOpKind::DeleteFile, json!({}));
    let p = w.plan();
    assert!(p.operations.is_empty());
    assert_eq!(p.held.len(), 1);
    assert_eq!((p.held[0].side, p.held[0].kind, p.held[0].intents.clone()), (Side::Remote, OpKind::Delete, vec![d]));
    assert!(p.held_reason.is_some());
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!((p.conflicts[0].asset_id, &p.conflicts[0].field), (3, &ConflictField::Existence));
    let confirmed = plan(&w.inputs, &PlanOptions { confirm_deletes: true, ..PlanOptions::default() });
    assert_eq!(confirmed.operations, p.held);
    assert!(confirmed.held.is_empty() && confirmed.held_reason.is_none());
}

#[test]
fn a_delete_asked_here_of_a_file_already_gone_only_marks_it() {
    let mut w = World::default();
    w.same(1).same(2).same(3);
    let d = w.intent(Some(1), RemoteOpKind::DeleteFile, json!({}));
    w.gone(1);
    let p = w.plan();
    assert_eq!(brief(&p), vec![(Side::Local, OpKind::MarkDeleted, None, None)]);
    assert_eq!(p.operations[0].intents, vec![d]);
}

#[test]
fn remote_deletes_above_the_fuse_are_all_held() {
    let mut w = World::default();
    // 21 gone out of 100, spread over folders so that no folder loses half.
    for id in 1..=100 {
        let f = Fields { folder: format!("/f{}/", id % 10), ..f0() };
        w.asset(id, f.clone(), f.clone(), f);
    }
    for id in 1..=21 {
        w.gone(id);
    }
    let p = w.plan();
    assert!(p.operations.is_empty());
    assert_eq!(p.held.len(), 21);
    assert!(p.held_reason.as_deref().unwrap().contains("21"), "{:?}", p.held_reason);
    // 20 is not above the fuse.
    w.inputs.remotes.iter_mut().find(|r| r.file_id == "f21").unwrap().present = true;
    let p = w.plan();
    assert_eq!(p.operations.len(), 20);
    assert!(p.held.is_empty());
    let p = plan(&w.inputs, &PlanOptions { delete_fuse_files: 19, confirm_deletes: false });
    assert_eq!(p.held.len(), 20);
    let p = plan(&w.inputs, &PlanOptions { delete_fuse_files: 19, confirm_deletes: true });
    assert_eq!(p.operations.len(), 20);
}

#[test]
fn remote_deletes_of_more_than_half_a_folder_are_held() {
    let mut w = World::default();
    for id in 1..=10 {
        let f = Fields { folder: if id <= 4 { "/small/".into() } else { "/big/".into() }, ..f0() };
        w.asset(id, f.clone(), f.clone(), f);
    }
    w.gone(1).gone(2);
    let p = w.plan();
    assert_eq!(p.operations.len(), 2, "half of /small/ is not more than half");
    w.gone(3);
    let p = w.plan();
    assert!(p.operations.is_empty());
    assert_eq!(p.held.len(), 3);
    assert!(p.held_reason.as_deref().unwrap().contains("/small/"), "{:?}", p.held_reason);
}

#[test]
fn an_empty_listing_stops_the_run() {
    let mut w = World::default();
    for id in 1..=3 {
        w.same(id);
        w.gone(id);
    }
    let p = w.plan();
    assert_eq!(p.stop, Some(StopReason::EmptyListing { linked: 3 }));
    // A library with nothing linked and an empty remote is not a stop.
    assert_eq!(plan(&SyncInputs::default(), &PlanOptions::default()).stop, None);
}

#[test]
fn every_linked_file_changed_at_once_stops_the_run_above_ten() {
    let mut w = World::default();
    for id in 1..=11 {
        w.asset(id, f0(), f0(), with_tags(&["red", "x"]));
    }
    assert_eq!(w.plan().stop, Some(StopReason::EverythingChanged { changed: 11 }));
    let confirmed = plan(&w.inputs, &PlanOptions { confirm_deletes: true, ..PlanOptions::default() });
    assert_eq!(confirmed.stop, None, "confirming goes past the guard");
    assert_eq!(confirmed.operations.len(), 11);
    let mut w = World::default();
    for id in 1..=10 {
        w.asset(id, f0(), f0(), with_tags(&["red", "x"]));
    }
    assert_eq!(w.plan().stop, None, "ten is not more than ten");
    let mut w = World::default();
    for id in 1..=11 {
        w.asset(id, f0(), f0(), with_tags(&["red", "x"]));
    }
    w.same(12);
    assert_eq!(w.plan().stop, None, "one unchanged file is enough");
}

#[test]
fn a_new_remote_file_is_adopted() {
    let mut w = World::default();
    w.same(1);
    w.inputs.remotes.push(remote("zz", f0()));
    let mut gone = remote("yy", f0());
    gone.present = false;
    w.inputs.remotes.push(gone);
    let p = w.plan();
    assert_eq!(brief(&p), vec![(Side::Local, OpKind::Adopt, None, Some(json!("/a/dress.mp4")))]);
    assert_eq!(p.operations[0].file_id.as_deref(), Some("zz"));
    assert_eq!(p.operations[0].asset_id, None);
}

#[test]
fn folder_operations_go_first_in_the_order_they_were_made() {
    let mut w = World::default();
    w.asset(1, f0(), with_tags(&["red", "sale"]), f0());
    let a = w.intent(None, RemoteOpKind::RenameFolder, json!({"folderPath": "/z/", "newFolderName": "y"}));
    let b = w.intent(None, RemoteOpKind::CreateFolder, json!({"folderName": "n", "parentFolderPath": "/"}));
    let p = w.plan();
    let kinds: Vec<_> = p.operations.iter().map(|o| (o.kind, o.intents.clone())).collect();
    assert_eq!(kinds, vec![(OpKind::RenameFolder, vec![a]), (OpKind::CreateFolder, vec![b]), (OpKind::AddTag, vec![])]);
    assert_eq!(p.operations[1].key.as_deref(), Some("/n/"));
}

#[test]
fn a_watchers_move_by_path_is_the_assets_folder_move() {
    let mut w = World::default();
    let moved = Fields { folder: "/b/".into(), ..f0() };
    w.asset(1, f0(), moved, f0());
    let i = w.intent(None, RemoteOpKind::MoveFile, json!({"sourceFilePath": "/a/dress.mp4", "destinationPath": "/b/"}));
    let p = w.plan();
    assert_eq!(brief(&p), vec![(Side::Remote, OpKind::Move, None, Some(json!("/b/")))]);
    assert_eq!(p.operations[0].intents, vec![i]);
}

#[test]
fn the_plan_is_the_same_whatever_order_the_inputs_come_in() {
    let mut w = World::default();
    for id in 1..=8 {
        let local = Fields { tags: vec![format!("t{id}")], ..f0() };
        let remote_f = Fields { name: format!("n{id}.mp4"), ..f0() };
        w.asset(id, f0(), local, remote_f);
        w.intent(Some(id), RemoteOpKind::TagAdd, json!({"tag": format!("t{id}")}));
        w.intent(Some(id), RemoteOpKind::TagRemove, json!({"tag": "red"}));
    }
    w.inputs.remotes.push(remote("new2", f0()));
    w.inputs.remotes.push(remote("new1", f0()));
    let a = w.plan();
    w.inputs.locals.reverse();
    w.inputs.remotes.reverse();
    w.inputs.links.reverse();
    w.inputs.intents.reverse();
    let b = w.plan();
    assert_eq!(a, b);
    let ids: Vec<_> = a.operations.iter().map(|o| o.asset_id).collect();
    let mut sorted = ids.clone();
    sorted.sort_by_key(|i| (i.is_none(), *i));
    assert_eq!(ids, sorted, "by asset, adopts last");
}

#[test]
fn a_file_an_upload_still_under_way_may_have_made_is_not_adopted() {
    let mut w = World::default();
    w.same(1);
    w.inputs.remotes.push(remote("up", Fields { name: "new.mp4".into(), ..f0() }));
    w.inputs.locals.push(LocalAsset {
        asset_id: 2,
        fields: Fields { name: "new.mp4".into(), ..f0() },
        remote_only: false,
        missing: false,
        queued: true,
    });
    assert!(w.plan().operations.is_empty());
    w.inputs.locals[1].queued = false;
    assert_eq!(brief(&w.plan()), vec![(Side::Local, OpKind::Adopt, None, Some(json!("/a/new.mp4")))]);
}

#[test]
fn a_folder_renamed_here_moves_its_files_by_the_folder_operation_alone() {
    let mut w = World::default();
    let renamed = Fields { folder: "/c/x/".into(), ..f0() };
    w.asset(1, Fields { folder: "/a/x/".into(), ..f0() }, renamed, Fields { folder: "/a/x/".into(), ..f0() });
    w.asset(2, f0(), Fields { folder: "/c/".into(), ..f0() }, f0());
    w.intent(None, RemoteOpKind::RenameFolder, json!({"folderPath": "/a", "newFolderName": "c", "purgeCache": false}));
    let p = w.plan();
    assert_eq!(p.operations.iter().map(|o| o.kind).collect::<Vec<_>>(), vec![OpKind::RenameFolder]);
    // A move into another folder's new place is a folder move too.
    let mut w = World::default();
    w.asset(1, f0(), Fields { folder: "/z/a/".into(), ..f0() }, f0());
    w.intent(None, RemoteOpKind::MoveFolder, json!({"sourceFolderPath": "/a", "destinationPath": "/z/"}));
    assert_eq!(w.plan().operations.iter().map(|o| o.kind).collect::<Vec<_>>(), vec![OpKind::MoveFolder]);
}
