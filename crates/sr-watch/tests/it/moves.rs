//! Identity through moves, and disappearance that is not deletion.

use std::time::Duration;

use sr_library::AssetStatus;
use sr_library::watch::RootHealth;

use crate::support::*;

#[test]
fn a_tagged_file_moved_between_subfolders_keeps_its_id_and_tags() {
    let mut rig = Rig::new();
    rig.start();
    let from = rig.path().join("day1/look.jpg");
    put(&from, &jpeg(1));
    wait_for("ingested", || rig.asset_at(&from).is_some());
    let id = rig.asset_at(&from).unwrap().id;
    rig.lib.add_tags(&[id], &["hero".to_string()], 5).unwrap();
    let to = rig.path().join("day2/look.jpg");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(&from, &to).unwrap();
    wait_for("the asset at its new path", || rig.asset_at(&to).is_some());
    let a = rig.asset_at(&to).unwrap();
    assert_eq!(a.id, id);
    assert_eq!(a.status, AssetStatus::Local);
    assert_eq!(a.remote_folder, "/shoots/day2/");
    assert_eq!(sorted(rig.lib.tags_of(id).unwrap()), vec!["hero".to_string(), "summer".to_string()]);
    holds_for("still one asset, not missing", Duration::from_millis(1200), || {
        let all = rig.assets();
        all.len() == 1 && all[0].status == AssetStatus::Local
    });
}

#[test]
fn a_move_while_the_watcher_is_stopped_is_found_at_start() {
    let mut rig = Rig::new();
    let from = rig.path().join("in/a.jpg");
    put(&from, &jpeg(2));
    rig.start();
    wait_for("ingested", || rig.asset_at(&from).is_some());
    let id = rig.asset_at(&from).unwrap().id;
    rig.lib.add_tags(&[id], &["hero".to_string()], 5).unwrap();
    rig.stop();
    let to = rig.path().join("out/renamed.jpg");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(&from, &to).unwrap();
    rig.start();
    wait_for("the asset at its new path", || rig.asset_at(&to).is_some());
    let a = rig.asset_at(&to).unwrap();
    assert_eq!((a.id, a.name.as_str(), a.status), (id, "renamed.jpg", AssetStatus::Local));
    assert_eq!(sorted(rig.lib.tags_of(id).unwrap()), vec!["hero".to_string(), "summer".to_string()]);
    assert_eq!(rig.assets().len(), 1);
}

#[test]
fn a_deleted_file_marks_its_asset_missing_and_it_stays_in_the_library() {
    let mut rig = Rig::new();
    rig.start();
    let keep = rig.path().join("keep.jpg");
    let gone = rig.path().join("gone.jpg");
    put(&keep, &jpeg(3));
    put(&gone, &jpeg(4));
    wait_for("both ingested", || rig.lib.count().unwrap() == 2);
    let id = rig.asset_at(&gone).unwrap().id;
    std::fs::remove_file(&gone).unwrap();
    wait_for("marked missing", || rig.lib.asset(id).unwrap().unwrap().status == AssetStatus::Missing);
    assert_eq!(rig.lib.count().unwrap(), 2, "nothing deleted");
    assert_eq!(rig.asset_at(&keep).unwrap().status, AssetStatus::Local);
    // Put back: found again, same asset.
    put(&gone, &jpeg(4));
    wait_for("back", || rig.lib.asset(id).unwrap().unwrap().status == AssetStatus::Local);
    assert_eq!(rig.lib.count().unwrap(), 2);
}

#[test]
fn a_root_removed_while_watched_goes_offline_marks_nothing_missing_and_comes_back() {
    let mut rig = Rig::new();
    rig.start();
    for i in 0..5u64 {
        put(&rig.path().join(format!("s/{i}.jpg")), &jpeg(10 + i));
    }
    wait_for("5 assets", || rig.lib.count().unwrap() == 5);
    let aside = rig.dir.path().join("aside");
    std::fs::rename(rig.path(), &aside).unwrap();
    wait_for("root offline", || rig.lib.watch_root(rig.root.id).unwrap().unwrap().health == RootHealth::Offline);
    let why = rig.lib.watch_root(rig.root.id).unwrap().unwrap().health_reason.unwrap();
    assert!(why.contains("cannot be found"), "{why}");
    holds_for("nothing missing", Duration::from_millis(1500), || {
        rig.assets().iter().all(|a| a.status == AssetStatus::Local)
    });
    std::fs::rename(&aside, rig.path()).unwrap();
    wait_for("root online again", || rig.lib.watch_root(rig.root.id).unwrap().unwrap().health == RootHealth::Online);
    let p = rig.path().join("s/new.jpg");
    put(&p, &jpeg(99));
    wait_for("watched again", || rig.asset_at(&p).is_some());
    assert!(rig.assets().iter().all(|a| a.status == AssetStatus::Local));

    std::fs::remove_dir_all(rig.path()).unwrap();
    wait_for("root offline after delete", || {
        rig.lib.watch_root(rig.root.id).unwrap().unwrap().health == RootHealth::Offline
    });
    holds_for("nothing missing after delete", Duration::from_millis(1500), || {
        rig.assets().iter().all(|a| a.status == AssetStatus::Local)
    });
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_folder_renamed_while_watched_keeps_its_assets_and_maps_to_the_new_remote_folder() {
    let mut rig = Rig::new();
    rig.start();
    for i in 0..3u64 {
        put(&rig.path().join(format!("day1/{i}.jpg")), &jpeg(40 + i));
    }
    wait_for("3 assets", || rig.lib.count().unwrap() == 3);
    let mut ids: Vec<i64> = rig.assets().iter().map(|a| a.id).collect();
    ids.sort();
    std::fs::rename(rig.path().join("day1"), rig.path().join("day1-final")).unwrap();
    wait_for("all three at the new folder", || {
        rig.assets().iter().all(|a| a.path.starts_with(rig.path().join("day1-final")))
    });
    let mut after: Vec<i64> = rig.assets().iter().map(|a| a.id).collect();
    after.sort();
    assert_eq!(after, ids, "same assets");
    assert!(rig.assets().iter().all(|a| a.remote_folder == "/shoots/day1-final/" && a.status == AssetStatus::Local));
}

#[test]
fn most_files_vanishing_at_once_take_the_root_offline_until_the_person_rescans() {
    let mut rig = Rig::new();
    for i in 0..20u64 {
        put(&rig.path().join(format!("{i}.jpg")), &jpeg(200 + i));
    }
    rig.start();
    wait_for("20 assets", || rig.lib.count().unwrap() == 20);
    rig.stop();
    for i in 0..15u64 {
        std::fs::remove_file(rig.path().join(format!("{i}.jpg"))).unwrap();
    }
    rig.start();
    wait_for("offline", || rig.lib.watch_root(rig.root.id).unwrap().unwrap().health == RootHealth::Offline);
    let why = rig.lib.watch_root(rig.root.id).unwrap().unwrap().health_reason.unwrap();
    assert!(why.contains("15 of the 20"), "{why}");
    assert!(rig.assets().iter().all(|a| a.status == AssetStatus::Local), "nothing marked missing");
    // The person confirms (Rescan): the 15 are missing, the root is back online.
    rig.watcher.as_ref().unwrap().rescan(Some(rig.root.id));
    wait_for("15 missing", || rig.assets().iter().filter(|a| a.status == AssetStatus::Missing).count() == 15);
    assert_eq!(rig.lib.watch_root(rig.root.id).unwrap().unwrap().health, RootHealth::Online);
    assert_eq!(rig.lib.count().unwrap(), 20, "nothing deleted");
}

#[test]
fn a_paused_root_is_not_watched_and_catches_up_when_resumed() {
    let mut rig = Rig::new();
    rig.start();
    rig.lib.set_watch_root_paused(rig.root.id, true).unwrap();
    rig.watcher.as_ref().unwrap().reload();
    wait_for("paused in the status", || {
        rig.watcher.as_ref().unwrap().status().roots.first().is_some_and(|r| r.root.paused)
    });
    let p = rig.path().join("while-paused.jpg");
    put(&p, &jpeg(77));
    holds_for("not ingested while paused", Duration::from_millis(800), || rig.asset_at(&p).is_none());
    rig.lib.set_watch_root_paused(rig.root.id, false).unwrap();
    rig.watcher.as_ref().unwrap().reload();
    wait_for("caught up after resume", || rig.asset_at(&p).is_some());
}
