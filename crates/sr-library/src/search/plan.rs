//! The planner: which condition a pass over the matches starts from, how every other set tests
//! the ids it visits (probe or list), and how the total and the page are read — and the plain
//! plan (`run_unplanned`, one statement as SQLite plans it) that tests hold the planner to.

use rusqlite::Connection;
use rusqlite::params_from_iter;
use rusqlite::types::Value as Sql;

use super::request::{SearchRequest, SortKey};
use super::sets::Term;
use super::size::{rows_size, set_sizes};
use super::sql::{Builder, all_of, id_list, one, where_sql};
use crate::organise::OrganiseError;

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
pub(super) fn collect(
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
pub(super) fn run(
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
    let rows_size = rows_size(c, &rows, &row_sql, b)?;
    let sizes = set_sizes(c, &sets, library, b)?;
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
pub(super) fn run_unplanned(
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
