//! The only crate that touches libav*: probe, thumbnails, frames for scrubbing.
//!
//! * [`probe`] says what a file is (kind, container, codecs, display size, rotation, duration) without
//!   decoding it.
//! * [`thumbnail`] writes a small upright preview picture; [`frame_at`] returns one for scrubbing.
//! * [`render`] previews the remote's transformations: files, fast HLS previews, and the
//!   adaptive-bitrate ladders of `ik-master.m3u8` / `ik-master.mpd`.
//! * [`compare`] tells whether two files show the same thing: their [`MediaFacts`] side by side and
//!   SSIM on frames sampled at the same times (preview = shop).
//!
//! Thread-safety: every call opens and owns its own libav contexts and frees them on return (Drop
//! wrappers), so all functions may be called from many threads in parallel. libav is initialised once
//! per process on first use ([`init`]), with its log silenced.
//!
//! Layering: `av` (libav set-up and owned contexts), `error` and the types of this file are the
//! base; `probe` is built on `av`, `thumb` on `probe`, [`render`] on both (its own layering is in
//! its doc), `compare` on `probe` and `thumb`. `fixtures` uses only the `ffmpeg` CLI.
//!
//! With the `fixtures` feature, [`fixtures`] generates small media files with the `ffmpeg` CLI for tests
//! and benchmarks of this and other crates.

mod av;
mod compare;
mod error;
mod probe;
pub mod render;
mod thumb;

#[cfg(feature = "fixtures")]
pub mod fixtures;

pub use av::init;
pub use compare::{CompareOptions, Comparison, FrameScore, MediaFacts, compare, facts};
pub use error::MediaError;
pub use probe::probe;
pub use thumb::{ThumbInfo, frame_at, thumbnail};

/// What a file is, decided from its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// Moving pictures, with or without sound.
    Video,
    /// A still picture (including animated GIF/WebP, which the remote library treats as images).
    Image,
    /// Sound only (embedded cover art does not make it a video).
    Audio,
    /// Not media. [`probe`] never returns it (it returns [`MediaError::NotMedia`]); it exists for callers
    /// that keep non-media files in the library and need a kind for them.
    Other,
}

/// The result of [`probe`].
#[derive(Debug, Clone, PartialEq)]
pub struct MediaInfo {
    pub kind: MediaKind,
    /// Short container name: `mp4`, `mov`, `m4a`, `webm`, `mkv`, `mp3`, `wav`, `jpeg`, `png`, `gif`,
    /// `webp`, `tiff`, `bmp`, otherwise libav's demuxer name.
    pub container: Option<String>,
    /// libav codec name of the main video stream (`h264`, `hevc`, `vp9`, ...); `None` for photos read
    /// through the `image` crate.
    pub video_codec: Option<String>,
    /// libav codec name of the main audio stream (`aac`, `opus`, `mp3`, ...).
    pub audio_codec: Option<String>,
    /// Display width in pixels: the coded width with `rotation_deg` applied (sample aspect ratio is not
    /// applied).
    pub width: Option<u32>,
    /// Display height in pixels, as `width`.
    pub height: Option<u32>,
    /// Clockwise rotation a viewer applies to show the picture upright: 0, 90, 180 or 270 (display
    /// matrix / `rotate` tag for videos, EXIF orientation for photos).
    pub rotation_deg: i32,
    /// Duration in seconds (videos and sound; `None` for stills).
    pub duration_s: Option<f64>,
    /// Average frames per second (videos only).
    pub frame_rate: Option<f64>,
    /// Overall bit rate in bits per second, when the container knows it.
    pub bit_rate: Option<u64>,
    /// Whether the picture has an alpha channel (transparency).
    pub has_alpha: bool,
}

impl MediaInfo {
    /// Display size as `(width, height)` when both are known.
    pub fn display_size(&self) -> Option<(u32, u32)> {
        Some((self.width?, self.height?))
    }
}
