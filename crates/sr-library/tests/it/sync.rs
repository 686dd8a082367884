//! Two-way sync's tables and the push log: what the planner reads, links and bases, intents
//! written by every edit (and undo) of a linked asset in the edit's own transaction, statuses,
//! conflicts settled, remote-only assets.

use serde_json::{Value, json};
use sr_library::sync::{
    ConflictField, Fields, LocalApply, NewConflict, RemoteFile, Resolution, SyncRunRecord, SyncState, SyncStatus,
};
use sr_library::{AssetStatus, JobSpec, JobState, Library, NewJob, RemoteOpKind, RemoteOpOutcome, RemoteOpState};

use crate::organise_support::*;

const A: &str = "sandbox";

/// A library whose sandbox fields have no defaults (a default would be set, and pushed, with
/// every other value).
fn open() -> (tempfile::TempDir, Library) {
    let (d, lib) = crate::organise_support::open();
    let fields: Vec<_> = lib
        .metadata_fields(A)
        .unwrap()
        .into_iter()
        .filter(|f| !["size", "on_sale"].contains(&f.name.as_str()))
        .collect();
    lib.replace_metadata_fields(A, &fields).unwrap();
    (d, lib)
}

fn file(id: &str, name: &str, folder: &str, tags: &[&str], meta: Value) -> RemoteFile {
    RemoteFile {
        file_id: id.into(),
        version_id: Some(format!("{id}-v1")),
        file_path: format!("{folder}{name}"),
        fields: Fields {
            name: name.into(),
            folder: folder.into(),
            tags: strings(tags),
            metadata: meta.as_object().cloned().unwrap_or_default(),
        },
        updated_at: "2026-01-01T00:00:00.000Z".into(),
        file_type: "non-image".into(),
        mime: Some("video/mp4".into()),
        size: 1_000_000,
        width: Some(1920),
        height: Some(1080),
        duration_s: Some(12.0),
        url: format!("https://ik.example/{name}"),
        thumbnail_url: Some(format!("https://ik.example/tr:n-ik_ml_thumbnail/{name}")),
        is_private: false,
        present: true,
    }
}

/// Three videos, the first two linked (`f0`, `f1`) with their current fields as the base.
fn linked(lib: &Library) -> Vec<i64> {
    let ids = three(lib);
    for (i, &id) in ids[..2].iter().enumerate() {
        let a = lib.asset(id).unwrap().unwrap();
        lib.link_asset(A, id, &file(&format!("f{i}"), &a.name, "/", &[], json!({})), T0).unwrap();
    }
    ids
}

/// The unfinished intents of the account: (asset, kind, args).
fn intents(lib: &Library) -> Vec<(Option<i64>, RemoteOpKind, Value)> {
    lib.remote_ops(A, true).unwrap().into_iter().map(|o| (o.asset_id, o.kind, o.args)).collect()
}

fn status(lib: &Library, id: i64) -> SyncStatus {
    lib.sync_statuses(A, &[id]).unwrap()[0].1
}

fn meta(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn link_asset_takes_the_files_name_and_folder_and_stores_the_observation() {
    let (_d, lib) = open();
    let ids = three(&lib);
    lib.add_tags(&ids[..1], &strings(&["sale"]), T0).unwrap();
    // The remote sanitised the name and has the tags as they were sent.
    let f = file("f0", "dress_red.mp4", "/shop/", &["sale"], json!({}));
    lib.link_asset(A, ids[0], &f, T0 + 1).unwrap();
    let a = lib.asset(ids[0]).unwrap().unwrap();
    assert_eq!((a.name.as_str(), a.remote_folder.as_str()), ("dress_red.mp4", "/shop/"));
    let link = lib.sync_link(A, ids[0]).unwrap().unwrap();
    assert_eq!((link.file_id.as_str(), link.linked_at), ("f0", T0 + 1));
    assert_eq!(link.base, f.fields);
    assert_eq!(lib.remote_file(A, "f0").unwrap().unwrap(), f);
    assert!(intents(&lib).is_empty(), "{:?}", intents(&lib));
    assert_eq!(status(&lib, ids[0]), SyncStatus::Synced);

    // A tag added while the upload was on its way is kept and pushed.
    let f1 = file("f1", "dress-navy.mp4", "/", &[], json!({}));
    lib.add_tags(&ids[1..2], &strings(&["new-in"]), T0).unwrap();
    lib.link_asset(A, ids[1], &f1, T0 + 1).unwrap();
    assert_eq!(lib.tags_of(ids[1]).unwrap(), strings(&["new-in"]));
    assert_eq!(intents(&lib), vec![(Some(ids[1]), RemoteOpKind::TagAdd, json!({"tag": "new-in"}))]);
    // What the remote filled in at upload (the sandbox's required "size" defaults to M, a tag it
    // gave) is taken locally, not pushed back as an unset.
    let (_d2, plain) = crate::organise_support::open();
    let id = three(&plain)[0];
    let with_default = file("s0", "dress-red.mp4", "/", &["auto"], json!({"size": "M"}));
    assert!(plain.metadata_of(id).unwrap().is_empty());
    plain.link_asset(A, id, &with_default, T0 + 1).unwrap();
    assert_eq!(plain.metadata_of(id).unwrap().get("size"), Some(&json!("M")));
    assert_eq!(plain.tags_of(id).unwrap(), strings(&["auto"]));
    assert!(plain.remote_ops(A, true).unwrap().is_empty(), "{:?}", plain.remote_ops(A, true).unwrap());
    assert_eq!(plain.sync_statuses(A, &[id]).unwrap()[0].1, SyncStatus::Synced);

    // Re-linking the same pair keeps when it was linked.
    lib.link_asset(A, ids[0], &f, T0 + 9).unwrap();
    assert_eq!(lib.sync_link(A, ids[0]).unwrap().unwrap().linked_at, T0 + 1);
}

#[test]
fn every_edit_kind_of_a_linked_asset_writes_one_intent_per_field_and_unlinked_assets_none() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    let (a, b, unlinked) = (ids[0], ids[1], ids[2]);

    lib.add_tags(&ids, &strings(&["sale", "summer"]), T0 + 1).unwrap();
    lib.remove_tags(&[a], &strings(&["summer"]), T0 + 2).unwrap();
    lib.rename_tag("sale", "promo", T0 + 3).unwrap();
    lib.set_metadata(A, &ids, &meta(json!({"colour": "red"})), T0 + 4).unwrap();
    lib.set_metadata(A, &[a], &meta(json!({"colour": "navy"})), T0 + 5).unwrap();
    lib.set_folder(&ids, "/sale/", T0 + 6).unwrap();
    lib.rename_asset(a, "gown.mp4", T0 + 7).unwrap();
    lib.request_remote_delete(&[b, unlinked], T0 + 8).unwrap();

    let mut got = intents(&lib);
    got.sort_by(|x, y| (x.0, x.1.as_str(), x.2.to_string()).cmp(&(y.0, y.1.as_str(), y.2.to_string())));
    use RemoteOpKind as K;
    let mut want = vec![
        (Some(a), K::MetaSet, json!({"key": "colour", "value": "navy"})),
        (Some(a), K::MoveFile, json!({"folder": "/sale/"})),
        (Some(a), K::RenameFile, json!({"name": "gown.mp4"})),
        (Some(a), K::TagAdd, json!({"tag": "promo"})),
        (Some(b), K::DeleteFile, json!({})),
        (Some(b), K::MetaSet, json!({"key": "colour", "value": "red"})),
        (Some(b), K::MoveFile, json!({"folder": "/sale/"})),
        (Some(b), K::TagAdd, json!({"tag": "promo"})),
        (Some(b), K::TagAdd, json!({"tag": "summer"})),
    ];
    want.sort_by(|x, y| (x.0, x.1.as_str(), x.2.to_string()).cmp(&(y.0, y.1.as_str(), y.2.to_string())));
    assert_eq!(got, want);
    assert!(lib.remote_ops(A, false).unwrap().iter().all(|o| o.state == RemoteOpState::Pending));
    assert_eq!(status(&lib, a), SyncStatus::ModifiedLocally);
    assert_eq!(status(&lib, unlinked), SyncStatus::LocalOnly);

    // Clearing a field the base has writes its unset; taking a tag the base has off, a removal.
    lib.link_asset(A, unlinked, &file("f2", "shirt.mp4", "/sale/", &["promo", "summer"], json!({"colour": "red"})), T0)
        .unwrap();
    lib.unset_metadata(A, &[unlinked], &strings(&["colour"]), T0 + 9).unwrap();
    lib.remove_tags(&[unlinked], &strings(&["promo"]), T0 + 10).unwrap();
    let of_c: Vec<_> = intents(&lib).into_iter().filter(|i| i.0 == Some(unlinked)).map(|i| (i.1, i.2)).collect();
    assert_eq!(
        of_c,
        vec![(K::MetaUnset, json!({"key": "colour"})), (K::TagRemove, json!({"tag": "promo"}))],
        "the delete request came before the link, so it wrote nothing"
    );
}

#[test]
fn an_edit_and_its_undo_leave_nothing_pending_and_a_second_edit_rewrites_the_intent() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    let a = ids[0];
    lib.add_tags(&[a], &strings(&["sale"]), T0).unwrap();
    lib.set_metadata(A, &[a], &meta(json!({"colour": "red"})), T0 + 1).unwrap();
    lib.set_metadata(A, &[a], &meta(json!({"colour": "navy"})), T0 + 2).unwrap();
    let ops = lib.remote_ops(A, true).unwrap();
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert_eq!(ops[1].args, json!({"key": "colour", "value": "navy"}));

    lib.undo_last(T0 + 3).unwrap(); // colour back to red: the same intent asks red again
    assert_eq!(intents(&lib)[1].2, json!({"key": "colour", "value": "red"}));
    lib.undo_last(T0 + 4).unwrap(); // colour cleared: the base had none
    lib.undo_last(T0 + 5).unwrap(); // tag gone
    assert!(intents(&lib).is_empty(), "{:?}", intents(&lib));
    assert!(lib.remote_ops(A, false).unwrap().is_empty(), "withdrawn intents are gone, not failed");
    assert_eq!(status(&lib, a), SyncStatus::Synced);

    // Rename, folder and delete requests undo the same way.
    lib.rename_asset(a, "gown.mp4", T0 + 6).unwrap();
    lib.set_folder(&[a], "/x/", T0 + 7).unwrap();
    lib.request_remote_delete(&[a], T0 + 8).unwrap();
    assert_eq!(intents(&lib).len(), 3);
    assert_eq!(lib.undo_last(T0 + 9).unwrap(), "Asked to delete 1 asset from the remote");
    lib.undo_last(T0 + 10).unwrap();
    assert_eq!(lib.undo_last(T0 + 11).unwrap(), "Renamed \"dress-red.mp4\" to \"gown.mp4\"");
    assert_eq!(lib.asset(a).unwrap().unwrap().name, "dress-red.mp4");
    assert!(intents(&lib).is_empty(), "{:?}", intents(&lib));
}

#[test]
fn an_edit_that_is_refused_writes_no_intent() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    // The second asset would go over the remote's 500-character tag limit: nothing is saved.
    let long: String = "x".repeat(480);
    lib.add_tags(&ids[1..2], &[long], T0).unwrap();
    lib.remote_ops(A, true).unwrap().iter().for_each(|o| {
        lib.mark_remote_op(o.id, &RemoteOpOutcome::Applied, T0).unwrap();
    });
    assert!(lib.add_tags(&ids[..2], &strings(&["a-longer-tag-than-fits-in-twenty"]), T0 + 1).is_err());
    assert!(intents(&lib).is_empty());
    assert!(lib.set_metadata(A, &ids[..1], &meta(json!({"price": "not a number"})), T0 + 2).is_err());
    assert!(intents(&lib).is_empty());
}

#[test]
fn a_folder_rename_writes_its_folder_operation_only_and_undo_takes_it_back() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    lib.set_folder(&ids, "/a/", T0).unwrap();
    for o in lib.remote_ops(A, true).unwrap() {
        lib.mark_remote_op(o.id, &RemoteOpOutcome::Applied, T0).unwrap();
    }
    let before = lib.remote_ops(A, false).unwrap().len();
    lib.rename_folder(A, "/a/", "b", T0 + 1).unwrap();
    let new: Vec<_> = lib.remote_ops(A, true).unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!((new[0].kind, new[0].asset_id), (RemoteOpKind::RenameFolder, None));
    assert_eq!(lib.asset(ids[0]).unwrap().unwrap().remote_folder, "/b/");
    lib.undo_last(T0 + 2).unwrap();
    assert!(lib.remote_ops(A, true).unwrap().is_empty());
    assert_eq!(lib.remote_ops(A, false).unwrap().len(), before);
}

#[test]
fn sync_inputs_reads_every_table_of_the_account() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    lib.add_tags(&ids[..1], &strings(&["zeta", "alpha"]), T0).unwrap();
    lib.set_metadata(A, &ids[..1], &meta(json!({"colour": "red"})), T0).unwrap();
    lib.store_remote_files(A, &[file("f9", "new.mp4", "/", &[], json!({}))], T0).unwrap();
    lib.open_conflicts(
        A,
        &[NewConflict {
            asset_id: ids[1],
            field: ConflictField::Name,
            base: Some(json!("dress-navy.mp4")),
            mine: Some(json!("a.mp4")),
            theirs: Some(json!("b.mp4")),
            theirs_at: Some("2026-01-02T00:00:00.000Z".into()),
        }],
        T0,
    )
    .unwrap();
    let job = NewJob {
        asset_id: ids[2],
        spec: JobSpec { folder: "/".into(), file_name: "shirt.mp4".into(), ..Default::default() },
        priority: 0,
    };
    lib.add_upload_jobs(A, &[job], T0 * 1000).unwrap();

    let inputs = lib.sync_inputs(A).unwrap();
    assert_eq!(inputs.locals.iter().map(|l| l.asset_id).collect::<Vec<_>>(), ids);
    let first = &inputs.locals[0];
    assert_eq!(first.fields.tags, strings(&["alpha", "zeta"]), "tags are a sorted set");
    assert_eq!(first.fields.metadata, meta(json!({"colour": "red"})));
    assert_eq!((first.remote_only, first.missing, first.queued), (false, false, false));
    assert!(inputs.locals[2].queued);
    assert_eq!(inputs.remotes.iter().map(|r| r.file_id.as_str()).collect::<Vec<_>>(), ["f0", "f1", "f9"]);
    assert_eq!(inputs.links.iter().map(|l| l.asset_id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!(inputs.intents.len(), 3);
    assert!(inputs.intents.iter().all(|i| i.asset_id == Some(ids[0])));
    assert_eq!(inputs.open_conflicts.len(), 1);
    assert_eq!(status(&lib, ids[2]), SyncStatus::Queued);
    // Another account sees none of it.
    let other = lib.sync_inputs("imagekit:other").unwrap();
    assert!(other.remotes.is_empty() && other.links.is_empty() && other.intents.is_empty());
    assert!(!other.locals[2].queued);
}

#[test]
fn sync_inputs_reads_fifty_thousand_assets_in_one_pass() {
    let (_d, lib) = open();
    let specs: Vec<Spec> = (0..50_000).map(|_| Spec::image("look.jpg")).collect();
    let ids = insert(&lib, &specs);
    lib.add_tags(&ids, &strings(&["a"]), T0).unwrap();
    let files: Vec<RemoteFile> =
        (0..50_000).map(|i| file(&format!("f{i}"), "look.jpg", "/", &["a"], json!({}))).collect();
    lib.store_remote_files(A, &files, T0).unwrap();
    let inputs = lib.sync_inputs(A).unwrap();
    assert_eq!((inputs.locals.len(), inputs.remotes.len()), (50_000, 50_000));
    assert!(inputs.locals.iter().all(|l| l.fields.tags == strings(&["a"])));
}

#[test]
fn observations_upsert_and_a_full_listing_marks_what_it_missed() {
    let (_d, lib) = open();
    let files = [file("f1", "a.mp4", "/", &[], json!({})), file("f2", "b.mp4", "/", &[], json!({}))];
    lib.store_remote_files(A, &files, T0).unwrap();
    let mut moved = files[0].clone();
    moved.fields.tags = strings(&["b", "a"]);
    moved.updated_at = "2026-01-03T00:00:00.000Z".into();
    lib.store_remote_files(A, &[moved], T0 + 1).unwrap();
    let f1 = lib.remote_file(A, "f1").unwrap().unwrap();
    assert_eq!((f1.fields.tags.clone(), f1.updated_at.as_str()), (strings(&["a", "b"]), "2026-01-03T00:00:00.000Z"));
    assert_eq!(lib.finish_full_listing(A, &strings(&["f1"]), T0 + 2).unwrap(), 1);
    assert!(!lib.remote_file(A, "f2").unwrap().unwrap().present);
    assert_eq!(lib.finish_full_listing(A, &strings(&["f1"]), T0 + 3).unwrap(), 0, "already marked");
    // Seen again later, it is present again.
    lib.store_remote_files(A, &files[1..], T0 + 4).unwrap();
    assert!(lib.remote_file(A, "f2").unwrap().unwrap().present);
}

#[test]
fn state_and_runs_are_kept_per_account() {
    let (_d, lib) = open();
    assert_eq!(lib.sync_state(A).unwrap(), SyncState::default());
    let s = SyncState {
        checkpoint: Some("2026-01-01T00:00:00.000Z".into()),
        last_full_listing: Some(T0),
        last_run: Some(T0 + 5),
    };
    lib.set_sync_state(A, &s).unwrap();
    assert_eq!(lib.sync_state(A).unwrap(), s);
    assert_eq!(lib.sync_state("imagekit:other").unwrap(), SyncState::default());
    for i in 0..3 {
        let run = SyncRunRecord {
            id: 0,
            account: A.into(),
            started_at: T0 + i,
            finished_at: T0 + i + 1,
            dry_run: i == 1,
            outcome: "done".into(),
            report: json!({"n": i}),
        };
        lib.record_sync_run(&run).unwrap();
    }
    let runs = lib.sync_runs(A, 2).unwrap();
    assert_eq!(runs.iter().map(|r| r.report.clone()).collect::<Vec<_>>(), [json!({"n": 2}), json!({"n": 1})]);
    assert!(runs[1].dry_run);
    assert!(lib.sync_runs("imagekit:other", 10).unwrap().is_empty());
}

#[test]
fn remote_changes_apply_locally_move_the_base_and_settle_intents_they_make_true() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    let a = ids[0];
    lib.add_tags(&[a], &strings(&["sale"]), T0).unwrap();
    let change = LocalApply {
        name: Some("gown.mp4".into()),
        folder: Some("/new".into()),
        add_tags: strings(&["sale", "remote-tag"]),
        remove_tags: vec![],
        set_metadata: meta(json!({"colour": "red"})),
        unset_metadata: vec![],
    };
    lib.apply_remote_change(A, a, &change, T0 + 1).unwrap();
    let asset = lib.asset(a).unwrap().unwrap();
    assert_eq!((asset.name.as_str(), asset.remote_folder.as_str()), ("gown.mp4", "/new/"));
    assert_eq!(lib.tags_of(a).unwrap(), strings(&["sale", "remote-tag"]));
    let base = lib.sync_link(A, a).unwrap().unwrap().base;
    assert_eq!(base.tags, strings(&["remote-tag", "sale"]));
    assert_eq!(base.metadata, meta(json!({"colour": "red"})));
    // The local "sale" intent is now true on both sides.
    let all = lib.remote_ops(A, false).unwrap();
    assert_eq!((all.len(), all[0].state), (1, RemoteOpState::Applied));
    lib.mark_remote_op(all[0].id, &RemoteOpOutcome::Applied, T0 + 2).unwrap();
    assert!(lib.undo_stack(10).unwrap().len() == 1, "not recorded for undo");
    let change =
        LocalApply { unset_metadata: strings(&["colour"]), remove_tags: strings(&["sale"]), ..Default::default() };
    lib.apply_remote_change(A, a, &change, T0 + 3).unwrap();
    assert!(lib.metadata_of(a).unwrap().is_empty());
    assert_eq!(lib.tags_of(a).unwrap(), strings(&["remote-tag"]));
    assert!(lib.apply_remote_change(A, ids[2], &LocalApply::default(), T0).is_err(), "not linked");
}

#[test]
fn a_push_moves_the_base_and_marks_its_sending_intents_applied() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    let a = ids[0];
    lib.add_tags(&[a], &strings(&["sale"]), T0).unwrap();
    let op = lib.remote_ops(A, true).unwrap()[0].id;
    lib.mark_intents_sending(&[op], T0 + 1).unwrap();
    assert_eq!(lib.remote_ops(A, true).unwrap()[0].state, RemoteOpState::Sending, "still unfinished");
    // A later edit does not touch a sending intent.
    lib.remove_tags(&[a], &strings(&["sale"]), T0 + 2).unwrap();
    lib.add_tags(&[a], &strings(&["sale"]), T0 + 3).unwrap();
    assert_eq!(lib.remote_ops(A, true).unwrap().len(), 1);
    let mut base = lib.sync_link(A, a).unwrap().unwrap().base;
    base.tags = strings(&["sale"]);
    let mut seen = file("f0", "dress-red.mp4", "/", &["sale"], json!({}));
    seen.updated_at = "2026-01-05T00:00:00.000Z".into();
    lib.record_push(A, a, &base, Some(&seen), &[op], T0 + 4).unwrap();
    assert_eq!(lib.remote_ops(A, false).unwrap()[0].state, RemoteOpState::Applied);
    assert_eq!(lib.remote_file(A, "f0").unwrap().unwrap().updated_at, "2026-01-05T00:00:00.000Z");
    assert_eq!(status(&lib, a), SyncStatus::Synced);

    // A sending intent can also be sent back to pending (a retry), then applied through set_base.
    lib.set_metadata(A, &[a], &meta(json!({"colour": "red"})), T0 + 5).unwrap();
    let op = lib.remote_ops(A, true).unwrap()[0].id;
    lib.mark_intents_sending(&[op], T0 + 6).unwrap();
    lib.mark_remote_op(op, &RemoteOpOutcome::Retry("offline".into()), T0 + 7).unwrap();
    assert_eq!(lib.remote_ops(A, true).unwrap()[0].state, RemoteOpState::Pending);
    base.metadata = meta(json!({"colour": "red"}));
    lib.set_base(A, a, &base, T0 + 8).unwrap();
    assert!(lib.remote_ops(A, true).unwrap().is_empty());
    lib.mark_remote_op(op, &RemoteOpOutcome::Applied, T0 + 9).unwrap();
}

#[test]
fn a_remote_file_is_adopted_as_a_remote_only_asset_and_unlinking_removes_it() {
    let (_d, lib) = open();
    let f = file("r1", "look.mp4", "/remote/", &["b", "a"], json!({"colour": "red"}));
    let id = lib.adopt_remote_file(A, &f, T0).unwrap();
    assert_eq!(lib.adopt_remote_file(A, &f, T0 + 1).unwrap(), id, "adopting twice is the same asset");
    let a = lib.asset(id).unwrap().unwrap();
    assert_eq!(a.status, AssetStatus::RemoteOnly);
    assert_eq!(a.path.to_string_lossy(), "remote://sandbox/r1");
    assert_eq!(a.full_hash, "remote:sandbox:r1");
    assert_eq!(
        (a.kind, a.size, a.width, a.remote_folder.as_str()),
        (sr_library::AssetKind::Video, 1_000_000, Some(1920), "/remote/")
    );
    assert_eq!(a.thumb_path, None);
    assert_eq!(lib.tags_of(id).unwrap(), strings(&["a", "b"]));
    assert_eq!(lib.metadata_of(id).unwrap(), meta(json!({"colour": "red"})));
    assert_eq!(lib.sync_link(A, id).unwrap().unwrap().base, Fields { tags: strings(&["a", "b"]), ..f.fields.clone() });
    assert_eq!(status(&lib, id), SyncStatus::RemoteOnly);
    assert!(intents(&lib).is_empty());
    let thumb = std::path::Path::new("/tmp/thumb.jpg");
    lib.set_thumbnail(id, thumb).unwrap();
    assert_eq!(lib.asset(id).unwrap().unwrap().thumb_path.as_deref(), Some(thumb));
    assert!(lib.set_thumbnail(id + 100, thumb).is_err());

    lib.unlink_asset(A, id, T0 + 2).unwrap();
    assert!(lib.asset(id).unwrap().is_none(), "nothing was on this computer");

    // A first pull adopts many in one go; files already adopted keep their asset.
    let files: Vec<RemoteFile> = (0..3).map(|i| file(&format!("m{i}"), "m.jpg", "/", &["x"], json!({}))).collect();
    let first = lib.adopt_remote_file(A, &files[1], T0).unwrap();
    let ids = lib.adopt_remote_files(A, &files, T0 + 3).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[1], first);
    assert!(ids.iter().all(|&id| status(&lib, id) == SyncStatus::RemoteOnly));
    assert_eq!(lib.tags_of(ids[2]).unwrap(), strings(&["x"]));
    let found = lib
        .search(&sr_library::SearchRequest {
            text: Some("x".into()),
            account: A.into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.total, 3, "adopted tags are searchable");
    lib.mark_deleted_remotely(A, ids[0], T0 + 4).unwrap();
    assert!(lib.asset(ids[0]).unwrap().is_none(), "a remote-only asset whose file is gone is removed");
}

#[test]
fn a_remote_delete_is_shown_and_unlinking_a_local_asset_keeps_it() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    lib.add_tags(&ids[..1], &strings(&["sale"]), T0).unwrap();
    lib.finish_full_listing(A, &strings(&["f1"]), T0 + 1).unwrap();
    assert_eq!(status(&lib, ids[0]), SyncStatus::DeletedRemotely);
    lib.unlink_asset(A, ids[0], T0 + 2).unwrap();
    assert!(lib.asset(ids[0]).unwrap().is_some(), "the asset and its file stay");
    assert_eq!(status(&lib, ids[0]), SyncStatus::DeletedRemotely, "still said after the planner marked it");
    assert!(lib.sync_link(A, ids[0]).unwrap().is_none());
    assert!(lib.sync_inputs(A).unwrap().links.iter().all(|l| l.asset_id != ids[0]), "sync no longer plans for it");
    assert!(intents(&lib).is_empty(), "its pending intents cannot be sent any more");
    // The planner's MarkDeleted says so whatever the observation.
    lib.mark_deleted_remotely(A, ids[2], T0 + 2).unwrap();
    assert_eq!(status(&lib, ids[2]), SyncStatus::LocalOnly, "not linked: nothing to mark");
    // An asset whose file is still there is simply unlinked.
    lib.unlink_asset(A, ids[1], T0 + 3).unwrap();
    assert_eq!(status(&lib, ids[1]), SyncStatus::LocalOnly);
    // A new upload links it again.
    lib.link_asset(A, ids[0], &file("f7", "dress-red.mp4", "/", &["sale"], json!({})), T0 + 4).unwrap();
    assert_eq!(status(&lib, ids[0]), SyncStatus::Synced);
}

#[test]
fn statuses_cover_every_case() {
    let (_d, lib) = open();
    let ids = insert(
        &lib,
        &[
            Spec::video("local.mp4"),
            Spec::video("queued.mp4"),
            Spec::video("synced.mp4"),
            Spec::video("modified.mp4"),
            Spec::video("changed.mp4"),
            Spec::video("conflict.mp4"),
            Spec::video("deleted.mp4"),
            Spec::video("missing.mp4"),
        ],
    );
    for (i, &id) in ids[2..].iter().enumerate() {
        let name = lib.asset(id).unwrap().unwrap().name;
        lib.link_asset(A, id, &file(&format!("f{i}"), &name, "/", &[], json!({})), T0).unwrap();
    }
    let job = NewJob {
        asset_id: ids[1],
        spec: JobSpec { folder: "/".into(), file_name: "queued.mp4".into(), ..Default::default() },
        priority: 0,
    };
    let job = lib.add_upload_jobs(A, &[job], T0 * 1000).unwrap().remove(0);
    lib.add_tags(&ids[3..4], &strings(&["x"]), T0).unwrap();
    lib.store_remote_files(A, &[file("f2", "changed.mp4", "/", &["theirs"], json!({}))], T0).unwrap();
    let c = NewConflict {
        asset_id: ids[5],
        field: ConflictField::Folder,
        base: None,
        mine: None,
        theirs: None,
        theirs_at: None,
    };
    lib.open_conflicts(A, &[c], T0).unwrap();
    lib.finish_full_listing(A, &strings(&["f0", "f1", "f2", "f3", "f5"]), T0).unwrap();
    lib.mark_missing(&ids[7..8], T0).unwrap();
    let remote_only = lib.adopt_remote_file(A, &file("r", "remote.mp4", "/", &[], json!({})), T0).unwrap();

    let mut all = ids.clone();
    all.push(remote_only);
    all.push(999_999);
    use SyncStatus as S;
    let got: Vec<SyncStatus> = lib.sync_statuses(A, &all).unwrap().into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        got,
        [
            S::LocalOnly,
            S::Queued,
            S::Synced,
            S::ModifiedLocally,
            S::ChangedRemotely,
            S::Conflict,
            S::DeletedRemotely,
            S::MissingFile,
            S::RemoteOnly
        ]
    );
    // A finished upload is no longer queued.
    lib.transition_upload_job(job.id, &[JobState::Queued], JobState::Done, T0 * 1000, |_| {}).unwrap();
    assert_eq!(status(&lib, ids[1]), S::LocalOnly);
}

fn conflict(lib: &Library, asset_id: i64, field: ConflictField, base: Value, mine: Value, theirs: Value) -> i64 {
    let c = NewConflict {
        asset_id,
        field,
        base: Some(base),
        mine: Some(mine),
        theirs: Some(theirs),
        theirs_at: Some("2026-01-02T00:00:00.000Z".into()),
    };
    lib.open_conflicts(A, &[c], T0).unwrap()[0]
}

#[test]
fn conflicts_open_once_per_field_and_each_resolution_settles_local_base_and_intents() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    let a = ids[0];
    // Metadata: local red (pending intent), base none, theirs navy.
    lib.set_metadata(A, &[a], &meta(json!({"colour": "red"})), T0).unwrap();
    let m = ConflictField::Metadata("colour".into());
    let id = conflict(&lib, a, m.clone(), Value::Null, json!("red"), json!("navy"));
    assert_eq!(conflict(&lib, a, m.clone(), Value::Null, json!("red"), json!("green")), id, "updated, not doubled");
    let open = lib.conflicts(A, true).unwrap();
    assert_eq!((open.len(), open[0].theirs.clone()), (1, Some(json!("green"))));
    assert_eq!(status(&lib, a), SyncStatus::Conflict);

    // Mine: local stays, base becomes theirs, the intent still pushes red.
    let c = lib.resolve_conflict(id, &Resolution::Mine, T0 + 1).unwrap();
    assert_eq!((c.resolved_at, c.resolution), (Some(T0 + 1), Some(Resolution::Mine)));
    assert_eq!(lib.metadata_of(a).unwrap(), meta(json!({"colour": "red"})));
    assert_eq!(lib.sync_link(A, a).unwrap().unwrap().base.metadata, meta(json!({"colour": "green"})));
    assert_eq!(intents(&lib), vec![(Some(a), RemoteOpKind::MetaSet, json!({"key": "colour", "value": "red"}))]);
    assert!(lib.resolve_conflict(id, &Resolution::Theirs, T0).is_err(), "already resolved");
    assert!(lib.conflicts(A, true).unwrap().is_empty());
    assert_eq!(lib.conflicts(A, false).unwrap().len(), 1);

    // Theirs: local becomes theirs, and the pending intent goes.
    let id = conflict(&lib, a, m.clone(), json!("green"), json!("red"), json!("blue"));
    lib.store_remote_files(A, &[file("f0", "dress-red.mp4", "/", &[], json!({"colour": "blue"}))], T0).unwrap();
    lib.resolve_conflict(id, &Resolution::Theirs, T0 + 2).unwrap();
    assert_eq!(lib.metadata_of(a).unwrap(), meta(json!({"colour": "blue"})));
    assert!(intents(&lib).is_empty());
    assert_eq!(status(&lib, a), SyncStatus::Synced);

    // Value: checked against the field's rules, set locally, pushed.
    let id = conflict(&lib, a, m.clone(), json!("blue"), json!("blue"), json!("navy"));
    assert!(lib.resolve_conflict(id, &Resolution::Value(json!(42)), T0 + 3).is_err(), "not one of the colours");
    lib.resolve_conflict(id, &Resolution::Value(json!("beige")), T0 + 3).unwrap();
    assert_eq!(lib.metadata_of(a).unwrap(), meta(json!({"colour": "beige"})));
    assert_eq!(intents(&lib), vec![(Some(a), RemoteOpKind::MetaSet, json!({"key": "colour", "value": "beige"}))]);
    assert_eq!(lib.sync_link(A, a).unwrap().unwrap().base.metadata, meta(json!({"colour": "navy"})));

    // Name: theirs renames locally; a value is made one the remote accepts.
    let b = ids[1];
    let id = conflict(&lib, b, ConflictField::Name, json!("dress-navy.mp4"), json!("dress-navy.mp4"), json!("x.mp4"));
    lib.resolve_conflict(id, &Resolution::Theirs, T0 + 4).unwrap();
    assert_eq!(lib.asset(b).unwrap().unwrap().name, "x.mp4");
    let id = conflict(&lib, b, ConflictField::Name, json!("x.mp4"), json!("x.mp4"), json!("y.mp4"));
    lib.resolve_conflict(id, &Resolution::Value(json!("my dress.mp4")), T0 + 5).unwrap();
    assert_eq!(lib.asset(b).unwrap().unwrap().name, "my_dress.mp4");
    assert!(intents(&lib).contains(&(Some(b), RemoteOpKind::RenameFile, json!({"name": "my_dress.mp4"}))));

    // Folder: mine pushes a move.
    lib.set_folder(&[b], "/mine/", T0 + 6).unwrap();
    let id = conflict(&lib, b, ConflictField::Folder, json!("/"), json!("/mine/"), json!("/theirs/"));
    lib.resolve_conflict(id, &Resolution::Mine, T0 + 7).unwrap();
    assert_eq!(lib.sync_link(A, b).unwrap().unwrap().base.folder, "/theirs/");
    assert!(intents(&lib).contains(&(Some(b), RemoteOpKind::MoveFile, json!({"folder": "/mine/"}))));
    let id = conflict(&lib, b, ConflictField::Folder, json!("/theirs/"), json!("/mine/"), json!("/t2/"));
    lib.resolve_conflict(id, &Resolution::Theirs, T0 + 8).unwrap();
    assert_eq!(lib.asset(b).unwrap().unwrap().remote_folder, "/t2/");
    assert!(!intents(&lib).iter().any(|i| i.1 == RemoteOpKind::MoveFile));

    // Tag: theirs (absent) takes it off locally.
    lib.add_tags(&[b], &strings(&["sale"]), T0 + 9).unwrap();
    let id = conflict(&lib, b, ConflictField::Tag("sale".into()), Value::Null, json!(true), Value::Null);
    lib.resolve_conflict(id, &Resolution::Theirs, T0 + 10).unwrap();
    assert!(lib.tags_of(b).unwrap().is_empty());
    assert!(!intents(&lib).iter().any(|i| i.1 == RemoteOpKind::TagAdd));
}

#[test]
fn existence_conflicts_keep_or_withdraw_a_delete_and_forget_a_file_that_is_gone() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    let (a, b) = (ids[0], ids[1]);
    // Asked to delete here, edited there.
    lib.request_remote_delete(&[a], T0).unwrap();
    let edited = file("f0", "dress-red.mp4", "/", &["theirs"], json!({}));
    lib.store_remote_files(A, std::slice::from_ref(&edited), T0).unwrap();
    let id = conflict(&lib, a, ConflictField::Existence, json!(true), Value::Null, json!(true));
    assert!(lib.resolve_conflict(id, &Resolution::Value(json!(1)), T0).is_err());
    lib.resolve_conflict(id, &Resolution::Mine, T0 + 1).unwrap();
    assert_eq!(lib.sync_link(A, a).unwrap().unwrap().base, edited.fields, "the delete goes ahead when confirmed");
    assert!(intents(&lib).iter().any(|i| i.1 == RemoteOpKind::DeleteFile));
    let id = conflict(&lib, a, ConflictField::Existence, json!(true), Value::Null, json!(true));
    lib.resolve_conflict(id, &Resolution::Theirs, T0 + 2).unwrap();
    assert!(!intents(&lib).iter().any(|i| i.1 == RemoteOpKind::DeleteFile), "the delete is withdrawn");

    // Edited here, gone there: either way the link goes and the asset stays.
    lib.add_tags(&[b], &strings(&["mine"]), T0 + 3).unwrap();
    lib.finish_full_listing(A, &strings(&["f0"]), T0 + 3).unwrap();
    let id = conflict(&lib, b, ConflictField::Existence, json!(true), json!(true), Value::Null);
    lib.resolve_conflict(id, &Resolution::Mine, T0 + 4).unwrap();
    assert!(lib.asset(b).unwrap().is_some());
    assert!(lib.sync_link(A, b).unwrap().is_none());
    assert_eq!(lib.tags_of(b).unwrap(), strings(&["mine"]));
}

#[test]
fn rename_asset_is_an_undoable_batch_refusing_an_empty_name() {
    let (_d, lib) = open();
    let ids = three(&lib);
    assert!(invalid(lib.rename_asset(ids[0], "  ", T0).unwrap_err()).contains("new name"));
    let s = lib.rename_asset(ids[0], "Summer dress.mp4", T0).unwrap();
    assert_eq!(s.assets, 1);
    assert_eq!(lib.asset(ids[0]).unwrap().unwrap().name, "Summer_dress.mp4");
    assert!(intents(&lib).is_empty(), "not linked: the upload carries the name");
    assert_eq!(lib.rename_asset(ids[0], "Summer_dress.mp4", T0).unwrap().batch_id, None);
    lib.undo_last(T0 + 1).unwrap();
    assert_eq!(lib.asset(ids[0]).unwrap().unwrap().name, "dress-red.mp4");
    assert!(lib.request_remote_delete(&ids, T0).is_err(), "nothing is on the remote");
}

#[test]
fn make_local_identifies_the_download_and_refuses_content_already_in_the_library() {
    use sr_media::fixtures::{self, ImageFormat, Pattern};
    let (d, lib) = open();
    let media = tempfile::tempdir().unwrap();
    let mut f = file("r1", "look.jpg", "/remote/", &["sale"], json!({}));
    f.mime = Some("image/jpeg".into());
    f.file_type = "image".into();
    let id = lib.adopt_remote_file(A, &f, T0).unwrap();
    let download =
        fixtures::image_with(media.path(), "r1-look.jpg", 64, 48, ImageFormat::Jpeg, Pattern::Solid([200, 30, 30]));
    let a = lib.make_local(id, &download, T0 + 1).unwrap();
    assert_eq!((a.id, a.status, a.path.clone()), (id, AssetStatus::Local, download.clone()));
    assert_eq!((a.width, a.height, a.kind), (Some(64), Some(48), sr_library::AssetKind::Image));
    assert_eq!(a.full_hash.len(), 64);
    assert_eq!(a.name, "look.jpg");
    assert!(a.thumb_path.as_ref().is_some_and(|p| p.starts_with(d.path()) && p.exists()));
    assert_eq!(lib.tags_of(id).unwrap(), strings(&["sale"]));
    assert!(lib.sync_link(A, id).unwrap().is_some());
    assert_eq!(status(&lib, id), SyncStatus::Synced);
    assert!(lib.make_local(id, &download, T0).is_err(), "already local");

    // The same bytes as an asset already here: refused in words naming it; nothing merged.
    let other = lib.adopt_remote_file(A, &file("r2", "copy.jpg", "/", &[], json!({})), T0).unwrap();
    let copy = media.path().join("r2-copy.jpg");
    std::fs::copy(&download, &copy).unwrap();
    let err = lib.make_local(other, &copy, T0 + 2).unwrap_err().to_string();
    assert!(err.contains("\"look.jpg\"") && err.contains(&format!("#{id}")), "{err}");
    assert_eq!(lib.asset(other).unwrap().unwrap().status, AssetStatus::RemoteOnly);
    assert!(copy.exists());
}

#[test]
fn mark_deleted_remotely_keeps_a_local_asset_flagged_until_it_is_uploaded_again() {
    let (_d, lib) = open();
    let ids = linked(&lib);
    lib.add_tags(&ids[..1], &strings(&["sale"]), T0).unwrap();
    lib.mark_deleted_remotely(A, ids[0], T0 + 1).unwrap();
    assert_eq!(status(&lib, ids[0]), SyncStatus::DeletedRemotely);
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["sale"]), "the asset is untouched");
    assert!(lib.sync_inputs(A).unwrap().links.iter().all(|l| l.asset_id != ids[0]));
    assert!(intents(&lib).is_empty());
    // Later edits write nothing for it: there is no remote file to push to.
    lib.add_tags(&ids[..1], &strings(&["more"]), T0 + 2).unwrap();
    assert!(intents(&lib).is_empty());
}
