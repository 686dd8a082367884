//! The write-settled state machine (layer: base). PURE: it is told `now`, what was observed and
//! what a `stat` returned; it answers which paths to stat now and which are ready to ingest.
//!
//! A path is ready when two stats at least `settle` apart are equal (device, inode, size, mtime).
//! Any observation of the path (a write, a rename into place) restarts its wait.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sr_library::watch::FileStat;

#[derive(Debug, Clone)]
struct Pending {
    root_id: i64,
    /// The last stat seen and since when it has not changed.
    last: Option<(FileStat, Instant)>,
    /// When to stat next.
    next: Instant,
    /// First observed (not reset by later observations).
    first: Instant,
    /// Reported as waiting long.
    reported: bool,
}

/// What a stat taught the settler about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Unchanged for the settle interval: ingest with this stat.
    Ready { root_id: i64, stat: FileStat },
    /// Still changing (or first seen): asked again later.
    Wait,
    /// The path is gone: forgotten.
    Gone,
}

/// Paths waiting for their writes to settle.
#[derive(Debug, Clone)]
pub struct Settler {
    settle: Duration,
    pending: HashMap<PathBuf, Pending>,
}

impl Settler {
    pub fn new(settle: Duration) -> Settler {
        Settler { settle, pending: HashMap::new() }
    }

    /// A write or rename was seen: (re)start the wait; the path is statted at once.
    pub fn observe(&mut self, path: &Path, root_id: i64, now: Instant) {
        let p = self.pending.entry(path.to_owned()).or_insert(Pending {
            root_id,
            last: None,
            next: now,
            first: now,
            reported: false,
        });
        p.root_id = root_id;
        p.last = None;
        p.next = now;
    }

    /// A path found new or changed by a walk, with the stat the walk took: ready after one more
    /// equal stat a settle interval later.
    pub fn seed(&mut self, path: &Path, root_id: i64, stat: FileStat, now: Instant) {
        if self.pending.contains_key(path) {
            return;
        }
        let since = now;
        self.pending.insert(
            path.to_owned(),
            Pending { root_id, last: Some((stat, since)), next: now + self.settle, first: now, reported: false },
        );
    }

    /// Paths that have waited longer than `after` and were not reported yet (each is reported
    /// once, so the ledger can say "still being written").
    pub fn long_waiting(&mut self, now: Instant, after: Duration) -> Vec<(PathBuf, i64, Option<FileStat>)> {
        let mut v = Vec::new();
        for (k, p) in self.pending.iter_mut() {
            if !p.reported && now.duration_since(p.first) >= after {
                p.reported = true;
                v.push((k.clone(), p.root_id, p.last.map(|(s, _)| s)));
            }
        }
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Stops waiting for a path (removed, ingested by force).
    pub fn forget(&mut self, path: &Path) {
        self.pending.remove(path);
    }

    /// Paths whose stat is due at `now`.
    pub fn due(&self, now: Instant) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.pending.iter().filter(|(_, p)| p.next <= now).map(|(k, _)| k.clone()).collect();
        v.sort();
        v
    }

    /// The earliest moment a stat is due, if any path waits.
    pub fn next_due(&self) -> Option<Instant> {
        self.pending.values().map(|p| p.next).min()
    }

    /// Feeds the result of stat-ing `path` at `now` (`None`: it no longer exists).
    pub fn report(&mut self, path: &Path, stat: Option<FileStat>, now: Instant) -> Step {
        let Some(p) = self.pending.get_mut(path) else { return Step::Wait };
        let Some(stat) = stat else {
            self.pending.remove(path);
            return Step::Gone;
        };
        match p.last {
            Some((prev, since)) if prev == stat && now.duration_since(since) >= self.settle => {
                let root_id = p.root_id;
                self.pending.remove(path);
                Step::Ready { root_id, stat }
            }
            Some((prev, since)) if prev == stat => {
                p.next = since + self.settle;
                Step::Wait
            }
            _ => {
                p.last = Some((stat, now));
                p.next = now + self.settle;
                Step::Wait
            }
        }
    }

    /// How many paths wait under a root.
    pub fn waiting(&self, root_id: i64) -> u64 {
        self.pending.values().filter(|p| p.root_id == root_id).count() as u64
    }

    /// Whether a waiting path has this device and inode (a move in progress).
    pub fn has_inode(&self, dev: u64, inode: u64) -> bool {
        self.pending.values().any(|p| p.last.is_some_and(|(s, _)| s.dev == dev && s.inode == inode))
    }

    pub fn is_pending(&self, path: &Path) -> bool {
        self.pending.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(size: u64, mtime: i64) -> FileStat {
        FileStat { dev: 1, inode: 7, size, mtime_ns: mtime }
    }

    const S: Duration = Duration::from_millis(200);

    /// Each row: (ms after the start, what happens) → the expected step.
    enum Ev {
        Observe,
        Stat(Option<FileStat>),
    }

    fn run(script: &[(u64, Ev, Option<Step>)]) {
        let t0 = Instant::now();
        let mut s = Settler::new(S);
        let p = Path::new("/w/a.mp4");
        for (i, (ms, ev, want)) in script.iter().enumerate() {
            let now = t0 + Duration::from_millis(*ms);
            match ev {
                Ev::Observe => s.observe(p, 1, now),
                Ev::Stat(stat) => {
                    let got = s.report(p, *stat, now);
                    assert_eq!(Some(got), *want, "row {i} at {ms} ms");
                }
            }
        }
    }

    #[test]
    fn table() {
        use Ev::*;
        let ready = |size, m| Some(Step::Ready { root_id: 1, stat: st(size, m) });
        // Two equal stats a settle apart: ready.
        run(&[
            (0, Observe, None),
            (0, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (200, Stat(Some(st(10, 1))), ready(10, 1)),
        ]);
        // Equal but too soon: wait.
        run(&[
            (0, Observe, None),
            (0, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (150, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (210, Stat(Some(st(10, 1))), ready(10, 1)),
        ]);
        // Growing: every change restarts the wait.
        run(&[
            (0, Observe, None),
            (0, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (200, Stat(Some(st(20, 2))), Some(Step::Wait)),
            (400, Stat(Some(st(30, 3))), Some(Step::Wait)),
            (550, Stat(Some(st(30, 3))), Some(Step::Wait)),
            (600, Stat(Some(st(30, 3))), ready(30, 3)),
        ]);
        // Same size, new mtime (rewritten in place): not ready.
        run(&[
            (0, Observe, None),
            (0, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (200, Stat(Some(st(10, 2))), Some(Step::Wait)),
            (400, Stat(Some(st(10, 2))), ready(10, 2)),
        ]);
        // A modify in between restarts, even when the stat comes back equal.
        run(&[
            (0, Observe, None),
            (0, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (190, Observe, None),
            (200, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (390, Stat(Some(st(10, 1))), Some(Step::Wait)),
            (400, Stat(Some(st(10, 1))), ready(10, 1)),
        ]);
        // Gone.
        run(&[(0, Observe, None), (0, Stat(Some(st(10, 1))), Some(Step::Wait)), (100, Stat(None), Some(Step::Gone))]);
        // Unknown path reports are ignored.
        run(&[(0, Stat(Some(st(1, 1))), Some(Step::Wait))]);
    }

    #[test]
    fn due_and_counts() {
        let t0 = Instant::now();
        let mut s = Settler::new(S);
        s.observe(Path::new("/w/b"), 2, t0);
        s.observe(Path::new("/w/a"), 1, t0);
        assert_eq!(s.due(t0), vec![PathBuf::from("/w/a"), PathBuf::from("/w/b")]);
        assert_eq!(s.report(Path::new("/w/a"), Some(st(1, 1)), t0), Step::Wait);
        assert_eq!(s.due(t0), vec![PathBuf::from("/w/b")]);
        assert_eq!(s.due(t0 + S), vec![PathBuf::from("/w/a"), PathBuf::from("/w/b")]);
        assert_eq!(s.next_due(), Some(t0));
        assert_eq!((s.waiting(1), s.waiting(2), s.len()), (1, 1, 2));
        assert!(s.has_inode(1, 7));
        assert!(!s.has_inode(1, 8));
        s.forget(Path::new("/w/b"));
        assert!(!s.is_pending(Path::new("/w/b")));
        assert!(s.long_waiting(t0 + S, S * 3).is_empty());
        assert_eq!(s.long_waiting(t0 + S * 3, S * 3).len(), 1);
        assert!(s.long_waiting(t0 + S * 4, S * 3).is_empty(), "reported once");
    }

    #[test]
    fn seeded_from_a_walk() {
        let t0 = Instant::now();
        let mut s = Settler::new(S);
        let p = Path::new("/w/a");
        s.seed(p, 1, st(5, 5), t0);
        assert!(s.due(t0).is_empty());
        assert_eq!(s.report(p, Some(st(5, 5)), t0 + S), Step::Ready { root_id: 1, stat: st(5, 5) });
    }
}
