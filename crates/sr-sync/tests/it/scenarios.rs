//! The issue's scenarios, engine level: two libraries and a direct API client.

use serde_json::json;
use sr_library::sync::{ConflictField, Resolution};
use sr_sync::{OpKind, PlanOptions, Side as OpSide, StopReason, SyncEvent, SyncOptions};

use crate::support::*;

#[tokio::test]
async fn non_conflicting_edits_on_two_libraries_and_the_api_converge_on_all_three() {
    let rig = rig().await;
    let ids = rig.seed(&[
        ("/shop/a.jpg", &["red"], json!({})),
        ("/shop/b.jpg", &[], json!({})),
        ("/shop/c.jpg", &[], json!({"season": "spring"})),
    ]);
    let (a, b) = (rig.side("lib-a"), rig.side("lib-b"));
    let first = a.sync().await;
    assert_eq!(first.applied.iter().filter(|o| o.kind == OpKind::Adopt).count(), 3);
    b.sync().await;

    // Offline edits on both libraries and online ones through the API, different fields.
    a.tag(&ids[0], "sale");
    a.set_meta(&ids[1], "season", json!("summer"));
    b.untag(&ids[0], "red");
    b.rename(&ids[1], "b2.jpg");
    b.move_to(&ids[2], "/archive/");
    rig.api.add_tags(&[ids[1].clone()], &["new".into()]).await.unwrap();

    a.sync().await;
    b.sync().await;
    a.sync().await;

    for (i, id) in ids.iter().enumerate() {
        let remote = rig.remote_fields(id).await.unwrap();
        assert_eq!(a.fields(a.asset(id)), remote, "library A, file {i}");
        assert_eq!(b.fields(b.asset(id)), remote, "library B, file {i}");
    }
    let ra = rig.remote_fields(&ids[0]).await.unwrap();
    assert_eq!(ra.tags, vec!["sale"]);
    let rb = rig.remote_fields(&ids[1]).await.unwrap();
    assert_eq!(
        (rb.name.as_str(), rb.tags.clone(), rb.metadata["season"].clone()),
        ("b2.jpg", vec!["new".to_owned()], json!("summer"))
    );
    assert_eq!(rig.remote_fields(&ids[2]).await.unwrap().folder, "/archive/");
    assert!(a.conflicts().is_empty() && b.conflicts().is_empty());
}

#[tokio::test]
async fn a_clash_is_a_conflict_holding_both_values_and_the_remote_keeps_the_first_writer_until_resolved() {
    let rig = rig().await;
    let ids = rig.seed(&[("/shop/a.jpg", &[], json!({"season": "spring"})), ("/shop/b.jpg", &[], json!({}))]);
    let (a, b) = (rig.side("lib-a"), rig.side("lib-b"));
    a.sync().await;
    b.sync().await;
    a.set_meta(&ids[0], "season", json!("summer"));
    b.set_meta(&ids[0], "season", json!("winter"));
    b.tag(&ids[0], "keep-merging");
    a.sync().await;
    let second = b.sync().await;
    assert_eq!(second.conflicts_opened, 1);
    let c = b.conflicts();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].field, ConflictField::Metadata("season".into()));
    assert_eq!(
        (c[0].base.clone(), c[0].mine.clone(), c[0].theirs.clone()),
        (Some(json!("spring")), Some(json!("winter")), Some(json!("summer")))
    );
    let remote = rig.remote_fields(&ids[0]).await.unwrap();
    assert_eq!(remote.metadata["season"], json!("summer"), "the first writer's value stays");
    assert_eq!(remote.tags, vec!["keep-merging"], "the asset's other fields still merge");
    // Syncing again changes nothing while it is open.
    let again = b.sync().await;
    assert!(again.applied.is_empty() && again.conflicts_opened == 0, "{:#?}", again.applied);
    assert_eq!(rig.remote_fields(&ids[0]).await.unwrap().metadata["season"], json!("summer"));

    // Keep mine: pushed on the next run, and A takes it.
    b.lib.resolve_conflict(c[0].id, &Resolution::Mine, now()).unwrap();
    b.sync().await;
    assert_eq!(rig.remote_fields(&ids[0]).await.unwrap().metadata["season"], json!("winter"));
    a.sync().await;
    assert_eq!(a.fields(a.asset(&ids[0])).metadata["season"], json!("winter"));
}

#[tokio::test]
async fn take_theirs_sets_the_local_value() {
    let rig = rig().await;
    let ids = rig.seed(&[("/shop/a.jpg", &[], json!({})), ("/shop/b.jpg", &[], json!({}))]);
    let a = rig.side("lib-a");
    a.sync().await;
    a.rename(&ids[0], "mine.jpg");
    rig.api.rename_file("/shop/a.jpg", "theirs.jpg", false).await.unwrap();
    a.sync().await;
    let c = a.conflicts();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].field, ConflictField::Name);
    assert_eq!(rig.remote_fields(&ids[0]).await.unwrap().name, "theirs.jpg");
    a.lib.resolve_conflict(c[0].id, &Resolution::Theirs, now()).unwrap();
    let r = a.sync().await;
    assert!(r.applied.is_empty(), "{:#?}", r.applied);
    assert_eq!(a.fields(a.asset(&ids[0])).name, "theirs.jpg");
}

#[tokio::test]
async fn a_remote_delete_of_an_edited_asset_is_a_conflict_and_of_an_unedited_one_marks_it() {
    let rig = rig().await;
    let ids = rig.seed(&[
        ("/shop/a.jpg", &[], json!({})),
        ("/shop/b.jpg", &[], json!({})),
        ("/shop/c.jpg", &[], json!({})),
        ("/shop/d.jpg", &[], json!({})),
    ]);
    let a = rig.side("lib-a");
    a.sync().await;
    let edited = a.asset(&ids[0]);
    a.tag(&ids[0], "edited");
    rig.api.bulk_delete(&[ids[0].clone(), ids[1].clone()]).await.unwrap();
    let r = a.full().await;
    assert_eq!(r.conflicts_opened, 1);
    let c = a.conflicts();
    assert_eq!((c[0].asset_id, &c[0].field), (edited, &ConflictField::Existence));
    assert!(a.lib.asset(edited).unwrap().is_some(), "nothing local is deleted");
    let marked: Vec<_> = r.applied.iter().filter(|o| o.kind == OpKind::MarkDeleted).collect();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0].file_id.as_deref(), Some(ids[1].as_str()));
    assert!(rig.remote_fields(&ids[0]).await.is_none(), "no resurrection");
}

#[tokio::test]
async fn deletes_above_the_fuse_are_held_until_confirmed() {
    let rig = rig().await;
    let files: Vec<(String, Vec<&str>, serde_json::Value)> =
        (0..8).map(|i| (format!("/f{}/x{i}.jpg", i % 4), vec![], json!({}))).collect();
    let refs: Vec<(&str, &[&str], serde_json::Value)> =
        files.iter().map(|(p, t, m)| (p.as_str(), t.as_slice(), m.clone())).collect();
    let ids = rig.seed(&refs);
    let a = rig.side("lib-a");
    a.sync().await;
    rig.api.bulk_delete(&ids[..3]).await.unwrap();
    let fuse = |confirm| SyncOptions {
        full_listing: true,
        plan: PlanOptions { delete_fuse_files: 2, confirm_deletes: confirm },
        ..opts()
    };
    let r = a.sync_with(&fuse(false)).await;
    assert_eq!(r.plan.held.len(), 3);
    assert!(r.applied.is_empty() && r.plan.held_reason.is_some());
    assert_eq!(a.assets().len(), 8, "nothing marked");
    let r = a.sync_with(&fuse(true)).await;
    assert_eq!(r.applied.iter().filter(|o| o.kind == OpKind::MarkDeleted).count(), 3);

    // A delete asked for here is held too, then sent once confirmed.
    a.lib.request_remote_delete(&[a.asset(&ids[5])], now()).unwrap();
    let r = a.sync().await;
    assert_eq!(r.plan.held.len(), 1);
    assert!(rig.remote_fields(&ids[5]).await.is_some());
    let r = a
        .sync_with(&SyncOptions { plan: PlanOptions { confirm_deletes: true, ..PlanOptions::default() }, ..opts() })
        .await;
    assert_eq!(r.applied.len(), 1);
    assert_eq!((r.applied[0].side, r.applied[0].kind), (OpSide::Remote, OpKind::Delete));
    assert!(rig.remote_fields(&ids[5]).await.is_none());
}

#[tokio::test]
async fn an_empty_listing_stops_the_run_and_changes_nothing() {
    let rig = rig().await;
    let ids = rig.seed(&[("/shop/a.jpg", &[], json!({})), ("/shop/b.jpg", &[], json!({}))]);
    let a = rig.side("lib-a");
    a.sync().await;
    rig.api.bulk_delete(&ids).await.unwrap();
    let r = a.full().await;
    assert_eq!(r.plan.stop, Some(StopReason::EmptyListing { linked: 2 }));
    assert!(r.applied.is_empty());
    assert_eq!(a.assets().len(), 2);
    assert_eq!(a.lib.sync_runs(&rig.account, 1).unwrap()[0].outcome, "stopped");
}

#[tokio::test]
async fn a_dry_run_lists_exactly_what_the_real_run_then_applies() {
    let rig = rig().await;
    let ids = rig.seed(&[
        ("/shop/a.jpg", &["red"], json!({})),
        ("/shop/b.jpg", &[], json!({"season": "spring"})),
        ("/shop/c.jpg", &[], json!({})),
    ]);
    let a = rig.side("lib-a");
    let dry = a.dry().await;
    let real = a.sync().await;
    assert_eq!(dry.plan.operations, real.applied);
    a.tag(&ids[0], "sale");
    a.set_meta(&ids[1], "season", json!("summer"));
    a.rename(&ids[2], "c2.jpg");
    rig.api.add_tags(&[ids[2].clone()], &["remote".into()]).await.unwrap();
    rig.seed(&[("/shop/new.jpg", &[], json!({}))]);
    let dry = a.dry().await;
    assert_eq!(dry.plan.operations.len(), 5, "{:#?}", dry.plan.operations);
    let real = a.sync().await;
    assert_eq!(dry.plan.operations, real.applied);
    assert_eq!(real.applied, real.plan.operations);
    let again = a.sync().await;
    assert!(again.plan.operations.is_empty(), "{:#?}", again.plan.operations);
}

#[tokio::test]
async fn a_tag_on_many_files_goes_in_calls_of_fifty_and_an_unchanged_sync_costs_one_request() {
    let rig = rig().await;
    let files: Vec<String> = (0..120).map(|i| format!("/bulk/f{i}.jpg")).collect();
    let refs: Vec<(&str, &[&str], serde_json::Value)> =
        files.iter().map(|p| (p.as_str(), &[][..], json!({}))).collect();
    rig.seed(&refs);
    let a = rig.side("lib-a");
    a.sync().await;
    let all: Vec<i64> = a.assets().values().copied().collect();
    a.lib.add_tags(&all, &["sale".into()], now()).unwrap();
    rig.emu.clear_request_log();
    let events = std::sync::Mutex::new(Vec::new());
    let r = a
        .syncer
        .run(&opts(), tokio_util::sync::CancellationToken::new(), |e| events.lock().unwrap().push(e))
        .await
        .unwrap();
    assert_eq!(r.applied.len(), 120);
    let events = events.into_inner().unwrap();
    let phases: Vec<_> = events
        .iter()
        .filter_map(|e| if let SyncEvent::Phase { phase } = e { Some(phase.as_str()) } else { None })
        .collect();
    assert_eq!(phases, vec!["pull", "plan", "push"]);
    assert_eq!(events.last(), Some(&SyncEvent::Progress { phase: "push".into(), done: 120, total: 120 }));
    assert!(events.len() > 5, "progress as it goes: {}", events.len());
    let log = rig.emu.request_log();
    let calls = log.iter().filter(|l| l.path == "/v1/files/addTags").count();
    assert_eq!(calls, 3, "120 files in calls of at most 50");
    rig.emu.clear_request_log();
    let r = a.sync().await;
    assert!(r.plan.operations.is_empty());
    assert_eq!(rig.emu.request_log().len(), 1, "{:#?}", rig.emu.request_log());
    assert_eq!(r.requests, 1);
}

#[tokio::test]
async fn an_error_on_one_file_is_an_entry_in_the_log_and_the_next_run_retries_it() {
    use sr_emulator::{FaultAction, FaultRule};
    let rig = rig().await;
    let ids = rig.seed(&[("/shop/a.jpg", &[], json!({})), ("/shop/b.jpg", &[], json!({}))]);
    let a = rig.side("lib-a");
    a.sync().await;
    a.set_meta(&ids[0], "season", json!("summer"));
    a.tag(&ids[1], "sale");
    rig.emu.faults().add(FaultRule::new("update", FaultAction::Status { status: 500 }).times(1));
    // A rate limit on the tags call holds the account for its reset, then the call goes through.
    rig.emu.faults().add(FaultRule::new("tags", FaultAction::RateLimit { reset_ms: 200 }).times(1));
    let r = a.sync_with(&opts()).await;
    assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
    assert_eq!(r.errors[0].file_id.as_deref(), Some(ids[0].as_str()));
    assert!(r.errors[0].will_retry && r.errors[0].message.contains("season"), "{:?}", r.errors[0]);
    assert_eq!(r.applied.len(), 1, "the other file's tag went through");
    assert_eq!(rig.remote_fields(&ids[1]).await.unwrap().tags, vec!["sale"]);
    let log = rig.emu.request_log();
    let tag_calls: Vec<u16> = log.iter().filter(|l| l.path == "/v1/files/addTags").map(|l| l.status).collect();
    assert_eq!(tag_calls, vec![429, 200]);
    // The next run is not locked out: it sends the metadata.
    let r = a.sync().await;
    assert_eq!(r.applied.len(), 1);
    assert_eq!(rig.remote_fields(&ids[0]).await.unwrap().metadata["season"], json!("summer"));
}

/// Support asks for request ids: the history keeps the id of every answer of a run, the
/// successful calls' as well as the failed one's, in the order they were made.
#[tokio::test]
async fn the_history_keeps_the_request_id_of_every_call_of_a_run_successes_too() {
    use sr_emulator::{FaultAction, FaultRule};
    let rig = rig().await;
    let ids = rig.seed(&[("/shop/a.jpg", &[], json!({})), ("/shop/b.jpg", &[], json!({}))]);
    let a = rig.side("lib-a");
    a.sync().await;
    a.set_meta(&ids[0], "season", json!("summer"));
    a.tag(&ids[1], "sale");
    rig.emu.faults().add(FaultRule::new("update", FaultAction::Status { status: 500 }).times(1));
    rig.emu.clear_request_log();
    let r = a.sync_with(&opts()).await;
    let log = rig.emu.request_log();
    let answered: Vec<String> = log.iter().map(|l| l.request_id.clone()).collect();
    let tagged = log.iter().find(|l| l.path == "/v1/files/addTags").expect("the tag was sent");
    assert!(tagged.succeeded(), "{tagged:?}");
    assert!(r.request_ids.contains(&tagged.request_id), "a successful call's id is kept: {:?}", r.request_ids);
    assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
    let failed = r.errors[0].request_id.clone().expect("the failure names its request");
    assert!(r.request_ids.contains(&failed));
    assert_eq!(r.request_ids, answered, "every call, in order");
    assert_eq!(r.requests, answered.len() as u64);
    // As `sync log` shows it.
    let runs = a.lib.sync_runs(&a.syncer.account, 1).unwrap();
    let kept: sr_sync::SyncReport = serde_json::from_value(runs[0].report.clone()).unwrap();
    assert_eq!(kept.request_ids, answered);
}

const SDK_EDITS: &str = r#"
import sys
from imagekitio import ImageKit
base, key, a, b = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ik = ImageKit(private_key=key, base_url=base, max_retries=0)
ik.files.bulk.add_tags(file_ids=[a, b], tags=["sdk"])
ik.files.update(a, custom_metadata={"season": "autumn"})
ik.files.rename(file_path="/shop/b.jpg", new_file_name="b-sdk.jpg")
print("EDITS OK")
"#;

#[tokio::test]
async fn edits_made_through_the_official_python_sdk_reach_both_libraries_and_merge_with_theirs() {
    let rig = rig().await;
    let ids = rig.seed(&[("/shop/a.jpg", &[], json!({})), ("/shop/b.jpg", &[], json!({}))]);
    let (a, b) = (rig.side("lib-a"), rig.side("lib-b"));
    a.sync().await;
    b.sync().await;
    a.tag(&ids[0], "mine");
    b.move_to(&ids[1], "/moved/");
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(SDK_EDITS)
        .arg(rig.emu.base_url())
        .arg("private_test")
        .arg(&ids[0])
        .arg(&ids[1])
        .output()
        .await
        .expect("python3 with imagekitio (see sr-emulator's python_sdk test)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("EDITS OK"), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    a.sync().await;
    b.sync().await;
    a.sync().await;
    let ra = rig.remote_fields(&ids[0]).await.unwrap();
    assert_eq!(
        (ra.tags.clone(), ra.metadata["season"].clone()),
        (vec!["mine".to_owned(), "sdk".to_owned()], json!("autumn"))
    );
    let rb = rig.remote_fields(&ids[1]).await.unwrap();
    assert_eq!(
        (rb.name.as_str(), rb.folder.as_str(), rb.tags.clone()),
        ("b-sdk.jpg", "/moved/", vec!["sdk".to_owned()])
    );
    for id in &ids {
        let remote = rig.remote_fields(id).await.unwrap();
        assert_eq!(a.fields(a.asset(id)), remote);
        assert_eq!(b.fields(b.asset(id)), remote);
    }
}

#[tokio::test]
async fn a_folder_renamed_here_is_one_remote_folder_rename_and_both_libraries_follow() {
    let rig = rig().await;
    let ids = rig.seed(&[
        ("/summer/a.jpg", &[], json!({})),
        ("/summer/b.jpg", &[], json!({})),
        ("/other/c.jpg", &[], json!({})),
    ]);
    let (a, b) = (rig.side("lib-a"), rig.side("lib-b"));
    a.sync().await;
    b.sync().await;
    a.lib.rename_folder(&rig.account, "/summer/", "winter", now()).unwrap();
    rig.emu.clear_request_log();
    let r = a.sync().await;
    assert_eq!(r.applied.iter().map(|o| o.kind).collect::<Vec<_>>(), vec![OpKind::RenameFolder], "{:#?}", r.applied);
    let log = rig.emu.request_log();
    assert_eq!(log.iter().filter(|l| l.path.contains("renameFolder")).count(), 1);
    assert_eq!(log.iter().filter(|l| l.path == "/v1/files/move").count(), 0, "no move per file");
    a.sync().await;
    b.sync().await;
    for id in &ids[..2] {
        assert_eq!(rig.remote_fields(id).await.unwrap().folder, "/winter/");
        assert_eq!(a.fields(a.asset(id)).folder, "/winter/");
        assert_eq!(b.fields(b.asset(id)).folder, "/winter/");
    }
    assert!(a.sync().await.plan.operations.is_empty());
}

#[tokio::test]
async fn a_folder_renamed_here_and_there_differently_is_not_retried_forever_and_its_files_clash() {
    let rig = rig().await;
    let ids = rig.seed(&[("/summer/a.jpg", &[], json!({})), ("/other/b.jpg", &[], json!({}))]);
    let a = rig.side("lib-a");
    a.sync().await;
    a.lib.rename_folder(&rig.account, "/summer/", "winter", now()).unwrap();
    rig.api.rename_folder("/summer", "spring", false).await.unwrap();
    let r = a.sync_with(&opts()).await;
    assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
    assert!(!r.errors[0].will_retry);
    let r = a.sync().await;
    assert!(r.applied.iter().all(|o| o.kind != OpKind::RenameFolder), "not sent again");
    let c = a.conflicts();
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].field.clone(), c[0].mine.clone(), c[0].theirs.clone()),
        (ConflictField::Folder, Some(json!("/winter/")), Some(json!("/spring/")))
    );
    assert_eq!(rig.remote_fields(&ids[0]).await.unwrap().folder, "/spring/", "the first writer's folder stays");
}
