//! The loopback media server the player and the grid load from: Range for seeking, the per-launch
//! secret, and nothing but the library's own files.

use sr_api::{OpenOptions, Stockroom, dto};
use sr_media::fixtures::{self, FixtureVideo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originals_stream_with_range_and_only_with_the_secret() {
    let work = tempfile::tempdir().unwrap();
    let media = work.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    let clip = fixtures::video(&media, "clip.mp4", FixtureVideo { seconds: 1.0, ..Default::default() });
    std::fs::write(work.path().join("not-in-library.txt"), "private notes").unwrap();

    let app = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("lib")) }).unwrap();
    let base = app.start_media_server().await.unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let report =
        tokio::task::block_in_place(|| app.import(std::slice::from_ref(&media), true, &|_: dto::ImportEvent| {}))
            .unwrap();
    let asset = &report.imported[0];
    let original_url = asset.original_url.clone().expect("an original URL");
    let thumb_url = asset.thumb_url.clone().expect("a thumbnail URL");

    let http = reqwest::Client::new();
    let full = http.get(&original_url).send().await.unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    let bytes = full.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), std::fs::read(&clip).unwrap().as_slice());

    let part = http.get(&original_url).header("range", "bytes=100-199").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 100-199/{}", bytes.len()));
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[100..200]);

    let thumb = http.get(&thumb_url).send().await.unwrap();
    assert_eq!(thumb.status(), 200);
    assert_eq!(&thumb.bytes().await.unwrap()[..3], &[0xFF, 0xD8, 0xFF], "a JPEG thumbnail");

    // Without the per-launch secret, or for anything that is not an asset, nothing is served.
    let origin = base.rsplit_once('/').unwrap().0;
    for url in [
        format!("{origin}/wrong-secret/original/{}", asset.id),
        format!("{base}/original/999999"),
        format!("{base}/original/../../not-in-library.txt"),
        format!("{origin}/not-in-library.txt"),
    ] {
        let r = http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 404, "{url}");
    }
    // Loopback only.
    assert!(base.contains("127.0.0.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renders_allow_cross_origin_reads_so_hls_js_can_fetch_them_from_the_webview() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let app = Stockroom::open(OpenOptions { library_dir: Some(lib.clone()) }).unwrap();
    let base = app.start_media_server().await.unwrap();
    let dir = lib.join("renders").join("abc");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("master.m3u8"), "#EXTM3U\n").unwrap();
    let r = reqwest::Client::new()
        .get(format!("{base}/render/abc/master.m3u8"))
        .header("origin", "tauri://localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert_eq!(r.text().await.unwrap(), "#EXTM3U\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_policy_allows_this_sessions_media_server_and_no_other_local_port() {
    let work = tempfile::tempdir().unwrap();
    let app = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("lib")) }).unwrap();
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tauri.conf.json")).unwrap(),
    )
    .unwrap();
    let policy = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(policy.contains("http://127.0.0.1:*"), "the shipped policy is narrowed at start: {policy}");
    let base = app.start_media_server().await.unwrap();
    let origin = base.rsplit_once('/').unwrap().0.to_owned();
    let narrowed = app.narrow_csp(policy);
    assert!(!narrowed.contains("127.0.0.1:*"), "{narrowed}");
    for directive in ["img-src", "media-src", "connect-src"] {
        let d = narrowed.split(';').find(|d| d.trim().starts_with(directive)).unwrap();
        assert!(d.contains(&origin), "{d}");
    }
}

#[test]
fn one_app_window_per_library_while_the_cli_keeps_working() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let first = Stockroom::open(OpenOptions { library_dir: Some(lib.clone()) }).unwrap();
    let claim = first.claim_for_app().unwrap();
    // A second window on the same library is told where to go.
    let second = Stockroom::open(OpenOptions { library_dir: Some(lib.clone()) }).unwrap();
    let e = second.claim_for_app().err().expect("refused");
    assert!(e.message.contains("already open") && e.message.contains("--library"), "{}", e.message);
    // The CLI (which never claims) reads and writes beside it.
    assert_eq!(second.info().unwrap().asset_count, 0);
    // Another library is free, and the first one is once its window has gone.
    let other = Stockroom::open(OpenOptions { library_dir: Some(work.path().join("other")) }).unwrap();
    let _other_claim = other.claim_for_app().unwrap();
    drop(claim);
    second.claim_for_app().expect("free again");
}
