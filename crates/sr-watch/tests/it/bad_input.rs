//! Bad input: the ledger says what is wrong, and the rest is ingested.

use std::os::unix::fs::PermissionsExt;

use sr_library::watch::{FileState, WaitReason};

use crate::support::*;

#[test]
fn a_symlink_loop_and_an_unreadable_folder_are_in_the_ledger_and_the_rest_is_ingested() {
    let mut rig = Rig::new();
    let ok = rig.path().join("fine/a.jpg");
    put(&ok, &jpeg(1));
    std::os::unix::fs::symlink(rig.path().join("fine"), rig.path().join("fine/loop")).unwrap();
    let locked = rig.path().join("locked");
    put(&locked.join("b.jpg"), &jpeg(2));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = unsafe { libc::geteuid() } == 0;
    rig.start();
    wait_for("the readable file ingested", || rig.asset_at(&ok).is_some());
    wait_for("the loop in the ledger", || {
        rig.lib.watch_ledger().unwrap().iter().any(|r| r.reason == Some(WaitReason::LinkLoop))
    });
    if as_root {
        // root reads any folder: permissions cannot make one unreadable here.
        wait_for("the file in the 000 folder ingested", || rig.asset_at(&locked.join("b.jpg")).is_some());
    } else {
        wait_for("the locked folder in the ledger", || {
            rig.lib
                .watch_ledger()
                .unwrap()
                .iter()
                .any(|r| r.path == locked && r.reason == Some(WaitReason::Unreadable) && r.state == FileState::Skipped)
        });
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The watcher keeps working for the rest.
    let later = rig.path().join("fine/later.jpg");
    put(&later, &jpeg(3));
    wait_for("a later file ingested", || rig.asset_at(&later).is_some());
}

#[test]
fn empty_excluded_and_non_media_files_say_why() {
    let mut rig = Rig::with(config(), |r| r.excludes = vec!["raw/**".into()]);
    rig.start();
    put(&rig.path().join("empty.jpg"), b"");
    put(&rig.path().join("raw/x.jpg"), &jpeg(5));
    put(&rig.path().join("readme.txt"), b"hello");
    put(&rig.path().join(".DS_Store"), b"junk");
    put(&rig.path().join("ok.jpg"), &jpeg(6));
    wait_for("ok.jpg ingested", || rig.asset_at(&rig.path().join("ok.jpg")).is_some());
    let reason_of = |name: &str| {
        rig.lib.watch_ledger().unwrap().into_iter().find(|r| r.path == rig.path().join(name)).and_then(|r| r.reason)
    };
    wait_for("three reasons", || {
        reason_of("empty.jpg") == Some(WaitReason::Empty)
            && reason_of("raw/x.jpg") == Some(WaitReason::Excluded)
            && reason_of("readme.txt") == Some(WaitReason::NotMedia)
    });
    assert_eq!(reason_of(".DS_Store"), None, "always-excluded names are not listed");
    assert_eq!(rig.lib.count().unwrap(), 1);
    // Ingest anyway overrides the exclude.
    rig.watcher.as_ref().unwrap().retry(rig.path().join("raw/x.jpg"), true);
    wait_for("forced in", || rig.asset_at(&rig.path().join("raw/x.jpg")).is_some());
}

#[test]
fn a_file_that_keeps_growing_is_listed_as_still_being_written_and_ingested_once_when_done() {
    use std::io::Write;
    let mut rig = Rig::new();
    rig.start();
    let p = rig.path().join("long.mp4");
    let bytes = video_bytes();
    let mut f = std::fs::File::create(&p).unwrap();
    let chunks: Vec<&[u8]> = bytes.chunks(bytes.len().div_ceil(30)).collect();
    let mut listed = false;
    for c in &chunks {
        f.write_all(c).unwrap();
        f.sync_data().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(rig.asset_at(&p).is_none(), "ingested while still growing");
        listed |= rig
            .lib
            .watch_ledger()
            .unwrap()
            .iter()
            .any(|r| r.path == p && r.state == FileState::Waiting && r.reason == Some(WaitReason::StillWriting));
    }
    drop(f);
    assert!(listed, "the growing file was never listed as still being written");
    wait_for("ingested when done", || rig.asset_at(&p).is_some());
    wait_for("gone from the ledger", || !rig.lib.watch_ledger().unwrap().iter().any(|r| r.path == p));
    assert_eq!(rig.assets().len(), 1);
    let want = sr_library::identity::full_hash(&p, bytes.len() as u64).unwrap();
    assert_eq!(rig.asset_at(&p).unwrap().full_hash, want);
}

#[test]
fn a_file_replaced_in_place_with_other_content_is_held_with_a_choice() {
    let mut rig = Rig::new();
    rig.start();
    let p = rig.path().join("look.jpg");
    put(&p, &jpeg(1));
    wait_for("ingested", || rig.asset_at(&p).is_some());
    let id = rig.asset_at(&p).unwrap().id;
    put(&p, &jpeg(2));
    wait_for("held as replaced in place", || {
        rig.lib
            .watch_ledger()
            .unwrap()
            .iter()
            .any(|r| r.path == p && r.reason == Some(WaitReason::ReplacedInPlace { asset_id: id }))
    });
    assert_eq!(rig.lib.count().unwrap(), 1, "no second asset");
}
