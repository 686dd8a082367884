//! The loop (layer: engine): one thread takes observations from the sources (or tests), feeds the
//! settler, ingests what is ready through `Library::ingest_watched`, handles removals after a
//! grace period (so a move is seen as one), reconciles at start, after an overflow and
//! periodically, and keeps each root's mode and health.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sr_library::Library;
use sr_library::ingest::IngestOutcome;
use sr_library::watch::{FileStat, FileState, RootHealth, WaitReason, WatchMode, WatchRoot, WatchedFile};

use crate::rules::{Rules, Verdict};
use crate::settle::{Settler, Step};
use crate::source::{self, Source};
use crate::{Observation, RootStatus, WatchConfig, WatchEvent, WatchStatus, budget, scan};

pub(crate) enum Msg {
    Obs(Observation),
    Reload,
    Rescan(Option<i64>),
    Retry(PathBuf, bool),
    Stop,
}

pub(crate) type Sink = Arc<dyn Fn(WatchEvent) + Send + Sync>;

struct Root {
    root: WatchRoot,
    rules: Rules,
    source: Option<Source>,
    /// Folders a native watch of this root takes.
    dirs: u64,
    /// The device of the root folder when it was brought online.
    dev: Option<u64>,
    /// Offline because a walk found most files gone: only a rescan brings it back.
    offline_by_scan: bool,
    scanning: Option<(u64, u64)>,
}

pub(crate) struct Engine {
    lib: Arc<Library>,
    config: WatchConfig,
    sink: Sink,
    tx: Sender<Msg>,
    status: Arc<Mutex<WatchStatus>>,
    roots: Vec<Root>,
    settler: Settler,
    removals: Vec<(PathBuf, Instant, u8)>,
    /// Root id → when to reconcile it, and whether losses are accepted (the person asked).
    rescans: HashMap<i64, (Instant, bool)>,
    /// When each root's last walk ended: automatic walks (overflow, folders arriving) wait a
    /// little after it, so a storm of events never walks a big tree back to back.
    last_scan: HashMap<i64, Instant>,
    last_health: Instant,
    last_reconcile: Instant,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// At most this many files are looked at per turn, so messages (stop, reload) are never starved.
const BATCH: usize = 256;

impl Engine {
    pub(crate) fn new(
        lib: Arc<Library>,
        config: WatchConfig,
        sink: Sink,
        tx: Sender<Msg>,
        status: Arc<Mutex<WatchStatus>>,
    ) -> Engine {
        let now = Instant::now();
        Engine {
            settler: Settler::new(config.settle),
            lib,
            config,
            sink,
            tx,
            status,
            roots: Vec::new(),
            removals: Vec::new(),
            rescans: HashMap::new(),
            last_scan: HashMap::new(),
            last_health: now,
            last_reconcile: now,
        }
    }

    pub(crate) fn run(mut self, rx: Receiver<Msg>) {
        self.reload();
        loop {
            let now = Instant::now();
            let wait = self.next_wake(now).saturating_duration_since(now).min(Duration::from_millis(250));
            match rx.recv_timeout(wait) {
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(m) => {
                    if !self.handle(m) {
                        break;
                    }
                    // Take what else arrived in one go (a burst of events).
                    let mut stop = false;
                    for _ in 0..10_000 {
                        match rx.try_recv() {
                            Ok(Msg::Stop) => {
                                stop = true;
                                break;
                            }
                            Ok(m) => {
                                self.handle(m);
                            }
                            Err(_) => break,
                        }
                    }
                    if stop {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.tick(Instant::now());
        }
        self.roots.clear();
        self.publish(false);
    }

    fn next_wake(&self, now: Instant) -> Instant {
        let mut t = now + Duration::from_millis(250);
        if let Some(d) = self.settler.next_due() {
            t = t.min(d);
        }
        for (_, d, _) in &self.removals {
            t = t.min(*d);
        }
        for (d, _) in self.rescans.values() {
            t = t.min(*d);
        }
        t
    }

    fn emit(&self, e: WatchEvent) {
        (self.sink)(e);
    }

    /// Schedules an automatic walk of a root (see `last_scan`).
    fn schedule(&mut self, root_id: i64, at: Instant) {
        let gap = (self.config.settle * 2).max(Duration::from_millis(500));
        let at = match self.last_scan.get(&root_id) {
            Some(t) => at.max(*t + gap),
            None => at,
        };
        self.rescans.entry(root_id).or_insert((at, false));
    }

    fn grace(&self) -> Duration {
        self.config.settle * 2 + Duration::from_millis(500)
    }

    fn handle(&mut self, m: Msg) -> bool {
        let now = Instant::now();
        match m {
            Msg::Stop => return false,
            Msg::Reload => self.reload(),
            Msg::Rescan(None) => {
                for r in &self.roots {
                    self.rescans.insert(r.root.id, (now, true));
                }
            }
            Msg::Rescan(Some(id)) => {
                self.rescans.insert(id, (now, true));
            }
            Msg::Retry(path, force) => self.retry(&path, force),
            Msg::Obs(o) => self.observe(o, now),
        }
        true
    }

    fn root_index(&self, p: &Path) -> Option<usize> {
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.root.paused && p.starts_with(&r.root.rule.path))
            .max_by_key(|(_, r)| r.root.rule.path.as_os_str().len())
            .map(|(i, _)| i)
    }

    fn online(&self, i: usize) -> bool {
        self.roots[i].root.health == RootHealth::Online
    }

    fn observe(&mut self, o: Observation, now: Instant) {
        match o {
            Observation::Rescan { root_id } => self.schedule(root_id, now),
            Observation::Removed(p) => {
                self.settler.forget(&p);
                self.removals.push((p, now + self.grace(), 0));
            }
            Observation::Written(p) => self.arrived(&p, None, now),
            Observation::Renamed { from, to } => {
                if let Some(f) = &from {
                    self.settler.forget(f);
                }
                self.arrived(&to, from.as_deref(), now);
                if let Some(f) = from {
                    self.removals.push((f, now + self.grace(), 0));
                }
            }
        }
    }

    /// A path was written or renamed into place.
    fn arrived(&mut self, p: &Path, from: Option<&Path>, now: Instant) {
        let Some(i) = self.root_index(p) else { return };
        if !self.online(i) {
            return;
        }
        let root_id = self.roots[i].root.id;
        let Ok(meta) = std::fs::metadata(p) else { return };
        if meta.is_dir() {
            // A folder arrived (created, or moved in or within): its files are found by a walk.
            if !self.roots[i].rules.skip_dir(p) {
                self.schedule(root_id, now + Duration::from_millis(100));
            }
            return;
        }
        if !meta.is_file() {
            return;
        }
        match self.roots[i].rules.file(p) {
            Verdict::Silent => {}
            Verdict::Hold(reason) => {
                let st = scan::file_stat(&meta);
                let known = self.lib.watched_file(p).ok().flatten();
                // Already in the library (excluded after it came in) or unchanged: nothing to do.
                if known.is_some_and(|k| {
                    k.state == FileState::Ingested
                        || (k.stat == Some(st) && (k.reason == Some(reason) || k.state == FileState::Ignored))
                }) {
                    return;
                }
                let row = scan::held_row(&self.roots[i].root, p.to_owned(), Some(st), reason, unix_now());
                if self.lib.record_watched(&[row]).is_ok() {
                    self.emit(WatchEvent::Ledger);
                }
            }
            Verdict::Watch => {
                if let Some(from) = from
                    && self.fast_move(i, from, p, scan::file_stat(&meta))
                {
                    return;
                }
                self.settler.observe(p, root_id, now);
            }
        }
    }

    /// A rename within the tree of a file whose stat is unchanged: the same asset, no read.
    fn fast_move(&mut self, i: usize, from: &Path, to: &Path, st: FileStat) -> bool {
        let Ok(Some(prev)) = self.lib.watched_file(from) else { return false };
        let (Some(id), Some(pst)) = (prev.asset_id, prev.stat) else { return false };
        if pst != st || prev.state != FileState::Ingested {
            return false;
        }
        let root = &self.roots[i].root;
        let folder = sr_library::watch::remote_folder_for(root, to);
        let now = unix_now();
        if let Err(e) = self.lib.relocate_asset(id, to, st, Some(&folder), now) {
            tracing::warn!("could not follow the move of {}: {e}", from.display());
            return false;
        }
        // relocate_asset moved the stat cache row along.
        self.emit(WatchEvent::Moved { asset_id: id, from: from.to_owned(), to: to.to_owned() });
        true
    }

    fn retry(&mut self, path: &Path, force: bool) {
        let Some(i) = self.root_index(path) else { return };
        if !force {
            // Looked at afresh: its old verdict (even "ignored") is dropped, then it settles again.
            let _ = self.lib.forget_watched(&[path.to_owned()]);
            self.emit(WatchEvent::Ledger);
            self.arrived(path, None, Instant::now());
            return;
        }
        self.settler.forget(path);
        if let Some(st) = scan::stat(path) {
            let root = self.roots[i].root.clone();
            self.ingest(&root, path, st, true);
        }
    }

    fn tick(&mut self, now: Instant) {
        if now.duration_since(self.last_health) >= Duration::from_millis(500) {
            self.last_health = now;
            self.health();
        }
        if now.duration_since(self.last_reconcile) >= self.config.reconcile_interval {
            self.last_reconcile = now;
            for r in &self.roots {
                self.rescans.entry(r.root.id).or_insert((now, false));
            }
        }
        self.removals_due(now);
        let due: Vec<i64> = self.rescans.iter().filter(|(_, (t, _))| *t <= now).map(|(id, _)| *id).collect();
        for id in due {
            let (_, accept) = self.rescans.remove(&id).unwrap_or((now, false));
            self.reconcile(id, accept);
        }
        for p in self.settler.due(Instant::now()).into_iter().take(BATCH) {
            let st = scan::stat(&p);
            match self.settler.report(&p, st, Instant::now()) {
                Step::Ready { root_id, stat } => {
                    if let Some(r) =
                        self.roots.iter().find(|r| r.root.id == root_id && r.root.health == RootHealth::Online)
                    {
                        let root = r.root.clone();
                        self.ingest(&root, &p, stat, false);
                    }
                }
                Step::Gone | Step::Wait => {}
            }
        }
        let long = self.settler.long_waiting(Instant::now(), self.config.settle * 3);
        if !long.is_empty() {
            let t = unix_now();
            let rows: Vec<WatchedFile> = long
                .into_iter()
                .map(|(path, root_id, stat)| WatchedFile {
                    root_id,
                    path,
                    stat,
                    asset_id: None,
                    state: FileState::Waiting,
                    reason: Some(WaitReason::StillWriting),
                    detail: None,
                    first_seen: t,
                    updated_at: t,
                })
                .collect();
            if self.lib.record_watched(&rows).is_ok() {
                self.emit(WatchEvent::Ledger);
            }
        }
        self.publish(true);
    }

    fn removals_due(&mut self, now: Instant) {
        if !self.removals.iter().any(|(_, t, _)| *t <= now) {
            return;
        }
        let (due, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.removals).into_iter().partition(|(_, t, _)| *t <= now);
        self.removals = rest;
        let mut missing: HashMap<usize, Vec<(i64, PathBuf)>> = HashMap::new();
        let mut forget = Vec::new();
        for (p, _, tries) in due {
            if std::fs::symlink_metadata(&p).is_ok() || self.settler.is_pending(&p) {
                continue;
            }
            let Some(i) = self.root_index(&p) else { continue };
            if !self.online(i) {
                continue;
            }
            match self.lib.watched_file(&p) {
                Ok(Some(row)) => match (row.asset_id, row.stat) {
                    (Some(id), st) => {
                        // The same file is settling at another path: a move in progress.
                        if tries < 3 && st.is_some_and(|s| self.settler.has_inode(s.dev, s.inode)) {
                            self.removals.push((p, now + self.grace(), tries + 1));
                            continue;
                        }
                        missing.entry(i).or_default().push((id, p));
                    }
                    (None, _) => forget.push(p),
                },
                // Not a file it knows: maybe a folder that went; a walk tells.
                Ok(None) => {
                    let id = self.roots[i].root.id;
                    self.schedule(id, now);
                }
                Err(e) => tracing::warn!("watch: {e}"),
            }
        }
        if !forget.is_empty() && self.lib.forget_watched(&forget).is_ok() {
            self.emit(WatchEvent::Ledger);
        }
        for (i, gone) in missing {
            // The root itself went (or its drive): offline, nothing marked.
            if let Some(why) = scan::root_problem(&self.roots[i].root.rule.path, self.roots[i].dev) {
                self.set_offline(i, why, false);
                continue;
            }
            if gone.len() >= scan::OFFLINE_MIN_VANISHED {
                // Many at once: let a walk decide (it applies the offline fraction).
                let id = self.roots[i].root.id;
                self.schedule(id, now);
                continue;
            }
            // Only assets whose file is still recorded here (not moved meanwhile).
            let mut ids = Vec::new();
            let mut paths = Vec::new();
            for (id, p) in gone {
                if let Ok(Some(a)) = self.lib.asset(id)
                    && a.path == p
                {
                    ids.push(id);
                }
                paths.push(p);
            }
            let t = unix_now();
            if !ids.is_empty() {
                if let Err(e) = self.lib.mark_missing(&ids, t) {
                    tracing::warn!("watch: could not mark files missing: {e}");
                    continue;
                }
                self.emit(WatchEvent::Missing { asset_ids: ids });
            }
            let _ = self.lib.forget_watched(&paths);
        }
    }

    fn reconcile(&mut self, root_id: i64, accept_losses: bool) {
        let Some(i) = self.roots.iter().position(|r| r.root.id == root_id) else { return };
        if self.roots[i].root.paused {
            return;
        }
        let root = self.roots[i].root.clone();
        let rules = self.roots[i].rules.clone();
        let fraction = if accept_losses { f64::INFINITY } else { self.config.offline_fraction };
        self.roots[i].scanning = Some((0, 0));
        self.publish(true);
        let sink = Arc::clone(&self.sink);
        let status = Arc::clone(&self.status);
        let mut progress = |done: u64, total: u64| {
            sink(WatchEvent::Scan { root_id, done, total });
            if let Ok(mut s) = status.lock()
                && let Some(r) = s.roots.iter_mut().find(|r| r.root.id == root_id)
            {
                r.scanning = Some((done, total));
            }
        };
        let result = scan::reconcile(&self.lib, &root, &rules, fraction, unix_now(), &mut progress);
        self.roots[i].scanning = None;
        self.last_scan.insert(root_id, Instant::now());
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("watch: reconciling {} failed: {e}", root.rule.path.display());
                return;
            }
        };
        if let Some(why) = report.offline {
            self.set_offline(i, why, true);
            return;
        }
        if root.health == RootHealth::Offline {
            self.set_online(i);
        }
        let now = Instant::now();
        for (p, st) in &report.candidates {
            self.settler.seed(p, root_id, *st, now);
        }
        for (asset_id, from, to) in report.moved {
            self.emit(WatchEvent::Moved { asset_id, from, to });
        }
        if !report.missing.is_empty() {
            self.emit(WatchEvent::Missing { asset_ids: report.missing });
        }
        if report.ledger_rows > 0 {
            self.emit(WatchEvent::Ledger);
        }
    }

    fn ingest(&mut self, root: &WatchRoot, path: &Path, st: FileStat, force: bool) {
        let known = self.lib.watched_file(path).ok().flatten();
        if !force
            && let Some(k) = &known
            && k.stat == Some(st)
            && matches!(k.state, FileState::Ignored | FileState::Ingested)
        {
            return;
        }
        let now = unix_now();
        let mut row = WatchedFile {
            root_id: root.id,
            path: path.to_owned(),
            stat: Some(st),
            asset_id: None,
            state: FileState::Ingested,
            reason: None,
            detail: None,
            first_seen: known.as_ref().map(|k| k.first_seen).unwrap_or(now),
            updated_at: now,
        };
        match self.lib.ingest_watched(root, path, st, now) {
            Ok(IngestOutcome::Ingested { asset, auto_upload }) => {
                self.emit(WatchEvent::Ingested {
                    root_id: root.id,
                    asset_id: asset.id,
                    path: path.to_owned(),
                    auto_upload,
                });
                if known.is_some() {
                    self.emit(WatchEvent::Ledger);
                }
            }
            // The library keeps the stat cache and ledger rows of these in the same transaction.
            Ok(IngestOutcome::Moved { asset, from }) => {
                self.emit(WatchEvent::Moved { asset_id: asset.id, from, to: path.to_owned() });
            }
            Ok(IngestOutcome::AlreadyKnown { .. }) => {}
            Ok(IngestOutcome::Skipped { reason: WaitReason::StillWriting, .. }) if !force => {
                self.settler.observe(path, root.id, Instant::now());
            }
            Ok(IngestOutcome::Skipped { .. }) => self.emit(WatchEvent::Ledger),
            Err(e) => {
                tracing::warn!("watch: could not ingest {}: {e}", path.display());
                row.state = FileState::Skipped;
                row.reason = Some(WaitReason::Unreadable);
                row.detail = Some(e.to_string());
                let _ = self.lib.record_watched(&[row]);
                self.emit(WatchEvent::Ledger);
            }
        }
    }

    /// Re-reads the roots: starts sources for new ones, stops removed or paused ones.
    fn reload(&mut self) {
        let stored = match self.lib.watch_roots() {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("watch: could not read the watched folders: {e}");
                return;
            }
        };
        let mut old: HashMap<i64, Root> = std::mem::take(&mut self.roots).into_iter().map(|r| (r.root.id, r)).collect();
        let now = Instant::now();
        for root in stored {
            let id = root.id;
            match old.remove(&id) {
                Some(mut r) if r.root.rule == root.rule && r.root.paused == root.paused => {
                    r.root.mode_reason = root.mode_reason.clone();
                    self.roots.push(r);
                }
                prev => {
                    drop(prev);
                    let rules = match Rules::new(&root.rule.path, Some(self.lib.dir()), &root.rule.excludes) {
                        Ok(r) => r,
                        Err(e) => {
                            tracing::warn!("watch: bad exclude in {}: {e}", root.rule.path.display());
                            Rules::new(&root.rule.path, Some(self.lib.dir()), &[]).expect("no globs")
                        }
                    };
                    let paused = root.paused;
                    self.roots.push(Root {
                        root,
                        rules,
                        source: None,
                        dirs: 0,
                        dev: None,
                        offline_by_scan: false,
                        scanning: None,
                    });
                    if !paused {
                        let i = self.roots.len() - 1;
                        if scan::root_problem(&self.roots[i].root.rule.path, None).is_none() {
                            self.start_source(i);
                        }
                        self.rescans.insert(id, (now, false));
                    }
                }
            }
        }
        drop(old);
        self.publish(true);
    }

    fn budget_left(&self, except: usize) -> Option<u64> {
        let ours: u64 = self
            .roots
            .iter()
            .enumerate()
            .filter(|(j, r)| *j != except && matches!(r.source, Some(Source::Native(_))))
            .map(|(_, r)| r.dirs)
            .sum();
        match self.config.watch_budget {
            Some(b) => Some(b.saturating_sub(ours)),
            // The live count already includes our own watches.
            None => budget::inotify_free(),
        }
    }

    fn start_source(&mut self, i: usize) {
        let path = self.roots[i].root.rule.path.clone();
        let id = self.roots[i].root.id;
        self.roots[i].source = None;
        self.roots[i].dev = std::fs::metadata(&path).ok().map(|m| std::os::unix::fs::MetadataExt::dev(&m));
        let dirs = budget::count_dirs(&self.roots[i].rules);
        self.roots[i].dirs = dirs;
        let poll_secs = self.config.poll_interval.as_secs().max(1);
        let (mut mode, mut reason) =
            budget::decide(dirs, self.budget_left(i), budget::remote_filesystem(&path), poll_secs);
        let tx = self.tx.clone();
        let feed: source::Feed = Arc::new(move |o| {
            let _ = tx.send(Msg::Obs(o));
        });
        let mut src = None;
        if mode == WatchMode::Native {
            let debounce = (self.config.settle / 4).clamp(Duration::from_millis(50), Duration::from_millis(500));
            match source::native(&path, id, debounce, Arc::clone(&feed)) {
                Ok(s) => src = Some(s),
                Err(e) => {
                    mode = WatchMode::Polling;
                    reason = Some(if e.limit {
                        budget::too_many(dirs, self.budget_left(i).unwrap_or(0), poll_secs)
                    } else {
                        format!(
                            "Stockroom could not watch this folder for changes ({}), so it looks through it every \
                             {poll_secs} seconds instead.",
                            e.message
                        )
                    });
                }
            }
        }
        if src.is_none() {
            match source::polling(&path, id, self.config.poll_interval, feed) {
                Ok(s) => src = Some(s),
                Err(e) => tracing::warn!("watch: cannot poll {}: {}", path.display(), e.message),
            }
        }
        self.roots[i].source = src;
        let r = &mut self.roots[i].root;
        if r.mode != mode || r.mode_reason != reason {
            r.mode = mode;
            r.mode_reason = reason.clone();
            let _ = self.lib.set_watch_root_mode(id, mode, reason.as_deref());
            self.emit(WatchEvent::Root { root_id: id });
        }
    }

    fn set_offline(&mut self, i: usize, why: String, by_scan: bool) {
        let r = &mut self.roots[i];
        r.source = None;
        r.offline_by_scan = by_scan;
        if r.root.health == RootHealth::Offline && r.root.health_reason.as_deref() == Some(why.as_str()) {
            return;
        }
        r.root.health = RootHealth::Offline;
        r.root.health_reason = Some(why.clone());
        let id = r.root.id;
        let _ = self.lib.set_watch_root_health(id, RootHealth::Offline, Some(&why));
        let prefix = r.root.rule.path.clone();
        self.removals.retain(|(p, _, _)| !p.starts_with(&prefix));
        self.emit(WatchEvent::Root { root_id: id });
    }

    fn set_online(&mut self, i: usize) {
        let r = &mut self.roots[i];
        r.root.health = RootHealth::Online;
        r.root.health_reason = None;
        r.offline_by_scan = false;
        let id = r.root.id;
        let _ = self.lib.set_watch_root_health(id, RootHealth::Online, None);
        if self.roots[i].source.is_none() {
            self.start_source(i);
        }
        self.emit(WatchEvent::Root { root_id: id });
    }

    /// Roots that vanished go offline; roots that came back are watched and walked again.
    fn health(&mut self) {
        let now = Instant::now();
        for i in 0..self.roots.len() {
            let r = &self.roots[i];
            if r.root.paused {
                continue;
            }
            let problem = scan::root_problem(&r.root.rule.path, r.dev);
            match (r.root.health, problem) {
                (RootHealth::Online, Some(why)) => self.set_offline(i, why, false),
                (RootHealth::Offline, None) if !r.offline_by_scan => {
                    // Back: watch again, then walk (the walk brings it online).
                    self.roots[i].dev = None;
                    self.start_source(i);
                    let id = self.roots[i].root.id;
                    self.rescans.insert(id, (now, false));
                }
                _ => {}
            }
        }
    }

    fn publish(&self, running: bool) {
        let roots = self
            .roots
            .iter()
            .map(|r| RootStatus {
                root: r.root.clone(),
                mode: r.root.mode,
                mode_reason: r.root.mode_reason.clone(),
                health: r.root.health,
                scanning: r.scanning,
                waiting: self.settler.waiting(r.root.id),
            })
            .collect();
        if let Ok(mut s) = self.status.lock() {
            *s = WatchStatus { running, roots };
        }
    }
}
