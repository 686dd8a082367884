//! Finished renders kept on disk, keyed by (content hash, `tr` as written, mode: full file, fast
//! preview, HLS or DASH ladder), so asking for the same preview twice costs nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::ladder::{self, LadderOutput, LadderPlan};
use super::{
    PREVIEW_COMPLETE, PlanKind, RenderError, RenderEvent, RenderMode, RenderOptions, RenderOutput, RenderPlan, render,
    render_preview,
};

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
                        on_event(RenderEvent::Progress(1.0));
                        return Ok(out);
                    }
                }
                render(input, plan, &path, opts, on_event, cancel)
            }
            RenderMode::Fast => {
                if plan.kind == PlanKind::Video && path.join(PREVIEW_COMPLETE).is_file() {
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
            on_event(RenderEvent::Progress(1.0));
            return Ok(out);
        }
        ladder::render_ladder(input.path, plan, &master, opts, on_event, cancel)
    }
}
