//! Import: discover files under the dropped paths, identify and probe them in parallel, and record
//! each distinct content once. Every file ends either imported or skipped with a plain reason.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::{Asset, AssetKind, AssetStatus, Library, LibraryError, assets, identity};

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Write thumbnails / poster frames after indexing.
    pub thumbnails: bool,
    /// Longest edge of thumbnails, in pixels.
    pub thumb_edge: u32,
    /// Unix seconds used as the import time.
    pub now: i64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { thumbnails: true, thumb_edge: 480, now: 0 }
    }
}

/// A file that was not imported, and why, in words a merchandiser understands.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What happened, as it happens; the caller forwards these to a progress bar or a terminal.
#[derive(Debug)]
pub enum ImportEvent<'a> {
    /// Discovery finished: this many files will be looked at.
    Discovered {
        total: u64,
    },
    Imported(&'a Asset),
    Skipped(&'a Skipped),
    /// A thumbnail for this asset is now on disk.
    Thumbnail {
        id: i64,
    },
    /// `done` of `total` files have been dealt with (imported or skipped).
    Progress {
        done: u64,
        total: u64,
    },
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: Vec<Asset>,
    pub skipped: Vec<Skipped>,
}

struct Candidate {
    path: PathBuf,
    remote_folder: String,
}

enum Indexed {
    Asset(Box<Asset>),
    Skipped(Skipped),
}

impl Library {
    /// Imports files and folders. A folder keeps its structure: `shoot/day1/a.mp4` dropped as the
    /// folder `shoot` gets the remote folder `/shoot/day1/`. Runs on the calling thread plus the
    /// rayon pool; `cancel` stops it between files.
    pub fn import(
        &self,
        roots: &[PathBuf],
        opts: &ImportOptions,
        sink: &(dyn Fn(ImportEvent<'_>) + Sync),
        cancel: Option<&AtomicBool>,
    ) -> Result<ImportReport, LibraryError> {
        let mut report = ImportReport::default();
        // Paths are stored absolute (without resolving links, so a linked folder keeps its name).
        let roots: Vec<PathBuf> = roots.iter().map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone())).collect();
        let candidates = discover(&roots, &mut report.skipped);
        for s in &report.skipped {
            sink(ImportEvent::Skipped(s));
        }
        let total = (candidates.len() + report.skipped.len()) as u64;
        sink(ImportEvent::Discovered { total });
        let mut done = report.skipped.len() as u64;

        let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        let (tx, rx) = mpsc::sync_channel::<(Candidate, Indexed)>(64);
        let known = self.read(|c| {
            let mut stmt = c.prepare("SELECT path, size, mtime_ns FROM assets")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
            Ok(rows.collect::<Result<HashSet<_>, _>>()?)
        })?;

        let mut result = Ok(());
        std::thread::scope(|scope| {
            scope.spawn(|| {
                candidates.into_par_iter().for_each_with(tx, |tx, cand| {
                    if cancelled() {
                        return;
                    }
                    let indexed = index_one(&cand, opts.now, &known);
                    let _ = tx.send((cand, indexed));
                });
            });
            // The single writer: record results in small transactions as they arrive.
            let mut batch: Vec<(Candidate, Indexed)> = Vec::new();
            let flush = |batch: &mut Vec<(Candidate, Indexed)>, report: &mut ImportReport, done: &mut u64| {
                let recorded = self.write(|tx| {
                    let mut out = Vec::with_capacity(batch.len());
                    for (_, item) in batch.drain(..) {
                        out.push(match item {
                            Indexed::Skipped(s) => Indexed::Skipped(s),
                            Indexed::Asset(a) => record(tx, *a)?,
                        });
                    }
                    Ok(out)
                })?;
                for item in recorded {
                    *done += 1;
                    match item {
                        Indexed::Asset(a) => {
                            sink(ImportEvent::Imported(&a));
                            report.imported.push(*a);
                        }
                        Indexed::Skipped(s) => {
                            sink(ImportEvent::Skipped(&s));
                            report.skipped.push(s);
                        }
                    }
                }
                sink(ImportEvent::Progress { done: *done, total });
                Ok::<(), LibraryError>(())
            };
            // Block for the first item, then take whatever else is ready (up to a batch).
            while let Ok(item) = rx.recv() {
                batch.push(item);
                while batch.len() < 256 {
                    match rx.try_recv() {
                        Ok(item) => batch.push(item),
                        Err(_) => break,
                    }
                }
                if let Err(e) = flush(&mut batch, &mut report, &mut done) {
                    result = Err(e);
                    break;
                }
            }
        });
        result?;

        if opts.thumbnails && !cancelled() {
            self.write_thumbnails(&report.imported, opts.thumb_edge, sink, cancel)?;
        }
        Ok(report)
    }

    /// Writes thumbnails for `assets` in parallel and records them.
    pub fn write_thumbnails(
        &self,
        assets: &[Asset],
        edge: u32,
        sink: &(dyn Fn(ImportEvent<'_>) + Sync),
        cancel: Option<&AtomicBool>,
    ) -> Result<(), LibraryError> {
        let dir = self.thumbs_dir();
        assets.par_iter().filter(|a| matches!(a.kind, AssetKind::Video | AssetKind::Image)).try_for_each(|a| {
            if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Ok(());
            }
            let shard = dir.join(&a.full_hash[..2]);
            let out = shard.join(format!("{}.jpg", a.full_hash));
            if !out.exists() {
                std::fs::create_dir_all(&shard).map_err(|e| LibraryError::Io { path: shard.clone(), source: e })?;
                // A thumbnail that cannot be made is not an import failure: the grid shows a placeholder.
                if sr_media::thumbnail(&a.path, &out, edge).is_err() {
                    return Ok(());
                }
            }
            self.write(|tx| assets::set_thumbnail(tx, a.id, &out.to_string_lossy()))?;
            sink(ImportEvent::Thumbnail { id: a.id });
            Ok(())
        })
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn discover(roots: &[PathBuf], skipped: &mut Vec<Skipped>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for root in roots {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                skipped.push(Skipped { path: root.clone(), reason: io_reason(&e) });
                continue;
            }
        };
        if meta.is_file() {
            if seen.insert(root.clone()) {
                out.push(Candidate { path: root.clone(), remote_folder: "/".into() });
            }
            continue;
        }
        let base = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let walker = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
        for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let rel_dir = e.path().parent().and_then(|p| p.strip_prefix(root).ok()).unwrap_or(Path::new(""));
                    let mut folder = String::from("/");
                    if !base.is_empty() {
                        folder.push_str(&base);
                        folder.push('/');
                    }
                    for part in rel_dir.components() {
                        folder.push_str(&part.as_os_str().to_string_lossy());
                        folder.push('/');
                    }
                    if seen.insert(e.path().to_owned()) {
                        out.push(Candidate { path: e.into_path(), remote_folder: folder });
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map(Path::to_owned).unwrap_or_else(|| root.clone());
                    let reason = if err.loop_ancestor().is_some() {
                        "This folder link points back to a folder that contains it (a link loop), so it was not followed.".to_string()
                    } else if let Some(io) = err.io_error() {
                        io_reason(io)
                    } else {
                        err.to_string()
                    };
                    skipped.push(Skipped { path, reason });
                }
            }
        }
    }
    out
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "The file was not found; it may have been moved or deleted.".into(),
        std::io::ErrorKind::PermissionDenied => {
            "Stockroom is not allowed to read this file. Check its permissions.".into()
        }
        _ => format!("The file could not be read: {e}."),
    }
}

fn skip(path: &Path, reason: impl Into<String>) -> Indexed {
    Indexed::Skipped(Skipped { path: path.to_owned(), reason: reason.into() })
}

/// Why a file could not be identified as media (shared by import and watched-folder ingest,
/// which words and types it differently).
#[derive(Debug)]
pub(crate) enum NotIdentified {
    /// The file could not be opened or read (missing, permission, disk error).
    Io(std::io::Error),
    /// Zero bytes.
    Empty,
    /// Readable, but not a video, photo or sound file.
    NotMedia,
    /// Recognised as media, but it does not probe (damaged, incomplete, unsupported).
    Probe(sr_media::MediaError),
}

impl NotIdentified {
    /// The reason in words, as import reports it.
    pub(crate) fn reason(&self) -> String {
        match self {
            NotIdentified::Io(e) => io_reason(e),
            NotIdentified::Empty => "This file is empty (0 bytes).".into(),
            NotIdentified::NotMedia => "This doesn't look like a video, photo or sound file.".into(),
            NotIdentified::Probe(e) => e.to_string(),
        }
    }
}

/// The file's size and modification time (nanoseconds since the epoch).
pub(crate) fn size_and_mtime(meta: &std::fs::Metadata) -> (u64, i64) {
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    (meta.len(), mtime_ns)
}

/// Identifies one file: the sampled hash, the media probe, then the full hash. Pure with respect
/// to the database (runs on the rayon pool for import, on the watcher's thread for ingest).
pub(crate) fn identify(
    path: &Path,
    size: u64,
    mtime_ns: i64,
    remote_folder: &str,
    now: i64,
) -> Result<Asset, NotIdentified> {
    if size == 0 {
        return Err(NotIdentified::Empty);
    }
    let sample_hash = identity::sampled_hash(path, size).map_err(NotIdentified::Io)?;
    let info = sr_media::probe(path).map_err(|e| match e {
        sr_media::MediaError::Empty => NotIdentified::Empty,
        sr_media::MediaError::NotMedia => NotIdentified::NotMedia,
        sr_media::MediaError::Unreadable(io) => NotIdentified::Io(io),
        other => NotIdentified::Probe(other),
    })?;
    let kind = match info.kind {
        sr_media::MediaKind::Video => AssetKind::Video,
        sr_media::MediaKind::Image => AssetKind::Image,
        sr_media::MediaKind::Audio => AssetKind::Audio,
        _ => return Err(NotIdentified::NotMedia),
    };
    let full_hash = identity::full_hash(path, size).map_err(NotIdentified::Io)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Asset {
        id: 0,
        path: path.to_owned(),
        name,
        size,
        mtime_ns,
        sample_hash,
        full_hash,
        kind,
        container: info.container,
        video_codec: info.video_codec,
        audio_codec: info.audio_codec,
        width: info.width,
        height: info.height,
        rotation: info.rotation_deg,
        duration_s: info.duration_s,
        frame_rate: info.frame_rate,
        bit_rate: info.bit_rate,
        thumb_path: None,
        status: AssetStatus::Local,
        status_detail: None,
        remote_folder: remote_folder.to_owned(),
        imported_at: now,
        updated_at: now,
    })
}

/// Hashes and probes one file for import.
fn index_one(cand: &Candidate, now: i64, known: &HashSet<(String, i64, i64)>) -> Indexed {
    let path = &cand.path;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return skip(path, io_reason(&e)),
    };
    let (size, mtime_ns) = size_and_mtime(&meta);
    if size == 0 {
        return skip(path, NotIdentified::Empty.reason());
    }
    if known.contains(&(path.to_string_lossy().into_owned(), size as i64, mtime_ns)) {
        return skip(path, "Already in the library.");
    }
    match identify(path, size, mtime_ns, &cand.remote_folder, now) {
        Ok(a) => Indexed::Asset(Box::new(a)),
        Err(e) => skip(path, e.reason()),
    }
}

/// Where an identified file's content stands in the library, decided (and written) inside the
/// writer transaction by content identity.
#[derive(Debug)]
pub(crate) enum Placed {
    /// This path already is this content.
    Known(Asset),
    /// The same content is already an asset at another path that still exists.
    Duplicate(Asset),
    /// The content was an asset whose file is gone: that asset now lives here (id kept).
    Moved { asset: Asset, from: PathBuf },
    /// An asset at this path had other content: it now holds this content (id, tags, folder kept).
    Replaced(Asset),
    /// A new asset.
    New(Asset),
}

/// Places one identified file: the same bytes already in the library are not added twice; if the
/// known copy's file is gone, the asset follows the content to its new place.
pub(crate) fn place(tx: &rusqlite::Transaction<'_>, mut a: Asset) -> Result<Placed, LibraryError> {
    if let Some(existing) = assets::by_full_hash(tx, &a.full_hash)? {
        if existing.path == a.path {
            return Ok(Placed::Known(existing));
        }
        if existing.path.exists() {
            return Ok(Placed::Duplicate(existing));
        }
        tx.execute(
            "UPDATE assets SET path = ?1, name = ?2, mtime_ns = ?3, status = 'local', status_detail = NULL,
                 updated_at = ?4 WHERE id = ?5",
            rusqlite::params![a.path.to_string_lossy(), a.name, a.mtime_ns, a.updated_at, existing.id],
        )?;
        let asset = assets::get(tx, existing.id)?.expect("row just updated");
        return Ok(Placed::Moved { asset, from: existing.path });
    }
    let replaced = match assets::by_path(tx, &a.path.to_string_lossy())? {
        Some(prev) => {
            // Same place, new content: keep the asset (its tags, folder...) and refresh its facts.
            a.remote_folder = prev.remote_folder;
            a.imported_at = prev.imported_at;
            true
        }
        None => false,
    };
    a.id = assets::upsert(tx, &a)?;
    let asset = assets::get(tx, a.id)?.expect("row just written");
    Ok(if replaced { Placed::Replaced(asset) } else { Placed::New(asset) })
}

/// Records one indexed asset inside the writer transaction (see [`place`]).
fn record(tx: &rusqlite::Transaction<'_>, a: Asset) -> Result<Indexed, LibraryError> {
    let path = a.path.clone();
    Ok(match place(tx, a)? {
        Placed::Known(existing) | Placed::Duplicate(existing) => {
            skip(&path, format!("Same content as \"{}\", which is already in the library.", existing.name))
        }
        Placed::Moved { asset, .. } | Placed::Replaced(asset) | Placed::New(asset) => Indexed::Asset(Box::new(asset)),
    })
}
