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
