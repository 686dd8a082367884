//! Transformed delivery (spec §9, §10), post-transformations (§2.5) and webhooks (§11): the
//! Sandbox delivers what the URL says, made by the same `sr-media` renderer as the local preview.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sr_emulator::{EmulatorConfig, INVALID_POST};
use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, Pattern, VideoCodec};
use sr_media::render::{self, PlanOptions, RenderOptions};

use crate::common::*;

/// A client that does not follow redirects (the 302s are what is tested).
fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The media every test here uses: small, so the suite stays fast.
struct Media {
    dir: tempfile::TempDir,
}

impl Media {
    fn new() -> Media {
        Media { dir: tempfile::tempdir().unwrap() }
    }
    fn clip(&self) -> PathBuf {
        let spec = FixtureVideo { width: 320, height: 240, seconds: 2.0, with_audio: true, ..Default::default() };
        fixtures::video(self.dir.path(), "clip.mp4", spec)
    }
    fn phone(&self) -> PathBuf {
        let spec = FixtureVideo {
            width: 320,
            height: 240,
            seconds: 2.0,
            rotate_deg: 90,
            with_audio: true,
            ..Default::default()
        };
        fixtures::video(self.dir.path(), "phone.mp4", spec)
    }
    fn odd(&self) -> PathBuf {
        let spec = FixtureVideo { width: 346, height: 194, seconds: 2.0, ..Default::default() };
        fixtures::video(self.dir.path(), "odd.mp4", spec)
    }
    fn mov(&self) -> PathBuf {
        let spec =
            FixtureVideo { width: 320, height: 240, seconds: 1.0, codec: VideoCodec::ProRes, ..Default::default() };
        fixtures::video(self.dir.path(), "clip.mov", spec)
    }
    fn photo(&self) -> PathBuf {
        fixtures::image(self.dir.path(), "photo.jpg", 480, 360, ImageFormat::Jpeg)
    }
    fn odd_png(&self) -> PathBuf {
        fixtures::image(self.dir.path(), "odd.png", 333, 247, ImageFormat::Png)
    }
    fn exif(&self) -> PathBuf {
        fixtures::jpeg_with_orientation(self.dir.path(), "exif.jpg", 320, 240, Pattern::TestSrc, 6)
    }
}

async fn upload_file(emu: &Emu, path: &Path, extra: &[(&str, &str)]) -> Value {
    let name = path.file_name().unwrap().to_str().unwrap();
    let mut fields = vec![("useUniqueFileName", "false"), ("folder", "/shop")];
    fields.extend_from_slice(extra);
    emu.upload(name, std::fs::read(path).unwrap(), &fields).await
}

async fn start_emu(poll_window: Duration) -> Emu {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.poll_window = poll_window;
    Emu::start_with(dir, cfg).await
}

/// What the local preview makes of `tr` (the same calls the app's preview makes).
fn local_render(input: &Path, tr: &str, thumbnail: bool, mp4: bool, out_dir: &Path, n: usize) -> PathBuf {
    let info = sr_media::probe(input).unwrap();
    let tr = Transformation::parse(tr);
    let opts = PlanOptions { resolver: None, default_format: mp4.then_some(render::OutputFormat::Mp4) };
    let plan = if thumbnail { render::plan_thumbnail(&info, &tr, &opts) } else { render::plan_with(&info, &tr, &opts) }
        .unwrap();
    let out = out_dir.join(format!("local-{n}.{}", plan.format.extension()));
    render::render(input, &plan, &out, &RenderOptions::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    out
}

fn ext_of(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        other => panic!("unexpected content type {other}"),
    }
}

#[tokio::test]
async fn the_sandbox_delivers_what_the_local_preview_renders() {
    let media = Media::new();
    let emu = start_emu(Duration::from_secs(120)).await;
    let files = [
        ("photo.jpg", media.photo()),
        ("odd.png", media.odd_png()),
        ("exif.jpg", media.exif()),
        ("clip.mp4", media.clip()),
        ("phone.mp4", media.phone()),
        ("odd.mp4", media.odd()),
        ("clip.mov", media.mov()),
    ];
    for (_, p) in &files {
        upload_file(&emu, p, &[]).await;
    }
    let input = |name: &str| files.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    // (file, suffix, tr): photos and videos, rotated phone footage, odd sizes, chained steps.
    let table: &[(&str, &str, &str)] = &[
        ("photo.jpg", "", "w-200"),
        ("photo.jpg", "", "h-150"),
        ("photo.jpg", "", "w-200,h-200"),
        ("photo.jpg", "", "w-200,h-200,c-force"),
        ("photo.jpg", "", "w-200,h-200,c-at_max"),
        ("photo.jpg", "", "w-300,h-100,cm-pad_resize,bg-FF0000"),
        ("photo.jpg", "", "w-120,h-120,cm-extract,fo-top_left"),
        ("photo.jpg", "", "rt-90"),
        ("photo.jpg", "", "fl-h,e-grayscale"),
        ("photo.jpg", "", "w-300:rt-180"),
        ("photo.jpg", "", "b-5_FF0000,f-png"),
        ("photo.jpg", "", "q-40,w-240"),
        ("photo.jpg", "", "l-text,i-SALE,fs-30,co-FFFFFF,l-end"),
        ("photo.jpg", "", "r-20,f-png"),
        ("odd.png", "", "w-101"),
        ("odd.png", "", "w-150,h-150,cm-pad_resize,bg-00FF00,f-webp"),
        ("exif.jpg", "", "w-120"),
        ("clip.mp4", "", "w-160"),
        ("clip.mp4", "", "w-200,h-200"),
        ("clip.mp4", "", "so-0.5,du-1"),
        ("clip.mp4", "", "rt-90,w-120"),
        ("clip.mp4", "", "ac-none,fl-v"),
        ("clip.mp4", "", "w-160:e-grayscale"),
        ("clip.mp4", "", "l-text,i-SALE%2029,fs-20,co-FFFFFF,lfo-top_left,l-end"),
        ("clip.mp4", "", "f-webm,w-160"),
        ("phone.mp4", "", "w-120"),
        ("phone.mp4", "/ik-thumbnail.jpg", "so-1,w-100"),
        ("odd.mp4", "", "w-150,h-150,cm-pad_resize,bg-000000"),
        ("clip.mov", "/ik-video.mp4", "w-160"),
    ];
    assert!(table.len() >= 20);
    let out = tempfile::tempdir().unwrap();
    let endpoint = emu.handle.url_endpoint();
    for (n, (file, suffix, tr)) in table.iter().enumerate() {
        // Both URL forms: path (`tr:` after the endpoint) for even rows, query for odd ones.
        let url = if n % 2 == 0 {
            format!("{endpoint}tr:{tr}/shop/{file}{suffix}")
        } else {
            format!("{endpoint}shop/{file}{suffix}?tr={tr}")
        };
        let r = emu.http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}: {}", r.text().await.unwrap_or_default());
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        let remote = out.path().join(format!("remote-{n}.{}", ext_of(&ct)));
        std::fs::write(&remote, r.bytes().await.unwrap()).unwrap();
        let (src, tr2, thumb, mp4) =
            (input(file), tr.to_string(), *suffix == "/ik-thumbnail.jpg", *suffix == "/ik-video.mp4");
        let dir = out.path().to_path_buf();
        let local = tokio::task::spawn_blocking(move || local_render(&src, &tr2, thumb, mp4, &dir, n)).await.unwrap();
        let (l, rm) = (local.clone(), remote.clone());
        let c =
            tokio::task::spawn_blocking(move || sr_media::compare(&l, &rm, &sr_media::CompareOptions { frames: 3 }))
                .await
                .unwrap()
                .unwrap();
        let what = format!("{file}{suffix} tr={tr}");
        assert!(
            c.same_dimensions,
            "{what}: {}×{} here, {}×{} from the Sandbox",
            c.a.width, c.a.height, c.b.width, c.b.height
        );
        assert_eq!(c.a.video_codec, c.b.video_codec, "{what}");
        assert_eq!(c.a.audio_codec, c.b.audio_codec, "{what}");
        assert!(c.duration_delta_s.unwrap_or(0.0).abs() < 0.05, "{what}: durations {:?}", c.duration_delta_s);
        assert!(c.ssim >= 0.98, "{what}: SSIM {}", c.ssim);
        assert_eq!(local.extension(), remote.extension(), "{what}: same format");
    }
}

async fn poll_until_ok(http: &reqwest::Client, url: &str) -> reqwest::Response {
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        let r = http.get(url).send().await.unwrap();
        if r.status() == 200 {
            return r;
        }
        assert!(matches!(r.status().as_u16(), 202 | 302), "{url}: {}", r.status());
        assert!(Instant::now() < until, "{url} never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `base` is a manifest URL; `rel` a URI in it.
fn resolve(base: &str, rel: &str) -> String {
    let base = base.split('?').next().unwrap();
    format!("{}/{rel}", &base[..base.rfind('/').unwrap()])
}

#[tokio::test]
async fn an_abs_manifest_answers_202_while_it_builds_then_200_with_its_rungs_beneath_it() {
    let media = Media::new();
    let emu = start_emu(Duration::from_secs(30)).await;
    let f = upload_file(&emu, &media.clip(), &[]).await;
    let url = format!("{}/ik-master.m3u8?tr=sr-240_360", f["url"].as_str().unwrap());
    let http = no_redirect();
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 202);
    assert!(first.bytes().await.unwrap().is_empty(), "202 has an empty body");
    let r = poll_until_ok(&http, &url).await;
    assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
    assert_eq!(r.headers()["access-control-allow-origin"], "*", "web players on other origins may fetch it");
    let master = r.text().await.unwrap();
    let variants: Vec<&str> = master.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
    assert_eq!(variants.len(), 2, "{master}");
    // A 320×240 clip fits both boxes, and c-at_max never enlarges.
    assert_eq!(master.matches("RESOLUTION=320x240").count(), 2, "{master}");
    assert!(variants.iter().all(|v| v.starts_with("ik-abr/")), "{master}");
    let rung_url = resolve(&url, variants[0]);
    let rung = emu.http.get(&rung_url).send().await.unwrap();
    assert_eq!(rung.status(), 200, "{rung_url}");
    assert_eq!(rung.headers()["content-type"], "application/vnd.apple.mpegurl");
    let playlist = rung.text().await.unwrap();
    let segment = playlist.lines().find(|l| !l.starts_with('#') && !l.is_empty()).unwrap();
    let seg = emu.http.get(resolve(&rung_url, segment)).send().await.unwrap();
    assert_eq!(seg.status(), 200);
    assert_eq!(seg.headers()["content-type"], "video/iso.segment");
    assert!(!seg.bytes().await.unwrap().is_empty());
    // The path form of the same tr is the same ladder: ready at once.
    let path_form = format!("{}tr:sr-240_360/shop/clip.mp4/ik-master.m3u8", emu.handle.url_endpoint());
    assert_eq!(http.get(&path_form).send().await.unwrap().status(), 200);

    // DASH: the same sequence, the segments beneath the MPD's BaseURL.
    let mpd_url = format!("{}/ik-master.mpd?tr=sr-240", f["url"].as_str().unwrap());
    assert_eq!(http.get(&mpd_url).send().await.unwrap().status(), 202);
    let r = poll_until_ok(&http, &mpd_url).await;
    assert_eq!(r.headers()["content-type"], "application/dash+xml");
    let mpd = r.text().await.unwrap();
    let base = mpd.split("<BaseURL>").nth(1).and_then(|t| t.split("</BaseURL>").next()).expect("a BaseURL");
    let init = mpd.split("initialization=\"").nth(1).and_then(|t| t.split('"').next()).unwrap();
    let init = init.replace("$RepresentationID$", "0");
    let init_url = resolve(&mpd_url, &format!("{base}{init}"));
    let r = emu.http.get(&init_url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{init_url}");

    // Refused on an ABS URL, with the spec's words; and a ladder needs a video.
    let (st, body) =
        emu.json(emu.http.get(format!("{}/ik-master.m3u8?tr=w-400,sr-240", f["url"].as_str().unwrap()))).await;
    assert_eq!(st, 400);
    assert!(body["message"].as_str().unwrap().contains("can't be used on an adaptive-bitrate URL"), "{body}");
    let (st, body) =
        emu.json(emu.http.get(format!("{}/ik-master.m3u8?tr=q-50,sr-240", f["url"].as_str().unwrap()))).await;
    assert_eq!(st, 400, "{body}");
    let (st, body) = emu.json(emu.http.get(format!("{}/ik-master.m3u8", f["url"].as_str().unwrap()))).await;
    assert_eq!(st, 400);
    assert!(body["message"].as_str().unwrap().contains("sr-240_360_480_720_1080"), "{body}");
    let p = upload_file(&emu, &media.photo(), &[]).await;
    let (st, _) = emu.json(emu.http.get(format!("{}/ik-master.m3u8?tr=sr-240", p["url"].as_str().unwrap()))).await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn a_video_not_ready_within_the_poll_window_redirects_to_the_original_then_is_served() {
    let media = Media::new();
    let emu = start_emu(Duration::ZERO).await;
    let clip = media.clip();
    let f = upload_file(&emu, &clip, &[]).await;
    let url = format!("{}?tr=w-100&v=3", f["url"].as_str().unwrap());
    let http = no_redirect();
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("{}?v=3", f["url"].as_str().unwrap()), "the untransformed URL, other parameters kept");
    let original = http.get(&to).send().await.unwrap();
    assert_eq!(original.bytes().await.unwrap().to_vec(), std::fs::read(&clip).unwrap());
    let r = poll_until_ok(&http, &url).await;
    assert_eq!(r.headers()["content-type"], "video/mp4");
    // Range on the made output.
    let part = http.get(&url).header("range", "bytes=0-99").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().len(), 100);

    // A private video: the redirect is signed again with the request's expiry, so it is valid.
    let p = emu
        .upload(
            "secret.mp4",
            std::fs::read(&clip).unwrap(),
            &[("useUniqueFileName", "false"), ("folder", "/vault"), ("isPrivateFile", "true")],
        )
        .await;
    let expiry = (chrono::Utc::now().timestamp() + 600).to_string();
    let target = "tr:w-80/vault/secret.mp4";
    let sig = sr_imagekit::signing::hmac_sha1_hex(PRIVATE, &format!("{target}{expiry}"));
    let signed = format!("{}{target}?ik-t={expiry}&ik-s={sig}", emu.handle.url_endpoint());
    let r = http.get(&signed).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("{}vault/secret.mp4?ik-t={expiry}&ik-s=", emu.handle.url_endpoint())), "{to}");
    let original = http.get(&to).send().await.unwrap();
    assert_eq!(original.status(), 200);
    assert_eq!(original.bytes().await.unwrap().len() as u64, p["size"].as_u64().unwrap());
    let unsigned = format!("{}{target}", emu.handle.url_endpoint());
    assert_eq!(http.get(&unsigned).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn signed_transformed_urls_good_expired_and_tampered() {
    let emu = start_emu(Duration::from_secs(30)).await;
    emu.upload("secret.png", png(40, 20), &[("isPrivateFile", "true"), ("useUniqueFileName", "false")]).await;
    let endpoint = emu.handle.url_endpoint();
    let sign = |target: &str, expiry: &str| sr_imagekit::signing::hmac_sha1_hex(PRIVATE, &format!("{target}{expiry}"));
    assert_eq!(emu.http.get(format!("{endpoint}secret.png?tr=w-10")).send().await.unwrap().status(), 401);
    let future = (chrono::Utc::now().timestamp() + 300).to_string();
    let target = "secret.png?tr=w-10";
    let good = format!("{endpoint}{target}&ik-t={future}&ik-s={}", sign(target, &future));
    let r = emu.http.get(&good).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let img = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (10, 5));
    let tampered = good.replace("w-10", "w-20");
    assert_eq!(emu.http.get(&tampered).send().await.unwrap().status(), 401);
    let past = (chrono::Utc::now().timestamp() - 10).to_string();
    let expired = format!("{endpoint}{target}&ik-t={past}&ik-s={}", sign(target, &past));
    assert_eq!(emu.http.get(&expired).send().await.unwrap().status(), 401);
    // Path form, no expiry (the SDK's default), is good too.
    let target = "tr:w-10/secret.png";
    let r = emu.http.get(format!("{endpoint}{target}?ik-s={}", sign(target, "9999999999"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // A public file's tampered signed URL is refused as well.
    emu.upload("open.png", png(40, 20), &[("useUniqueFileName", "false")]).await;
    let target = "open.png?tr=w-10";
    let ok = format!("{endpoint}{target}&ik-s={}", sign(target, "9999999999"));
    assert_eq!(emu.http.get(&ok).send().await.unwrap().status(), 200);
    assert_eq!(emu.http.get(ok.replace("w-10", "w-11")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn what_the_sandbox_cannot_make_is_a_400_with_the_reason_never_the_original() {
    let media = Media::new();
    let emu = start_emu(Duration::from_secs(30)).await;
    let p = upload_file(&emu, &media.photo(), &[]).await;
    let v = upload_file(&emu, &media.clip(), &[]).await;
    let (pu, vu) = (p["url"].as_str().unwrap(), v["url"].as_str().unwrap());
    let cases = [
        (format!("{pu}?tr=e-sharpen-10"), "e-sharpen-10"),
        (format!("{pu}?tr=so-2"), "only applies to videos"),
        (format!("{pu}?tr=n-product_card"), "no named transformation"),
        (format!("{vu}?tr=rt-45"), "0/90/180/270"),
        (format!("{vu}?tr=f-png"), "f-mp4 or f-webm"),
        (format!("{vu}/ik-thumbnail.jpg?tr=rt-90"), "not allowed in a video thumbnail"),
        (format!("{pu}/ik-thumbnail.jpg"), "made from videos"),
    ];
    for (url, words) in cases {
        let (st, body) = emu.json(emu.http.get(&url)).await;
        assert_eq!(st, 400, "{url}: {body}");
        let m = body["message"].as_str().unwrap();
        assert!(m.contains(words), "{url}: {m}");
        assert_eq!(body["help"], HELP);
    }
    let data = emu.upload("notes.bin", vec![1u8; 300], &[("useUniqueFileName", "false")]).await;
    let (st, _) = emu.json(emu.http.get(format!("{}?tr=w-10", data["url"].as_str().unwrap()))).await;
    assert_eq!(st, 400, "tr on a file that is not media");
}

/// What a webhook receiver got: each request's headers and body.
type Received = Arc<Mutex<Vec<(axum::http::HeaderMap, Vec<u8>)>>>;

/// A loopback webhook receiver: every request's headers and body.
async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

const SECRET: &str = "whsec_xeO2UNkfKMQnfJf7Q/Qx+fYptL1wabXd";

/// Checks both signatures of one received webhook, independently of the emulator's code.
fn verify_both(headers: &axum::http::HeaderMap, body: &[u8]) {
    use base64::Engine;
    use hmac::{Hmac, KeyInit, Mac};
    let legacy = headers["x-ik-signature"].to_str().unwrap();
    sr_imagekit::signing::verify_webhook_signature(SECRET, legacy, body).expect("x-ik-signature verifies");
    let id = headers["webhook-id"].to_str().unwrap();
    let ts = headers["webhook-timestamp"].to_str().unwrap();
    assert!((ts.parse::<i64>().unwrap() - chrono::Utc::now().timestamp()).abs() < 600, "seconds");
    // Standard Webhooks as the SDK verifies: key = base64-decode(toBase64(secret)).
    let key = base64::engine::general_purpose::STANDARD
        .decode(base64::engine::general_purpose::STANDARD.encode(SECRET))
        .unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    let want = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(headers["webhook-signature"].to_str().unwrap(), want);
    let event: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(event["id"].as_str().unwrap(), id);
}

#[tokio::test]
async fn post_transformations_are_checked_run_after_upload_and_announced_by_signed_webhooks() {
    let media = Media::new();
    let (hook, got) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.poll_window = Duration::ZERO;
    cfg.webhook_url = Some(hook);
    cfg.webhook_secret = SECRET.into();
    let emu = Emu::start_with(dir, cfg).await;
    let clip = std::fs::read(media.clip()).unwrap();
    let photo = std::fs::read(media.photo()).unwrap();

    // Meaning checked at upload, nothing stored when refused.
    let refused: &[(&Vec<u8>, &str, Value, &str)] = &[
        (&photo, "p.jpg", json!([{"type": "abs", "value": "sr-240", "protocol": "hls"}]), "made from videos"),
        (
            &clip,
            "v.mp4",
            json!([{"type": "abs", "value": "sr-100_5000", "protocol": "hls"}]),
            "sr-240_360_480_720_1080",
        ),
        (&clip, "v.mp4", json!([{"type": "abs", "value": "w-400,sr-240", "protocol": "dash"}]), "adaptive-bitrate URL"),
        (&photo, "p.jpg", json!([{"type": "thumbnail", "value": "w-100"}]), "made from videos"),
        (&clip, "v.mp4", json!([{"type": "transformation", "value": "rt-45"}]), "0/90/180/270"),
        (&photo, "p.jpg", json!([{"type": "gif-to-video"}]), "not a GIF"),
    ];
    for (bytes, name, post, words) in refused {
        let tr = json!({"post": post}).to_string();
        let (st, body) = emu.upload_raw(name, (*bytes).clone(), &[("transformation", tr.as_str())]).await;
        assert_eq!(st, 400, "{post}: {body}");
        let m = body["message"].as_str().unwrap();
        assert!(m.starts_with(INVALID_POST) && m.contains(words), "{post}: {m}");
    }
    let (_, listed) = emu.json(emu.get("/v1/files")).await;
    assert_eq!(listed, json!([]), "nothing stored");

    let post = json!({"post": [
        {"type": "abs", "value": "sr-240", "protocol": "hls"},
        {"type": "thumbnail", "value": "w-80"},
        {"type": "transformation", "value": "w-100"},
    ]})
    .to_string();
    let f = emu
        .upload(
            "dress.mp4",
            clip.clone(),
            &[("useUniqueFileName", "false"), ("folder", "/shop"), ("transformation", post.as_str())],
        )
        .await;
    let until = Instant::now() + Duration::from_secs(120);
    while got.lock().unwrap().len() < 3 {
        assert!(Instant::now() < until, "the post-transformations never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = f["url"].as_str().unwrap();
    let mut urls = Vec::new();
    for (headers, body) in got.lock().unwrap().iter() {
        verify_both(headers, body);
        let e: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(e["type"], "upload.post-transform.success", "{e}");
        assert_eq!(e["data"]["fileId"], f["fileId"]);
        assert!(e["request"]["transformation"]["type"].is_string(), "{e}");
        assert!(e["created_at"].is_string());
        urls.push(e["data"]["url"].as_str().unwrap().to_string());
    }
    urls.sort();
    let mut want = vec![
        format!("{url}/ik-master.m3u8?tr=sr-240"),
        format!("{url}/ik-thumbnail.jpg?tr=w-80"),
        format!("{url}?tr=w-100"),
    ];
    want.sort();
    assert_eq!(urls, want);
    // Each output is there at once: no 202, no 302.
    let http = no_redirect();
    let r = http.get(format!("{url}/ik-master.m3u8?tr=sr-240")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("RESOLUTION=320x240"));
    let r = http.get(format!("{url}?tr=w-100")).send().await.unwrap();
    assert_eq!(r.status(), 200, "made before the request, so no 302 with a zero poll window");
    let r = http.get(format!("{url}/ik-thumbnail.jpg?tr=w-80")).send().await.unwrap();
    let img = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(img.width(), 80);

    // A video made on request announces itself too: accepted, then ready.
    got.lock().unwrap().clear();
    assert_eq!(http.get(format!("{url}?tr=w-64")).send().await.unwrap().status(), 302);
    let until = Instant::now() + Duration::from_secs(120);
    while got.lock().unwrap().len() < 2 {
        assert!(Instant::now() < until, "no video.transformation webhooks");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // In the order they were made (two POSTs may overtake each other on the way).
    let mut events: Vec<Value> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, b)| {
            verify_both(h, b);
            serde_json::from_slice::<Value>(b).unwrap()
        })
        .collect();
    events.sort_by(|a, b| a["created_at"].as_str().cmp(&b["created_at"].as_str()));
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["video.transformation.accepted", "video.transformation.ready"]);
    let ready = &events[1];
    assert_eq!(ready["data"]["transformation"]["output"]["video_metadata"]["width"], 64);
    assert!(ready["timings"]["encoding_duration"].is_u64());
}
