//! Sync benchmarks against the emulator, figures printed side by side in one run, each beside its
//! target from issue 11:
//!
//! 1. the first sync of a library with 50,000 remote files in 1,000 folders (pull of the fields,
//!    the folders and every file, then 50,000 remote-only assets adopted): time, requests, and the
//!    sync's peak memory — RSS (VmHWM, the figure the target is about: the mapped database and
//!    SQLite's page caches included), its anonymous and file-backed parts, the Rust heap (a
//!    counting allocator) and SQLite's own allocations (`sqlite3_memory_highwater`). The emulator
//!    runs in a child process (this binary again, see [`emulator_child`]), so none of its memory
//!    is in these figures; its own peak is printed apart;
//! 2. a no-change incremental sync: time and requests;
//! 3. a full delete check (the full id listing): requests and time;
//! 4. one tag added to 1,000 linked assets, pushed: requests and time;
//! 5. planning 50,000 assets (the pure planner over `sync_inputs`; reading the inputs apart).
//!
//! `SR_BENCH_FILES` (default 50000) shrinks it for a quick run; `SR_BENCH_DIR` picks the disk;
//! `SR_BENCH_FIRST_ONLY` stops after the first sync (its memory figures).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Map;
use sr_emulator::{EmulatorConfig, SeedFile};
use sr_library::Library;
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret};
use sr_sync::{PlanOptions, SyncOptions, SyncReport, Syncer};
use tokio_util::sync::CancellationToken;

/// Counts the Rust heap of this process (the emulator is another process).
struct Counting;

static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size() as i64, Ordering::Relaxed) + layout.size() as i64;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(p, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Set (to the emulator's data directory) in the child that runs the emulator.
const CHILD_ENV: &str = "SR_BENCH_EMULATOR_DIR";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn status_kb(key: &str) -> u64 {
    status_kb_of("self", key)
}

/// A `kB` line of `/proc/<pid>/status`.
fn status_kb_of(pid: &str, key: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn run(s: &Syncer, o: &SyncOptions) -> (SyncReport, Duration) {
    let t = Instant::now();
    let r = s.run(o, CancellationToken::new(), |_| {}).await.unwrap();
    assert!(r.errors.is_empty(), "{:?}", &r.errors[..r.errors.len().min(3)]);
    (r, t.elapsed())
}

/// SQLite's own allocations (page caches, statements, ...), outside Rust's allocator.
fn sqlite_bytes(reset_peak: bool) -> (i64, i64) {
    // SAFETY: plain reads of SQLite's global memory statistics.
    unsafe { (rusqlite::ffi::sqlite3_memory_used(), rusqlite::ffi::sqlite3_memory_highwater(i32::from(reset_peak))) }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        emulator_child(dir.into());
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(bench());
}

/// The child: starts the emulator, seeds it, prints `READY <base url> <url endpoint>` and serves
/// until its stdin closes (the bench finished, or died).
fn emulator_child(dir: std::path::PathBuf) {
    let files = env("SR_BENCH_FILES", 50_000) as usize;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let emu = rt
        .block_on(sr_emulator::start(
            EmulatorConfig::with_keys(dir, "private_test", "public_test"),
            ([127, 0, 0, 1], 0).into(),
        ))
        .unwrap();
    let t = Instant::now();
    for start in (0..files).step_by(5_000) {
        let seeds: Vec<SeedFile> = (start..files.min(start + 5_000))
            .map(|i| SeedFile {
                path: format!("/f{:03}/item-{i:05}.jpg", i % 1000),
                tags: vec![format!("t{}", i % 7)],
                metadata: Map::new(),
                bytes: format!("bench file {i}").into_bytes(),
            })
            .collect();
        emu.seed_files(&seeds).unwrap();
    }
    eprintln!("seeded {files} files in {:.1} s", t.elapsed().as_secs_f64());
    println!("READY {} {}", emu.base_url(), emu.url_endpoint());
    std::io::stdout().flush().unwrap();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    rt.block_on(emu.shutdown());
}

/// The emulator's process; it ends when this is dropped (its stdin closes).
struct EmulatorProcess {
    child: Child,
    base: String,
    url_endpoint: String,
}

impl EmulatorProcess {
    fn start(dir: &std::path::Path) -> EmulatorProcess {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(CHILD_ENV, dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some("READY"), "the emulator did not start: {line:?}");
        let (base, url_endpoint) = (words.next().unwrap().to_owned(), words.next().unwrap().to_owned());
        EmulatorProcess { child, base, url_endpoint }
    }
    fn peak_rss_mb(&self) -> f64 {
        status_kb_of(&self.child.id().to_string(), "VmHWM:") as f64 / 1024.0
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Samples this process's anonymous and file-backed resident memory every 5 ms.
struct Sampler {
    running: Arc<AtomicBool>,
    peaks: Arc<(AtomicU64, AtomicU64)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start() -> Sampler {
        let running = Arc::new(AtomicBool::new(true));
        let peaks = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
        let (r, p) = (running.clone(), peaks.clone());
        let thread = std::thread::spawn(move || {
            while r.load(Ordering::Relaxed) {
                p.0.fetch_max(status_kb("RssAnon:"), Ordering::Relaxed);
                p.1.fetch_max(status_kb("RssFile:"), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Sampler { running, peaks, thread: Some(thread) }
    }
    /// Peak (anonymous, file-backed) in kB.
    fn stop(mut self) -> (u64, u64) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        (self.peaks.0.load(Ordering::Relaxed), self.peaks.1.load(Ordering::Relaxed))
    }
}

async fn bench() {
    let tmp =
        tempfile::tempdir_in(std::env::var_os("SR_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into())).unwrap();
    let files = env("SR_BENCH_FILES", 50_000) as usize;
    let emu = EmulatorProcess::start(&tmp.path().join("emulator"));
    let base = emu.base.clone();
    let client = Client::new(RemoteConfig::new(
        &base,
        &base,
        emu.url_endpoint.clone(),
        RemoteAuth::PrivateKey(Secret::new("private_test")),
    ))
    .unwrap();
    // The library's last change is one file a little later (seeding stamps every file within a
    // few seconds, which no real library does): the incremental pull re-reads the 2 s before its
    // checkpoint, so what falls in that window is what a no-change sync costs.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let last = client.list_files(&sr_remote::ListQuery { limit: Some(1), ..Default::default() }).await.unwrap();
    let last_id = last[0].as_file().unwrap().file_id.clone();
    client.add_tags(&[last_id], &["latest".into()]).await.unwrap();
    let account = "bench";
    let lib = Arc::new(Library::open(&tmp.path().join("library")).unwrap());
    let syncer = Syncer {
        library: lib.clone(),
        client,
        account: account.into(),
        gate: sr_remote::shared_gate(account, Duration::from_millis(200)),
    };
    let opts = SyncOptions { dry_run: false, plan: PlanOptions::default(), full_listing: false };

    // 1. First sync. VmHWM is reset to the current RSS first, so its growth is the run's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (rss_before, anon_before, file_before) = (status_kb("VmRSS:"), status_kb("RssAnon:"), status_kb("RssFile:"));
    let sampler = Sampler::start();
    let live_before = LIVE.load(Ordering::Relaxed);
    PEAK.store(live_before, Ordering::Relaxed);
    let sqlite_before = sqlite_bytes(true).0;
    let (first, first_t) = run(&syncer, &opts).await;
    let heap_mb = (PEAK.load(Ordering::Relaxed) - live_before) as f64 / 1_048_576.0;
    let sqlite_mb = (sqlite_bytes(false).1 - sqlite_before) as f64 / 1_048_576.0;
    let (anon_peak, file_peak) = sampler.stop();
    let anon_mb = anon_peak.saturating_sub(anon_before) as f64 / 1024.0;
    let file_mb = file_peak.saturating_sub(file_before) as f64 / 1024.0;
    let peak_mb = status_kb("VmHWM:").saturating_sub(rss_before) as f64 / 1024.0;
    let adopted = first.applied.len();
    if std::env::var_os("SR_BENCH_FIRST_ONLY").is_some() {
        println!(
            "first sync: {:.2} s, {} requests, peak RSS growth {peak_mb:.1} MB (anonymous {anon_mb:.1}, mapped \
             {file_mb:.1}, Rust heap {heap_mb:.1}, SQLite {sqlite_mb:.1})",
            first_t.as_secs_f64(),
            first.requests
        );
        return;
    }

    // 2. No change.
    let (none, none_t) = run(&syncer, &opts).await;
    // 3. Full delete check.
    let (full, full_t) = run(&syncer, &SyncOptions { full_listing: true, ..opts.clone() }).await;
    // 4. One tag on 1,000 linked assets.
    let inputs = lib.sync_inputs(account).unwrap();
    let ids: Vec<i64> = inputs.links.iter().take(1000).map(|l| l.asset_id).collect();
    lib.add_tags(&ids, &["bench-sale".into()], chrono::Utc::now().timestamp()).unwrap();
    let (tag, tag_t) = run(&syncer, &opts).await;
    let tag_calls = tag.applied.len();
    let (after, after_t) = run(&syncer, &opts).await;
    // 5. Planning.
    let t = Instant::now();
    let inputs = lib.sync_inputs(account).unwrap();
    let read_t = t.elapsed();
    let t = Instant::now();
    let plan = sr_sync::plan(&inputs, &PlanOptions::default());
    let plan_t = t.elapsed();
    assert!(plan.operations.is_empty());

    let rss_mb = status_kb("VmHWM:") as f64 / 1024.0;
    let emu_mb = emu.peak_rss_mb();
    drop(emu);

    let row = |what: String, result: String, target: &str| println!("  {what:<58} {result:>12}   {target}");
    println!();
    println!("sr-sync benchmark (emulator on loopback in its own process, {files} files)");
    println!("  {:<58} {:>12}   target", "", "result");
    row(format!("first sync: pull + adopt {adopted} files"), format!("{:.2} s", first_t.as_secs_f64()), "≤ 60 s");
    row("first sync: requests".into(), first.requests.to_string(), "≤ 60");
    row("first sync: peak RSS growth of the sync (VmHWM)".into(), format!("{peak_mb:.1} MB"), "≤ 200 MB");
    row("  of which anonymous (RssAnon, peak)".into(), format!("{anon_mb:.1} MB"), "");
    row("  of which the mapped database (RssFile, peak)".into(), format!("{file_mb:.1} MB"), "");
    row("  Rust heap (allocator, peak)".into(), format!("{heap_mb:.1} MB"), "");
    row("  SQLite's allocations (page caches, peak)".into(), format!("{sqlite_mb:.1} MB"), "");
    row("the bench process's peak RSS (VmHWM)".into(), format!("{rss_mb:.1} MB"), "");
    row("the emulator process's peak RSS (not the sync's)".into(), format!("{emu_mb:.1} MB"), "");
    row("no-change sync".into(), format!("{:.3} s", none_t.as_secs_f64()), "≤ 2 s");
    row("no-change sync: requests".into(), none.requests.to_string(), "≤ 3");
    row(format!("full delete check: requests ({:.2} s)", full_t.as_secs_f64()), full.requests.to_string(), "≤ 60");
    row(
        format!("one tag on 1,000 linked assets: requests ({:.2} s, {tag_calls} ops)", tag_t.as_secs_f64()),
        tag.requests.to_string(),
        "≤ 25",
    );
    row(
        format!("no-change sync right after that push: requests ({:.2} s)", after_t.as_secs_f64()),
        after.requests.to_string(),
        "≤ 3",
    );
    row(
        format!("planning {} assets (reading the inputs: {:.2} s)", inputs.locals.len(), read_t.as_secs_f64()),
        format!("{:.3} s", plan_t.as_secs_f64()),
        "≤ 1 s",
    );
    row("for reference: rclone lists folder by folder (1,000 folders)".into(), "~3,000".into(), "list requests");
}
