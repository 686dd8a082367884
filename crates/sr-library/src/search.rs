//! Search: free text (FTS5 over name, tags, metadata values and folder), filters, sorting,
//! paging, saved searches, and the remote's `searchQuery` language compiled to SQL.
//!
//! Queries are parsed by `sr_imagekit::search::Query::parse_with_fields` — the parser the
//! emulator uses — so a query is refused here exactly when the remote would refuse it, with the
//! remote's words. The AST is then compiled to SQL over the library's tables, following the
//! operator semantics documented on `TimeValue::resolve` and `Query::matches`. Fields that only
//! exist remotely (embeddedMetadata, private, published...) are refused with a plain message.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use sr_imagekit::metadata::format_unix_ms;
use sr_imagekit::search::{
    Condition, Expr, FieldRef, FieldValue, Op, Operand, Query, SearchRecord, TimeSpan, Value as QValue,
};

use crate::metadata::{asset_metadata, fields, searchable_text};
use crate::organise::{OrganiseError, ids_json};
use crate::tags::tags_of_many;
use crate::{Asset, AssetKind, AssetStatus, Library, assets};

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Best text match first (newest first when there is no text).
    Relevance,
    Name,
    #[default]
    ImportedAt,
    UpdatedAt,
    Size,
    Duration,
    Width,
    Height,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { key: SortKey::ImportedAt, descending: true }
    }
}

/// Filters; every one that is set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    /// Any of these kinds (empty: all).
    pub kinds: Vec<AssetKind>,
    /// Any of these statuses (empty: all).
    pub statuses: Vec<AssetStatus>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    /// In this remote folder...
    pub folder: Option<String>,
    /// ...or any folder below it.
    pub include_subfolders: bool,
    pub min_duration_s: Option<f64>,
    pub max_duration_s: Option<f64>,
    /// Bytes.
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
}

/// One search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// Words to find in names, tags, metadata values and folders; the last word may be partial.
    pub text: Option<String>,
    pub filters: SearchFilters,
    /// The remote's `searchQuery` syntax, e.g. `tags IN ["sale"] AND size > "2mb"`.
    pub remote_query: Option<String>,
    pub sort: Sort,
    pub offset: u64,
    pub limit: u64,
    /// Whose custom metadata fields `customMetadata.*` refers to.
    pub account: String,
    /// Unix seconds; relative dates (`"7d"`) count back from it.
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub asset: Asset,
    pub tags: Vec<String>,
}

/// A page of results and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub total: u64,
    pub hits: Vec<SearchHit>,
}

/// Which column of the search index an edit changed (name and folder follow `assets` by trigger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexed {
    Tags,
    Metadata,
    Nothing,
}

/// Keeps the tags or metadata column of the search index in step with the tables.
pub(crate) fn refresh_fts(tx: &Connection, ids: &[i64], what: Indexed) -> Result<(), OrganiseError> {
    if ids.is_empty() {
        return Ok(());
    }
    match what {
        Indexed::Nothing => {}
        // One statement for the whole batch: the lists are assembled in SQL, in tag order.
        Indexed::Tags => {
            tx.prepare_cached(
                "UPDATE asset_fts SET tags = ifnull((SELECT group_concat(t.name, ' ' ORDER BY at.position)
                     FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = asset_fts.rowid), '')
                 WHERE rowid IN (SELECT value FROM json_each(?1))",
            )?
            .execute([ids_json(ids)])?;
        }
        Indexed::Metadata => {
            let mut upd = tx.prepare_cached("UPDATE asset_fts SET meta = ?1 WHERE rowid = ?2")?;
            for &id in ids {
                upd.execute(params![searchable_text(&asset_metadata(tx, id)?), id])?;
            }
        }
    }
    Ok(())
}

/// Words of `text` as an FTS5 query: every word must appear, the last one as a prefix.
fn fts_words(text: &str) -> Option<String> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
    let (last, rest) = words.split_last()?;
    let mut q = rest.join(" ");
    if !q.is_empty() {
        q.push(' ');
    }
    q.push_str(last);
    q.push('*');
    Some(q)
}

/// `/a/b/` from `a/b`, `/a/b`, `a//b/` — slashes only; names are kept as they are.
fn canonical_folder(p: &str) -> String {
    let segs: Vec<&str> = p.trim().split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() { "/".to_owned() } else { format!("/{}/", segs.join("/")) }
}

/// An exclusive upper bound for strings starting with `prefix`.
fn prefix_hi(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// SQL text plus its parameters, numbered as they are added.
#[derive(Default)]
struct Builder {
    params: Vec<Sql>,
}

impl Builder {
    fn p(&mut self, v: Sql) -> String {
        self.params.push(v);
        format!("?{}", self.params.len())
    }
    fn text(&mut self, s: &str) -> String {
        self.p(Sql::Text(s.to_owned()))
    }
    fn int(&mut self, n: i64) -> String {
        self.p(Sql::Integer(n))
    }
}

fn qvalue(v: &QValue) -> Sql {
    match v {
        QValue::Str(s) => Sql::Text(s.clone()),
        QValue::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => Sql::Integer(*n as i64),
        QValue::Num(n) => Sql::Real(*n),
        QValue::Bool(b) => Sql::Integer(i64::from(*b)),
        // Callers handle time values with spans.
        QValue::Time(_) => Sql::Null,
    }
}

fn values(operand: &Operand) -> &[QValue] {
    match operand {
        Operand::One(v) => std::slice::from_ref(v),
        Operand::List(vs) => vs,
        Operand::None => &[],
    }
}

fn negate(expr: String) -> String {
    format!("NOT ifnull(({expr}), 0)")
}

fn any_of(parts: Vec<String>) -> String {
    if parts.is_empty() { "0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// Seconds bound for milliseconds `ms`: `x * 1000 >= ms` ⇔ `x >= ceil(ms / 1000)`.
fn ceil_s(ms: i64) -> i64 {
    ms.div_euclid(1000) + i64::from(ms.rem_euclid(1000) != 0)
}

/// A span condition on a column of Unix seconds.
fn time_cond(b: &mut Builder, col: &str, op: Op, span: TimeSpan) -> String {
    let (s, e) = (ceil_s(span.start_ms), ceil_s(span.end_ms));
    match op {
        Op::Lt => format!("{col} < {}", b.int(s)),
        Op::Le => format!("{col} < {}", b.int(e)),
        Op::Gt => format!("{col} >= {}", b.int(e)),
        Op::Ge => format!("{col} >= {}", b.int(s)),
        _ => format!("({col} >= {} AND {col} < {})", b.int(s), b.int(e)),
    }
}

/// A span condition on stored ISO-8601 text (Date fields keep `2026-03-01T00:00:00.000Z`,
/// which sorts as time).
fn iso_cond(b: &mut Builder, col: &str, op: Op, span: TimeSpan) -> String {
    let (start, end) = (format_unix_ms(span.start_ms), format_unix_ms(span.end_ms));
    let c = match op {
        Op::Lt => format!("{col} < {}", b.text(&start)),
        Op::Le => format!("{col} < {}", b.text(&end)),
        Op::Gt => format!("{col} >= {}", b.text(&end)),
        Op::Ge => format!("{col} >= {}", b.text(&start)),
        _ => format!("({col} >= {} AND {col} < {})", b.text(&start), b.text(&end)),
    };
    format!("({} AND {c})", texts(col))
}

/// `typeof(col) IN ('integer', 'real')` as a range an index can seek: SQLite sorts every number
/// before every text, so a number is exactly a value below `''` (the least text). NULL fails
/// both tests.
fn numbers(col: &str) -> String {
    format!("{col} < ''")
}

/// `typeof(col) = 'text'` as a range: texts sort from `''` up to the least blob, `x''`.
fn texts(col: &str) -> String {
    format!("{col} >= '' AND {col} < x''")
}

/// Where an asset id goes in a probe (`IdSet::probe`); an unbound parameter if ever left in.
const ID: &str = "@id";

/// A condition every result meets, as the planner sees it.
enum Term {
    /// SQL over the asset row `a`.
    Row(String),
    /// The asset is one of a set of ids.
    Set(IdSet),
}

/// A set of asset ids: carrying a tag, a custom metadata condition, words in the search index.
/// The planner lists the smallest and tests the others per asset (`probe`) or as lists.
struct IdSet {
    /// `SELECT … AS id …`: the ids, repeated unless `distinct` (a list field has several values).
    ids: String,
    distinct: bool,
    /// `EXISTS (…)` testing one asset, whose id is written [`ID`]; `None` when testing one asset
    /// costs about as much as listing them all (full text).
    probe: Option<String>,
    /// Whether counting it is cheap (not a custom `HAS`, which runs Rust for every value).
    countable: bool,
    /// SQL for about how many assets it holds without reading it (a tag's `asset_count`).
    size_hint: Option<String>,
    /// For the request's own text: the MATCH parameter, to sort by relevance.
    text_match: Option<String>,
}

impl IdSet {
    fn member(&self, id: &str) -> String {
        format!("{id} IN ({})", self.ids)
    }

    /// The set as a test on rows the plan visits one by one (`visited` of them, roughly): a probe
    /// per row, or the list (of about `size` ids) built once — whichever does less work. The unary
    /// `+` keeps SQLite from driving the query from the list, which it would otherwise always do
    /// (it takes every `IN (SELECT …)` to hold 25 rows).
    fn filter(&self, id: &str, visited: u64, size: u64) -> String {
        match &self.probe {
            // A probe is one index seek (~0.25 µs); listing costs ~0.1 µs per id.
            Some(probe) if visited.saturating_mul(5) < size.saturating_mul(2) => probe.replace(ID, id),
            _ => format!("+{}", self.member(id)),
        }
    }
}

/// A condition the compiler produced.
enum Compiled {
    Set(IdSet),
    Row(String),
}

fn fts_set(b: &mut Builder, column: Option<&str>, q: &str, own_text: bool) -> Compiled {
    let Some(words) = fts_words(q) else { return Compiled::Row("0".to_owned()) };
    let query = match column {
        Some(col) => format!("{col} : ({words})"),
        None => words,
    };
    let p = b.text(&query);
    Compiled::Set(IdSet {
        ids: format!("SELECT rowid AS id FROM asset_fts WHERE asset_fts MATCH {p}"),
        distinct: true,
        probe: None,
        countable: true,
        size_hint: None,
        text_match: own_text.then_some(p),
    })
}

fn tag_set(b: &mut Builder, vals: &[QValue]) -> IdSet {
    let list: Vec<String> = vals.iter().map(|v| b.p(qvalue(v))).collect();
    let list = list.join(", ");
    IdSet {
        ids: format!(
            "SELECT at.asset_id AS id FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name IN ({list})"
        ),
        distinct: vals.len() == 1,
        probe: Some(format!(
            "EXISTS (SELECT 1 FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = {ID} AND t.name IN ({list}))"
        )),
        countable: true,
        size_hint: Some(format!("SELECT ifnull(sum(asset_count), 0) FROM tags WHERE name IN ({list})")),
        text_match: None,
    }
}

fn remote_only(field: &FieldRef) -> OrganiseError {
    OrganiseError::invalid(format!(
        "{field} is only known to the remote library, so Stockroom cannot search it offline. Remove it from the \
         query; offline you can search name, tags, type, createdAt, updatedAt, width, height, size, format, path \
         and customMetadata fields."
    ))
}

struct Compiler<'a> {
    b: &'a mut Builder,
    now: i64,
    uses_has: bool,
}

impl Compiler<'_> {
    /// The top-level conditions (an AND is split into its parts), for the planner.
    fn terms(&mut self, e: &Expr, out: &mut Vec<Term>) -> Result<(), OrganiseError> {
        match e {
            Expr::And(items) => {
                for i in items {
                    self.terms(i, out)?;
                }
            }
            Expr::Cond(c) if !matches!(c.op, Op::NotEq | Op::NotIn | Op::NotExists) => {
                out.push(match self.set(&c.field, c.op, values(&c.operand))? {
                    Some(Compiled::Set(set)) => Term::Set(set),
                    Some(Compiled::Row(sql)) => Term::Row(sql),
                    None => Term::Row(self.cond(c)?),
                });
            }
            other => out.push(Term::Row(self.expr(other)?)),
        }
        Ok(())
    }

    /// Conditions that select a set of ids: words (`HAS`) in names and tags, tag lists, custom
    /// metadata. `None` for the rest, before any parameter is added.
    fn set(&mut self, field: &FieldRef, op: Op, vals: &[QValue]) -> Result<Option<Compiled>, OrganiseError> {
        let b = &mut *self.b;
        Ok(Some(match (field, op) {
            (FieldRef::Name, Op::Has) => fts_set(b, Some("name"), &text_of(vals), false),
            (FieldRef::Tags, Op::Has) => fts_set(b, Some("tags"), &text_of(vals), false),
            (FieldRef::Tags, Op::Exists) => return Ok(None),
            (FieldRef::Tags, _) => Compiled::Set(tag_set(b, vals)),
            (FieldRef::Custom(key), _) => {
                let k = b.text(key);
                let mut uses_has = false;
                let value_cond = match op {
                    Op::Exists => "1".to_owned(),
                    Op::Has => {
                        uses_has = true;
                        format!("sr_has(key, value, {})", b.text(&text_of(vals)))
                    }
                    Op::Prefix => {
                        let s = text_of(vals);
                        format!("(value >= {} AND value < {})", b.text(&s), b.text(&prefix_hi(&s)))
                    }
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => match &vals[0] {
                        QValue::Time(t) => iso_cond(b, "value", op, t.resolve(self.now)),
                        // As ranges, not typeof() tests: the index bounds the scan to the
                        // numbers (or texts), and a probe seeks instead of testing every value.
                        QValue::Num(_) => {
                            format!("({} AND value {} {})", numbers("value"), op.as_str(), b.p(qvalue(&vals[0])))
                        }
                        v => format!("({} AND value {} {})", texts("value"), op.as_str(), b.p(qvalue(v))),
                    },
                    // `value IN (…)` is the same test as `value = … OR value = …` (the column has
                    // no affinity, so nothing is converted either way), but SQLite reads the index
                    // alone for IN, where for OR it collects rowids and looks every row up.
                    _ if !vals.is_empty() && !vals.iter().any(|v| matches!(v, QValue::Time(_))) => {
                        let list: Vec<String> = vals.iter().map(|v| b.p(qvalue(v))).collect();
                        format!("value IN ({})", list.join(", "))
                    }
                    _ => {
                        let parts: Vec<String> = vals
                            .iter()
                            .map(|v| match v {
                                QValue::Time(t) => iso_cond(b, "value", Op::Eq, t.resolve(self.now)),
                                other => format!("value = {}", b.p(qvalue(other))),
                            })
                            .collect();
                        any_of(parts)
                    }
                };
                self.uses_has |= uses_has;
                Compiled::Set(IdSet {
                    ids: format!("SELECT asset_id AS id FROM asset_metadata_values WHERE key = {k} AND {value_cond}"),
                    distinct: false,
                    probe: Some(format!(
                        "EXISTS (SELECT 1 FROM asset_metadata_values WHERE asset_id = {ID} AND key = {k} AND {value_cond})"
                    )),
                    countable: !uses_has,
                    size_hint: None,
                    text_match: None,
                })
            }
            _ => return Ok(None),
        }))
    }

    fn expr(&mut self, e: &Expr) -> Result<String, OrganiseError> {
        Ok(match e {
            Expr::Or(items) => {
                let parts = items.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>, _>>()?;
                format!("({})", parts.join(" OR "))
            }
            Expr::And(items) => {
                let parts = items.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>, _>>()?;
                format!("({})", parts.join(" AND "))
            }
            Expr::Cond(c) => self.cond(c)?,
        })
    }

    fn cond(&mut self, c: &Condition) -> Result<String, OrganiseError> {
        let negated = matches!(c.op, Op::NotEq | Op::NotIn | Op::NotExists);
        let op = match c.op {
            Op::NotEq => Op::Eq,
            Op::NotIn => Op::In,
            Op::NotExists => Op::Exists,
            o => o,
        };
        let vals = values(&c.operand);
        if let Some(compiled) = self.set(&c.field, op, vals)? {
            let positive = match compiled {
                Compiled::Set(set) => set.member("a.id"),
                Compiled::Row(sql) => sql,
            };
            return Ok(if negated { negate(positive) } else { positive });
        }
        let b = &mut *self.b;
        let positive = match &c.field {
            FieldRef::Name => match op {
                Op::Prefix => {
                    let s = text_of(vals);
                    format!("(a.name >= {} AND a.name < {})", b.text(&s), b.text(&prefix_hi(&s)))
                }
                _ => {
                    let list: Vec<String> = vals.iter().map(|v| b.p(qvalue(v))).collect();
                    format!("a.name IN ({})", list.join(", "))
                }
            },
            // The other tag conditions are sets (above).
            FieldRef::Tags => "a.id IN (SELECT asset_id FROM asset_tags)".to_owned(),
            // Everything in the library is a file; versions and folders exist only remotely.
            FieldRef::Type => {
                if vals.iter().any(|v| matches!(v, QValue::Str(s) if s == "file")) { "1" } else { "0" }.to_owned()
            }
            FieldRef::CreatedAt | FieldRef::UpdatedAt => {
                let col = if c.field == FieldRef::CreatedAt { "a.imported_at" } else { "a.updated_at" };
                let mut parts = Vec::new();
                for v in vals {
                    let QValue::Time(t) = v else {
                        return Err(OrganiseError::invalid(format!("{} needs a date.", c.field)));
                    };
                    parts.push(time_cond(b, col, op, t.resolve(self.now)));
                }
                any_of(parts)
            }
            FieldRef::Width | FieldRef::Height | FieldRef::Size => {
                let col = match c.field {
                    FieldRef::Width => "a.width",
                    FieldRef::Height => "a.height",
                    _ => "a.size",
                };
                match op {
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => format!("{col} {} {}", op.as_str(), b.p(qvalue(&vals[0]))),
                    _ => {
                        let list: Vec<String> = vals.iter().map(|v| b.p(qvalue(v))).collect();
                        format!("{col} IN ({})", list.join(", "))
                    }
                }
            }
            FieldRef::Format => {
                let mut parts = Vec::new();
                for v in vals {
                    let QValue::Str(s) = v else { continue };
                    let ext = s.to_ascii_lowercase();
                    if ext.is_empty() || !ext.chars().all(|c| c.is_ascii_alphanumeric()) {
                        continue;
                    }
                    let mut exts = vec![ext.clone()];
                    if ext == "jpg" {
                        exts.push("jpeg".into());
                    }
                    // The file's extension: the probed container names families (mov,mp4,m4a...).
                    // LIKE folds ASCII case as lower() does, and the extension is ASCII letters
                    // and digits only, so no wildcard but the leading one; it spares lower() its
                    // copy of every name.
                    for e in &exts {
                        parts.push(format!("a.name LIKE {}", b.text(&format!("%.{e}"))));
                    }
                }
                any_of(parts)
            }
            FieldRef::Path => match op {
                Op::Prefix => {
                    let f = canonical_folder(&text_of(vals));
                    format!("(a.remote_folder >= {} AND a.remote_folder < {})", b.text(&f), b.text(&prefix_hi(&f)))
                }
                _ => {
                    let list: Vec<String> = vals
                        .iter()
                        .map(|v| match v {
                            QValue::Str(s) => b.text(&canonical_folder(s)),
                            other => b.p(qvalue(other)),
                        })
                        .collect();
                    format!("a.remote_folder IN ({})", list.join(", "))
                }
            },
            FieldRef::Custom(_) => unreachable!("custom metadata conditions are sets"),
            f @ (FieldRef::Id
            | FieldRef::Private
            | FieldRef::Published
            | FieldRef::Transparency
            | FieldRef::CreatedBy
            | FieldRef::Embedded(_)) => return Err(remote_only(f)),
        };
        Ok(if negated { negate(positive) } else { positive })
    }
}

fn text_of(vals: &[QValue]) -> String {
    match vals.first() {
        Some(QValue::Str(s)) => s.clone(),
        _ => String::new(),
    }
}

/// One value of one field, for evaluating `HAS` with the remote's own rules.
struct OneValue<'a>(&'a str);

impl SearchRecord for OneValue<'_> {
    fn field(&self, _: &FieldRef) -> FieldValue {
        FieldValue::Text(self.0.to_owned())
    }
}

/// `sr_has(key, value, query)`: the remote's HAS (token match, last token as a prefix), from
/// `sr_imagekit::search`, for custom metadata values.
fn register_has(c: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    c.create_scalar_function("sr_has", 3, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
        let key: String = ctx.get(0)?;
        let value: Option<String> = ctx.get::<Option<String>>(1).unwrap_or(None);
        let q: String = ctx.get(2)?;
        let Some(value) = value else { return Ok(false) };
        let query = Query {
            expr: Expr::Cond(Condition {
                field: FieldRef::Custom(key),
                op: Op::Has,
                operand: Operand::One(QValue::Str(q)),
            }),
        };
        Ok(query.matches(&OneValue(&value), 0))
    })
}

fn kind_str(k: AssetKind) -> &'static str {
    k.as_str()
}

/// The request's conditions, every one of which must hold.
fn terms(c: &Connection, req: &SearchRequest, b: &mut Builder) -> Result<(Vec<Term>, bool), OrganiseError> {
    let mut terms: Vec<Term> = Vec::new();
    if let Some(text) = req.text.as_deref().filter(|t| fts_words(t).is_some())
        && let Compiled::Set(set) = fts_set(b, None, text, true)
    {
        terms.push(Term::Set(set));
    }
    let f = &req.filters;
    if !f.kinds.is_empty() {
        let list: Vec<String> = f.kinds.iter().map(|k| b.text(kind_str(*k))).collect();
        terms.push(Term::Row(format!("a.kind IN ({})", list.join(", "))));
    }
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| b.text(s.as_str())).collect();
        terms.push(Term::Row(format!("a.status IN ({})", list.join(", "))));
    }
    for t in &f.tags {
        let tag = format!("(SELECT id FROM tags WHERE name = {})", b.text(t.trim()));
        terms.push(Term::Set(IdSet {
            ids: format!("SELECT asset_id AS id FROM asset_tags WHERE tag_id = {tag}"),
            distinct: true,
            probe: Some(format!("EXISTS (SELECT 1 FROM asset_tags WHERE asset_id = {ID} AND tag_id = {tag})")),
            countable: true,
            size_hint: Some(format!("SELECT ifnull((SELECT asset_count FROM tags WHERE id = {tag}), 0)")),
            text_match: None,
        }));
    }
    if let Some(folder) = &f.folder {
        let folder = canonical_folder(folder);
        if f.include_subfolders {
            if folder != "/" {
                terms.push(Term::Row(format!(
                    "a.remote_folder >= {} AND a.remote_folder < {}",
                    b.text(&folder),
                    b.text(&prefix_hi(&folder))
                )));
            }
        } else {
            terms.push(Term::Row(format!("a.remote_folder = {}", b.text(&folder))));
        }
    }
    let mut range = |col: &str, lo: Option<Sql>, hi: Option<Sql>| {
        if let Some(lo) = lo {
            terms.push(Term::Row(format!("{col} >= {}", b.p(lo))));
        }
        if let Some(hi) = hi {
            terms.push(Term::Row(format!("{col} <= {}", b.p(hi))));
        }
    };
    range("a.duration_s", f.min_duration_s.map(Sql::Real), f.max_duration_s.map(Sql::Real));
    range("a.size", f.min_size.map(|n| Sql::Integer(n as i64)), f.max_size.map(|n| Sql::Integer(n as i64)));
    range("a.width", f.min_width.map(|n| Sql::Integer(n.into())), f.max_width.map(|n| Sql::Integer(n.into())));
    range("a.height", f.min_height.map(|n| Sql::Integer(n.into())), f.max_height.map(|n| Sql::Integer(n.into())));

    let mut uses_has = false;
    if let Some(q) = req.remote_query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let defs = fields(c, &req.account)?;
        let query = Query::parse_with_fields(q, &defs).map_err(|e| OrganiseError::invalid(e.to_string()))?;
        let mut comp = Compiler { b, now: req.now, uses_has: false };
        comp.terms(&query.expr, &mut terms)?;
        uses_has = comp.uses_has;
    }
    Ok((terms, uses_has))
}

fn order_by(req: &SearchRequest, has_text: bool) -> String {
    let dir = if req.sort.descending { "DESC" } else { "ASC" };
    let col = match req.sort.key {
        SortKey::Relevance if has_text => return "asset_fts.rank, a.id DESC".to_owned(),
        SortKey::Relevance => return "a.imported_at DESC, a.id DESC".to_owned(),
        SortKey::Name => "a.name",
        SortKey::ImportedAt => "a.imported_at",
        SortKey::UpdatedAt => "a.updated_at",
        SortKey::Size => "a.size",
        SortKey::Duration => "a.duration_s",
        SortKey::Width => "a.width",
        SortKey::Height => "a.height",
    };
    format!("{col} {dir}, a.id {dir}")
}

/// The index that returns assets in the order `order_by` asks for (the rowid is its last column).
fn sort_index(req: &SearchRequest, has_text: bool) -> Option<&'static str> {
    Some(match req.sort.key {
        SortKey::Relevance if has_text => return None,
        SortKey::Relevance | SortKey::ImportedAt => "assets_imported",
        SortKey::UpdatedAt => "assets_updated",
        SortKey::Size => "assets_size",
        SortKey::Duration => "assets_duration",
        SortKey::Name => "assets_name",
        SortKey::Width | SortKey::Height => return None,
    })
}

/// Full text is counted up to this many ids: beyond it a set is "large" and its exact size does
/// not change the plan (counting from the index costs ~0.05 µs an id).
const SET_COUNT_CAP: u64 = 32_000;
/// Sets that can be tested per asset are counted exactly up to this; beyond it they are estimated.
const SMALL_SET: u64 = 500;
/// How many assets, in windows spread over the library, estimate a set's size.
const SAMPLE: u64 = 1024;
const SAMPLE_WINDOWS: u64 = 8;

/// A set's size: counted, or estimated (from a sample, or a tag's count).
#[derive(Debug, Clone, Copy)]
struct Size {
    n: u64,
    exact: bool,
}

/// `a.id` ranges covering about [`SAMPLE`] assets spread evenly over the ids in use.
fn sample_windows(c: &Connection) -> Result<String, OrganiseError> {
    // Two subqueries: SQLite reads min and max from the ends of the table only when each is alone.
    let (lo, hi): (Option<i64>, Option<i64>) =
        c.query_row("SELECT (SELECT min(id) FROM assets), (SELECT max(id) FROM assets)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(0));
    let span = (hi - lo + 1).max(1) as u64;
    let width = (SAMPLE / SAMPLE_WINDOWS).max(1);
    let step = (span / SAMPLE_WINDOWS).max(width);
    let ranges: Vec<String> = (0..SAMPLE_WINDOWS)
        .map(|w| lo + (w * step) as i64)
        .filter(|start| *start <= hi)
        .map(|start| format!("a.id BETWEEN {start} AND {}", start + width as i64 - 1))
        .collect();
    Ok(format!("({})", ranges.join(" OR ")))
}
/// Row conditions are counted up to this many assets when deciding whether they, not the
/// smallest set, should drive the query (a row costs ~0.25 µs: a table lookup).
const ROW_COUNT_CAP: u64 = 5_000;

/// Runs a statement returning one integer, binding as many parameters as it uses.
fn one(c: &Connection, sql: &str, b: &Builder) -> Result<u64, OrganiseError> {
    let mut stmt = c.prepare_cached(sql)?;
    let n = stmt.parameter_count();
    Ok(stmt.query_row(params_from_iter(b.params[..n].iter()), |r| r.get::<_, i64>(0))?.max(0) as u64)
}

fn id_list(c: &Connection, sql: &str, b: &Builder) -> Result<Vec<i64>, OrganiseError> {
    let mut stmt = c.prepare_cached(sql)?;
    let n = stmt.parameter_count();
    let rows = stmt.query_map(params_from_iter(b.params[..n].iter()), |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether SQLite would narrow `rows` with an index (rather than read every asset).
fn rows_use_index(c: &Connection, rows: &str, b: &Builder) -> Result<bool, OrganiseError> {
    let mut stmt = c.prepare_cached(&format!("EXPLAIN QUERY PLAN SELECT 1 FROM assets a WHERE {rows}"))?;
    let n = stmt.parameter_count();
    let details = stmt.query_map(params_from_iter(b.params[..n].iter()), |r| r.get::<_, String>(3))?;
    for d in details {
        if d?.starts_with("SEARCH a ") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether SQLite sorts the result of `sql` (rather than reading it in order from an index).
fn plan_sorts(c: &Connection, sql: &str, b: &Builder) -> Result<bool, OrganiseError> {
    let mut stmt = c.prepare_cached(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let n = stmt.parameter_count();
    let details = stmt.query_map(params_from_iter(b.params[..n].iter()), |r| r.get::<_, String>(3))?;
    for d in details {
        let d = d?;
        if d.starts_with("USE TEMP B-TREE FOR") && d.ends_with("ORDER BY") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// SQLite's order for values of one column: NULL, then numbers, then text (bytewise, the BINARY
/// collation), then blobs.
fn sql_order(a: &Sql, b: &Sql) -> std::cmp::Ordering {
    use std::cmp::Ordering::Equal;
    let class = |v: &Sql| match v {
        Sql::Null => 0,
        Sql::Integer(_) | Sql::Real(_) => 1,
        Sql::Text(_) => 2,
        Sql::Blob(_) => 3,
    };
    match (a, b) {
        (Sql::Integer(x), Sql::Integer(y)) => x.cmp(y),
        (Sql::Integer(x), Sql::Real(y)) => (*x as f64).partial_cmp(y).unwrap_or(Equal),
        (Sql::Real(x), Sql::Integer(y)) => x.partial_cmp(&(*y as f64)).unwrap_or(Equal),
        (Sql::Real(x), Sql::Real(y)) => x.partial_cmp(y).unwrap_or(Equal),
        (Sql::Text(x), Sql::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Sql::Blob(x), Sql::Blob(y)) => x.cmp(y),
        _ => class(a).cmp(&class(b)),
    }
}

/// The sort key of `order_by` as one expression, and whether key and id are descending.
fn sort_key(req: &SearchRequest, relevance: bool) -> (&'static str, bool, bool) {
    let desc = req.sort.descending;
    match req.sort.key {
        SortKey::Relevance if relevance => ("asset_fts.rank", false, true),
        SortKey::Relevance => ("a.imported_at", true, true),
        SortKey::Name => ("a.name", desc, desc),
        SortKey::ImportedAt => ("a.imported_at", desc, desc),
        SortKey::UpdatedAt => ("a.updated_at", desc, desc),
        SortKey::Size => ("a.size", desc, desc),
        SortKey::Duration => ("a.duration_s", desc, desc),
        SortKey::Width => ("a.width", desc, desc),
        SortKey::Height => ("a.height", desc, desc),
    }
}

/// Every match of `from`/`wh` in one pass: the total, and the page sorted here exactly as
/// `ORDER BY <key>, a.id` would sort it. For plans that visit every match anyway (to sort them),
/// this replaces a COUNT and a sorted page query, which visited them twice.
fn collect(
    c: &Connection,
    req: &SearchRequest,
    relevance: bool,
    from: &str,
    wh: &str,
    b: &Builder,
) -> Result<(u64, Vec<i64>), OrganiseError> {
    let (key, key_desc, id_desc) = sort_key(req, relevance);
    let sql = format!("SELECT a.id, {key} FROM {from}{}", where_sql(wh));
    let mut stmt = c.prepare_cached(&sql)?;
    let n = stmt.parameter_count();
    let mut rows: Vec<(i64, Sql)> = stmt
        .query_map(params_from_iter(b.params[..n].iter()), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let total = rows.len() as u64;
    let cmp = |x: &(i64, Sql), y: &(i64, Sql)| {
        let k = sql_order(&x.1, &y.1);
        let i = x.0.cmp(&y.0);
        (if key_desc { k.reverse() } else { k }).then(if id_desc { i.reverse() } else { i })
    };
    let offset = req.offset.min(rows.len() as u64) as usize;
    let end = offset.saturating_add(req.limit.clamp(1, 10_000) as usize).min(rows.len());
    if offset == end {
        return Ok((total, Vec::new()));
    }
    if end < rows.len() {
        rows.select_nth_unstable_by(end, cmp);
        rows.truncate(end);
    }
    // Ids are unique, so the order is total and an unstable sort is exact.
    rows.sort_unstable_by(cmp);
    Ok((total, rows.drain(offset..).map(|(id, _)| id).collect()))
}

fn where_sql(wh: &str) -> String {
    if wh.is_empty() { String::new() } else { format!(" WHERE {wh}") }
}

fn all_of(parts: impl IntoIterator<Item = String>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" AND ")
}

/// Which condition a pass over the matches starts from.
enum Driver {
    /// The `n`th set, listed.
    Set(usize),
    /// The row conditions, through whatever index SQLite picks for them.
    Rows,
}

/// How many assets match and the ids of the requested page, in order.
///
/// SQLite plans row conditions well once the tables are measured, but it takes every
/// `IN (SELECT …)` to hold 25 ids, so left alone it lists a set of 45,000 metadata values to test
/// 300 assets. So sets are sized first (capped counts from their indexes), the pass over the
/// matches starts from the smallest set, or from the row conditions when those are smaller, and
/// every other set becomes a per-asset probe or a list, by cost. A pass that has to visit every
/// match to sort them collects the total and the page at once. When sets alone are asked for,
/// they are counted without looking assets up, and the page is read in sort order through the
/// sort column's index if matches are dense enough for a few hundred index entries to fill it.
/// Only the plan changes: every statement has the same conditions and the same order (ending in
/// the id), so the results are the same (`planned_search_returns_exactly_what_one_plain_query_
/// returns` checks it against [`run_unplanned`]).
fn run(
    c: &Connection,
    req: &SearchRequest,
    terms: Vec<Term>,
    b: &mut Builder,
) -> Result<(u64, Vec<i64>), OrganiseError> {
    let (mut rows, mut sets) = (Vec::new(), Vec::new());
    for t in terms {
        match t {
            Term::Row(sql) => rows.push(sql),
            Term::Set(set) => sets.push(set),
        }
    }
    let text_set = sets.iter().position(|s| s.text_match.is_some());
    let relevance = req.sort.key == SortKey::Relevance && text_set.is_some();
    let limit = req.limit.clamp(1, 10_000);
    let offset = req.offset.min(i64::MAX as u64);
    let lim = b.int(limit as i64);
    let off = b.int(offset as i64);
    let page = format!("ORDER BY {} LIMIT {lim} OFFSET {off}", order_by(req, relevance));
    let row_sql = all_of(rows.iter().cloned());

    if sets.is_empty() {
        let wh = where_sql(&row_sql);
        let page_sql = format!("SELECT a.id FROM assets a{wh} {page}");
        if !row_sql.is_empty() && plan_sorts(c, &page_sql, b)? {
            return collect(c, req, false, "assets a", &row_sql, b);
        }
        let total = one(c, &format!("SELECT COUNT(*) FROM assets a{wh}"), b)?;
        if total <= offset {
            return Ok((total, Vec::new()));
        }
        return Ok((total, id_list(c, &page_sql, b)?));
    }

    let library = one(c, "SELECT COUNT(*) FROM assets", b)?;
    // The row conditions first, when an index narrows them: if they hold for fewer than
    // ROW_COUNT_CAP assets, no set needs counting beyond that.
    let mut rows_size = None;
    if !rows.is_empty() && rows_use_index(c, &row_sql, b)? {
        let n =
            one(c, &format!("SELECT count(*) FROM (SELECT 1 FROM assets a WHERE {row_sql} LIMIT {ROW_COUNT_CAP})"), b)?;
        rows_size = (n < ROW_COUNT_CAP).then_some(n);
    }
    // Set sizes, as cheaply as they can be had; they only choose the plan. Full text costs mostly
    // its setup, so it is counted (to a cap). A set that can be tested per asset is counted to a
    // small cap; beyond it, a tag's size is its `asset_count`, and any other is estimated from
    // about a thousand assets spread over the library, each tested — a fixed cost however large
    // the set, where counting a set of 45,000 metadata values cost more than the search.
    let mut sizes = vec![Size { n: library, exact: false }; sets.len()];
    let mut windows: Option<String> = None;
    for (i, set) in sets.iter().enumerate().filter(|(_, s)| s.countable) {
        let cap = if set.probe.is_none() { SET_COUNT_CAP } else { SMALL_SET };
        let n = one(c, &format!("SELECT count(*) FROM ({} LIMIT {cap})", set.ids), b)?;
        sizes[i] = Size { n, exact: n < cap };
        if n < cap {
            continue;
        }
        if let Some(hint) = &set.size_hint {
            sizes[i].n = one(c, hint, b)?.max(n);
        } else if let Some(probe) = &set.probe {
            if windows.is_none() {
                windows = Some(sample_windows(c)?);
            }
            let windows = windows.as_deref().unwrap_or("0");
            let sql =
                format!("SELECT count(*), ifnull(sum({}), 0) FROM assets a WHERE {windows}", probe.replace(ID, "a.id"));
            let mut stmt = c.prepare_cached(&sql)?;
            let p = stmt.parameter_count();
            let (seen, hits): (i64, i64) =
                stmt.query_row(params_from_iter(b.params[..p].iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
            let estimate = (hits.max(0) as u64).saturating_mul(library) / (seen.max(1) as u64);
            sizes[i].n = estimate.max(n);
        }
    }
    // The smallest drives.
    let first = (0..sets.len()).min_by_key(|&i| sizes[i].n).unwrap_or(0);
    let (driver, driven) = match rows_size {
        Some(n) if n < sizes[first].n => (Driver::Rows, n),
        _ => (Driver::Set(first), sizes[first].n),
    };
    let filters = |id: &str, visited: u64, skip: Option<usize>| -> Vec<String> {
        (0..sets.len()).filter(|&i| Some(i) != skip).map(|i| sets[i].filter(id, visited, sizes[i].n)).collect()
    };

    if relevance {
        // Relevance needs the full-text row of every match, so full text drives.
        let t = text_set.unwrap_or(0);
        let m = sets[t].text_match.clone().unwrap_or_default();
        let wh =
            all_of([format!("asset_fts MATCH {m}"), row_sql].into_iter().chain(filters("a.id", sizes[t].n, Some(t))));
        return collect(c, req, true, "asset_fts CROSS JOIN assets a ON a.id = asset_fts.rowid", &wh, b);
    }
    let (from, wh) = match driver {
        Driver::Set(i) => {
            // The other sets test the driving ids inside the subquery, so an asset they reject is
            // never looked up (SQLite would otherwise look every asset up before testing).
            let set = &sets[i];
            let distinct = if set.distinct { "" } else { "DISTINCT " };
            let tests = where_sql(&all_of(filters("s.id", driven, Some(i))));
            (
                format!("(SELECT {distinct}s.id FROM ({}) s{tests}) d CROSS JOIN assets a ON a.id = d.id", set.ids),
                row_sql,
            )
        }
        Driver::Rows => ("assets a".to_owned(), all_of([row_sql].into_iter().chain(filters("a.id", driven, None)))),
    };
    // Sets alone: counted without looking any asset up (their ids are assets: tags and metadata
    // cascade from assets, the search index follows them by trigger); one set's size is its count.
    // Then, if matches are dense enough, the page is read in sort order through the sort column's
    // index, testing each asset against every set, rather than looking every match up to sort.
    if let Driver::Set(i) = driver
        && rows.is_empty()
    {
        let set = &sets[i];
        let total = if sets.len() == 1 && sizes[i].exact && set.distinct {
            sizes[i].n
        } else {
            let count = if set.distinct { "COUNT(*)" } else { "COUNT(DISTINCT s.id)" };
            let tests = where_sql(&all_of(filters("s.id", driven, Some(i))));
            one(c, &format!("SELECT {count} FROM ({}) s{tests}", set.ids), b)?
        };
        if total <= offset {
            return Ok((total, Vec::new()));
        }
        // Index entries read until the page is full, if matches are spread evenly.
        let visited = (offset + limit).saturating_mul(library) / total.max(1) + 1;
        let tests = visited.saturating_mul(sets.len() as u64);
        if let Some(index) = sort_index(req, false).filter(|_| tests < driven.saturating_add(total)) {
            let wh = all_of(filters("a.id", visited, None));
            return Ok((
                total,
                id_list(c, &format!("SELECT a.id FROM assets a INDEXED BY {index} WHERE {wh} {page}"), b)?,
            ));
        }
    }
    collect(c, req, false, &from, &wh, b)
}

/// The request run the plain way: every condition in one WHERE, one COUNT and one sorted page,
/// planned by SQLite alone (as search ran before `run`).
fn run_unplanned(
    c: &Connection,
    req: &SearchRequest,
    terms: Vec<Term>,
    b: &mut Builder,
) -> Result<(u64, Vec<i64>), OrganiseError> {
    let mut text = None;
    let mut wheres = Vec::new();
    for t in terms {
        match t {
            Term::Row(sql) => wheres.push(sql),
            Term::Set(set) => match &set.text_match {
                Some(m) if text.is_none() => {
                    wheres.push(format!("asset_fts MATCH {m}"));
                    text = Some(m.clone());
                }
                _ => wheres.push(set.member("a.id")),
            },
        }
    }
    let from = if text.is_some() { "asset_fts JOIN assets a ON a.id = asset_fts.rowid" } else { "assets a" };
    let wh = where_sql(&all_of(wheres));
    let total = one(c, &format!("SELECT COUNT(*) FROM {from}{wh}"), b)?;
    let lim = b.int(req.limit.clamp(1, 10_000) as i64);
    let off = b.int(req.offset.min(i64::MAX as u64) as i64);
    let order = order_by(req, text.is_some());
    Ok((total, id_list(c, &format!("SELECT a.id FROM {from}{wh} ORDER BY {order} LIMIT {lim} OFFSET {off}"), b)?))
}

/// A search on one connection, planned (`run`) or the plain way (`run_unplanned`).
pub(crate) fn search_on(c: &Connection, req: &SearchRequest, planned: bool) -> Result<SearchPage, OrganiseError> {
    let mut b = Builder::default();
    let (terms, uses_has) = terms(c, req, &mut b)?;
    if uses_has {
        register_has(c)?;
    }
    let (total, ids) = if planned { run(c, req, terms, &mut b)? } else { run_unplanned(c, req, terms, &mut b)? };
    let mut assets = assets::get_many(c, &ids)?;
    let mut tags = tags_of_many(c, &ids)?;
    let hits = ids
        .iter()
        .filter_map(|id| assets.remove(id).map(|asset| SearchHit { tags: tags.remove(id).unwrap_or_default(), asset }))
        .collect();
    Ok(SearchPage { total, hits })
}

impl Library {
    /// [`Library::search`] without the planner: the same conditions in one statement as SQLite
    /// plans it. For tests that check the planner changes no result.
    #[doc(hidden)]
    pub fn search_unplanned(&self, req: &SearchRequest) -> Result<SearchPage, OrganiseError> {
        self.look(|c| search_on(c, req, false))
    }

    /// Finds assets: free text, filters and a `searchQuery`, all of which must hold; sorted and
    /// paged, with the total count. A query the remote would refuse is refused with its message.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchPage, OrganiseError> {
        self.look(|c| search_on(c, req, true))
    }

    /// Saves (or replaces) a named search; `query` is the caller's JSON form of the request.
    pub fn save_search(&self, name: &str, query: &str, now: i64) -> Result<(), OrganiseError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OrganiseError::invalid("Give the search a name."));
        }
        self.edit(|tx| {
            tx.execute(
                "INSERT INTO saved_searches (name, query, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                params![name, query, now],
            )?;
            Ok(())
        })
    }

    /// Saved searches `(name, query JSON)`, by name.
    pub fn saved_searches(&self) -> Result<Vec<(String, String)>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare("SELECT name, query FROM saved_searches ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// One saved search's query JSON.
    pub fn saved_search(&self, name: &str) -> Result<String, OrganiseError> {
        self.look(|c| {
            c.query_row("SELECT query FROM saved_searches WHERE name = ?1", [name], |r| r.get(0))
                .optional()?
                .ok_or_else(|| OrganiseError::NotFound(format!("There is no saved search called \"{name}\".")))
        })
    }

    pub fn delete_saved_search(&self, name: &str) -> Result<(), OrganiseError> {
        self.edit(|tx| {
            if tx.execute("DELETE FROM saved_searches WHERE name = ?1", [name])? == 0 {
                return Err(OrganiseError::NotFound(format!("There is no saved search called \"{name}\".")));
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    /// `format` became `name LIKE '%.ext'` (it was `lower(name) GLOB '*.ext'`): the same assets.
    #[test]
    fn format_as_like_matches_what_lower_glob_matched() {
        let c = Connection::open_in_memory().unwrap();
        let names = [
            "a.mp4",
            "A.MP4",
            "x.Mp4",
            "mp4",
            ".mp4",
            "a.mp4.jpg",
            "a_mp4",
            "a%mp4",
            "b.mp44",
            "ü.MP4",
            "É.Jpeg",
            "dress.jpeg",
            "x.JPG",
            "a.mp4 ",
            "a..mp4",
            "a\\.mp4",
            "",
        ];
        for ext in ["mp4", "jpg", "jpeg", "mov", "m4a"] {
            for name in names {
                let (glob, like): (bool, bool) = c
                    .query_row(
                        "SELECT lower(?1) GLOB ?2, ?1 LIKE ?3",
                        rusqlite::params![name, format!("*.{ext}"), format!("%.{ext}")],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap();
                assert_eq!(glob, like, "{name} / {ext}");
            }
        }
    }

    /// Type tests became ranges (`typeof(value) IN ('integer', 'real')` is `value < ''`,
    /// `typeof(value) = 'text'` is `value >= '' AND value < x''`): the same rows for every kind
    /// of stored value and bound.
    #[test]
    fn type_tests_as_ranges_match_what_typeof_matched() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE v (value);
             INSERT INTO v VALUES (1), (-3), (0), (1.5), (-1e300), (9e18), (''), ('0'), ('10'), ('abc'),
                 ('2026-03-01T00:00:00.000Z'), ('ÿ'), (x''), (x'00'), (NULL);",
        )
        .unwrap();
        let q = |cond: &str| -> Vec<i64> {
            let mut stmt = c.prepare(&format!("SELECT rowid FROM v WHERE {cond} ORDER BY rowid")).unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(q(&super::numbers("value")), q("typeof(value) IN ('integer', 'real')"));
        assert_eq!(q(&super::texts("value")), q("typeof(value) = 'text'"));
        for op in ["<", "<=", ">", ">="] {
            for bound in ["0", "1", "-5", "1.5", "1e301"] {
                let old = q(&format!("typeof(value) IN ('integer', 'real') AND value {op} {bound}"));
                assert_eq!(q(&format!("{} AND value {op} {bound}", super::numbers("value"))), old, "{op} {bound}");
            }
            for bound in ["''", "'0'", "'2026'", "'abc'", "'zzz'"] {
                let old = q(&format!("typeof(value) = 'text' AND value {op} {bound}"));
                assert_eq!(q(&format!("{} AND value {op} {bound}", super::texts("value"))), old, "{op} {bound}");
            }
        }
    }

    /// Metadata value lists became `value IN (…)` (they were `value = … OR value = …`): the same
    /// rows, whatever the stored and wanted types.
    #[test]
    fn value_lists_as_in_match_what_or_matched() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE v (value);
             INSERT INTO v VALUES (1), (1.0), ('1'), ('red'), ('Red'), (NULL), (0), (x'00'), (2.5), ('2.5'), (1e20);",
        )
        .unwrap();
        let lists: [&[&str]; 6] =
            [&["1"], &["'1'"], &["'red'", "1"], &["1.0", "'Red'"], &["2.5", "'2.5'", "NULL"], &["1e20"]];
        for list in lists {
            let ors: Vec<String> = list.iter().map(|x| format!("value = {x}")).collect();
            let q = |cond: &str| -> Vec<i64> {
                let mut stmt = c.prepare(&format!("SELECT rowid FROM v WHERE {cond} ORDER BY rowid")).unwrap();
                stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
            };
            assert_eq!(
                q(&format!("value IN ({})", list.join(", "))),
                q(&format!("({})", ors.join(" OR "))),
                "{list:?}"
            );
        }
    }
}
