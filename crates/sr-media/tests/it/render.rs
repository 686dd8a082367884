//! Local transformation previews: the planner's sizes and refusals, and renders compared with the
//! equivalent ffmpeg CLI filter chain on the same input (SSIM on every frame), on small inputs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use image::RgbaImage;
use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, Pattern};
use sr_media::render::{
    self, Op, OutAudio, OutVideo, OutputFormat, PlanError, PlanOptions, RenderError, RenderEvent, RenderMode,
    RenderOptions, RenderPlan, plan, plan_thumbnail, plan_with,
};
use sr_media::{MediaInfo, probe};

use crate::tmp;

const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [30, 30, 220];

fn tr(s: &str) -> Transformation {
    Transformation::parse(s)
}

fn clip(dir: &Path, name: &str, spec: FixtureVideo) -> (PathBuf, MediaInfo) {
    let p = fixtures::video(dir, name, spec);
    let info = probe(&p).expect("probe fixture");
    (p, info)
}

fn small(dir: &Path) -> (PathBuf, MediaInfo) {
    clip(dir, "v.mp4", FixtureVideo { seconds: 1.0, with_audio: true, ..Default::default() })
}

/// 333x187 H.264 4:4:4 (4:2:0 can't hold odd sizes, so the fixture generator rounds them down).
fn odd_clip(dir: &Path) -> PathBuf {
    let p = dir.join("odd.mp4");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=333x187:r=25:d=1"])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", "-threads", "1"])
        .arg(&p)
        .status()
        .unwrap();
    assert!(st.success());
    p
}

fn no_cancel() -> AtomicBool {
    AtomicBool::new(false)
}

fn render_to(input: &Path, plan: &RenderPlan, out: &Path) -> render::RenderOutput {
    let mut events = Vec::new();
    let out = render::render(input, plan, out, &RenderOptions::default(), &mut |e| events.push(e), &no_cancel())
        .unwrap_or_else(|e| panic!("render {:?}: {e}", plan.tr));
    assert_eq!(events.last(), Some(&RenderEvent::Progress(1.0)), "progress ends at 1");
    out
}

/// `ffmpeg -i input -vf chain` written losslessly (FFV1) as the reference.
fn reference(input: &Path, chain: &str, out: &Path, extra: &[&str]) {
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(input)
        .args(extra)
        .args(["-vf", chain, "-an", "-c:v", "ffv1", "-pix_fmt", "yuv420p"])
        .arg(out)
        .status()
        .expect("run ffmpeg");
    assert!(st.success(), "reference chain {chain} failed");
}

/// Mean SSIM over all frames (ffmpeg's `ssim` filter), and the number of frames compared.
fn ssim(a: &Path, b: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "info", "-i"])
        .arg(a)
        .arg("-i")
        .arg(b)
        .args(["-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"])
        .output()
        .expect("run ffmpeg ssim");
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("SSIM") && l.contains("All:"))
        .unwrap_or_else(|| panic!("no SSIM in {text}"));
    let all = line.split("All:").nth(1).unwrap().split_whitespace().next().unwrap();
    all.parse().unwrap()
}

fn frame_count(path: &Path) -> u64 {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    // HLS inputs list the stream once per program too: take the first line.
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().unwrap_or("").trim().trim_matches(',').parse().unwrap_or(0)
}

/// Render `t` and the CLI chain; same size, same frame count, SSIM >= 0.98.
fn golden(input: &Path, info: &MediaInfo, t: &str, chain: &str, want: (u32, u32), dir: &Path) {
    let p = plan(info, &tr(&format!("{t},q-95"))).unwrap_or_else(|e| panic!("{t}: {e}"));
    assert_eq!((p.width, p.height), want, "{t}: planned size");
    let name = t.replace([',', ':', '-'], "_");
    let out = dir.join(format!("{name}.mp4"));
    let o = render_to(input, &p, &out);
    assert_eq!((o.width, o.height), want, "{t}: rendered size");
    let r = dir.join(format!("{name}.ref.mkv"));
    reference(input, chain, &r, &[]);
    assert_eq!(frame_count(&out), frame_count(&r), "{t}: frame count");
    let s = ssim(&out, &r);
    assert!(s >= 0.98, "{t}: SSIM {s} against `{chain}`");
}

#[test]
fn planner_sizes_follow_the_remote_semantics() {
    let info = MediaInfo {
        kind: sr_media::MediaKind::Image,
        container: Some("png".into()),
        video_codec: None,
        audio_codec: None,
        width: Some(320),
        height: Some(240),
        rotation_deg: 0,
        duration_s: None,
        frame_rate: None,
        bit_rate: None,
        has_alpha: false,
    };
    let cases: &[(&str, (u32, u32))] = &[
        ("w-160", (160, 120)),
        ("h-60", (80, 60)),
        ("w-0.5", (160, 120)),
        ("w-iw_div_4", (80, 60)),
        ("w-200,h-200", (200, 200)),
        ("w-200,h-100,c-force", (200, 100)),
        ("w-200,h-100,c-at_max", (133, 100)),
        ("w-640,h-640,c-at_max", (320, 240)),
        ("w-640,h-640,c-at_max_enlarge", (640, 480)),
        ("w-200,h-100,c-at_least", (200, 150)),
        ("w-200,h-200,cm-pad_resize", (200, 200)),
        ("w-100,h-50,cm-extract", (100, 50)),
        ("w-400,h-400,cm-pad_extract", (400, 400)),
        ("w-100,ar-1-1", (100, 100)),
        ("h-90,ar-16-9", (160, 90)),
        ("rt-90", (240, 320)),
        ("rt-N90", (240, 320)),
        ("rt-180", (320, 240)),
        ("rt-45", (396, 396)),
        ("b-5_FF0000", (330, 250)),
        ("w-100:rt-90:b-2_000000", (79, 104)),
    ];
    for (t, want) in cases {
        let p = plan(&info, &tr(t)).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!((p.width, p.height), *want, "{t}");
        assert!(p.not_previewable.is_empty(), "{t}: {:?}", p.not_previewable);
    }
    // Anchors: extract at the bottom right, and with explicit top-left / centre coordinates.
    let p = plan(&info, &tr("w-100,h-50,cm-extract,fo-bottom_right")).unwrap();
    assert_eq!(p.ops, vec![Op::Crop { width: 100, height: 50, x: 220, y: 190 }]);
    let p = plan(&info, &tr("w-100,h-50,cm-extract,x-10,y-20")).unwrap();
    assert_eq!(p.ops, vec![Op::Crop { width: 100, height: 50, x: 10, y: 20 }]);
    let p = plan(&info, &tr("w-100,h-50,cm-extract,xc-100,yc-100")).unwrap();
    assert_eq!(p.ops, vec![Op::Crop { width: 100, height: 50, x: 50, y: 75 }]);
    // pad_resize with fo-left puts the picture on the left and the padding on the right.
    let p = plan(&info, &tr("w-400,h-200,cm-pad_resize,fo-left,bg-00FF00")).unwrap();
    assert!(
        matches!(p.ops[1], Op::Pad { width: 400, height: 200, x: 0, y: 0, color } if color.0 == [0, 255, 0, 255]),
        "{:?}",
        p.ops
    );
    // Photos default to their own format and q-80.
    assert_eq!(p.format, OutputFormat::Png);
    assert_eq!(p.quality, 80);
}

#[test]
fn video_plans_turn_phone_footage_upright_first_and_keep_sizes_even() {
    let dir = tmp();
    let (_, info) = clip(dir.path(), "phone.mp4", FixtureVideo { rotate_deg: 90, ..Default::default() });
    assert_eq!(info.display_size(), Some((240, 320)));
    let p = plan(&info, &tr("w-120")).unwrap();
    assert_eq!((p.width, p.height), (120, 160));
    assert_eq!(p.input_rotation, 90);

    let odd = probe(&odd_clip(dir.path())).unwrap();
    assert_eq!(odd.display_size(), Some((333, 187)));
    let p = plan(&odd, &tr("")).unwrap();
    assert_eq!((p.width, p.height), (332, 186));
    assert!(p.notes.iter().any(|n| n.contains("even")), "{:?}", p.notes);
    assert_eq!((p.format, p.video, p.audio, p.quality), (OutputFormat::Mp4, Some(OutVideo::H264), None, 50));
}

#[test]
fn impossible_combinations_say_why_and_what_to_use_instead() {
    let dir = tmp();
    let (_, info) = clip(dir.path(), "a.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() });
    let err = |t: &str| plan(&info, &tr(t)).expect_err(t);

    let e = err("w-400,h-100,cm-extract");
    assert!(matches!(e, PlanError::CropOutside { .. }), "{e:?}");
    assert!(e.to_string().contains("320×240"), "{e}");
    assert!(e.suggestion().unwrap().contains("w-320"), "{e}");
    let e = err("w-100,h-100,cm-extract,x-300,y-10");
    assert_eq!(e.suggestion(), Some("x-220"), "{e}");

    let e = err("so-5");
    assert_eq!(e.to_string(), "Step 1: the clip is 2 s long, so `so-5` is past its end; use so-1 or less.");
    let e = err("so-1,du-3");
    assert_eq!(e.suggestion(), Some("du-1 or less"), "{e}");
    let e = err("eo-9");
    assert_eq!(e.suggestion(), Some("eo-2 or less"), "{e}");
    assert!(matches!(err("so-1.5,eo-1"), PlanError::TrimReversed { .. }));

    let e = err("rt-45");
    assert_eq!(e.to_string(), "Step 1: videos rotate by 0/90/180/270 only; use rt-90.");
    assert_eq!(err("rt-N100").suggestion(), Some("rt-N90"));

    let e = err("f-webm,ac-aac");
    assert!(e.to_string().contains("use ac-opus"), "{e}");
    let e = err("f-mp4,vc-vp9");
    assert!(e.to_string().contains("use vc-h264"), "{e}");
    assert!(err("f-webm,vc-h264").to_string().contains("vc-vp9"));
    assert!(err("ac-opus").to_string().contains("ac-aac"));
    assert!(matches!(err("vc-none,ac-none"), PlanError::NothingLeft { .. }));
    assert!(matches!(err("f-jpg"), PlanError::FormatForKind { .. }));
    assert!(matches!(err("w-abc"), PlanError::Invalid(_)));

    let (_, silent) = clip(dir.path(), "s.mp4", FixtureVideo::default());
    assert!(matches!(plan(&silent, &tr("vc-none")), Err(PlanError::NoSound { .. })));

    let photo = probe(&fixtures::image(dir.path(), "p.png", 64, 48, ImageFormat::Png)).unwrap();
    let e = plan(&photo, &tr("w-10,so-2")).unwrap_err();
    assert!(matches!(e, PlanError::VideoOnly { .. }), "{e:?}");
    assert!(plan(&photo, &tr("f-mp4")).unwrap_err().to_string().contains("f-jpg"));
    assert!(matches!(
        plan_thumbnail(&info, &tr("rt-90"), &PlanOptions::default()),
        Err(PlanError::NotInThumbnail { .. })
    ));
}

#[test]
fn parameters_outside_the_subset_are_listed_and_kept_in_the_tr() {
    let dir = tmp();
    let (_, info) = small(dir.path());
    let t = "w-160,e-sharpen-10,fo-face,h-120:l-video,i-clip.mp4,l-end:l-image,i-logo.png,l-end";
    let p = plan(&info, &tr(t)).unwrap();
    assert_eq!(p.tr, t, "the tr is kept byte for byte");
    let listed: Vec<&str> = p.not_previewable.iter().map(|n| n.param.as_str()).collect();
    assert!(listed.contains(&"e-sharpen-10"), "{listed:?}");
    assert!(listed.iter().any(|l| l.starts_with("fo-face")), "{listed:?}");
    assert!(listed.iter().any(|l| l.starts_with("l-video")), "{listed:?}");
    // No resolver: the image layer can't be previewed but is not dropped from the tr.
    assert!(listed.iter().any(|l| l.contains("logo.png")), "{listed:?}");
    assert_eq!((p.width, p.height), (160, 120));
}

#[test]
fn video_renders_match_the_ffmpeg_cli_chain() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = small(d);
    // maintain_ratio (default): cover, then cut out the centre.
    golden(&v, &info, "w-160,h-160", "scale=213:160,crop=160:160:26:0", (160, 160), d);
    // force, flips and grayscale.
    golden(&v, &info, "w-200,h-100,c-force,fl-h", "scale=200:100,hflip", (200, 100), d);
    golden(&v, &info, "w-160,e-grayscale", "scale=160:120,hue=s=0", (160, 120), d);
    // extract at a corner, then rotate, chained.
    golden(
        &v,
        &info,
        "w-200,h-120,cm-extract,fo-bottom_right:rt-270",
        "crop=200:120:120:120,transpose=cclock",
        (120, 200),
        d,
    );
    // pad_resize with a background colour.
    golden(
        &v,
        &info,
        "w-200,h-200,cm-pad_resize,bg-FF0000",
        "scale=200:150,pad=200:200:0:25:color=0xFF0000",
        (200, 200),
        d,
    );
}

#[test]
fn rotated_phone_footage_and_odd_sizes_render_like_the_cli() {
    let dir = tmp();
    let d = dir.path();
    let (phone, info) = clip(d, "phone.mp4", FixtureVideo { rotate_deg: 90, ..Default::default() });
    // The ffmpeg CLI auto-rotates too, so the reference chain starts upright.
    golden(&phone, &info, "w-120,rt-90", "scale=120:160,transpose=clock", (160, 120), d);
    let odd = odd_clip(d);
    let info = probe(&odd).unwrap();
    golden(&odd, &info, "w-201", "scale=201:113,crop=200:112:0:0", (200, 112), d);
    golden(&odd, &info, "", "crop=332:186:0:0", (332, 186), d);
}

#[test]
fn trims_are_frame_accurate_and_keep_the_sound() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d, "long.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() });
    let p = plan(&info, &tr("so-0.4,du-0.8,q-95")).unwrap();
    assert!((p.duration_s.unwrap() - 0.8).abs() < 1e-9, "{:?}", p.duration_s);
    let out = d.join("trim.mp4");
    let o = render_to(&v, &p, &out);
    assert_eq!(o.audio_codec.as_deref(), Some("aac"));
    assert_eq!(o.video_codec.as_deref(), Some("h264"));
    assert!((o.duration_s.unwrap() - 0.8).abs() < 0.1, "duration {:?}", o.duration_s);
    assert_eq!(frame_count(&out), 20, "0.8 s at 25 fps");
    let r = d.join("trim.ref.mkv");
    reference(&v, "trim=start=0.4:end=1.2,setpts=PTS-STARTPTS", &r, &[]);
    let s = ssim(&out, &r);
    assert!(s >= 0.98, "SSIM {s}");

    // eo and webm/opus.
    let p = plan(&info, &tr("so-1,eo-1.5,f-webm")).unwrap();
    assert_eq!((p.video, p.audio), (Some(OutVideo::Vp9), Some(OutAudio::Opus)));
    let o = render_to(&v, &p, &d.join("trim.webm"));
    assert_eq!((o.video_codec.as_deref(), o.audio_codec.as_deref()), (Some("vp9"), Some("opus")));
    assert!((o.duration_s.unwrap() - 0.5).abs() < 0.1, "duration {:?}", o.duration_s);

    // ac-none strips the sound; vc-none keeps only the sound.
    let o = render_to(&v, &plan(&info, &tr("du-1,ac-none")).unwrap(), &d.join("mute.mp4"));
    assert_eq!(o.audio_codec, None);
    let o = render_to(&v, &plan(&info, &tr("du-1,vc-none")).unwrap(), &d.join("sound.mp4"));
    assert_eq!((o.video_codec.as_deref(), o.audio_codec.as_deref()), (None, Some("aac")));
}

fn rgba_at(img: &RgbaImage, x: u32, y: u32) -> [u8; 4] {
    img.get_pixel(x, y).0
}

fn near(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
}

/// The first frame of a video as RGBA, via the ffmpeg CLI.
fn first_frame(path: &Path) -> RgbaImage {
    let png = path.with_extension("first.png");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(path)
        .args(["-frames:v", "1"])
        .arg(&png)
        .status()
        .unwrap();
    assert!(st.success());
    image::open(&png).unwrap().into_rgba8()
}

#[test]
fn text_and_image_layers_are_drawn_where_the_tr_puts_them() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d, "blue.mp4", FixtureVideo { pattern: Pattern::Solid(BLUE), ..Default::default() });
    // Text layer vs the same drawtext on the CLI with the bundled font.
    let t = "l-text,i-SALE%2029,fs-40,co-FFFFFF,bg-FF0000,pa-10,lfo-top_left,l-end";
    let p = plan(&info, &tr(&format!("{t},q-95"))).unwrap();
    assert!(p.not_previewable.is_empty(), "{:?}", p.not_previewable);
    let out = d.join("text.mp4");
    render_to(&v, &p, &out);
    let font = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/DejaVuSans.ttf");
    let r = d.join("text.ref.mkv");
    reference(
        &v,
        &format!(
            "drawtext=fontfile={}:text='SALE 29':fontsize=40:fontcolor=0xFFFFFFFF:box=1:boxcolor=0xFF0000FF:boxborderw=10:x=10:y=10",
            font.display()
        ),
        &r,
        &[],
    );
    let s = ssim(&out, &r);
    assert!(s >= 0.98, "text SSIM {s}");
    let f = first_frame(&out);
    let px = rgba_at(&f, 3, 3);
    assert!(near([px[0], px[1], px[2]], [255, 0, 0], 40), "box at top left: {px:?}");

    // Image layer from a local file through the resolver, 50% opaque, bottom right.
    let logo = fixtures::image_with(d, "logo.png", 40, 20, ImageFormat::Png, Pattern::Solid(RED));
    let resolver = |remote: &str| (remote == "brand/logo.png").then(|| logo.clone());
    let opts = PlanOptions { resolver: Some(&resolver), default_format: None };
    let p = plan_with(&info, &tr("l-image,i-brand@@logo.png,w-80,lfo-bottom_right,l-end"), &opts).unwrap();
    assert!(p.not_previewable.is_empty(), "{:?}", p.not_previewable);
    let out = d.join("logo.mp4");
    render_to(&v, &p, &out);
    let f = first_frame(&out);
    let inside = rgba_at(&f, 320 - 40, 240 - 20);
    assert!(near([inside[0], inside[1], inside[2]], RED, 40), "logo pixel {inside:?}");
    let outside = rgba_at(&f, 100, 100);
    assert!(near([outside[0], outside[1], outside[2]], BLUE, 40), "base pixel {outside:?}");
    let p = plan_with(&info, &tr("l-image,i-brand@@logo.png,o-50,lx-0,ly-0,l-end"), &opts).unwrap();
    let out = d.join("half.mp4");
    render_to(&v, &p, &out);
    let half = rgba_at(&first_frame(&out), 10, 10);
    assert!(near([half[0], half[1], half[2]], [125, 30, 125], 40), "50% red over blue: {half:?}");
}

#[test]
fn photos_render_with_the_same_semantics() {
    let dir = tmp();
    let d = dir.path();
    let src = fixtures::image(d, "p.png", 320, 240, ImageFormat::Png);
    let info = probe(&src).unwrap();

    // Resize + blur against the CLI.
    let p = plan(&info, &tr("w-160,bl-6")).unwrap();
    let out = d.join("blur.png");
    let o = render_to(&src, &p, &out);
    assert_eq!((o.width, o.height), (160, 120));
    let r = d.join("blur.ref.png");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(&src)
        .args(["-vf", "format=rgba,scale=160:120,gblur=sigma=3", "-frames:v", "1"])
        .arg(&r)
        .status()
        .unwrap();
    assert!(st.success());
    let s = ssim(&out, &r);
    assert!(s >= 0.98, "blur SSIM {s}");

    // Rounded corners are transparent in PNG; the centre is untouched.
    let p = plan(&info, &tr("w-100,h-100,r-max,f-png")).unwrap();
    render_to(&src, &p, &d.join("round.png"));
    let img = image::open(d.join("round.png")).unwrap().into_rgba8();
    assert_eq!(img.dimensions(), (100, 100));
    assert_eq!(rgba_at(&img, 1, 1)[3], 0, "corner is cut");
    assert_eq!(rgba_at(&img, 50, 50)[3], 255, "centre is opaque");
    assert_eq!(rgba_at(&img, 50, 1)[3], 255, "edge middle is kept");

    // Any-angle rotation grows the canvas and fills the corners with bg.
    let solid = fixtures::image_with(d, "s.png", 100, 100, ImageFormat::Png, Pattern::Solid(BLUE));
    let p = plan(&probe(&solid).unwrap(), &tr("rt-45,bg-FF0000,f-jpg,q-90")).unwrap();
    let o = render_to(&solid, &p, &d.join("rot.jpg"));
    assert_eq!((o.width, o.height), (141, 141));
    let img = image::open(d.join("rot.jpg")).unwrap().into_rgb8();
    assert!(near(img.get_pixel(3, 3).0, [255, 0, 0], 40), "corner {:?}", img.get_pixel(3, 3));
    assert!(near(img.get_pixel(70, 70).0, BLUE, 40), "centre {:?}", img.get_pixel(70, 70));

    // Grayscale, border, webp.
    let p = plan(&info, &tr("e-grayscale,b-4_00FF00,f-webp")).unwrap();
    let o = render_to(&src, &p, &d.join("g.webp"));
    assert_eq!((o.width, o.height), (328, 248));
    let img = image::open(d.join("g.webp")).unwrap().into_rgb8();
    assert!(near(img.get_pixel(1, 1).0, [0, 255, 0], 2), "border {:?}", img.get_pixel(1, 1));
    let c = img.get_pixel(100, 100).0;
    assert!(c[0].abs_diff(c[1]) <= 2 && c[1].abs_diff(c[2]) <= 2, "grey {c:?}");

    // A phone photo (EXIF orientation 6) is turned upright before w applies.
    let phone =
        fixtures::jpeg_with_orientation(d, "phone.jpg", 320, 240, Pattern::Halves { top: RED, bottom: BLUE }, 6);
    let p = plan(&probe(&phone).unwrap(), &tr("w-120")).unwrap();
    let o = render_to(&phone, &p, &d.join("phone-out.jpg"));
    assert_eq!((o.width, o.height), (120, 160));
}

#[test]
fn video_thumbnails_take_the_frame_at_so() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d, "t.mp4", FixtureVideo { seconds: 2.0, ..Default::default() });
    let p = plan_thumbnail(&info, &tr("so-1,w-160"), &PlanOptions::default()).unwrap();
    assert_eq!(p.format, OutputFormat::Jpg);
    let out = d.join("ik-thumbnail.jpg");
    let o = render_to(&v, &p, &out);
    assert_eq!((o.width, o.height), (160, 120));
    let r = d.join("thumb.ref.png");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-ss", "1", "-i"])
        .arg(&v)
        .args(["-vf", "scale=160:120", "-frames:v", "1"])
        .arg(&r)
        .status()
        .unwrap();
    assert!(st.success());
    let s = ssim(&out, &r);
    // JPEG q-80 on a busy test picture: compare with the neighbouring frames to show the right one won.
    let r2 = d.join("thumb.ref2.png");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-ss", "0.92", "-i"])
        .arg(&v)
        .args(["-vf", "scale=160:120", "-frames:v", "1"])
        .arg(&r2)
        .status()
        .unwrap();
    assert!(st.success());
    let s2 = ssim(&out, &r2);
    assert!(s >= 0.9 && s > s2, "thumbnail SSIM {s} at 1 s, {s2} two frames earlier");
    assert!(matches!(plan_thumbnail(&info, &tr("so-3"), &PlanOptions::default()), Err(PlanError::TrimPastEnd { .. })));
}

#[test]
fn renders_run_on_their_own_thread_and_cancel_cleanly() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d, "c.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() });
    let p = plan(&info, &tr("w-160")).unwrap();
    let outdir = d.join("out");
    std::fs::create_dir(&outdir).unwrap();

    let (tx, rx) = std::sync::mpsc::channel();
    let h = render::spawn(
        v.clone(),
        p.clone(),
        outdir.join("a.mp4"),
        RenderMode::Full,
        RenderOptions::default(),
        move |e| {
            let _ = tx.send(e);
        },
    )
    .unwrap();
    let out = h.join().unwrap();
    let events: Vec<RenderEvent> = rx.try_iter().collect();
    let values: Vec<f32> = events
        .iter()
        .filter_map(|e| match e {
            RenderEvent::Progress(v) => Some(*v),
            _ => None,
        })
        .collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "progress only grows: {values:?}");
    assert_eq!(values.last(), Some(&1.0));
    assert!(out.size > 0);

    // Cancelled before it starts: nothing is left in the folder but the earlier output.
    let h =
        render::spawn(v.clone(), p.clone(), outdir.join("b.mp4"), RenderMode::Full, RenderOptions::default(), |_| {})
            .unwrap();
    h.cancel();
    match h.join() {
        Err(RenderError::Cancelled) => {}
        other => panic!("expected Cancelled, got {other:?}"),
    }
    let names: Vec<String> =
        std::fs::read_dir(&outdir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["a.mp4".to_string()]);

    // Cancelled fast preview: its folder is removed.
    let h = render::spawn(v, p, outdir.join("prev"), RenderMode::Fast, RenderOptions::default(), |_| {}).unwrap();
    h.cancel();
    assert!(matches!(h.join(), Err(RenderError::Cancelled)));
    assert!(!outdir.join("prev").exists());
}

#[test]
fn fast_preview_is_segmented_hls_playable_from_the_first_segment() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(
        d,
        "f.mp4",
        FixtureVideo { width: 1280, height: 720, seconds: 3.0, with_audio: true, ..Default::default() },
    );
    let p = plan(&info, &tr("w-1080,h-1080,l-text,i-NEW,fs-60,co-FFFFFF,l-end")).unwrap();
    let prev = d.join("prev");
    let mut events = Vec::new();
    let o = render::render_preview(&v, &p, &prev, &RenderOptions::default(), &mut |e| events.push(e), &no_cancel())
        .unwrap();
    assert_eq!((o.width, o.height), (540, 540), "preview is at most 540p");
    let first =
        events.iter().position(|e| matches!(e, RenderEvent::FirstSegmentReady { .. })).expect("first segment event");
    assert!(first < events.len() - 1, "first segment is announced before the end: {events:?}");
    assert_eq!(events.last(), Some(&RenderEvent::Progress(1.0)));
    let master = std::fs::read_to_string(prev.join("master.m3u8")).unwrap();
    assert!(master.contains("index.m3u8"), "{master}");
    let index = std::fs::read_to_string(prev.join("index.m3u8")).unwrap();
    assert!(index.contains("#EXT-X-PLAYLIST-TYPE:EVENT"), "{index}");
    assert!(index.contains("#EXT-X-MAP:URI=\"init.mp4\""), "{index}");
    assert!(index.contains("#EXT-X-ENDLIST"), "{index}");
    assert!(index.matches("#EXTINF").count() >= 3, "1 s segments: {index}");
    // The whole preview decodes: 3 s at 25 fps.
    assert_eq!(frame_count(&prev.join("index.m3u8")), 75);

    // A cache hit is immediate and returns the same folder.
    let cache = render::RenderCache::new(d.join("cache")).unwrap();
    let hash = render::content_hash(&v).unwrap();
    let a = cache
        .get_or_render(
            render::Source { path: &v, content_hash: &hash },
            &p,
            RenderMode::Full,
            &RenderOptions::default(),
            &mut |_| {},
            &no_cancel(),
        )
        .unwrap();
    let mtime = std::fs::metadata(&a.path).unwrap().modified().unwrap();
    let mut events = Vec::new();
    let b = cache
        .get_or_render(
            render::Source { path: &v, content_hash: &hash },
            &p,
            RenderMode::Full,
            &RenderOptions::default(),
            &mut |e| events.push(e),
            &no_cancel(),
        )
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(events, vec![RenderEvent::Progress(1.0)]);
    assert_eq!(std::fs::metadata(&b.path).unwrap().modified().unwrap(), mtime);
    let other = plan(&info, &tr("w-1080,h-1080")).unwrap();
    assert_ne!(cache.path_for(&hash, &other, RenderMode::Full), a.path, "another tr is another entry");
}

#[test]
fn layer_timing_shows_a_text_layer_only_inside_its_window() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) =
        clip(d, "blue.mp4", FixtureVideo { pattern: Pattern::Solid(BLUE), seconds: 2.0, ..Default::default() });
    let p = plan(&info, &tr("l-text,i-X,fs-60,co-FF0000,bg-FF0000,pa-20,lx-0,ly-0,lso-1,ldu-0.5,l-end")).unwrap();
    let out = d.join("timed.mp4");
    render_to(&v, &p, &out);
    let at = |t: &str| {
        let png = d.join(format!("at{t}.png"));
        let st = Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-y", "-i"])
            .arg(&out)
            .args(["-ss", t, "-frames:v", "1"])
            .arg(&png)
            .status()
            .unwrap();
        assert!(st.success());
        let img = image::open(&png).unwrap().into_rgb8();
        img.get_pixel(5, 5).0
    };
    assert!(near(at("0.5"), BLUE, 40), "before lso: {:?}", at("0.5"));
    assert!(near(at("1.2"), [255, 0, 0], 60), "inside the window: {:?}", at("1.2"));
    assert!(near(at("1.8"), BLUE, 40), "after lso+ldu: {:?}", at("1.8"));
}

/// Gives `path` (and, for a folder, everything in it) the access and modification time `t`.
fn age_to(path: &Path, t: std::time::SystemTime) {
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            age_to(&e.unwrap().path(), t);
        }
    }
    let times = std::fs::FileTimes::new().set_accessed(t).set_modified(t);
    std::fs::File::open(path).unwrap().set_times(times).unwrap();
}

#[test]
fn the_render_cache_stays_under_its_cap_and_loses_what_crashes_left_behind() {
    use std::time::{Duration, SystemTime};
    let dir = tmp();
    let cache = render::RenderCache::new(dir.path()).unwrap();
    let hour = Duration::from_secs(3600);
    let now = SystemTime::now();
    let file = |name: &str, size: usize, used: SystemTime| {
        let p = dir.path().join(name);
        std::fs::write(&p, vec![7u8; size]).unwrap();
        age_to(&p, used);
        p
    };
    let hls = |name: &str, complete: bool, used: SystemTime| {
        let p = dir.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("seg0.m4s"), vec![1u8; 300]).unwrap();
        if complete {
            std::fs::write(p.join(render::PREVIEW_COMPLETE), b"").unwrap();
        }
        age_to(&p, used);
        p
    };
    let oldest = file("a.mp4", 400, now - hour * 5);
    let older = hls("b.hls", true, now - hour * 4);
    let recent = file("c.mp4", 400, now - hour);
    let watching = file("d.mp4", 400, now);
    let crashed_file = file(".e.mp4.4242-1.partial", 500, now - hour * 2);
    let crashed_hls = hls("f.hls", false, now - hour * 2);
    let rendering = file(".g.mp4.4242-2.partial", 500, now);

    // Cap 900 bytes: the orphans go whatever the cap, then the least recently used until it fits.
    let t = cache.trim(900).unwrap();
    for gone in [&oldest, &older, &crashed_file, &crashed_hls] {
        assert!(!gone.exists(), "{} was kept", gone.display());
    }
    for kept in [&recent, &watching, &rendering] {
        assert!(kept.exists(), "{} was removed", kept.display());
    }
    assert_eq!(t.removed, 4);
    assert_eq!(t.kept_bytes, 800);

    // Under a cap nothing fits, what was used in the last minutes stays.
    let t = cache.trim(0).unwrap();
    assert!(!recent.exists() && watching.exists(), "{t:?}");
}

/// A camera-like JPEG (4:2:0) made by the ffmpeg CLI.
fn camera_jpeg(dir: &Path, w: u32, h: u32) -> PathBuf {
    let p = dir.join(format!("camera-{w}x{h}.jpg"));
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", &format!("testsrc2=s={w}x{h}:d=1")])
        .args(["-frames:v", "1", "-update", "1", "-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"])
        .arg(&p)
        .status()
        .unwrap();
    assert!(st.success());
    p
}

#[test]
fn big_jpeg_photos_shrink_on_load_to_the_same_picture() {
    let dir = tmp();
    let d = dir.path();
    // 1600x1200 to 400x300: decoded at a quarter of its size, then scaled; the same picture as the
    // whole photo decoded and scaled by the ffmpeg CLI.
    let src = camera_jpeg(d, 1600, 1200);
    for (t, size) in [("w-400", (400, 300)), ("w-500,h-500,c-at_max,q-80", (500, 375)), ("w-1000", (1000, 750))] {
        let p = plan(&probe(&src).unwrap(), &tr(t)).unwrap();
        let out = d.join("small.jpg");
        let o = render_to(&src, &p, &out);
        assert_eq!((o.width, o.height), size, "{t}");
        let r = d.join("small.ref.png");
        let st = Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-y", "-i"])
            .arg(&src)
            .args(["-vf", &format!("scale={}:{}", size.0, size.1), "-frames:v", "1", "-update", "1"])
            .arg(&r)
            .status()
            .unwrap();
        assert!(st.success());
        let c = sr_media::compare(&r, &out, &sr_media::CompareOptions::default()).unwrap();
        assert!(c.same_dimensions && c.ssim >= 0.95, "{t}: {c:?}");
    }
    // A phone photo (EXIF 6: turn 90° clockwise) is turned upright: the stored top goes right.
    let phone =
        fixtures::jpeg_with_orientation(d, "phone.jpg", 1600, 1200, Pattern::Halves { top: RED, bottom: BLUE }, 6);
    let p = plan(&probe(&phone).unwrap(), &tr("w-300")).unwrap();
    render_to(&phone, &p, &d.join("phone-small.jpg"));
    let img = image::open(d.join("phone-small.jpg")).unwrap().into_rgb8();
    assert_eq!(img.dimensions(), (300, 400));
    assert!(near(img.get_pixel(280, 200).0, RED, 40), "right {:?}", img.get_pixel(280, 200));
    assert!(near(img.get_pixel(20, 200).0, BLUE, 40), "left {:?}", img.get_pixel(20, 200));
}
