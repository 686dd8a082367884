//! Watched folders, the library's part: roots and their rules, ingest of one settled file (every
//! outcome), moves that keep everything on an asset, missing files, auto-upload hand-over, and the
//! library change stamp other processes' commits move.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sr_library::ingest::IngestOutcome;
use sr_library::watch::{FileStat, FileState, NewWatchRoot, RootHealth, WaitReason, WatchMode, WatchRoot};
use sr_library::{AssetStatus, JobSpec, JobState, Library, NewJob, RemoteOpKind, RemoteOpState};
use sr_media::fixtures::{self, ImageFormat, Pattern};
use tempfile::TempDir;

const T0: i64 = 1_767_225_600;

/// Small media made once per test binary (ffmpeg is slow), copied where each test needs them.
fn media() -> &'static [PathBuf] {
    static MEDIA: OnceLock<(TempDir, Vec<PathBuf>)> = OnceLock::new();
    &MEDIA
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let colours = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [200, 200, 30]];
            let files = colours
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    fixtures::image_with(
                        dir.path(),
                        &format!("m{i}.jpg"),
                        64,
                        48,
                        ImageFormat::Jpeg,
                        Pattern::Solid(*c),
                    )
                })
                .collect();
            (dir, files)
        })
        .1
}

struct Setup {
    _lib_dir: TempDir,
    _watched: TempDir,
    lib: Library,
    root: WatchRoot,
}

impl Setup {
    fn new(rule: impl FnOnce(&mut NewWatchRoot)) -> Setup {
        let lib_dir = tempfile::tempdir().unwrap();
        let watched = tempfile::tempdir().unwrap();
        let lib = Library::open(lib_dir.path()).unwrap();
        let mut new = NewWatchRoot {
            path: watched.path().to_owned(),
            remote_folder: "/drops/".into(),
            tags: vec!["summer".into()],
            metadata: BTreeMap::from([("season".to_owned(), serde_json::json!("SS26"))]),
            auto_upload: false,
            excludes: Vec::new(),
        };
        rule(&mut new);
        let root = lib.add_watch_root(&new, T0).unwrap();
        Setup { _lib_dir: lib_dir, _watched: watched, lib, root }
    }
    fn dir(&self) -> &Path {
        &self.root.rule.path
    }
    /// Copies media file `i` to `rel` under the root; returns its path.
    fn put(&self, i: usize, rel: &str) -> PathBuf {
        let to = self.dir().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&media()[i], &to).unwrap();
        to
    }
    fn ingest(&self, path: &Path) -> IngestOutcome {
        self.lib.ingest_watched(&self.root, path, FileStat::of(path).unwrap(), T0 + 10).unwrap()
    }
}

#[test]
fn a_settled_photo_is_ingested_once_with_its_folders_tags_metadata_and_remote_folder() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "day1/look.jpg");
    let IngestOutcome::Ingested { asset, auto_upload } = s.ingest(&path) else { panic!("not ingested") };
    assert!(!auto_upload);
    assert_eq!(asset.path, path);
    assert_eq!(asset.remote_folder, "/drops/day1/");
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned()]);
    assert_eq!(s.lib.metadata_of(asset.id).unwrap().get("season"), Some(&serde_json::json!("SS26")));
    let row = s.lib.watched_file(&path).unwrap().unwrap();
    assert_eq!((row.state, row.asset_id), (FileState::Ingested, Some(asset.id)));
    // Ingesting again (a crash after the commit, a second event) never makes a second asset.
    assert_eq!(s.ingest(&path), IngestOutcome::AlreadyKnown { asset_id: asset.id });
    assert_eq!(s.lib.count().unwrap(), 1);
    assert!(s.lib.watch_ledger().unwrap().is_empty());
    let thumb = s.lib.asset(asset.id).unwrap().unwrap().thumb_path.expect("a thumbnail for the grid");
    // A crash between the commit and the thumbnail: the next look makes it.
    std::fs::remove_file(&thumb).unwrap();
    assert_eq!(s.ingest(&path), IngestOutcome::AlreadyKnown { asset_id: asset.id });
    assert!(thumb.exists());
}

fn skipped(outcome: IngestOutcome) -> WaitReason {
    match outcome {
        IngestOutcome::Skipped { reason, .. } => reason,
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn a_file_whose_stat_changed_since_it_settled_waits_as_still_being_written() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "a.jpg");
    let settled = FileStat::of(&path).unwrap();
    // More bytes arrive after the watcher's last check.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[0; 100]);
    std::fs::write(&path, &bytes).unwrap();
    let out = s.lib.ingest_watched(&s.root, &path, settled, T0).unwrap();
    assert_eq!(skipped(out), WaitReason::StillWriting);
    let row = s.lib.watched_file(&path).unwrap().unwrap();
    assert_eq!((row.state, row.reason), (FileState::Waiting, Some(WaitReason::StillWriting)));
    assert_eq!(row.stat, Some(FileStat::of(&path).unwrap()), "the new stat is kept for the next check");
    assert_eq!(s.lib.count().unwrap(), 0);
    // Once settled at the new stat it is ingested, and leaves the ledger.
    assert!(matches!(s.ingest(&path), IngestOutcome::Ingested { .. }));
    assert!(s.lib.watch_ledger().unwrap().is_empty());
}

#[test]
fn empty_not_media_and_damaged_files_are_skipped_with_typed_reasons_in_the_ledger() {
    let s = Setup::new(|_| {});
    let empty = s.dir().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let text = s.dir().join("notes.txt");
    std::fs::write(&text, "call the studio about the red dress\n".repeat(20)).unwrap();
    // A JPEG that stops a few bytes after its header.
    let broken = s.dir().join("broken.jpg");
    let jpeg = std::fs::read(&media()[1]).unwrap();
    std::fs::write(&broken, &jpeg[..jpeg.len().min(200)]).unwrap();

    assert_eq!(skipped(s.ingest(&empty)), WaitReason::Empty);
    assert_eq!(skipped(s.ingest(&text)), WaitReason::NotMedia);
    assert_eq!(skipped(s.ingest(&broken)), WaitReason::Damaged);
    assert_eq!(s.lib.count().unwrap(), 0);
    let ledger = s.lib.watch_ledger().unwrap();
    let reasons: Vec<(PathBuf, FileState, Option<WaitReason>)> =
        ledger.iter().map(|f| (f.path.clone(), f.state, f.reason)).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    for (path, reason) in [(&empty, WaitReason::Empty), (&text, WaitReason::NotMedia), (&broken, WaitReason::Damaged)] {
        assert!(reasons.contains(&(path.clone(), FileState::Skipped, Some(reason))), "{path:?} in {reasons:?}");
    }
    let damaged = ledger.iter().find(|f| f.path == broken).unwrap();
    assert!(damaged.detail.as_deref().is_some_and(|d| !d.is_empty()), "the probe's words are kept");
}

/// An MP4 whose index (moov) is written last does not probe until its last byte is there.
#[test]
fn an_mp4_with_its_index_at_the_end_is_not_ingested_until_complete() {
    let s = Setup::new(|_| {});
    let src = tempfile::tempdir().unwrap();
    let spec = fixtures::FixtureVideo { seconds: 1.0, faststart: false, ..Default::default() };
    let full = fixtures::video(src.path(), "clip.mp4", spec);
    let bytes = std::fs::read(&full).unwrap();
    let path = s.dir().join("clip.mp4");
    std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let reason = skipped(s.ingest(&path));
    assert_eq!(reason, WaitReason::Damaged);
    assert_eq!(s.lib.count().unwrap(), 0);
    std::fs::write(&path, &bytes).unwrap();
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&path) else { panic!("complete file not ingested") };
    assert_eq!(asset.full_hash, blake3::hash(&bytes).to_hex().to_string(), "the final content's hash");
    assert_eq!(s.lib.count().unwrap(), 1);
    assert!(s.lib.watch_ledger().unwrap().is_empty(), "the damaged row was replaced");
}

#[test]
fn the_same_content_at_a_second_path_is_a_duplicate_of_the_first_asset() {
    let s = Setup::new(|_| {});
    let first = s.put(0, "a.jpg");
    let copy = s.put(0, "copies/a copy.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&first) else { panic!() };
    assert_eq!(skipped(s.ingest(&copy)), WaitReason::Duplicate { asset_id: asset.id });
    assert_eq!(s.lib.count().unwrap(), 1);
    let row = s.lib.watched_file(&copy).unwrap().unwrap();
    assert_eq!(row.reason, Some(WaitReason::Duplicate { asset_id: asset.id }), "the ledger links the asset");
}

#[test]
fn content_whose_file_vanished_reappearing_elsewhere_is_a_move_that_keeps_everything() {
    let s = Setup::new(|_| {});
    let old = s.put(2, "day1/dress.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&old) else { panic!() };
    s.lib.add_tags(&[asset.id], &["hero".into()], T0 + 20).unwrap();
    s.lib.save_preset("Shop grid", "w-1080,h-1080", T0).unwrap();
    s.lib.apply_preset("Shop grid", &[asset.id], T0 + 20).unwrap();
    // Moved by copy + delete (another disk), so no inode fast path: found by its content.
    let new = s.put(2, "day2/dress-final.jpg");
    std::fs::remove_file(&old).unwrap();
    let IngestOutcome::Moved { asset: moved, from } = s.ingest(&new) else { panic!("not a move") };
    assert_eq!((moved.id, from), (asset.id, old.clone()));
    assert_eq!(moved.path, new);
    assert_eq!(moved.name, "dress-final.jpg");
    assert_eq!(moved.remote_folder, "/drops/day2/");
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned(), "hero".to_owned()]);
    assert_eq!(s.lib.metadata_of(asset.id).unwrap().get("season"), Some(&serde_json::json!("SS26")));
    assert_eq!(s.lib.presets_of(&[asset.id]).unwrap().len(), 1);
    assert_eq!(s.lib.count().unwrap(), 1);
    assert!(s.lib.watched_file(&old).unwrap().is_none(), "the old path left the stat cache");
    assert_eq!(s.lib.watched_file(&new).unwrap().unwrap().asset_id, Some(asset.id));
    // Never uploaded: nothing to move on the remote.
    assert!(s.lib.remote_ops("sandbox", false).unwrap().is_empty());
}

#[test]
fn a_file_replaced_in_place_with_other_content_is_a_new_local_version_held_before_upload() {
    let s = Setup::new(|r| r.auto_upload = true);
    let path = s.put(0, "look.jpg");
    let IngestOutcome::Ingested { asset, auto_upload: true } = s.ingest(&path) else { panic!() };
    s.lib.clear_pending_auto_upload(asset.id).unwrap();
    std::fs::copy(&media()[3], &path).unwrap();
    assert_eq!(skipped(s.ingest(&path)), WaitReason::ReplacedInPlace { asset_id: asset.id });
    let now = s.lib.asset(asset.id).unwrap().unwrap();
    assert_ne!(now.full_hash, asset.full_hash, "the asset holds the new version");
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned()], "and keeps its tags");
    assert_eq!(s.lib.count().unwrap(), 1);
    assert!(s.lib.pending_auto_uploads().unwrap().is_empty(), "not sent again without the person's choice");
    let row = s.lib.watched_file(&path).unwrap().unwrap();
    assert_eq!(row.state, FileState::Skipped);
    assert!(row.detail.unwrap().contains("choose whether to upload it again"));
    // Looked at again (a retry, a touch): still held until the person chooses.
    assert_eq!(skipped(s.ingest(&path)), WaitReason::ReplacedInPlace { asset_id: asset.id });
    assert_eq!(s.lib.watch_ledger().unwrap().len(), 1);
    // They keep the new version: the hold is released, and it is the asset as before.
    assert_eq!(s.lib.release_replaced(&path, T0 + 60).unwrap(), Some(asset.id));
    assert!(s.lib.watch_ledger().unwrap().is_empty());
    assert_eq!(s.ingest(&path), IngestOutcome::AlreadyKnown { asset_id: asset.id });
    assert_eq!(s.lib.release_replaced(&path, T0 + 61).unwrap(), None);
}

#[test]
fn an_ignored_file_stays_ignored_until_its_content_changes() {
    let s = Setup::new(|_| {});
    let path = s.dir().join("readme.txt");
    std::fs::write(&path, "not media").unwrap();
    assert_eq!(skipped(s.ingest(&path)), WaitReason::NotMedia);
    let mut row = s.lib.watched_file(&path).unwrap().unwrap();
    row.state = FileState::Ignored;
    s.lib.record_watched(&[row]).unwrap();
    assert!(s.lib.watch_ledger().unwrap().is_empty(), "ignored rows are not listed");
    assert_eq!(skipped(s.ingest(&path)), WaitReason::NotMedia);
    assert_eq!(s.lib.watched_file(&path).unwrap().unwrap().state, FileState::Ignored);
    // Other content at that path is looked at afresh.
    std::fs::copy(&media()[1], &path).unwrap();
    assert!(matches!(s.ingest(&path), IngestOutcome::Ingested { .. }));
}

/// Ingest twice, as after a crash between the commit and the watcher's own bookkeeping, from
/// two `Library` handles (two processes): one asset, never two.
#[test]
fn ingesting_the_same_file_twice_or_from_two_processes_makes_one_asset() {
    let s = Setup::new(|r| r.auto_upload = true);
    let other = Library::open(s.lib.dir()).unwrap();
    let paths: Vec<PathBuf> = (0..4).map(|i| s.put(i, &format!("burst/{i}.jpg"))).collect();
    std::thread::scope(|scope| {
        for lib in [&s.lib, &other] {
            let (root, paths) = (&s.root, &paths);
            scope.spawn(move || {
                for p in paths {
                    lib.ingest_watched(root, p, FileStat::of(p).unwrap(), T0).unwrap();
                }
            });
        }
    });
    assert_eq!(s.lib.count().unwrap(), 4);
    for p in &paths {
        let id = s.lib.asset_by_path(p).unwrap().unwrap().id;
        assert_eq!(s.ingest(p), IngestOutcome::AlreadyKnown { asset_id: id });
        assert_eq!(s.lib.tags_of(id).unwrap(), vec!["summer".to_owned()], "tags applied once");
    }
    let mut pending = s.lib.pending_auto_uploads().unwrap();
    pending.sort_unstable();
    pending.dedup();
    assert_eq!(pending.len(), 4, "each asset queued for upload once");
}

#[test]
fn auto_uploads_wait_in_the_library_until_the_queue_has_them_and_survive_a_restart() {
    let s = Setup::new(|r| r.auto_upload = true);
    let a = s.put(0, "a.jpg");
    let b = s.put(1, "b.jpg");
    let IngestOutcome::Ingested { asset: first, auto_upload: true } = s.ingest(&a) else { panic!() };
    let IngestOutcome::Ingested { asset: second, .. } = s.ingest(&b) else { panic!() };
    // A crash before the façade queued them: a reopened library still lists both.
    let reopened = Library::open(s.lib.dir()).unwrap();
    assert_eq!(reopened.pending_auto_uploads().unwrap(), vec![first.id, second.id]);
    reopened.clear_pending_auto_upload(first.id).unwrap();
    assert_eq!(s.lib.pending_auto_uploads().unwrap(), vec![second.id]);
    // Without auto-upload nothing is pending.
    let plain = Setup::new(|_| {});
    let c = plain.put(2, "c.jpg");
    assert!(matches!(plain.ingest(&c), IngestOutcome::Ingested { auto_upload: false, .. }));
    assert!(plain.lib.pending_auto_uploads().unwrap().is_empty());
}

/// Uploads `asset_id` on paper: a job of the sandbox account marked done at `remote_path`.
fn uploaded(lib: &Library, asset_id: i64, folder: &str, name: &str) {
    let spec = JobSpec { folder: folder.into(), file_name: name.into(), ..Default::default() };
    let job = lib.add_upload_jobs("sandbox", &[NewJob { asset_id, spec, priority: 0 }], T0).unwrap().remove(0);
    lib.transition_upload_job(job.id, &[JobState::Queued], JobState::Done, T0, |j| {
        j.remote = Some(sr_library::RemoteCopy {
            file_id: format!("file-{asset_id}"),
            url: format!("https://ik.example/{folder}{name}"),
            version_id: None,
            file_path: format!("{folder}{name}"),
        });
    })
    .unwrap()
    .expect("job done");
}

#[test]
fn moving_an_uploaded_file_between_subfolders_records_one_pending_remote_move_never_an_upload() {
    let s = Setup::new(|_| {});
    let old = s.put(0, "day1/look.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&old) else { panic!() };
    uploaded(&s.lib, asset.id, "/drops/day1/", "look.jpg");
    let jobs_before = s.lib.upload_jobs(None).unwrap().len();

    // A rename within the tree (same inode): the watcher's fast path calls relocate_asset.
    let new = s.dir().join("day2/look.jpg");
    std::fs::create_dir_all(new.parent().unwrap()).unwrap();
    std::fs::rename(&old, &new).unwrap();
    let stat = FileStat::of(&new).unwrap();
    let folder = sr_library::watch::remote_folder_for(&s.root, &new);
    let moved = s.lib.relocate_asset(asset.id, &new, stat, Some(&folder), T0 + 30).unwrap();
    assert_eq!((moved.id, moved.path.clone(), moved.remote_folder.as_str()), (asset.id, new.clone(), "/drops/day2/"));
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned()]);
    let ops = s.lib.remote_ops("sandbox", true).unwrap();
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(ops[0].kind, RemoteOpKind::MoveFile);
    assert_eq!(ops[0].state, RemoteOpState::Pending);
    assert_eq!(
        ops[0].args,
        serde_json::json!({"sourceFilePath": "/drops/day1/look.jpg", "destinationPath": "/drops/day2/"})
    );
    assert_eq!(s.lib.upload_jobs(None).unwrap().len(), jobs_before, "no second upload");
    let row = s.lib.watched_file(&new).unwrap().unwrap();
    assert_eq!((row.state, row.asset_id, row.stat), (FileState::Ingested, Some(asset.id), Some(stat)));
    assert!(s.lib.watched_file(&old).unwrap().is_none());

    // Moved on again before sync ran: still one move, to the latest folder.
    let third = s.dir().join("day3/look.jpg");
    std::fs::create_dir_all(third.parent().unwrap()).unwrap();
    std::fs::rename(&new, &third).unwrap();
    let folder = sr_library::watch::remote_folder_for(&s.root, &third);
    s.lib.relocate_asset(asset.id, &third, FileStat::of(&third).unwrap(), Some(&folder), T0 + 40).unwrap();
    let ops = s.lib.remote_ops("sandbox", true).unwrap();
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(ops[0].args["destinationPath"], "/drops/day3/");

    // And back where it is on the remote: nothing left to do there.
    let back = s.dir().join("day1/look.jpg");
    std::fs::rename(&third, &back).unwrap();
    let folder = sr_library::watch::remote_folder_for(&s.root, &back);
    s.lib.relocate_asset(asset.id, &back, FileStat::of(&back).unwrap(), Some(&folder), T0 + 50).unwrap();
    assert!(s.lib.remote_ops("sandbox", true).unwrap().is_empty());
}

#[test]
fn a_vanished_file_is_marked_missing_never_deleted_and_comes_back_when_it_reappears() {
    let s = Setup::new(|_| {});
    let path = s.put(1, "a.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&path) else { panic!() };
    let parked = tempfile::tempdir().unwrap();
    let aside = parked.path().join("a.jpg");
    std::fs::copy(&path, &aside).unwrap();
    std::fs::remove_file(&path).unwrap();
    s.lib.mark_missing(&[asset.id], T0 + 5).unwrap();
    let missing = s.lib.asset(asset.id).unwrap().unwrap();
    assert_eq!(missing.status, AssetStatus::Missing);
    assert!(missing.status_detail.unwrap().contains("Nothing was deleted"));
    assert_eq!(s.lib.count().unwrap(), 1, "the asset stays");
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned()]);
    // The grid's "Missing" filter finds it.
    let missing_only = sr_library::SearchRequest {
        account: sr_library::SANDBOX_ACCOUNT.into(),
        filters: sr_library::SearchFilters { statuses: vec![AssetStatus::Missing], ..Default::default() },
        now: T0,
        limit: 10,
        ..Default::default()
    };
    let hits = s.lib.search(&missing_only).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.asset.id).collect::<Vec<_>>(), vec![asset.id]);
    // Put back at the same path: the same asset, local again.
    std::fs::copy(&aside, &path).unwrap();
    assert_eq!(s.ingest(&path), IngestOutcome::AlreadyKnown { asset_id: asset.id });
    assert_eq!(s.lib.asset(asset.id).unwrap().unwrap().status, AssetStatus::Local);
    // Missing again, then found by a move: local again too.
    s.lib.mark_missing(&[asset.id], T0 + 6).unwrap();
    let elsewhere = s.dir().join("b.jpg");
    std::fs::rename(&path, &elsewhere).unwrap();
    s.lib.relocate_asset(asset.id, &elsewhere, FileStat::of(&elsewhere).unwrap(), None, T0 + 7).unwrap();
    assert_eq!(s.lib.asset(asset.id).unwrap().unwrap().status, AssetStatus::Local);
}

#[test]
fn watched_roots_are_refused_when_nested_duplicated_or_holding_the_library() {
    let lib_dir = tempfile::tempdir().unwrap();
    let lib = Library::open(&lib_dir.path().join("lib")).unwrap();
    let area = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(area.path().join("shoots/day1")).unwrap();
    let rule = |p: &Path| NewWatchRoot {
        path: p.to_owned(),
        remote_folder: "/".into(),
        tags: Vec::new(),
        metadata: BTreeMap::new(),
        auto_upload: false,
        excludes: vec!["*.xmp".into()],
    };
    let shoots = lib.add_watch_root(&rule(&area.path().join("shoots")), T0).unwrap();
    assert_eq!(shoots.rule.excludes, vec!["*.xmp".to_owned()]);
    assert_eq!((shoots.mode, shoots.health, shoots.paused), (WatchMode::Native, RootHealth::Online, false));
    let refuse = |p: &Path, words: &str| {
        let err = lib.add_watch_root(&rule(p), T0).expect_err("refused").to_string();
        assert!(err.contains(words), "{err}");
    };
    refuse(&area.path().join("shoots"), "already a watched folder");
    refuse(&area.path().join("shoots/day1"), "is inside the watched folder");
    refuse(area.path(), "holds the watched folder");
    refuse(lib_dir.path(), "Stockroom's own library folder");
    refuse(&lib_dir.path().join("lib/thumbs"), "Stockroom's own library folder");
    refuse(Path::new("relative/folder"), "not a full folder path");
    refuse(&area.path().join("nowhere"), "does not exist");
    assert_eq!(lib.watch_roots().unwrap().len(), 1);
}

#[test]
fn a_root_keeps_its_mode_health_and_pause_and_removing_it_forgets_its_rows_not_its_assets() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "a.jpg");
    assert!(matches!(s.ingest(&path), IngestOutcome::Ingested { .. }));
    let text = s.dir().join("b.txt");
    std::fs::write(&text, "x").unwrap();
    s.ingest(&text);
    let id = s.root.id;
    s.lib.set_watch_root_paused(id, true).unwrap();
    s.lib.set_watch_root_mode(id, WatchMode::Polling, Some("This folder is on a network drive.")).unwrap();
    s.lib.set_watch_root_health(id, RootHealth::Offline, Some("The drive is not connected.")).unwrap();
    let root = s.lib.watch_root(id).unwrap().unwrap();
    assert!(root.paused);
    assert_eq!(
        (root.mode, root.mode_reason.as_deref()),
        (WatchMode::Polling, Some("This folder is on a network drive."))
    );
    assert_eq!(
        (root.health, root.health_reason.as_deref()),
        (RootHealth::Offline, Some("The drive is not connected."))
    );
    assert_eq!(root.rule.tags, vec!["summer".to_owned()]);
    assert_eq!(s.lib.watched_files(id).unwrap().len(), 2);
    assert!(s.lib.set_watch_root_paused(id + 100, true).is_err());

    assert!(s.lib.remove_watch_root(id).unwrap());
    assert!(!s.lib.remove_watch_root(id).unwrap());
    assert!(s.lib.watched_files(id).unwrap().is_empty());
    assert!(s.lib.watch_ledger().unwrap().is_empty());
    assert_eq!(s.lib.count().unwrap(), 1, "assets stay");
}

#[test]
fn the_stat_cache_round_trips_and_forgets_by_path() {
    let s = Setup::new(|_| {});
    let rows: Vec<_> = (0..3)
        .map(|i| sr_library::watch::WatchedFile {
            root_id: s.root.id,
            path: s.dir().join(format!("f{i}.part")),
            stat: Some(FileStat { dev: 1, inode: 10 + i, size: 5, mtime_ns: 7 }),
            asset_id: None,
            state: FileState::Waiting,
            reason: Some(WaitReason::TemporaryName),
            detail: None,
            first_seen: T0 + i as i64,
            updated_at: T0 + i as i64,
        })
        .collect();
    s.lib.record_watched(&rows).unwrap();
    assert_eq!(s.lib.watched_files(s.root.id).unwrap(), rows);
    assert_eq!(s.lib.watch_ledger().unwrap(), rows, "oldest first");
    // An update keeps when it was first seen.
    let mut later = rows[0].clone();
    later.first_seen = T0 + 99;
    later.updated_at = T0 + 99;
    later.state = FileState::Skipped;
    later.reason = Some(WaitReason::Excluded);
    s.lib.record_watched(&[later]).unwrap();
    let got = s.lib.watched_file(&rows[0].path).unwrap().unwrap();
    assert_eq!((got.first_seen, got.updated_at, got.reason), (T0, T0 + 99, Some(WaitReason::Excluded)));
    s.lib.forget_watched(&[rows[1].path.clone()]).unwrap();
    assert_eq!(s.lib.watched_files(s.root.id).unwrap().len(), 2);
}

#[test]
fn remote_folders_follow_subfolders_under_the_roots_folder() {
    let s = Setup::new(|r| r.remote_folder = "/summer shoot/".into());
    let f = |rel: &str| sr_library::watch::remote_folder_for(&s.root, &s.dir().join(rel));
    // Names are made safe for the remote as an upload would (a space becomes `_`).
    assert_eq!(f("a.jpg"), "/summer_shoot/");
    assert_eq!(f("day1/a.jpg"), "/summer_shoot/day1/");
    assert_eq!(f("day 1/looks/a.jpg"), "/summer_shoot/day_1/looks/");
    let outside = sr_library::watch::remote_folder_for(&s.root, Path::new("/elsewhere/a.jpg"));
    assert_eq!(outside, "/summer_shoot/");
}

/// The app polls the change stamp to show what another process (a `stockroom import` in a
/// terminal) changed, without a restart.
#[test]
fn the_change_stamp_grows_with_every_commit_from_this_or_another_process() {
    let s = Setup::new(|_| {});
    let v0 = s.lib.data_version().unwrap();
    assert_eq!(s.lib.data_version().unwrap(), v0, "no change, no growth");
    let other = Library::open(s.lib.dir()).unwrap();
    let path = s.put(0, "a.jpg");
    other.ingest_watched(&s.root, &path, FileStat::of(&path).unwrap(), T0).unwrap();
    let v1 = s.lib.data_version().unwrap();
    assert!(v1 > v0, "another connection's commit is seen: {v0} -> {v1}");
    s.lib.set_watch_root_paused(s.root.id, true).unwrap();
    let v2 = s.lib.data_version().unwrap();
    assert!(v2 > v1, "this library's own commit is counted: {v1} -> {v2}");
    // A raw SQLite writer (a script) counts too.
    let raw = rusqlite::Connection::open(s.lib.dir().join("library.db")).unwrap();
    raw.execute("UPDATE watch_roots SET paused = 0", []).unwrap();
    assert!(s.lib.data_version().unwrap() > v2);
}

/// A folder's tags and metadata are the folder's rule, not the person's edit: they are indexed
/// like an edit but kept out of the undo history, so Undo never takes them off a file that arrived.
#[test]
fn ingested_tags_and_metadata_are_searchable_and_not_in_the_undo_history() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "red-dress.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&path) else { panic!() };
    let req = sr_library::SearchRequest {
        account: sr_library::SANDBOX_ACCOUNT.into(),
        text: Some("summer".into()),
        now: T0,
        limit: 10,
        ..Default::default()
    };
    let hits = s.lib.search(&req).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.asset.id).collect::<Vec<_>>(), vec![asset.id], "tag in the index");
    let ss26 = s.lib.search(&sr_library::SearchRequest { text: Some("SS26".into()), ..req.clone() }).unwrap();
    assert_eq!(ss26.total, 1, "metadata in the index");
    assert!(s.lib.undo_stack(10).unwrap().is_empty(), "nothing the person did, nothing to undo");
    assert!(s.lib.undo_last(T0 + 100).is_err());
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned()]);
    assert_eq!(s.lib.metadata_of(asset.id).unwrap().get("season"), Some(&serde_json::json!("SS26")));
}

/// The person tags an asset, then a file lands in a watched folder, then they press Undo: their
/// own tag comes off, and the file that arrived keeps its folder's tags and metadata.
#[test]
fn undo_after_a_file_arrives_undoes_the_persons_last_edit_not_the_folders_tags() {
    let s = Setup::new(|_| {});
    let first = s.put(0, "look.jpg");
    let IngestOutcome::Ingested { asset: tagged, .. } = s.ingest(&first) else { panic!() };
    let summary = s.lib.add_tags(&[tagged.id], &["hero".to_owned()], T0 + 20).unwrap();
    assert_eq!(s.lib.tags_of(tagged.id).unwrap(), vec!["summer".to_owned(), "hero".to_owned()]);
    let arrived = s.put(1, "day2/coat.jpg");
    let IngestOutcome::Ingested { asset: arrived, .. } =
        s.lib.ingest_watched(&s.root, &arrived, FileStat::of(&arrived).unwrap(), T0 + 30).unwrap()
    else {
        panic!()
    };
    assert_eq!(s.lib.undo_stack(10).unwrap(), vec![summary.description.clone()], "only the hand edit");
    assert_eq!(s.lib.undo_last(T0 + 40).unwrap(), summary.description);
    assert_eq!(s.lib.tags_of(tagged.id).unwrap(), vec!["summer".to_owned()], "the hand tag is undone");
    assert_eq!(s.lib.tags_of(arrived.id).unwrap(), vec!["summer".to_owned()], "the arrival keeps its tags");
    assert_eq!(s.lib.metadata_of(arrived.id).unwrap().get("season"), Some(&serde_json::json!("SS26")));
    assert!(s.lib.undo_last(T0 + 50).is_err(), "nothing else to undo");
    assert_eq!(s.lib.tags_of(arrived.id).unwrap(), vec!["summer".to_owned()]);
}

/// Retry and ignore tell reasons apart by type: every reason comes back as it was recorded,
/// with the asset a duplicate or a replaced file refers to.
#[test]
fn every_wait_reason_round_trips_through_the_ledger() {
    let s = Setup::new(|_| {});
    let reasons = [
        WaitReason::StillWriting,
        WaitReason::TemporaryName,
        WaitReason::NotMedia,
        WaitReason::Unreadable,
        WaitReason::Damaged,
        WaitReason::Duplicate { asset_id: 41 },
        WaitReason::Excluded,
        WaitReason::LinkLoop,
        WaitReason::Empty,
        WaitReason::ReplacedInPlace { asset_id: 42 },
    ];
    let rows: Vec<_> = reasons
        .iter()
        .enumerate()
        .map(|(i, r)| sr_library::watch::WatchedFile {
            root_id: s.root.id,
            path: s.dir().join(format!("{i:02}-{}", r.key())),
            stat: (i % 2 == 0).then_some(FileStat { dev: 3, inode: i as u64, size: 9, mtime_ns: -5 }),
            asset_id: None,
            state: if *r == WaitReason::StillWriting { FileState::Waiting } else { FileState::Skipped },
            reason: Some(*r),
            detail: Some(format!("detail {i}")),
            first_seen: T0 + i as i64,
            updated_at: T0 + i as i64,
        })
        .collect();
    s.lib.record_watched(&rows).unwrap();
    assert_eq!(s.lib.watch_ledger().unwrap(), rows);
    assert_eq!(reasons[5].asset_id(), Some(41));
    assert_eq!(reasons[0].asset_id(), None);
}

/// "Ingest anyway" on a file held for its temporary name or an exclude: the façade calls ingest
/// directly, and the name does not stop it.
#[test]
fn ingest_anyway_takes_a_file_whatever_its_name() {
    let s = Setup::new(|_| {});
    let path = s.put(3, "download.jpg.part");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&path) else { panic!() };
    assert_eq!(asset.name, "download.jpg.part");
}

#[test]
fn a_file_gone_before_it_was_read_leaves_no_waiting_row_behind() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "a.jpg.crdownload");
    let stat = FileStat::of(&path).unwrap();
    std::fs::write(&path, b"more").unwrap();
    assert_eq!(skipped(s.lib.ingest_watched(&s.root, &path, stat, T0).unwrap()), WaitReason::StillWriting);
    assert_eq!(s.lib.watch_ledger().unwrap().len(), 1);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(skipped(s.lib.ingest_watched(&s.root, &path, stat, T0).unwrap()), WaitReason::StillWriting);
    assert!(s.lib.watch_ledger().unwrap().is_empty());
    assert!(s.lib.watched_file(&path).unwrap().is_none());
}

/// (The suite runs as root on CI, where permissions do not stop a read; a path the system
/// refuses to open stands in for the same branch.)
#[test]
fn a_file_the_system_will_not_open_is_unreadable_in_words() {
    let s = Setup::new(|_| {});
    let file = s.put(0, "a.jpg");
    let bad = file.join("inside");
    let stat = FileStat { dev: 0, inode: 0, size: 1, mtime_ns: 0 };
    let IngestOutcome::Skipped { reason, detail } = s.lib.ingest_watched(&s.root, &bad, stat, T0).unwrap() else {
        panic!()
    };
    assert_eq!(reason, WaitReason::Unreadable);
    assert!(detail.unwrap().contains("could not be read"));
    let row = s.lib.watched_file(&bad).unwrap().unwrap();
    assert_eq!((row.state, row.stat), (FileState::Skipped, None));
}

#[test]
fn an_ingested_file_emptied_in_place_is_held_and_still_linked_to_its_asset() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "a.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&path) else { panic!() };
    std::fs::write(&path, b"").unwrap();
    assert_eq!(skipped(s.ingest(&path)), WaitReason::Empty);
    let row = s.lib.watched_file(&path).unwrap().unwrap();
    assert_eq!((row.state, row.asset_id), (FileState::Skipped, Some(asset.id)));
    let kept = s.lib.asset(asset.id).unwrap().unwrap();
    assert_eq!(kept.full_hash, asset.full_hash, "the asset keeps the content it had");
}

/// Moved by copy and delete (another disk) while Stockroom was not running: found by content at
/// the next look, and an uploaded asset gets one pending remote move.
#[test]
fn an_uploaded_file_found_by_content_in_another_subfolder_records_a_pending_remote_move() {
    let s = Setup::new(|_| {});
    let old = s.put(1, "day1/bag.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&old) else { panic!() };
    uploaded(&s.lib, asset.id, "/drops/day1/", "bag.jpg");
    let new = s.put(1, "day2/bag.jpg");
    std::fs::remove_file(&old).unwrap();
    let IngestOutcome::Moved { asset: moved, .. } = s.ingest(&new) else { panic!("not a move") };
    assert_eq!((moved.id, moved.remote_folder.as_str()), (asset.id, "/drops/day2/"));
    let ops = s.lib.remote_ops("sandbox", true).unwrap();
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(
        (ops[0].kind, &ops[0].args),
        (
            RemoteOpKind::MoveFile,
            &serde_json::json!({"sourceFilePath": "/drops/day1/bag.jpg", "destinationPath": "/drops/day2/"})
        )
    );
    assert_eq!(s.lib.upload_jobs(None).unwrap().len(), 1, "no second upload");
}

/// Once an upload linked the asset (two-way sync), a move between mapped subfolders is a sync
/// intent about the asset (its new folder), not a file move by path.
#[test]
fn moving_a_linked_file_between_subfolders_records_a_folder_intent_for_sync() {
    use sr_library::sync::{Fields, RemoteFile};
    let s = Setup::new(|_| {});
    let old = s.put(0, "day1/look.jpg");
    let IngestOutcome::Ingested { asset, .. } = s.ingest(&old) else { panic!() };
    uploaded(&s.lib, asset.id, "/drops/day1/", "look.jpg");
    let file = RemoteFile {
        file_id: format!("file-{}", asset.id),
        version_id: None,
        file_path: "/drops/day1/look.jpg".into(),
        fields: Fields {
            name: "look.jpg".into(),
            folder: "/drops/day1/".into(),
            tags: vec!["summer".into()],
            metadata: s.lib.metadata_of(asset.id).unwrap(),
        },
        updated_at: "2026-01-01T00:00:00.000Z".into(),
        file_type: "image".into(),
        mime: Some("image/jpeg".into()),
        size: asset.size,
        width: asset.width,
        height: asset.height,
        duration_s: None,
        url: "https://ik.example/drops/day1/look.jpg".into(),
        thumbnail_url: None,
        is_private: false,
        present: true,
    };
    s.lib.link_asset("sandbox", asset.id, &file, T0 + 1).unwrap();
    assert!(s.lib.remote_ops("sandbox", true).unwrap().is_empty());

    let new = s.dir().join("day2/look.jpg");
    std::fs::create_dir_all(new.parent().unwrap()).unwrap();
    std::fs::rename(&old, &new).unwrap();
    let folder = sr_library::watch::remote_folder_for(&s.root, &new);
    s.lib.relocate_asset(asset.id, &new, FileStat::of(&new).unwrap(), Some(&folder), T0 + 30).unwrap();
    let ops: Vec<_> =
        s.lib.remote_ops("sandbox", true).unwrap().into_iter().map(|o| (o.kind, o.asset_id, o.args)).collect();
    assert_eq!(ops, vec![(RemoteOpKind::MoveFile, Some(asset.id), serde_json::json!({"folder": "/drops/day2/"}))]);
    // Moved back before sync ran: nothing is left to push.
    std::fs::rename(&new, &old).unwrap();
    let folder = sr_library::watch::remote_folder_for(&s.root, &old);
    s.lib.relocate_asset(asset.id, &old, FileStat::of(&old).unwrap(), Some(&folder), T0 + 40).unwrap();
    assert!(s.lib.remote_ops("sandbox", true).unwrap().is_empty());
}
