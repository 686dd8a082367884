//! Channel presets through the façade: saved with a checked `tr`, applied to a selection, and
//! each asset's delivery URLs on the active account (the sandbox here).

use sr_api::dto_preview::LadderFormat;
use sr_api::{ErrorCode, OpenOptions, Stockroom};
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, VideoCodec, image};

fn app_with_photos(names: &[&str]) -> (tempfile::TempDir, Stockroom, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("Summer shoot");
    std::fs::create_dir_all(&media).unwrap();
    for (i, name) in names.iter().enumerate() {
        // Different sizes: the library keeps one asset per distinct content.
        image(&media, name, 120 + 16 * i as u32, 80, ImageFormat::Jpeg);
    }
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    assert_eq!(report.imported.len(), names.len(), "{:?}", report.skipped);
    let mut imported: Vec<(String, i64)> = report.imported.iter().map(|a| (a.name.clone(), a.id)).collect();
    imported.sort();
    let ids = names.iter().map(|n| imported.iter().find(|(m, _)| m == n).unwrap().1).collect();
    (dir, app, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_presets_to_a_selection_and_list_each_assets_urls() {
    let (_d, app, ids) = app_with_photos(&["dress red.jpg", "shoe.jpg", "bag.jpg"]);
    let grid = app.save_preset("Shop grid 1:1", "w-1080,h-1080").unwrap();
    assert_eq!((grid.tr.as_str(), grid.asset_count), ("w-1080,h-1080", 0));
    app.save_preset("Story 9:16", "w-1080,h-1920:l-text,i-New%20in,fs-64,co-FFFFFF,lfo-bottom,l-end").unwrap();

    let applied = app.apply_preset("Shop grid 1:1", &ids[..2]).unwrap();
    assert_eq!((applied.assets, applied.added, applied.preset.asset_count), (2, 2, 2));
    app.apply_preset("Story 9:16", &ids[..1]).unwrap();
    assert_eq!(app.presets().unwrap().iter().map(|p| p.asset_count).collect::<Vec<_>>(), [2, 1]);

    let endpoint = app.remote_info().await.unwrap().url_endpoint.trim_end_matches('/').to_owned();
    let urls = app.preset_urls(&ids, false).await.unwrap();
    let lines: Vec<(i64, Option<&str>, &str)> =
        urls.iter().map(|u| (u.asset_id, u.preset.as_deref(), u.url.as_str())).collect();
    assert_eq!(
        lines,
        [
            (ids[0], Some("Shop grid 1:1"), format!("{endpoint}/Summer_shoot/dress_red.jpg?tr=w-1080,h-1080").as_str()),
            (
                ids[0],
                Some("Story 9:16"),
                format!("{endpoint}/Summer_shoot/dress_red.jpg?tr=w-1080,h-1920:l-text,i-New%20in,fs-64,co-FFFFFF,lfo-bottom,l-end")
                    .as_str()
            ),
            (ids[1], Some("Shop grid 1:1"), format!("{endpoint}/Summer_shoot/shoe.jpg?tr=w-1080,h-1080").as_str()),
        ]
    );
    assert_eq!(urls[0].path, "/Summer_shoot/dress_red.jpg");
    assert_eq!(urls[0].asset_name, "dress red.jpg");

    // The studio's live URL: one asset, any tr; signed URLs carry the signature.
    let one = app.asset_url(ids[2], "cm-extract,x-0,y-0,w-80,h-80:rt-90", false).await.unwrap();
    assert_eq!(one.url, format!("{endpoint}/Summer_shoot/bag.jpg?tr=cm-extract,x-0,y-0,w-80,h-80:rt-90"));
    let signed = app.asset_url(ids[2], "w-100", true).await.unwrap();
    // Signed URLs work for a week by default.
    assert!(signed.url.contains("?tr=w-100&ik-t=") && signed.url.contains("&ik-s="), "{}", signed.url);
    let bare = app.asset_url(ids[2], "", false).await.unwrap();
    assert_eq!(bare.url, format!("{endpoint}/Summer_shoot/bag.jpg"));

    // Taking a preset off, deleting one: the URLs follow.
    assert_eq!(app.remove_preset("Shop grid 1:1", &ids).unwrap(), 2);
    app.delete_preset("Story 9:16").unwrap();
    assert!(app.preset_urls(&ids, false).await.unwrap().is_empty());
}

#[test]
fn a_bad_preset_is_invalid_input_naming_the_parameter_and_unknown_names_are_not_found() {
    let (_d, app, ids) = app_with_photos(&["shoe.jpg"]);
    let err = app.save_preset("Square", "w-1080,h-x").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("`h`"), "{}", err.message);
    assert!(app.presets().unwrap().is_empty());
    let err = app.apply_preset("Square", &ids).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("\"Square\""), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ladder_urls_point_at_the_videos_manifest_and_photos_have_none() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("Summer shoot");
    std::fs::create_dir_all(&media).unwrap();
    let spec = FixtureVideo { width: 160, height: 120, seconds: 1.0, ..Default::default() };
    fixtures::video(&media, "dress red.mp4", spec);
    fixtures::video(&media, "teaser.webm", FixtureVideo { codec: VideoCodec::Vp9, width: 176, ..spec });
    image(&media, "shoe.jpg", 120, 80, ImageFormat::Jpeg);
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    assert_eq!(report.imported.len(), 3, "{:?}", report.skipped);
    let id = |n: &str| report.imported.iter().find(|a| a.name == n).unwrap().id;
    let endpoint = app.remote_info().await.unwrap().url_endpoint.trim_end_matches('/').to_owned();

    let hls = app.ladder_url(id("dress red.mp4"), "rt-90:sr-240_360", LadderFormat::Hls, false).await.unwrap();
    assert_eq!(hls.url, format!("{endpoint}/Summer_shoot/dress_red.mp4/ik-master.m3u8?tr=rt-90:sr-240_360"));
    assert_eq!(hls.path, "/Summer_shoot/dress_red.mp4/ik-master.m3u8");
    let dash = app.ladder_url(id("dress red.mp4"), "sr-720", LadderFormat::Dash, true).await.unwrap();
    assert!(
        dash.url.starts_with(&format!("{endpoint}/Summer_shoot/dress_red.mp4/ik-master.mpd?tr=sr-720&ik-t="))
            && dash.url.contains("&ik-s="),
        "{}",
        dash.url
    );
    // A video not named .mp4 goes through ik-video.mp4 first (spec §10.4).
    let webm = app.ladder_url(id("teaser.webm"), "sr-240", LadderFormat::Hls, false).await.unwrap();
    assert_eq!(webm.url, format!("{endpoint}/Summer_shoot/teaser.webm/ik-video.mp4/ik-master.m3u8?tr=sr-240"));

    let err = app.ladder_url(id("shoe.jpg"), "sr-240", LadderFormat::Hls, false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("shoe.jpg") && err.message.contains("not a video"), "{}", err.message);
    assert_eq!(
        app.ladder_url(999_999, "sr-240", LadderFormat::Hls, false).await.unwrap_err().code,
        ErrorCode::NotFound
    );
}
