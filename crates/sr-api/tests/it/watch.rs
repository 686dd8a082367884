//! Watched folders through the façade, with real inotify, SQLite and files: a slow copy is ingested
//! once after its last byte, a `.part` once after its rename, a burst of 1,000 files each once, a
//! move keeps the asset (also while the watcher is stopped), a deletion marks missing and sends
//! nothing to the remote, a vanished root goes offline and marks nothing; rules that break the
//! account's fields are refused when saved; other processes' changes are followed; a file replaced
//! in place is held until the person keeps the new version.
//!
//! Every wait is a bounded poll of the library (never a sleep standing in for a condition).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sr_api::dto::{Asset, AssetStatus};
use sr_api::dto_watch::{
    LedgerAction, LedgerReason, RootHealth, WatchEvent, WatchFolder, WatchFolderRequest, WatchSettings,
};
use sr_api::{ErrorCode, OpenOptions, Stockroom, WatchTuning};
use sr_media::fixtures::{FixtureVideo, ImageFormat, image, video};

const SETTLE_MS: u64 = 300;

struct Bench {
    dir: tempfile::TempDir,
    app: Arc<Stockroom>,
    events: Arc<Mutex<Vec<WatchEvent>>>,
}

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
        app.set_watch_settings(WatchSettings { settle_ms: SETTLE_MS }).unwrap();
        Bench { dir, app: Arc::new(app), events: Arc::default() }
    }

    fn folder(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    async fn watch(&self, path: &Path, remote: &str, tags: &[&str], auto_upload: bool) -> WatchFolder {
        self.app
            .watch_add(WatchFolderRequest {
                path: path.to_string_lossy().into_owned(),
                remote_folder: Some(remote.into()),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                metadata: Default::default(),
                auto_upload,
                excludes: vec![],
            })
            .await
            .unwrap()
    }

    fn start(&self) {
        let events = self.events.clone();
        self.app.start_background_watching(Arc::new(move |e| events.lock().unwrap().push(e)));
    }

    fn assets(&self) -> Vec<Asset> {
        self.app.list_assets(0, 10_000).unwrap().assets
    }

    fn asset_at(&self, path: &Path) -> Option<Asset> {
        let path = std::fs::canonicalize(path.parent().unwrap()).unwrap().join(path.file_name().unwrap());
        self.assets().into_iter().find(|a| Path::new(&a.path) == path)
    }

    async fn until(&self, what: &str, secs: u64, mut f: impl FnMut(&Bench) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if f(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out after {secs} s waiting for {what}; watcher: {:?}", self.app.watch_status());
    }
}

fn jpeg_bytes(dir: &Path) -> Vec<u8> {
    let p = image(dir, "base.jpg", 64, 48, ImageFormat::Jpeg);
    std::fs::read(p).unwrap()
}

/// A distinct JPEG per `i`: bytes after the end-of-image marker change the hash, not the picture.
fn distinct_jpeg(base: &[u8], i: u64) -> Vec<u8> {
    let mut b = base.to_vec();
    b.extend_from_slice(format!("stockroom-test-{i}").as_bytes());
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_that_breaks_the_accounts_fields_is_refused_when_saved() {
    let b = Bench::new();
    let shop = b.folder("shop");
    // The sandbox account's fields, kept offline: `price` is a number from 0 to 100,000.
    assert!(b.app.metadata_fields().unwrap().iter().any(|f| f.name == "price"));
    let req = |metadata: serde_json::Value, excludes: Vec<String>| WatchFolderRequest {
        path: shop.to_string_lossy().into_owned(),
        remote_folder: Some("/shop".into()),
        tags: vec!["spring".into()],
        metadata: serde_json::from_value(metadata).unwrap(),
        auto_upload: false,
        excludes,
    };
    let e = b.app.watch_add(req(serde_json::json!({"no_such_field": 1}), vec![])).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    assert!(e.message.contains("no_such_field"), "the message names the field: {}", e.message);
    for bad in [serde_json::json!({"price": "cheap"}), serde_json::json!({"price": -5})] {
        let e = b.app.watch_add(req(bad.clone(), vec![])).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}: {e:?}");
        assert!(e.message.contains("Price") || e.message.contains("price"), "names the field: {}", e.message);
    }
    let e = b.app.watch_add(req(serde_json::json!({}), vec!["[unclosed".into()])).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("[unclosed"), "{}", e.message);
    let e = b
        .app
        .watch_add(WatchFolderRequest {
            path: b.dir.path().join("nowhere").to_string_lossy().into(),
            ..req(serde_json::json!({}), vec![])
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(b.app.watch_list().unwrap().is_empty(), "nothing was saved");

    let ok = b.app.watch_add(req(serde_json::json!({"price": 59.9}), vec!["*.xmp".into()])).await.unwrap();
    assert_eq!(ok.remote_folder, "/shop/");
    assert_eq!(ok.tags, ["spring"]);
    assert_eq!(ok.metadata["price"], serde_json::json!(59.9));
    assert_eq!(b.app.watch_list().unwrap().len(), 1);
    b.app.watch_remove_path(&shop).unwrap();
    assert!(b.app.watch_list().unwrap().is_empty());
}

#[test]
fn the_settle_setting_is_kept_and_checked() {
    let b = Bench::new();
    assert_eq!(b.app.watch_settings().unwrap().settle_ms, SETTLE_MS);
    assert_eq!(b.app.set_watch_settings(WatchSettings { settle_ms: 5000 }).unwrap().settle_ms, 5000);
    let e = b.app.set_watch_settings(WatchSettings { settle_ms: 0 }).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(b.app.watch_settings().unwrap().settle_ms, 5000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_file_waits_with_its_reason_and_comes_in_once_after_its_rename() {
    let b = Bench::new();
    let inbox = b.folder("inbox");
    b.watch(&inbox, "/inbox", &["delivery"], false).await;
    b.start();
    let staged = b.folder("staging");
    let clip = video(&staged, "clip.mp4", FixtureVideo::default());
    let part = inbox.join("clip.mp4.part");
    std::fs::copy(&clip, &part).unwrap();
    b.until("the .part file in the ledger", 20, |b| {
        b.app
            .watch_status()
            .unwrap()
            .ledger
            .iter()
            .any(|e| e.name == "clip.mp4.part" && e.reason == LedgerReason::TemporaryName)
    })
    .await;
    assert!(b.assets().is_empty(), "a temporary name is not ingested");
    std::fs::rename(&part, inbox.join("clip.mp4")).unwrap();
    b.until("clip.mp4 ingested", 20, |b| b.asset_at(&inbox.join("clip.mp4")).is_some()).await;
    b.until("the ledger to forget the .part", 20, |b| b.app.watch_status().unwrap().ledger.is_empty()).await;
    let assets = b.assets();
    assert_eq!(assets.len(), 1, "ingested once: {assets:?}");
    assert_eq!(assets[0].remote_folder, "/inbox/");
    assert_eq!(b.app.organisation(assets[0].id).unwrap().tags, ["delivery"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_200_mb_copy_is_ingested_once_after_its_last_byte_with_the_final_hash() {
    let b = Bench::new();
    // A longer settle than the writer's pauses, with room for a busy 2-core machine.
    b.app.set_watch_settings(WatchSettings { settle_ms: 1500 }).unwrap();
    let inbox = b.folder("drop");
    b.watch(&inbox, "/", &[], false).await;
    b.start();
    // An MP4 with its index last, made 200 MB by a `free` box before the index: it does not probe
    // until its last bytes are there.
    let small = std::fs::read(video(&b.folder("src"), "small.mp4", FixtureVideo::default())).unwrap();
    let moov = top_level_box(&small, b"moov").expect("the fixture has its index last");
    let (head, index) = small.split_at(moov);
    let target = inbox.join("big.mp4");
    let mut out = std::fs::File::create(&target).unwrap();
    out.write_all(head).unwrap();
    let pad: u64 = 200 * 1024 * 1024;
    out.write_all(&((pad as u32).to_be_bytes())).unwrap();
    out.write_all(b"free").unwrap();
    let chunk = vec![0u8; 8 * 1024 * 1024];
    let mut left = pad - 8;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        out.write_all(&chunk[..n]).unwrap();
        out.flush().unwrap();
        left -= n as u64;
        // The writer's pace, not a wait for a condition: a copy from a slow card.
        std::thread::sleep(Duration::from_millis(100));
        assert!(b.asset_at(&target).is_none(), "ingested before its last byte");
    }
    out.write_all(index).unwrap();
    out.sync_all().unwrap();
    drop(out);
    b.until("big.mp4 ingested", 60, |b| b.asset_at(&target).is_some()).await;
    let asset = b.asset_at(&target).unwrap();
    assert_eq!(asset.size, std::fs::metadata(&target).unwrap().len());
    let hash = sr_library::identity::full_hash(&target, asset.size).unwrap();
    assert_eq!(asset.hash, hash, "the final content's hash");
    assert_eq!(b.assets().len(), 1, "ingested once");
}

/// Offset of the first top-level MP4 box of `kind`.
fn top_level_box(bytes: &[u8], kind: &[u8; 4]) -> Option<usize> {
    let mut at = 0usize;
    while at + 8 <= bytes.len() {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if &bytes[at + 4..at + 8] == kind {
            return Some(at);
        }
        if size < 8 {
            return None;
        }
        at += size;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_files_dropped_at_once_are_each_ingested_exactly_once() {
    let b = Bench::new();
    let inbox = b.folder("drop");
    b.watch(&inbox, "/burst", &[], false).await;
    b.start();
    let base = jpeg_bytes(&b.folder("src"));
    let staging = b.folder("staging");
    for i in 0..1000u64 {
        let sub = staging.join(format!("s{}", i % 10));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("p{i:04}.jpg")), distinct_jpeg(&base, i)).unwrap();
    }
    // Dropped: the whole tree moved in at once.
    for s in 0..10 {
        std::fs::rename(staging.join(format!("s{s}")), inbox.join(format!("s{s}"))).unwrap();
    }
    b.until("1,000 assets", 120, |b| b.assets().len() >= 1000).await;
    b.until("an empty ledger", 30, |b| b.app.watch_status().unwrap().ledger.is_empty()).await;
    let assets = b.assets();
    assert_eq!(assets.len(), 1000);
    let mut paths: Vec<&str> = assets.iter().map(|a| a.path.as_str()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 1000, "each path once");
    assert!(assets.iter().all(|a| a.remote_folder.starts_with("/burst/s")), "subfolders map to subfolders");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tagged_file_moved_between_subfolders_keeps_its_id_and_tags_also_while_stopped() {
    let b = Bench::new();
    let shop = b.folder("shop");
    std::fs::create_dir_all(shop.join("a")).unwrap();
    std::fs::create_dir_all(shop.join("b")).unwrap();
    std::fs::create_dir_all(shop.join("c")).unwrap();
    b.watch(&shop, "/shop", &["spring"], false).await;
    b.start();
    let base = jpeg_bytes(&b.folder("src"));
    std::fs::write(shop.join("a/look.jpg"), distinct_jpeg(&base, 1)).unwrap();
    b.until("look.jpg ingested", 20, |b| b.asset_at(&shop.join("a/look.jpg")).is_some()).await;
    let id = b.asset_at(&shop.join("a/look.jpg")).unwrap().id;
    b.app.add_tags(&[id], &["hero".into()]).unwrap();

    std::fs::rename(shop.join("a/look.jpg"), shop.join("b/look.jpg")).unwrap();
    b.until("the move seen", 20, |b| b.asset_at(&shop.join("b/look.jpg")).is_some()).await;
    let moved = b.asset_at(&shop.join("b/look.jpg")).unwrap();
    assert_eq!(moved.id, id, "same asset");
    assert_eq!(moved.remote_folder, "/shop/b/");
    let mut tags = b.app.organisation(id).unwrap().tags;
    tags.sort();
    assert_eq!(tags, ["hero", "spring"]);

    // Moved while Stockroom was not watching: found at start.
    b.app.stop_background_watching();
    std::fs::rename(shop.join("b/look.jpg"), shop.join("c/look.jpg")).unwrap();
    b.start();
    b.until("the move found at start", 20, |b| b.asset_at(&shop.join("c/look.jpg")).is_some()).await;
    let moved = b.asset_at(&shop.join("c/look.jpg")).unwrap();
    assert_eq!(moved.id, id, "same asset after a move while stopped");
    assert_eq!(moved.status, AssetStatus::Local);
    let mut tags = b.app.organisation(id).unwrap().tags;
    tags.sort();
    assert_eq!(tags, ["hero", "spring"]);
    assert_eq!(b.assets().len(), 1, "never a second asset");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_file_marks_its_asset_missing_and_nothing_is_sent_to_the_remote() {
    let b = Bench::new();
    let shop = b.folder("shop");
    b.watch(&shop, "/shop", &[], true).await;
    b.start();
    let base = jpeg_bytes(&b.folder("src"));
    std::fs::write(shop.join("gone.jpg"), distinct_jpeg(&base, 7)).unwrap();
    b.until("gone.jpg ingested", 20, |b| b.asset_at(&shop.join("gone.jpg")).is_some()).await;
    let id = b.asset_at(&shop.join("gone.jpg")).unwrap().id;
    // Auto-upload queued it exactly once; publish it to the sandbox.
    let app = b.app.clone();
    let mut queued = 0;
    for _ in 0..400 {
        queued = app.queue_list().await.unwrap().jobs.len();
        if queued > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(queued, 1, "queued once for upload");
    let run = sr_api::dto_uploads::RunUploadsOptions { until_idle: true, ..Default::default() };
    let summary = app.run_uploads(run, None, |_| {}).await.unwrap();
    assert_eq!(summary.done, 1);
    let remote = app.remote().await.unwrap();
    let before = remote.client.list_all(&Default::default()).await.unwrap().len();
    assert!(before >= 1);

    std::fs::remove_file(shop.join("gone.jpg")).unwrap();
    b.until("gone.jpg missing", 20, |b| b.app.asset(id).unwrap().status == AssetStatus::Missing).await;
    assert_eq!(b.assets().len(), 1, "the asset is kept");
    let after = remote.client.list_all(&Default::default()).await.unwrap().len();
    assert_eq!(after, before, "nothing deleted on the remote");
    let q = app.queue_list().await.unwrap();
    assert_eq!(q.jobs.len(), 1, "nothing queued again");
    assert!(app.pending_remote_ops().unwrap().is_empty(), "no remote operation recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_root_removed_while_watched_goes_offline_and_marks_nothing_missing() {
    let b = Bench::new();
    let card = b.folder("card");
    let folder = b.watch(&card, "/card", &[], false).await;
    b.start();
    let base = jpeg_bytes(&b.folder("src"));
    for i in 0..3 {
        std::fs::write(card.join(format!("c{i}.jpg")), distinct_jpeg(&base, 100 + i)).unwrap();
    }
    b.until("3 assets", 20, |b| b.assets().len() == 3).await;
    // The card is pulled out (the folder goes away with its files).
    std::fs::rename(&card, b.dir.path().join("card-elsewhere")).unwrap();
    b.until("the folder offline", 30, |b| {
        b.app.watch_list().unwrap().iter().any(|f| f.id == folder.id && f.health == RootHealth::Offline)
    })
    .await;
    let f = b.app.watch_list().unwrap().into_iter().find(|f| f.id == folder.id).unwrap();
    assert!(f.health_reason.is_some(), "offline says why");
    assert!(b.assets().iter().all(|a| a.status == AssetStatus::Local), "nothing marked missing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_small_watch_budget_polls_and_still_ingests() {
    let b = Bench::new();
    b.app.set_watch_tuning(WatchTuning {
        watch_budget: Some(1),
        poll_interval: Some(Duration::from_millis(300)),
        ..Default::default()
    });
    let tree = b.folder("tree");
    for d in ["x", "y", "z"] {
        std::fs::create_dir_all(tree.join(d)).unwrap();
    }
    let folder = b.watch(&tree, "/", &[], false).await;
    b.start();
    b.until("polling", 20, |b| {
        b.app.watch_list().unwrap().iter().any(|f| f.id == folder.id && f.mode == sr_api::dto_watch::WatchMode::Polling)
    })
    .await;
    let f = b.app.watch_list().unwrap().into_iter().find(|f| f.id == folder.id).unwrap();
    assert!(f.mode_reason.is_some(), "polling says why");
    let base = jpeg_bytes(&b.folder("src"));
    std::fs::write(tree.join("y/polled.jpg"), distinct_jpeg(&base, 9)).unwrap();
    b.until("polled.jpg ingested", 30, |b| b.asset_at(&tree.join("y/polled.jpg")).is_some()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlink_loop_is_in_the_ledger_and_the_rest_is_ingested() {
    let b = Bench::new();
    let tree = b.folder("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::os::unix::fs::symlink(&tree, tree.join("sub/loop")).unwrap();
    let base = jpeg_bytes(&b.folder("src"));
    std::fs::write(tree.join("sub/fine.jpg"), distinct_jpeg(&base, 11)).unwrap();
    b.watch(&tree, "/", &[], false).await;
    b.start();
    b.until("fine.jpg ingested", 20, |b| b.asset_at(&tree.join("sub/fine.jpg")).is_some()).await;
    b.until("the loop in the ledger", 20, |b| {
        b.app.watch_status().unwrap().ledger.iter().any(|e| e.reason == LedgerReason::LinkLoop && !e.message.is_empty())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_changing_the_library_is_followed_within_a_second() {
    let b = Bench::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    b.app.follow_library_changes(Arc::new(move |c| s.lock().unwrap().push(c.version)));
    let v0 = b.app.library_version().unwrap();
    // Another "process": a second handle on the same library imports a photo.
    let other = Stockroom::open(OpenOptions { library_dir: Some(b.dir.path().join("lib")) }).unwrap();
    let src = b.folder("src");
    image(&src, "other.jpg", 32, 32, ImageFormat::Jpeg);
    other.import(&[src], false, &|_| {}).unwrap();
    let started = Instant::now();
    b.until("a change reported", 5, |_| !seen.lock().unwrap().is_empty()).await;
    assert!(started.elapsed() < Duration::from_secs(2), "within about a second");
    assert!(b.app.library_version().unwrap() > v0);
    assert_eq!(b.app.list_assets(0, 10).unwrap().total, 1, "the change is visible without reopening");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_waits_while_another_process_watches_says_who_and_takes_over_when_it_ends() {
    let b = Bench::new();
    let shop = b.folder("shop");
    b.watch(&shop, "/shop", &[], false).await;
    b.start();
    b.until("the first watcher running", 20, |b| b.app.watch_status().unwrap().running).await;
    // A second process on the same library (the app while `watch run` is in a terminal).
    let other = Arc::new(Stockroom::open(OpenOptions { library_dir: Some(b.dir.path().join("lib")) }).unwrap());
    let events: Arc<Mutex<Vec<WatchEvent>>> = Arc::default();
    let sink = events.clone();
    other.start_background_watching(Arc::new(move |e| sink.lock().unwrap().push(e)));
    let said = |events: &Mutex<Vec<WatchEvent>>| {
        events.lock().unwrap().iter().find_map(|e| match e {
            WatchEvent::Stopped { message } => Some(message.clone()),
            _ => None,
        })
    };
    b.until("the second told why it waits", 20, |_| said(&events).is_some()).await;
    assert!(said(&events).unwrap().contains("already watching folders"), "{:?}", said(&events));
    let s = other.watch_status().unwrap();
    assert!(!s.running);
    assert!(s.held_by.is_some(), "status says who watches");
    assert_eq!(other.watch_stopped_reason(), said(&events));

    b.app.stop_background_watching();
    b.until("the second takes over", 20, |_| other.watch_status().unwrap().running).await;
    assert!(other.watch_stopped_reason().is_none());
    let base = jpeg_bytes(&b.folder("src"));
    std::fs::write(shop.join("late.jpg"), distinct_jpeg(&base, 21)).unwrap();
    b.until("late.jpg ingested by the second", 20, |b| b.asset_at(&shop.join("late.jpg")).is_some()).await;
    other.stop_background_watching();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_added_by_another_process_and_a_new_settle_reach_the_running_watcher() {
    let b = Bench::new();
    b.start();
    b.until("the watcher running", 20, |b| b.app.watch_status().unwrap().running).await;
    // `stockroom watch add` in a terminal while the app watches.
    let cli = Stockroom::open(OpenOptions { library_dir: Some(b.dir.path().join("lib")) }).unwrap();
    let late = b.folder("late");
    cli.watch_add(WatchFolderRequest {
        path: late.to_string_lossy().into_owned(),
        remote_folder: None,
        tags: vec!["late".into()],
        metadata: Default::default(),
        auto_upload: false,
        excludes: vec![],
    })
    .await
    .unwrap();
    cli.set_watch_settings(WatchSettings { settle_ms: 200 }).unwrap();
    let base = jpeg_bytes(&b.folder("src"));
    std::fs::write(late.join("arrived.jpg"), distinct_jpeg(&base, 31)).unwrap();
    b.until("arrived.jpg ingested", 20, |b| b.asset_at(&late.join("arrived.jpg")).is_some()).await;
    let a = b.asset_at(&late.join("arrived.jpg")).unwrap();
    assert_eq!(b.app.organisation(a.id).unwrap().tags, ["late"]);
    assert_eq!(a.remote_folder, "/");
    assert!(b.app.watch_status().unwrap().running, "still running after the settle change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_replaced_in_place_waits_for_keep_new_version_then_leaves_the_ledger_as_the_same_asset() {
    let b = Bench::new();
    let shop = b.folder("shop");
    b.watch(&shop, "/shop", &["spring"], false).await;
    b.start();
    let base = jpeg_bytes(&b.folder("src"));
    let look = shop.join("look.jpg");
    std::fs::write(&look, distinct_jpeg(&base, 21)).unwrap();
    b.until("look.jpg ingested", 20, |b| b.asset_at(&look).is_some()).await;
    let first = b.asset_at(&look).unwrap();

    // The same name, other content: a new local version, held for the person's choice.
    std::fs::write(&look, distinct_jpeg(&base, 22)).unwrap();
    let held = LedgerReason::ReplacedInPlace { asset_id: first.id };
    b.until("the replaced file in the ledger", 20, |b| {
        b.app.watch_status().unwrap().ledger.iter().any(|e| e.name == "look.jpg" && e.reason == held)
    })
    .await;
    let status = b.app.watch_status().unwrap();
    let entry = status.ledger.iter().find(|e| e.name == "look.jpg").unwrap();
    assert!(entry.actions.contains(&LedgerAction::KeepNewVersion), "{:?}", entry.actions);
    assert!(entry.message.contains("Keep new version"), "the message names the choice: {}", entry.message);
    // The message says it all; the library's own note would repeat it beside the message.
    assert_eq!(entry.detail, None, "no second wording of the same choice");
    let path = entry.path.clone();

    // Only a replaced file can be kept as a new version; anything else is refused in words.
    std::fs::write(shop.join("notes.txt"), "not media").unwrap();
    b.until("notes.txt in the ledger", 20, |b| {
        b.app.watch_status().unwrap().ledger.iter().any(|e| e.name == "notes.txt" && e.reason == LedgerReason::NotMedia)
    })
    .await;
    let notes = b.app.watch_status().unwrap().ledger.into_iter().find(|e| e.name == "notes.txt").unwrap();
    assert!(!notes.actions.contains(&LedgerAction::KeepNewVersion));
    let e = b.app.watch_keep_new_version(&notes.path).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    assert!(e.message.contains("replaced"), "says why: {}", e.message);

    b.app.watch_keep_new_version(&path).unwrap();
    let ledger = b.app.watch_status().unwrap().ledger;
    assert!(!ledger.iter().any(|e| e.name == "look.jpg"), "it left the ledger: {ledger:?}");
    let kept = b.app.asset(first.id).unwrap();
    let new_hash = sr_library::identity::full_hash(&look, kept.size).unwrap();
    assert_eq!(kept.hash, new_hash, "the asset is the new version");
    assert_ne!(kept.hash, first.hash);
    assert_eq!(b.app.organisation(first.id).unwrap().tags, ["spring"], "and keeps its tags");
    assert_eq!(b.assets().len(), 1, "never a second asset");
    // Not sent for upload by itself: it goes when the person queues it.
    assert!(b.app.queue_list().await.unwrap().jobs.is_empty());
    // A second choice finds nothing to keep.
    assert_eq!(b.app.watch_keep_new_version(&path).unwrap_err().code, ErrorCode::NotFound);
}
