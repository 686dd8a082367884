//! The query compiler: a request's filters and its `searchQuery` (parsed by
//! `sr_imagekit::search::Query::parse_with_fields`, the emulator's parser, so a query is refused
//! here exactly when the remote would refuse it) become terms over the library's tables —
//! conditions on the asset row, and id sets for the planner. Fields that only exist remotely are
//! refused with a plain message.

use rusqlite::Connection;
use rusqlite::types::Value as Sql;
use sr_imagekit::metadata::format_unix_ms;
use sr_imagekit::search::{
    Condition, Expr, FieldRef, FieldValue, Op, Operand, Query, SearchRecord, TimeSpan, Value as QValue,
};

use super::request::SearchRequest;
use super::sets::{Compiled, ID, IdSet, Term, fts_set, fts_words, tag_set};
use super::sql::{Builder, any_of, canonical_folder, negate, numbers, prefix_hi, qvalue, texts};
use crate::AssetKind;
use crate::metadata::fields;
use crate::organise::OrganiseError;

pub(super) fn values(operand: &Operand) -> &[QValue] {
    match operand {
        Operand::One(v) => std::slice::from_ref(v),
        Operand::List(vs) => vs,
        Operand::None => &[],
    }
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
pub(super) fn register_has(c: &Connection) -> rusqlite::Result<()> {
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
pub(super) fn terms(c: &Connection, req: &SearchRequest, b: &mut Builder) -> Result<(Vec<Term>, bool), OrganiseError> {
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
        assert_eq!(q(&super::super::sql::numbers("value")), q("typeof(value) IN ('integer', 'real')"));
        assert_eq!(q(&super::super::sql::texts("value")), q("typeof(value) = 'text'"));
        for op in ["<", "<=", ">", ">="] {
            for bound in ["0", "1", "-5", "1.5", "1e301"] {
                let old = q(&format!("typeof(value) IN ('integer', 'real') AND value {op} {bound}"));
                assert_eq!(
                    q(&format!("{} AND value {op} {bound}", super::super::sql::numbers("value"))),
                    old,
                    "{op} {bound}"
                );
            }
            for bound in ["''", "'0'", "'2026'", "'abc'", "'zzz'"] {
                let old = q(&format!("typeof(value) = 'text' AND value {op} {bound}"));
                assert_eq!(
                    q(&format!("{} AND value {op} {bound}", super::super::sql::texts("value"))),
                    old,
                    "{op} {bound}"
                );
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
