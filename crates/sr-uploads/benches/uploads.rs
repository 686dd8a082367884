//! Upload queue benchmarks, figures printed side by side in one run:
//!
//! 1. one 2 GB video through the queue: the uploader's peak RSS growth (target < 64 MB);
//! 2. 500 small files against an emulator adding 50 ms to every upload: concurrency 4 vs 1 (target ≥ 3×).
//!
//! The emulator runs in a child process (this binary re-executed with `SR_BENCH_EMULATOR=<dir>`) so its
//! memory is not counted as the uploader's. `SR_BENCH_BIG_MB` shrinks the big file for a quick run.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sr_library::{Asset, AssetKind, AssetStatus, JobSpec, Library, NewJob};
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret, Timeouts};
use sr_uploads::{AccountLimits, Settings, SystemClock, UploadTarget, Uploader};
use tokio_util::sync::CancellationToken;

const KEY: &str = "private_bench";

fn main() {
    if let Ok(dir) = std::env::var("SR_BENCH_EMULATOR") {
        return serve_emulator(PathBuf::from(dir));
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let tmp =
        tempfile::tempdir_in(std::env::var_os("SR_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into())).unwrap();
    let big_mb: u64 = std::env::var("SR_BENCH_BIG_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);

    let (mut emu, base) = spawn_emulator(&tmp.path().join("emu"), 0);
    let big = rt.block_on(big_file(tmp.path(), &base, big_mb * 1_000_000));
    let _ = emu.kill();
    let _ = emu.wait();

    let (mut emu, base) = spawn_emulator(&tmp.path().join("emu-small"), 50);
    let c1 = rt.block_on(small_files(tmp.path(), &base, 1));
    let c4 = rt.block_on(small_files(tmp.path(), &base, 4));
    let _ = emu.kill();
    let _ = emu.wait();

    println!();
    println!("sr-uploads benchmark                                    result        target");
    println!(
        "  {:>5} MB file: peak RSS growth of the uploader        {:>7.1} MB    < 64 MB   ({:.0} MB/s)",
        big.0 / 1_000_000,
        big.1 as f64 / 1_048_576.0,
        big.0 as f64 / 1_000_000.0 / big.2.as_secs_f64()
    );
    println!("  500 small files, 50 ms latency, concurrency 1       {:>7.2} s", c1.as_secs_f64());
    println!("  500 small files, 50 ms latency, concurrency 4       {:>7.2} s", c4.as_secs_f64());
    println!(
        "  speed-up 4 vs 1                                      {:>7.2}×      ≥ 3×",
        c1.as_secs_f64() / c4.as_secs_f64()
    );
}

fn serve_emulator(dir: PathBuf) {
    let latency: u64 = std::env::var("SR_BENCH_LATENCY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir, KEY, "public_bench");
        cfg.limits.max_video_bytes = 4 << 30;
        // The bench file is not real video, so the emulator sniffs it as a plain file.
        cfg.limits.max_file_bytes = 4 << 30;
        let h = sr_emulator::start(cfg, ([127, 0, 0, 1], 0).into()).await.unwrap();
        if latency > 0 {
            h.faults().add(sr_emulator::FaultRule::new("upload", sr_emulator::FaultAction::Latency { ms: latency }));
        }
        println!("{}", h.base_url());
        std::io::stdout().flush().unwrap();
        // Serve until the parent closes our stdin (or kills us).
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await;
    });
}

fn spawn_emulator(dir: &Path, latency_ms: u64) -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("SR_BENCH_EMULATOR", dir)
        .env("SR_BENCH_LATENCY_MS", latency_ms.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().to_owned())
}

fn client(base: &str) -> Client {
    let cfg = RemoteConfig::new(base, base, format!("{base}/bench/"), RemoteAuth::PrivateKey(Secret::new(KEY)));
    Client::with_timeouts(
        cfg,
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(600),
            response: Duration::from_secs(600),
        },
    )
    .unwrap()
}

fn record(lib: &Library, path: &Path, kind: AssetKind) -> i64 {
    let meta = std::fs::metadata(path).unwrap();
    let size = meta.len();
    let a = Asset {
        id: 0,
        path: path.to_owned(),
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        size,
        mtime_ns: meta.modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i64,
        sample_hash: sr_library::identity::sampled_hash(path, size).unwrap(),
        full_hash: sr_library::identity::full_hash(path, size).unwrap(),
        kind,
        container: None,
        video_codec: None,
        audio_codec: None,
        width: None,
        height: None,
        rotation: 0,
        duration_s: None,
        frame_rate: None,
        bit_rate: None,
        thumb_path: None,
        status: AssetStatus::Local,
        status_detail: None,
        remote_folder: "/".into(),
        imported_at: 0,
        updated_at: 0,
    };
    lib.insert_assets_for_tests(&[a]).unwrap()[0]
}

fn target(base: &str) -> UploadTarget {
    UploadTarget {
        account: "bench".into(),
        client: client(base),
        limits: AccountLimits { max_file_bytes: 50 << 20, max_video_bytes: 4 << 30 },
    }
}

fn rss_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Uploads one `bytes`-long video; returns (bytes, peak RSS growth in bytes, time).
async fn big_file(dir: &Path, base: &str, bytes: u64) -> (u64, u64, Duration) {
    let path = dir.join("big.mp4");
    {
        let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
        let mut block: Vec<u8> = (0..(1u32 << 20)).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut left = bytes;
        let mut n = 0u64;
        while left > 0 {
            block[..8].copy_from_slice(&n.to_le_bytes());
            let take = left.min(block.len() as u64) as usize;
            f.write_all(&block[..take]).unwrap();
            left -= take as u64;
            n += 1;
        }
    }
    let lib = Arc::new(Library::open(&dir.join("lib-big")).unwrap());
    let id = record(&lib, &path, AssetKind::Video);
    lib.add_upload_jobs(
        "bench",
        &[NewJob {
            asset_id: id,
            priority: 0,
            spec: JobSpec { folder: "/big/".into(), file_name: "big.mp4".into(), ..JobSpec::default() },
        }],
        0,
    )
    .unwrap();
    // Forget the peak left by writing and hashing the file: measure the upload alone.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss_kb("VmRSS:");
    let t = Instant::now();
    let up = Uploader::new(
        lib.clone(),
        target(base),
        Arc::new(SystemClock),
        Settings { concurrency: 1, ..Settings::default() },
        None,
    );
    let s = up.run(true, CancellationToken::new(), |_| {}).await.unwrap();
    let took = t.elapsed();
    assert_eq!(s.done, 1, "the big upload did not finish: {:?}", lib.upload_jobs(None).unwrap());
    let peak = rss_kb("VmHWM:");
    let _ = std::fs::remove_file(&path);
    (bytes, peak.saturating_sub(before) * 1024, took)
}

/// Uploads 500 small files with `concurrency`; returns the time.
async fn small_files(dir: &Path, base: &str, concurrency: usize) -> Duration {
    let files = dir.join(format!("small-{concurrency}"));
    std::fs::create_dir_all(&files).unwrap();
    let lib = Arc::new(Library::open(&dir.join(format!("lib-small-{concurrency}"))).unwrap());
    let mut jobs = Vec::new();
    for i in 0..500u32 {
        let path = files.join(format!("s{i:03}.bin"));
        let bytes: Vec<u8> =
            (0..4096u32).map(|b| (b ^ i ^ (concurrency as u32) << 12).wrapping_mul(31) as u8).collect();
        let mut bytes = bytes;
        bytes[..4].copy_from_slice(&i.to_le_bytes());
        bytes[4] = concurrency as u8;
        std::fs::write(&path, &bytes).unwrap();
        let id = record(&lib, &path, AssetKind::Image);
        jobs.push(NewJob {
            asset_id: id,
            priority: 0,
            spec: JobSpec {
                folder: format!("/c{concurrency}/"),
                file_name: format!("s{i:03}.bin"),
                ..JobSpec::default()
            },
        });
    }
    lib.add_upload_jobs("bench", &jobs, 0).unwrap();
    let t = Instant::now();
    let settings = Settings { concurrency, ..Settings::default() };
    let s = Uploader::new(lib, target(base), Arc::new(SystemClock), settings, None)
        .run(true, CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(s.done, 500);
    t.elapsed()
}
