//! The plan: everything a render needs, decided before anything is decoded, and the options a plan
//! is made with. Plain data; the compiler that fills it is in the sibling modules.

use std::path::PathBuf;

use super::refusal::NotPreviewable;
use crate::render::color::Rgba;
use crate::render::fonts::Font;

/// Where a layer sits along one axis of the picture below it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// This many pixels from the left/top edge (`lx-10`).
    Start(i64),
    /// This many pixels from the right/bottom edge (`lx-N10`).
    End(i64),
    /// Centred.
    Center,
}

/// A text layer (`l-text`).
#[derive(Debug, Clone, PartialEq)]
pub struct TextLayer {
    pub text: String,
    /// The bundled font used for the preview (see `fonts/README.md`).
    pub font: Font,
    pub font_size: u32,
    pub color: Rgba,
    pub background: Option<Rgba>,
    /// Box padding around the text, in pixels.
    pub padding: u32,
    pub x: Place,
    pub y: Place,
    /// Shown from..until (seconds of the output); `None` = always.
    pub window: Option<(f64, f64)>,
}

/// An image layer (`l-image`), resolved to a local file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageLayer {
    pub path: PathBuf,
    /// Size of the overlay picture as decoded (upright).
    pub source_size: (u32, u32),
    /// Geometry applied to the overlay picture before placing it.
    pub ops: Vec<Op>,
    pub size: (u32, u32),
    /// Top-left corner on the picture below (may be partly outside).
    pub x: i64,
    pub y: i64,
    /// 0..=100.
    pub opacity: u8,
    pub window: Option<(f64, f64)>,
}

/// One pixel operation, in order. Sizes are those of the picture after the operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Scale {
        width: u32,
        height: u32,
    },
    Crop {
        width: u32,
        height: u32,
        x: u32,
        y: u32,
    },
    Pad {
        width: u32,
        height: u32,
        x: u32,
        y: u32,
        color: Rgba,
    },
    /// Clockwise quarter turns (1, 2 or 3).
    Turn {
        quarters: u8,
    },
    /// Any-angle rotation of a still, clockwise degrees; the corners are filled.
    Rotate {
        degrees: f64,
        width: u32,
        height: u32,
        fill: Rgba,
    },
    Flip {
        horizontal: bool,
        vertical: bool,
    },
    /// Border of `width` pixels around the picture (the picture grows by twice the width).
    Border {
        width: u32,
        color: Rgba,
    },
    /// Rounded corners: top-left, top-right, bottom-right, bottom-left radii.
    Radius {
        corners: [u32; 4],
    },
    Blur {
        radius: u8,
    },
    Grayscale,
    Text(TextLayer),
    Image(ImageLayer),
}

/// What the plan renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    Video,
    Image,
    /// One frame of a video as a picture (`ik-thumbnail.jpg`).
    Thumbnail,
}

/// The container/file format written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Mp4,
    Webm,
    Jpg,
    Png,
    Webp,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Mp4 => "mp4",
            OutputFormat::Webm => "webm",
            OutputFormat::Jpg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Webp => "webp",
        }
    }
    /// From a file extension (`jpeg` is `jpg`), case-insensitive.
    pub fn from_extension(ext: &str) -> Option<OutputFormat> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "mp4" | "m4v" => OutputFormat::Mp4,
            "webm" => OutputFormat::Webm,
            "jpg" | "jpeg" => OutputFormat::Jpg,
            "png" => OutputFormat::Png,
            "webp" => OutputFormat::Webp,
            _ => return None,
        })
    }
    pub fn is_video(self) -> bool {
        matches!(self, OutputFormat::Mp4 | OutputFormat::Webm)
    }
}

/// Video encoders the preview uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutVideo {
    H264,
    Vp9,
}

/// Audio encoders the preview uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutAudio {
    Aac,
    Opus,
}

/// A seconds range of the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trim {
    pub start_s: f64,
    pub end_s: f64,
}

/// Everything a render needs, decided up front.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderPlan {
    pub kind: PlanKind,
    /// The `tr` the plan was made from, exactly as given.
    pub tr: String,
    /// Upright input size (rotation metadata / EXIF applied).
    pub input_size: (u32, u32),
    /// Clockwise rotation the input's metadata asks for; applied before `ops` (videos).
    pub input_rotation: i32,
    pub ops: Vec<Op>,
    /// Output size in pixels.
    pub width: u32,
    pub height: u32,
    /// Part of the input kept (videos; for thumbnails `start_s` is the frame's time).
    pub trim: Option<Trim>,
    /// Output duration in seconds (videos).
    pub duration_s: Option<f64>,
    pub format: OutputFormat,
    /// `None` with `vc-none` (sound only) and for stills.
    pub video: Option<OutVideo>,
    /// `None` with `ac-none`, when the input has no sound, and for stills.
    pub audio: Option<OutAudio>,
    /// 1..=100 (`q`, defaults 50 for video and 80 for pictures as on the remote).
    pub quality: u8,
    pub not_previewable: Vec<NotPreviewable>,
    /// Approximations worth telling the user (a font replaced by a bundled one, ...).
    pub notes: Vec<String>,
}

/// Maps a layer's media-library path (`i-logos@@brand.png` gives `logos/brand.png`) to a local file.
pub type Resolver<'a> = &'a dyn Fn(&str) -> Option<PathBuf>;

/// Options for [`plan_with`].
#[derive(Default)]
pub struct PlanOptions<'a> {
    /// Finds image-layer files; without one, image layers are "not previewable locally".
    pub resolver: Option<Resolver<'a>>,
    /// The format used when the `tr` has no `f` (or `f-auto`/`f-orig`), e.g. from the output file's
    /// extension. Ignored when it does not suit the input (a video format for a photo).
    pub default_format: Option<OutputFormat>,
}

/// Default `fs` for text layers when none is given.
pub const DEFAULT_FONT_SIZE: u32 = 16;
