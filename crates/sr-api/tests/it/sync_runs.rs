//! Sync runs through the façade, against the app's own Sandbox, as the person sees them: statuses on
//! assets, a remote edit arriving, conflicts and take theirs, the review list equal to the run,
//! remote-only assets' thumbnails and originals.

use std::sync::Arc;

use serde_json::json;
use sr_api::dto::Asset;
use sr_api::dto_sync::{
    ConflictField, ConflictResolution, ResolveConflicts, SyncOpKind, SyncRequest, SyncSide, SyncStatus,
};
use sr_api::dto_uploads::{QueueAddRequest, RunUploadsOptions};
use sr_api::{ErrorCode, OpenOptions, Stockroom};
use sr_media::fixtures::{ImageFormat, image};
use sr_remote::{UploadRequest, UploadSource};

fn app_with_photos(names: &[&str]) -> (tempfile::TempDir, Arc<Stockroom>, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    for (i, n) in names.iter().enumerate() {
        image(&media, n, 48 + 8 * i as u32, 40, ImageFormat::Jpeg);
    }
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    let ids = names
        .iter()
        .map(|n| report.imported.iter().find(|a| a.name == *n).unwrap_or_else(|| panic!("{n}: {report:#?}")).id)
        .collect();
    (dir, Arc::new(app), ids)
}

/// Uploads `ids` to the sandbox and returns their remote file ids.
async fn publish(app: &Stockroom, ids: &[i64]) -> Vec<String> {
    app.queue_add(QueueAddRequest { asset_ids: ids.to_vec(), ..Default::default() }).await.unwrap();
    app.run_uploads(RunUploadsOptions { until_idle: true, ..Default::default() }, None, |_| {}).await.unwrap();
    let jobs = app.queue_list().await.unwrap().jobs;
    ids.iter()
        .map(|id| jobs.iter().find(|j| j.asset_id == *id).and_then(|j| j.remote.clone()).expect("uploaded").file_id)
        .collect()
}

async fn sync(app: &Stockroom) -> sr_api::dto_sync::SyncReport {
    app.sync(SyncRequest::default(), None, |_| {}).await.unwrap()
}

fn status(app: &Stockroom, id: i64) -> Option<SyncStatus> {
    app.asset(id).unwrap().sync
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_added_on_the_remote_appears_here_after_sync_and_the_asset_says_synced() {
    let (_dir, app, ids) = app_with_photos(&["dress.jpg"]);
    assert_eq!(status(&app, ids[0]), Some(SyncStatus::LocalOnly));
    let file_ids = publish(&app, &ids).await;
    sync(&app).await;
    assert_eq!(status(&app, ids[0]), Some(SyncStatus::Synced));

    // A colleague tags it in the dashboard (raw API calls against the same sandbox).
    let client = app.remote().await.unwrap().client;
    client.add_tags(&file_ids, &["sale".to_owned()]).await.unwrap();
    let report = sync(&app).await;
    assert!(
        report
            .operations
            .iter()
            .any(|op| op.side == SyncSide::Local && op.kind == SyncOpKind::AddTag && op.key.as_deref() == Some("sale")),
        "{report:#?}"
    );
    assert_eq!(app.organisation(ids[0]).unwrap().tags, vec!["sale".to_owned()]);
    assert_eq!(status(&app, ids[0]), Some(SyncStatus::Synced));
    let overview = app.sync_overview().await.unwrap();
    assert!(overview.last_synced_at.is_some() && overview.problem.is_none(), "{overview:?}");
    assert_eq!(app.sync_log(10).await.unwrap().len(), 2, "both runs are in the history");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_exactly_what_the_run_after_it_does_on_each_side() {
    let (_dir, app, ids) = app_with_photos(&["a.jpg", "b.jpg"]);
    let file_ids = publish(&app, &ids).await;
    sync(&app).await;

    app.add_tags(&[ids[0]], &["new-in".to_owned()]).unwrap();
    assert_eq!(status(&app, ids[0]), Some(SyncStatus::ModifiedLocally));
    let client = app.remote().await.unwrap().client;
    client.add_tags(&file_ids[1..], &["summer".to_owned()]).await.unwrap();

    let dry = app.sync(SyncRequest { dry_run: true, ..Default::default() }, None, |_| {}).await.unwrap();
    assert!(dry.dry_run && dry.applied == 0);
    assert!(dry.operations.iter().any(|o| o.side == SyncSide::Remote && o.key.as_deref() == Some("new-in")));
    assert!(dry.operations.iter().any(|o| o.side == SyncSide::Local && o.key.as_deref() == Some("summer")));
    assert!(dry.operations.iter().all(|o| !o.summary.is_empty()), "each change is said in words");
    assert!(app.organisation(ids[1]).unwrap().tags.is_empty(), "a dry run changes nothing here");

    let real = sync(&app).await;
    assert_eq!(real.operations, dry.operations);
    assert_eq!(real.applied, real.operations.len() as u64);
    assert!(sync(&app).await.operations.is_empty(), "then nothing is left to do");
    let remote = client.get_file_details(&file_ids[0]).await.unwrap();
    assert_eq!(remote.tags, Some(vec!["new-in".to_owned()]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_field_edited_on_both_sides_is_a_conflict_and_take_theirs_settles_it() {
    let (_dir, app, ids) = app_with_photos(&["coat.jpg"]);
    let file_ids = publish(&app, &ids).await;
    sync(&app).await;

    app.set_metadata(&ids, &json!({"season": "SS26"}).as_object().unwrap().clone()).unwrap();
    let client = app.remote().await.unwrap().client;
    let patch = sr_remote::UpdateFile {
        custom_metadata: json!({"season": "AW26"}).as_object().unwrap().clone(),
        ..Default::default()
    };
    client.update_file_details(&file_ids[0], patch).await.unwrap();

    let report = sync(&app).await;
    assert_eq!(report.conflicts_opened, 1, "{report:#?}");
    assert_eq!(status(&app, ids[0]), Some(SyncStatus::Conflict));
    let conflicts = app.conflicts(true).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(c.field, ConflictField::Metadata("season".into()));
    assert_eq!(c.label, "Metadata · Season");
    assert_eq!((c.mine.clone(), c.theirs.clone()), (Some(json!("SS26")), Some(json!("AW26"))));
    assert_eq!(c.asset_name, "coat.jpg");
    assert_eq!(app.sync_overview().await.unwrap().open_conflicts, 1);
    // The remote keeps the first writer's value until it is settled.
    assert_eq!(client.get_file_details(&file_ids[0]).await.unwrap().custom_metadata["season"], json!("AW26"));

    let settled = app
        .resolve_conflicts(ResolveConflicts { ids: vec![c.id], resolution: ConflictResolution::Theirs })
        .await
        .unwrap();
    assert!(settled[0].resolved_at.is_some());
    assert_eq!(app.organisation(ids[0]).unwrap().metadata["season"], json!("AW26"));
    assert!(app.conflicts(true).await.unwrap().is_empty());
    sync(&app).await;
    assert_eq!(status(&app, ids[0]), Some(SyncStatus::Synced));
    assert_eq!(client.get_file_details(&file_ids[0]).await.unwrap().custom_metadata["season"], json!("AW26"));

    let again = app.resolve_conflicts(ResolveConflicts { ids: vec![c.id], resolution: ConflictResolution::Mine }).await;
    assert_eq!(again.unwrap_err().code, ErrorCode::NotFound, "a settled conflict is not settled twice");
}

/// A file a colleague uploaded straight to the remote library.
async fn remote_upload(app: &Stockroom, dir: &std::path::Path, name: &str) -> String {
    let src = dir.join("elsewhere");
    std::fs::create_dir_all(&src).unwrap();
    let path = image(&src, name, 96, 64, ImageFormat::Jpeg);
    let client = app.remote().await.unwrap().client;
    let mut req = UploadRequest::new(UploadSource::Path(path), name);
    req.folder = Some("/team/".into());
    req.tags = vec!["team".into()];
    req.use_unique_file_name = Some(false);
    client.upload(req, |_| {}, None).await.unwrap().file_id
}

fn remote_only(app: &Stockroom) -> Asset {
    let page = app.list_assets(0, 100).unwrap();
    let found: Vec<&Asset> = page.assets.iter().filter(|a| a.sync == Some(SyncStatus::RemoteOnly)).collect();
    assert_eq!(found.len(), 1, "{:#?}", page.assets);
    found[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_only_file_shows_its_thumbnail_and_downloads_into_a_local_asset() {
    let (dir, app, _ids) = app_with_photos(&["mine.jpg"]);
    app.start_media_server().await.unwrap();
    remote_upload(&app, dir.path(), "colleague.jpg").await;
    sync(&app).await;

    let a = remote_only(&app);
    assert_eq!(a.name, "colleague.jpg");
    assert_eq!(a.remote_folder, "/team/");
    assert_eq!(app.organisation(a.id).unwrap().tags, vec!["team".to_owned()]);
    assert!(a.thumb_url.is_none(), "no thumbnail until fetched");

    let with_thumb = app.fetch_remote_thumbnail(a.id).await.unwrap();
    let url = with_thumb.thumb_url.expect("a thumbnail now");
    let bytes = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "the grid gets a JPEG");
    assert_eq!(app.fetch_remote_thumbnail(a.id).await.unwrap().thumb_url, Some(url), "cached");

    let local = app.download_original(a.id).await.unwrap();
    assert_eq!(local.id, a.id, "the same asset");
    assert!(local.path.contains("/originals/") && std::path::Path::new(&local.path).is_file(), "{}", local.path);
    assert_eq!(local.sync, Some(SyncStatus::Synced));
    assert_eq!(app.organisation(a.id).unwrap().tags, vec!["team".to_owned()], "tags stay");
    let e = app.download_original(a.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "already local: {}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_syncs_by_itself_and_says_when_it_next_will() {
    let (_dir, app, ids) = app_with_photos(&["shoe.jpg"]);
    let file_ids = publish(&app, &ids).await;
    let client = app.remote().await.unwrap().client;
    client.add_tags(&file_ids, &["new-in".to_owned()]).await.unwrap();

    app.set_sync_tuning(sr_api::SyncTuning { first_turn_after: Some(std::time::Duration::ZERO) });
    let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = reports.clone();
    app.start_background_sync(|_| {}, move |r| sink.lock().unwrap().push(r)).await;
    let mut overview = app.sync_overview().await.unwrap();
    for _ in 0..400 {
        overview = app.sync_overview().await.unwrap();
        let rescheduled = overview.next_run_at.zip(overview.last_synced_at).is_some_and(|(n, l)| n > l);
        if !reports.lock().unwrap().is_empty() && rescheduled {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(reports.lock().unwrap().len(), 1, "one periodic run reported to the window");
    assert_eq!(app.organisation(ids[0]).unwrap().tags, vec!["new-in".to_owned()]);
    let (last, next) = (overview.last_synced_at.unwrap(), overview.next_run_at.unwrap());
    assert!((next - last - 15 * 60).abs() <= 2, "the next turn is an interval after the last: {overview:?}");
    app.stop_background_sync().await;
    assert_eq!(app.sync_overview().await.unwrap().next_run_at, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_only_video_gets_a_thumbnail_made_here_when_the_remote_sends_none() {
    let (dir, app, _ids) = app_with_photos(&["mine.jpg"]);
    app.start_media_server().await.unwrap();
    let src = dir.path().join("elsewhere");
    std::fs::create_dir_all(&src).unwrap();
    let spec = sr_media::fixtures::FixtureVideo { width: 320, height: 180, seconds: 1.0, ..Default::default() };
    let path = sr_media::fixtures::video(&src, "clip.mp4", spec);
    let client = app.remote().await.unwrap().client;
    let mut req = UploadRequest::new(UploadSource::Path(path), "clip.mp4");
    req.use_unique_file_name = Some(false);
    client.upload(req, |_| {}, None).await.unwrap();
    sync(&app).await;

    let a = remote_only(&app);
    assert_eq!(a.kind, sr_api::dto::AssetKind::Video);
    // The Sandbox answers a video's thumbnail URL with the video itself.
    let url = app.fetch_remote_thumbnail(a.id).await.unwrap().thumb_url.expect("a thumbnail");
    let bytes = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "the grid gets a JPEG, not the video");
    assert!(bytes.len() < 200_000, "a thumbnail, {} bytes", bytes.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloading_an_original_already_in_the_library_is_refused_naming_it_and_nothing_is_merged() {
    let (dir, app, ids) = app_with_photos(&["look.jpg"]);
    // A colleague uploads the very same photo under another name.
    let same = dir.path().join("media/look.jpg");
    let client = app.remote().await.unwrap().client;
    let mut req = UploadRequest::new(UploadSource::Path(same), "look-copy.jpg");
    req.use_unique_file_name = Some(false);
    client.upload(req, |_| {}, None).await.unwrap();
    sync(&app).await;

    let copy = remote_only(&app);
    let e = app.download_original(copy.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("look.jpg") && e.message.contains(&format!("#{}", ids[0])), "{}", e.message);
    assert_eq!(app.asset(copy.id).unwrap().sync, Some(SyncStatus::RemoteOnly), "it stays remote-only");
    assert_eq!(app.list_assets(0, 10).unwrap().total, 2, "no rows merged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_a_sync_fails_fast_as_offline_and_the_top_bar_says_why() {
    let (_dir, app, _ids) = app_with_photos(&["x.jpg"]);
    // An account whose media library does not answer (nothing listens on the port).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let base = format!("http://{closed}");
    app.use_imagekit(sr_api::ImagekitAccountInput {
        url_endpoint: format!("{base}/shop"),
        public_key: "public_offline_sync_test".into(),
        private_key: Some("private_offline_sync_test".into()),
        api_base: Some(base.clone()),
        upload_base: Some(base),
        store_key_in_file: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let e = app.sync(SyncRequest::default(), None, |_| {}).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Offline, "{}", e.message);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "no long hang");
    let overview = app.sync_overview().await.unwrap();
    assert!(overview.problem.as_deref().is_some_and(|p| p.starts_with("Offline")), "{overview:?}");
    assert!(!overview.running);
    app.use_sandbox().await.unwrap();
}
