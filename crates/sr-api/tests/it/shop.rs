//! A published asset as the shop sees it, against the Sandbox: post-transformations checked before
//! anything is queued (the reason and the nearest valid setting), the derived outputs' delivery
//! URLs and states, and Compare with the shop.

use sr_api::dto_shop::DerivedState;
use sr_api::dto_uploads::{PostTransformation, QueueAddRequest, RunUploadsOptions, UploadJobState};
use sr_api::{ErrorCode, OpenOptions, Stockroom};
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, image};

/// A library with a photo and a 2 s video; `(photo, video)` ids.
fn app_with_media() -> (tempfile::TempDir, Stockroom, i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("shoot");
    std::fs::create_dir_all(&media).unwrap();
    image(&media, "dress.jpg", 320, 240, ImageFormat::Jpeg);
    fixtures::video(
        &media,
        "dress.mp4",
        FixtureVideo { width: 320, height: 240, seconds: 2.0, with_audio: true, ..Default::default() },
    );
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    let id = |n: &str| report.imported.iter().find(|a| a.name == n).map(|a| a.id).expect(n);
    let (photo, video) = (id("dress.jpg"), id("dress.mp4"));
    (dir, app, photo, video)
}

fn post(kind: &str, value: Option<&str>, protocol: Option<&str>) -> PostTransformation {
    PostTransformation { kind: kind.into(), value: value.map(Into::into), protocol: protocol.map(Into::into) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_checks_post_transformations_offline_and_names_the_nearest_valid_setting() {
    let (_d, app, photo, video) = app_with_media();

    // A ladder on a photo: refused before anything is queued.
    let err = app
        .queue_add(QueueAddRequest {
            asset_ids: vec![photo],
            abs: Some("hls:240_360_720".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("dress.jpg is a photo") && err.message.contains("such as w-1200"), "{}", err.message);
    assert!(app.queue_list().await.unwrap().jobs.is_empty(), "nothing was queued");

    // Renditions the shop does not make, and w/q on a ladder: the nearest valid setting.
    let err = app.check_post_transformations(&[video], &[post("abs", Some("sr-250_700"), Some("hls"))]).unwrap_err();
    assert!(err.message.ends_with("The nearest valid setting is sr-240_720."), "{}", err.message);
    let err =
        app.check_post_transformations(&[video], &[post("abs", Some("w-400,q-50:sr-360"), Some("dash"))]).unwrap_err();
    assert!(err.message.starts_with("w-400 and q-50 can't be on a streaming ladder"), "{}", err.message);
    assert!(err.message.ends_with("The nearest valid setting is sr-360."), "{}", err.message);
    // A thumbnail of a photo; a version with nothing in it.
    let err = app.check_post_transformations(&[video, photo], &[post("thumbnail", None, None)]).unwrap_err();
    assert!(err.message.contains("dress.jpg is a photo, and a thumbnail"), "{}", err.message);
    let err = app
        .queue_add(QueueAddRequest {
            asset_ids: vec![video],
            post_transformations: vec![post("transformation", Some(" "), None)],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.message.contains("needs its transformation, such as w-400,h-400"), "{}", err.message);
    assert!(app.queue_list().await.unwrap().jobs.is_empty(), "nothing was queued");
    assert_eq!(app.check_post_transformations(&[9999], &[]).unwrap_err().code, ErrorCode::NotFound);

    // Valid: queued with the remote's shapes.
    app.check_post_transformations(&[video], &[post("abs", Some("sr-240_360"), Some("hls"))]).unwrap();
    let jobs = app
        .queue_add(QueueAddRequest {
            asset_ids: vec![video],
            abs: Some("hls:240_360_720".into()),
            post_transformations: vec![
                post("transformation", Some("w-160,h-160"), None),
                post("thumbnail", None, None),
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    let kinds: Vec<(&str, Option<&str>, Option<&str>)> = jobs[0]
        .post_transformations
        .iter()
        .map(|p| (p.kind.as_str(), p.value.as_deref(), p.protocol.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("transformation", Some("w-160,h-160"), None),
            ("thumbnail", None, None),
            ("abs", Some("sr-240_360_720"), Some("hls"))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_videos_derived_outputs_are_its_delivery_urls_with_the_shops_answer() {
    let (_d, app, photo, video) = app_with_media();
    // Not published: nothing derived yet.
    assert!(app.derived_outputs(video).await.unwrap().is_empty());
    app.queue_add(QueueAddRequest {
        asset_ids: vec![video],
        abs: Some("hls:240_360".into()),
        post_transformations: vec![post("transformation", Some("w-160,h-160"), None), post("thumbnail", None, None)],
        private: true,
        ..Default::default()
    })
    .await
    .unwrap();
    app.queue_add(QueueAddRequest { asset_ids: vec![photo], ..Default::default() }).await.unwrap();
    let summary =
        app.run_uploads(RunUploadsOptions { until_idle: true, ..Default::default() }, None, |_| {}).await.unwrap();
    assert_eq!(summary.done, 2, "{summary:?}");
    assert!(app.queue_list().await.unwrap().jobs.iter().all(|j| j.state == UploadJobState::Done));

    let endpoint = app.remote_info().await.unwrap().url_endpoint.trim_end_matches('/').to_owned();
    let outputs = app.derived_outputs(video).await.unwrap();
    let shapes: Vec<(&str, &str, bool)> =
        outputs.iter().map(|o| (o.kind.as_str(), o.label.as_str(), o.signed)).collect();
    assert_eq!(
        shapes,
        [
            ("transformation", "Version w-160,h-160", true),
            ("thumbnail", "Thumbnail", true),
            ("abs", "HLS streaming ladder: 240p, 360p", true)
        ]
    );
    // The file is private: every URL is signed (a week, rounded to the hour).
    assert!(
        outputs[0].url.starts_with(&format!("{endpoint}/shoot/dress.mp4?tr=w-160,h-160&ik-t=")),
        "{}",
        outputs[0].url
    );
    assert!(
        outputs[1].url.starts_with(&format!("{endpoint}/shoot/dress.mp4/ik-thumbnail.jpg?ik-t=")),
        "{}",
        outputs[1].url
    );
    assert!(
        outputs[2].url.starts_with(&format!("{endpoint}/shoot/dress.mp4/ik-master.m3u8?tr=sr-240_360&ik-t=")),
        "{}",
        outputs[2].url
    );
    assert!(outputs.iter().all(|o| o.url.contains("&ik-s=")));
    // The Sandbox answered each: building (202 / 302 to the original) until made, then ready.
    assert!(outputs.iter().all(|o| matches!(o.state, DerivedState::Building | DerivedState::Ready)), "{outputs:?}");
    let mut ready = false;
    for _ in 0..240 {
        let now = app.derived_outputs(video).await.unwrap();
        if now.iter().all(|o| o.state == DerivedState::Ready) {
            ready = true;
            break;
        }
        assert!(now.iter().all(|o| o.state != DerivedState::Failed), "{now:?}");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(ready, "every derived output became ready");
    // The ready ladder is a real HLS master playlist at that (signed) URL.
    let manifest = reqwest::get(&outputs[2].url).await.unwrap();
    assert_eq!(manifest.status(), 200);
    assert!(manifest.text().await.unwrap().starts_with("#EXTM3U"));

    // A photo published without post-transformations has none.
    assert!(app.derived_outputs(photo).await.unwrap().is_empty());
    assert_eq!(app.derived_outputs(9999).await.unwrap_err().code, ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_needs_a_published_asset_and_one_version() {
    let (_d, app, _photo, video) = app_with_media();
    let err = app.compare_with_shop(video, "w-160", |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("not published on this account yet") && err.message.contains("Publish it first"));
    let err = app.compare_with_shop(video, "sr-240_360", |_| {}).await.unwrap_err();
    assert!(err.message.starts_with("Compare one version at a time"), "{}", err.message);
}

/// Publishes `public` and `private` (private files: signed URLs only) on the Sandbox, waiting for the
/// queue to finish.
async fn publish(app: &Stockroom, public: &[i64], private: &[i64]) {
    for (ids, private) in [(public, false), (private, true)] {
        app.queue_add(QueueAddRequest { asset_ids: ids.to_vec(), private, ..Default::default() }).await.unwrap();
    }
    let summary =
        app.run_uploads(RunUploadsOptions { until_idle: true, ..Default::default() }, None, |_| {}).await.unwrap();
    assert_eq!(summary.done, (public.len() + private.len()) as u64, "{summary:?}");
}

/// `compare_with_shop`, asked again while the shop is still making the version (`not_ready`).
async fn compare_when_made(app: &Stockroom, id: i64, tr: &str) -> sr_api::dto_shop::CompareReport {
    for _ in 0..120 {
        match app.compare_with_shop(id, tr, |_| {}).await {
            Ok(report) => return report,
            Err(e) if e.code == ErrorCode::NotReady => tokio::time::sleep(std::time::Duration::from_millis(250)).await,
            Err(e) => panic!("compare {tr}: {e:?}"),
        }
    }
    panic!("the shop never made {tr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shops_delivery_matches_the_local_preview_for_a_photo_and_a_private_video() {
    let (_d, app, photo, video) = app_with_media();
    publish(&app, &[photo], &[video]).await;

    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = events.clone();
    let report =
        app.compare_with_shop(photo, "w-160,h-120:rt-90", move |e| sink.lock().unwrap().push(e)).await.unwrap();
    use sr_api::dto_shop::CompareEvent::*;
    assert_eq!(*events.lock().unwrap(), [Fetching, Rendering, Comparing]);
    assert!(report.matches, "{report:?}");
    assert_eq!(report.verdict, "Match");
    assert!(report.ssim >= 0.98, "{report:?}");
    assert_eq!((report.remote.width, report.remote.height), (120, 160));
    assert_eq!((report.local.width, report.local.height), (120, 160));
    assert_eq!(report.frames.len(), 1);
    assert!(std::path::Path::new(&report.remote_path).is_file() && std::path::Path::new(&report.local_path).is_file());
    assert!(!report.url.contains("ik-s="), "a public file's URL is not signed: {}", report.url);

    // A private video: the URL is signed, the frames sampled, the codecs and duration compared.
    let report = compare_when_made(&app, video, "w-160,h-160").await;
    assert!(report.url.contains("&ik-s="), "{}", report.url);
    assert!(report.matches, "{report:?}");
    assert!(report.ssim >= 0.98 && report.frames.len() >= 2, "{report:?}");
    assert_eq!((report.remote.width, report.remote.height), (160, 160));
    assert_eq!(report.remote.video_codec.as_deref(), Some("h264"));
    assert_eq!(report.remote.audio_codec, report.local.audio_codec);
    assert!(report.duration_delta_s.is_some_and(|d| d.abs() <= 0.1), "{report:?}");

    // What the shop refuses is said in its words, not compared.
    let err = app.compare_with_shop(photo, "w-abc", |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "the preview refuses it before any download: {err:?}");
}
