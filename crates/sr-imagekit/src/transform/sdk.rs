//! The official SDK's JSON transformation objects (§10.6), ported from the Node SDK v7
//! `buildTransformationString` / `processOverlay`, JavaScript value semantics included. Built on the
//! model and the input encodings of [`super`]; knows nothing of the typed values.

use serde_json::{Map, Value};

use super::{InputEncoding, Transformation, encode_path_input, encode_text_input, js_number};

impl Transformation {
    /// Builds the transformation exactly as the Node SDK v7 does from its JSON objects (§10.6).
    pub fn from_sdk_json(value: &Value) -> Result<Self, SdkJsonError> {
        from_sdk_json(value)
    }
}

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
        &[("x", "lx"), ("y", "ly"), ("xCenter", "lxc"), ("yCenter", "lyc"), ("focus", "lfo"), ("anchorPoint", "lap")],
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
