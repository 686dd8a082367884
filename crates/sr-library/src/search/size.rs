//! Sizing the sets before a search is planned: capped counts from their indexes, a tag's
//! `asset_count`, or an estimate from about a thousand assets spread over the library — a fixed
//! cost however large the set. Sizes only choose the plan, never the result.

use rusqlite::Connection;
use rusqlite::params_from_iter;

use super::sets::{ID, IdSet};
use super::sql::{Builder, one};
use crate::organise::OrganiseError;

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
pub(super) struct Size {
    pub(super) n: u64,
    pub(super) exact: bool,
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

/// How many assets the row conditions hold, when an index narrows them and they hold fewer than
/// [`ROW_COUNT_CAP`]: the row conditions are sized first, since then no set needs counting beyond
/// that.
pub(super) fn rows_size(
    c: &Connection,
    rows: &[String],
    row_sql: &str,
    b: &Builder,
) -> Result<Option<u64>, OrganiseError> {
    if rows.is_empty() || !rows_use_index(c, row_sql, b)? {
        return Ok(None);
    }
    let n = one(c, &format!("SELECT count(*) FROM (SELECT 1 FROM assets a WHERE {row_sql} LIMIT {ROW_COUNT_CAP})"), b)?;
    Ok((n < ROW_COUNT_CAP).then_some(n))
}

/// Each set's size, as cheaply as it can be had (`library` assets in all).
pub(super) fn set_sizes(c: &Connection, sets: &[IdSet], library: u64, b: &Builder) -> Result<Vec<Size>, OrganiseError> {
    // They only choose the plan. Full text costs mostly
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
    Ok(sizes)
}
