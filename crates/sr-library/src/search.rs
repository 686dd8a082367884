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
use crate::organise::OrganiseError;
use crate::tags::asset_tags;
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

/// Keeps the tags and metadata columns of the search index in step with the tables.
pub(crate) fn refresh_fts(tx: &Connection, ids: &[i64]) -> Result<(), OrganiseError> {
    let mut upd = tx.prepare_cached("UPDATE asset_fts SET tags = ?1, meta = ?2 WHERE rowid = ?3")?;
    for &id in ids {
        let tags = asset_tags(tx, id)?.join(" ");
        let meta = searchable_text(&asset_metadata(tx, id)?);
        upd.execute(params![tags, meta, id])?;
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
    format!("(typeof({col}) = 'text' AND {c})")
}

fn fts_in(b: &mut Builder, column: &str, q: &str) -> String {
    match fts_words(q) {
        Some(words) => format!(
            "a.id IN (SELECT rowid FROM asset_fts WHERE asset_fts MATCH {})",
            b.text(&format!("{column} : ({words})"))
        ),
        None => "0".to_owned(),
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
        let b = &mut *self.b;
        let positive = match &c.field {
            FieldRef::Name => match op {
                Op::Prefix => {
                    let s = text_of(vals);
                    format!("(a.name >= {} AND a.name < {})", b.text(&s), b.text(&prefix_hi(&s)))
                }
                Op::Has => fts_in(b, "name", &text_of(vals)),
                _ => {
                    let list: Vec<String> = vals.iter().map(|v| b.p(qvalue(v))).collect();
                    format!("a.name IN ({})", list.join(", "))
                }
            },
            FieldRef::Tags => match op {
                Op::Has => fts_in(b, "tags", &text_of(vals)),
                Op::Exists => "a.id IN (SELECT asset_id FROM asset_tags)".to_owned(),
                _ => {
                    let list: Vec<String> = vals.iter().map(|v| b.p(qvalue(v))).collect();
                    format!(
                        "a.id IN (SELECT at.asset_id FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name IN ({}))",
                        list.join(", ")
                    )
                }
            },
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
                    for e in &exts {
                        parts.push(format!("lower(a.name) GLOB {}", b.text(&format!("*.{e}"))));
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
            FieldRef::Custom(key) => {
                let k = b.text(key);
                let value_cond = match op {
                    Op::Exists => "1".to_owned(),
                    Op::Has => {
                        self.uses_has = true;
                        format!("sr_has(key, value, {})", b.text(&text_of(vals)))
                    }
                    Op::Prefix => {
                        let s = text_of(vals);
                        format!("(value >= {} AND value < {})", b.text(&s), b.text(&prefix_hi(&s)))
                    }
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => match &vals[0] {
                        QValue::Time(t) => iso_cond(b, "value", op, t.resolve(self.now)),
                        QValue::Num(_) => format!(
                            "(typeof(value) IN ('integer', 'real') AND value {} {})",
                            op.as_str(),
                            b.p(qvalue(&vals[0]))
                        ),
                        v => format!("(typeof(value) = 'text' AND value {} {})", op.as_str(), b.p(qvalue(v))),
                    },
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
                format!("a.id IN (SELECT asset_id FROM asset_metadata_values WHERE key = {k} AND {value_cond})")
            }
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

/// Builds `FROM ... WHERE ...` for a request.
fn plan(c: &Connection, req: &SearchRequest, b: &mut Builder) -> Result<(String, String, bool), OrganiseError> {
    let mut wheres: Vec<String> = Vec::new();
    let text = req.text.as_deref().and_then(fts_words);
    let from = if let Some(words) = &text {
        wheres.push(format!("asset_fts MATCH {}", b.text(words)));
        "asset_fts JOIN assets a ON a.id = asset_fts.rowid"
    } else {
        "assets a"
    };
    let f = &req.filters;
    if !f.kinds.is_empty() {
        let list: Vec<String> = f.kinds.iter().map(|k| b.text(kind_str(*k))).collect();
        wheres.push(format!("a.kind IN ({})", list.join(", ")));
    }
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| b.text(s.as_str())).collect();
        wheres.push(format!("a.status IN ({})", list.join(", ")));
    }
    for t in &f.tags {
        wheres.push(format!(
            "a.id IN (SELECT at.asset_id FROM asset_tags at WHERE at.tag_id = (SELECT id FROM tags WHERE name = {}))",
            b.text(t.trim())
        ));
    }
    if let Some(folder) = &f.folder {
        let folder = canonical_folder(folder);
        if f.include_subfolders {
            if folder != "/" {
                wheres.push(format!(
                    "a.remote_folder >= {} AND a.remote_folder < {}",
                    b.text(&folder),
                    b.text(&prefix_hi(&folder))
                ));
            }
        } else {
            wheres.push(format!("a.remote_folder = {}", b.text(&folder)));
        }
    }
    let mut range = |col: &str, lo: Option<Sql>, hi: Option<Sql>| {
        if let Some(lo) = lo {
            wheres.push(format!("{col} >= {}", b.p(lo)));
        }
        if let Some(hi) = hi {
            wheres.push(format!("{col} <= {}", b.p(hi)));
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
        wheres.push(comp.expr(&query.expr)?);
        uses_has = comp.uses_has;
    }
    let where_sql = if wheres.is_empty() { "1".to_owned() } else { wheres.join(" AND ") };
    Ok((from.to_owned(), where_sql, uses_has))
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

impl Library {
    /// Finds assets: free text, filters and a `searchQuery`, all of which must hold; sorted and
    /// paged, with the total count. A query the remote would refuse is refused with its message.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchPage, OrganiseError> {
        self.look(|c| {
            let mut b = Builder::default();
            let (from, where_sql, uses_has) = plan(c, req, &mut b)?;
            if uses_has {
                register_has(c)?;
            }
            let has_text = req.text.as_deref().and_then(fts_words).is_some();
            let total: i64 = c
                .prepare_cached(&format!("SELECT COUNT(*) FROM {from} WHERE {where_sql}"))?
                .query_row(params_from_iter(b.params.iter()), |r| r.get(0))?;
            let limit = req.limit.clamp(1, 10_000) as i64;
            let lim = b.int(limit);
            let off = b.int(req.offset.min(i64::MAX as u64) as i64);
            let sql = format!(
                "SELECT a.id FROM {from} WHERE {where_sql} ORDER BY {} LIMIT {lim} OFFSET {off}",
                order_by(req, has_text)
            );
            let ids: Vec<i64> = {
                let mut stmt = c.prepare_cached(&sql)?;
                stmt.query_map(params_from_iter(b.params.iter()), |r| r.get(0))?.collect::<Result<_, _>>()?
            };
            let mut hits = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(asset) = assets::get(c, id)? {
                    hits.push(SearchHit { tags: asset_tags(c, id)?, asset });
                }
            }
            Ok(SearchPage { total: total as u64, hits })
        })
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
