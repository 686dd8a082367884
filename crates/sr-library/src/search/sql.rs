//! SQL text and its parameters, as the compiler and the planner write them: the parameter
//! builder, statements that return one number or a list of ids, and conditions as ranges.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params_from_iter};

use sr_imagekit::search::Value as QValue;

use crate::organise::OrganiseError;

/// `/a/b/` from `a/b`, `/a/b`, `a//b/` — slashes only; names are kept as they are.
pub(super) fn canonical_folder(p: &str) -> String {
    let segs: Vec<&str> = p.trim().split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() { "/".to_owned() } else { format!("/{}/", segs.join("/")) }
}

/// An exclusive upper bound for strings starting with `prefix`.
pub(super) fn prefix_hi(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// SQL text plus its parameters, numbered as they are added.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) params: Vec<Sql>,
}

impl Builder {
    pub(super) fn p(&mut self, v: Sql) -> String {
        self.params.push(v);
        format!("?{}", self.params.len())
    }
    pub(super) fn text(&mut self, s: &str) -> String {
        self.p(Sql::Text(s.to_owned()))
    }
    pub(super) fn int(&mut self, n: i64) -> String {
        self.p(Sql::Integer(n))
    }
}

pub(super) fn negate(expr: String) -> String {
    format!("NOT ifnull(({expr}), 0)")
}

pub(super) fn any_of(parts: Vec<String>) -> String {
    if parts.is_empty() { "0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// `typeof(col) IN ('integer', 'real')` as a range an index can seek: SQLite sorts every number
/// before every text, so a number is exactly a value below `''` (the least text). NULL fails
/// both tests.
pub(super) fn numbers(col: &str) -> String {
    format!("{col} < ''")
}

/// `typeof(col) = 'text'` as a range: texts sort from `''` up to the least blob, `x''`.
pub(super) fn texts(col: &str) -> String {
    format!("{col} >= '' AND {col} < x''")
}

/// Runs a statement returning one integer, binding as many parameters as it uses.
pub(super) fn one(c: &Connection, sql: &str, b: &Builder) -> Result<u64, OrganiseError> {
    let mut stmt = c.prepare_cached(sql)?;
    let n = stmt.parameter_count();
    Ok(stmt.query_row(params_from_iter(b.params[..n].iter()), |r| r.get::<_, i64>(0))?.max(0) as u64)
}

pub(super) fn id_list(c: &Connection, sql: &str, b: &Builder) -> Result<Vec<i64>, OrganiseError> {
    let mut stmt = c.prepare_cached(sql)?;
    let n = stmt.parameter_count();
    let rows = stmt.query_map(params_from_iter(b.params[..n].iter()), |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn where_sql(wh: &str) -> String {
    if wh.is_empty() { String::new() } else { format!(" WHERE {wh}") }
}

pub(super) fn all_of(parts: impl IntoIterator<Item = String>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" AND ")
}

/// A query value as an SQL value.
pub(super) fn qvalue(v: &QValue) -> Sql {
    match v {
        QValue::Str(s) => Sql::Text(s.clone()),
        QValue::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => Sql::Integer(*n as i64),
        QValue::Num(n) => Sql::Real(*n),
        QValue::Bool(b) => Sql::Integer(i64::from(*b)),
        // Callers handle time values with spans.
        QValue::Time(_) => Sql::Null,
    }
}
