//! `compare`: facts side by side and SSIM on sampled frames, on real files (renders of small
//! fixtures, photos), cross-checked against libavfilter's own `ssim` filter.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo, ImageFormat};
use sr_media::render::{self, RenderOptions};
use sr_media::{CompareOptions, MediaError, compare, probe};

use crate::tmp;

/// 2 s of 320x240 at 25 fps with a tone.
fn clip(dir: &Path) -> PathBuf {
    fixtures::video(dir, "v.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() })
}

fn render_tr(input: &Path, tr: &str, out: &Path) -> PathBuf {
    let info = probe(input).unwrap();
    let plan = render::plan(&info, &Transformation::parse(tr)).unwrap_or_else(|e| panic!("{tr}: {e}"));
    render::render(input, &plan, out, &RenderOptions::default(), &mut |_| {}, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("render {tr}: {e}"));
    out.to_path_buf()
}

#[test]
fn a_file_against_itself_is_identical_on_every_sampled_frame() {
    let d = tmp();
    let v = clip(d.path());
    let copy = d.path().join("copy.mp4");
    std::fs::copy(&v, &copy).unwrap();
    let c = compare(&v, &copy, &CompareOptions::default()).unwrap();
    assert_eq!(c.frames.len(), 5);
    assert!(c.frames.iter().all(|f| f.ssim == 1.0), "{:?}", c.frames);
    assert_eq!(c.ssim, 1.0);
    assert!(c.same_dimensions);
    assert_eq!(c.duration_delta_s, Some(0.0));
    assert_eq!((c.a.width, c.a.height), (320, 240));
    assert_eq!(c.a, c.b);
    assert_eq!(c.a.video_codec.as_deref(), Some("h264"));
    assert_eq!(c.a.audio_codec.as_deref(), Some("aac"));
    assert_eq!(c.a.size, std::fs::metadata(&v).unwrap().len());
    // Sampled within the clip, in order, spread over it.
    let at: Vec<f64> = c.frames.iter().map(|f| f.at_s).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]) && at[0] < 0.5 && at[4] > 1.5 && at[4] < 2.0, "{at:?}");
    let one = compare(&v, &copy, &CompareOptions { frames: 1 }).unwrap();
    assert_eq!(one.frames.len(), 1);
}

#[test]
fn a_q50_re_encode_scores_high_and_a_text_layer_scores_clearly_lower() {
    let d = tmp();
    let v = clip(d.path());
    let q50 = render_tr(&v, "q-50", &d.path().join("q50.mp4"));
    let c = compare(&v, &q50, &CompareOptions::default()).unwrap();
    assert!(c.ssim >= 0.95 && c.ssim < 1.0, "q-50 re-encode: {c:?}");
    assert!(c.same_dimensions);
    assert!(c.duration_delta_s.is_some_and(|x| x.abs() < 0.1), "{c:?}");

    let text = render_tr(
        &v,
        "l-text,i-SALE%2029,fs-60,co-FFFFFF,bg-000000,pa-10,lfo-center,l-end",
        &d.path().join("text.mp4"),
    );
    let t = compare(&v, &text, &CompareOptions::default()).unwrap();
    assert!(t.ssim < 0.85, "a big text layer must show: {t:?}");
    assert!(t.ssim < c.ssim - 0.1, "text {} vs re-encode {}", t.ssim, c.ssim);
    assert!(t.frames.iter().all(|f| f.ssim < 0.95), "the layer is on every frame: {:?}", t.frames);
}

#[test]
fn different_sizes_are_scaled_for_the_score_and_said() {
    let d = tmp();
    let v = clip(d.path());
    let half = render_tr(&v, "w-160", &d.path().join("half.mp4"));
    let c = compare(&v, &half, &CompareOptions { frames: 3 }).unwrap();
    assert!(!c.same_dimensions);
    assert_eq!((c.b.width, c.b.height), (160, 120));
    assert_eq!(c.frames.len(), 3);
    // Same picture, softer: well above a different one, below identical.
    assert!(c.ssim > 0.6 && c.ssim < 0.99, "{c:?}");
    let other = fixtures::video(
        d.path(),
        "solid.mp4",
        FixtureVideo { seconds: 2.0, pattern: fixtures::Pattern::Solid([200, 40, 40]), ..Default::default() },
    );
    let o = compare(&v, &other, &CompareOptions { frames: 3 }).unwrap();
    assert!(o.ssim < c.ssim - 0.2, "different picture {} vs scaled {}", o.ssim, c.ssim);
}

#[test]
fn rotated_phone_footage_is_compared_upright() {
    let d = tmp();
    let v = fixtures::video(
        d.path(),
        "phone.mp4",
        FixtureVideo { width: 320, height: 180, seconds: 2.0, rotate_deg: 90, ..Default::default() },
    );
    // The render bakes the rotation into the pixels; the original only says it in its display matrix.
    let baked = render_tr(&v, "q-50", &d.path().join("baked.mp4"));
    let c = compare(&v, &baked, &CompareOptions { frames: 3 }).unwrap();
    assert_eq!((c.a.width, c.a.height), (180, 320));
    assert!(c.same_dimensions, "{c:?}");
    assert!(c.ssim >= 0.95, "{c:?}");
}

#[test]
fn photos_are_one_frame_with_the_format_as_codec() {
    let d = tmp();
    let png = fixtures::image(d.path(), "p.png", 200, 150, ImageFormat::Png);
    let jpg = fixtures::image(d.path(), "p.jpg", 200, 150, ImageFormat::Jpeg);
    let c = compare(&png, &jpg, &CompareOptions::default()).unwrap();
    assert_eq!(c.frames.len(), 1);
    assert_eq!(c.frames[0].at_s, 0.0);
    assert_eq!(c.a.video_codec.as_deref(), Some("png"));
    assert_eq!(c.b.video_codec.as_deref(), Some("mjpeg"));
    assert_eq!((c.a.duration_s, c.duration_delta_s), (None, None));
    assert!(c.ssim > 0.95 && c.ssim <= 1.0, "{c:?}");
    let q20 = render_tr(&png, "f-jpg,q-20", &d.path().join("q20.jpg"));
    let low = compare(&png, &q20, &CompareOptions::default()).unwrap();
    assert!(low.ssim < c.ssim, "q-20 {} vs the q-2 fixture {}", low.ssim, c.ssim);
}

#[test]
fn a_sound_file_has_no_picture_to_compare() {
    let d = tmp();
    let v = clip(d.path());
    let m4a = fixtures::audio(d.path(), "a.m4a", 1.0);
    assert!(matches!(compare(&v, &m4a, &CompareOptions::default()), Err(MediaError::NoPicture)));
    assert!(matches!(
        compare(&d.path().join("missing.mp4"), &v, &CompareOptions::default()),
        Err(MediaError::Unreadable(_))
    ));
}

/// libavfilter's `ssim` of two grey pictures (its `All:` value).
fn lavfi_ssim(a: &Path, b: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-v", "info", "-i"])
        .arg(a)
        .arg("-i")
        .arg(b)
        .args(["-lavfi", "[0:v]format=gray[x];[1:v]format=gray[y];[x][y]ssim", "-f", "null", "-"])
        .output()
        .expect("run ffmpeg");
    let text = String::from_utf8_lossy(&out.stderr);
    let all = text.split("All:").nth(1).unwrap_or_else(|| panic!("no SSIM in {text}"));
    all.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn the_score_is_the_standard_ssim() {
    let d = tmp();
    let (w, h) = (160u32, 120u32);
    let base = |x: u32, y: u32| (((x * 3) ^ (y * 5)) % 200 + 20) as f64;
    let a = image::GrayImage::from_fn(w, h, |x, y| image::Luma([base(x, y) as u8]));
    // A blurred, brightened, partly painted-over version: SSIM well inside (0, 1).
    let b = image::GrayImage::from_fn(w, h, |x, y| {
        if x > 100 && y > 60 {
            return image::Luma([90]);
        }
        let s: f64 = [(0, 0), (1, 0), (0, 1), (1, 1)]
            .iter()
            .map(|(dx, dy)| base((x + dx).min(w - 1), (y + dy).min(h - 1)))
            .sum();
        image::Luma([(s / 4.0 + 6.0).min(255.0) as u8])
    });
    let (pa, pb) = (d.path().join("a.png"), d.path().join("b.png"));
    a.save(&pa).unwrap();
    b.save(&pb).unwrap();
    let ours = compare(&pa, &pb, &CompareOptions::default()).unwrap().ssim;
    let theirs = lavfi_ssim(&pa, &pb);
    assert!(ours > 0.1 && ours < 0.95, "{ours}");
    assert!((ours - theirs).abs() < 0.01, "ours {ours} vs libavfilter {theirs}");
}
