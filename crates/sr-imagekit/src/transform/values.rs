//! Typed values: the merchandiser subset (§10.2, §10.3), read from the lossless model of
//! [`super`]. The typed accessors ([`Transformation::values`], [`Step::values`], [`Layer::values`])
//! live here, beside the decoding they run, so the model never calls up into this module.

use super::{
    Item, Layer, LayerKind, Param, ParamError, Step, TransformError, Transformation, decode_base64_input,
    decode_plain_text,
};

impl Transformation {
    /// Typed values of every step (the merchandiser subset), or the first refused parameter.
    pub fn values(&self) -> Result<Vec<StepValues>, TransformError> {
        self.steps.iter().enumerate().map(|(i, step)| step.values().map_err(|e| e.at_step(i + 1))).collect()
    }

    /// Checks every known parameter of every step and layer; unknown parameters pass.
    pub fn validate(&self) -> Result<(), TransformError> {
        self.values().map(|_| ())
    }
}

impl Step {
    /// Typed values of the merchandiser subset; the error does not know the step number yet
    /// (see [`Transformation::values`]).
    pub fn values(&self) -> Result<StepValues, ParamError> {
        step_values(self)
    }
}

impl Layer {
    /// The decoded input: text for text layers, a media-library path for the others. `ie` wins
    /// over `i` (§10.3).
    pub fn input(&self) -> Result<Option<LayerInput>, ParamError> {
        layer_input(self)
    }

    /// Typed values of the layer's parameters.
    pub fn values(&self) -> Result<LayerValues, ParamError> {
        layer_values(self)
    }
}

/// A number, or an arithmetic expression the remote evaluates (`iw_div_2`, `bw_mul_0.4`).
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    Number(f64),
    Expr(Expr),
}

impl Quantity {
    /// The number, when the value is not an expression.
    pub fn number(&self) -> Option<f64> {
        match self {
            Quantity::Number(n) => Some(*n),
            Quantity::Expr(_) => None,
        }
    }
}

/// An arithmetic expression as written, e.g. `ih_mul_0.5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr(pub String);

/// `ar-W-H`, or an expression such as `iar_div_2`.
#[derive(Debug, Clone, PartialEq)]
pub enum AspectRatio {
    Ratio { width: f64, height: f64 },
    Expr(Expr),
}

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every accepted value, as written in a `tr` string.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as written in a `tr` string.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn from_keyword(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum!(
    /// `c-`: crop strategy.
    Crop {
        MaintainRatio => "maintain_ratio",
        Force => "force",
        AtMax => "at_max",
        AtMaxEnlarge => "at_max_enlarge",
        AtLeast => "at_least",
        MaintainRatioNoEnlarge => "maintain_ratio_no_enlarge",
    }
);

keyword_enum!(
    /// `cm-`: crop mode.
    CropMode {
        PadResize => "pad_resize",
        Extract => "extract",
        PadExtract => "pad_extract",
        PadResizeNoEnlarge => "pad_resize_no_enlarge",
        PadExtractNoShrink => "pad_extract_no_shrink",
    }
);

keyword_enum!(
    /// `f-`: output format.
    Format {
        Auto => "auto",
        Jpg => "jpg",
        Jpeg => "jpeg",
        Png => "png",
        Webp => "webp",
        Avif => "avif",
        Gif => "gif",
        Svg => "svg",
        Orig => "orig",
        Mp4 => "mp4",
        Webm => "webm",
    }
);

keyword_enum!(
    /// `vc-`: video codec (`none` keeps only the audio).
    VideoCodec { H264 => "h264", Vp9 => "vp9", Av1 => "av1", None => "none" }
);

keyword_enum!(
    /// `ac-`: audio codec (`none` strips the audio).
    AudioCodec { Aac => "aac", Opus => "opus", None => "none" }
);

keyword_enum!(
    /// `fl-`: flip. `h_v` and `v_h` are both accepted for [`Flip::Both`].
    Flip { Horizontal => "h", Vertical => "v", Both => "h_v" }
);

/// `fo-` / `lfo-`: an anchor, a detector, or an object name such as `person`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    Center,
    Top,
    Left,
    Bottom,
    Right,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
    Auto,
    Face,
    Custom,
    Object(String),
}

/// `rt-`: degrees clockwise (negative = counter-clockwise, written `N45`) or `auto` (EXIF).
#[derive(Debug, Clone, PartialEq)]
pub enum Rotation {
    Degrees(f64),
    Auto,
}

/// A colour: `AAFF00`, `AAFF0040` (last two digits: opacity 00–99) or a name such as `red`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Color {
    Hex { rgb: [u8; 3], opacity: Option<u8> },
    Named(String),
}

/// `bg-`: a colour, `blurred[...]`, or another mode (`dominant`, `gradient_dominant`,
/// `genfill...`) kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Background {
    Color(Color),
    Blurred(String),
    Other(String),
}

/// `b-<width>_<color>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Border {
    pub width: Quantity,
    pub color: Color,
}

/// `r-`: one radius, `max`, or four corners `10_20_30_40`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Radius {
    Max,
    Uniform(u32),
    Corners([u32; 4]),
}

/// A layer's decoded input: text for text layers, a media-library path for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerInput {
    Text(String),
    Path(String),
}

/// The typed view of one step. Parameters outside this subset are reachable through
/// [`Step::params`]. When a key repeats, the last occurrence wins.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepValues {
    pub width: Option<Quantity>,
    pub height: Option<Quantity>,
    pub aspect_ratio: Option<AspectRatio>,
    pub crop: Option<Crop>,
    pub crop_mode: Option<CropMode>,
    pub focus: Option<Focus>,
    pub x: Option<Quantity>,
    pub y: Option<Quantity>,
    pub x_center: Option<Quantity>,
    pub y_center: Option<Quantity>,
    pub rotation: Option<Rotation>,
    pub flip: Option<Flip>,
    pub start_offset: Option<Quantity>,
    pub end_offset: Option<Quantity>,
    pub duration: Option<Quantity>,
    pub quality: Option<u8>,
    pub format: Option<Format>,
    pub video_codec: Option<VideoCodec>,
    pub audio_codec: Option<AudioCodec>,
    pub background: Option<Background>,
    pub border: Option<Border>,
    pub radius: Option<Radius>,
    pub blur: Option<u8>,
    pub opacity: Option<u8>,
    pub grayscale: bool,
    pub streaming_resolutions: Option<Vec<u32>>,
    pub layers: Vec<LayerValues>,
}

/// The typed view of a layer's parameters (its first step) and its nested layers.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerValues {
    pub kind: LayerKind,
    pub input: Option<LayerInput>,
    pub x: Option<Quantity>,
    pub y: Option<Quantity>,
    pub focus: Option<Focus>,
    pub start: Option<Quantity>,
    pub end: Option<Quantity>,
    pub duration: Option<Quantity>,
    pub font_size: Option<Quantity>,
    pub color: Option<Color>,
    pub font_family: Option<String>,
    pub padding: Option<Vec<u32>>,
    pub width: Option<Quantity>,
    pub height: Option<Quantity>,
    pub layers: Vec<LayerValues>,
}

const VARIABLES: &[&str] = &["iw", "ih", "iar", "idu", "bw", "bh", "bar", "bdu", "cw", "ch", "car", "cdu"];
const OPERATORS: &[&str] = &["add", "sub", "mul", "div", "mod", "pow"];
pub(super) const RESOLUTIONS: &[u32] = &[240, 360, 480, 720, 1080, 1440, 2160];

fn got(v: &str) -> String {
    if v.is_empty() { "got nothing".to_string() } else { format!("got `{v}`") }
}

fn expected(what: &str, v: &str) -> String {
    format!("expected {what}, {}", got(v))
}

/// Digits with at most one `.`, optionally `N`-prefixed when `signed`.
fn number(s: &str, signed: bool) -> Option<f64> {
    let (negative, digits) = match s.strip_prefix('N') {
        Some(rest) if signed => (true, rest),
        _ => (false, s),
    };
    let dots = digits.chars().filter(|c| *c == '.').count();
    let valid = !digits.is_empty()
        && dots <= 1
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let n: f64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

fn expression(s: &str) -> Option<Expr> {
    let parts: Vec<&str> = s.split('_').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return None;
    }
    let ok = parts.iter().enumerate().all(|(i, part)| {
        if i % 2 == 1 { OPERATORS.contains(part) } else { VARIABLES.contains(part) || number(part, true).is_some() }
    });
    ok.then(|| Expr(s.to_string()))
}

fn value(p: &Param) -> &str {
    p.value().unwrap_or("")
}

fn size(p: &Param) -> Result<Quantity, ParamError> {
    let v = value(p);
    match number(v, false) {
        Some(n) if n > 0.0 => Ok(Quantity::Number(n)),
        _ => {
            expression(v).map(Quantity::Expr).ok_or_else(|| ParamError::new(p.key(), expected("a positive number", v)))
        }
    }
}

fn coordinate(p: &Param) -> Result<Quantity, ParamError> {
    let v = value(p);
    number(v, true)
        .map(Quantity::Number)
        .or_else(|| expression(v).map(Quantity::Expr))
        .ok_or_else(|| ParamError::new(p.key(), expected("a number (write negatives with N, e.g. N35)", v)))
}

fn seconds(p: &Param) -> Result<Quantity, ParamError> {
    let v = value(p);
    number(v, false)
        .map(Quantity::Number)
        .or_else(|| expression(v).map(Quantity::Expr))
        .ok_or_else(|| ParamError::new(p.key(), expected("seconds, e.g. 5 or 10.55", v)))
}

fn whole(p: &Param, min: u32, max: u32) -> Result<u8, ParamError> {
    let v = value(p);
    match v.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) && v.chars().all(|c| c.is_ascii_digit()) => Ok(n as u8),
        _ => Err(ParamError::new(p.key(), expected(&format!("a whole number from {min} to {max}"), v))),
    }
}

fn keyword<T: Copy>(
    p: &Param,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    show: fn(T) -> &'static str,
) -> Result<T, ParamError> {
    let v = value(p);
    parse(v).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|t| show(*t)).collect();
        ParamError::new(p.key(), expected(&format!("one of {}", names.join(", ")), v))
    })
}

fn aspect_ratio(p: &Param) -> Result<AspectRatio, ParamError> {
    let v = value(p);
    if let Some((w, h)) = v.split_once('-')
        && let (Some(width), Some(height)) = (number(w, false), number(h, false))
        && width > 0.0
        && height > 0.0
    {
        return Ok(AspectRatio::Ratio { width, height });
    }
    expression(v)
        .map(AspectRatio::Expr)
        .ok_or_else(|| ParamError::new(p.key(), expected("width-height such as 4-3", v)))
}

fn focus(p: &Param) -> Result<Focus, ParamError> {
    let v = value(p);
    Ok(match v {
        "center" => Focus::Center,
        "top" => Focus::Top,
        "left" => Focus::Left,
        "bottom" => Focus::Bottom,
        "right" => Focus::Right,
        "top_left" => Focus::TopLeft,
        "top_right" => Focus::TopRight,
        "bottom_left" => Focus::BottomLeft,
        "bottom_right" => Focus::BottomRight,
        "auto" => Focus::Auto,
        "face" => Focus::Face,
        "custom" => Focus::Custom,
        _ if !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c == '_') => Focus::Object(v.to_string()),
        _ => {
            return Err(ParamError::new(
                p.key(),
                expected("a position such as center, top_left or auto, or an object name", v),
            ));
        }
    })
}

fn rotation(p: &Param) -> Result<Rotation, ParamError> {
    let v = value(p);
    if v == "auto" {
        return Ok(Rotation::Auto);
    }
    number(v, true)
        .map(Rotation::Degrees)
        .ok_or_else(|| ParamError::new(p.key(), expected("degrees (N for counter-clockwise, e.g. N45) or auto", v)))
}

fn flip(p: &Param) -> Result<Flip, ParamError> {
    match value(p) {
        "v_h" => Ok(Flip::Both),
        v => Flip::from_keyword(v).ok_or_else(|| ParamError::new(p.key(), expected("one of h, v, h_v", v))),
    }
}

pub(super) fn color_value(v: &str) -> Option<Color> {
    let hex = |s: &str| u8::from_str_radix(s, 16).ok();
    if (v.len() == 6 || v.len() == 8) && v.chars().all(|c| c.is_ascii_hexdigit()) {
        let rgb = [hex(&v[0..2])?, hex(&v[2..4])?, hex(&v[4..6])?];
        let opacity = match v.get(6..8) {
            Some(o) => Some(o.parse::<u8>().ok()?),
            None => None,
        };
        return Some(Color::Hex { rgb, opacity });
    }
    (!v.is_empty() && v.chars().all(|c| c.is_ascii_alphabetic())).then(|| Color::Named(v.to_string()))
}

fn color(p: &Param) -> Result<Color, ParamError> {
    let v = value(p);
    color_value(v).ok_or_else(|| ParamError::new(p.key(), expected("a colour such as FF0000, FF000080 or red", v)))
}

fn background(p: &Param) -> Result<Background, ParamError> {
    let v = value(p);
    if v.starts_with("blurred") {
        return Ok(Background::Blurred(v.to_string()));
    }
    if v.starts_with("dominant") || v.starts_with("gradient_dominant") || v.starts_with("genfill") {
        return Ok(Background::Other(v.to_string()));
    }
    if let Some(c) = color_value(v) {
        return Ok(Background::Color(c));
    }
    Err(ParamError::new(p.key(), expected("a colour such as FF0000 or red, blurred, dominant or genfill", v)))
}

fn border(p: &Param) -> Result<Border, ParamError> {
    let v = value(p);
    let err = || ParamError::new(p.key(), expected("width_colour such as 5_FFF000", v));
    let (w, c) = v.rsplit_once('_').ok_or_else(err)?;
    let width = match number(w, false) {
        Some(n) if n > 0.0 => Quantity::Number(n),
        _ => Quantity::Expr(expression(w).ok_or_else(err)?),
    };
    Ok(Border { width, color: color_value(c).ok_or_else(err)? })
}

fn radius(p: &Param) -> Result<Radius, ParamError> {
    let v = value(p);
    let err = || ParamError::new(p.key(), expected("a whole number, max, or four corners such as 10_20_30_40", v));
    if v == "max" {
        return Ok(Radius::Max);
    }
    let parts: Vec<u32> = v
        .split('_')
        .map(|s| if s.chars().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None })
        .collect::<Option<_>>()
        .ok_or_else(err)?;
    match parts[..] {
        [r] => Ok(Radius::Uniform(r)),
        [a, b, c, d] => Ok(Radius::Corners([a, b, c, d])),
        _ => Err(err()),
    }
}

fn flag(p: &Param) -> Result<bool, ParamError> {
    match p.value() {
        None => Ok(true),
        Some(v) => Err(ParamError::new(p.key(), format!("takes no value, got `{v}`"))),
    }
}

fn resolutions(p: &Param) -> Result<Vec<u32>, ParamError> {
    let v = value(p);
    v.split('_')
        .map(|s| s.parse::<u32>().ok().filter(|r| RESOLUTIONS.contains(r) && s.chars().all(|c| c.is_ascii_digit())))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            ParamError::new(p.key(), expected("resolutions from 240, 360, 480, 720, 1080, 1440, 2160 joined with _", v))
        })
}

fn padding(p: &Param) -> Result<Vec<u32>, ParamError> {
    let v = value(p);
    let parts: Option<Vec<u32>> =
        v.split('_').map(|s| if s.chars().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }).collect();
    match parts {
        Some(parts) if (1..=4).contains(&parts.len()) => Ok(parts),
        _ => Err(ParamError::new(p.key(), expected("1 to 4 whole numbers joined with _, e.g. 10 or 10_20", v))),
    }
}

fn step_values(step: &Step) -> Result<StepValues, ParamError> {
    let mut out = StepValues::default();
    for item in step.items() {
        let p = match item {
            Item::Param(p) => p,
            Item::Layer(l) => {
                out.layers.push(nested_layer_values(l, 1)?);
                continue;
            }
        };
        match p.key() {
            "w" => out.width = Some(size(p)?),
            "h" => out.height = Some(size(p)?),
            "ar" => out.aspect_ratio = Some(aspect_ratio(p)?),
            "c" => out.crop = Some(keyword(p, Crop::from_keyword, Crop::ALL, Crop::as_str)?),
            "cm" => out.crop_mode = Some(keyword(p, CropMode::from_keyword, CropMode::ALL, CropMode::as_str)?),
            "fo" => out.focus = Some(focus(p)?),
            "x" => out.x = Some(coordinate(p)?),
            "y" => out.y = Some(coordinate(p)?),
            "xc" => out.x_center = Some(coordinate(p)?),
            "yc" => out.y_center = Some(coordinate(p)?),
            "rt" => out.rotation = Some(rotation(p)?),
            "fl" => out.flip = Some(flip(p)?),
            "so" => out.start_offset = Some(seconds(p)?),
            "eo" => out.end_offset = Some(seconds(p)?),
            "du" => out.duration = Some(seconds(p)?),
            "q" => out.quality = Some(whole(p, 1, 100)?),
            "f" => out.format = Some(keyword(p, Format::from_keyword, Format::ALL, Format::as_str)?),
            "vc" => out.video_codec = Some(keyword(p, VideoCodec::from_keyword, VideoCodec::ALL, VideoCodec::as_str)?),
            "ac" => out.audio_codec = Some(keyword(p, AudioCodec::from_keyword, AudioCodec::ALL, AudioCodec::as_str)?),
            "bg" => out.background = Some(background(p)?),
            "b" => out.border = Some(border(p)?),
            "r" => out.radius = Some(radius(p)?),
            "bl" => out.blur = Some(whole(p, 1, 100)?),
            "o" => out.opacity = Some(whole(p, 0, 100)?),
            "e-grayscale" => out.grayscale = flag(p)?,
            "sr" => out.streaming_resolutions = Some(resolutions(p)?),
            _ => {}
        }
    }
    Ok(out)
}

fn layer_input(layer: &Layer) -> Result<Option<LayerInput>, ParamError> {
    let Some(params) = layer.params() else {
        return Ok(None);
    };
    let in_layer = |e: ParamError| ParamError { layer: Some(layer.kind()), ..e };
    if let Some(p) = params.get("ie") {
        let text = decode_base64_input(value(p))
            .map_err(|why| in_layer(ParamError::new("ie", format!("`{}` {why}", value(p)))))?;
        return Ok(Some(match layer.kind() {
            LayerKind::Text => LayerInput::Text(text),
            _ => LayerInput::Path(text),
        }));
    }
    let Some(p) = params.get("i") else {
        return Ok(None);
    };
    let v = value(p);
    Ok(Some(match layer.kind() {
        LayerKind::Text => LayerInput::Text(
            decode_plain_text(v).map_err(|why| in_layer(ParamError::new("i", format!("`{v}` {why}"))))?,
        ),
        _ => LayerInput::Path(v.replace("@@", "/")),
    }))
}

/// How deep layers may nest on the remote (§10.3).
pub(super) const MAX_LAYER_NESTING: usize = 3;

fn layer_values(layer: &Layer) -> Result<LayerValues, ParamError> {
    nested_layer_values(layer, 1)
}

fn nested_layer_values(layer: &Layer, depth: usize) -> Result<LayerValues, ParamError> {
    let kind = layer.kind();
    if depth > MAX_LAYER_NESTING {
        return Err(ParamError {
            layer: Some(kind),
            param: layer.opener().to_string(),
            reason: format!("layers nest at most {MAX_LAYER_NESTING} deep; move this layer up a level"),
        });
    }
    let in_layer = |mut e: ParamError| {
        e.layer.get_or_insert(kind);
        e
    };
    let mut out = LayerValues {
        kind,
        input: layer_input(layer)?,
        x: None,
        y: None,
        focus: None,
        start: None,
        end: None,
        duration: None,
        font_size: None,
        color: None,
        font_family: None,
        padding: None,
        width: None,
        height: None,
        layers: Vec::new(),
    };
    for (i, step) in layer.steps().iter().enumerate() {
        for item in step.items() {
            let p = match item {
                Item::Layer(nested) => {
                    out.layers.push(nested_layer_values(nested, depth + 1).map_err(in_layer)?);
                    continue;
                }
                Item::Param(p) if i == 0 => p,
                Item::Param(_) => continue,
            };
            let r: Result<(), ParamError> = (|| {
                match p.key() {
                    "lx" => out.x = Some(coordinate(p)?),
                    "ly" => out.y = Some(coordinate(p)?),
                    "lfo" => out.focus = Some(focus(p)?),
                    "lso" => out.start = Some(seconds(p)?),
                    "leo" => out.end = Some(seconds(p)?),
                    "ldu" => out.duration = Some(seconds(p)?),
                    "fs" => out.font_size = Some(size(p)?),
                    "co" => out.color = Some(color(p)?),
                    "ff" => out.font_family = Some(value(p).replace("@@", "/")),
                    "pa" => out.padding = Some(padding(p)?),
                    "w" => out.width = Some(size(p)?),
                    "h" => out.height = Some(size(p)?),
                    _ => {}
                }
                Ok(())
            })();
            r.map_err(in_layer)?;
        }
    }
    Ok(out)
}
