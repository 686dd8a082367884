//! What every render shares, below all of them: the options it is given ([`RenderOptions`]), the
//! events it reports ([`RenderEvent`], throttled by [`Progress`]), why it failed ([`RenderError`],
//! with [`fail`] for libav's errors) and where it writes before the rename ([`partial_path`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::plan::PlanError;
use ffmpeg_next as ff;

use crate::{MediaError, av};

/// Something a running render reports.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderEvent {
    /// Share done, 0..=1, at most every 250 ms or per whole percent; 1.0 is always reported last.
    Progress(f32),
    /// Fast preview: the first segment is written and listed; a player can start on `master`.
    FirstSegmentReady { master: PathBuf },
}

/// Tuning that does not change what the output shows.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// x264 preset of full renders (previews always use `ultrafast`).
    pub x264_preset: String,
    /// Decoder/encoder threads; 0 = automatic: encoders as the ffmpeg CLI (libav's choice; ladder
    /// rungs share the cores), the picture decoder about a quarter of the cores (it runs on a thread
    /// of its own).
    pub threads: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { x264_preset: "veryfast".into(), threads: 0 }
    }
}

/// Why a render did not produce its output.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Media(#[from] MediaError),
    /// This machine's libav lacks an encoder the output needs.
    #[error(
        "This computer's video library has no `{0}` encoder, so this preview can't be made. Install an FFmpeg build with it, or pick another format (f-mp4 uses libx264)."
    )]
    MissingEncoder(String),
    #[error("The preview was cancelled.")]
    Cancelled,
    #[error("The preview couldn't be saved ({0}). Check free disk space and folder permissions.")]
    Output(String),
    #[error("The preview couldn't be made: {0}")]
    Failed(String),
}

/// A libav error as a failed render, with what libav logged about it.
pub(crate) fn fail(what: &str) -> impl Fn(ff::Error) -> RenderError + '_ {
    move |e| {
        let detail = av::take_log().map(|l| format!(" ({l})")).unwrap_or_default();
        RenderError::Failed(format!("{what}: {e}{detail}"))
    }
}

/// Throttled progress reporting.
pub(crate) struct Progress<'a> {
    sink: &'a mut dyn FnMut(RenderEvent),
    last_at: Option<Instant>,
    last: f32,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(sink: &'a mut dyn FnMut(RenderEvent)) -> Self {
        Progress { sink, last_at: None, last: -1.0 }
    }
    pub(crate) fn report(&mut self, v: f32) {
        let due = self.last_at.is_none_or(|t| t.elapsed() >= Duration::from_millis(250));
        if (v - self.last >= 0.01 || due) && v != self.last {
            self.last = v;
            self.last_at = Some(Instant::now());
            (self.sink)(RenderEvent::Progress(v));
        }
    }
    pub(crate) fn event(&mut self, e: RenderEvent) {
        (self.sink)(e);
    }
    pub(crate) fn finish(&mut self) {
        self.last = 1.0;
        (self.sink)(RenderEvent::Progress(1.0));
    }
}

/// A hidden sibling of `out` for writing before the rename.
pub(crate) fn partial_path(out: &Path) -> PathBuf {
    use std::sync::atomic::AtomicU64;
    static N: AtomicU64 = AtomicU64::new(0);
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "render".into());
    let n = N.fetch_add(1, Ordering::Relaxed);
    out.with_file_name(format!(".{name}.{}-{n}.partial", std::process::id()))
}
