//! Delivery benchmark, side by side in one run, on a generated 30 s 1080p clip with sound:
//!
//! * **First delivery** of a transformed video by the Sandbox (`GET …/clip.mp4?tr=<TR>` with a
//!   poll window long enough to wait for the render, body read to the end) against the local
//!   preview's `sr_media::render` of the same `tr` (plan + render to a file), in rounds
//!   (`BENCH_ROUNDS`, default 3; a fresh Sandbox each round so nothing is cached) that alternate
//!   which goes first. Target ≤ 1.1×: it
//!   is the same renderer plus HTTP.
//! * **Cached delivery**: the same URL again (a file in the render cache) against the original
//!   file's URL, both read to the end repeatedly for about `BENCH_SERVE_SECONDS` (default 2) each,
//!   in bytes per second. Target ≥ 80% of the original's throughput.
//!
//! Wall time and CPU time (user + sys of this process, from `/proc`; both sides run in it).
//! Run: `cargo bench -p sr-emulator --bench delivery`. `BENCH_SECONDS` sets the clip length.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use sr_emulator::{EmulatorConfig, SeedFile};
use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo};
use sr_media::render::{self, PlanOptions, RenderOptions};

/// The shop-grid downscale case of issue 14: 1:1 crop, turn, text, 720² output.
const TR: &str = "w-1080,h-1080,cm-extract:rt-90:l-text,i-SALE%2029,fs-40,co-FFFFFF,lfo-top_left,l-end:w-720";

fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|v| v.parse().unwrap_or(0.0)).collect();
    let get = |i: usize| f.get(i - 3).copied().unwrap_or(0.0) / 100.0;
    get(14) + get(15)
}

fn env_num(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn local(input: &Path, out: &Path) -> (f64, f64) {
    let (c0, t) = (cpu_s(), Instant::now());
    let info = sr_media::probe(input).unwrap();
    let plan = render::plan_with(&info, &Transformation::parse(TR), &PlanOptions::default()).unwrap();
    render::render(input, &plan, out, &RenderOptions::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    (t.elapsed().as_secs_f64(), cpu_s() - c0)
}

async fn sandbox(rt_dir: &Path, bytes: &[u8], http: &reqwest::Client) -> (f64, f64, String, String) {
    let mut cfg = EmulatorConfig::with_keys(rt_dir, "private_bench", "public_bench");
    cfg.poll_window = Duration::from_secs(3600);
    let emu = sr_emulator::start(cfg, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    emu.seed_files(&[SeedFile::new("/bench/clip.mp4", bytes.to_vec())]).unwrap();
    let original = format!("{}bench/clip.mp4", emu.url_endpoint());
    let url = format!("{original}?tr={TR}");
    let (c0, t) = (cpu_s(), Instant::now());
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    let n = r.bytes().await.unwrap().len();
    assert!(n > 0);
    let out = (t.elapsed().as_secs_f64(), cpu_s() - c0, url, original);
    // Keep the emulator running for the cached part: leak it deliberately (the process ends).
    std::mem::forget(emu);
    out
}

async fn throughput(http: &reqwest::Client, url: &str, seconds: f64) -> (f64, usize, u64) {
    let t = Instant::now();
    let (mut bytes, mut n) = (0u64, 0usize);
    while n < 3 || t.elapsed().as_secs_f64() < seconds {
        let r = http.get(url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        bytes += r.bytes().await.unwrap().len() as u64;
        n += 1;
    }
    (bytes as f64 / t.elapsed().as_secs_f64(), n, bytes / n as u64)
}

fn main() {
    let seconds = env_num("BENCH_SECONDS", 30.0);
    let rounds = env_num("BENCH_ROUNDS", 3.0) as usize;
    let serve_s = env_num("BENCH_SERVE_SECONDS", 2.0);
    let dir = tempfile::tempdir().unwrap();
    eprintln!("generating a {seconds} s 1080p clip with sound…");
    let spec = FixtureVideo {
        width: 1920,
        height: 1080,
        seconds,
        fps: 30,
        with_audio: true,
        faststart: true,
        ..Default::default()
    };
    let input = fixtures::video(dir.path(), "clip.mp4", spec);
    let bytes = std::fs::read(&input).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let http = reqwest::Client::new();

    println!("tr = {TR}");
    println!("input: {seconds} s 1920x1080 30 fps H.264 + AAC, {:.1} MB", bytes.len() as f64 / 1e6);
    println!();
    println!(
        "| round | local render wall s | cpu s | Sandbox first delivery wall s | cpu s | wall ratio | cpu ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    let mut last = None;
    for round in 1..=rounds {
        let out = dir.path().join(format!("local-{round}.mp4"));
        let data = dir.path().join(format!("sandbox-{round}"));
        // Alternate which goes first, so a drift in the machine's load hits both alike.
        let (lw, lc, sw, sc, url, original) = if round % 2 == 1 {
            let (lw, lc) = local(&input, &out);
            let (sw, sc, url, original) = rt.block_on(sandbox(&data, &bytes, &http));
            (lw, lc, sw, sc, url, original)
        } else {
            let (sw, sc, url, original) = rt.block_on(sandbox(&data, &bytes, &http));
            let (lw, lc) = local(&input, &out);
            (lw, lc, sw, sc, url, original)
        };
        let _ = std::fs::remove_file(&out);
        println!("| {round} | {lw:.2} | {lc:.2} | {sw:.2} | {sc:.2} | {:.3}× | {:.3}× |", sw / lw, sc / lc);
        ratios.push((sw / lw, sc / lc));
        last = Some((url, original));
    }
    let mut w: Vec<f64> = ratios.iter().map(|r| r.0).collect();
    let mut c: Vec<f64> = ratios.iter().map(|r| r.1).collect();
    w.sort_by(f64::total_cmp);
    c.sort_by(f64::total_cmp);
    println!("median: wall {:.3}×, cpu {:.3}× (target ≤ 1.1×)", w[w.len() / 2], c[c.len() / 2]);
    println!();

    let (url, original) = last.expect("at least one round");
    let (cached, orig) = rt.block_on(async {
        // Interleaved halves so that load changes hit both alike.
        let a1 = throughput(&http, &url, serve_s / 2.0).await;
        let b1 = throughput(&http, &original, serve_s / 2.0).await;
        let a2 = throughput(&http, &url, serve_s / 2.0).await;
        let b2 = throughput(&http, &original, serve_s / 2.0).await;
        (((a1.0 + a2.0) / 2.0, a1.1 + a2.1, a1.2), ((b1.0 + b2.0) / 2.0, b1.1 + b2.1, b1.2))
    });
    println!("| served | file size MB | requests | MB/s |");
    println!("|---|---|---|---|");
    println!("| cached transformed output | {:.2} | {} | {:.1} |", cached.2 as f64 / 1e6, cached.1, cached.0 / 1e6);
    println!("| original file | {:.2} | {} | {:.1} |", orig.2 as f64 / 1e6, orig.1, orig.0 / 1e6);
    println!("cached / original throughput: {:.1}% (target ≥ 80%)", 100.0 * cached.0 / orig.0);
}
