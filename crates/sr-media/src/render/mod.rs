//! Local previews of the remote's transformations (spec §10): see exactly what the shop will show.
//!
//! 1. [`plan`] / [`plan_with`] / [`plan_thumbnail`] turn a probed input and a `tr` into a
//!    [`RenderPlan`] or a [`PlanError`] (reason + nearest valid setting) before anything is decoded.
//!    Parameters outside the local subset are listed in [`RenderPlan::not_previewable`]; the `tr` (and
//!    so the delivery URL) keeps them.
//! 2. [`render`] writes a file (mp4/webm, jpg/png/webp) through ONE libavfilter graph and libav
//!    encoders, atomically (temporary file + rename). [`render_preview`] writes segmented fMP4 HLS at
//!    preview size (≤ 540p, x264 ultrafast, 1 s segments, `event` playlist) so playback can start on
//!    the first segment ([`RenderEvent::FirstSegmentReady`]).
//! 3. [`plan_ladder`] / [`render_ladder`] make the adaptive-bitrate ladder of
//!    `…/ik-master.m3u8?tr=sr-…` (HLS) and `ik-master.mpd` (DASH) exactly as the remote delivers it:
//!    one decode → the other transformations → `split` → one `scale` and one libx264 per rung (aligned
//!    GOPs), AAC once, one `hls`/`dash` muxer (see `ladder.rs`).
//! 4. [`spawn`] runs a file or fast render on its own thread with throttled progress and
//!    cancellation; [`RenderCache`] reuses results keyed by (content hash, `tr`, mode).
//!
//! Video renders decode on a thread of their own (`source.rs`) and encode pictures on another, so
//! decoding, filtering and encoding overlap (the ffmpeg CLI 5.1 runs them one after another on its
//! main thread); the encoder settings are the CLI's (including libx264's closed GOPs).
//!
//! Thread-safety: every render owns its libav contexts; run as many in parallel as you like.
//!
//! Layering (a module imports only those listed before it): `fonts` and `color` (RGBA, libav's
//! colour names) are the base; `plan` (the `tr` → plan compiler, see its own layering) on them;
//! `job` (options, events, progress and errors every render shares) and `graph` (a plan as a
//! filter graph description) on the plan; `source` (the decode thread) and `still` (pictures);
//! `video` (files and HLS previews, on `source` and `still`); `ladder` (the ABR ladders, on
//! `video`); this file (the entry points [`render`], [`render_preview`], [`spawn`]); `cache` on
//! top, which calls the entry points and the ladder. The re-exports below are the public face
//! and are not imported back by the modules.

mod cache;
mod color;
mod fonts;
mod graph;
mod job;
mod ladder;
mod plan;
mod source;
mod still;
mod video;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

pub use cache::{ORPHAN_AGE, RenderCache, Source, Trimmed, content_hash};
pub use fonts::Font;
pub use job::{RenderError, RenderEvent, RenderOptions};
pub use ladder::{
    LADDER_AUDIO_BITRATE, LadderFormat, LadderOutput, LadderPlan, REPRESENTATIONS, Rung, RungOutput, SEGMENT_S,
    at_max_even, plan_ladder, render_ladder,
};
pub use plan::{
    DEFAULT_FONT_SIZE, ImageLayer, NotPreviewable, Op, OutAudio, OutVideo, OutputFormat, Place, PlanError, PlanKind,
    PlanOptions, RenderPlan, Resolver, Rgba, TextLayer, Trim, plan, plan_thumbnail, plan_with,
};
pub use video::{vp9_crf, x264_crf};

use job::{Progress, partial_path};

/// What a finished render wrote (read back from the file).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOutput {
    /// The file, or `master.m3u8` of a fast preview.
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub duration_s: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    /// Bytes written (all files of a fast preview).
    pub size: u64,
}

fn describe(path: &Path, plan: &RenderPlan, size: u64) -> Result<RenderOutput, RenderError> {
    if plan.format.is_video() {
        let info = crate::probe(path)?;
        return Ok(RenderOutput {
            path: path.to_path_buf(),
            width: info.width.unwrap_or(plan.width),
            height: info.height.unwrap_or(plan.height),
            duration_s: info.duration_s,
            video_codec: info.video_codec,
            audio_codec: info.audio_codec,
            size,
        });
    }
    let (width, height) = image::image_dimensions(path).map_err(|e| RenderError::Output(e.to_string()))?;
    Ok(RenderOutput {
        path: path.to_path_buf(),
        width,
        height,
        duration_s: None,
        video_codec: Some(
            match plan.format {
                OutputFormat::Png => "png",
                OutputFormat::Webp => "webp",
                _ => "mjpeg",
            }
            .into(),
        ),
        audio_codec: None,
        size,
    })
}

/// Render `input` per `plan` into the file `out` (format from the plan). Blocks; call it from a
/// worker thread or use [`spawn`]. The file appears only when complete; a cancelled or failed render
/// leaves nothing behind.
pub fn render(
    input: &Path,
    plan: &RenderPlan,
    out: &Path,
    opts: &RenderOptions,
    on_event: &mut dyn FnMut(RenderEvent),
    cancel: &AtomicBool,
) -> Result<RenderOutput, RenderError> {
    let tmp = partial_path(out);
    let mut progress = Progress::new(on_event);
    let res = match plan.kind {
        PlanKind::Video => video::render(
            input,
            plan,
            video::Target::File { path: &tmp, format: plan.format },
            opts,
            &mut progress,
            cancel,
        ),
        PlanKind::Image | PlanKind::Thumbnail => still::render(input, plan, &tmp),
    };
    let res = res.and_then(|()| {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        std::fs::rename(&tmp, out).map_err(|e| RenderError::Output(e.to_string()))
    });
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    progress.finish();
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    describe(out, plan, size)
}

/// Name of the file marking a finished fast preview folder.
pub const PREVIEW_COMPLETE: &str = ".complete";

/// Render a fast preview of a video: segmented fMP4 HLS in `dir` (created; must not hold another
/// preview), `dir/master.m3u8` for the player. Playback can start at
/// [`RenderEvent::FirstSegmentReady`] while the rest renders. When done, the playlist ends with
/// `#EXT-X-ENDLIST` and `dir/.complete` exists; a cancelled or failed preview deletes `dir`.
pub fn render_preview(
    input: &Path,
    plan: &RenderPlan,
    dir: &Path,
    opts: &RenderOptions,
    on_event: &mut dyn FnMut(RenderEvent),
    cancel: &AtomicBool,
) -> Result<RenderOutput, RenderError> {
    if plan.kind != PlanKind::Video || plan.video.is_none() {
        return Err(RenderError::Failed(
            "fast previews are for videos with a picture; render photos and thumbnails directly".into(),
        ));
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| RenderError::Output(e.to_string()))?;
    let mut hls_plan = plan.clone();
    // Previews are always H.264/AAC (what hls.js plays through MSE everywhere).
    hls_plan.video = Some(OutVideo::H264);
    hls_plan.audio = plan.audio.map(|_| OutAudio::Aac);
    let mut progress = Progress::new(on_event);
    let res = video::render(input, &hls_plan, video::Target::Hls { dir }, opts, &mut progress, cancel)
        .and_then(|()| std::fs::write(dir.join(PREVIEW_COMPLETE), b"").map_err(|e| RenderError::Output(e.to_string())));
    if let Err(e) = res {
        video::remove_dir(dir);
        return Err(e);
    }
    progress.finish();
    let size =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0);
    let (width, height) = video::preview_size(plan.width, plan.height);
    Ok(RenderOutput {
        path: dir.join("master.m3u8"),
        width,
        height,
        duration_s: plan.duration_s,
        video_codec: Some("h264".into()),
        audio_codec: hls_plan.audio.map(|_| "aac".into()),
        size,
    })
}

/// What [`spawn`] renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderMode {
    /// A file at full quality ([`render`]).
    Full,
    /// A fast HLS preview folder ([`render_preview`]).
    Fast,
}

/// A render running on its own thread.
pub struct RenderHandle {
    cancel: Arc<AtomicBool>,
    thread: JoinHandle<Result<RenderOutput, RenderError>>,
}

impl RenderHandle {
    /// Ask the render to stop; its partial output is deleted. [`RenderHandle::join`] then returns
    /// [`RenderError::Cancelled`] (unless it had already finished).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    /// The flag [`RenderHandle::cancel`] sets, for callers that keep only the flag.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }
    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }
    /// Wait for the result.
    pub fn join(self) -> Result<RenderOutput, RenderError> {
        self.thread.join().unwrap_or_else(|_| Err(RenderError::Failed("the render stopped unexpectedly".into())))
    }
}

/// Start a render on a new thread (fails only when the system can't start one). `on_event` is called
/// from that thread.
pub fn spawn(
    input: PathBuf,
    plan: RenderPlan,
    out: PathBuf,
    mode: RenderMode,
    opts: RenderOptions,
    mut on_event: impl FnMut(RenderEvent) + Send + 'static,
) -> std::io::Result<RenderHandle> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let thread = std::thread::Builder::new().name("sr-render".into()).spawn(move || match mode {
        RenderMode::Full => render(&input, &plan, &out, &opts, &mut on_event, &flag),
        RenderMode::Fast => render_preview(&input, &plan, &out, &opts, &mut on_event, &flag),
    })?;
    Ok(RenderHandle { cancel, thread })
}
