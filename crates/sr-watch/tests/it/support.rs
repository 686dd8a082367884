//! Test rig: a library and a watched folder in a temp dir, a watcher with a short settle, the
//! events it sent, and bounded waits.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use sr_library::watch::{NewWatchRoot, WatchRoot};
use sr_library::{Asset, Library};
use sr_watch::{WatchConfig, WatchEvent, Watcher};

pub struct Rig {
    pub dir: tempfile::TempDir,
    pub lib: Arc<Library>,
    pub root: WatchRoot,
    pub events: Arc<Mutex<Vec<WatchEvent>>>,
    pub watcher: Option<Watcher>,
    pub config: WatchConfig,
}

pub fn config() -> WatchConfig {
    WatchConfig {
        settle: Duration::from_millis(200),
        poll_interval: Duration::from_millis(300),
        reconcile_interval: Duration::from_secs(600),
        watch_budget: None,
        offline_fraction: 0.5,
    }
}

pub fn rule(path: &Path) -> NewWatchRoot {
    NewWatchRoot {
        path: path.to_owned(),
        remote_folder: "/shoots/".into(),
        tags: vec!["summer".into()],
        metadata: Default::default(),
        auto_upload: false,
        excludes: vec![],
    }
}

impl Rig {
    /// A library with one watched folder `watched/` (not started).
    pub fn new() -> Rig {
        Rig::with(config(), |_| {})
    }

    pub fn with(config: WatchConfig, edit: impl FnOnce(&mut NewWatchRoot)) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let lib = Arc::new(Library::open(&dir.path().join("library")).unwrap());
        let watched = dir.path().join("watched");
        std::fs::create_dir_all(&watched).unwrap();
        let mut r = rule(&watched);
        edit(&mut r);
        let root = lib.add_watch_root(&r, 1).unwrap();
        Rig { dir, lib, root, events: Arc::default(), watcher: None, config }
    }

    pub fn path(&self) -> PathBuf {
        self.root.rule.path.clone()
    }

    pub fn start(&mut self) {
        let events = Arc::clone(&self.events);
        let sink = Arc::new(move |e: WatchEvent| events.lock().unwrap().push(e));
        self.watcher = Some(Watcher::start(Arc::clone(&self.lib), self.config.clone(), sink).unwrap());
    }

    pub fn stop(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
    }

    pub fn assets(&self) -> Vec<Asset> {
        self.lib.assets(0, 100_000).unwrap()
    }

    pub fn ingested_events(&self) -> usize {
        self.events.lock().unwrap().iter().filter(|e| matches!(e, WatchEvent::Ingested { .. })).count()
    }

    pub fn asset_at(&self, p: &Path) -> Option<Asset> {
        self.lib.asset_by_path(p).unwrap()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `f` every 20 ms until it holds, for at most 20 s; panics naming `what`.
pub fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(20), "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Holds `f` true for `d` (something that must NOT happen: checked repeatedly over a window).
pub fn holds_for(what: &str, d: Duration, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while t.elapsed() < d {
        assert!(f(), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn base_jpeg() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let p = sr_media::fixtures::image(d.path(), "base.jpg", 32, 24, sr_media::fixtures::ImageFormat::Jpeg);
        std::fs::read(p).unwrap()
    })
}

/// A small JPEG whose bytes are unique to `i` (a comment segment after SOI).
pub fn jpeg(i: u64) -> Vec<u8> {
    let base = base_jpeg();
    let text = format!("stockroom test {i}");
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xFE];
    out.extend_from_slice(&((text.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

/// A short H.264 MP4 whose index (moov) is written last, as cameras do.
pub fn video_bytes() -> &'static [u8] {
    static MP4: OnceLock<Vec<u8>> = OnceLock::new();
    MP4.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let spec = sr_media::fixtures::FixtureVideo { seconds: 2.0, ..Default::default() };
        std::fs::read(sr_media::fixtures::video(d.path(), "v.mp4", spec)).unwrap()
    })
}

/// Writes a file in one go (creating its folders).
pub fn put(path: &Path, bytes: &[u8]) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}
