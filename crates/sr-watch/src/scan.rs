//! Reconciliation (layer: scan): walk a root and compare every file's `stat` with the stat cache in
//! the library. An unchanged file costs one `stat` and no read. A vanished path whose (device,
//! inode, size, mtime) turns up at a new path is a move (the asset keeps its id); a vanished path
//! with no match marks its asset missing — unless the root itself is gone, on another device
//! (unmounted), or lost more than `offline_fraction` of its assets at once: then the root is
//! offline and nothing is marked.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sr_library::watch::{FileStat, FileState, WaitReason, WatchRoot, WatchedFile, remote_folder_for};
use sr_library::{Library, LibraryError};

use crate::rules::{Rules, Verdict};

/// Below this many vanished assets a root is never declared offline by the fraction rule: a
/// person deleting three of five files means it.
pub const OFFLINE_MIN_VANISHED: usize = 10;

/// What one reconciliation found and did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ScanReport {
    /// Files `stat`-ed.
    pub walked: u64,
    /// New or changed files (not yet in the stat cache as they are now): to settle and ingest.
    pub candidates: Vec<(PathBuf, FileStat)>,
    /// Assets found moved: `(asset_id, from, to)` (already relocated).
    pub moved: Vec<(i64, PathBuf, PathBuf)>,
    /// Assets marked missing.
    pub missing: Vec<i64>,
    /// Why the root is offline, when it is (nothing was changed then).
    pub offline: Option<String>,
    /// Ledger rows written (link loops, unreadable folders, temporary and excluded names).
    pub ledger_rows: u64,
}

/// The identity facts of a file's metadata.
pub fn file_stat(m: &std::fs::Metadata) -> FileStat {
    FileStat { dev: m.dev(), inode: m.ino(), size: m.len(), mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec() }
}

/// `stat` of a path (following links), `None` when it is gone or not a regular file.
pub fn stat(path: &Path) -> Option<FileStat> {
    std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| file_stat(&m))
}

/// Why a root cannot be reconciled now, if it cannot. `known_dev` is the device most of its
/// cached files were on.
pub fn root_problem(root: &Path, known_dev: Option<u64>) -> Option<String> {
    match std::fs::metadata(root) {
        Err(_) => Some(format!(
            "The folder {} cannot be found: it may have been renamed, moved or deleted, or its drive is not \
             connected. Nothing in it is marked missing; Stockroom picks it up again when it is back.",
            root.display()
        )),
        Ok(m) if !m.is_dir() => Some(format!("{} is no longer a folder.", root.display())),
        Ok(m) if known_dev.is_some_and(|d| d != m.dev()) => Some(format!(
            "The drive that holds {} seems to be disconnected (the folder is now on another disk). Nothing in it \
             is marked missing; connect the drive and Stockroom picks it up again.",
            root.display()
        )),
        Ok(_) => None,
    }
}

/// The device most of a root's cached files are on.
pub fn usual_dev(rows: &[WatchedFile]) -> Option<u64> {
    let mut n: HashMap<u64, usize> = HashMap::new();
    for r in rows.iter().filter(|r| r.asset_id.is_some()) {
        if let Some(s) = r.stat {
            *n.entry(s.dev).or_default() += 1;
        }
    }
    n.into_iter().max_by_key(|(_, c)| *c).map(|(d, _)| d)
}

fn row(
    root: &WatchRoot,
    path: PathBuf,
    stat: Option<FileStat>,
    state: FileState,
    reason: Option<WaitReason>,
    detail: Option<String>,
    now: i64,
) -> WatchedFile {
    WatchedFile {
        root_id: root.id,
        path,
        stat,
        asset_id: None,
        state,
        reason,
        detail,
        first_seen: now,
        updated_at: now,
    }
}

/// A held file's row: temporary names wait (for their rename), excluded ones are skipped.
pub fn held_row(root: &WatchRoot, path: PathBuf, stat: Option<FileStat>, reason: WaitReason, now: i64) -> WatchedFile {
    let state = if reason == WaitReason::TemporaryName { FileState::Waiting } else { FileState::Skipped };
    row(root, path, stat, state, Some(reason), None, now)
}

/// Reconciles `root` (see the module). `progress(done, total)` is called every thousand files.
pub fn reconcile(
    lib: &Library,
    root: &WatchRoot,
    rules: &Rules,
    offline_fraction: f64,
    now: i64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ScanReport, LibraryError> {
    let rows = lib.watched_files(root.id)?;
    let mut report = ScanReport::default();
    if let Some(why) = root_problem(&root.rule.path, usual_dev(&rows)) {
        report.offline = Some(why);
        return Ok(report);
    }
    let total = rows.len() as u64;
    let cache: HashMap<&Path, &WatchedFile> = rows.iter().map(|r| (r.path.as_path(), r)).collect();
    let mut seen: HashSet<PathBuf> = HashSet::with_capacity(rows.len());
    let mut ledger: Vec<WatchedFile> = Vec::new();

    let walker = walkdir::WalkDir::new(&root.rule.path).follow_links(true).into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_type().is_dir() || !rules.skip_dir(e.path())) {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let Some(path) = err.path().map(Path::to_owned) else { continue };
                let (reason, detail) = if err.loop_ancestor().is_some() {
                    (WaitReason::LinkLoop, err.loop_ancestor().map(|a| format!("It points back to {}.", a.display())))
                } else if err.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) {
                    continue;
                } else {
                    (WaitReason::Unreadable, err.io_error().map(|io| io.to_string()))
                };
                seen.insert(path.clone());
                let unchanged = cache
                    .get(path.as_path())
                    .is_some_and(|r| r.reason == Some(reason) || r.state == FileState::Ignored);
                if !unchanged {
                    ledger.push(row(root, path, None, FileState::Skipped, Some(reason), detail, now));
                }
                continue;
            }
        };
        if !e.file_type().is_file() {
            continue;
        }
        let verdict = rules.file(e.path());
        if verdict == Verdict::Silent {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let st = file_stat(&meta);
        report.walked += 1;
        if report.walked.is_multiple_of(1000) {
            progress(report.walked, total.max(report.walked));
        }
        let path = e.into_path();
        let known = cache.get(path.as_path()).copied();
        seen.insert(path.clone());
        match verdict {
            Verdict::Hold(reason) => {
                // Already in the library (excluded after it came in) or unchanged: nothing to do.
                let unchanged = known.is_some_and(|r| {
                    r.state == FileState::Ingested
                        || (r.stat == Some(st) && (r.reason == Some(reason) || r.state == FileState::Ignored))
                });
                if !unchanged {
                    ledger.push(held_row(root, path, Some(st), reason, now));
                }
            }
            _ => {
                // Settled: in the library, ignored, or skipped for what it is (a reason the rules
                // gave, or a permission problem, is looked at again).
                let settled = known.is_some_and(|r| {
                    r.stat == Some(st)
                        && match r.state {
                            FileState::Ingested | FileState::Ignored => true,
                            FileState::Skipped => !matches!(
                                r.reason,
                                Some(WaitReason::Unreadable | WaitReason::Excluded | WaitReason::TemporaryName)
                            ),
                            FileState::Waiting => false,
                        }
                });
                if !settled {
                    report.candidates.push((path, st));
                }
            }
        }
    }
    progress(report.walked, total.max(report.walked));

    // What vanished: moves first (identity fast path), then missing, unless the root looks offline.
    let vanished: Vec<&WatchedFile> =
        rows.iter().filter(|r| !seen.contains(&r.path) && std::fs::symlink_metadata(&r.path).is_err()).collect();
    let mut by_identity: HashMap<FileStat, usize> = HashMap::new();
    for (i, (_, st)) in report.candidates.iter().enumerate() {
        by_identity.insert(*st, i);
    }
    let mut moves: Vec<(i64, &WatchedFile, usize)> = Vec::new();
    let mut gone_assets: Vec<&WatchedFile> = Vec::new();
    let mut gone_other: Vec<PathBuf> = Vec::new();
    for r in &vanished {
        match (r.asset_id, r.stat) {
            (Some(id), Some(st)) if by_identity.contains_key(&st) => {
                moves.push((id, r, by_identity.remove(&st).unwrap()))
            }
            (Some(_), _) => gone_assets.push(r),
            _ => gone_other.push(r.path.clone()),
        }
    }
    let known_assets = rows.iter().filter(|r| r.asset_id.is_some()).count();
    if gone_assets.len() >= OFFLINE_MIN_VANISHED && gone_assets.len() as f64 > offline_fraction * known_assets as f64 {
        report.offline = Some(format!(
            "{} of the {known_assets} files Stockroom knows in {} disappeared at once, so it looks like the folder \
             is not fully available (a drive or share not connected?). Nothing is marked missing; if the files \
             were really deleted or moved away, choose Rescan.",
            gone_assets.len(),
            root.rule.path.display()
        ));
        report.candidates.clear();
        return Ok(report);
    }

    let mut moved_to: HashSet<usize> = HashSet::new();
    let mut forget: Vec<PathBuf> = gone_other;
    for (id, from, i) in moves {
        let (to, st) = report.candidates[i].clone();
        let folder = remote_folder_for(root, &to);
        // Moves the stat cache row along with the asset.
        lib.relocate_asset(id, &to, st, Some(&folder), now)?;
        report.moved.push((id, from.path.clone(), to));
        moved_to.insert(i);
    }
    if !moved_to.is_empty() {
        let mut i = 0;
        report.candidates.retain(|_| {
            i += 1;
            !moved_to.contains(&(i - 1))
        });
    }
    report.missing = gone_assets.iter().filter_map(|r| r.asset_id).collect();
    report.missing.sort_unstable();
    report.missing.dedup();
    if !report.missing.is_empty() {
        lib.mark_missing(&report.missing, now)?;
        forget.extend(gone_assets.iter().map(|r| r.path.clone()));
    }
    report.ledger_rows = ledger.len() as u64;
    if !ledger.is_empty() {
        lib.record_watched(&ledger)?;
    }
    if !forget.is_empty() {
        lib.forget_watched(&forget)?;
    }
    Ok(report)
}
