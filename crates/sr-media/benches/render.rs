//! Render benchmark, side by side in one run, on a generated 30 s 1080p clip with sound and a
//! generated 4000×3000 photo.
//!
//! * Fast preview: time until the first HLS segment is playable ([`RenderEvent::FirstSegmentReady`]),
//!   and until the whole preview is written.
//! * Full render, 1080² (`w-1080,h-1080:rt-90:l-text,…`: a 1:1 crop + rotate 90° + a text
//!   watermark; libx264 `veryfast`, CRF from q-50, AAC 128k, faststart MP4) against the ffmpeg CLI
//!   running the same filter chain with the same encoder and muxer settings on the same input.
//! * Downscale, 720² (`w-1080,h-1080,cm-extract:rt-90:l-text,…,l-end:w-720`, the shop grid's
//!   commonest shape: crop, turn, text, then a downscale) against the CLI with
//!   `crop,transpose,drawtext,scale=720:720`, same encoders.
//! * Still (`w-1200,h-1200,c-at_max,q-80` of a 4000×3000 4:2:0 JPEG, the size a phone or camera
//!   writes) against ImageMagick (`convert in.jpg -resize 1200x1200 -quality 80`, the usual tool for
//!   photos; called directly, not through a wrapper) and the ffmpeg CLI (`-vf scale=1200:900`,
//!   mjpeg). Each round renders the photo `BENCH_STILL_REPS` times (default 5) per tool.
//! * ABR ladder (`ik-master.m3u8?tr=<watermark>:sr-360_720`, two rungs, 2 s segments, H.264 at the
//!   remote's bit rates + AAC once, fMP4 HLS) against the ffmpeg CLI with the same graph (`split` +
//!   two `scale`s), the same encoder settings (preset, bit rate, maxrate, bufsize, fixed GOP,
//!   `scenecut=0`) and the same `hls` muxer options. The CLI keeps its default x264 threads (its
//!   best setting); ours caps them per rung.
//!
//! `BENCH_ROUNDS` rounds (default 3) alternate ours and the references so that load changes hit both
//! alike; each round prints wall time and CPU time (user + sys, from `/proc`) of each, then the
//! median ratios (target ≤ 1.0× wall and CPU for the file cases).
//!
//! Run: `cargo bench -p sr-media --bench render`. Knobs: `BENCH_SECONDS` (clip length, default 30),
//! `BENCH_INPUT` (use this clip instead of generating one), `BENCH_PARTS` (comma list of `preview`,
//! `full`, `downscale`, `still`, `ladder`; default all), `BENCH_ROUNDS`, `BENCH_REFERENCE=0` (skip
//! the reference runs, e.g. to profile ours alone).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo};
use sr_media::render::{self, LadderFormat, LadderPlan, PlanOptions, RenderEvent, RenderOptions, RenderPlan};

const TR: &str = "w-1080,h-1080:rt-90:l-text,i-SALE%2029,fs-64,co-FFFFFF,bg-FF0000,pa-12,lfo-bottom_right,l-end";
/// The shop grid's 720² tile: crop, turn, a text layer, then the downscale.
const TR_DOWNSCALE: &str = "w-1080,h-1080,cm-extract:rt-90:l-text,i-SALE%2029,fs-40,co-FFFFFF,lfo-top_left,l-end:w-720";
/// A photo for a product page.
const TR_STILL: &str = "w-1200,h-1200,c-at_max,q-80";
/// The ladder keeps the watermark (w/h are not allowed on an ABS URL).
const TR_LADDER: &str = "l-text,i-SALE%2029,fs-64,co-FFFFFF,bg-FF0000,pa-12,lfo-bottom_right,l-end:sr-360_720";

/// CPU seconds (user + sys) used so far by this process (all threads) and by its waited-for children.
fn cpu_times() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`: state is field 3; utime 14, stime 15, cutime 16, cstime 17.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|v| v.parse().unwrap_or(0.0)).collect();
    let tick = 100.0; // USER_HZ on Linux
    let get = |i: usize| f.get(i - 3).copied().unwrap_or(0.0) / tick;
    (get(14) + get(15), get(16) + get(17))
}

/// Wall and CPU time of `f`; `child` says whether the work happens in a child process.
fn measure(child: bool, f: impl FnOnce()) -> (Duration, f64) {
    let (s0, c0) = cpu_times();
    let t = Instant::now();
    f();
    let wall = t.elapsed();
    let (s1, c1) = cpu_times();
    (wall, if child { c1 - c0 } else { s1 - s0 })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Whether to run the ffmpeg CLI references (`BENCH_REFERENCE=0` skips them).
fn reference() -> bool {
    std::env::var("BENCH_REFERENCE").map_or(true, |v| v != "0")
}

fn main() {
    let seconds: f64 = std::env::var("BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(30.0);
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let parts = std::env::var("BENCH_PARTS").unwrap_or_else(|_| "preview,full,downscale,still,ladder".into());
    let part = |p: &str| parts.split(',').any(|x| x.trim() == p);
    let dir = tempfile::tempdir().expect("temp dir");
    let input: PathBuf = match std::env::var_os("BENCH_INPUT") {
        Some(p) => PathBuf::from(p),
        None => {
            let t0 = Instant::now();
            let p = fixtures::video(
                dir.path(),
                "clip.mp4",
                FixtureVideo { width: 1920, height: 1080, seconds, fps: 25, with_audio: true, ..Default::default() },
            );
            eprintln!("generated {seconds} s 1080p clip in {:.1} s", t0.elapsed().as_secs_f64());
            p
        }
    };
    let info = sr_media::probe(&input).expect("probe");
    let plan = render::plan(&info, &Transformation::parse(TR)).expect("plan");
    println!("tr: {TR}");
    println!("output {}x{}, {:.1} s", plan.width, plan.height, plan.duration_s.unwrap_or(0.0));
    let opts = RenderOptions::default();

    if part("preview") {
        fast_preview(&input, &plan, &opts, dir.path());
    }
    if part("full") {
        // The ffmpeg CLI with the chain our graph runs (a trim covering the whole clip is left out
        // by both), the same encoders and settings, and the same faststart MP4 muxing.
        let chain = format!(
            "crop=1080:1080:420:0:exact=1,transpose=clock,drawtext=fontfile={}:text='SALE 29':expansion=none:fontsize=64:fontcolor=0xFFFFFFFF:x=w-text_w-12:y=h-text_h-12:box=1:boxcolor=0xFF0000FF:boxborderw=12,setsar=1,format=yuv420p",
            font_path().display()
        );
        file_render("full render", &input, &plan, &chain, &opts, dir.path(), rounds);
    }
    if part("downscale") {
        let plan = render::plan(&info, &Transformation::parse(TR_DOWNSCALE)).expect("plan");
        println!("downscale tr: {TR_DOWNSCALE}");
        println!("downscale output {}x{}, ops {:?}", plan.width, plan.height, plan.ops);
        let chain = format!(
            "crop=1080:1080:420:0:exact=1,transpose=clock,drawtext=fontfile={}:text='SALE 29':expansion=none:fontsize=40:fontcolor=0xFFFFFFFF:x=0:y=0,scale=720:720,setsar=1,format=yuv420p",
            font_path().display()
        );
        file_render("downscale", &input, &plan, &chain, &opts, dir.path(), rounds);
    }
    if part("still") {
        still(dir.path(), rounds);
    }
    if part("ladder") {
        let lp =
            render::plan_ladder(&info, &Transformation::parse(TR_LADDER), LadderFormat::Hls, &PlanOptions::default())
                .expect("ladder plan");
        ladder(&input, &lp, &opts, dir.path(), rounds);
    }
}

fn font_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/DejaVuSans.ttf")
}

fn ladder(input: &Path, plan: &LadderPlan, opts: &RenderOptions, dir: &Path, rounds: usize) {
    println!("ladder tr: {TR_LADDER}");
    let rungs: Vec<String> =
        plan.rungs.iter().map(|r| format!("{}x{}@{}k", r.width, r.height, r.bitrate / 1000)).collect();
    println!("ladder: {} (GOP {} frames, {} s segments)", rungs.join(" + "), plan.gop, plan.segment_s);
    // The same graph as ours: the watermark, then split and one scale per rung.
    let mut graph = format!(
        "[0:v]drawtext=fontfile={}:text='SALE 29':expansion=none:fontsize=64:fontcolor=0xFFFFFFFF:x=w-text_w-12:y=h-text_h-12:box=1:boxcolor=0xFF0000FF:boxborderw=12,setsar=1,format=yuv420p,split={}",
        font_path().display(),
        plan.rungs.len()
    );
    for i in 0..plan.rungs.len() {
        graph.push_str(&format!("[s{i}]"));
    }
    for (i, r) in plan.rungs.iter().enumerate() {
        graph.push_str(&format!(";[s{i}]scale={}:{},setsar=1[v{i}]", r.width, r.height));
    }
    let mut ratios = Vec::new();
    let mut cpu_ratios = Vec::new();
    for round in 1..=rounds {
        let ours_dir = dir.join(format!("ladder-ours-{round}"));
        let (ours, ours_cpu) = measure(false, || {
            let master = ours_dir.join("ik-master.m3u8");
            render::render_ladder(input, plan, &master, opts, &mut |_| {}, &AtomicBool::new(false)).expect("ladder");
        });
        if !reference() {
            println!(
                "ladder round {round}: sr-media {:.2} s (cpu {ours_cpu:.1} s, {} bytes)",
                ours.as_secs_f64(),
                dir_size(&ours_dir)
            );
            let _ = std::fs::remove_dir_all(&ours_dir);
            continue;
        }
        let cli_dir = dir.join(format!("ladder-cli-{round}"));
        let (cli, cli_cpu) = measure(true, || {
            let mut cmd = Command::new("ffmpeg");
            cmd.args(["-nostdin", "-v", "error", "-y", "-i"]).arg(input).args(["-filter_complex", &graph]);
            for i in 0..plan.rungs.len() {
                cmd.args(["-map", &format!("[v{i}]")]);
            }
            cmd.args(["-map", "0:a"]);
            let g = plan.gop.to_string();
            cmd.args(["-c:v", "libx264", "-preset", &opts.x264_preset, "-g", &g]);
            cmd.args(["-x264-params", &format!("keyint={g}:min-keyint={g}:scenecut=0")]);
            let mut map = Vec::new();
            for (i, r) in plan.rungs.iter().enumerate() {
                let k = |v: u32| format!("{}k", v / 1000);
                cmd.args([&format!("-b:v:{i}"), &k(r.bitrate)]);
                cmd.args([&format!("-maxrate:v:{i}"), &k(r.bitrate)]);
                cmd.args([&format!("-bufsize:v:{i}"), &k(2 * r.bitrate)]);
                map.push(format!("v:{i},agroup:aud,name:r{}", r.resolution));
            }
            map.push("a:0,agroup:aud,name:audio".into());
            cmd.args(["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"]);
            cmd.args(["-f", "hls", "-hls_time", &plan.segment_s.to_string(), "-hls_playlist_type", "vod"]);
            cmd.args(["-hls_segment_type", "fmp4", "-hls_flags", "independent_segments"]);
            cmd.args(["-master_pl_name", "ik-master.m3u8", "-hls_segment_filename"]);
            cmd.arg(cli_dir.join("%v/seg_%05d.m4s"));
            cmd.args(["-var_stream_map", &map.join(" ")]);
            cmd.arg(cli_dir.join("%v/index.m3u8"));
            let st = cmd.status().expect("run ffmpeg");
            assert!(st.success(), "ffmpeg CLI ladder failed");
        });
        let r = ours.as_secs_f64() / cli.as_secs_f64();
        ratios.push(r);
        cpu_ratios.push(ours_cpu / cli_cpu.max(1e-3));
        println!(
            "ladder round {round}: sr-media {:.2} s (cpu {ours_cpu:.1} s, {} bytes) vs ffmpeg CLI {:.2} s (cpu {cli_cpu:.1} s, {} bytes): {r:.2}x",
            ours.as_secs_f64(),
            dir_size(&ours_dir),
            cli.as_secs_f64(),
            dir_size(&cli_dir),
        );
        let _ = std::fs::remove_dir_all(&ours_dir);
        let _ = std::fs::remove_dir_all(&cli_dir);
    }
    println!("ladder: median {:.2}x wall, {:.2}x cpu over {rounds} round(s)", median(ratios), median(cpu_ratios));
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(
                    |e| {
                        if e.path().is_dir() { dir_size(&e.path()) } else { e.metadata().map(|m| m.len()).unwrap_or(0) }
                    },
                )
                .sum()
        })
        .unwrap_or(0)
}

fn fast_preview(input: &Path, plan: &RenderPlan, opts: &RenderOptions, dir: &Path) {
    let prev = dir.join("preview");
    let start = Instant::now();
    let mut first: Option<Duration> = None;
    render::render_preview(
        input,
        plan,
        &prev,
        opts,
        &mut |e| {
            if let RenderEvent::FirstSegmentReady { .. } = e {
                first.get_or_insert(start.elapsed());
            }
        },
        &AtomicBool::new(false),
    )
    .expect("preview");
    let total = start.elapsed();
    let first = first.expect("first segment event");
    println!(
        "fast preview: first playable segment after {:.3} s (target <= 1 s); whole preview {:.2} s",
        first.as_secs_f64(),
        total.as_secs_f64()
    );
}

fn file_render(
    label: &str,
    input: &Path,
    plan: &RenderPlan,
    chain: &str,
    opts: &RenderOptions,
    dir: &Path,
    rounds: usize,
) {
    let crf = render::x264_crf(plan.quality).to_string();
    let ours_out = dir.join("ours.mp4");
    let cli_out = dir.join("cli.mp4");
    let mut ratios = Vec::new();
    let mut cpu_ratios = Vec::new();
    for round in 1..=rounds {
        let mut size = 0;
        let (ours, ours_cpu) = measure(false, || {
            let out =
                render::render(input, plan, &ours_out, opts, &mut |_| {}, &AtomicBool::new(false)).expect("render");
            size = out.size;
        });
        if !reference() {
            println!("{label} round {round}: sr-media {:.2} s (cpu {ours_cpu:.1} s, {size} bytes)", ours.as_secs_f64());
            continue;
        }
        let (cli, cli_cpu) = measure(true, || {
            let st = Command::new("ffmpeg")
                .args(["-nostdin", "-v", "error", "-y", "-i"])
                .arg(input)
                .args(["-vf", chain])
                .args(["-c:v", "libx264", "-preset", &opts.x264_preset, "-crf", &crf])
                .args(["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"])
                .args(["-movflags", "+faststart"])
                .arg(&cli_out)
                .status()
                .expect("run ffmpeg");
            assert!(st.success(), "ffmpeg CLI failed");
        });
        let cli_size = std::fs::metadata(&cli_out).map(|m| m.len()).unwrap_or(0);
        let r = ours.as_secs_f64() / cli.as_secs_f64();
        ratios.push(r);
        cpu_ratios.push(ours_cpu / cli_cpu.max(1e-3));
        println!(
            "{label} round {round}: sr-media {:.2} s (cpu {ours_cpu:.1} s, {size} bytes) vs ffmpeg CLI {:.2} s (cpu {cli_cpu:.1} s, {cli_size} bytes): {r:.2}x",
            ours.as_secs_f64(),
            cli.as_secs_f64(),
        );
    }
    let _ = std::fs::remove_file(&ours_out);
    let _ = std::fs::remove_file(&cli_out);
    if reference() {
        println!(
            "{label}: median {:.2}x wall, {:.2}x cpu over {rounds} round(s) (target <= 1.0x)",
            median(ratios),
            median(cpu_ratios)
        );
    }
}

/// ImageMagick's own binary (not a wrapper script in front of it on `PATH`), when installed.
fn imagemagick() -> Option<PathBuf> {
    ["/usr/bin/convert-im6.q16", "/usr/bin/magick", "/usr/bin/convert"].iter().map(PathBuf::from).find(|p| p.is_file())
}

fn still(dir: &Path, rounds: usize) {
    let reps: usize = std::env::var("BENCH_STILL_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    // A camera-like JPEG: 4:2:0, quality ~90, with grain so that it weighs what a photo weighs.
    let photo = dir.join("photo.jpg");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=4000x3000:d=1,noise=alls=12:allf=u"])
        .args(["-frames:v", "1", "-update", "1", "-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"])
        .arg(&photo)
        .status()
        .expect("run ffmpeg");
    assert!(st.success(), "photo fixture");
    let info = sr_media::probe(&photo).expect("probe photo");
    let plan = render::plan(&info, &Transformation::parse(TR_STILL)).expect("plan");
    println!(
        "still tr: {TR_STILL} on a {}x{} JPEG of {} bytes -> {}x{}, {reps} renders per round",
        info.width.unwrap_or(0),
        info.height.unwrap_or(0),
        std::fs::metadata(&photo).map(|m| m.len()).unwrap_or(0),
        plan.width,
        plan.height
    );
    let ours_out = dir.join("ours.jpg");
    let im_out = dir.join("im.jpg");
    let cli_out = dir.join("cli.jpg");
    let magick = imagemagick();
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let (mut im_r, mut im_c, mut cli_r, mut cli_c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let (ours, ours_cpu) = measure(false, || {
            for _ in 0..reps {
                render::render(
                    &photo,
                    &plan,
                    &ours_out,
                    &RenderOptions::default(),
                    &mut |_| {},
                    &AtomicBool::new(false),
                )
                .expect("render");
            }
        });
        let per = |t: Duration, c: f64| (t.as_secs_f64() / reps as f64, c / reps as f64);
        let (ow, oc) = per(ours, ours_cpu);
        let mut line =
            format!("still round {round} (per photo): sr-media {ow:.3} s (cpu {oc:.3} s, {} bytes)", size(&ours_out));
        if !reference() {
            println!("{line}");
            continue;
        }
        if let Some(im) = &magick {
            let (t, c) = measure(true, || {
                for _ in 0..reps {
                    let st = Command::new(im)
                        .arg(&photo)
                        .args(["-resize", "1200x1200", "-quality", "80"])
                        .arg(&im_out)
                        .status()
                        .expect("run ImageMagick");
                    assert!(st.success(), "ImageMagick failed");
                }
            });
            im_r.push(ours.as_secs_f64() / t.as_secs_f64());
            im_c.push(ours_cpu / c.max(1e-3));
            let (w, cp) = per(t, c);
            line.push_str(&format!(
                " vs ImageMagick {w:.3} s (cpu {cp:.3} s, {} bytes): {:.2}x",
                size(&im_out),
                ours.as_secs_f64() / t.as_secs_f64()
            ));
        }
        let (t, c) = measure(true, || {
            for _ in 0..reps {
                let st = Command::new("ffmpeg")
                    .args(["-nostdin", "-v", "error", "-y", "-i"])
                    .arg(&photo)
                    .args(["-vf", &format!("scale={}:{}", plan.width, plan.height), "-q:v", "4"])
                    .args(["-frames:v", "1", "-update", "1"])
                    .arg(&cli_out)
                    .status()
                    .expect("run ffmpeg");
                assert!(st.success(), "ffmpeg CLI failed");
            }
        });
        cli_r.push(ours.as_secs_f64() / t.as_secs_f64());
        cli_c.push(ours_cpu / c.max(1e-3));
        let (w, cp) = per(t, c);
        line.push_str(&format!(
            " vs ffmpeg CLI {w:.3} s (cpu {cp:.3} s, {} bytes): {:.2}x",
            size(&cli_out),
            ours.as_secs_f64() / t.as_secs_f64()
        ));
        println!("{line}");
    }
    if reference() {
        if magick.is_some() {
            println!(
                "still vs ImageMagick: median {:.2}x wall, {:.2}x cpu over {rounds} round(s) (target <= 1.0x)",
                median(im_r),
                median(im_c)
            );
        }
        println!(
            "still vs ffmpeg CLI: median {:.2}x wall, {:.2}x cpu over {rounds} round(s) (target <= 1.0x)",
            median(cli_r),
            median(cli_c)
        );
    }
    for p in [&photo, &ours_out, &im_out, &cli_out] {
        let _ = std::fs::remove_file(p);
    }
}
