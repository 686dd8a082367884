//! Upload throughput and memory: sr-remote against curl, to the same emulator endpoint.
//!
//! `cargo bench -p sr-remote --bench upload` (env `BENCH_BYTES`, default 1 GiB; `BENCH_ROUNDS`, default 3).
//! The emulator runs in a child process (this binary, re-executed), so the client's RSS is measured alone.
//! Each round uploads the same file once with the client and once with
//! `curl -s -F file=@F -F fileName=x -u KEY: URL`, alternating which goes first. Targets: client
//! throughput >= 0.9x curl, client peak RSS growth < 64 MB.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret, UploadRequest, UploadSource};

const KEY: &str = "private_bench_key";
const ROLE_ENV: &str = "SR_REMOTE_BENCH_EMULATOR_DIR";

fn main() {
    if let Ok(dir) = std::env::var(ROLE_ENV) {
        run_emulator(&dir);
        return;
    }
    let bytes: u64 = std::env::var("BENCH_BYTES").ok().and_then(|s| s.parse().ok()).unwrap_or(1 << 30);
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let work = tempfile::tempdir().expect("temp dir");
    let file = work.path().join("bench.bin");
    write_file(&file, bytes);

    // The emulator in its own process: this binary with the role variable set.
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(ROLE_ENV, work.path().join("emu"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start emulator child");
    let mut base = String::new();
    BufReader::new(child.stdout.take().expect("child stdout")).read_line(&mut base).expect("emulator base url");
    let base = base.trim().to_owned();
    let upload_url = format!("{base}/api/v1/files/upload");

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let client = Client::new(RemoteConfig::new(
        &base,
        &base,
        format!("{base}/sandbox/"),
        RemoteAuth::PrivateKey(Secret::new(KEY)),
    ))
    .expect("client");

    // Warm the connection pool with a small upload, then take the baseline.
    rt.block_on(async {
        let up = client
            .upload(UploadRequest::new(UploadSource::Bytes(vec![1u8; 1 << 20].into()), "warm"), |_| {}, None)
            .await
            .expect("warm-up upload");
        client.delete_file(&up.file_id).await.expect("delete warm-up");
    });
    let baseline = status_kb("VmRSS");
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(status_kb("VmRSS"), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };

    let mut client_secs = Vec::new();
    let mut curl_secs = Vec::new();
    for round in 0..rounds {
        let client_first = round % 2 == 0;
        for which in if client_first { ["client", "curl"] } else { ["curl", "client"] } {
            if which == "client" {
                let (secs, id) = rt.block_on(upload_once(&client, &file, false));
                client_secs.push(secs);
                rt.block_on(client.delete_file(&id)).expect("delete");
            } else {
                let (secs, id) = curl_once(&upload_url, &file);
                curl_secs.push(secs);
                rt.block_on(client.delete_file(&id)).expect("delete");
            }
            println!(
                "round {} {which:>6}: {:8.1} MB/s",
                round + 1,
                mb_s(bytes, *last(which, &client_secs, &curl_secs))
            );
        }
    }
    // One more client round with the blake3 hash on, to show its cost.
    let (hash_secs, id) = rt.block_on(upload_once(&client, &file, true));
    rt.block_on(client.delete_file(&id)).expect("delete");

    sampling.store(false, Ordering::Relaxed);
    sampler.join().expect("sampler");
    let peak_growth_mb = (peak.load(Ordering::Relaxed).saturating_sub(baseline)) as f64 / 1024.0;
    let hwm_mb = status_kb("VmHWM") as f64 / 1024.0;

    let client_mbs = mb_s(bytes, median(&mut client_secs));
    let curl_mbs = mb_s(bytes, median(&mut curl_secs));
    let ratio = client_mbs / curl_mbs;
    println!("file: {:.1} MiB, rounds: {rounds}", bytes as f64 / (1 << 20) as f64);
    println!("client (median):        {client_mbs:8.1} MB/s");
    println!("curl   (median):        {curl_mbs:8.1} MB/s");
    println!("client / curl:          {ratio:8.2}x   (target >= 0.90) {}", verdict(ratio >= 0.9));
    println!("client + blake3 hash:   {:8.1} MB/s", mb_s(bytes, hash_secs));
    println!("client peak RSS growth: {peak_growth_mb:8.1} MB   (target < 64) {}", verdict(peak_growth_mb < 64.0));
    println!("client VmHWM:           {hwm_mb:8.1} MB (whole process, includes the fixture writer)");

    drop(child.stdin.take()); // the child stops when its stdin closes
    let _ = child.wait();
}

async fn upload_once(client: &Client, file: &Path, hash: bool) -> (f64, String) {
    let started = Instant::now();
    let up = client
        .upload(
            UploadRequest { compute_hash: hash, ..UploadRequest::new(UploadSource::Path(file.to_owned()), "x") },
            |_| {},
            None,
        )
        .await
        .expect("client upload");
    (started.elapsed().as_secs_f64(), up.file_id)
}

fn curl_once(url: &str, file: &Path) -> (f64, String) {
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["-s", "-F"])
        .arg(format!("file=@{}", file.display()))
        .args(["-F", "fileName=x", "-u", &format!("{KEY}:"), url])
        .output()
        .expect("curl is installed");
    let secs = started.elapsed().as_secs_f64();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("curl got JSON");
    let id = json["fileId"].as_str().unwrap_or_else(|| panic!("curl upload failed: {json}")).to_owned();
    (secs, id)
}

fn run_emulator(dir: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir, KEY, "public_bench_key");
        cfg.limits = sr_emulator::PlanLimits { max_file_bytes: u64::MAX / 4, max_video_bytes: u64::MAX / 4 };
        let handle = sr_emulator::start(cfg, "127.0.0.1:0".parse().expect("addr")).await.expect("emulator");
        println!("{}", handle.base_url());
        std::io::stdout().flush().expect("flush");
        // Serve until the parent closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .expect("stdin watcher");
        handle.shutdown().await;
    });
}

fn write_file(path: &Path, bytes: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create fixture"));
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        for b in chunk.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b.copy_from_slice(&x.to_le_bytes());
        }
        let n = left.min(chunk.len() as u64) as usize;
        f.write_all(&chunk[..n]).expect("write fixture");
        left -= n as u64;
    }
    // Written back to disk before measuring, so the first round does not compete with the writeback.
    f.into_inner().expect("flush fixture").sync_all().expect("sync fixture");
}

/// A `kB` line of /proc/self/status, in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn mb_s(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn last<'a>(which: &str, client: &'a [f64], curl: &'a [f64]) -> &'a f64 {
    if which == "client" { client.last().expect("a client round") } else { curl.last().expect("a curl round") }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "OK" } else { "MISSED" }
}
