//! Wire types of local previews: what the transformation editor shows before (plan) and while
//! (events) a preview renders. TypeScript bindings are generated from these (see `bindings.rs`).
//!
//! How the UI uses them: `plan_preview` → [`PreviewPlan`] as the user types (errors are
//! `invalid_input` with the nearest valid setting in the message); `render_preview` streams
//! [`PreviewEvent`]s: start the HLS player on `first_segment_ready`, move a bar on `progress`,
//! swap in the final result on `finished`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to preview: an asset of the library, or any media file on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PreviewSource {
    AssetId(i64),
    Path(String),
}

/// `fast`: a segmented HLS preview (≤ 540p) that plays while it renders. `full`: one file at full
/// quality, exactly as the delivery URL would give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PreviewMode {
    Fast,
    Full,
}

/// What the output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PreviewKind {
    Video,
    Image,
    /// One frame of a video as a picture (`ik-thumbnail.jpg`).
    Thumbnail,
}

/// A parameter the local preview leaves out. It stays in the `tr`, so the delivery URL keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NotPreviewable {
    /// 1-based step number (0 when it concerns the whole transformation).
    pub step: u32,
    /// The parameter as written, e.g. `e-sharpen-10`.
    pub param: String,
    pub reason: String,
}

/// What a preview of `tr` will be, decided before anything is decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewPlan {
    pub kind: PreviewKind,
    /// The transformation in its canonical spelling (the cache key).
    pub tr: String,
    pub width: u32,
    pub height: u32,
    /// Seconds (videos).
    pub duration_s: Option<f64>,
    /// The part of the input kept, `[start, end]` in seconds (for thumbnails: the frame's time).
    pub trim_s: Option<(f64, f64)>,
    /// File format of a full render: `mp4`, `webm`, `jpg`, `png` or `webp`.
    pub format: String,
    /// `h264`, `vp9`, or `None` for sound only / stills.
    pub video_codec: Option<String>,
    /// `aac`, `opus`, or `None` without sound.
    pub audio_codec: Option<String>,
    /// 1..=100.
    pub quality: u8,
    pub not_previewable: Vec<NotPreviewable>,
    /// Approximations worth telling the user (a replaced font, ...).
    pub notes: Vec<String>,
}

/// A finished preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewResult {
    pub width: u32,
    pub height: u32,
    pub duration_s: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    /// Bytes (all files of a fast preview).
    pub size: u64,
    /// Loopback media-server URL of the file, or of `master.m3u8` for a fast preview; `None` while
    /// the media server is not running (the CLI) or when the output lies outside the render cache.
    pub url: Option<String>,
    /// The file on disk (or `master.m3u8`).
    pub path: String,
    /// `true` when an earlier identical render was reused.
    pub cached: bool,
}

/// Something a running preview reports, in order; `finished` comes last on success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum PreviewEvent {
    /// Share done, 0..=1.
    Progress {
        fraction: f32,
    },
    /// Fast preview: the first segment is written; a player can start on `url` (`master.m3u8`).
    FirstSegmentReady {
        url: Option<String>,
        path: String,
    },
    Finished {
        result: PreviewResult,
    },
}
