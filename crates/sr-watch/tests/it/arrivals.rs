//! Files arriving: ingested once, only when complete, with the root's rule applied.

use std::io::Write;
use std::time::Duration;

use sr_library::watch::{FileState, WaitReason, WatchMode};

use crate::support::*;

#[test]
fn a_slow_chunked_copy_is_ingested_once_after_its_last_byte_with_the_final_hash() {
    let mut rig = Rig::new();
    rig.start();
    let bytes = video_bytes();
    let target = rig.path().join("clip.mp4");
    let mut f = std::fs::File::create(&target).unwrap();
    let chunks: Vec<&[u8]> = bytes.chunks(bytes.len().div_ceil(8)).collect();
    for c in &chunks {
        f.write_all(c).unwrap();
        f.sync_data().unwrap();
        // Less than the settle interval between chunks: the file must not settle meanwhile.
        std::thread::sleep(Duration::from_millis(80));
        assert!(rig.assets().is_empty(), "ingested before its last byte");
    }
    drop(f);
    wait_for("the video in the library", || rig.assets().len() == 1);
    let a = rig.asset_at(&target).expect("asset at the path");
    let want = sr_library::identity::full_hash(&target, bytes.len() as u64).unwrap();
    assert_eq!(a.full_hash, want);
    assert_eq!(a.size, bytes.len() as u64);
    assert_eq!(rig.lib.tags_of(a.id).unwrap(), vec!["summer".to_string()]);
    assert_eq!(a.remote_folder, "/shoots/");
    holds_for("one asset, one ingest", Duration::from_millis(600), || rig.assets().len() == 1);
    assert_eq!(rig.ingested_events(), 1);
}

#[test]
fn a_part_file_waits_with_its_reason_then_is_ingested_once_when_renamed() {
    let mut rig = Rig::new();
    rig.start();
    let part = rig.path().join("look.jpg.part");
    put(&part, &jpeg(1));
    wait_for("the .part in the ledger", || {
        rig.lib
            .watch_ledger()
            .unwrap()
            .iter()
            .any(|r| r.path == part && r.state == FileState::Waiting && r.reason == Some(WaitReason::TemporaryName))
    });
    assert!(rig.assets().is_empty());
    let done = rig.path().join("look.jpg");
    std::fs::rename(&part, &done).unwrap();
    wait_for("the renamed file in the library", || rig.asset_at(&done).is_some());
    wait_for("the .part gone from the ledger", || !rig.lib.watch_ledger().unwrap().iter().any(|r| r.path == part));
    holds_for("ingested once", Duration::from_millis(600), || rig.assets().len() == 1);
    assert_eq!(rig.ingested_events(), 1);
}

#[test]
fn a_thousand_files_dropped_at_once_are_each_ingested_exactly_once() {
    let mut rig = Rig::new();
    rig.start();
    let staging = rig.dir.path().join("staging");
    for i in 0..1000u64 {
        put(&staging.join(format!("d{}/f{i}.jpg", i % 10)), &jpeg(i));
    }
    // Dropped at once: ten folders moved in, as a file manager does.
    for d in 0..10 {
        std::fs::rename(staging.join(format!("d{d}")), rig.path().join(format!("d{d}"))).unwrap();
    }
    wait_for("1,000 assets", || rig.lib.count().unwrap() >= 1000);
    holds_for("no more than 1,000", Duration::from_millis(600), || rig.lib.count().unwrap() == 1000);
    let assets = rig.assets();
    let mut paths: Vec<_> = assets.iter().map(|a| a.path.clone()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 1000);
    assert_eq!(rig.ingested_events(), 1000);
    let sample = assets.iter().find(|a| a.name == "f7.jpg").unwrap();
    assert_eq!(sample.remote_folder, "/shoots/d7/", "subfolders map to subfolders");
}

#[test]
fn files_present_before_start_are_caught_up_and_an_unchanged_restart_reads_nothing() {
    let mut rig = Rig::new();
    for i in 0..20u64 {
        put(&rig.path().join(format!("a/{i}.jpg")), &jpeg(100 + i));
    }
    put(&rig.path().join("notes.txt"), b"not media");
    rig.start();
    wait_for("20 assets", || rig.lib.count().unwrap() == 20);
    wait_for("the text file skipped as not media", || {
        rig.lib.watch_ledger().unwrap().iter().any(|r| r.reason == Some(WaitReason::NotMedia))
    });
    rig.stop();
    // A walk of the unchanged tree finds nothing to read.
    let rules = sr_watch::rules::Rules::new(&rig.path(), Some(rig.lib.dir()), &[]).unwrap();
    let root = rig.lib.watch_root(rig.root.id).unwrap().unwrap();
    let report = sr_watch::scan::reconcile(&rig.lib, &root, &rules, 0.5, 2, &mut |_, _| {}).unwrap();
    assert_eq!(report.walked, 21);
    assert!(report.candidates.is_empty(), "{:?}", report.candidates);
    assert!(report.missing.is_empty() && report.moved.is_empty() && report.offline.is_none());
}

#[test]
fn a_forced_small_budget_polls_the_root_says_why_and_still_ingests() {
    let mut config = config();
    config.watch_budget = Some(2);
    let mut rig = Rig::with(config.clone(), |_| {});
    for d in ["a", "b", "c"] {
        std::fs::create_dir_all(rig.path().join(d)).unwrap();
    }
    let (mode, why) = sr_watch::choose_mode(&rig.path(), &[], &config);
    assert_eq!(mode, WatchMode::Polling);
    assert!(why.unwrap().contains("4 subfolders"));
    rig.start();
    wait_for("the root polled", || {
        rig.watcher.as_ref().unwrap().status().roots.first().is_some_and(|r| r.mode == WatchMode::Polling)
    });
    let stored = rig.lib.watch_root(rig.root.id).unwrap().unwrap();
    assert_eq!(stored.mode, WatchMode::Polling);
    assert!(stored.mode_reason.unwrap().contains("looks through it every"));
    let p = rig.path().join("b/new.jpg");
    put(&p, &jpeg(7));
    wait_for("the polled file in the library", || rig.asset_at(&p).is_some());
    holds_for("once", Duration::from_millis(700), || rig.assets().len() == 1);
}

#[test]
fn a_second_watcher_on_the_same_library_is_refused_in_words() {
    let mut rig = Rig::new();
    rig.start();
    let sink = std::sync::Arc::new(|_e: sr_watch::WatchEvent| {});
    match sr_watch::Watcher::start(rig.lib.clone(), config(), sink) {
        Err(e @ sr_watch::WatchError::AlreadyRunning { .. }) => {
            assert!(e.to_string().contains("already watching folders"), "{e}")
        }
        Err(e) => panic!("unexpected: {e}"),
        Ok(_) => panic!("two watchers on one library"),
    }
}

#[test]
fn injected_observations_drive_the_engine_like_a_source() {
    // Polled once a minute: within the test only what is injected is seen.
    let mut config = config();
    config.watch_budget = Some(0);
    config.poll_interval = Duration::from_secs(60);
    let mut rig = Rig::with(config, |_| {});
    rig.start();
    wait_for("the root polled", || {
        rig.watcher.as_ref().unwrap().status().roots.first().is_some_and(|r| r.mode == WatchMode::Polling)
    });
    let written = rig.path().join("told.jpg");
    put(&written, &jpeg(31));
    let w = rig.watcher.as_ref().unwrap();
    w.observe(sr_watch::Observation::Written(written.clone()));
    wait_for("the told file in the library", || rig.asset_at(&written).is_some());
    let found = rig.path().join("deep/found.jpg");
    put(&found, &jpeg(32));
    w.observe(sr_watch::Observation::Rescan { root_id: rig.root.id });
    wait_for("the file found by the rescan", || rig.asset_at(&found).is_some());
    assert_eq!(rig.assets().len(), 2);
}
