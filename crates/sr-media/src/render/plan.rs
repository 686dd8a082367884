//! The planner: a `tr` string and a probed input become a [`RenderPlan`] (every geometry step with its
//! pixel sizes, trims, output format and codecs), or a [`PlanError`] saying why the combination is
//! impossible and what the nearest valid setting is — all before any pixel is decoded.
//!
//! Semantics follow the remote (spec §10.2/§10.3): the input is turned upright first (the remote
//! auto-rotates), then each chained step is applied left to right: resize/crop (`w`, `h`, `ar`, `c`,
//! `cm`, `fo`, `x`, `y`, `xc`, `yc`), `rt`, `fl`, `e-grayscale`, `bl`, layers, `r`, `b`. Trims (`so`,
//! `eo`, `du`) compose across steps; the last `q`, `f`, `vc`, `ac` win. Video outputs get even sizes
//! (4:2:0 chroma) by dropping the last odd row/column.

use std::path::PathBuf;

use sr_imagekit::transform::{
    AspectRatio, AudioCodec, Background, Color, Crop, CropMode, Flip, Focus, Format, Layer, LayerInput, LayerKind,
    LayerValues, Quantity, Radius, Rotation, Step, StepValues, TransformError, Transformation, VideoCodec,
    format_number,
};

use crate::{MediaInfo, MediaKind};

/// An RGBA colour (alpha 255 = opaque).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    pub const BLACK: Rgba = Rgba([0, 0, 0, 255]);
    pub const WHITE: Rgba = Rgba([255, 255, 255, 255]);
    /// libavfilter's colour syntax, `0xRRGGBBAA`.
    pub fn to_av(self) -> String {
        let [r, g, b, a] = self.0;
        format!("0x{r:02X}{g:02X}{b:02X}{a:02X}")
    }
}

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
    pub font: super::fonts::Font,
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

/// Plan a render of `input` with `tr` (no image-layer resolver, default format).
pub fn plan(input: &MediaInfo, tr: &Transformation) -> Result<RenderPlan, PlanError> {
    plan_with(input, tr, &PlanOptions::default())
}

/// Plan a render of `input` with `tr`.
pub fn plan_with(input: &MediaInfo, tr: &Transformation, opts: &PlanOptions<'_>) -> Result<RenderPlan, PlanError> {
    let kind = match input.kind {
        MediaKind::Video => PlanKind::Video,
        MediaKind::Image => PlanKind::Image,
        MediaKind::Audio => {
            return Err(PlanError::Input("sound file", "it has no picture to transform".into()));
        }
        MediaKind::Other => return Err(PlanError::Input("file", "it is not media".into())),
    };
    Planner::new(input, tr, kind, opts)?.run()
}

/// Plan a video thumbnail (`…/video.mp4/ik-thumbnail.jpg?tr=…`): the frame at `so` (the first frame
/// by default) with the thumbnail's allowed parameters, as a JPEG.
pub fn plan_thumbnail(input: &MediaInfo, tr: &Transformation, opts: &PlanOptions<'_>) -> Result<RenderPlan, PlanError> {
    if input.kind != MediaKind::Video {
        return Err(PlanError::Input(
            "file",
            "thumbnails (ik-thumbnail.jpg) are made from videos; for a photo use the photo itself with w/h".into(),
        ));
    }
    const ALLOWED: &[&str] = &["w", "h", "ar", "c", "cm", "fo", "b", "bg", "r", "so", "x", "y", "xc", "yc"];
    for step in tr.steps() {
        for p in step.params() {
            let known = is_supported_key(p.key());
            if known && !ALLOWED.contains(&p.key()) {
                return Err(PlanError::NotInThumbnail { param: p.to_string() });
            }
        }
    }
    Planner::new(input, tr, PlanKind::Thumbnail, opts)?.run()
}

fn is_supported_key(k: &str) -> bool {
    matches!(
        k,
        "w" | "h"
            | "ar"
            | "c"
            | "cm"
            | "fo"
            | "x"
            | "y"
            | "xc"
            | "yc"
            | "rt"
            | "fl"
            | "so"
            | "eo"
            | "du"
            | "q"
            | "f"
            | "vc"
            | "ac"
            | "bg"
            | "b"
            | "r"
            | "bl"
            | "e-grayscale"
    )
}

struct Planner<'a, 'o> {
    info: &'a MediaInfo,
    tr: &'a Transformation,
    kind: PlanKind,
    opts: &'a PlanOptions<'o>,
    values: Vec<StepValues>,
    ops: Vec<Op>,
    size: (u32, u32),
    not_previewable: Vec<NotPreviewable>,
    notes: Vec<String>,
}

/// Round to a whole pixel, at least 1.
fn px(v: f64) -> u32 {
    if v.is_finite() { v.round().clamp(1.0, 65_535.0) as u32 } else { 1 }
}

fn secs(v: f64) -> String {
    format_number((v * 100.0).round() / 100.0)
}

impl<'a, 'o> Planner<'a, 'o> {
    fn new(
        info: &'a MediaInfo,
        tr: &'a Transformation,
        kind: PlanKind,
        opts: &'a PlanOptions<'o>,
    ) -> Result<Self, PlanError> {
        let values = tr.values()?;
        let size = info
            .display_size()
            .filter(|(w, h)| *w > 0 && *h > 0)
            .ok_or(PlanError::Input("file", "its picture size is unknown".into()))?;
        Ok(Planner {
            info,
            tr,
            kind,
            opts,
            values,
            ops: Vec::new(),
            size,
            not_previewable: Vec::new(),
            notes: Vec::new(),
        })
    }

    fn skip(&mut self, step: usize, param: impl Into<String>, reason: impl Into<String>) {
        self.not_previewable.push(NotPreviewable { step, param: param.into(), reason: reason.into() });
    }

    fn is_video(&self) -> bool {
        self.kind == PlanKind::Video
    }

    fn run(mut self) -> Result<RenderPlan, PlanError> {
        let steps: Vec<Step> = self.tr.steps().to_vec();
        let values = std::mem::take(&mut self.values);
        let duration = self.info.duration_s.filter(|d| *d > 0.0);
        let mut trim: Option<Trim> = None;
        let mut quality = None;
        let mut format = None;
        let mut vcodec = None;
        let mut acodec = None;

        for (i, (step, v)) in steps.iter().zip(&values).enumerate() {
            let n = i + 1;
            self.unknown_params(n, step);
            // Trims compose: a later step trims what the earlier ones kept.
            if v.start_offset.is_some() || v.end_offset.is_some() || v.duration.is_some() {
                if self.kind == PlanKind::Image {
                    let p = if v.start_offset.is_some() {
                        "so"
                    } else if v.end_offset.is_some() {
                        "eo"
                    } else {
                        "du"
                    };
                    let written = step.get(p).map(|p| p.to_string()).unwrap_or_default();
                    return Err(PlanError::VideoOnly { step: n, param: p.into(), suggestion: written });
                }
                trim = Some(self.trim(n, v, trim, duration)?);
            }
            if self.kind == PlanKind::Image {
                for (key, set) in [("vc", v.video_codec.is_some()), ("ac", v.audio_codec.is_some())] {
                    if set {
                        let written = step.get(key).map(|p| p.to_string()).unwrap_or_default();
                        return Err(PlanError::VideoOnly { step: n, param: key.into(), suggestion: written });
                    }
                }
            }
            quality = v.quality.or(quality);
            format = v.format.or(format);
            vcodec = v.video_codec.or(vcodec);
            acodec = v.audio_codec.or(acodec);

            self.resize(n, v)?;
            self.rotate(n, step, v)?;
            if let Some(f) = v.flip {
                self.ops.push(Op::Flip {
                    horizontal: matches!(f, Flip::Horizontal | Flip::Both),
                    vertical: matches!(f, Flip::Vertical | Flip::Both),
                });
            }
            if v.grayscale {
                self.ops.push(Op::Grayscale);
            }
            if let Some(b) = v.blur {
                if self.is_video() {
                    self.skip(n, format!("bl-{b}"), "blur is previewed on photos only");
                } else {
                    self.ops.push(Op::Blur { radius: b });
                }
            }
            let layers: Vec<&Layer> = step.layers().collect();
            for (layer, lv) in layers.iter().zip(&v.layers) {
                self.layer(n, layer, lv)?;
            }
            if let Some(r) = &v.radius {
                if self.is_video() {
                    self.skip(
                        n,
                        step.get("r").map(|p| p.to_string()).unwrap_or_default(),
                        "rounded corners are previewed on photos only",
                    );
                } else {
                    let (w, h) = self.size;
                    let max = w.min(h) / 2;
                    let corners = match r {
                        Radius::Max => [max; 4],
                        Radius::Uniform(r) => [(*r).min(max); 4],
                        Radius::Corners(c) => c.map(|r| r.min(max)),
                    };
                    self.ops.push(Op::Radius { corners });
                }
            }
            if let Some(b) = &v.border {
                let (w, h) = self.size;
                match self.eval(&b.width, w, h, None) {
                    Some(bw) if bw >= 1.0 => {
                        let bw = px(bw);
                        let color = self.color(n, &b.color, Rgba::BLACK);
                        self.ops.push(Op::Border { width: bw, color });
                        self.size = (w + 2 * bw, h + 2 * bw);
                    }
                    _ => self.skip(
                        n,
                        step.get("b").map(|p| p.to_string()).unwrap_or_default(),
                        "this border width can't be computed locally",
                    ),
                }
            }
        }

        // Output format and codecs.
        let (format, video, audio) = self.output(format, vcodec, acodec)?;
        if video.is_some() && format.is_video() {
            let (w, h) = self.size;
            let (ew, eh) = (w & !1, h & !1);
            if ew < 2 || eh < 2 {
                return Err(PlanError::Empty {
                    step: steps.len().max(1),
                    param: "w/h".into(),
                    detail: format!("{w}×{h} is too small for a video"),
                    suggestion: "w-2,h-2 or larger".into(),
                });
            }
            if (ew, eh) != (w, h) {
                self.ops.push(Op::Crop { width: ew, height: eh, x: 0, y: 0 });
                self.notes.push(format!("{w}×{h} rounded down to {ew}×{eh}: H.264/VP9 video needs even sizes"));
                self.size = (ew, eh);
            }
        }
        let (trim, duration_s) = match self.kind {
            PlanKind::Video => {
                let d = duration.unwrap_or(0.0);
                let t = trim.unwrap_or(Trim { start_s: 0.0, end_s: d });
                (Some(t), Some((((t.end_s - t.start_s) * 1e6).round() / 1e6).max(0.0)))
            }
            PlanKind::Thumbnail => (Some(trim.unwrap_or(Trim { start_s: 0.0, end_s: 0.0 })), None),
            PlanKind::Image => (None, None),
        };
        let quality = quality.unwrap_or(if format.is_video() { 50 } else { 80 });
        Ok(RenderPlan {
            kind: self.kind,
            tr: self.tr.to_string(),
            input_size: self.info.display_size().unwrap_or(self.size),
            input_rotation: if self.kind == PlanKind::Video { self.info.rotation_deg } else { 0 },
            ops: self.ops,
            width: self.size.0,
            height: self.size.1,
            trim,
            duration_s,
            format,
            video,
            audio,
            quality,
            not_previewable: self.not_previewable,
            notes: self.notes,
        })
    }

    fn unknown_params(&mut self, n: usize, step: &Step) {
        for p in step.params() {
            if !is_supported_key(p.key()) {
                self.skip(n, p.to_string(), "not previewable locally");
            }
        }
    }

    /// Evaluate a number or an expression (`iw_div_2`) with the current picture's variables.
    fn eval(&self, q: &Quantity, cw: u32, ch: u32, base: Option<(u32, u32)>) -> Option<f64> {
        match q {
            Quantity::Number(n) => Some(*n),
            Quantity::Expr(e) => {
                let (iw, ih) = (f64::from(cw), f64::from(ch));
                let (bw, bh) = base.map_or((iw, ih), |(w, h)| (f64::from(w), f64::from(h)));
                let dur = self.info.duration_s.unwrap_or(0.0);
                let var = |s: &str| -> Option<f64> {
                    Some(match s {
                        "iw" | "cw" => iw,
                        "ih" | "ch" => ih,
                        "iar" | "car" => iw / ih,
                        "bw" => bw,
                        "bh" => bh,
                        "bar" => bw / bh,
                        "idu" | "bdu" | "cdu" => dur,
                        _ => match s.strip_prefix('N') {
                            Some(rest) => -rest.parse::<f64>().ok()?,
                            None => s.parse::<f64>().ok()?,
                        },
                    })
                };
                let parts: Vec<&str> = e.0.split('_').collect();
                let mut acc = var(parts.first()?)?;
                for pair in parts[1..].chunks(2) {
                    let [op, v] = pair else { return None };
                    let v = var(v)?;
                    acc = match *op {
                        "add" => acc + v,
                        "sub" => acc - v,
                        "mul" => acc * v,
                        "div" if v != 0.0 => acc / v,
                        "mod" if v != 0.0 => acc % v,
                        "pow" => acc.powf(v),
                        _ => return None,
                    };
                }
                acc.is_finite().then_some(acc)
            }
        }
    }

    /// A size parameter: a fraction in (0,1) is a share of the current size.
    fn dimension(&mut self, n: usize, key: &str, q: &Option<Quantity>, of: u32) -> Option<f64> {
        let q = q.as_ref()?;
        let (w, h) = self.size;
        match self.eval(q, w, h, None) {
            Some(v) if v > 0.0 && v < 1.0 => Some(v * f64::from(of)),
            Some(v) if v >= 1.0 => Some(v),
            _ => {
                let written = match q {
                    Quantity::Expr(e) => e.0.clone(),
                    Quantity::Number(v) => format_number(*v),
                };
                self.skip(n, format!("{key}-{written}"), "this size can't be computed locally");
                None
            }
        }
    }

    fn color(&mut self, n: usize, c: &Color, fallback: Rgba) -> Rgba {
        match c {
            Color::Hex { rgb, opacity } => {
                let a = opacity.map_or(255, |o| ((u32::from(o.min(99)) * 255 + 49) / 99) as u8);
                Rgba([rgb[0], rgb[1], rgb[2], a])
            }
            Color::Named(name) => match super::graph::named_color(name) {
                Some(c) => c,
                None => {
                    self.skip(n, name.clone(), "colour name not known locally; previewed as black");
                    fallback
                }
            },
        }
    }

    fn background(&mut self, n: usize, bg: &Option<Background>) -> Rgba {
        match bg {
            None => Rgba::BLACK,
            Some(Background::Color(c)) => self.color(n, c, Rgba::BLACK),
            Some(Background::Blurred(v)) | Some(Background::Other(v)) => {
                self.skip(n, format!("bg-{v}"), "this background is not previewable locally; previewed as black");
                Rgba::BLACK
            }
        }
    }

    /// Top-left offset of a `cw`×`ch` window inside `w`×`h` for an anchor.
    fn anchor(&mut self, _step: usize, focus: &Option<Focus>, w: i64, h: i64, cw: i64, ch: i64) -> (i64, i64) {
        let (fx, fy) = match focus {
            None | Some(Focus::Center) => (1, 1),
            Some(Focus::Top) => (1, 0),
            Some(Focus::Bottom) => (1, 2),
            Some(Focus::Left) => (0, 1),
            Some(Focus::Right) => (2, 1),
            Some(Focus::TopLeft) => (0, 0),
            Some(Focus::TopRight) => (2, 0),
            Some(Focus::BottomLeft) => (0, 2),
            Some(Focus::BottomRight) => (2, 2),
            // Smart focus (listed as not previewable by `resize`): centred.
            Some(_) => (1, 1),
        };
        let pos = |f: i64, outer: i64, inner: i64| match f {
            0 => 0,
            1 => (outer - inner) / 2,
            _ => outer - inner,
        };
        (pos(fx, w, cw), pos(fy, h, ch))
    }

    fn push_scale(&mut self, w: u32, h: u32) {
        if (w, h) != self.size {
            self.ops.push(Op::Scale { width: w, height: h });
            self.size = (w, h);
        }
    }

    fn resize(&mut self, n: usize, v: &StepValues) -> Result<(), PlanError> {
        let (iw, ih) = self.size;
        if let Some(f @ (Focus::Auto | Focus::Face | Focus::Custom | Focus::Object(_))) = &v.focus {
            let name = match f {
                Focus::Auto => "auto".to_string(),
                Focus::Face => "face".to_string(),
                Focus::Custom => "custom".to_string(),
                Focus::Object(o) => o.clone(),
                _ => String::new(),
            };
            self.skip(n, format!("fo-{name}"), "smart focus needs the remote's detectors; previewed centred");
        }
        let mut tw = self.dimension(n, "w", &v.width, iw);
        let mut th = self.dimension(n, "h", &v.height, ih);
        match (&v.aspect_ratio, tw, th) {
            (None, ..) => {}
            (Some(ar), w, h) => {
                let ratio = match ar {
                    AspectRatio::Ratio { width, height } => Some(width / height),
                    AspectRatio::Expr(e) => self.eval(&Quantity::Expr(e.clone()), iw, ih, None),
                };
                match (ratio, w, h) {
                    (Some(r), Some(w), None) if r > 0.0 => th = Some(w / r),
                    (Some(r), None, Some(h)) if r > 0.0 => tw = Some(h * r),
                    (Some(_), Some(_), Some(_)) => {
                        self.notes.push(format!("step {n}: ar is ignored when both w and h are set (as on the remote)"))
                    }
                    (Some(_), None, None) => self.notes.push(format!("step {n}: ar needs w or h to have an effect")),
                    _ => self.skip(n, "ar", "this aspect ratio can't be computed locally"),
                }
            }
        }
        let has_coords = v.x.is_some() || v.y.is_some() || v.x_center.is_some() || v.y_center.is_some();
        if tw.is_none() && th.is_none() {
            if has_coords {
                self.notes.push(format!("step {n}: x/y/xc/yc need w and h with cm-extract"));
            }
            return Ok(());
        }
        let (fw, fh) = (f64::from(iw), f64::from(ih));
        let crop_mode = match v.crop_mode {
            Some(m @ (CropMode::PadResizeNoEnlarge | CropMode::PadExtractNoShrink)) => {
                self.skip(n, format!("cm-{m}"), "not previewable locally; previewed without it");
                None
            }
            m => m,
        };
        match crop_mode {
            Some(CropMode::Extract) | Some(CropMode::PadExtract) => {
                let cw = tw.map_or(iw, px);
                let ch = th.map_or(ih, px);
                let pad = crop_mode == Some(CropMode::PadExtract);
                if !pad && (cw > iw || ch > ih) {
                    let mut fix = Vec::new();
                    if cw > iw {
                        fix.push(format!("w-{iw}"));
                    }
                    if ch > ih {
                        fix.push(format!("h-{ih}"));
                    }
                    return Err(PlanError::CropOutside {
                        step: n,
                        what: format!("{cw}×{ch}"),
                        frame_w: iw,
                        frame_h: ih,
                        suggestion: format!("{} (or cm-pad_extract to pad instead)", fix.join(",")),
                    });
                }
                // Window position inside the picture (may be negative/outside with pad_extract).
                let (ax, ay) = self.anchor(n, &v.focus, i64::from(iw), i64::from(ih), i64::from(cw), i64::from(ch));
                let mut x = ax;
                let mut y = ay;
                let cx = |q: &Option<Quantity>, s: &Self| q.as_ref().and_then(|q| s.eval(q, iw, ih, None));
                if let Some(xv) = cx(&v.x, self) {
                    x = xv.round() as i64;
                }
                if let Some(yv) = cx(&v.y, self) {
                    y = yv.round() as i64;
                }
                if let Some(xc) = cx(&v.x_center, self) {
                    x = (xc - f64::from(cw) / 2.0).round() as i64;
                }
                if let Some(yc) = cx(&v.y_center, self) {
                    y = (yc - f64::from(ch) / 2.0).round() as i64;
                }
                if !pad {
                    let (maxx, maxy) = (i64::from(iw - cw), i64::from(ih - ch));
                    if x < 0 || y < 0 || x > maxx || y > maxy {
                        let mut fix = Vec::new();
                        let key = |c: bool, k: &str| if c { k.to_string() } else { k.replace('c', "") };
                        if x < 0 || x > maxx {
                            let k = key(v.x_center.is_some(), "xc");
                            let val = x.clamp(0, maxx) + if v.x_center.is_some() { i64::from(cw) / 2 } else { 0 };
                            fix.push(format!("{k}-{val}"));
                        }
                        if y < 0 || y > maxy {
                            let k = key(v.y_center.is_some(), "yc");
                            let val = y.clamp(0, maxy) + if v.y_center.is_some() { i64::from(ch) / 2 } else { 0 };
                            fix.push(format!("{k}-{val}"));
                        }
                        return Err(PlanError::CropOutside {
                            step: n,
                            what: format!("{cw}×{ch} at {x},{y}"),
                            frame_w: iw,
                            frame_h: ih,
                            suggestion: fix.join(","),
                        });
                    }
                    self.ops.push(Op::Crop { width: cw, height: ch, x: x as u32, y: y as u32 });
                    self.size = (cw, ch);
                } else {
                    // Crop what lies inside, then pad back out to the window.
                    let x0 = x.max(0);
                    let y0 = y.max(0);
                    let x1 = (x + i64::from(cw)).min(i64::from(iw));
                    let y1 = (y + i64::from(ch)).min(i64::from(ih));
                    if x1 <= x0 || y1 <= y0 {
                        return Err(PlanError::CropOutside {
                            step: n,
                            what: format!("{cw}×{ch} at {x},{y}"),
                            frame_w: iw,
                            frame_h: ih,
                            suggestion: "x-0,y-0".into(),
                        });
                    }
                    let (kw, kh) = ((x1 - x0) as u32, (y1 - y0) as u32);
                    if (kw, kh) != (iw, ih) {
                        self.ops.push(Op::Crop { width: kw, height: kh, x: x0 as u32, y: y0 as u32 });
                    }
                    if (kw, kh) != (cw, ch) {
                        let color = self.background(n, &v.background);
                        self.ops.push(Op::Pad { width: cw, height: ch, x: (x0 - x) as u32, y: (y0 - y) as u32, color });
                    }
                    self.size = (cw, ch);
                }
            }
            Some(CropMode::PadResize) => {
                let bw = tw.unwrap_or(fw * th.unwrap_or(fh) / fh);
                let bh = th.unwrap_or(fh * bw / fw);
                let s = (bw / fw).min(bh / fh);
                let (sw, sh) = (px(fw * s), px(fh * s));
                let (bw, bh) = (px(bw).max(sw), px(bh).max(sh));
                self.push_scale(sw, sh);
                if (sw, sh) != (bw, bh) {
                    let (x, y) = self.anchor(n, &v.focus, i64::from(bw), i64::from(bh), i64::from(sw), i64::from(sh));
                    let color = self.background(n, &v.background);
                    self.ops.push(Op::Pad { width: bw, height: bh, x: x as u32, y: y as u32, color });
                    self.size = (bw, bh);
                }
            }
            _ => {
                let crop = match v.crop {
                    Some(Crop::MaintainRatioNoEnlarge) => {
                        self.skip(
                            n,
                            "c-maintain_ratio_no_enlarge",
                            "not previewable locally; previewed as maintain_ratio",
                        );
                        Crop::MaintainRatio
                    }
                    Some(c) => c,
                    None => Crop::MaintainRatio,
                };
                match (tw, th) {
                    (Some(w), Some(h)) => match crop {
                        Crop::Force => self.push_scale(px(w), px(h)),
                        Crop::AtMax | Crop::AtMaxEnlarge | Crop::AtLeast => {
                            let (sx, sy) = (w / fw, h / fh);
                            let mut s = if crop == Crop::AtLeast { sx.max(sy) } else { sx.min(sy) };
                            if crop == Crop::AtMax {
                                s = s.min(1.0);
                            }
                            self.push_scale(px(fw * s), px(fh * s));
                        }
                        _ => {
                            // maintain_ratio: cover the box, then cut it out at the focus.
                            let s = (w / fw).max(h / fh);
                            let (cw, ch) = (px(w), px(h));
                            let (sw, sh) = (px(fw * s).max(cw), px(fh * s).max(ch));
                            self.push_scale(sw, sh);
                            if (sw, sh) != (cw, ch) {
                                let (x, y) = self.anchor(
                                    n,
                                    &v.focus,
                                    i64::from(sw),
                                    i64::from(sh),
                                    i64::from(cw),
                                    i64::from(ch),
                                );
                                self.ops.push(Op::Crop { width: cw, height: ch, x: x as u32, y: y as u32 });
                                self.size = (cw, ch);
                            }
                        }
                    },
                    (w, h) => {
                        let s = match (w, h) {
                            (Some(w), _) => w / fw,
                            (_, Some(h)) => h / fh,
                            _ => 1.0,
                        };
                        let s = if crop == Crop::AtMax { s.min(1.0) } else { s };
                        self.push_scale(px(fw * s), px(fh * s));
                    }
                }
            }
        }
        Ok(())
    }

    fn rotate(&mut self, n: usize, step: &Step, v: &StepValues) -> Result<(), PlanError> {
        let Some(rt) = &v.rotation else { return Ok(()) };
        let deg = match rt {
            // The input is already upright (auto-rotated) before any step.
            Rotation::Auto => return Ok(()),
            Rotation::Degrees(d) => *d,
        };
        let norm = deg.rem_euclid(360.0);
        let quarter = (norm / 90.0).round() * 90.0;
        if (norm - quarter).abs() < 1e-9 {
            let q = ((quarter / 90.0) as u8) % 4;
            if q != 0 {
                self.ops.push(Op::Turn { quarters: q });
                if q % 2 == 1 {
                    self.size = (self.size.1, self.size.0);
                }
            }
            return Ok(());
        }
        if self.kind != PlanKind::Image {
            let nearest = (deg / 90.0).round() * 90.0;
            let _ = step;
            return Err(PlanError::VideoRotation { step: n, suggestion: format!("rt-{}", format_number(nearest)) });
        }
        let fill = match &v.background {
            Some(_) => self.background(n, &v.background),
            None => Rgba::BLACK,
        };
        let a = norm.to_radians();
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        let ow = px((w * a.cos()).abs() + (h * a.sin()).abs());
        let oh = px((w * a.sin()).abs() + (h * a.cos()).abs());
        self.ops.push(Op::Rotate { degrees: norm, width: ow, height: oh, fill });
        self.size = (ow, oh);
        Ok(())
    }

    fn trim(&mut self, n: usize, v: &StepValues, prev: Option<Trim>, duration: Option<f64>) -> Result<Trim, PlanError> {
        let base_start = prev.map_or(0.0, |t| t.start_s);
        let avail = match (prev, duration) {
            (Some(t), _) => t.end_s - t.start_s,
            (None, Some(d)) => d,
            (None, None) => f64::MAX,
        };
        let (w, h) = self.size;
        let num = |s: &Self, q: &Option<Quantity>| q.as_ref().and_then(|q| s.eval(q, w, h, None));
        let so = num(self, &v.start_offset).unwrap_or(0.0);
        let show = secs(avail);
        if so > 0.0 && so >= avail {
            let best = ((avail - 0.01).max(0.0)).floor();
            return Err(PlanError::TrimPastEnd {
                step: n,
                param: format!("so-{}", secs(so)),
                duration: show,
                suggestion: format!("so-{} or less", format_number(best)),
            });
        }
        let end = if let Some(eo) = num(self, &v.end_offset) {
            if eo > avail + 1e-6 {
                return Err(PlanError::TrimPastEnd {
                    step: n,
                    param: format!("eo-{}", secs(eo)),
                    duration: show,
                    suggestion: format!("eo-{} or less", format_number((avail * 100.0).floor() / 100.0)),
                });
            }
            if eo <= so {
                return Err(PlanError::TrimReversed {
                    step: n,
                    suggestion: format!("eo-{} or more", secs((so + 1.0).min(avail))),
                });
            }
            eo
        } else if let Some(du) = num(self, &v.duration) {
            if so + du > avail + 1e-6 {
                let left = ((avail - so) * 100.0).floor() / 100.0;
                return Err(PlanError::TrimPastEnd {
                    step: n,
                    param: format!("du-{}", secs(du)),
                    duration: show,
                    suggestion: format!("du-{} or less", format_number(left)),
                });
            }
            so + du
        } else {
            avail
        };
        if self.kind == PlanKind::Thumbnail {
            return Ok(Trim { start_s: base_start + so, end_s: base_start + so });
        }
        Ok(Trim { start_s: base_start + so, end_s: base_start + end.min(avail) })
    }

    fn layer(&mut self, n: usize, layer: &Layer, lv: &LayerValues) -> Result<(), PlanError> {
        let opener = layer.opener();
        let input = match &lv.input {
            Some(i) => i.clone(),
            None => {
                self.skip(n, opener, "the layer has no input (i or ie); skipped");
                return Ok(());
            }
        };
        // Parameters outside the local subset, and anything in the layer's later steps.
        let supported: &[&str] = match lv.kind {
            LayerKind::Text => &["i", "ie", "lx", "ly", "lfo", "lso", "leo", "ldu", "fs", "co", "bg", "pa", "ff"],
            LayerKind::Image => &["i", "ie", "lx", "ly", "lfo", "lso", "leo", "ldu", "w", "h", "o"],
            _ => &[],
        };
        if supported.is_empty() {
            self.skip(n, format!("{opener},…,l-end"), "video and subtitle layers are not previewable locally");
            return Ok(());
        }
        for (i, s) in layer.steps().iter().enumerate() {
            for p in s.params() {
                if i > 0 || !supported.contains(&p.key()) {
                    self.skip(n, format!("{opener}: {p}"), "not previewable locally");
                }
            }
        }
        if !lv.layers.is_empty() {
            self.skip(n, format!("{opener}: nested layers"), "nested layers are not previewable locally");
        }
        let params = layer.params().cloned().unwrap_or_default();
        let (bw, bh) = self.size;
        let window = self.layer_window(lv, bw, bh);
        match (lv.kind, input) {
            (LayerKind::Text, LayerInput::Text(text)) => {
                let font = match &lv.font_family {
                    None => super::fonts::Font::default(),
                    Some(name) => match super::fonts::Font::from_name(name) {
                        Some(f) => f,
                        None => {
                            self.notes.push(format!(
                                "step {n}: font `{name}` is not bundled; the preview uses {}",
                                super::fonts::Font::default().name()
                            ));
                            super::fonts::Font::default()
                        }
                    },
                };
                let font_size = lv
                    .font_size
                    .as_ref()
                    .and_then(|q| self.eval(q, bw, bh, Some((bw, bh))))
                    .map_or(DEFAULT_FONT_SIZE, px);
                let color = match &lv.color {
                    Some(c) => self.color(n, c, Rgba::BLACK),
                    None => Rgba::BLACK,
                };
                let background = params.value("bg").and_then(sr_imagekit_color).map(|c| self.color(n, &c, Rgba::WHITE));
                let padding = match &lv.padding {
                    None => 0,
                    Some(p) => {
                        if p.iter().any(|v| *v != p[0]) {
                            self.notes.push(format!(
                                "step {n}: uneven text padding is previewed with {} px on every side",
                                p[0]
                            ));
                        }
                        p[0]
                    }
                };
                let (x, y) = self.layer_place(lv, bw, bh);
                self.ops.push(Op::Text(TextLayer { text, font, font_size, color, background, padding, x, y, window }));
            }
            (LayerKind::Image, LayerInput::Path(path)) => {
                let local = self.opts.resolver.and_then(|r| r(&path));
                let Some(local) = local else {
                    self.skip(
                        n,
                        format!("{opener},i-{}", path.replace('/', "@@")),
                        "no local copy of this picture; the preview leaves it out",
                    );
                    return Ok(());
                };
                let source_size = match image::ImageReader::open(&local)
                    .ok()
                    .and_then(|r| r.with_guessed_format().ok())
                    .and_then(|r| r.into_dimensions().ok())
                {
                    Some(s) => s,
                    None => {
                        self.skip(
                            n,
                            format!("{opener},i-{}", path.replace('/', "@@")),
                            format!("{} can't be read as a picture; left out", local.display()),
                        );
                        return Ok(());
                    }
                };
                // Size the overlay with the same rules as a step (w/h keep its ratio by default).
                let lw = lv.width.as_ref().and_then(|q| self.eval(q, source_size.0, source_size.1, Some((bw, bh))));
                let lh = lv.height.as_ref().and_then(|q| self.eval(q, source_size.0, source_size.1, Some((bw, bh))));
                let (sw, sh) = (f64::from(source_size.0), f64::from(source_size.1));
                let frac = |v: f64, of: u32| {
                    if v > 0.0 && v < 1.0 { v * f64::from(of) } else { v }
                };
                let size = match (lw.map(|v| frac(v, bw)), lh.map(|v| frac(v, bh))) {
                    (Some(w), Some(h)) => (px(w), px(h)),
                    (Some(w), None) => (px(w), px(sh * w / sw)),
                    (None, Some(h)) => (px(sw * h / sh), px(h)),
                    (None, None) => source_size,
                };
                let ops =
                    if size != source_size { vec![Op::Scale { width: size.0, height: size.1 }] } else { Vec::new() };
                let opacity = params.value("o").and_then(|o| o.parse::<f64>().ok()).map_or(100, |o| {
                    // o-0.8 (SDK fraction) or o-80.
                    let o = if o > 0.0 && o < 1.0 { o * 100.0 } else { o };
                    o.round().clamp(0.0, 100.0) as u8
                });
                let (px_, py_) = self.layer_place(lv, bw, bh);
                let resolve = |p: Place, outer: u32, inner: u32| match p {
                    Place::Start(v) => v,
                    Place::End(v) => i64::from(outer) - i64::from(inner) - v,
                    Place::Center => (i64::from(outer) - i64::from(inner)) / 2,
                };
                self.ops.push(Op::Image(ImageLayer {
                    path: local,
                    source_size,
                    ops,
                    size,
                    x: resolve(px_, bw, size.0),
                    y: resolve(py_, bh, size.1),
                    opacity,
                    window,
                }));
            }
            _ => self.skip(n, opener, "this layer's input is not previewable locally"),
        }
        Ok(())
    }

    fn layer_window(&self, lv: &LayerValues, w: u32, h: u32) -> Option<(f64, f64)> {
        if self.kind != PlanKind::Video {
            return None;
        }
        let num = |q: &Option<Quantity>| q.as_ref().and_then(|q| self.eval(q, w, h, None));
        let start = num(&lv.start);
        let end = num(&lv.end).or_else(|| num(&lv.duration).map(|d| start.unwrap_or(0.0) + d));
        match (start, end) {
            (None, None) => None,
            (s, e) => Some((s.unwrap_or(0.0), e.unwrap_or(1e9))),
        }
    }

    fn layer_place(&mut self, lv: &LayerValues, w: u32, h: u32) -> (Place, Place) {
        let coord = |q: &Option<Quantity>, s: &Self| {
            q.as_ref()
                .and_then(|q| s.eval(q, w, h, Some((w, h))))
                .map(|v| if v < 0.0 { Place::End(-v.round() as i64) } else { Place::Start(v.round() as i64) })
        };
        let (mut x, mut y) = (coord(&lv.x, self), coord(&lv.y, self));
        if x.is_none() || y.is_none() {
            let (fx, fy) = match &lv.focus {
                None | Some(Focus::Center) => (Place::Center, Place::Center),
                Some(Focus::Top) => (Place::Center, Place::Start(0)),
                Some(Focus::Bottom) => (Place::Center, Place::End(0)),
                Some(Focus::Left) => (Place::Start(0), Place::Center),
                Some(Focus::Right) => (Place::End(0), Place::Center),
                Some(Focus::TopLeft) => (Place::Start(0), Place::Start(0)),
                Some(Focus::TopRight) => (Place::End(0), Place::Start(0)),
                Some(Focus::BottomLeft) => (Place::Start(0), Place::End(0)),
                Some(Focus::BottomRight) => (Place::End(0), Place::End(0)),
                Some(_) => (Place::Center, Place::Center),
            };
            // lx alone keeps the vertical anchor from lfo (centre by default), and the other way round.
            x = x.or(Some(if lv.x.is_none() && lv.y.is_some() && lv.focus.is_none() { Place::Start(0) } else { fx }));
            y = y.or(Some(if lv.y.is_none() && lv.x.is_some() && lv.focus.is_none() { Place::Start(0) } else { fy }));
        }
        (x.unwrap_or(Place::Center), y.unwrap_or(Place::Center))
    }

    fn output(
        &mut self,
        format: Option<Format>,
        vc: Option<VideoCodec>,
        ac: Option<AudioCodec>,
    ) -> Result<(OutputFormat, Option<OutVideo>, Option<OutAudio>), PlanError> {
        let is_video_input = self.kind == PlanKind::Video;
        let default = self.opts.default_format.filter(|f| f.is_video() == is_video_input);
        let chosen = match format {
            None | Some(Format::Auto) | Some(Format::Orig) => None,
            Some(f) => Some(f),
        };
        let fmt = match (self.kind, chosen) {
            (PlanKind::Thumbnail, _) => OutputFormat::Jpg,
            (PlanKind::Video, None) => default.unwrap_or(OutputFormat::Mp4),
            (PlanKind::Video, Some(Format::Mp4)) => OutputFormat::Mp4,
            (PlanKind::Video, Some(Format::Webm)) => OutputFormat::Webm,
            (PlanKind::Video, Some(f)) => {
                return Err(PlanError::FormatForKind {
                    format: format!("f-{f}"),
                    is: "picture",
                    kind: "video",
                    suggestion: "f-mp4 or f-webm (or the video's thumbnail, ik-thumbnail.jpg, for a picture)".into(),
                });
            }
            (PlanKind::Image, Some(Format::Mp4 | Format::Webm)) => {
                return Err(PlanError::FormatForKind {
                    format: format!("f-{}", chosen.map(|f| f.as_str()).unwrap_or("")),
                    is: "video",
                    kind: "photo",
                    suggestion: "f-jpg, f-png or f-webp".into(),
                });
            }
            (PlanKind::Image, Some(Format::Jpg | Format::Jpeg)) => OutputFormat::Jpg,
            (PlanKind::Image, Some(Format::Png)) => OutputFormat::Png,
            (PlanKind::Image, Some(Format::Webp)) => OutputFormat::Webp,
            (PlanKind::Image, Some(f)) => {
                self.skip(0, format!("f-{f}"), "this format is not previewable locally; previewed as PNG");
                OutputFormat::Png
            }
            (PlanKind::Image, None) => default.unwrap_or(match self.info.container.as_deref() {
                Some("png") => OutputFormat::Png,
                Some("webp") => OutputFormat::Webp,
                _ if self.info.has_alpha => OutputFormat::Png,
                _ => OutputFormat::Jpg,
            }),
        };
        if !fmt.is_video() {
            return Ok((fmt, None, None));
        }
        let webm = fmt == OutputFormat::Webm;
        let fname = if webm { "webm (f-webm)" } else { "mp4 (f-mp4)" };
        let video = match vc {
            None => Some(if webm { OutVideo::Vp9 } else { OutVideo::H264 }),
            Some(VideoCodec::None) => None,
            Some(VideoCodec::H264) if webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: "H.264 (vc-h264)".into(),
                    why: "webm holds VP9 or AV1 video".into(),
                    suggestion: "vc-vp9, or f-mp4 to keep H.264".into(),
                });
            }
            Some(VideoCodec::Vp9 | VideoCodec::Av1) if !webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: format!(
                        "{} (vc-{})",
                        if vc == Some(VideoCodec::Vp9) { "VP9" } else { "AV1" },
                        vc.map(|v| v.as_str()).unwrap_or("")
                    ),
                    why: "mp4 holds H.264 video on the remote".into(),
                    suggestion: format!("vc-h264, or f-webm to keep {}", vc.map(|v| v.as_str()).unwrap_or("")),
                });
            }
            Some(VideoCodec::H264) => Some(OutVideo::H264),
            Some(VideoCodec::Vp9) => Some(OutVideo::Vp9),
            Some(VideoCodec::Av1) => {
                self.skip(0, "vc-av1", "AV1 is not previewable locally; previewed with VP9");
                Some(OutVideo::Vp9)
            }
        };
        let has_sound = self.info.audio_codec.is_some();
        let audio = match ac {
            Some(AudioCodec::None) => None,
            Some(AudioCodec::Aac) if webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: "AAC (ac-aac)".into(),
                    why: "webm holds Opus sound".into(),
                    suggestion: "ac-opus, or f-mp4 to keep AAC".into(),
                });
            }
            Some(AudioCodec::Opus) if !webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: "Opus (ac-opus)".into(),
                    why: "mp4 holds AAC sound".into(),
                    suggestion: "ac-aac, or f-webm to keep Opus".into(),
                });
            }
            _ if !has_sound => None,
            _ => Some(if webm { OutAudio::Opus } else { OutAudio::Aac }),
        };
        if video.is_none() && ac == Some(AudioCodec::None) {
            return Err(PlanError::NothingLeft { suggestion: "remove vc-none or ac-none".into() });
        }
        if video.is_none() && audio.is_none() {
            return Err(PlanError::NoSound { suggestion: "remove vc-none".into() });
        }
        Ok((fmt, video, audio))
    }
}

/// Default `fs` for text layers when none is given.
pub const DEFAULT_FONT_SIZE: u32 = 16;

fn sr_imagekit_color(v: &str) -> Option<Color> {
    // The text layer's `bg` is not in LayerValues; parse it with the same rules as `co`.
    let t = Transformation::parse(&format!("l-text,i-x,co-{v},l-end"));
    let step = t.steps().first()?;
    let layer = step.layers().next()?;
    layer.values().ok()?.color
}
