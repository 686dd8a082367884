//! Sync's settings and its one-run-at-a-time rule, through the façade. What runs do (statuses,
//! conflicts, the review list, remote-only assets) is in `sync_runs.rs`; the engine's scenarios
//! (two libraries, the Python SDK, the randomized harness) are sr-sync's.

use sr_api::dto_sync::{SyncRequest, SyncSettings, SyncStatus};
use sr_api::dto_uploads::{QueueAddRequest, RunUploadsOptions};
use sr_api::{ErrorCode, OpenOptions, Stockroom};
use sr_media::fixtures::{ImageFormat, image};

fn app_with_a_photo() -> (tempfile::TempDir, Stockroom) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    image(&media, "x.jpg", 48, 40, ImageFormat::Jpeg);
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    app.import(&[media], false, &|_| {}).unwrap();
    (dir, app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_have_defaults_are_checked_and_are_kept_in_the_library() {
    let (dir, app) = app_with_a_photo();
    let defaults = SyncSettings { interval_minutes: 15, delete_fuse_files: 20, full_listing_hours: 24 };
    assert_eq!(app.sync_settings().unwrap(), defaults);
    let mine = SyncSettings { interval_minutes: 0, delete_fuse_files: 5, full_listing_hours: 48 };
    assert_eq!(app.set_sync_settings(mine.clone()).unwrap(), mine);
    for bad in [
        SyncSettings { interval_minutes: 5000, ..mine.clone() },
        SyncSettings { full_listing_hours: 0, ..mine.clone() },
    ] {
        let e = app.set_sync_settings(bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
    }
    drop(app);
    let reopened = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    assert_eq!(reopened.sync_settings().unwrap(), mine);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_while_another_process_syncs_the_library_is_refused_in_words() {
    let (dir, app) = app_with_a_photo();
    // `stockroom sync` in another process holds the library's sync lock.
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join("lib/sync.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let e = app.sync(SyncRequest::default(), None, |_| {}).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Library);
    assert!(e.message.contains("stockroom sync") && e.message.contains("one may"), "{}", e.message);
    drop(lock);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_asset_says_where_it_stands_and_edits_of_a_published_one_wait_to_be_sent() {
    let (_dir, app) = app_with_a_photo();
    let id = app.list_assets(0, 10).unwrap().assets[0].id;
    assert_eq!(app.list_assets(0, 10).unwrap().assets[0].sync, Some(SyncStatus::LocalOnly), "the grid's page");
    // The sandbox's demo field `size` is required (default M); give it here so nothing differs.
    app.set_metadata(&[id], &serde_json::json!({"size": "M"}).as_object().unwrap().clone()).unwrap();
    app.queue_add(QueueAddRequest { asset_ids: vec![id], ..Default::default() }).await.unwrap();
    assert_eq!(app.asset(id).unwrap().sync, Some(SyncStatus::Queued), "the detail panel");
    app.run_uploads(RunUploadsOptions { until_idle: true, ..Default::default() }, None, |_| {}).await.unwrap();
    assert_eq!(app.asset(id).unwrap().sync, Some(SyncStatus::Synced), "an upload links the asset");
    let overview = app.sync_overview().await.unwrap();
    assert_eq!((overview.account.as_str(), overview.pending_changes, overview.open_conflicts), ("sandbox", 0, 0));
    assert!(!overview.running && overview.last_synced_at.is_none(), "{overview:?}");

    app.add_tags(&[id], &["sale".to_owned()]).unwrap();
    app.rename_asset(id, "dress-red.jpg").unwrap();
    assert_eq!(app.asset(id).unwrap().name, "dress-red.jpg");
    let hits = app.search(&Default::default()).unwrap().hits;
    assert_eq!(hits[0].asset.sync, Some(SyncStatus::ModifiedLocally), "search hits carry it too");
    assert_eq!(app.sync_overview().await.unwrap().pending_changes, 2, "a tag and a rename to send");
    let e = app.rename_asset(id, "  ").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    app.delete_from_remote(&[id]).unwrap();
    assert_eq!(app.sync_overview().await.unwrap().pending_changes, 3);
    assert!(std::path::Path::new(&app.asset(id).unwrap().path).is_file(), "nothing is deleted here");
}
