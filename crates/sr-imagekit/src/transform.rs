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

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

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

    /// Typed values of every step (the merchandiser subset), or the first refused parameter.
    pub fn values(&self) -> Result<Vec<StepValues>, TransformError> {
        self.steps.iter().enumerate().map(|(i, step)| step.values().map_err(|e| e.at_step(i + 1))).collect()
    }

    /// Checks every known parameter of every step and layer; unknown parameters pass.
    pub fn validate(&self) -> Result<(), TransformError> {
        self.values().map(|_| ())
    }

    /// Builds the transformation exactly as the Node SDK v7 does from its JSON objects (§10.6).
    pub fn from_sdk_json(value: &Value) -> Result<Self, SdkJsonError> {
        from_sdk_json(value)
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

    /// Typed values of the merchandiser subset; the error does not know the step number yet
    /// (see [`Transformation::values`]).
    pub fn values(&self) -> Result<StepValues, ParamError> {
        values::step_values(self)
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

    /// The decoded input: text for text layers, a media-library path for the others. `ie` wins
    /// over `i` (§10.3).
    pub fn input(&self) -> Result<Option<LayerInput>, ParamError> {
        values::layer_input(self)
    }

    /// Typed values of the layer's parameters.
    pub fn values(&self) -> Result<LayerValues, ParamError> {
        values::layer_values(self)
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

// ---------------------------------------------------------------------------------------------
// Typed values: the merchandiser subset (§10.2, §10.3)

mod values {
    use super::{Item, Layer, LayerKind, Param, ParamError, Step, decode_base64_input, decode_plain_text};

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
            _ => expression(v)
                .map(Quantity::Expr)
                .ok_or_else(|| ParamError::new(p.key(), expected("a positive number", v))),
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
                ParamError::new(
                    p.key(),
                    expected("resolutions from 240, 360, 480, 720, 1080, 1440, 2160 joined with _", v),
                )
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

    pub(super) fn step_values(step: &Step) -> Result<StepValues, ParamError> {
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
                "vc" => {
                    out.video_codec = Some(keyword(p, VideoCodec::from_keyword, VideoCodec::ALL, VideoCodec::as_str)?)
                }
                "ac" => {
                    out.audio_codec = Some(keyword(p, AudioCodec::from_keyword, AudioCodec::ALL, AudioCodec::as_str)?)
                }
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

    pub(super) fn layer_input(layer: &Layer) -> Result<Option<LayerInput>, ParamError> {
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

    pub(super) fn layer_values(layer: &Layer) -> Result<LayerValues, ParamError> {
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
}

// ---------------------------------------------------------------------------------------------
// The official SDK's JSON transformation objects (§10.6), ported from the Node SDK v7
// `buildTransformationString` / `processOverlay`, JavaScript value semantics included.

mod sdk {
    use serde_json::{Map, Value};

    use super::{InputEncoding, Transformation, encode_path_input, encode_text_input, js_number};

    /// A JSON value the SDK could not turn into a transformation.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum SdkJsonError {
        #[error("a transformation must be an object such as {{\"width\": 300}} or a list of them, got {found}")]
        NotATransformation { found: &'static str },
        #[error("step {step}: expected an object such as {{\"width\": 300}}, got {found}")]
        StepNotAnObject { step: usize, found: &'static str },
    }

    /// The SDK's name → key table (`supportedTransforms`), newest Node SDK v7.
    const SUPPORTED: &[(&str, &str)] = &[
        ("width", "w"),
        ("height", "h"),
        ("aspectRatio", "ar"),
        ("background", "bg"),
        ("border", "b"),
        ("crop", "c"),
        ("cropMode", "cm"),
        ("dpr", "dpr"),
        ("focus", "fo"),
        ("quality", "q"),
        ("x", "x"),
        ("xCenter", "xc"),
        ("y", "y"),
        ("yCenter", "yc"),
        ("format", "f"),
        ("videoCodec", "vc"),
        ("audioCodec", "ac"),
        ("radius", "r"),
        ("rotation", "rt"),
        ("blur", "bl"),
        ("named", "n"),
        ("defaultImage", "di"),
        ("flip", "fl"),
        ("original", "orig"),
        ("startOffset", "so"),
        ("endOffset", "eo"),
        ("duration", "du"),
        ("streamingResolutions", "sr"),
        ("grayscale", "e-grayscale"),
        ("aiUpscale", "e-upscale"),
        ("aiRetouch", "e-retouch"),
        ("aiVariation", "e-genvar"),
        ("aiDropShadow", "e-dropshadow"),
        ("aiChangeBackground", "e-changebg"),
        ("aiRemoveBackground", "e-bgremove"),
        ("aiRemoveBackgroundExternal", "e-removedotbg"),
        ("aiEdit", "e-edit"),
        ("contrastStretch", "e-contrast"),
        ("shadow", "e-shadow"),
        ("sharpen", "e-sharpen"),
        ("unsharpMask", "e-usm"),
        ("gradient", "e-gradient"),
        ("colorReplace", "cr"),
        ("colorize", "e-colorize"),
        ("distort", "e-distort"),
        ("progressive", "pr"),
        ("lossless", "lo"),
        ("colorProfile", "cp"),
        ("metadata", "md"),
        ("density", "dn"),
        ("opacity", "o"),
        ("trim", "t"),
        ("zoom", "z"),
        ("page", "pg"),
        ("fontSize", "fs"),
        ("fontFamily", "ff"),
        ("fontColor", "co"),
        ("innerAlignment", "ia"),
        ("padding", "pa"),
        ("alpha", "al"),
        ("typography", "tg"),
        ("lineHeight", "lh"),
        ("fontOutline", "fol"),
        ("fontShadow", "fsh"),
        ("color", "co"),
        ("raw", "raw"),
    ];

    /// Effects emitted as a bare key for `true`, `"true"` or `"-"`, and dropped otherwise.
    const ON_OFF_EFFECTS: &[&str] =
        &["e-grayscale", "e-contrast", "e-removedotbg", "e-bgremove", "e-upscale", "e-retouch", "e-genvar"];
    /// Effects emitted as a bare key for `true`, `"true"` or a blank value, else `key-value`.
    const OPTIONAL_VALUE_EFFECTS: &[&str] = &["e-sharpen", "e-shadow", "e-gradient", "e-usm", "e-dropshadow"];

    /// Builds the transformation the Node SDK v7 builds from `transformation` (an array of step
    /// objects; a single object is taken as one step; `null` as none).
    pub fn from_sdk_json(value: &Value) -> Result<Transformation, SdkJsonError> {
        let s = match value {
            Value::Array(steps) => build(steps)?,
            Value::Object(_) => build(std::slice::from_ref(value))?,
            Value::Null => String::new(),
            other => return Err(SdkJsonError::NotATransformation { found: kind(other) }),
        };
        Ok(Transformation::parse(&s))
    }

    fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }

    fn truthy(v: Option<&Value>) -> bool {
        match v {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(_) | Value::Object(_)) => true,
        }
    }

    /// JavaScript's `String(value)`.
    fn js_string(v: &Value) -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => i.to_string(),
                (None, Some(u)) => u.to_string(),
                _ => js_number(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => s.clone(),
            Value::Array(items) => join(items, ","),
            Value::Object(_) => "[object Object]".into(),
        }
    }

    /// JavaScript's `Array.prototype.join` (null elements become empty).
    fn join(items: &[Value], sep: &str) -> String {
        items.iter().map(|i| if i.is_null() { String::new() } else { js_string(i) }).collect::<Vec<_>>().join(sep)
    }

    fn is_true(v: &Value) -> bool {
        matches!(v, Value::Bool(true)) || v.as_str() == Some("true")
    }

    /// The SDK's `getTransformKey`: exact name, then the lower-cased name.
    fn transform_key(name: &str) -> Option<&'static str> {
        let lookup = |n: &str| SUPPORTED.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
        lookup(name).or_else(|| lookup(&name.to_lowercase()))
    }

    /// `for (key in object)` order: array-index keys ascending first, then the rest in insertion
    /// order (serde_json is built with `preserve_order`).
    fn js_key_order(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
        let index = |k: &str| -> Option<u32> {
            let canonical = k == "0" || (!k.starts_with('0') && k.chars().all(|c| c.is_ascii_digit()));
            if canonical { k.parse::<u32>().ok().filter(|n| *n != u32::MAX) } else { None }
        };
        let mut indexed: Vec<_> = map.iter().filter_map(|(k, v)| index(k).map(|n| (n, k, v))).collect();
        indexed.sort_by_key(|(n, _, _)| *n);
        let mut out: Vec<_> = indexed.into_iter().map(|(_, k, v)| (k, v)).collect();
        out.extend(map.iter().filter(|(k, _)| index(k).is_none()));
        out
    }

    fn strip_slashes(s: &str) -> &str {
        let s = s.strip_prefix('/').unwrap_or(s);
        s.strip_suffix('/').unwrap_or(s)
    }

    fn build(steps: &[Value]) -> Result<String, SdkJsonError> {
        let mut parsed = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            if !truthy(Some(step)) {
                continue;
            }
            let Value::Object(map) = step else {
                return Err(SdkJsonError::StepNotAnObject { step: i + 1, found: kind(step) });
            };
            let mut parts: Vec<String> = Vec::new();
            for (key, value) in js_key_order(map) {
                if value.is_null() {
                    continue;
                }
                if key == "overlay" && (value.is_object() || value.is_array()) {
                    if let Some(s) = overlay(value)?
                        && !s.trim().is_empty()
                    {
                        parts.push(s);
                    }
                    continue;
                }
                let tk = transform_key(key).unwrap_or(key.as_str());
                if tk.is_empty() {
                    continue;
                }
                if ON_OFF_EFFECTS.contains(&tk) {
                    if is_true(value) || value.as_str() == Some("-") {
                        parts.push(tk.to_string());
                    }
                    continue;
                }
                if OPTIONAL_VALUE_EFFECTS.contains(&tk) && (js_string(value).trim().is_empty() || is_true(value)) {
                    parts.push(tk.to_string());
                    continue;
                }
                if key == "raw" {
                    parts.push(js_string(value));
                    continue;
                }
                let mut v = if tk == "di" || tk == "ff" {
                    let s = if truthy(Some(value)) { js_string(value) } else { String::new() };
                    strip_slashes(&s).replace('/', "@@")
                } else if let (true, Value::Array(items)) = (tk == "sr", value) {
                    join(items, "_")
                } else {
                    js_string(value)
                };
                if tk == "t" && v.trim().is_empty() {
                    v = "true".into();
                }
                parts.push(format!("{tk}-{v}"));
            }
            if !parts.is_empty() {
                parsed.push(parts.join(","));
            }
        }
        Ok(parsed.join(":"))
    }

    fn overlay(value: &Value) -> Result<Option<String>, SdkJsonError> {
        let Value::Object(o) = value else {
            return Ok(None);
        };
        if !truthy(o.get("type")) {
            return Ok(None);
        }
        let encoding = match o.get("encoding").and_then(Value::as_str) {
            Some("plain") => InputEncoding::Plain,
            Some("base64") => InputEncoding::Base64,
            _ => InputEncoding::Auto,
        };
        let mut entries: Vec<String> = Vec::new();
        match o.get("type").and_then(Value::as_str) {
            Some("text") => {
                let Some(text) = o.get("text").filter(|t| truthy(Some(t))) else {
                    return Ok(None);
                };
                entries.push("l-text".into());
                entries.push(encode_text_input(&js_string(text), encoding).to_string());
            }
            Some(t @ ("image" | "video" | "subtitle")) => {
                entries.push(
                    match t {
                        "image" => "l-image",
                        "video" => "l-video",
                        _ => "l-subtitles",
                    }
                    .into(),
                );
                let Some(input) = o.get("input").filter(|t| truthy(Some(t))) else {
                    return Ok(None);
                };
                entries.push(encode_path_input(&js_string(input), encoding).to_string());
            }
            Some("solidColor") => {
                entries.push("l-image".into());
                entries.push("i-ik_canvas".into());
                let Some(color) = o.get("color").filter(|t| truthy(Some(t))) else {
                    return Ok(None);
                };
                entries.push(format!("bg-{}", js_string(color)));
            }
            // The SDK's switch has no default: an unknown type renders only what follows.
            _ => {}
        }
        if let Some(mode) = o.get("layerMode").filter(|v| truthy(Some(v))) {
            entries.push(format!("lm-{}", js_string(mode)));
        }
        let fields = |name: &str, pairs: &[(&str, &str)], entries: &mut Vec<String>| {
            if let Some(Value::Object(group)) = o.get(name) {
                for (field, key) in pairs {
                    if let Some(v) = group.get(*field).filter(|v| truthy(Some(v))) {
                        entries.push(format!("{key}-{}", js_string(v)));
                    }
                }
            }
        };
        fields(
            "position",
            &[
                ("x", "lx"),
                ("y", "ly"),
                ("xCenter", "lxc"),
                ("yCenter", "lyc"),
                ("focus", "lfo"),
                ("anchorPoint", "lap"),
            ],
            &mut entries,
        );
        fields("timing", &[("start", "lso"), ("end", "leo"), ("duration", "ldu")], &mut entries);
        if let Some(Value::Array(steps)) = o.get("transformation") {
            let nested = build(steps)?;
            if !nested.trim().is_empty() {
                entries.push(nested);
            }
        }
        entries.push("l-end".into());
        Ok(Some(entries.join(",")))
    }
}
