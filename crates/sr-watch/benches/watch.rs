//! Watched-folder benchmarks, figures printed side by side in one run:
//!
//! 1. a tree of 50,000 small files in 1,000 folders: the first full scan (walk, stat, then
//!    `ingest_watched` of every file: read, identify, record its stat cache row) vs the no-change reconciliation of the same tree
//!    at start-up (target ≤ 5 % of the first, and 0 files to read);
//! 2. time from a file's last write to its asset being in the library, median and p95 over 200
//!    files (target: settle interval + 1 s at p95);
//! 3. the watcher's memory (RSS growth) for 100,000 known paths, after its start-up catch-up
//!    (target < 50 MB).
//!
//! `SR_BENCH_FILES` (default 50000), `SR_BENCH_MEMORY_FILES` (100000), `SR_BENCH_SETTLE_MS` (2000)
//! and `SR_BENCH_LATENCY_FILES` (200) shrink it for a quick run; `SR_BENCH_DIR` picks the disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sr_library::Library;
use sr_library::watch::{FileState, NewWatchRoot, WaitReason, WatchRoot, WatchedFile};
use sr_watch::rules::Rules;
use sr_watch::{WatchConfig, WatchEvent, Watcher, scan};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let tmp =
        tempfile::tempdir_in(std::env::var_os("SR_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into())).unwrap();
    let files = env("SR_BENCH_FILES", 50_000);
    let mem_files = env("SR_BENCH_MEMORY_FILES", 100_000);
    let settle = Duration::from_millis(env("SR_BENCH_SETTLE_MS", 2000));
    let lat_files = env("SR_BENCH_LATENCY_FILES", 200);

    let (first, again, reads) = scans(tmp.path(), files);
    let (median, p95) = latency(tmp.path(), lat_files, settle);
    let rss = memory(tmp.path(), mem_files);

    println!();
    println!("sr-watch benchmark                                        result        target");
    println!("  {files} files / {} folders: first full scan              {:>8.2} s", files / 50, first.as_secs_f64());
    println!("  same tree, no-change reconciliation                     {:>8.3} s", again.as_secs_f64());
    println!(
        "  no-change / first                                       {:>8.2} %     ≤ 5 %",
        100.0 * again.as_secs_f64() / first.as_secs_f64()
    );
    println!("  files read by the no-change pass                        {reads:>8}       0");
    println!(
        "  last write → in library, {lat_files} files (settle {:.1} s): median {:>5.2} s, p95 {:>5.2} s   ≤ {:.1} s",
        settle.as_secs_f64(),
        median.as_secs_f64(),
        p95.as_secs_f64(),
        settle.as_secs_f64() + 1.0
    );
    println!("  watcher RSS growth for {mem_files} known paths            {:>8.1} MB    < 50 MB", rss / 1_048_576.0);
}

fn add_root(lib: &Library, path: &Path) -> WatchRoot {
    let rule = NewWatchRoot {
        path: path.to_owned(),
        remote_folder: "/".into(),
        tags: vec![],
        metadata: Default::default(),
        auto_upload: false,
        excludes: vec![],
    };
    lib.add_watch_root(&rule, 1).unwrap()
}

/// `n` small distinct files in `n / 50` folders.
fn tree(root: &Path, n: u64) {
    let per = 50;
    for d in 0..n.div_ceil(per) {
        let dir = root.join(format!("folder-{d:04}"));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..per.min(n - d * per) {
            std::fs::write(dir.join(format!("item-{i:02}.bin")), format!("content of {d}/{i}")).unwrap();
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Records every candidate as the stat cache would after ingest (these files are not media).
fn cache_rows(root: &WatchRoot, candidates: &[(PathBuf, sr_library::watch::FileStat)]) -> Vec<WatchedFile> {
    let now = unix_now();
    candidates
        .iter()
        .map(|(p, st)| WatchedFile {
            root_id: root.id,
            path: p.clone(),
            stat: Some(*st),
            asset_id: None,
            state: FileState::Skipped,
            reason: Some(WaitReason::NotMedia),
            detail: None,
            first_seen: now,
            updated_at: now,
        })
        .collect()
}

fn scans(dir: &Path, files: u64) -> (Duration, Duration, usize) {
    let lib = Library::open(&dir.join("lib-scan")).unwrap();
    let path = dir.join("scan-tree");
    tree(&path, files);
    let root = add_root(&lib, &path);
    let rules = Rules::new(&path, Some(lib.dir()), &[]).unwrap();
    // Drop what creating the tree left in the page cache's favour? No: both passes run warm.
    // The first scan as the watcher runs it, less the settle wait: walk, then ingest every file
    // (read, identify, record its row).
    let t = Instant::now();
    let first = scan::reconcile(&lib, &root, &rules, 0.5, unix_now(), &mut |_, _| {}).unwrap();
    for (p, st) in &first.candidates {
        std::hint::black_box(lib.ingest_watched(&root, p, *st, unix_now()).unwrap());
    }
    let first_t = t.elapsed();
    assert_eq!(first.candidates.len() as u64, files);
    let t = Instant::now();
    let again = scan::reconcile(&lib, &root, &rules, 0.5, unix_now(), &mut |_, _| {}).unwrap();
    let again_t = t.elapsed();
    assert_eq!(again.walked, files);
    (first_t, again_t, again.candidates.len())
}

fn jpeg(base: &[u8], i: u64) -> Vec<u8> {
    let text = format!("bench {i}");
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xFE];
    out.extend_from_slice(&((text.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

fn latency(dir: &Path, n: u64, settle: Duration) -> (Duration, Duration) {
    let lib = Arc::new(Library::open(&dir.join("lib-latency")).unwrap());
    let path = dir.join("latency");
    std::fs::create_dir_all(&path).unwrap();
    add_root(&lib, &path);
    let base = std::fs::read(sr_media::fixtures::image(dir, "base.jpg", 64, 48, sr_media::fixtures::ImageFormat::Jpeg))
        .unwrap();
    let arrived: Arc<Mutex<HashMap<PathBuf, Instant>>> = Arc::default();
    let a = Arc::clone(&arrived);
    let sink = Arc::new(move |e: WatchEvent| {
        if let WatchEvent::Ingested { path, .. } = e {
            a.lock().unwrap().insert(path, Instant::now());
        }
    });
    let config = WatchConfig { settle, ..WatchConfig::default() };
    let w = Watcher::start(Arc::clone(&lib), config, sink).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let mut written = Vec::new();
    for i in 0..n {
        let p = path.join(format!("photo-{i:03}.jpg"));
        std::fs::write(&p, jpeg(&base, i)).unwrap();
        written.push((p, Instant::now()));
        std::thread::sleep(Duration::from_millis(20));
    }
    let t = Instant::now();
    while arrived.lock().unwrap().len() < n as usize {
        assert!(t.elapsed() < Duration::from_secs(120), "latency run did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    w.stop();
    let got = arrived.lock().unwrap();
    let mut lat: Vec<Duration> = written.iter().map(|(p, t)| got[p].duration_since(*t)).collect();
    lat.sort();
    let pick = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).clamp(1, lat.len()) - 1];
    (pick(0.5), pick(0.95))
}

fn rss_bytes() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 =
        s.lines().find(|l| l.starts_with("VmRSS:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024.0
}

fn memory(dir: &Path, n: u64) -> f64 {
    let lib = Arc::new(Library::open(&dir.join("lib-memory")).unwrap());
    let path = dir.join("memory-tree");
    tree(&path, n);
    let root = add_root(&lib, &path);
    let rules = Rules::new(&path, Some(lib.dir()), &[]).unwrap();
    let first = scan::reconcile(&lib, &root, &rules, 0.5, unix_now(), &mut |_, _| {}).unwrap();
    lib.record_watched(&cache_rows(&root, &first.candidates)).unwrap();
    drop(first);
    let before = rss_bytes();
    let done = Arc::new(Mutex::new(false));
    let d = Arc::clone(&done);
    let sink = Arc::new(move |e: WatchEvent| {
        if let WatchEvent::Scan { done, total, .. } = e
            && done == total
            && done > 0
        {
            *d.lock().unwrap() = true;
        }
    });
    let w = Watcher::start(Arc::clone(&lib), WatchConfig::default(), sink).unwrap();
    let t = Instant::now();
    while !*done.lock().unwrap() {
        assert!(t.elapsed() < Duration::from_secs(300), "catch-up did not finish");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_bytes();
    w.stop();
    after - before
}
