//! Finished renders kept on disk, keyed by (content hash, `tr` as written, mode: full file, fast
//! preview, HLS or DASH ladder), so asking for the same preview twice costs nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::job::{RenderError, RenderEvent, RenderOptions};
use super::ladder::{self, LadderOutput, LadderPlan};
use super::plan::{PlanKind, RenderPlan};
use super::{PREVIEW_COMPLETE, RenderMode, RenderOutput, render, render_preview};

/// BLAKE3 of a file's bytes, hex.
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().to_hex().to_string())
}

/// The input of a cached render: its file and the hash of its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub path: &'a Path,
    /// e.g. the library's content hash, or [`content_hash`].
    pub content_hash: &'a str,
}

/// A folder of finished renders (the caller picks it, e.g. the library's cache folder).
#[derive(Debug, Clone)]
pub struct RenderCache {
    dir: PathBuf,
}

impl RenderCache {
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<RenderCache> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(RenderCache { dir })
    }

    /// Where the render for this key lives (a file, or a folder for fast previews).
    pub fn path_for(&self, content_hash: &str, plan: &RenderPlan, mode: RenderMode) -> PathBuf {
        let key = blake3::hash(
            format!(
                "v1\0{content_hash}\0{}\0{:?}\0{}\0{:?}",
                plan.tr,
                plan.kind,
                mode == RenderMode::Fast,
                plan.format
            )
            .as_bytes(),
        )
        .to_hex();
        let key = &key.as_str()[..32];
        match mode {
            RenderMode::Fast => self.dir.join(format!("{key}.hls")),
            RenderMode::Full => self.dir.join(format!("{key}.{}", plan.format.extension())),
        }
    }

    /// The cached render, or a new one written into the cache. A cache hit reports
    /// `Progress(1.0)` (and `FirstSegmentReady` for fast previews) at once.
    pub fn get_or_render(
        &self,
        input: Source<'_>,
        plan: &RenderPlan,
        mode: RenderMode,
        opts: &RenderOptions,
        on_event: &mut dyn FnMut(RenderEvent),
        cancel: &AtomicBool,
    ) -> Result<RenderOutput, RenderError> {
        let Source { path: input, content_hash } = input;
        let path = self.path_for(content_hash, plan, mode);
        match mode {
            RenderMode::Full => {
                if path.is_file() {
                    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                    if let Ok(out) = super::describe(&path, plan, size) {
                        touch(&path);
                        on_event(RenderEvent::Progress(1.0));
                        return Ok(out);
                    }
                }
                render(input, plan, &path, opts, on_event, cancel)
            }
            RenderMode::Fast => {
                if plan.kind == PlanKind::Video && path.join(PREVIEW_COMPLETE).is_file() {
                    touch(&path);
                    let master = path.join("master.m3u8");
                    on_event(RenderEvent::FirstSegmentReady { master: master.clone() });
                    on_event(RenderEvent::Progress(1.0));
                    let size = std::fs::read_dir(&path)
                        .map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
                        .unwrap_or(0);
                    let (width, height) = super::video::preview_size(plan.width, plan.height);
                    return Ok(RenderOutput {
                        path: master,
                        width,
                        height,
                        duration_s: plan.duration_s,
                        video_codec: Some("h264".into()),
                        audio_codec: plan.audio.map(|_| "aac".into()),
                        size,
                    });
                }
                render_preview(input, plan, &path, opts, on_event, cancel)
            }
        }
    }

    /// The master playlist of the cached ladder for this key (`<key>.abr/ik-master.m3u8` or `.mpd`).
    pub fn ladder_path_for(&self, content_hash: &str, plan: &LadderPlan) -> PathBuf {
        let key =
            blake3::hash(format!("v1\0{content_hash}\0{}\0abr\0{:?}", plan.base.tr, plan.format).as_bytes()).to_hex();
        self.dir.join(format!("{}.abr", &key.as_str()[..32])).join(plan.format.master_name())
    }

    /// The cached ladder, or a new one written into the cache. A cache hit reports `Progress(1.0)`
    /// at once.
    pub fn get_or_render_ladder(
        &self,
        input: Source<'_>,
        plan: &LadderPlan,
        opts: &RenderOptions,
        on_event: &mut dyn FnMut(RenderEvent),
        cancel: &AtomicBool,
    ) -> Result<LadderOutput, RenderError> {
        let master = self.ladder_path_for(input.content_hash, plan);
        if master.is_file()
            && let Some(dir) = master.parent()
            && let Ok(out) = ladder::describe(plan, dir, &master)
        {
            touch(dir);
            on_event(RenderEvent::Progress(1.0));
            return Ok(out);
        }
        ladder::render_ladder(input.path, plan, &master, opts, on_event, cancel)
    }

    /// Keeps the cache under `max_bytes`: removes what crashed renders left behind (partial files and
    /// unfinished preview or ladder folders not written to for [`ORPHAN_AGE`]), then finished renders
    /// least recently used first (a cache hit counts as a use) until the rest fits. Entries used in
    /// the last [`ORPHAN_AGE`] are never removed, so a preview being watched stays.
    pub fn trim(&self, max_bytes: u64) -> std::io::Result<Trimmed> {
        let now = std::time::SystemTime::now();
        let age = |t: std::time::SystemTime| now.duration_since(t).unwrap_or_default();
        let mut out = Trimmed::default();
        let mut finished = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            let used = last_written(&path, &meta);
            let size = size_of(&path, &meta);
            let name = entry.file_name().to_string_lossy().into_owned();
            let complete = if meta.is_dir() {
                if name.ends_with(".hls") {
                    path.join(PREVIEW_COMPLETE).is_file()
                } else {
                    std::fs::read_dir(&path).is_ok_and(|d| {
                        d.filter_map(Result::ok).any(|e| {
                            let n = e.file_name().to_string_lossy().into_owned();
                            n.ends_with(".m3u8") || n.ends_with(".mpd")
                        })
                    })
                }
            } else {
                !name.ends_with(".partial")
            };
            if !complete {
                if age(used) >= ORPHAN_AGE && remove(&path, &meta) {
                    out.removed += 1;
                    out.freed += size;
                }
                continue;
            }
            finished.push((used, size, path, meta));
        }
        let mut total: u64 = finished.iter().map(|(_, size, ..)| size).sum();
        finished.sort_by_key(|(used, ..)| *used);
        for (used, size, path, meta) in finished {
            if total <= max_bytes {
                break;
            }
            if age(used) < ORPHAN_AGE {
                continue;
            }
            if remove(&path, &meta) {
                total -= size;
                out.removed += 1;
                out.freed += size;
            }
        }
        out.kept_bytes = total;
        Ok(out)
    }
}

/// How long an unfinished render may sit untouched before it counts as left by a crash, and how
/// recently a finished one must have been used to be safe from trimming.
pub const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// What [`RenderCache::trim`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    pub removed: usize,
    pub freed: u64,
    pub kept_bytes: u64,
}

/// Marks a cache entry as just used, for least-recently-used trimming: its access time (set
/// explicitly; reads alone do not move it on `relatime` mounts). The modification time stays the
/// render's own.
fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.set_times(std::fs::FileTimes::new().set_accessed(std::time::SystemTime::now()));
    }
}

/// When an entry was last used or written: its own access or modification time, or a newer write
/// inside it (a render writing into a folder is alive).
fn last_written(path: &Path, meta: &std::fs::Metadata) -> std::time::SystemTime {
    let epoch = std::time::SystemTime::UNIX_EPOCH;
    let own = meta.modified().unwrap_or(epoch).max(meta.accessed().unwrap_or(epoch));
    if !meta.is_dir() {
        return own;
    }
    walk(path).filter_map(|m| m.modified().ok()).fold(own, std::cmp::max)
}

fn size_of(path: &Path, meta: &std::fs::Metadata) -> u64 {
    if meta.is_dir() { walk(path).filter(|m| m.is_file()).map(|m| m.len()).sum() } else { meta.len() }
}

/// Metadata of everything under a folder (two levels: a ladder folder holds its partial folder).
fn walk(dir: &Path) -> impl Iterator<Item = std::fs::Metadata> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.filter_map(Result::ok) {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() && depth < 2 {
                stack.push((e.path(), depth + 1));
            }
            out.push(m);
        }
    }
    out.into_iter()
}

fn remove(path: &Path, meta: &std::fs::Metadata) -> bool {
    if meta.is_dir() { std::fs::remove_dir_all(path).is_ok() } else { std::fs::remove_file(path).is_ok() }
}
