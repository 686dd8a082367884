//! Import indexing throughput (hash + probe + record, thumbnails excluded) versus a loop of
//! `ffprobe` over the same files, in one run.
//!
//! `BENCH_FILES` (default 10000) distinct files are made from a few generated clips, photos and
//! sounds by appending distinct trailing bytes (every decoder ignores them, every hash sees them).
//! `BENCH_FFPROBE_FILES` (default 300) of them, evenly spread, are run through
//! `ffprobe -show_format -show_streams -of json` one process per file, as a script would.
//! Targets: at least 500 files/s and at least 10x the ffprobe loop.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use sr_library::{ImportOptions, Library};
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, VideoCodec};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let n = env("BENCH_FILES", 10_000);
    let n_ffprobe = env("BENCH_FFPROBE_FILES", 300).min(n);
    let work = tempfile::tempdir().expect("temp dir");
    let base_dir = work.path().join("base");
    let files_dir = work.path().join("files");
    std::fs::create_dir_all(&base_dir).unwrap();
    std::fs::create_dir_all(&files_dir).unwrap();

    let bases: Vec<PathBuf> = vec![
        fixtures::video(
            &base_dir,
            "clip.mp4",
            FixtureVideo { width: 640, height: 360, seconds: 1.0, with_audio: true, ..Default::default() },
        ),
        fixtures::video(
            &base_dir,
            "phone.mp4",
            FixtureVideo { width: 640, height: 360, seconds: 1.0, rotate_deg: 90, ..Default::default() },
        ),
        fixtures::video(
            &base_dir,
            "clip.webm",
            FixtureVideo { width: 320, height: 240, seconds: 1.0, codec: VideoCodec::Vp9, ..Default::default() },
        ),
        fixtures::image(&base_dir, "photo.jpg", 800, 600, ImageFormat::Jpeg),
        fixtures::image(&base_dir, "cutout.png", 400, 400, ImageFormat::Png),
        fixtures::audio(&base_dir, "jingle.m4a", 1.0),
    ];
    let contents: Vec<(String, Vec<u8>)> = bases
        .iter()
        .map(|p| (p.extension().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    let mut paths = Vec::with_capacity(n);
    for i in 0..n {
        let (ext, bytes) = &contents[i % contents.len()];
        let sub = files_dir.join(format!("batch{:03}", i / 500));
        std::fs::create_dir_all(&sub).unwrap();
        let path = sub.join(format!("asset-{i:05}.{ext}"));
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(bytes).unwrap();
        f.write_all(format!("stockroom-bench-{i}").as_bytes()).unwrap();
        paths.push(path);
    }
    let total_bytes: u64 = paths.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    println!("{n} files, {:.1} MB, kinds: mp4, rotated mp4, webm, jpg, png, m4a", total_bytes as f64 / 1e6);

    // Stockroom: one import of the whole folder into a fresh library, thumbnails excluded.
    let lib_dir = work.path().join("library");
    let library = Library::open(&lib_dir).unwrap();
    let opts = ImportOptions { thumbnails: false, now: 1_700_000_000, ..ImportOptions::default() };
    let t = Instant::now();
    let report = library.import(std::slice::from_ref(&files_dir), &opts, &|_| {}, None).unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.imported.len(), n, "every file is distinct media: {:?}", report.skipped.first());
    let ours = n as f64 / secs;

    // Reference: ffprobe, one process per file, over an evenly spread subset.
    let step = (n / n_ffprobe.max(1)).max(1);
    let subset: Vec<&PathBuf> = paths.iter().step_by(step).take(n_ffprobe).collect();
    let t = Instant::now();
    for p in &subset {
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-show_format", "-show_streams", "-of", "json"])
            .arg(p)
            .output()
            .expect("ffprobe runs");
        assert!(out.status.success());
    }
    let ffprobe = subset.len() as f64 / t.elapsed().as_secs_f64();

    println!(
        "stockroom import (sampled+full BLAKE3, in-process probe, SQLite): {ours:>8.0} files/s  ({secs:.2} s for {n})"
    );
    println!("ffprobe loop (one process per file, {} files):              {ffprobe:>8.0} files/s", subset.len());
    println!("ratio: {:.1}x   targets: >= 500 files/s and >= 10x ffprobe", ours / ffprobe);
}
