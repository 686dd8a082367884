//! Id sets: conditions that select a set of asset ids (words in the search index, tags, custom
//! metadata), with what the planner needs to weigh them — a per-asset probe, whether counting is
//! cheap, a size hint.

use sr_imagekit::search::Value as QValue;

use super::sql::{Builder, qvalue};

/// Words of `text` as an FTS5 query: every word must appear, the last one as a prefix.
pub(super) fn fts_words(text: &str) -> Option<String> {
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

/// Where an asset id goes in a probe (`IdSet::probe`); an unbound parameter if ever left in.
pub(super) const ID: &str = "@id";

/// A condition every result meets, as the planner sees it.
pub(super) enum Term {
    /// SQL over the asset row `a`.
    Row(String),
    /// The asset is one of a set of ids.
    Set(IdSet),
}

/// A set of asset ids: carrying a tag, a custom metadata condition, words in the search index.
/// The planner lists the smallest and tests the others per asset (`probe`) or as lists.
pub(super) struct IdSet {
    /// `SELECT … AS id …`: the ids, repeated unless `distinct` (a list field has several values).
    pub(super) ids: String,
    pub(super) distinct: bool,
    /// `EXISTS (…)` testing one asset, whose id is written [`ID`]; `None` when testing one asset
    /// costs about as much as listing them all (full text).
    pub(super) probe: Option<String>,
    /// Whether counting it is cheap (not a custom `HAS`, which runs Rust for every value).
    pub(super) countable: bool,
    /// SQL for about how many assets it holds without reading it (a tag's `asset_count`).
    pub(super) size_hint: Option<String>,
    /// For the request's own text: the MATCH parameter, to sort by relevance.
    pub(super) text_match: Option<String>,
}

impl IdSet {
    pub(super) fn member(&self, id: &str) -> String {
        format!("{id} IN ({})", self.ids)
    }

    /// The set as a test on rows the plan visits one by one (`visited` of them, roughly): a probe
    /// per row, or the list (of about `size` ids) built once — whichever does less work. The unary
    /// `+` keeps SQLite from driving the query from the list, which it would otherwise always do
    /// (it takes every `IN (SELECT …)` to hold 25 rows).
    pub(super) fn filter(&self, id: &str, visited: u64, size: u64) -> String {
        match &self.probe {
            // A probe is one index seek (~0.25 µs); listing costs ~0.1 µs per id.
            Some(probe) if visited.saturating_mul(5) < size.saturating_mul(2) => probe.replace(ID, id),
            _ => format!("+{}", self.member(id)),
        }
    }
}

/// A condition the compiler produced.
pub(super) enum Compiled {
    Set(IdSet),
    Row(String),
}

pub(super) fn fts_set(b: &mut Builder, column: Option<&str>, q: &str, own_text: bool) -> Compiled {
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

pub(super) fn tag_set(b: &mut Builder, vals: &[QValue]) -> IdSet {
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
