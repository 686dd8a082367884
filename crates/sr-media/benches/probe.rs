//! Probe throughput: `sr_media::probe` on a 2-thread rayon pool versus one `ffprobe` process per file.
//!
//! `BENCH_FILES` (default 2000) files of mixed kinds are generated in a temp dir: a few base clips and
//! sounds from the ffmpeg CLI copied under distinct names (with distinct trailing bytes), plus distinct
//! tiny PNG/JPEG photos written with the `image` crate. ffprobe runs over an evenly spread subset of
//! `BENCH_FFPROBE_FILES` (default 400) of the same files, since it costs a process per file; both
//! figures are rates (files/s).
//!
//! Run: `cargo bench -p sr-media --bench probe` (the `fixtures` feature is enabled by dev-dependencies).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use rayon::prelude::*;
use sr_media::fixtures::{self, FixtureVideo, VideoCodec};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let n = env_usize("BENCH_FILES", 2000).max(10);
    let n_ffprobe = env_usize("BENCH_FFPROBE_FILES", 400).clamp(1, n);
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base");
    std::fs::create_dir(&base).unwrap();

    let t0 = Instant::now();
    let clips = [
        fixtures::video(&base, "a.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() }),
        fixtures::video(
            &base,
            "b.mp4",
            FixtureVideo { seconds: 1.0, rotate_deg: 90, faststart: true, ..Default::default() },
        ),
        fixtures::video(
            &base,
            "c.webm",
            FixtureVideo { seconds: 1.0, codec: VideoCodec::Vp9, with_audio: true, ..Default::default() },
        ),
        fixtures::video(&base, "d.mov", FixtureVideo { seconds: 1.0, codec: VideoCodec::ProRes, ..Default::default() }),
        fixtures::audio(&base, "e.m4a", 2.0),
        fixtures::audio(&base, "f.mp3", 2.0),
    ];
    let clip_bytes: Vec<Vec<u8>> = clips.iter().map(|p| std::fs::read(p).unwrap()).collect();

    let mut files: Vec<PathBuf> = Vec::with_capacity(n);
    for i in 0..n {
        // Mix: 50% photos (PNG and JPEG), 50% videos and sounds.
        let path = match i % 10 {
            0..=3 => {
                let path = dir.path().join(format!("photo-{i:05}.png"));
                distinct_image(i).save(&path).unwrap();
                path
            }
            4 => {
                let path = dir.path().join(format!("photo-{i:05}.jpg"));
                distinct_image(i).save(&path).unwrap();
                path
            }
            k => {
                let src = &clips[(k - 5) % clips.len()];
                let ext = src.extension().unwrap().to_str().unwrap();
                let path = dir.path().join(format!("media-{i:05}.{ext}"));
                let mut bytes = clip_bytes[(k - 5) % clips.len()].clone();
                bytes.extend_from_slice(&(i as u64).to_le_bytes());
                std::fs::write(&path, bytes).unwrap();
                path
            }
        };
        files.push(path);
    }
    println!("generated {n} files in {:.1} s", t0.elapsed().as_secs_f64());

    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    // Warm up (libav init, page cache).
    pool.install(|| files.par_iter().take(50).for_each(|p| drop(sr_media::probe(p))));
    let t = Instant::now();
    let ok = pool.install(|| files.par_iter().filter(|p| sr_media::probe(p).is_ok()).count());
    let ours = n as f64 / t.elapsed().as_secs_f64();
    assert_eq!(ok, n, "every generated file probes");
    println!("sr_media::probe, rayon 2 threads: {n} files, {ours:.0} files/s");

    let step = n / n_ffprobe;
    let subset: Vec<&PathBuf> = files.iter().step_by(step.max(1)).take(n_ffprobe).collect();
    let t = Instant::now();
    for p in &subset {
        let status = Command::new("ffprobe")
            .args(["-v", "error", "-show_format", "-show_streams", "-of", "json"])
            .arg(p)
            .stdout(Stdio::null())
            .status()
            .expect("run ffprobe");
        assert!(status.success(), "ffprobe {}", p.display());
    }
    let theirs = subset.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "ffprobe -show_format -show_streams -of json, one process per file: {} files, {theirs:.0} files/s",
        subset.len()
    );
    println!("ratio: probe is {:.1}x ffprobe", ours / theirs);
}

/// A 16x16 picture unique to `i`.
fn distinct_image(i: usize) -> image::RgbImage {
    image::RgbImage::from_fn(16, 16, |x, y| {
        let v = (i as u32).wrapping_mul(2_654_435_761) ^ (x * 31 + y * 17);
        image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
    })
}
