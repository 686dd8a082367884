//! Sync benchmarks against the emulator, figures printed side by side in one run, each beside its
//! target from issue 11:
//!
//! 1. the first sync of a library with 50,000 remote files in 1,000 folders (pull of the fields,
//!    the folders and every file, then 50,000 remote-only assets adopted): time, requests, peak
//!    memory three ways — the Rust heap of the sync side alone (a counting allocator on the
//!    runtime the syncs run on; the emulator serves from another), the process's anonymous
//!    memory (emulator and both SQLite caches included: the library's writer may cache 64 MiB,
//!    its readers 16 MiB each, SQLite allocating outside Rust's allocator), and RSS with the
//!    library's memory-mapped database;
//! 2. a no-change incremental sync: time and requests;
//! 3. a full delete check (the full id listing): requests and time;
//! 4. one tag added to 1,000 linked assets, pushed: requests and time;
//! 5. planning 50,000 assets (the pure planner over `sync_inputs`; reading the inputs apart).
//!
//! `SR_BENCH_FILES` (default 50000) shrinks it for a quick run; `SR_BENCH_DIR` picks the disk.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Map;
use sr_emulator::{EmulatorConfig, SeedFile};
use sr_library::Library;
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret};
use sr_sync::{PlanOptions, SyncOptions, SyncReport, Syncer};
use tokio_util::sync::CancellationToken;

/// Counts the heap of the sync side only: allocations made on the threads of the runtime the
/// syncs run on (the emulator serves from a runtime of its own, in the same process).
struct Counting;

static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);
thread_local! {
    static SYNC_SIDE: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && SYNC_SIDE.try_with(Cell::get).unwrap_or(false) {
            let now = LIVE.fetch_add(layout.size() as i64, Ordering::Relaxed) + layout.size() as i64;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if SYNC_SIDE.try_with(Cell::get).unwrap_or(false) {
            LIVE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        unsafe { System.dealloc(p, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn status_kb(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
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

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // The emulator on a runtime of its own; the syncs on this one, whose threads are counted.
    let emu_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(|| SYNC_SIDE.with(|c| c.set(true)))
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(bench(emu_rt.handle().clone()));
}

async fn bench(emu_rt: tokio::runtime::Handle) {
    let tmp =
        tempfile::tempdir_in(std::env::var_os("SR_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into())).unwrap();
    let files = env("SR_BENCH_FILES", 50_000) as usize;
    let config = EmulatorConfig::with_keys(tmp.path().join("emulator"), "private_test", "public_test");
    let emu = emu_rt.spawn(sr_emulator::start(config, ([127, 0, 0, 1], 0).into())).await.unwrap().unwrap();
    let t = Instant::now();
    for chunk in (0..files).collect::<Vec<_>>().chunks(5_000) {
        let seeds: Vec<SeedFile> = chunk
            .iter()
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
    let base = emu.base_url();
    let client = Client::new(RemoteConfig::new(
        &base,
        &base,
        emu.url_endpoint(),
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

    // 1. First sync. The library maps its database (mmap), so resident pages of the file count
    // in RSS too: the heap's own peak (RssAnon, sampled every 5 ms) is printed beside it.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = status_kb("VmRSS:");
    let anon_before = status_kb("RssAnon:");
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_kb("RssAnon:"));
                std::thread::sleep(Duration::from_millis(5));
            }
            peak
        })
    };
    let live_before = LIVE.load(Ordering::Relaxed);
    PEAK.store(live_before, Ordering::Relaxed);
    let (first, first_t) = run(&syncer, &opts).await;
    let sync_heap_mb = (PEAK.load(Ordering::Relaxed) - live_before) as f64 / 1_048_576.0;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let anon_mb = sampler.join().unwrap().saturating_sub(anon_before) as f64 / 1024.0;
    let peak_mb = status_kb("VmHWM:").saturating_sub(rss_before) as f64 / 1024.0;
    let adopted = first.applied.len();

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

    println!();
    println!("sr-sync benchmark (emulator on loopback, {files} files)        result          target");
    println!(
        "  first sync: pull + adopt {adopted} files                 {:>8.2} s        ≤ 60 s",
        first_t.as_secs_f64()
    );
    println!("  first sync: requests                                 {:>8}          ≤ 60", first.requests);
    println!("  first sync: peak heap of the sync side (allocator)     {sync_heap_mb:>6.1} MB       ≤ 200 MB");
    println!("  first sync: peak heap growth (RssAnon, emulator incl.) {anon_mb:>6.1} MB");
    println!("  first sync: peak RSS growth (with the mapped database) {peak_mb:>6.1} MB");
    println!("  no-change sync                                       {:>8.3} s        ≤ 2 s", none_t.as_secs_f64());
    println!("  no-change sync: requests                             {:>8}          ≤ 3", none.requests);
    println!(
        "  full delete check: requests ({:.2} s)                 {:>8}          ≤ 60",
        full_t.as_secs_f64(),
        full.requests
    );
    println!(
        "  one tag on 1,000 linked assets: requests ({:.2} s)    {:>8}          ≤ 25   ({tag_calls} ops)",
        tag_t.as_secs_f64(),
        tag.requests
    );
    println!(
        "  no-change sync right after that push: requests ({:.2} s) {:>8}          ≤ 3",
        after_t.as_secs_f64(),
        after.requests
    );
    println!(
        "  planning {} assets (reading the inputs: {:.2} s)   {:>8.3} s        ≤ 1 s",
        inputs.locals.len(),
        read_t.as_secs_f64(),
        plan_t.as_secs_f64()
    );
}
