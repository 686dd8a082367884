//! Custom metadata fields (spec §7): their wire shape, the rules for a field's schema, and the
//! rules for the values assets carry.
//!
//! The emulator answers `POST /v1/customMetadataFields` with [`validate_new_field`] and checks
//! uploads and updates with [`apply_metadata`]; the offline library runs the very same functions
//! when a merchandiser edits metadata with no network, so both agree by construction.
//! [`validation_cases`] is a shared table that proves it over HTTP.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use thiserror::Error;

/// Most characters a field's description may hold (§7.1).
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// The seven schema types (§7.2). Spelled on the wire exactly as the variant names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Boolean,
    SingleSelect,
    MultiSelect,
}

impl FieldType {
    /// Every type, in the order the docs list them.
    pub const ALL: [FieldType; 7] = [
        FieldType::Text,
        FieldType::Textarea,
        FieldType::Number,
        FieldType::Date,
        FieldType::Boolean,
        FieldType::SingleSelect,
        FieldType::MultiSelect,
    ];

    /// The wire spelling, e.g. `"SingleSelect"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "Text",
            FieldType::Textarea => "Textarea",
            FieldType::Number => "Number",
            FieldType::Date => "Date",
            FieldType::Boolean => "Boolean",
            FieldType::SingleSelect => "SingleSelect",
            FieldType::MultiSelect => "MultiSelect",
        }
    }

    /// Parses the wire spelling (exact case).
    pub fn parse(s: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    fn allows_value_bounds(self) -> bool {
        matches!(self, FieldType::Number | FieldType::Date)
    }

    fn allows_length_bounds(self) -> bool {
        matches!(self, FieldType::Text | FieldType::Textarea)
    }

    fn is_select(self) -> bool {
        matches!(self, FieldType::SingleSelect | FieldType::MultiSelect)
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field's `schema` object exactly as on the wire (camelCase, absent properties omitted).
///
/// `minValue`/`maxValue` are numbers for `Number` and ISO-8601 strings for `Date`, so they (and
/// `defaultValue`, `selectOptions`) stay JSON values: `1000` goes out as `1000`, not `1000.0`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSchema {
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_value_required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_options: Option<Vec<Value>>,
    /// Set by the remote in `selectedFieldsSchema` when more than 100 options were cut (§7.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_options_truncated: Option<bool>,
}

impl FieldSchema {
    /// A schema of the given type with no other property set.
    pub fn of_type(field_type: FieldType) -> Self {
        FieldSchema {
            field_type,
            min_value: None,
            max_value: None,
            min_length: None,
            max_length: None,
            default_value: None,
            is_value_required: None,
            select_options: None,
            select_options_truncated: None,
        }
    }

    /// Whether assets must carry a value for this field.
    pub fn required(&self) -> bool {
        self.is_value_required == Some(true)
    }
}

/// A custom metadata field as the remote returns it (§7.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDef {
    pub id: String,
    /// The key used in an asset's `customMetadata`.
    pub name: String,
    /// What people see; every message about a value names the field by its label.
    pub label: String,
    pub schema: FieldSchema,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A field before the remote has given it an id: the body of `POST /v1/customMetadataFields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewField {
    pub name: String,
    pub label: String,
    pub schema: FieldSchema,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl NewField {
    /// The field as stored under `id`.
    pub fn with_id(self, id: impl Into<String>) -> FieldDef {
        FieldDef {
            id: id.into(),
            name: self.name,
            label: self.label,
            schema: self.schema,
            description: self.description,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// How precisely an ISO-8601 value was written; a value stands for the whole span it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePrecision {
    Day,
    Minute,
    Second,
    Millisecond,
}

/// An ISO-8601 date or date-time, read as UTC when it has no offset (§5.1.1, §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDate {
    /// The start of the span, in milliseconds since the Unix epoch.
    pub unix_ms: i64,
    pub precision: DatePrecision,
}

impl IsoDate {
    /// One past the last millisecond of the span the value names: `2026-03-01` names the whole
    /// day, `2026-03-01T09:30:00` one second.
    pub fn end_ms(&self) -> i64 {
        self.unix_ms
            + match self.precision {
                DatePrecision::Day => 86_400_000,
                DatePrecision::Minute => 60_000,
                DatePrecision::Second => 1_000,
                DatePrecision::Millisecond => 1,
            }
    }

    /// The canonical wire form used for stored Date values: `2026-03-01T00:00:00.000Z`.
    pub fn to_iso_string(&self) -> String {
        format_unix_ms(self.unix_ms)
    }
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.sssZ`, the remote's timestamp form.
pub fn format_unix_ms(unix_ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(unix_ms) {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => unix_ms.to_string(),
    }
}

/// Parses `2026-03-01`, `2026-03-01T09:30`, `2026-03-01T09:30:00`, with optional fraction and
/// `Z` or `+01:00` offset. Returns `None` for anything else, including impossible dates.
pub fn parse_iso_date(s: &str) -> Option<IsoDate> {
    let s = s.trim();
    if s.len() == 10 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        let t = d.and_hms_opt(0, 0, 0)?.and_utc();
        return Some(IsoDate { unix_ms: t.timestamp_millis(), precision: DatePrecision::Day });
    }
    if s.len() < 16 || !matches!(s.as_bytes()[10], b'T' | b't' | b' ') || !s.is_char_boundary(16) {
        return None;
    }
    let has_fraction = s.contains('.');
    let time_part = &s[11..];
    let colons = time_part.split(['Z', 'z', '+', '-']).next().unwrap_or("").matches(':').count();
    let precision = if has_fraction {
        DatePrecision::Millisecond
    } else if colons >= 2 {
        DatePrecision::Second
    } else {
        DatePrecision::Minute
    };
    let unix_ms = if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        t.timestamp_millis()
    } else {
        let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok());
        match naive {
            Some(n) => n.and_utc().timestamp_millis(),
            None => {
                // `2026-03-01T09:30Z` / `+01:00` without seconds: insert `:00` and retry.
                let with_secs = format!("{}:00{}", &s[..16], &s[16..]);
                DateTime::parse_from_rfc3339(&with_secs).ok()?.timestamp_millis()
            }
        }
    };
    Some(IsoDate { unix_ms, precision })
}

// ---------------------------------------------------------------------------------------------
// Schema validation
// ---------------------------------------------------------------------------------------------

/// Why a field definition was refused: the `errors` object of the remote's 400
/// `{"message":"Invalid field object", "errors": {...}}` (§7.1), property → message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", self.describe())]
pub struct SchemaErrors {
    pub errors: BTreeMap<String, String>,
}

impl SchemaErrors {
    /// The remote's top-level message for this error.
    pub const MESSAGE: &'static str = "Invalid field object";

    /// The `errors` object as JSON.
    pub fn to_json(&self) -> Value {
        Value::Object(self.errors.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
    }

    fn describe(&self) -> String {
        let parts: Vec<String> = self.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!("The field's settings are not valid: {}.", parts.join("; "))
    }
}

struct Collect(BTreeMap<String, String>);

impl Collect {
    fn add(&mut self, prop: &str, msg: impl Into<String>) {
        self.0.entry(prop.to_owned()).or_insert_with(|| msg.into());
    }
}

fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

const SCHEMA_PROPS: [&str; 8] =
    ["type", "minValue", "maxValue", "minLength", "maxLength", "defaultValue", "isValueRequired", "selectOptions"];

/// Checks a `schema` object for a field of type `field_type` (§7.2) and returns it typed.
///
/// `raw` may carry a `type` key; it is ignored (on PATCH the type cannot change, so the caller
/// passes the stored type). Every problem is reported at once, keyed by property, in the remote's
/// terse style: `"should be of type number"`, `"not allowed for this type"`.
pub fn validate_schema(field_type: FieldType, raw: &Value) -> Result<FieldSchema, SchemaErrors> {
    let mut errs = Collect(BTreeMap::new());
    let Some(obj) = raw.as_object() else {
        errs.add("schema", "should be of type object");
        return Err(SchemaErrors { errors: errs.0 });
    };
    let mut schema = FieldSchema::of_type(field_type);

    for key in obj.keys() {
        if !SCHEMA_PROPS.contains(&key.as_str()) {
            errs.add(key, "not allowed for this type");
        }
    }

    // Value bounds: numbers for Number, ISO dates for Date, nothing else.
    for prop in ["minValue", "maxValue"] {
        let Some(v) = obj.get(prop) else { continue };
        if !field_type.allows_value_bounds() {
            errs.add(prop, "not allowed for this type");
            continue;
        }
        let ok = match field_type {
            FieldType::Number => {
                if v.is_number() {
                    true
                } else {
                    errs.add(prop, "should be of type number");
                    false
                }
            }
            _ => match v.as_str().map(parse_iso_date) {
                Some(Some(_)) => true,
                _ => {
                    errs.add(prop, "should be a date in ISO 8601 format, e.g. 2026-03-01 or 2026-03-01T09:30:00");
                    false
                }
            },
        };
        if ok {
            if prop == "minValue" {
                schema.min_value = Some(v.clone());
            } else {
                schema.max_value = Some(v.clone());
            }
        }
    }
    if let (Some(lo), Some(hi)) = (&schema.min_value, &schema.max_value)
        && bound_key(field_type, lo) > bound_key(field_type, hi)
    {
        errs.add("minValue", "should be less than or equal to maxValue");
    }

    for prop in ["minLength", "maxLength"] {
        let Some(v) = obj.get(prop) else { continue };
        if !field_type.allows_length_bounds() {
            errs.add(prop, "not allowed for this type");
            continue;
        }
        match v.as_u64() {
            Some(n) => {
                if prop == "minLength" {
                    schema.min_length = Some(n);
                } else {
                    schema.max_length = Some(n);
                }
            }
            None if v.is_number() => errs.add(prop, "should be a whole number, 0 or more"),
            None => errs.add(prop, "should be of type number"),
        }
    }
    if let (Some(lo), Some(hi)) = (schema.min_length, schema.max_length)
        && lo > hi
    {
        errs.add("minLength", "should be less than or equal to maxLength");
    }

    match obj.get("selectOptions") {
        Some(_) if !field_type.is_select() => errs.add("selectOptions", "not allowed for this type"),
        Some(Value::Array(opts)) => {
            if opts.is_empty() {
                errs.add("selectOptions", "should have at least 1 item");
            } else if let Some(bad) = opts.iter().find(|o| !(o.is_string() || o.is_number() || o.is_boolean())) {
                errs.add(
                    "selectOptions",
                    format!("should contain only strings, numbers or booleans, not {}", json_type_name(bad)),
                );
            } else if has_duplicates(opts) {
                errs.add("selectOptions", "should not contain the same option twice");
            } else {
                schema.select_options = Some(opts.clone());
            }
        }
        Some(_) => errs.add("selectOptions", "should be of type array"),
        None if field_type.is_select() => errs.add("selectOptions", "is required for this type"),
        None => {}
    }

    match obj.get("isValueRequired") {
        Some(Value::Bool(b)) => schema.is_value_required = Some(*b),
        Some(_) => errs.add("isValueRequired", "should be of type boolean"),
        None => {}
    }

    match obj.get("defaultValue") {
        Some(Value::Null) | None => {
            if schema.required() {
                errs.add("defaultValue", "is required when isValueRequired is true");
            }
        }
        Some(v) => {
            // Judge the default against the schema as far as it is valid.
            let probe = FieldDef {
                id: String::new(),
                name: "defaultValue".into(),
                label: "The default value".into(),
                schema: schema.clone(),
                description: None,
            };
            let bounds_broken = errs.0.keys().any(|k| k != "defaultValue");
            match validate_value(&probe, v) {
                Ok(normalised) => schema.default_value = Some(normalised),
                Err(e) if !bounds_broken || matches!(*e.problem, ValueProblem::WrongType { .. }) => {
                    errs.add("defaultValue", format!("should satisfy the schema: {e}"));
                }
                Err(_) => {}
            }
        }
    }

    if errs.0.is_empty() { Ok(schema) } else { Err(SchemaErrors { errors: errs.0 }) }
}

fn bound_key(field_type: FieldType, v: &Value) -> f64 {
    match field_type {
        FieldType::Date => v.as_str().and_then(parse_iso_date).map(|d| d.unix_ms as f64).unwrap_or(f64::NAN),
        _ => v.as_f64().unwrap_or(f64::NAN),
    }
}

fn has_duplicates(opts: &[Value]) -> bool {
    opts.iter().enumerate().any(|(i, a)| opts[..i].iter().any(|b| same_option(a, b)))
}

/// Option equality is type-exact: `"1"` is not `1`; numbers compare by value (`1` is `1.0`).
fn same_option(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Checks a whole `POST /v1/customMetadataFields` body: `name` and `label` present and non-empty
/// strings, `schema.type` one of the seven types, the schema itself ([`validate_schema`]),
/// `description` at most [`MAX_DESCRIPTION_CHARS`] characters (an empty one is dropped).
/// Errors for schema properties are keyed `schema.<property>`, as one flat object.
pub fn validate_new_field(body: &Value) -> Result<NewField, SchemaErrors> {
    let mut errs = Collect(BTreeMap::new());
    let Some(obj) = body.as_object() else {
        errs.add("body", "should be of type object");
        return Err(SchemaErrors { errors: errs.0 });
    };
    let mut text = |prop: &str| match obj.get(prop) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::String(_)) => {
            errs.add(prop, "should not be empty");
            None
        }
        Some(_) => {
            errs.add(prop, "should be of type string");
            None
        }
        None => {
            errs.add(prop, "is required");
            None
        }
    };
    let name = text("name");
    let label = text("label");
    let description = match obj.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) if s.chars().count() > MAX_DESCRIPTION_CHARS => {
            errs.add("description", format!("should be at most {MAX_DESCRIPTION_CHARS} characters long"));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errs.add("description", "should be of type string");
            None
        }
    };
    let schema = match obj.get("schema") {
        None => {
            errs.add("schema", "is required");
            None
        }
        Some(raw) => match raw.get("type") {
            None => {
                errs.add("schema.type", "is required");
                None
            }
            Some(t) => match t.as_str().and_then(FieldType::parse) {
                None => {
                    errs.add(
                        "schema.type",
                        "should be one of Text, Textarea, Number, Date, Boolean, SingleSelect, MultiSelect",
                    );
                    None
                }
                Some(ft) => match validate_schema(ft, raw) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        for (k, v) in e.errors {
                            let key = if k == "schema" { k } else { format!("schema.{k}") };
                            errs.add(&key, v);
                        }
                        None
                    }
                },
            },
        },
    };
    match (name, label, schema) {
        (Some(name), Some(label), Some(schema)) if errs.0.is_empty() => {
            Ok(NewField { name, label, schema, description })
        }
        _ => Err(SchemaErrors { errors: errs.0 }),
    }
}

// ---------------------------------------------------------------------------------------------
// Value validation
// ---------------------------------------------------------------------------------------------

/// What is wrong with a value, for callers that branch (the UI highlights the field).
#[derive(Debug, Clone, PartialEq)]
pub enum ValueProblem {
    /// The JSON type does not fit the field type (text for a number, `true` for text, ...).
    WrongType { expected: FieldType, got: Value },
    /// A number outside `minValue..=maxValue`.
    NumberOutOfRange { min: Option<f64>, max: Option<f64>, got: f64 },
    /// A string that is not an ISO-8601 date or date-time.
    NotADate { got: String },
    /// A date outside `minValue..=maxValue` (bounds as written in the schema).
    DateOutOfRange { min: Option<String>, max: Option<String>, got: String },
    /// A string with a character count outside `minLength..=maxLength`.
    LengthOutOfRange { min: Option<u64>, max: Option<u64>, got: usize },
    /// A select value that is not one of `selectOptions`.
    NotAnOption { options: Vec<Value>, got: Value },
}

/// Which kind of [`ValueProblem`]: what the shared [`validation_cases`] table expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    WrongType,
    NumberOutOfRange,
    NotADate,
    DateOutOfRange,
    LengthOutOfRange,
    NotAnOption,
}

impl ValueProblem {
    pub fn kind(&self) -> ProblemKind {
        match self {
            ValueProblem::WrongType { .. } => ProblemKind::WrongType,
            ValueProblem::NumberOutOfRange { .. } => ProblemKind::NumberOutOfRange,
            ValueProblem::NotADate { .. } => ProblemKind::NotADate,
            ValueProblem::DateOutOfRange { .. } => ProblemKind::DateOutOfRange,
            ValueProblem::LengthOutOfRange { .. } => ProblemKind::LengthOutOfRange,
            ValueProblem::NotAnOption { .. } => ProblemKind::NotAnOption,
        }
    }
}

/// A value a field does not accept. The message names the field by its label, says what is
/// allowed and echoes what was entered: "Price must be between 1000 and 3000; you entered 900."
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}", self.message())]
pub struct ValueError {
    /// The field's `name` (its key in `customMetadata`).
    pub name: String,
    /// The field's `label`.
    pub label: String,
    /// Boxed to keep `Result<_, ValueError>` small.
    pub problem: Box<ValueProblem>,
}

/// A JSON value as a person would read it in a message: strings quoted, lists comma-separated.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Null => "nothing (null)".into(),
        other => other.to_string(),
    }
}

fn show_entered(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the text \"{s}\""),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        Value::Array(_) => format!("the list {}", show(v)),
        Value::Object(_) => "an object".into(),
        Value::Null => "nothing (null)".into(),
    }
}

fn show_options(options: &[Value]) -> String {
    let items: Vec<String> = options
        .iter()
        .map(|o| match o {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    items.join(", ")
}

fn show_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

fn range_phrase<T>(
    min: Option<T>,
    max: Option<T>,
    show: impl Fn(T) -> String,
    below: &str,
    above: &str,
    between: &str,
) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{between} {} and {}", show(lo), show(hi)),
        (Some(lo), None) => format!("{below} {}", show(lo)),
        (None, Some(hi)) => format!("{above} {}", show(hi)),
        (None, None) => String::new(),
    }
}

impl ValueError {
    /// The message shown to a merchandiser (also the `Display` form).
    pub fn message(&self) -> String {
        let l = &self.label;
        match &*self.problem {
            ValueProblem::WrongType { expected, got } => {
                let what = match expected {
                    FieldType::Text | FieldType::Textarea => "text",
                    FieldType::Number => "a number",
                    FieldType::Date => "a date such as 2026-03-01 or 2026-03-01T09:30:00",
                    FieldType::Boolean => "true or false",
                    FieldType::SingleSelect => "one of the field's options",
                    FieldType::MultiSelect => "a list of the field's options",
                };
                format!("{l} must be {what}; you entered {}.", show_entered(got))
            }
            ValueProblem::NumberOutOfRange { min, max, got } => {
                let r = range_phrase(*min, *max, show_num, "at least", "at most", "between");
                format!("{l} must be {r}; you entered {}.", show_num(*got))
            }
            ValueProblem::NotADate { got } => {
                format!("{l} must be a date such as 2026-03-01 or 2026-03-01T09:30:00; you entered \"{got}\".")
            }
            ValueProblem::DateOutOfRange { min, max, got } => {
                let r = range_phrase(min.clone(), max.clone(), |s| s, "on or after", "on or before", "between");
                format!("{l} must be {r}; you entered {got}.")
            }
            ValueProblem::LengthOutOfRange { min, max, got } => {
                let r = range_phrase(*min, *max, |n| n.to_string(), "at least", "at most", "between");
                let unit = if *got == 1 { "character" } else { "characters" };
                format!("{l} must be {r} characters long; you entered {got} {unit}.")
            }
            ValueProblem::NotAnOption { options, got } => {
                let opts = show_options(options);
                match got {
                    Value::Array(_) => format!("{l} can only hold values from: {opts}; you entered {}.", show(got)),
                    _ => format!("{l} must be one of: {opts}; you entered {}.", show(got)),
                }
            }
        }
    }
}

/// Checks one value against a field (§7.2, §7.4) and returns it as it is stored.
///
/// - Number: a JSON number within `minValue..=maxValue`.
/// - Date: an ISO-8601 date or date-time string ([`parse_iso_date`]) within the bounds; stored in
///   the canonical form `2026-03-01T00:00:00.000Z` (an assumption: the remote's stored form is
///   UNCONFIRMED, this one sorts as text).
/// - Text, Textarea: a string whose character count is within `minLength..=maxLength`.
/// - Boolean: `true` or `false`.
/// - SingleSelect: one of `selectOptions`, type-exact (`"1"` is not `1`).
/// - MultiSelect: an array of options, repeats dropped.
///
/// `null` is never a value; callers treat it as "unset" before calling this.
pub fn validate_value(field: &FieldDef, value: &Value) -> Result<Value, ValueError> {
    let fail =
        |problem| ValueError { name: field.name.clone(), label: field.label.clone(), problem: Box::new(problem) };
    let s = &field.schema;
    let wrong = || fail(ValueProblem::WrongType { expected: s.field_type, got: value.clone() });
    match s.field_type {
        FieldType::Number => {
            let Some(n) = value.as_f64().filter(|_| value.is_number()) else {
                return Err(wrong());
            };
            let min = s.min_value.as_ref().and_then(Value::as_f64);
            let max = s.max_value.as_ref().and_then(Value::as_f64);
            if !n.is_finite() || min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                return Err(fail(ValueProblem::NumberOutOfRange { min, max, got: n }));
            }
            Ok(value.clone())
        }
        FieldType::Date => {
            let Value::String(text) = value else {
                return Err(wrong());
            };
            let Some(d) = parse_iso_date(text) else {
                return Err(fail(ValueProblem::NotADate { got: text.clone() }));
            };
            let lo = s.min_value.as_ref().and_then(Value::as_str).and_then(parse_iso_date);
            let hi = s.max_value.as_ref().and_then(Value::as_str).and_then(parse_iso_date);
            // A bound covers the whole span it names: max 2026-12-31 admits that whole day.
            let too_early = lo.is_some_and(|lo| d.unix_ms < lo.unix_ms);
            let too_late = hi.is_some_and(|hi| d.unix_ms >= hi.end_ms());
            if too_early || too_late {
                let as_written = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).map(str::to_owned);
                return Err(fail(ValueProblem::DateOutOfRange {
                    min: as_written(&s.min_value),
                    max: as_written(&s.max_value),
                    got: text.clone(),
                }));
            }
            Ok(Value::String(d.to_iso_string()))
        }
        FieldType::Text | FieldType::Textarea => {
            let Value::String(text) = value else {
                return Err(wrong());
            };
            let n = text.chars().count();
            if s.min_length.is_some_and(|lo| (n as u64) < lo) || s.max_length.is_some_and(|hi| (n as u64) > hi) {
                return Err(fail(ValueProblem::LengthOutOfRange { min: s.min_length, max: s.max_length, got: n }));
            }
            Ok(value.clone())
        }
        FieldType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            _ => Err(wrong()),
        },
        FieldType::SingleSelect => {
            let options = s.select_options.as_deref().unwrap_or(&[]);
            if !(value.is_string() || value.is_number() || value.is_boolean()) {
                return Err(wrong());
            }
            if options.iter().any(|o| same_option(o, value)) {
                Ok(value.clone())
            } else {
                Err(fail(ValueProblem::NotAnOption { options: options.to_vec(), got: value.clone() }))
            }
        }
        FieldType::MultiSelect => {
            let options = s.select_options.as_deref().unwrap_or(&[]);
            let Value::Array(items) = value else {
                return Err(wrong());
            };
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            for item in items {
                if !options.iter().any(|o| same_option(o, item)) {
                    return Err(fail(ValueProblem::NotAnOption { options: options.to_vec(), got: value.clone() }));
                }
                if !out.iter().any(|o| same_option(o, item)) {
                    out.push(item.clone());
                }
            }
            Ok(Value::Array(out))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Applying a customMetadata object to an asset
// ---------------------------------------------------------------------------------------------

/// Whether metadata arrives with an upload or with an update of an existing asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyMode {
    /// `customMetadata` form field of an upload. `current` is what the asset keeps from before
    /// (empty for a new file, or for an overwrite with `overwriteCustomMetadata=true`).
    Upload,
    /// `customMetadata` of `PATCH /v1/files/{id}/details`: keys merge, `null` unsets.
    Update,
}

/// One problem with a `customMetadata` object.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetadataError {
    /// A key that names no (non-deleted) field.
    #[error(
        "There is no custom metadata field called \"{key}\". Create the field first, or remove \
         \"{key}\" from the metadata."
    )]
    UnknownField { key: String },
    /// A value the field does not accept.
    #[error(transparent)]
    Invalid(#[from] ValueError),
    /// A required field without a value and without a default to fall back on.
    #[error("{label} is required; give it a value.")]
    Required { name: String, label: String },
    /// An update that tries to clear (`null`) a required field.
    #[error("{label} is required, so it cannot be left empty; give it a value instead of clearing it.")]
    CannotClearRequired { name: String, label: String },
}

/// Everything wrong with a `customMetadata` object, in the order the keys came.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}", self.message())]
pub struct MetadataErrors {
    pub errors: Vec<MetadataError>,
}

impl MetadataError {
    /// The `customMetadata` key the problem is about.
    pub fn field_key(&self) -> &str {
        match self {
            MetadataError::UnknownField { key } => key,
            MetadataError::Invalid(e) => &e.name,
            MetadataError::Required { name, .. } | MetadataError::CannotClearRequired { name, .. } => name,
        }
    }
}

impl MetadataErrors {
    /// `{key: message}` for every problem (the first message per key), for a 400 body's `errors`.
    pub fn errors_json(&self) -> Value {
        let mut out = Map::new();
        for e in &self.errors {
            if !out.contains_key(e.field_key()) {
                out.insert(e.field_key().to_owned(), Value::String(e.to_string()));
            }
        }
        Value::Object(out)
    }

    /// All messages, one sentence each, joined by spaces.
    pub fn message(&self) -> String {
        let parts: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        parts.join(" ")
    }
}

/// Merges `incoming` into `current` under the fields' rules (§5.5, §7.4) and returns the asset's
/// new `customMetadata`.
///
/// - A key that names no field in `fields` is an error ([`MetadataError::UnknownField`]).
/// - Each value is checked and normalised by [`validate_value`].
/// - `null`: on update it unsets the key; on upload it means "no value".
/// - Afterwards every required field must hold a value: a missing one gets its `defaultValue`
///   (the remote's documented behaviour for `size`), and without a default it is an error.
///   Clearing a required field with `null` on update is an error rather than a silent reset.
///
/// All problems are reported together; nothing is applied unless there are none.
pub fn apply_metadata(
    fields: &[FieldDef],
    current: &Map<String, Value>,
    incoming: &Map<String, Value>,
    mode: ApplyMode,
) -> Result<Map<String, Value>, MetadataErrors> {
    let mut out = current.clone();
    let mut errors = Vec::new();
    for (key, value) in incoming {
        let Some(field) = fields.iter().find(|f| &f.name == key) else {
            errors.push(MetadataError::UnknownField { key: key.clone() });
            continue;
        };
        if value.is_null() {
            match mode {
                ApplyMode::Update if field.schema.required() => {
                    errors.push(MetadataError::CannotClearRequired {
                        name: field.name.clone(),
                        label: field.label.clone(),
                    });
                }
                ApplyMode::Update => {
                    out.remove(key);
                }
                ApplyMode::Upload => {}
            }
            continue;
        }
        match validate_value(field, value) {
            Ok(v) => {
                out.insert(key.clone(), v);
            }
            Err(e) => errors.push(MetadataError::Invalid(e)),
        }
    }
    for field in fields.iter().filter(|f| f.schema.required()) {
        if out.get(&field.name).is_some_and(|v| !v.is_null()) {
            continue;
        }
        if errors.iter().any(|e| matches!(e, MetadataError::CannotClearRequired { name, .. } | MetadataError::Invalid(ValueError { name, .. }) if name == &field.name)) {
            continue;
        }
        match field.schema.default_value.as_ref().map(|d| validate_value(field, d)) {
            Some(Ok(v)) => {
                out.insert(field.name.clone(), v);
            }
            _ => errors.push(MetadataError::Required { name: field.name.clone(), label: field.label.clone() }),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(MetadataErrors { errors }) }
}

// ---------------------------------------------------------------------------------------------
// Demo fields and the shared validation table
// ---------------------------------------------------------------------------------------------

fn new_field(name: &str, label: &str, schema: Value, description: Option<&str>) -> NewField {
    let field_type = schema["type"].as_str().and_then(FieldType::parse).expect("demo schema has a valid type");
    let schema = validate_schema(field_type, &schema).expect("demo schema is valid");
    NewField { name: name.into(), label: label.into(), schema, description: description.map(Into::into) }
}

/// A merchandiser's field set, used by the sandbox and the tests: SKU, price, size, colour,
/// season, launch date, on-sale and description. Each schema passes [`validate_schema`].
pub fn demo_fields() -> Vec<NewField> {
    vec![
        new_field(
            "sku",
            "SKU",
            json!({"type": "Text", "minLength": 3, "maxLength": 20}),
            Some("Stock-keeping unit printed on the swing tag, e.g. DRS-0412-RED."),
        ),
        new_field(
            "price",
            "Price",
            json!({"type": "Number", "minValue": 0, "maxValue": 100000}),
            Some("Retail price in the shop's currency."),
        ),
        new_field(
            "size",
            "Size",
            json!({"type": "SingleSelect", "selectOptions": ["XS", "S", "M", "L", "XL", "XXL"],
                   "isValueRequired": true, "defaultValue": "M"}),
            None,
        ),
        new_field(
            "colour",
            "Colour",
            json!({"type": "SingleSelect",
                   "selectOptions": ["black", "white", "red", "navy", "green", "beige", "multi"]}),
            None,
        ),
        new_field(
            "season",
            "Season",
            json!({"type": "SingleSelect", "selectOptions": ["SS25", "AW25", "SS26", "AW26", "SS27"]}),
            Some("Collection the product launches in."),
        ),
        new_field(
            "launch_date",
            "Launch date",
            json!({"type": "Date", "minValue": "2020-01-01", "maxValue": "2035-12-31"}),
            None,
        ),
        new_field("on_sale", "On sale", json!({"type": "Boolean", "defaultValue": false}), None),
        new_field(
            "description",
            "Description",
            json!({"type": "Textarea", "maxLength": 2000}),
            Some("Product copy shown on the product page."),
        ),
    ]
}

/// What a [`Case`] expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Accepted, and stored as this value.
    Accept(Value),
    /// Refused for this reason.
    Reject(ProblemKind),
}

/// One row of the shared value-validation table.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// What the row checks, for test output.
    pub title: &'static str,
    /// The field the value is checked against (create it on an emulator to test over HTTP).
    pub field: NewField,
    pub value: Value,
    pub expect: Expect,
}

/// The table of value-validation cases (at least eight per field type, accepted and refused),
/// shared by this crate's tests, the emulator's (over HTTP) and the library's, so they can prove
/// the offline validator and the emulator agree. Field names are unique per schema (`case_<type>`)
/// so one emulator account can hold all of them.
pub fn validation_cases() -> Vec<Case> {
    use Expect::{Accept, Reject};
    use ProblemKind::*;
    let text = new_field("case_text", "SKU", json!({"type": "Text", "minLength": 3, "maxLength": 12}), None);
    let area = new_field("case_textarea", "Description", json!({"type": "Textarea", "maxLength": 20}), None);
    let number = new_field("case_number", "Price", json!({"type": "Number", "minValue": 1000, "maxValue": 3000}), None);
    let date = new_field(
        "case_date",
        "Launch date",
        json!({"type": "Date", "minValue": "2026-01-01", "maxValue": "2026-12-31"}),
        None,
    );
    let boolean = new_field("case_boolean", "On sale", json!({"type": "Boolean"}), None);
    let single = new_field(
        "case_single",
        "Size",
        json!({"type": "SingleSelect", "selectOptions": ["XS", "S", "M", "L", "XL", "XXL", 42, true]}),
        None,
    );
    let multi = new_field(
        "case_multi",
        "Colours",
        json!({"type": "MultiSelect", "selectOptions": ["red", "navy", "beige", 7]}),
        None,
    );
    let c = |title, field: &NewField, value: Value, expect| Case { title, field: field.clone(), value, expect };
    vec![
        // Text
        c("text within lengths", &text, json!("DRS-0412"), Accept(json!("DRS-0412"))),
        c("text at min length", &text, json!("abc"), Accept(json!("abc"))),
        c("text at max length", &text, json!("abcdefghijkl"), Accept(json!("abcdefghijkl"))),
        c("text counts characters not bytes", &text, json!("ÉÉÉÉÉÉÉÉÉÉÉÉ"), Accept(json!("ÉÉÉÉÉÉÉÉÉÉÉÉ"))),
        c("text too short", &text, json!("ab"), Reject(LengthOutOfRange)),
        c("text too long", &text, json!("abcdefghijklm"), Reject(LengthOutOfRange)),
        c("number for text", &text, json!(5682342234u64), Reject(WrongType)),
        c("boolean for text", &text, json!(true), Reject(WrongType)),
        c("list for text", &text, json!(["abc"]), Reject(WrongType)),
        // Textarea
        c("textarea empty allowed", &area, json!(""), Accept(json!(""))),
        c("textarea with newlines", &area, json!("Line one\nline two"), Accept(json!("Line one\nline two"))),
        c("textarea at max", &area, json!("12345678901234567890"), Accept(json!("12345678901234567890"))),
        c("textarea emoji count once", &area, json!("👗👗👗👗👗👗👗👗👗👗"), Accept(json!("👗👗👗👗👗👗👗👗👗👗"))),
        c("textarea too long", &area, json!("123456789012345678901"), Reject(LengthOutOfRange)),
        c("number for textarea", &area, json!(12), Reject(WrongType)),
        c("object for textarea", &area, json!({"a": 1}), Reject(WrongType)),
        c("boolean for textarea", &area, json!(false), Reject(WrongType)),
        // Number
        c("number in range", &number, json!(1500), Accept(json!(1500))),
        c("number at min", &number, json!(1000), Accept(json!(1000))),
        c("number at max", &number, json!(3000), Accept(json!(3000))),
        c("decimal number", &number, json!(1999.99), Accept(json!(1999.99))),
        c("number below min", &number, json!(900), Reject(NumberOutOfRange)),
        c("number above max", &number, json!(3000.5), Reject(NumberOutOfRange)),
        c("numeric text for number", &number, json!("1500"), Reject(WrongType)),
        c("boolean for number", &number, json!(true), Reject(WrongType)),
        c("list for number", &number, json!([1500]), Reject(WrongType)),
        // Date
        c("date only", &date, json!("2026-03-01"), Accept(json!("2026-03-01T00:00:00.000Z"))),
        c("date-time", &date, json!("2026-03-01T09:30:00"), Accept(json!("2026-03-01T09:30:00.000Z"))),
        c(
            "date-time with Z and millis",
            &date,
            json!("2026-06-15T12:00:00.250Z"),
            Accept(json!("2026-06-15T12:00:00.250Z")),
        ),
        c(
            "date-time with offset",
            &date,
            json!("2026-06-15T12:00:00+02:00"),
            Accept(json!("2026-06-15T10:00:00.000Z")),
        ),
        c("last day of max is allowed", &date, json!("2026-12-31T23:59:59"), Accept(json!("2026-12-31T23:59:59.000Z"))),
        c("date before min", &date, json!("2025-12-31"), Reject(DateOutOfRange)),
        c("date after max", &date, json!("2027-01-01"), Reject(DateOutOfRange)),
        c("not a date", &date, json!("next week"), Reject(NotADate)),
        c("impossible date", &date, json!("2026-02-30"), Reject(NotADate)),
        c("number for date", &date, json!(1767225600), Reject(WrongType)),
        // Boolean
        c("true", &boolean, json!(true), Accept(json!(true))),
        c("false", &boolean, json!(false), Accept(json!(false))),
        c("text true", &boolean, json!("true"), Reject(WrongType)),
        c("text yes", &boolean, json!("yes"), Reject(WrongType)),
        c("one for boolean", &boolean, json!(1), Reject(WrongType)),
        c("zero for boolean", &boolean, json!(0), Reject(WrongType)),
        c("list for boolean", &boolean, json!([true]), Reject(WrongType)),
        c("object for boolean", &boolean, json!({}), Reject(WrongType)),
        // SingleSelect
        c("option", &single, json!("M"), Accept(json!("M"))),
        c("numeric option", &single, json!(42), Accept(json!(42))),
        c("boolean option", &single, json!(true), Accept(json!(true))),
        c("option is case-sensitive", &single, json!("m"), Reject(NotAnOption)),
        c("not an option", &single, json!("XXXL"), Reject(NotAnOption)),
        c("numeric text is not a number option", &single, json!("42"), Reject(NotAnOption)),
        c("false is not an option", &single, json!(false), Reject(NotAnOption)),
        c("list for single select", &single, json!(["M"]), Reject(WrongType)),
        c("object for single select", &single, json!({"size": "M"}), Reject(WrongType)),
        // MultiSelect
        c("subset", &multi, json!(["red", "navy"]), Accept(json!(["red", "navy"]))),
        c("single item", &multi, json!(["beige"]), Accept(json!(["beige"]))),
        c("empty list", &multi, json!([]), Accept(json!([]))),
        c("numeric option in list", &multi, json!([7, "red"]), Accept(json!([7, "red"]))),
        c("repeats dropped", &multi, json!(["red", "red"]), Accept(json!(["red"]))),
        c("one item not an option", &multi, json!(["red", "green"]), Reject(NotAnOption)),
        c("numeric text not a number option", &multi, json!(["7"]), Reject(NotAnOption)),
        c("bare option for multi select", &multi, json!("red"), Reject(WrongType)),
        c("number for multi select", &multi, json!(7), Reject(WrongType)),
    ]
}
