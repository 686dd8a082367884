//! The `searchQuery` language of `GET /v1/files` (spec §5.1.1): parser, per-field checks and an
//! evaluator.
//!
//! The emulator parses and evaluates queries in memory; the offline library parses with the same
//! [`Query::parse`] and compiles the public AST ([`Expr`], [`Condition`]) to SQL itself. Both
//! refuse the same queries with the same messages as the remote:
//! `Invalid search query - createdAt field must have a valid date value. Make sure the value is
//! enclosed within quotes. Please refer to the documentation for syntax specification.`
//!
//! Grammar (keywords are case-insensitive):
//! ```text
//! query      := orExpr
//! orExpr     := andExpr ( "OR" andExpr )*
//! andExpr    := term ( "AND" term )*
//! term       := "(" query ")" | condition
//! condition  := field op value | field ("EXISTS" | "NOT EXISTS")
//! field      := bareIdent | '"' ("customMetadata." | "embeddedMetadata.") name '"'
//! op         := "=" | ":" | "<" | "<=" | ">" | ">=" | "IN" | "NOT IN" | "NOT =" | "HAS"
//! value      := quoted string | number | true | false | "[" value ("," value)* "]"
//! ```

use std::fmt;

use chrono::{DateTime, Months, Utc};
use thiserror::Error;

use crate::metadata::{FieldDef, FieldType, IsoDate, parse_iso_date};

// ---------------------------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------------------------

/// A parsed and checked query. Build with [`Query::parse`] or [`Query::parse_with_fields`].
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub expr: Expr,
}

/// A boolean expression. `And`/`Or` hold two or more children and are flattened (`a AND b AND c`
/// is one `And` of three); parentheses leave no trace beyond the tree's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Cond(Condition),
}

impl Expr {
    /// Every condition in the tree, left to right.
    pub fn conditions(&self) -> Vec<&Condition> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Condition>) {
            match e {
                Expr::Or(items) | Expr::And(items) => items.iter().for_each(|i| walk(i, out)),
                Expr::Cond(c) => out.push(c),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }
}

/// `field op operand`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: FieldRef,
    pub op: Op,
    pub operand: Operand,
}

/// A searchable field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldRef {
    Name,
    /// Matches a file's `tags` **or** its `AITags` names.
    Tags,
    /// `file`, `file-version` or `folder`.
    Type,
    /// fileId or folderId.
    Id,
    CreatedAt,
    UpdatedAt,
    Width,
    Height,
    /// Bytes.
    Size,
    /// File format, e.g. `jpg`, `mp4`.
    Format,
    Private,
    Published,
    Transparency,
    /// Uploader's email.
    CreatedBy,
    /// The folder holding the file, canonical `/a/b/`.
    Path,
    /// `"customMetadata.<name>"`.
    Custom(String),
    /// `"embeddedMetadata.<key>"`.
    Embedded(String),
}

impl FieldRef {
    /// The field as written in a query (`createdAt`, `customMetadata.price`).
    pub fn as_query_name(&self) -> String {
        let s = match self {
            FieldRef::Name => "name",
            FieldRef::Tags => "tags",
            FieldRef::Type => "type",
            FieldRef::Id => "id",
            FieldRef::CreatedAt => "createdAt",
            FieldRef::UpdatedAt => "updatedAt",
            FieldRef::Width => "width",
            FieldRef::Height => "height",
            FieldRef::Size => "size",
            FieldRef::Format => "format",
            FieldRef::Private => "private",
            FieldRef::Published => "published",
            FieldRef::Transparency => "transparency",
            FieldRef::CreatedBy => "createdBy",
            FieldRef::Path => "path",
            FieldRef::Custom(n) => return format!("customMetadata.{n}"),
            FieldRef::Embedded(n) => return format!("embeddedMetadata.{n}"),
        };
        s.to_owned()
    }

    const BUILTIN: [FieldRef; 15] = [
        FieldRef::Name,
        FieldRef::Tags,
        FieldRef::Type,
        FieldRef::Id,
        FieldRef::CreatedAt,
        FieldRef::UpdatedAt,
        FieldRef::Width,
        FieldRef::Height,
        FieldRef::Size,
        FieldRef::Format,
        FieldRef::Private,
        FieldRef::Published,
        FieldRef::Transparency,
        FieldRef::CreatedBy,
        FieldRef::Path,
    ];

    fn from_query_name(s: &str) -> Option<FieldRef> {
        if let Some(rest) = strip_prefix_ci(s, "customMetadata.") {
            return (!rest.is_empty()).then(|| FieldRef::Custom(rest.to_owned()));
        }
        if let Some(rest) = strip_prefix_ci(s, "embeddedMetadata.") {
            return (!rest.is_empty()).then(|| FieldRef::Embedded(rest.to_owned()));
        }
        FieldRef::BUILTIN.into_iter().find(|f| f.as_query_name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_query_name())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// An operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`: exact, case-sensitive; for `path` the exact folder.
    Eq,
    /// `NOT =`.
    NotEq,
    /// `:`: begins-with for strings; for `path` the folder and its subfolders.
    Prefix,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    /// `HAS`: case-insensitive token match, the last token matching as a prefix.
    Has,
    Exists,
    NotExists,
}

impl Op {
    /// The operator as written in a query.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "NOT =",
            Op::Prefix => ":",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::Has => "HAS",
            Op::Exists => "EXISTS",
            Op::NotExists => "NOT EXISTS",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The right-hand side of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `EXISTS` / `NOT EXISTS`.
    None,
    One(Value),
    /// `IN` / `NOT IN`.
    List(Vec<Value>),
}

/// A value, already coerced to what its field means.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// Numbers; `size` values written as `"2mb"` arrive here as bytes.
    Num(f64),
    Bool(bool),
    /// Dates on `createdAt`, `updatedAt`, `embeddedMetadata.DateTimeOriginal` and Date custom
    /// fields (when the field list is known).
    Time(TimeValue),
}

/// A point or span in time as written in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeValue {
    /// An ISO-8601 value, read as UTC; it names a span as long as its precision (a whole day for
    /// `"2020-01-01"`).
    Absolute(IsoDate),
    /// `"7d"`: that long before now.
    Ago { amount: u32, unit: AgoUnit },
}

/// Units of a relative time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgoUnit {
    /// `h`
    Hours,
    /// `d`
    Days,
    /// `w`
    Weeks,
    /// `m`: calendar months.
    Months,
    /// `y`: calendar years.
    Years,
}

/// A half-open span of time in Unix milliseconds, `[start_ms, end_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSpan {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl TimeValue {
    /// The span this value names at `now_unix` (seconds). Relative values are an instant
    /// (one millisecond wide).
    ///
    /// How each operator reads a span, for SQL compilers too:
    /// `=` start <= x < end; `NOT =` the opposite; `<` x < start; `<=` x < end; `>` x >= end;
    /// `>=` x >= start. So `createdAt >= "7d"` is "created in the last seven days" and
    /// `createdAt = "2020-01-01"` is "created on that day".
    pub fn resolve(&self, now_unix: i64) -> TimeSpan {
        match *self {
            TimeValue::Absolute(d) => TimeSpan { start_ms: d.unix_ms, end_ms: d.end_ms() },
            TimeValue::Ago { amount, unit } => {
                let now_ms = now_unix.saturating_mul(1000);
                let at = match unit {
                    AgoUnit::Hours => now_ms - i64::from(amount) * 3_600_000,
                    AgoUnit::Days => now_ms - i64::from(amount) * 86_400_000,
                    AgoUnit::Weeks => now_ms - i64::from(amount) * 7 * 86_400_000,
                    AgoUnit::Months | AgoUnit::Years => {
                        let months = if unit == AgoUnit::Years { amount.saturating_mul(12) } else { amount };
                        DateTime::<Utc>::from_timestamp_millis(now_ms)
                            .and_then(|t| t.checked_sub_months(Months::new(months)))
                            .map(|t| t.timestamp_millis())
                            .unwrap_or(i64::MIN / 2)
                    }
                };
                TimeSpan { start_ms: at, end_ms: at + 1 }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A query the remote would refuse with 400. `Display` gives the remote's full message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SearchError {
    /// The query does not follow the grammar.
    #[error("Invalid search query - {detail}. Please refer to the documentation for syntax specification.")]
    Syntax { detail: String, offset: usize },
    /// A field the language does not know.
    #[error(
        "Invalid search query - {field} is not a searchable field. Please refer to the documentation for syntax specification."
    )]
    UnknownField { field: String },
    /// An operator the field does not support.
    #[error(
        "Invalid search query - {field} field does not support the {op} operator; it supports {allowed}. Please refer to the documentation for syntax specification."
    )]
    UnsupportedOperator { field: String, op: String, allowed: String },
    /// A value the field cannot take.
    #[error(
        "Invalid search query - {field} field must have {expected}. Please refer to the documentation for syntax specification."
    )]
    InvalidValue { field: String, expected: String },
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Eq,
    Colon,
    Lt,
    Le,
    Gt,
    Ge,
    /// `!=`, refused with a hint.
    BangEq,
    Word(String),
    Str(String),
    Num(f64),
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::LParen => "\"(\"".into(),
        Tok::RParen => "\")\"".into(),
        Tok::LBracket => "\"[\"".into(),
        Tok::RBracket => "\"]\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::Eq => "\"=\"".into(),
        Tok::Colon => "\":\"".into(),
        Tok::Lt => "\"<\"".into(),
        Tok::Le => "\"<=\"".into(),
        Tok::Gt => "\">\"".into(),
        Tok::Ge => "\">=\"".into(),
        Tok::BangEq => "\"!=\"".into(),
        Tok::Word(w) => format!("\"{w}\""),
        Tok::Str(s) => format!("the text \"{s}\""),
        Tok::Num(n) => format!("the number {n}"),
    }
}

fn syntax(detail: impl Into<String>, offset: usize) -> SearchError {
    SearchError::Syntax { detail: detail.into(), offset }
}

fn lex(input: &str) -> Result<Vec<(Tok, usize)>, SearchError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            ',' => Some(Tok::Comma),
            '=' => Some(Tok::Eq),
            ':' => Some(Tok::Colon),
            _ => None,
        };
        if c.is_whitespace() {
            i += 1;
        } else if let Some(t) = single {
            out.push((t, at));
            i += 1;
        } else if c == '<' || c == '>' || c == '!' {
            let eq = next == Some('=');
            let t = match (c, eq) {
                ('<', true) => Tok::Le,
                ('<', false) => Tok::Lt,
                ('>', true) => Tok::Ge,
                ('>', false) => Tok::Gt,
                ('!', true) => Tok::BangEq,
                _ => {
                    return Err(syntax("unexpected \"!\"; write NOT = or NOT IN to exclude values", at));
                }
            };
            out.push((t, at));
            i += if eq { 2 } else { 1 };
        } else if c == '"' || c == '\'' {
            let quote = c;
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => {
                        return Err(syntax(
                            format!("the text starting at position {} has no closing quote", at + 1),
                            at,
                        ));
                    }
                    Some(&(_, '\\')) => {
                        match chars.get(j + 1) {
                            Some(&(_, e)) => s.push(e),
                            None => {
                                return Err(syntax("the query ends in the middle of a quoted text", at));
                            }
                        }
                        j += 2;
                    }
                    Some(&(_, ch)) if ch == quote => break,
                    Some(&(_, ch)) => {
                        s.push(ch);
                        j += 1;
                    }
                }
            }
            out.push((Tok::Str(s), at));
            i = j + 1;
        } else if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit() || n == '.')) || c == '.' {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '.' || chars[j].1 == '_') {
                j += 1;
            }
            let end = chars.get(j).map_or(input.len(), |&(p, _)| p);
            let text = &input[at..end];
            match text.parse::<f64>() {
                Ok(n) if n.is_finite() => out.push((Tok::Num(n), at)),
                // `7d`, `2mb`, `1e999`: an unquoted word; the parser says what the field wants.
                _ => out.push((Tok::Word(text.to_owned()), at)),
            }
            i = j;
        } else if c.is_alphanumeric() || c == '_' {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].1.is_alphanumeric() || matches!(chars[j].1, '_' | '.' | '-')) {
                j += 1;
            }
            let end = chars.get(j).map_or(input.len(), |&(p, _)| p);
            out.push((Tok::Word(input[at..end].to_owned()), at));
            i = j;
        } else {
            return Err(syntax(format!("unexpected character \"{c}\" at position {}", at + 1), at));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// A value as written, before coercion to its field.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
}

enum RawOperand {
    None,
    One(Lit),
    List(Vec<Lit>),
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    len: usize,
    fields: Option<&'a [FieldDef]>,
    depth: usize,
}

/// Deepest nesting of parentheses accepted, so hostile input cannot exhaust the stack.
const MAX_NESTING: usize = 256;

fn is_kw(t: Option<&Tok>, kw: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.len, |&(_, o)| o)
    }

    fn bump(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        t
    }

    fn or_expr(&mut self) -> Result<Expr, SearchError> {
        let mut items = vec![self.and_expr()?];
        while is_kw(self.peek(), "OR") {
            self.bump();
            if self.peek().is_none() {
                return Err(syntax("the query ends after OR; add a condition after it", self.offset()));
            }
            items.push(self.and_expr()?);
        }
        Ok(flatten(items, true))
    }

    fn and_expr(&mut self) -> Result<Expr, SearchError> {
        let mut items = vec![self.term()?];
        while is_kw(self.peek(), "AND") {
            self.bump();
            if self.peek().is_none() {
                return Err(syntax("the query ends after AND; add a condition after it", self.offset()));
            }
            items.push(self.term()?);
        }
        Ok(flatten(items, false))
    }

    fn term(&mut self) -> Result<Expr, SearchError> {
        if self.peek() == Some(&Tok::LParen) {
            let open = self.offset();
            self.bump();
            if self.peek() == Some(&Tok::RParen) {
                return Err(syntax("empty parentheses; put a condition inside them", open));
            }
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err(syntax(format!("parentheses are nested more than {MAX_NESTING} deep"), open));
            }
            let e = self.or_expr()?;
            self.depth -= 1;
            match self.bump() {
                Some(Tok::RParen) => Ok(e),
                _ => Err(syntax(format!("the \"(\" at position {} is never closed", open + 1), open)),
            }
        } else {
            self.condition().map(Expr::Cond)
        }
    }

    fn condition(&mut self) -> Result<Condition, SearchError> {
        let at = self.offset();
        let field_text = match self.bump() {
            Some(Tok::Word(w)) if ["AND", "OR", "NOT"].iter().any(|k| w.eq_ignore_ascii_case(k)) => {
                return Err(syntax(format!("expected a field name but found {}", w.to_uppercase()), at));
            }
            Some(Tok::Word(w)) | Some(Tok::Str(w)) => w,
            Some(t) => {
                return Err(syntax(format!("expected a field name but found {}", describe(&t)), at));
            }
            None => {
                return Err(syntax("the query is empty; write a condition such as name = \"shirt.jpg\"", at));
            }
        };
        let field = FieldRef::from_query_name(&field_text)
            .ok_or_else(|| SearchError::UnknownField { field: field_text.clone() })?;

        let op_at = self.offset();
        let op = match self.bump() {
            Some(Tok::Eq) => Op::Eq,
            Some(Tok::Colon) => Op::Prefix,
            Some(Tok::Lt) => Op::Lt,
            Some(Tok::Le) => Op::Le,
            Some(Tok::Gt) => Op::Gt,
            Some(Tok::Ge) => Op::Ge,
            Some(Tok::BangEq) => {
                return Err(syntax("\"!=\" is not an operator; write NOT = to exclude a value", op_at));
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IN") => Op::In,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("HAS") => Op::Has,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("EXISTS") => Op::Exists,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("NOT") => match self.bump() {
                Some(Tok::Eq) => Op::NotEq,
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IN") => Op::NotIn,
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("EXISTS") => Op::NotExists,
                _ => return Err(syntax("NOT must be followed by =, IN or EXISTS", op_at)),
            },
            Some(t) => {
                return Err(syntax(
                    format!("expected an operator after {field_text} but found {}", describe(&t)),
                    op_at,
                ));
            }
            None => {
                return Err(syntax(format!("the query ends after {field_text}; add an operator and a value"), op_at));
            }
        };

        check_operator(&field, op, self.fields)?;

        let raw = match op {
            Op::Exists | Op::NotExists => RawOperand::None,
            Op::In | Op::NotIn => self.list(&field, op)?,
            _ => {
                let v_at = self.offset();
                match self.bump() {
                    Some(Tok::Str(s)) => RawOperand::One(Lit::Str(s)),
                    Some(Tok::Num(n)) => RawOperand::One(Lit::Num(n)),
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => RawOperand::One(Lit::Bool(true)),
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => RawOperand::One(Lit::Bool(false)),
                    Some(Tok::LBracket) => {
                        return Err(syntax(format!("a list of values needs IN or NOT IN, not {op}"), v_at));
                    }
                    Some(Tok::Word(w)) => {
                        return Err(value_err(&field, self.fields).unwrap_or_else(|| {
                            syntax(format!("{w} must be enclosed within quotes, e.g. \"{w}\""), v_at)
                        }));
                    }
                    Some(t) => {
                        return Err(syntax(format!("expected a value after {op} but found {}", describe(&t)), v_at));
                    }
                    None => {
                        return Err(syntax(format!("the query ends after {op}; add a value"), v_at));
                    }
                }
            }
        };
        let operand = coerce(&field, op, raw, self.fields)?;
        Ok(Condition { field, op, operand })
    }

    fn list(&mut self, field: &FieldRef, op: Op) -> Result<RawOperand, SearchError> {
        let at = self.offset();
        if self.bump() != Some(Tok::LBracket) {
            return Err(syntax(
                format!("{op} needs a list of values in square brackets, e.g. {field} {op} [\"a\", \"b\"]"),
                at,
            ));
        }
        let mut items = Vec::new();
        loop {
            let v_at = self.offset();
            match self.bump() {
                Some(Tok::RBracket) if items.is_empty() => {
                    return Err(syntax(format!("the list after {op} is empty; put at least one value in it"), v_at));
                }
                Some(Tok::Str(s)) => items.push(Lit::Str(s)),
                Some(Tok::Num(n)) => items.push(Lit::Num(n)),
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => items.push(Lit::Bool(true)),
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => items.push(Lit::Bool(false)),
                Some(Tok::Word(w)) => {
                    return Err(value_err(field, self.fields)
                        .unwrap_or_else(|| syntax(format!("{w} must be enclosed within quotes, e.g. \"{w}\""), v_at)));
                }
                Some(t) => {
                    return Err(syntax(format!("expected a value in the list but found {}", describe(&t)), v_at));
                }
                None => {
                    return Err(syntax(format!("the list at position {} is never closed with \"]\"", at + 1), at));
                }
            }
            let sep_at = self.offset();
            match self.bump() {
                Some(Tok::Comma) => {}
                Some(Tok::RBracket) => break,
                Some(t) => {
                    return Err(syntax(
                        format!("expected \",\" or \"]\" in the list but found {}", describe(&t)),
                        sep_at,
                    ));
                }
                None => {
                    return Err(syntax(format!("the list at position {} is never closed with \"]\"", at + 1), at));
                }
            }
        }
        Ok(RawOperand::List(items))
    }
}

fn flatten(mut items: Vec<Expr>, or: bool) -> Expr {
    if items.len() == 1 {
        return items.pop().unwrap_or(Expr::And(Vec::new()));
    }
    let mut flat = Vec::with_capacity(items.len());
    for e in items {
        match (e, or) {
            (Expr::Or(inner), true) | (Expr::And(inner), false) => flat.extend(inner),
            (e, _) => flat.push(e),
        }
    }
    if or { Expr::Or(flat) } else { Expr::And(flat) }
}

// ---------------------------------------------------------------------------------------------
// Per-field rules
// ---------------------------------------------------------------------------------------------

/// What values a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    Number,
    Size,
    Bool,
    /// A field whose type is not known here (custom field without schemas, embedded keys).
    Any,
}

const TEXT_OPS: &[Op] = &[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn, Op::Has];
const ID_OPS: &[Op] = &[Op::Eq, Op::In, Op::NotEq, Op::NotIn];
const ORDERED_OPS: &[Op] = &[Op::Eq, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::In, Op::NotEq, Op::NotIn];
const ALL_OPS: &[Op] = &[
    Op::Eq,
    Op::NotEq,
    Op::Prefix,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];

fn custom_type<'f>(name: &str, fields: Option<&'f [FieldDef]>) -> Option<&'f FieldDef> {
    fields.and_then(|fs| fs.iter().find(|f| f.name == name))
}

/// The operators and value kind of a field.
fn rules(field: &FieldRef, fields: Option<&[FieldDef]>) -> (&'static [Op], Kind) {
    match field {
        FieldRef::Name => (TEXT_OPS, Kind::Text),
        FieldRef::Tags => (&[Op::In, Op::NotIn, Op::Has, Op::Exists, Op::NotExists], Kind::Text),
        FieldRef::Type | FieldRef::Id | FieldRef::CreatedBy => (ID_OPS, Kind::Text),
        FieldRef::CreatedAt | FieldRef::UpdatedAt => (ORDERED_OPS, Kind::Date),
        FieldRef::Width | FieldRef::Height => (ORDERED_OPS, Kind::Number),
        FieldRef::Size => (ORDERED_OPS, Kind::Size),
        FieldRef::Format => (&[Op::Eq, Op::In], Kind::Text),
        FieldRef::Private | FieldRef::Published | FieldRef::Transparency => (&[Op::Eq], Kind::Bool),
        FieldRef::Path => (&[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn], Kind::Text),
        FieldRef::Embedded(k) if k == "Keywords" => (&[Op::In, Op::NotIn], Kind::Text),
        FieldRef::Embedded(k) if k == "DateTimeOriginal" => (ORDERED_OPS, Kind::Date),
        FieldRef::Embedded(k) if k == "LocationTaken" => (&[Op::Eq], Kind::Text),
        FieldRef::Embedded(_) => (ALL_OPS, Kind::Any),
        FieldRef::Custom(name) => match custom_type(name, fields).map(|f| f.schema.field_type) {
            None => (ALL_OPS, Kind::Any),
            Some(FieldType::Text | FieldType::Textarea) => {
                (&[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn, Op::Has, Op::Exists, Op::NotExists], Kind::Text)
            }
            Some(FieldType::Number) => (
                &[Op::Eq, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::In, Op::NotEq, Op::NotIn, Op::Exists, Op::NotExists],
                Kind::Number,
            ),
            Some(FieldType::Date) => (
                &[Op::Eq, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::In, Op::NotEq, Op::NotIn, Op::Exists, Op::NotExists],
                Kind::Date,
            ),
            Some(FieldType::Boolean) => (&[Op::Eq, Op::Exists, Op::NotExists], Kind::Bool),
            Some(FieldType::SingleSelect) => (
                &[
                    Op::Eq,
                    Op::Prefix,
                    Op::In,
                    Op::NotEq,
                    Op::NotIn,
                    Op::Gt,
                    Op::Ge,
                    Op::Lt,
                    Op::Le,
                    Op::Exists,
                    Op::NotExists,
                ],
                Kind::Any,
            ),
            Some(FieldType::MultiSelect) => (&[Op::In, Op::NotIn, Op::Exists, Op::NotExists], Kind::Any),
        },
    }
}

fn check_operator(field: &FieldRef, op: Op, fields: Option<&[FieldDef]>) -> Result<(), SearchError> {
    if let (FieldRef::Custom(name), Some(fs)) = (field, fields)
        && custom_type(name, Some(fs)).is_none()
    {
        return Err(SearchError::UnknownField { field: field.as_query_name() });
    }
    let (ops, _) = rules(field, fields);
    if ops.contains(&op) {
        return Ok(());
    }
    let allowed: Vec<&str> = ops.iter().map(|o| o.as_str()).collect();
    Err(SearchError::UnsupportedOperator {
        field: field.as_query_name(),
        op: op.as_str().to_owned(),
        allowed: allowed.join(", "),
    })
}

/// The error for a value of the wrong kind on a field with a fixed kind, or `None` for `Any`.
fn value_err(field: &FieldRef, fields: Option<&[FieldDef]>) -> Option<SearchError> {
    let expected = match rules(field, fields).1 {
        Kind::Text => "a text value enclosed within quotes",
        Kind::Date => "a valid date value. Make sure the value is enclosed within quotes",
        Kind::Number => "a numeric value",
        Kind::Size => "a size in bytes or a quoted size such as \"2mb\"",
        Kind::Bool => "a boolean value, true or false, without quotes",
        Kind::Any => return None,
    };
    Some(SearchError::InvalidValue { field: field.as_query_name(), expected: expected.to_owned() })
}

/// `"7d"` → 7 days ago.
fn parse_ago(s: &str) -> Option<TimeValue> {
    let s = s.trim();
    let unit = match s.chars().last()?.to_ascii_lowercase() {
        'h' => AgoUnit::Hours,
        'd' => AgoUnit::Days,
        'w' => AgoUnit::Weeks,
        'm' => AgoUnit::Months,
        'y' => AgoUnit::Years,
        _ => return None,
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(TimeValue::Ago { amount: digits.parse().ok()?, unit })
}

/// `"2mb"` → 2097152. Units b, kb, mb, gb (powers of 1024), case-insensitive; decimals allowed.
pub fn parse_size(s: &str) -> Option<f64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("kb") {
        (n, 1024.0)
    } else if let Some(n) = t.strip_suffix("mb") {
        (n, 1024.0 * 1024.0)
    } else if let Some(n) = t.strip_suffix("gb") {
        (n, 1024.0 * 1024.0 * 1024.0)
    } else if let Some(n) = t.strip_suffix('b') {
        (n, 1.0)
    } else {
        (t.as_str(), 1.0)
    };
    let n: f64 = num.trim().parse().ok()?;
    (n.is_finite() && n >= 0.0).then_some(n * mult)
}

fn coerce_one(field: &FieldRef, lit: Lit, fields: Option<&[FieldDef]>) -> Result<Value, SearchError> {
    let kind = rules(field, fields).1;
    let bad = || value_err(field, fields).unwrap_or_else(|| syntax("invalid value", 0));
    Ok(match (kind, lit) {
        (Kind::Text, Lit::Str(s)) => Value::Str(s),
        (Kind::Date, Lit::Str(s)) => {
            let t = parse_iso_date(&s).map(TimeValue::Absolute).or_else(|| parse_ago(&s)).ok_or_else(bad)?;
            Value::Time(t)
        }
        (Kind::Number, Lit::Num(n)) => Value::Num(n),
        (Kind::Size, Lit::Num(n)) => Value::Num(n),
        (Kind::Size, Lit::Str(s)) => Value::Num(parse_size(&s).ok_or_else(bad)?),
        (Kind::Bool, Lit::Bool(b)) => Value::Bool(b),
        (Kind::Any, Lit::Str(s)) => Value::Str(s),
        (Kind::Any, Lit::Num(n)) => Value::Num(n),
        (Kind::Any, Lit::Bool(b)) => Value::Bool(b),
        _ => return Err(bad()),
    })
}

fn coerce(field: &FieldRef, op: Op, raw: RawOperand, fields: Option<&[FieldDef]>) -> Result<Operand, SearchError> {
    let operand = match raw {
        RawOperand::None => Operand::None,
        RawOperand::One(l) => Operand::One(coerce_one(field, l, fields)?),
        RawOperand::List(ls) => {
            Operand::List(ls.into_iter().map(|l| coerce_one(field, l, fields)).collect::<Result<_, _>>()?)
        }
    };
    // `:` and `HAS` work on text only.
    if matches!(op, Op::Prefix | Op::Has) && !matches!(operand, Operand::One(Value::Str(_))) {
        return Err(SearchError::InvalidValue {
            field: field.as_query_name(),
            expected: format!("a text value enclosed within quotes for the {op} operator"),
        });
    }
    Ok(operand)
}

impl Query {
    /// Parses and checks a query. `customMetadata.*` fields are accepted with any operator and
    /// value, since their types are not known here.
    pub fn parse(input: &str) -> Result<Query, SearchError> {
        Self::parse_inner(input, None)
    }

    /// Parses and checks a query knowing the account's custom fields: a `customMetadata.*` field
    /// must exist, takes only the operators its type supports (§5.1.1), and Date fields take dates
    /// (ISO or relative) like `createdAt`.
    pub fn parse_with_fields(input: &str, fields: &[FieldDef]) -> Result<Query, SearchError> {
        Self::parse_inner(input, Some(fields))
    }

    fn parse_inner(input: &str, fields: Option<&[FieldDef]>) -> Result<Query, SearchError> {
        let toks = lex(input)?;
        let mut p = Parser { toks, pos: 0, len: input.len(), fields, depth: 0 };
        let expr = p.or_expr()?;
        if let Some(t) = p.peek().cloned() {
            let at = p.offset();
            let detail = match t {
                Tok::RParen => "there is a \")\" without a matching \"(\"".to_owned(),
                Tok::Word(_) | Tok::Str(_) => {
                    format!("expected AND or OR before {}", describe(&t))
                }
                _ => format!("unexpected {}", describe(&t)),
            };
            return Err(syntax(detail, at));
        }
        Ok(Query { expr })
    }

    /// Whether any condition is on `field` (e.g. the remote searches file versions and folders
    /// only when a query names `type`).
    pub fn mentions(&self, field: &FieldRef) -> bool {
        self.expr.conditions().iter().any(|c| &c.field == field)
    }

    /// Whether a record matches the query at `now_unix` (seconds; relative dates count back from it).
    pub fn matches(&self, rec: &impl SearchRecord, now_unix: i64) -> bool {
        eval(&self.expr, rec, now_unix)
    }
}

impl std::str::FromStr for Query {
    type Err = SearchError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Query::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// A field's value on one asset, as a [`SearchRecord`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// The asset has no value for the field.
    Missing,
    Text(String),
    Number(f64),
    Bool(bool),
    /// Milliseconds since the Unix epoch.
    Time(i64),
    /// Several values: tags with AITag names, a MultiSelect, `Keywords`.
    List(Vec<FieldValue>),
}

impl FieldValue {
    /// A custom or embedded metadata value from its JSON form: strings, numbers, booleans and
    /// arrays of them; `null` and objects are `Missing`. ISO date strings stay `Text` (a `Time`
    /// condition parses them when comparing).
    pub fn from_json(v: &serde_json::Value) -> FieldValue {
        match v {
            serde_json::Value::String(s) => FieldValue::Text(s.clone()),
            serde_json::Value::Number(n) => n.as_f64().map_or(FieldValue::Missing, FieldValue::Number),
            serde_json::Value::Bool(b) => FieldValue::Bool(*b),
            serde_json::Value::Array(a) => FieldValue::List(a.iter().map(FieldValue::from_json).collect()),
            serde_json::Value::Null | serde_json::Value::Object(_) => FieldValue::Missing,
        }
    }

    fn is_missing(&self) -> bool {
        match self {
            FieldValue::Missing => true,
            FieldValue::List(items) => items.is_empty(),
            _ => false,
        }
    }
}

/// An asset (file, file version or folder) that queries are evaluated against.
///
/// What each field should return:
/// - `Name`, `Id`, `Type` (`file`/`file-version`/`folder`), `Format` (`jpg`), `CreatedBy`: `Text`.
/// - `Tags`: a `List` of the tags **and** the AITag names.
/// - `Path`: `Text` of the folder holding the asset, e.g. `/a/b/` (a trailing slash is optional).
/// - `CreatedAt`, `UpdatedAt`: `Time` in Unix milliseconds.
/// - `Width`, `Height`, `Size` (bytes): `Number`. `Private`, `Published`, `Transparency`: `Bool`.
/// - `Custom(name)`, `Embedded(key)`: [`FieldValue::from_json`] of the stored value.
/// - `Missing` for anything the asset lacks (a folder's size, an unset custom field).
pub trait SearchRecord {
    fn field(&self, field: &FieldRef) -> FieldValue;
}

fn eval(e: &Expr, rec: &impl SearchRecord, now: i64) -> bool {
    match e {
        Expr::Or(items) => items.iter().any(|e| eval(e, rec, now)),
        Expr::And(items) => items.iter().all(|e| eval(e, rec, now)),
        Expr::Cond(c) => eval_cond(c, rec, now),
    }
}

fn eval_cond(c: &Condition, rec: &impl SearchRecord, now: i64) -> bool {
    let actual = rec.field(&c.field);
    match (&c.op, &c.operand) {
        (Op::Exists, _) => !actual.is_missing(),
        (Op::NotExists, _) => actual.is_missing(),
        (Op::In, Operand::List(vals)) => vals.iter().any(|v| eq_any(&c.field, &actual, v, now)),
        (Op::NotIn, Operand::List(vals)) => !vals.iter().any(|v| eq_any(&c.field, &actual, v, now)),
        (Op::Eq, Operand::One(v)) => eq_any(&c.field, &actual, v, now),
        (Op::NotEq, Operand::One(v)) => !eq_any(&c.field, &actual, v, now),
        (Op::Prefix, Operand::One(Value::Str(p))) => any_item(&actual, |a| prefix_match(&c.field, a, p)),
        (Op::Has, Operand::One(Value::Str(q))) => has_match(&actual, q),
        (op @ (Op::Lt | Op::Le | Op::Gt | Op::Ge), Operand::One(v)) => any_item(&actual, |a| ordered(a, *op, v, now)),
        _ => false,
    }
}

/// Applies `f` to a scalar, or to each item of a list (any may match).
fn any_item(actual: &FieldValue, f: impl Fn(&FieldValue) -> bool) -> bool {
    match actual {
        FieldValue::List(items) => items.iter().any(f),
        FieldValue::Missing => false,
        other => f(other),
    }
}

fn canonical_folder(p: &str) -> String {
    let mut s = p.trim().to_owned();
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

fn eq_any(field: &FieldRef, actual: &FieldValue, v: &Value, now: i64) -> bool {
    any_item(actual, |a| eq_one(field, a, v, now))
}

fn eq_one(field: &FieldRef, a: &FieldValue, v: &Value, now: i64) -> bool {
    match (a, v) {
        (FieldValue::Text(a), Value::Str(b)) => match field {
            FieldRef::Path => canonical_folder(a) == canonical_folder(b),
            FieldRef::Format => a.eq_ignore_ascii_case(b),
            // A metadata field of unknown type holding a date, compared with a quoted date.
            FieldRef::Custom(_) | FieldRef::Embedded(_) if a != b => match (parse_iso_date(a), parse_iso_date(b)) {
                (Some(x), Some(y)) => y.unix_ms <= x.unix_ms && x.unix_ms < y.end_ms(),
                _ => false,
            },
            _ => a == b,
        },
        (FieldValue::Number(a), Value::Num(b)) => a == b,
        (FieldValue::Bool(a), Value::Bool(b)) => a == b,
        (_, Value::Time(t)) => match time_of(a) {
            Some(x) => {
                let span = t.resolve(now);
                span.start_ms <= x && x < span.end_ms
            }
            None => false,
        },
        _ => false,
    }
}

fn time_of(a: &FieldValue) -> Option<i64> {
    match a {
        FieldValue::Time(ms) => Some(*ms),
        FieldValue::Text(s) => parse_iso_date(s).map(|d| d.unix_ms),
        _ => None,
    }
}

fn prefix_match(field: &FieldRef, a: &FieldValue, p: &str) -> bool {
    let FieldValue::Text(a) = a else { return false };
    match field {
        FieldRef::Path => canonical_folder(a).starts_with(&canonical_folder(p)),
        _ => a.starts_with(p),
    }
}

fn ordered(a: &FieldValue, op: Op, v: &Value, now: i64) -> bool {
    use std::cmp::Ordering;
    let cmp = |o: Ordering| match op {
        Op::Lt => o == Ordering::Less,
        Op::Le => o != Ordering::Greater,
        Op::Gt => o == Ordering::Greater,
        Op::Ge => o != Ordering::Less,
        _ => false,
    };
    match (a, v) {
        (FieldValue::Number(x), Value::Num(y)) => x.partial_cmp(y).is_some_and(cmp),
        (_, Value::Time(t)) => {
            let Some(x) = time_of(a) else { return false };
            let span = t.resolve(now);
            match op {
                Op::Lt => x < span.start_ms,
                Op::Le => x < span.end_ms,
                Op::Gt => x >= span.end_ms,
                Op::Ge => x >= span.start_ms,
                _ => false,
            }
        }
        // A custom field of unknown type holding a date, compared with a quoted date.
        (FieldValue::Text(x), Value::Str(y)) => match (parse_iso_date(x), parse_iso_date(y)) {
            (Some(dx), Some(dy)) => {
                let x = dx.unix_ms;
                match op {
                    Op::Lt => x < dy.unix_ms,
                    Op::Le => x < dy.end_ms(),
                    Op::Gt => x >= dy.end_ms(),
                    Op::Ge => x >= dy.unix_ms,
                    _ => false,
                }
            }
            _ => cmp(x.as_str().cmp(y.as_str())),
        },
        (FieldValue::Time(x), Value::Str(y)) => parse_iso_date(y).is_some_and(|d| match op {
            Op::Lt => *x < d.unix_ms,
            Op::Le => *x < d.end_ms(),
            Op::Gt => *x >= d.end_ms(),
            Op::Ge => *x >= d.unix_ms,
            _ => false,
        }),
        _ => false,
    }
}

/// Splits text into lower-case tokens of letters and numbers.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
}

/// `HAS`: every query token appears among the record's tokens (case-insensitive), the last query
/// token as a prefix. For a list (tags) the tokens of all items count together.
fn has_match(actual: &FieldValue, q: &str) -> bool {
    fn collect(v: &FieldValue, out: &mut Vec<String>) {
        match v {
            FieldValue::Text(s) => out.extend(tokens(s)),
            FieldValue::Number(n) => out.push(n.to_string()),
            FieldValue::List(items) => items.iter().for_each(|i| collect(i, out)),
            _ => {}
        }
    }
    let mut have = Vec::new();
    collect(actual, &mut have);
    let want = tokens(q);
    let Some((last, rest)) = want.split_last() else {
        return false;
    };
    rest.iter().all(|w| have.contains(w)) && have.iter().any(|h| h.starts_with(last.as_str()))
}
