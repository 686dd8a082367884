//! Render benchmark, side by side in one run: a generated 30 s 1080p clip with sound, transformed with
//! a 1:1 crop + rotate 90° + a text watermark (`w-1080,h-1080:rt-90:l-text,...`).
//!
//! * Fast preview: time until the first HLS segment is playable ([`RenderEvent::FirstSegmentReady`]),
//!   and until the whole preview is written.
//! * Full render (libx264 `veryfast`, CRF from q-50, AAC 128k) against the ffmpeg CLI running the
//!   same filter chain with the same encoder settings on the same input.
//!
//! Run: `cargo bench -p sr-media --bench render` (`BENCH_SECONDS` changes the clip length, default 30).

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo};
use sr_media::render::{self, RenderEvent, RenderOptions};

const TR: &str = "w-1080,h-1080:rt-90:l-text,i-SALE%2029,fs-64,co-FFFFFF,bg-FF0000,pa-12,lfo-bottom_right,l-end";

fn main() {
    let seconds: f64 = std::env::var("BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(30.0);
    let dir = tempfile::tempdir().expect("temp dir");
    let t0 = Instant::now();
    let input = fixtures::video(
        dir.path(),
        "clip.mp4",
        FixtureVideo { width: 1920, height: 1080, seconds, fps: 25, with_audio: true, ..Default::default() },
    );
    eprintln!("generated {seconds} s 1080p clip in {:.1} s", t0.elapsed().as_secs_f64());
    let info = sr_media::probe(&input).expect("probe");
    let plan = render::plan(&info, &Transformation::parse(TR)).expect("plan");
    println!("tr: {TR}");
    println!("output {}x{}, {:.1} s", plan.width, plan.height, plan.duration_s.unwrap_or(0.0));
    let opts = RenderOptions::default();
    let cancel = AtomicBool::new(false);

    // Fast preview.
    let prev = dir.path().join("preview");
    let start = Instant::now();
    let mut first: Option<Duration> = None;
    render::render_preview(
        &input,
        &plan,
        &prev,
        &opts,
        &mut |e| {
            if let RenderEvent::FirstSegmentReady { .. } = e {
                first.get_or_insert(start.elapsed());
            }
        },
        &cancel,
    )
    .expect("preview");
    let preview_total = start.elapsed();
    let first = first.expect("first segment event");

    // Full render, ours.
    let ours_out = dir.path().join("ours.mp4");
    let start = Instant::now();
    let out = render::render(&input, &plan, &ours_out, &opts, &mut |_| {}, &cancel).expect("render");
    let ours = start.elapsed();

    // Full render, the ffmpeg CLI with the same chain and encoder settings.
    let font = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/DejaVuSans.ttf");
    let chain = format!(
        "crop=1080:1080:420:0,transpose=clock,drawtext=fontfile={}:text='SALE 29':expansion=none:fontsize=64:fontcolor=0xFFFFFFFF:x=w-text_w-12:y=h-text_h-12:box=1:boxcolor=0xFF0000FF:boxborderw=12,setsar=1,format=yuv420p",
        font.display()
    );
    let cli_out = dir.path().join("cli.mp4");
    let start = Instant::now();
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(&input)
        .args(["-vf", &chain])
        .args(["-c:v", "libx264", "-preset", &opts.x264_preset, "-crf", &render::x264_crf(plan.quality).to_string()])
        .args(["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"])
        .arg(&cli_out)
        .status()
        .expect("run ffmpeg");
    let cli = start.elapsed();
    assert!(st.success(), "ffmpeg CLI failed");
    let cli_size = std::fs::metadata(&cli_out).map(|m| m.len()).unwrap_or(0);

    println!(
        "fast preview: first playable segment after {:.3} s (target <= 1 s); whole preview {:.2} s",
        first.as_secs_f64(),
        preview_total.as_secs_f64()
    );
    println!(
        "full render:  sr-media {:.2} s ({} bytes) vs ffmpeg CLI {:.2} s ({} bytes): {:.2}x (target <= 1.0x)",
        ours.as_secs_f64(),
        out.size,
        cli.as_secs_f64(),
        cli_size,
        ours.as_secs_f64() / cli.as_secs_f64()
    );
}
