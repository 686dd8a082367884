//! What a plan tells the user: the parameters the preview leaves out ([`NotPreviewable`], kept in
//! the `tr`) and the refusals ([`PlanError`], each with the nearest valid setting).

use sr_imagekit::transform::TransformError;

/// A parameter the local preview does not render. It stays in the `tr` (and so in the delivery URL);
/// the preview is made without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPreviewable {
    /// 1-based step number.
    pub step: usize,
    /// The parameter as written, e.g. `e-sharpen-10` or `l-video`.
    pub param: String,
    pub reason: String,
}

/// Why a transformation cannot be rendered as asked. Every message says what to do instead, and
/// [`PlanError::suggestion`] gives the nearest valid setting as `tr` text when there is one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// A value the remote would refuse (not a number, unknown keyword, ...).
    #[error("{0}")]
    Invalid(#[from] TransformError),

    #[error("Step {step}: the crop ({what}) reaches outside the {frame_w}×{frame_h} picture. Use {suggestion}.")]
    CropOutside { step: usize, what: String, frame_w: u32, frame_h: u32, suggestion: String },

    #[error("Step {step}: the clip is {duration} s long, so `{param}` is past its end; use {suggestion}.")]
    TrimPastEnd { step: usize, param: String, duration: String, suggestion: String },

    #[error("Step {step}: the end (eo) must come after the start (so); use {suggestion}.")]
    TrimReversed { step: usize, suggestion: String },

    #[error("Step {step}: videos rotate by 0/90/180/270 only; use {suggestion}.")]
    VideoRotation { step: usize, suggestion: String },

    #[error("{format} can't carry {codec} ({why}); use {suggestion}.")]
    CodecFormat { format: String, codec: String, why: String, suggestion: String },

    #[error("Step {step}: `{param}` only applies to videos and this is a photo; remove {suggestion}.")]
    VideoOnly { step: usize, param: String, suggestion: String },

    #[error("`{format}` is a {is} format and this is a {kind}; use {suggestion}.")]
    FormatForKind { format: String, is: &'static str, kind: &'static str, suggestion: String },

    #[error("`vc-none` and `ac-none` together leave nothing to show; use {suggestion}.")]
    NothingLeft { suggestion: String },

    #[error("`vc-none` keeps only the sound, but this video has none; use {suggestion}.")]
    NoSound { suggestion: String },

    #[error("Step {step}: `{param}` gives a picture with no pixels ({detail}); use {suggestion}.")]
    Empty { step: usize, param: String, detail: String, suggestion: String },

    #[error(
        "`{param}` is not allowed in a video thumbnail (allowed: w, h, ar, c, cm, fo, b, bg, r, so and layers); remove it."
    )]
    NotInThumbnail { param: String },

    #[error("This {0} can't be previewed: {1}")]
    Input(&'static str, String),

    /// A parameter the remote refuses on an adaptive-bitrate URL (`ik-master.m3u8` / `.mpd`, spec
    /// §10.4): `w`, `h`, `ar`, `f`, `vc`, `ac`, `q`. `suggestion` is the `tr` text to use instead,
    /// empty when the parameter should simply go.
    #[error(
        "Step {step}: `{param}` can't be used on an adaptive-bitrate URL (ik-master.m3u8 / ik-master.mpd): {why}; {}.",
        if suggestion.is_empty() { "remove it".to_string() } else { format!("use {suggestion} instead") }
    )]
    NotInLadder { step: usize, param: String, why: &'static str, suggestion: String },

    /// An adaptive-bitrate URL without `sr`: the remote needs the representations to build.
    #[error(
        "An adaptive-bitrate URL (ik-master.m3u8 / ik-master.mpd) needs the representations to build; add {suggestion} (any of 240, 360, 480, 720, 1080, 1440, 2160)."
    )]
    NoRepresentations { suggestion: String },
}

impl PlanError {
    /// The nearest valid setting, as `tr` text to put in place of the offending part.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            PlanError::CropOutside { suggestion, .. }
            | PlanError::TrimPastEnd { suggestion, .. }
            | PlanError::TrimReversed { suggestion, .. }
            | PlanError::VideoRotation { suggestion, .. }
            | PlanError::CodecFormat { suggestion, .. }
            | PlanError::VideoOnly { suggestion, .. }
            | PlanError::FormatForKind { suggestion, .. }
            | PlanError::NothingLeft { suggestion }
            | PlanError::NoSound { suggestion }
            | PlanError::Empty { suggestion, .. }
            | PlanError::NotInLadder { suggestion, .. }
            | PlanError::NoRepresentations { suggestion } => Some(suggestion),
            _ => None,
        }
    }
}
