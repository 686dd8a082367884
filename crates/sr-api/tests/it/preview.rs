//! Local previews through the façade: plan errors a merchandiser can act on, a fast HLS preview
//! that plays over the loopback media server, the render cache, and the render route's guard.

use std::io::{Read, Write};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use sr_api::dto_preview::{PreviewEvent, PreviewKind, PreviewMode, PreviewSource};
use sr_api::{ErrorCode, OpenOptions, Stockroom, dto};
use sr_media::fixtures::{self, FixtureVideo};

/// What a render reports, and the sink that records it.
fn recorder<E: Send + 'static>() -> (Arc<Mutex<Vec<E>>>, impl Fn(E) + Send + 'static) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    (events, move |e| sink.lock().unwrap().push(e))
}

fn clip_spec() -> FixtureVideo {
    FixtureVideo { width: 320, height: 240, seconds: 2.0, with_audio: true, ..Default::default() }
}

#[test]
fn impossible_settings_are_invalid_input_with_the_nearest_valid_setting() {
    let work = tempfile::tempdir().unwrap();
    let clip = fixtures::video(work.path(), "clip.mp4", clip_spec());
    let app = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("lib")) }).unwrap();
    let src = PreviewSource::Path(clip.to_string_lossy().into_owned());

    let plan = app.plan_preview(src.clone(), "w-160,h-120:e-sharpen-10").unwrap();
    assert_eq!(plan.kind, PreviewKind::Video);
    assert_eq!((plan.width, plan.height), (160, 120));
    assert_eq!(plan.format, "mp4");
    let d = plan.duration_s.expect("a video has a duration");
    assert!((d - 2.0).abs() < 0.2, "{d}");
    assert!(
        plan.not_previewable.iter().any(|n| n.param.contains("e-sharpen")),
        "sharpen is kept in the URL but left out of the preview: {:?}",
        plan.not_previewable
    );

    let e = app.plan_preview(src.clone(), "rt-45").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("rt-90") || e.message.contains("rt-0"), "{}", e.message);

    let e = app.plan_preview(src.clone(), "so-30").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("2") && e.message.contains("use "), "{}", e.message);

    let e = app.plan_preview(src, "vc-none,ac-none").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("use "), "{}", e.message);

    let e = app
        .plan_preview(PreviewSource::Path(work.path().join("nope.mp4").to_string_lossy().into_owned()), "")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}

fn body_of(lines: &str) -> Vec<String> {
    lines.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

/// A raw HTTP GET, so `..` reaches the server exactly as written (HTTP clients normalise it away).
fn raw_status(base: &str, path: &str) -> u16 {
    let host = base.trim_start_matches("http://").split('/').next().unwrap().to_owned();
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_preview_plays_over_the_media_server_and_is_cached() {
    let work = tempfile::tempdir().unwrap();
    let media = work.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    fixtures::video(&media, "clip.mp4", clip_spec());
    let lib = work.path().join("lib");
    let app = Stockroom::open(OpenOptions { library_dir: Some(lib.clone()) }).unwrap();
    let base = app.start_media_server().await.unwrap();
    let report =
        tokio::task::block_in_place(|| app.import(std::slice::from_ref(&media), false, &|_: dto::ImportEvent| {}))
            .unwrap();
    let id = report.imported[0].id;

    let (events, sink) = recorder();
    let first = tokio::task::block_in_place(|| {
        app.render_preview(
            PreviewSource::AssetId(id),
            "w-200,h-150",
            PreviewMode::Fast,
            sink,
            Arc::new(AtomicBool::new(false)),
        )
    })
    .unwrap();
    assert!(!first.cached);
    assert_eq!((first.width, first.height), (200, 150));
    assert_eq!(first.video_codec.as_deref(), Some("h264"));
    assert_eq!(first.audio_codec.as_deref(), Some("aac"));
    let events = std::mem::take(&mut *events.lock().unwrap());
    let ready_url = events
        .iter()
        .find_map(|e| match e {
            PreviewEvent::FirstSegmentReady { url, .. } => url.clone(),
            _ => None,
        })
        .expect("a first_segment_ready event with a URL");
    assert!(matches!(events.last(), Some(PreviewEvent::Finished { result }) if *result == first));
    let master_url = first.url.clone().expect("a media-server URL");
    assert_eq!(ready_url, master_url);
    assert!(master_url.starts_with(&format!("{base}/render/")), "{master_url}");
    assert!(master_url.ends_with("/master.m3u8"));

    // The player's view: master → media playlist → init segment + segments, all over HTTP.
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        async move {
            let r = http.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{url}");
            r.bytes().await.unwrap()
        }
    };
    let dir_url = master_url.rsplit_once('/').unwrap().0.to_owned();
    let master = String::from_utf8(get(master_url.clone()).await.to_vec()).unwrap();
    assert!(master.starts_with("#EXTM3U"), "{master}");
    let playlists = body_of(&master);
    assert!(!playlists.is_empty(), "{master}");
    let index = String::from_utf8(get(format!("{dir_url}/{}", playlists[0])).await.to_vec()).unwrap();
    assert!(index.contains("#EXT-X-ENDLIST"), "{index}");
    let init = index
        .lines()
        .find_map(|l| l.strip_prefix("#EXT-X-MAP:URI=\""))
        .map(|u| u.trim_end_matches('"').to_owned())
        .expect("an fMP4 init segment");
    let init = get(format!("{dir_url}/{init}")).await;
    assert_eq!(&init[4..8], b"ftyp", "an MP4 init segment");
    let segments = body_of(&index);
    assert!(!segments.is_empty());
    for seg in &segments {
        let bytes = get(format!("{dir_url}/{seg}")).await;
        assert!(bytes.len() > 100, "{seg} has media");
    }

    // The same request again is served from the cache: nothing is rendered or rewritten.
    let master_path = std::path::PathBuf::from(&first.path);
    let mtime = std::fs::metadata(&master_path).unwrap().modified().unwrap();
    let (again_events, sink) = recorder();
    let again = tokio::task::block_in_place(|| {
        app.render_preview(
            PreviewSource::AssetId(id),
            "w-200,h-150",
            PreviewMode::Fast,
            sink,
            Arc::new(AtomicBool::new(false)),
        )
    })
    .unwrap();
    assert!(again.cached);
    assert_eq!(again.path, first.path);
    assert_eq!(again.url, first.url);
    assert_eq!(std::fs::metadata(&master_path).unwrap().modified().unwrap(), mtime);
    let again_events = std::mem::take(&mut *again_events.lock().unwrap());
    let progress: Vec<f32> = again_events
        .iter()
        .filter_map(|e| match e {
            PreviewEvent::Progress { fraction } => Some(*fraction),
            _ => None,
        })
        .collect();
    assert_eq!(progress, vec![1.0], "a cache hit reports done at once: {again_events:?}");
    assert!(again_events.iter().any(|e| matches!(e, PreviewEvent::FirstSegmentReady { .. })));

    // A full render goes to the cache as one file, served the same way.
    let full = tokio::task::block_in_place(|| {
        app.render_preview(
            PreviewSource::AssetId(id),
            "w-200,h-150",
            PreviewMode::Full,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
    })
    .unwrap();
    assert!(!full.cached);
    assert!(full.path.ends_with(".mp4"), "{}", full.path);
    assert_eq!((full.width, full.height), (200, 150));
    let file = get(full.url.clone().expect("a URL")).await;
    assert_eq!(file.len() as u64, full.size);

    // The render route serves nothing outside <library>/renders/ and nothing without the secret.
    std::fs::write(lib.join("secret-notes.txt"), "private").unwrap();
    std::fs::write(work.path().join("outside.txt"), "private").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(work.path().join("outside.txt"), lib.join("renders").join("escape.txt")).unwrap();
    let origin = base.rsplit_once('/').unwrap().0.to_owned();
    let secret_path = base.trim_start_matches(&origin).to_owned();
    let rel = master_url.trim_start_matches(&base).to_owned();
    assert_eq!(raw_status(&base, &format!("{secret_path}{rel}")), 200, "the raw client works");
    for path in [
        format!("{secret_path}/render/../secret-notes.txt"),
        format!("{secret_path}/render/../../outside.txt"),
        format!("{secret_path}/render/..%2fsecret-notes.txt"),
        format!("{secret_path}/render/%2e%2e/secret-notes.txt"),
        format!("{secret_path}/render/%2Fetc%2Fpasswd"),
        format!("{secret_path}/render/escape.txt"),
        format!("/wrong-secret{rel}"),
    ] {
        assert_eq!(raw_status(&base, &path), 404, "{path}");
    }
    let r = http.get(format!("{origin}/wrong-secret{rel}")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn thumbnails_and_file_previews_go_where_asked() {
    let work = tempfile::tempdir().unwrap();
    let clip = fixtures::video(work.path(), "clip.mp4", clip_spec());
    let app = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("lib")) }).unwrap();
    let src = PreviewSource::Path(clip.to_string_lossy().into_owned());

    let out = work.path().join("thumb.jpg");
    let (plan, thumb) = app.thumbnail_at(src.clone(), Some("so-1,w-100"), &out).unwrap();
    assert_eq!(plan.kind, PreviewKind::Thumbnail);
    assert_eq!(thumb.width, 100);
    assert_eq!(&std::fs::read(&out).unwrap()[..3], &[0xFF, 0xD8, 0xFF]);
    assert_eq!(thumb.url, None, "no media server was started");

    let e = app.thumbnail_at(src.clone(), Some("so-1,du-1"), &out).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);

    let webm = work.path().join("small.webm");
    let (_, r) = app
        .render_preview_to(src, "w-64,h-48", PreviewMode::Full, &webm, |_| {}, Arc::new(AtomicBool::new(false)))
        .unwrap();
    assert_eq!((r.width, r.height), (64, 48));
    assert_eq!(r.video_codec.as_deref(), Some("vp9"), "format from the file's extension");
    assert_eq!(std::fs::metadata(&webm).unwrap().len(), r.size);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abr_ladders_play_over_the_media_server_from_the_master_playlist() {
    use sr_api::dto_preview::{LadderEvent, LadderFormat};
    let work = tempfile::tempdir().unwrap();
    let media = work.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    fixtures::video(
        &media,
        "clip.mp4",
        FixtureVideo { width: 640, height: 360, seconds: 3.0, with_audio: true, ..Default::default() },
    );
    let app = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("lib")) }).unwrap();
    let base = app.start_media_server().await.unwrap();
    let report =
        tokio::task::block_in_place(|| app.import(std::slice::from_ref(&media), false, &|_: dto::ImportEvent| {}))
            .unwrap();
    let id = report.imported[0].id;

    let plan = app.plan_ladder(PreviewSource::AssetId(id), "sr-360_240", LadderFormat::Hls).unwrap();
    assert_eq!(plan.tr, "sr-360_240");
    assert_eq!(plan.master_name, "ik-master.m3u8");
    let rungs: Vec<(u32, u32, u32, u32)> =
        plan.rungs.iter().map(|r| (r.resolution, r.width, r.height, r.bitrate)).collect();
    assert_eq!(rungs, vec![(240, 426, 240, 200_000), (360, 640, 360, 400_000)]);
    assert_eq!(plan.audio_codec.as_deref(), Some("aac"));
    let e = app.plan_ladder(PreviewSource::AssetId(id), "w-600,sr-240", LadderFormat::Dash).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("use sr-240_360 instead"), "{}", e.message);
    let e = app.plan_ladder(PreviewSource::AssetId(id), "rt-90", LadderFormat::Hls).unwrap_err();
    assert!(e.message.contains("sr-240_360_480_720_1080"), "{}", e.message);

    let (events, sink) = recorder();
    let hls = tokio::task::block_in_place(|| {
        app.render_ladder(
            PreviewSource::AssetId(id),
            "sr-360_240",
            LadderFormat::Hls,
            sink,
            Arc::new(AtomicBool::new(false)),
        )
    })
    .unwrap();
    assert!(!hls.cached);
    assert_eq!(hls.segments, 2, "3 s in 2 s segments");
    assert!(matches!(events.lock().unwrap().last(), Some(LadderEvent::Finished { result }) if *result == hls));
    let url = hls.url.clone().expect("a media-server URL");
    assert!(url.starts_with(&format!("{base}/render/")) && url.ends_with("/ik-master.m3u8"), "{url}");

    // The player's view: master → each rung's playlist (in its own folder) → init + segments.
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        async move {
            let r = http.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{url}");
            r.bytes().await.unwrap()
        }
    };
    let dir_url = url.rsplit_once('/').unwrap().0.to_owned();
    let master = String::from_utf8(get(url.clone()).await.to_vec()).unwrap();
    assert!(master.contains("RESOLUTION=426x240") && master.contains("RESOLUTION=640x360"), "{master}");
    let playlists = body_of(&master);
    assert!(playlists.contains(&"r240/index.m3u8".to_owned()), "{master}");
    for pl in playlists {
        let pl_url = format!("{dir_url}/{pl}");
        let index = String::from_utf8(get(pl_url.clone()).await.to_vec()).unwrap();
        assert!(index.contains("#EXT-X-ENDLIST"), "{index}");
        let folder = pl_url.rsplit_once('/').unwrap().0.to_owned();
        let init = index
            .lines()
            .find_map(|l| l.strip_prefix("#EXT-X-MAP:URI=\""))
            .map(|u| u.trim_end_matches('"').to_owned())
            .expect("an fMP4 init segment");
        assert_eq!(&get(format!("{folder}/{init}")).await[4..8], b"ftyp");
        for seg in body_of(&index) {
            assert!(get(format!("{folder}/{seg}")).await.len() > 100, "{seg}");
        }
    }

    // Asked again: the cache answers; DASH is its own entry.
    let again = tokio::task::block_in_place(|| {
        app.render_ladder(
            PreviewSource::AssetId(id),
            "sr-360_240",
            LadderFormat::Hls,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
    })
    .unwrap();
    assert!(again.cached);
    assert_eq!((again.path.as_str(), again.url.as_deref()), (hls.path.as_str(), Some(url.as_str())));
    let dash = tokio::task::block_in_place(|| {
        app.render_ladder(
            PreviewSource::AssetId(id),
            "sr-360_240",
            LadderFormat::Dash,
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
    })
    .unwrap();
    assert!(!dash.cached && dash.path.ends_with("ik-master.mpd"), "{}", dash.path);
    let mpd = String::from_utf8(get(dash.url.clone().unwrap()).await.to_vec()).unwrap();
    assert!(mpd.contains("<MPD") && mpd.contains("bandwidth=\"400000\""), "{mpd}");
}

#[test]
fn an_image_layer_comes_from_the_library_never_from_any_path_on_the_computer() {
    let work = tempfile::tempdir().unwrap();
    let media = work.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    fixtures::video(&media, "clip.mp4", clip_spec());
    fixtures::image(&media, "brand.png", 40, 20, fixtures::ImageFormat::Png);
    // A picture elsewhere on the machine, never imported.
    let outside = work.path().join("private");
    std::fs::create_dir_all(&outside).unwrap();
    fixtures::image(&outside, "secret.png", 40, 20, fixtures::ImageFormat::Png);

    let app = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_: dto::ImportEvent| {}).unwrap();
    let clip = report.imported.iter().find(|a| a.name == "clip.mp4").unwrap().id;
    let src = PreviewSource::AssetId(clip);

    // The library's logo, at its remote place (the folder it was imported from), is drawn.
    let plan = app.plan_preview(src.clone(), "l-image,i-media@@brand.png,w-40,l-end").unwrap();
    assert!(plan.not_previewable.is_empty(), "{:?}", plan.not_previewable);
    // A path to any other file, absolute or relative, is left out and never read.
    let abs = outside.join("secret.png").to_string_lossy().trim_start_matches('/').replace('/', "@@");
    for layer in [abs.as_str(), "private@@secret.png"] {
        let plan = app.plan_preview(src.clone(), &format!("l-image,i-{layer},w-40,l-end")).unwrap();
        assert!(
            plan.not_previewable.iter().any(|n| n.param.contains("secret.png")),
            "{layer}: {:?}",
            plan.not_previewable
        );
    }
}
