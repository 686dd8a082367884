//! ImageKit transformation strings (`tr`), spec §10: a lossless model, typed accessors, a builder,
//! and the official SDK's JSON transformation objects (§10.6).
//!
//! Grammar (§10.1): steps are chained with `:`, the parameters of a step are separated by `,`, and a
//! parameter is `key-value` split at the first `-` (effect keys `e-xxx` keep their name, so
//! `e-sharpen-10` is key `e-sharpen`, value `10`). A layer opens with `l-image|l-text|l-video|
//! l-subtitles`, holds its own parameters (and possibly chained steps or nested layers), and closes
//! with `l-end`.
//!
//! Invariant: [`Transformation::parse`] accepts every string, and printing the result gives back the
//! same string byte for byte. Parameters this crate does not know are kept verbatim in place: the
//! remote knows more than the local preview does. Meaning is checked only by the typed accessors
//! ([`Transformation::values`]), whose errors name the step and the parameter.
//!
//! Layering: this file is the base, the lossless model (parse, print, builder) and the input
//! encodings the SDK uses; `values` (the typed accessors) and `sdk` (the SDK's JSON objects) are
//! built on it and never on each other, and the model calls neither.

mod sdk;
mod values;

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

pub use sdk::{SdkJsonError, from_sdk_json};
pub use values::{
    AspectRatio, AudioCodec, Background, Border, Color, Crop, CropMode, Expr, Flip, Focus, Format, LayerInput,
    LayerValues, Quantity, Radius, Rotation, StepValues, VideoCodec,
};

/// A whole `tr` value: chained steps, applied left to right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transformation {
    steps: Vec<Step>,
}

/// One chained step: parameters and layers, in the order they are written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    items: Vec<Item>,
}

/// One element of a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Param(Param),
    Layer(Layer),
}

/// `key-value`, or a bare `key` (a flag such as `e-grayscale`). Both parts are kept exactly as
/// written (`lx-N35` has the value `N35`); the typed accessors decode them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    key: String,
    value: Option<String>,
}

/// The kinds of overlay layer (§10.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    Image,
    Text,
    Video,
    Subtitles,
}

/// `l-<kind>,...,l-end`: a layer and its own steps (almost always exactly one).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    kind: LayerKind,
    /// Older SDKs (v7 before 7.x layer modes) wrote `l-subtitle`; kept so printing is lossless.
    legacy_subtitle: bool,
    steps: Vec<Step>,
}

/// A parameter whose value does not mean what its key requires. Displayed as
/// "step 2, parameter `w`: expected a positive number, got `abc`".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("step {step}, {}parameter `{param}`: {reason}", layer_label(*.layer))]
pub struct TransformError {
    /// 1-based index of the chained step.
    pub step: usize,
    /// The innermost layer the parameter sits in, if any.
    pub layer: Option<LayerKind>,
    /// The parameter key as written, e.g. `w` or `lx`.
    pub param: String,
    /// Why the value was refused, e.g. "expected a positive number, got `abc`".
    pub reason: String,
}

fn layer_label(layer: Option<LayerKind>) -> String {
    match layer {
        Some(kind) => format!("{} layer, ", kind.name()),
        None => String::new(),
    }
}

/// A refused parameter, before the step number is known (see [`Step::values`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub layer: Option<LayerKind>,
    pub param: String,
    pub reason: String,
}

impl ParamError {
    pub(crate) fn new(param: &str, reason: impl Into<String>) -> Self {
        ParamError { layer: None, param: param.to_string(), reason: reason.into() }
    }

    fn at_step(self, step: usize) -> TransformError {
        TransformError { step, layer: self.layer, param: self.param, reason: self.reason }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and printing

impl Transformation {
    /// An empty transformation (prints as the empty string).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses any `tr` string. Never fails: unknown or malformed parameters are kept verbatim, and
    /// `parse(s).to_string() == s` for every `s`.
    pub fn parse(s: &str) -> Self {
        if s.is_empty() {
            return Self::default();
        }
        let (tokens, seps) = tokenize(s);
        let ends = match_layer_ends(&tokens);
        let all = Tokens { tokens, seps, ends };
        Transformation { steps: all.steps(0, all.tokens.len(), 0) }
    }

    pub fn is_empty(&self) -> bool {
        self.steps.iter().all(|s| s.items.is_empty())
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn steps_mut(&mut self) -> &mut Vec<Step> {
        &mut self.steps
    }

    /// Appends a chained step.
    pub fn push_step(&mut self, step: Step) -> &mut Self {
        self.steps.push(step);
        self
    }

    /// Builder form of [`Transformation::push_step`].
    pub fn then(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The step at a 1-based index (as error messages number them).
    pub fn step(&self, number: usize) -> Option<&Step> {
        number.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// Mutable access to the step at a 1-based index; missing steps up to it are created empty.
    pub fn step_mut(&mut self, number: usize) -> &mut Step {
        let index = number.max(1) - 1;
        while self.steps.len() <= index {
            self.steps.push(Step::default());
        }
        &mut self.steps[index]
    }
}

impl FromStr for Transformation {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Transformation::parse(s))
    }
}

impl From<&str> for Transformation {
    fn from(s: &str) -> Self {
        Transformation::parse(s)
    }
}

impl fmt::Display for Transformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_steps(f, &self.steps)
    }
}

fn write_steps(f: &mut fmt::Formatter<'_>, steps: &[Step]) -> fmt::Result {
    // Parsed steps are never empty; empty ones only come from the builder and print as nothing.
    let mut first = true;
    for step in steps.iter().filter(|s| !s.items.is_empty()) {
        if !first {
            f.write_str(":")?;
        }
        first = false;
        write!(f, "{step}")?;
    }
    Ok(())
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match item {
                Item::Param(p) => write!(f, "{p}")?,
                Item::Layer(l) => write!(f, "{l}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)?;
        if let Some(v) = &self.value {
            f.write_str("-")?;
            f.write_str(v)?;
        }
        Ok(())
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.opener())?;
        if self.steps.iter().any(|s| !s.items.is_empty()) {
            f.write_str(",")?;
            write_steps(f, &self.steps)?;
        }
        f.write_str(",l-end")
    }
}

/// Splits at every `,` and `:`; `tokens.len() == seps.len() + 1`.
fn tokenize(s: &str) -> (Vec<&str>, Vec<char>) {
    let mut tokens = Vec::new();
    let mut seps = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == ',' || c == ':' {
            tokens.push(&s[start..i]);
            seps.push(c);
            start = i + 1;
        }
    }
    tokens.push(&s[start..]);
    (tokens, seps)
}

fn opener_kind(token: &str) -> Option<(LayerKind, bool)> {
    match token {
        "l-image" => Some((LayerKind::Image, false)),
        "l-text" => Some((LayerKind::Text, false)),
        "l-video" => Some((LayerKind::Video, false)),
        "l-subtitles" => Some((LayerKind::Subtitles, false)),
        "l-subtitle" => Some((LayerKind::Subtitles, true)),
        _ => None,
    }
}

/// Layers nest at most 3 deep on the remote; deeper openers are still parsed as layers up to this
/// bound (and refused by validation), beyond it they are kept as plain parameters, so hostile
/// input cannot exhaust the stack.
const MAX_PARSE_NESTING: usize = 32;

/// For every layer opener, the index of the `l-end` that closes it (bracket matching, one pass).
fn match_layer_ends(tokens: &[&str]) -> Vec<Option<usize>> {
    let mut ends = vec![None; tokens.len()];
    let mut open = Vec::new();
    for (j, token) in tokens.iter().enumerate() {
        if opener_kind(token).is_some() {
            open.push(j);
        } else if *token == "l-end"
            && let Some(o) = open.pop()
        {
            ends[o] = Some(j);
        }
    }
    ends
}

struct Tokens<'a> {
    tokens: Vec<&'a str>,
    seps: Vec<char>,
    ends: Vec<Option<usize>>,
}

impl Tokens<'_> {
    /// The `l-end` closing the layer opened at `open`, if the layer is well formed: a `,` after
    /// the opener and a `,` before its `l-end`. Otherwise the opener is kept as a plain
    /// parameter, so printing stays lossless.
    fn layer_end(&self, open: usize) -> Option<usize> {
        let end = self.ends[open]?;
        (self.seps[open] == ',' && self.seps[end - 1] == ',').then_some(end)
    }

    fn steps(&self, lo: usize, hi: usize, nesting: usize) -> Vec<Step> {
        let mut steps = vec![Step::default()];
        let mut i = lo;
        while i < hi {
            let layer = opener_kind(self.tokens[i])
                .filter(|_| nesting < MAX_PARSE_NESTING)
                .and_then(|(kind, legacy)| self.layer_end(i).map(|end| (kind, legacy, end)));
            if let Some((kind, legacy_subtitle, end)) = layer {
                let inner = if i + 1 == end { Vec::new() } else { self.steps(i + 1, end, nesting + 1) };
                push_item(&mut steps, Item::Layer(Layer { kind, legacy_subtitle, steps: inner }));
                i = end + 1;
            } else {
                push_item(&mut steps, Item::Param(Param::parse(self.tokens[i])));
                i += 1;
            }
            if i < hi && self.seps[i - 1] == ':' {
                steps.push(Step::default());
            }
        }
        steps
    }
}

fn push_item(steps: &mut [Step], item: Item) {
    if let Some(last) = steps.last_mut() {
        last.items.push(item);
    }
}

// ---------------------------------------------------------------------------------------------
// Params

impl Param {
    /// Splits one written parameter: at the first `-`, except that effect keys (`e-xxx`) keep
    /// their name (`e-usm-2-2-0.8-0.024` is key `e-usm`, value `2-2-0.8-0.024`).
    pub fn parse(token: &str) -> Param {
        let split_at = match token.strip_prefix("e-") {
            Some(rest) => rest.find('-').map(|p| p + 2),
            None => token.find('-'),
        };
        match split_at {
            Some(p) => Param { key: token[..p].to_string(), value: Some(token[p + 1..].to_string()) },
            None => Param { key: token.to_string(), value: None },
        }
    }

    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Param {
        Param { key: key.into(), value: Some(value.into()) }
    }

    pub fn flag(key: impl Into<String>) -> Param {
        Param { key: key.into(), value: None }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value exactly as written, `None` for a bare flag.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

// ---------------------------------------------------------------------------------------------
// Steps: lookup and builder

impl Step {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn items_mut(&mut self) -> &mut Vec<Item> {
        &mut self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Top-level parameters of this step (not those inside layers), in order.
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.items.iter().filter_map(|i| match i {
            Item::Param(p) => Some(p),
            Item::Layer(_) => None,
        })
    }

    /// The layers of this step, in order.
    pub fn layers(&self) -> impl Iterator<Item = &Layer> {
        self.items.iter().filter_map(|i| match i {
            Item::Layer(l) => Some(l),
            Item::Param(_) => None,
        })
    }

    pub fn layers_mut(&mut self) -> impl Iterator<Item = &mut Layer> {
        self.items.iter_mut().filter_map(|i| match i {
            Item::Layer(l) => Some(l),
            Item::Param(_) => None,
        })
    }

    /// The parameter with this key; when a key is repeated the last one wins, as later
    /// parameters override earlier ones.
    pub fn get(&self, key: &str) -> Option<&Param> {
        self.params().filter(|p| p.key == key).last()
    }

    /// The raw value of `key` (`Some("")` for `di-`, `None` when absent or a bare flag).
    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(|p| p.value())
    }

    /// Whether `key` is present (with or without a value).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key-value`: replaces the first occurrence in place (dropping later repeats), or
    /// appends it. `value` is written as given; use [`format_number`] for signed numbers.
    pub fn set(&mut self, key: &str, value: impl fmt::Display) -> &mut Self {
        self.put(Param { key: key.to_string(), value: Some(value.to_string()) })
    }

    /// Sets a signed number, written the ImageKit way (`-35` becomes `N35`).
    pub fn set_number(&mut self, key: &str, value: f64) -> &mut Self {
        self.set(key, format_number(value))
    }

    /// Sets a bare flag such as `e-grayscale`.
    pub fn set_flag(&mut self, key: &str) -> &mut Self {
        self.put(Param::flag(key))
    }

    fn put(&mut self, param: Param) -> &mut Self {
        let mut param = Some(param);
        let key = param.as_ref().map(|p| p.key.clone()).unwrap_or_default();
        self.items.retain_mut(|item| match item {
            Item::Param(p) if p.key == key => match param.take() {
                Some(new) => {
                    *p = new;
                    true
                }
                None => false,
            },
            _ => true,
        });
        if let Some(new) = param {
            self.items.push(Item::Param(new));
        }
        self
    }

    /// Removes every top-level occurrence of `key`; says whether there was one.
    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.items.len();
        self.items.retain(|i| !matches!(i, Item::Param(p) if p.key == key));
        before != self.items.len()
    }

    /// Appends a raw parameter (kept as written, e.g. one this crate does not know).
    pub fn push_param(&mut self, param: Param) -> &mut Self {
        self.items.push(Item::Param(param));
        self
    }

    pub fn push_layer(&mut self, layer: Layer) -> &mut Self {
        self.items.push(Item::Layer(layer));
        self
    }

    /// Builder form of [`Step::set`].
    pub fn with(mut self, key: &str, value: impl fmt::Display) -> Self {
        self.set(key, value);
        self
    }

    /// Builder form of [`Step::set_flag`].
    pub fn with_flag(mut self, key: &str) -> Self {
        self.set_flag(key);
        self
    }

    /// Builder form of [`Step::push_layer`].
    pub fn with_layer(mut self, layer: Layer) -> Self {
        self.push_layer(layer);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Layers: builder and lookup

impl LayerKind {
    /// The word used in messages: "image", "text", "video", "subtitles".
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Image => "image",
            LayerKind::Text => "text",
            LayerKind::Video => "video",
            LayerKind::Subtitles => "subtitles",
        }
    }
}

impl Layer {
    /// An empty layer of this kind (`l-<kind>,l-end`).
    pub fn new(kind: LayerKind) -> Layer {
        Layer { kind, legacy_subtitle: false, steps: Vec::new() }
    }

    /// A text layer; the text is written as the SDK does: `i-<percent-encoded>` when it has only
    /// letters, digits, spaces and `-._`, otherwise `ie-<percent-encoded base64 of UTF-8>`.
    pub fn text(text: &str) -> Layer {
        Layer::new(LayerKind::Text).with_param(encode_text_input(text, InputEncoding::Auto))
    }

    /// A text layer with the input encoding forced (the SDK's `encoding: "plain" | "base64"`);
    /// plain text is percent-encoded, e.g. `SALE $29` → `i-SALE%20%2429`.
    pub fn text_with(text: &str, encoding: InputEncoding) -> Layer {
        Layer::new(LayerKind::Text).with_param(encode_text_input(text, encoding))
    }

    /// A layer of `kind` (image, video or subtitles) from a path, with the input encoding forced.
    pub fn from_path(kind: LayerKind, path: &str, encoding: InputEncoding) -> Layer {
        Layer::new(kind).with_param(encode_path_input(path, encoding))
    }

    /// An image layer from a media-library path (`/` becomes `@@`, or base64 when needed).
    pub fn image(path: &str) -> Layer {
        Layer::new(LayerKind::Image).with_param(encode_path_input(path, InputEncoding::Auto))
    }

    pub fn video(path: &str) -> Layer {
        Layer::new(LayerKind::Video).with_param(encode_path_input(path, InputEncoding::Auto))
    }

    pub fn subtitles(path: &str) -> Layer {
        Layer::new(LayerKind::Subtitles).with_param(encode_path_input(path, InputEncoding::Auto))
    }

    /// A solid colour block: `l-image,i-ik_canvas,bg-<color>,...,l-end`.
    pub fn solid_color(color: &str) -> Layer {
        Layer::new(LayerKind::Image).with_param(Param::new("i", "ik_canvas")).with("bg", color)
    }

    pub fn kind(&self) -> LayerKind {
        self.kind
    }

    /// The opening token as printed, e.g. `l-text`.
    pub fn opener(&self) -> &'static str {
        match (self.kind, self.legacy_subtitle) {
            (LayerKind::Image, _) => "l-image",
            (LayerKind::Text, _) => "l-text",
            (LayerKind::Video, _) => "l-video",
            (LayerKind::Subtitles, false) => "l-subtitles",
            (LayerKind::Subtitles, true) => "l-subtitle",
        }
    }

    /// The layer's own chained steps (usually one).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn steps_mut(&mut self) -> &mut Vec<Step> {
        &mut self.steps
    }

    /// The layer's parameters: its first step, where `i`, `lx`, `fs`... live.
    pub fn params(&self) -> Option<&Step> {
        self.steps.first()
    }

    /// The first step, created if the layer is empty.
    pub fn params_mut(&mut self) -> &mut Step {
        if self.steps.is_empty() {
            self.steps.push(Step::default());
        }
        &mut self.steps[0]
    }

    /// The raw value of `key` among the layer's parameters.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.params().and_then(|s| s.value(key))
    }

    pub fn set(&mut self, key: &str, value: impl fmt::Display) -> &mut Self {
        self.params_mut().set(key, value);
        self
    }

    pub fn set_number(&mut self, key: &str, value: f64) -> &mut Self {
        self.params_mut().set_number(key, value);
        self
    }

    pub fn remove(&mut self, key: &str) -> bool {
        self.params_mut().remove(key)
    }

    /// Builder form of [`Layer::set`].
    pub fn with(mut self, key: &str, value: impl fmt::Display) -> Self {
        self.set(key, value);
        self
    }

    /// Builder form of [`Layer::set_number`].
    pub fn with_number(mut self, key: &str, value: f64) -> Self {
        self.set_number(key, value);
        self
    }

    fn with_param(mut self, param: Param) -> Self {
        self.params_mut().push_param(param);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers shared with the SDK port

/// How an overlay input is written (the SDK's `encoding` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputEncoding {
    /// Plain when the SDK's "simple" pattern matches, base64 otherwise.
    #[default]
    Auto,
    Plain,
    Base64,
}

/// JavaScript's `encodeURIComponent` keeps `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// JavaScript's `encodeURIComponent` (UTF-8, uppercase hex).
pub fn encode_uri_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

fn is_simple(s: &str, allow_slash: bool) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ' ') || (allow_slash && c == '/'))
}

fn base64_input(s: &str) -> Param {
    Param::new("ie", encode_uri_component(&BASE64.encode(s.as_bytes())))
}

/// `i-`/`ie-` for overlay text, as the SDK's `processText`.
pub fn encode_text_input(text: &str, encoding: InputEncoding) -> Param {
    match encoding {
        InputEncoding::Plain => Param::new("i", encode_uri_component(text)),
        InputEncoding::Base64 => base64_input(text),
        InputEncoding::Auto if is_simple(text, false) => Param::new("i", encode_uri_component(text)),
        InputEncoding::Auto => base64_input(text),
    }
}

/// `i-`/`ie-` for an overlay path, as the SDK's `processInputPath`: one leading and one trailing
/// `/` dropped, inner `/` written `@@`.
pub fn encode_path_input(path: &str, encoding: InputEncoding) -> Param {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    match encoding {
        InputEncoding::Plain => Param::new("i", path.replace('/', "@@")),
        InputEncoding::Base64 => base64_input(path),
        InputEncoding::Auto if is_simple(path, true) => Param::new("i", path.replace('/', "@@")),
        InputEncoding::Auto => base64_input(path),
    }
}

/// Decodes an `ie-` value: percent-decoding, then base64, then UTF-8.
pub(crate) fn decode_base64_input(value: &str) -> Result<String, String> {
    let unescaped = percent_decode_str(value).decode_utf8().map_err(|_| "is not valid percent-encoding".to_string())?;
    let bytes = BASE64
        .decode(unescaped.trim_end().as_bytes())
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(unescaped.trim_end_matches('=').as_bytes())
        })
        .map_err(|_| "is not valid base64".to_string())?;
    String::from_utf8(bytes).map_err(|_| "is not base64 of UTF-8 text".to_string())
}

/// Percent-decodes a plain `i-` text value.
pub(crate) fn decode_plain_text(value: &str) -> Result<String, String> {
    percent_decode_str(value)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| "is not valid percent-encoded UTF-8".to_string())
}

/// Writes a number the ImageKit way: negatives with an `N` prefix, no trailing `.0`
/// (`-35.0` → `N35`, `0.5` → `0.5`).
pub fn format_number(value: f64) -> String {
    let text = js_number(value.abs());
    if value < 0.0 && text != "0" { format!("N{text}") } else { text }
}

/// JavaScript's `Number.prototype.toString()` for finite numbers.
pub(crate) fn js_number(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if v == 0.0 {
        return "0".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e >= 0 { "+" } else { "-" };
        if k == 1 {
            format!("{digits}e{e_sign}{}", e.abs())
        } else {
            format!("{}.{}e{e_sign}{}", &digits[..1], &digits[1..], e.abs())
        }
    };
    format!("{sign}{body}")
}
