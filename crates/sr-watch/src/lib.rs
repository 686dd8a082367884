//! Watched folders: every file that lands under a watched root is ingested once, only when
//! complete, keeps its identity through moves, and anything that waits says why.
//!
//! Boundary: the filesystem (notify 8 with notify-debouncer-full; polling where inotify cannot
//! serve) over `sr-library`. No network, no Tauri, no async.
//! Invariant: ingest goes through `Library::ingest_watched` (one transaction keyed on the content
//! hash); a vanished file is marked missing, never deleted; a root that vanishes or loses most of
//! its files at once goes offline and marks nothing missing; one process per library runs the
//! watcher (`<library>/watch.lock`).
//!
//! Layers, each naming only those before it:
//! base (`rules`: names and globs; `settle`: the pure write-settled state machine, taking `now`
//! and observations and returning what is ready; `budget`: inotify watches and `statfs`) →
//! `source` (notify or polling behind a channel, so tests inject events) → `scan` (reconciliation
//! against the stat cache) → `engine` (the loop) and `lock` (`watch.lock`) → this API.
//!
//! How a file goes: an observation (close-write, create, rename into place) or a walk makes it a
//! candidate; the settler stats it until two stats a settle interval apart agree; then
//! `ingest_watched` reads, identifies and records it (its ledger row too). A rename within the
//! tree of an ingested file with an unchanged stat is relocated without a read. A removal waits
//! `2 × settle + 0.5 s` (a move shows as an arrival first) and then marks the asset missing, unless
//! the root is gone or on another device (offline) or ten or more went at once (a walk decides,
//! with the offline fraction). Walks run at start, when a folder arrives, after an overflow, every
//! `reconcile_interval`, and when asked (`Watcher::rescan`: the person accepts losses). The ledger
//! lists temporary names (waiting), excluded names, link loops, unreadable folders, and what
//! ingest held (not media, empty, damaged, duplicate, replaced in place); a file still changing
//! after three settle intervals is listed as still being written. Always-excluded names (`.git`,
//! `@eaDir`, `.Trash-*`, `.DS_Store`, `Thumbs.db`, dot-folders, the library's folder) are not listed.

pub mod budget;
mod engine;
mod lock;
pub mod rules;
pub mod scan;
pub mod settle;
pub mod source;

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::{Engine, Msg};

use sr_library::Library;
use sr_library::watch::{RootHealth, WatchMode, WatchRoot};

/// How the watcher behaves; defaults are the product's.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// Size and mtime must be unchanged across two checks at least this far apart (default 2 s).
    pub settle: Duration,
    /// How often a polled root is walked (default 10 s).
    pub poll_interval: Duration,
    /// How often every root is reconciled against the stat cache anyway (default 10 min).
    pub reconcile_interval: Duration,
    /// inotify watches this process may use; `None` reads `/proc/sys/fs/inotify/max_user_watches`
    /// minus a margin for other programs. Tests force a small budget.
    pub watch_budget: Option<u64>,
    /// A root that loses more than this share of its files in one pass goes offline (default 0.5).
    pub offline_fraction: f64,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            settle: Duration::from_secs(2),
            poll_interval: Duration::from_secs(10),
            reconcile_interval: Duration::from_secs(600),
            watch_budget: None,
            offline_fraction: 0.5,
        }
    }
}

/// How a folder would be watched, and why in words when it would be polled: its folder count
/// (after the always-excluded names and `excludes`) against the inotify watches left (or
/// `config.watch_budget`), and `statfs` (network and FUSE filesystems are polled). For showing the
/// mode when a folder is added, before any watcher runs; the running watcher decides the same way.
pub fn choose_mode(path: &std::path::Path, excludes: &[String], config: &WatchConfig) -> (WatchMode, Option<String>) {
    let rules = rules::Rules::new(path, None, excludes)
        .unwrap_or_else(|_| rules::Rules::new(path, None, &[]).expect("no globs"));
    let dirs = budget::count_dirs(&rules);
    let free = config.watch_budget.or_else(budget::inotify_free);
    budget::decide(dirs, free, budget::remote_filesystem(path), config.poll_interval.as_secs().max(1))
}

/// What the watcher did, as it happens (the app forwards these to the window; the CLI prints them).
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// A new asset; `auto_upload` when its root asks for queueing.
    Ingested { root_id: i64, asset_id: i64, path: PathBuf, auto_upload: bool },
    /// An asset's file moved (or was found moved at start): same asset.
    Moved { asset_id: i64, from: PathBuf, to: PathBuf },
    /// These assets' files vanished: marked missing.
    Missing { asset_ids: Vec<i64> },
    /// The ledger changed (a file started or stopped waiting, or was skipped).
    Ledger,
    /// A root's mode or health changed.
    Root { root_id: i64 },
    /// Reconciliation progress of a root.
    Scan { root_id: i64, done: u64, total: u64 },
}

/// One root as the running watcher sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RootStatus {
    pub root: WatchRoot,
    pub mode: WatchMode,
    pub mode_reason: Option<String>,
    pub health: RootHealth,
    /// `(done, total)` while a reconciliation runs.
    pub scanning: Option<(u64, u64)>,
    /// Files waiting (settling) under this root now.
    pub waiting: u64,
}

/// The watcher's state.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchStatus {
    pub running: bool,
    pub roots: Vec<RootStatus>,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// Another process runs this library's watcher.
    #[error("Another Stockroom process is already watching folders for this library ({holder}).")]
    AlreadyRunning { holder: String },
    #[error(transparent)]
    Library(#[from] sr_library::LibraryError),
    #[error("{0}")]
    Io(String),
}

/// A change seen on disk, as the source reports it (tests send these directly).
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// Closed after write, created, or modified.
    Written(PathBuf),
    /// Renamed into the tree, or renamed within it (`from` when known).
    Renamed { from: Option<PathBuf>, to: PathBuf },
    /// Gone (deleted or moved out).
    Removed(PathBuf),
    /// The source lost events (inotify overflow): reconcile this root.
    Rescan { root_id: i64 },
}

/// The running watcher of one library. Dropping it stops it.
pub struct Watcher {
    tx: Sender<Msg>,
    thread: Option<std::thread::JoinHandle<()>>,
    status: Arc<Mutex<WatchStatus>>,
    _lock: lock::WatchLock,
}

impl Watcher {
    /// Takes the library's watch lock, catches every root up (reconciliation), then watches.
    /// Catching up runs on the watcher's thread: this returns once the lock is held.
    pub fn start(
        library: Arc<Library>,
        config: WatchConfig,
        sink: Arc<dyn Fn(WatchEvent) + Send + Sync>,
    ) -> Result<Watcher, WatchError> {
        let lock = lock::WatchLock::take(library.dir())?;
        let (tx, rx) = std::sync::mpsc::channel();
        let status = Arc::new(Mutex::new(WatchStatus { running: true, roots: Vec::new() }));
        let engine = Engine::new(library, config, sink, tx.clone(), Arc::clone(&status));
        let thread = std::thread::Builder::new()
            .name("sr-watch".into())
            .spawn(move || engine.run(rx))
            .map_err(|e| WatchError::Io(format!("Could not start watching folders: {e}")))?;
        Ok(Watcher { tx, thread: Some(thread), status, _lock: lock })
    }
    /// Re-reads the roots (one was added, removed, paused or resumed).
    pub fn reload(&self) {
        let _ = self.tx.send(Msg::Reload);
    }
    /// Reconciles one root (or all) now. Asked by the person, so a root that went offline because
    /// most of its files vanished accepts that they are gone.
    pub fn rescan(&self, root_id: Option<i64>) {
        let _ = self.tx.send(Msg::Rescan(root_id));
    }
    /// Looks at a ledger path again now (retry), or ingests it without waiting for it to settle
    /// (ingest anyway: `force`).
    pub fn retry(&self, path: PathBuf, force: bool) {
        let _ = self.tx.send(Msg::Retry(path, force));
    }
    /// Feeds an observation as a source would (tests; a shell that learns of a change itself).
    pub fn observe(&self, observation: Observation) {
        let _ = self.tx.send(Msg::Obs(observation));
    }
    /// What the watcher sees now; `running` is false once its thread has ended (stopped, or it
    /// failed: the log says why).
    pub fn status(&self) -> WatchStatus {
        let mut s = self.status.lock().map(|s| s.clone()).unwrap_or(WatchStatus { running: false, roots: Vec::new() });
        if self.thread.as_ref().is_none_or(|t| t.is_finished()) {
            s.running = false;
        }
        s
    }
    /// Stops and waits for the threads.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
