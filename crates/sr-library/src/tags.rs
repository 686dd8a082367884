//! Tags: `tags` (one row per distinct name, with how many assets carry it) and `asset_tags`
//! (which asset carries which tag, in the order they were added, as the remote keeps them).
//! The remote's rules (spec §2.3: no `%`, at most 500 characters per asset) are checked with
//! `sr_imagekit::names::validate_tags` before anything is written.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};
use sr_imagekit::names::{TagError, validate_tags};

use crate::Library;
use crate::history::{self, Inverse};
use crate::organise::{EditSummary, OrganiseError, asset_names, distinct_ids, ids_json, touch};
use crate::search::{Indexed, refresh_fts};

/// A tag and how many assets carry it, for autocomplete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCount {
    pub tag: String,
    pub count: u64,
}

/// An asset's tags, in order.
pub(crate) fn asset_tags(c: &Connection, id: i64) -> Result<Vec<String>, OrganiseError> {
    let mut stmt = c.prepare_cached(
        "SELECT t.name FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = ?1 ORDER BY at.position",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The tag rows of many assets at once: per asset, `(position, name)` in order (assets without
/// tags are left out).
fn tag_rows_of_many(c: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<(i64, String)>>, OrganiseError> {
    let mut stmt = c.prepare_cached(
        "SELECT at.asset_id, at.position, t.name FROM asset_tags at JOIN tags t ON t.id = at.tag_id
         WHERE at.asset_id IN (SELECT value FROM json_each(?1))",
    )?;
    let mut lists: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let rows = stmt.query_map([ids_json(ids)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(2)?)))?;
    for row in rows {
        let (id, position, name) = row?;
        lists.entry(id).or_default().push((position, name));
    }
    for tags in lists.values_mut() {
        tags.sort_by_key(|(position, _)| *position);
    }
    Ok(lists)
}

/// The tags of many assets at once, each list in order (assets without tags are left out).
pub(crate) fn tags_of_many(c: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, OrganiseError> {
    Ok(tag_rows_of_many(c, ids)?
        .into_iter()
        .map(|(id, rows)| (id, rows.into_iter().map(|(_, name)| name).collect()))
        .collect())
}

fn tag_id(tx: &Connection, name: &str, cache: &mut HashMap<String, i64>) -> Result<i64, OrganiseError> {
    if let Some(id) = cache.get(name) {
        return Ok(*id);
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO tags (name) VALUES (?1) ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id",
    )?;
    let id: i64 = stmt.query_row([name], |r| r.get(0))?;
    cache.insert(name.to_owned(), id);
    Ok(id)
}

/// Replaces an asset's tag list (no checks; callers validate).
pub(crate) fn write_asset_tags(tx: &Connection, id: i64, list: &[String]) -> Result<(), OrganiseError> {
    tx.prepare_cached("DELETE FROM asset_tags WHERE asset_id = ?1")?.execute([id])?;
    let mut cache = HashMap::new();
    insert_tags(tx, id, list, 0, &mut cache)
}

/// Undo: gives assets back their tag lists; `lists` in the order they are applied (a later entry
/// for the same asset wins). Assets no longer in the library are skipped; returns those restored.
/// When an asset's list is what it has now minus tags added at the end (undoing an add), only those
/// rows are deleted, so undoing a 10,000-asset tag batch does not rewrite every list.
pub(crate) fn restore_tag_lists(tx: &Connection, lists: Vec<(i64, Vec<String>)>) -> Result<Vec<i64>, OrganiseError> {
    let mut wanted: HashMap<i64, Vec<String>> = HashMap::with_capacity(lists.len());
    let mut order = Vec::with_capacity(lists.len());
    for (id, list) in lists {
        if wanted.insert(id, list).is_none() {
            order.push(id);
        }
    }
    let existing: std::collections::HashSet<i64> = tx
        .prepare_cached("SELECT id FROM assets WHERE id IN (SELECT value FROM json_each(?1))")?
        .query_map([ids_json(&order)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    order.retain(|id| existing.contains(id));
    let mut current = tags_of_many(tx, &order)?;
    let mut delete = tx.prepare_cached(
        "DELETE FROM asset_tags WHERE asset_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)",
    )?;
    for &id in &order {
        let want = &wanted[&id];
        let have = current.remove(&id).unwrap_or_default();
        if have.len() >= want.len() && have[..want.len()] == want[..] {
            for t in &have[want.len()..] {
                delete.execute(params![id, t])?;
            }
        } else {
            write_asset_tags(tx, id, want)?;
        }
    }
    Ok(order)
}

fn insert_tags(
    tx: &Connection,
    id: i64,
    list: &[String],
    first_position: usize,
    cache: &mut HashMap<String, i64>,
) -> Result<(), OrganiseError> {
    let mut ins = tx.prepare_cached("INSERT INTO asset_tags (asset_id, tag_id, position) VALUES (?1, ?2, ?3)")?;
    for (i, t) in list.iter().enumerate() {
        let tid = tag_id(tx, t, cache)?;
        ins.execute(params![id, tid, (first_position + i) as i64])?;
    }
    Ok(())
}

/// Trims tags, drops repeats, and refuses what no asset may carry (empty, `%`).
fn clean_tags(tags: &[String]) -> Result<Vec<String>, OrganiseError> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    }
    if out.is_empty() {
        return Err(OrganiseError::invalid("Type a tag first."));
    }
    validate_tags(&out).or_else(|e| match e {
        TagError::TooLong { .. } => Ok(()),
        other => Err(OrganiseError::invalid(other.to_string())),
    })?;
    Ok(out)
}

fn quote_list(tags: &[String]) -> String {
    let q: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    q.join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// The message for assets whose tags would break the remote's limit, naming the first.
fn too_long(failures: &[(i64, String, TagError)], what: &str) -> OrganiseError {
    let (id, name, err) = &failures[0];
    let more = match failures.len() - 1 {
        0 => String::new(),
        n => format!(" {} would be over the limit too.", plural(n, "other asset", "other assets")),
    };
    OrganiseError::invalid(format!(
        "Nothing was changed: {what} \"{name}\" (#{id}) would break the remote's tag rules. {err}{more}"
    ))
}

impl Library {
    /// An asset's tags, in order.
    pub fn tags_of(&self, id: i64) -> Result<Vec<String>, OrganiseError> {
        self.look(|c| asset_tags(c, id))
    }

    /// Adds tags to every selected asset, all or nothing: if one asset would break the remote's
    /// rules (no `%`, at most 500 characters of tags per asset) nothing is saved and the message
    /// names that asset and tag.
    pub fn add_tags(&self, ids: &[i64], tags: &[String], now: i64) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        let tags = clean_tags(tags)?;
        self.edit(|tx| {
            let names = asset_names(tx, &ids)?;
            let mut rows = tag_rows_of_many(tx, &ids)?;
            let mut inverse = Vec::new();
            let mut changed = Vec::new();
            let mut failures = Vec::new();
            let mut cache = HashMap::new();
            let mut new_rows = Vec::new();
            for (id, name) in names {
                let current_rows = rows.remove(&id).unwrap_or_default();
                // After the last tag, even if a removal left a gap, so the order added is kept.
                let next_position = current_rows.iter().map(|(p, _)| p + 1).max().unwrap_or(0);
                let current: Vec<String> = current_rows.into_iter().map(|(_, t)| t).collect();
                let added: Vec<String> = tags.iter().filter(|t| !current.contains(t)).cloned().collect();
                if added.is_empty() {
                    continue;
                }
                let mut next = current.clone();
                next.extend(added.iter().cloned());
                if let Err(e) = validate_tags(&next) {
                    failures.push((id, name, e));
                    continue;
                }
                if failures.is_empty() {
                    for (i, t) in added.iter().enumerate() {
                        new_rows.push([id, tag_id(tx, t, &mut cache)?, next_position + i as i64]);
                    }
                    inverse.push(Inverse::SetTags { asset_id: id, tags: current });
                    changed.push(id);
                }
            }
            if !failures.is_empty() {
                return Err(too_long(&failures, &format!("adding {} to", quote_list(&tags))));
            }
            // One statement for the batch's rows (`[asset, tag, position]` each).
            if !new_rows.is_empty() {
                tx.prepare_cached(
                    "INSERT INTO asset_tags (asset_id, tag_id, position)
                     SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)",
                )?
                .execute([serde_json::to_string(&new_rows).unwrap_or_default()])?;
            }
            let description = format!(
                "Added {} {} to {}",
                if tags.len() == 1 { "tag" } else { "tags" },
                quote_list(&tags),
                plural(changed.len(), "asset", "assets")
            );
            finish(tx, changed, inverse, description, now, Indexed::Tags)
        })
    }

    /// Removes tags from every selected asset (assets without them are left alone).
    pub fn remove_tags(&self, ids: &[i64], tags: &[String], now: i64) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        let tags: Vec<String> = tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        if tags.is_empty() {
            return Err(OrganiseError::invalid("Choose a tag to remove first."));
        }
        self.edit(|tx| {
            asset_names(tx, &ids)?;
            let mut inverse = Vec::new();
            let mut changed = Vec::new();
            let mut del = tx.prepare_cached(
                "DELETE FROM asset_tags WHERE asset_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)",
            )?;
            let mut lists = tags_of_many(tx, &ids)?;
            for &id in &ids {
                let current = lists.remove(&id).unwrap_or_default();
                if !current.iter().any(|t| tags.contains(t)) {
                    continue;
                }
                for t in &tags {
                    del.execute(params![id, t])?;
                }
                inverse.push(Inverse::SetTags { asset_id: id, tags: current });
                changed.push(id);
            }
            let description = format!(
                "Removed {} {} from {}",
                if tags.len() == 1 { "tag" } else { "tags" },
                quote_list(&tags),
                plural(changed.len(), "asset", "assets")
            );
            finish(tx, changed, inverse, description, now, Indexed::Tags)
        })
    }

    /// Tags starting with `prefix` (case-insensitive), most used first, for autocomplete.
    pub fn tag_suggestions(&self, prefix: &str, limit: u64) -> Result<Vec<TagCount>, OrganiseError> {
        let pattern = format!("{}%", like_escape(prefix.trim_start()));
        self.look(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT name, asset_count FROM tags WHERE asset_count > 0 AND name LIKE ?1 ESCAPE '\\'
                 ORDER BY asset_count DESC, name LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![pattern, limit.min(1000) as i64], |r| {
                Ok(TagCount { tag: r.get(0)?, count: r.get::<_, i64>(1)? as u64 })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Renames a tag on every asset carrying it. If `to` already exists the two are merged
    /// (an asset carrying both keeps one). All or nothing, like every batch.
    pub fn rename_tag(&self, from: &str, to: &str, now: i64) -> Result<EditSummary, OrganiseError> {
        let to = clean_tags(&[to.to_owned()])?.remove(0);
        let from = from.trim().to_owned();
        if from == to {
            return Err(OrganiseError::invalid(format!("The tag is already called \"{to}\".")));
        }
        self.edit(|tx| {
            let ids: Vec<i64> = {
                let mut stmt = tx.prepare(
                    "SELECT at.asset_id FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = ?1 ORDER BY at.asset_id",
                )?;
                stmt.query_map([&from], |r| r.get(0))?.collect::<Result<_, _>>()?
            };
            if ids.is_empty() {
                return Err(OrganiseError::NotFound(format!("No asset carries the tag \"{from}\".")));
            }
            let merging: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM tags WHERE name = ?1 AND asset_count > 0)",
                [&to],
                |r| r.get(0),
            )?;
            let names = asset_names(tx, &ids)?;
            let mut lists = tags_of_many(tx, &ids)?;
            let mut inverse = Vec::new();
            let mut failures = Vec::new();
            for (id, name) in names {
                let current = lists.remove(&id).unwrap_or_default();
                let mut next: Vec<String> = Vec::with_capacity(current.len());
                for t in &current {
                    let t = if *t == from { to.clone() } else { t.clone() };
                    if !next.contains(&t) {
                        next.push(t);
                    }
                }
                if let Err(e) = validate_tags(&next) {
                    failures.push((id, name, e));
                    continue;
                }
                write_asset_tags(tx, id, &next)?;
                inverse.push(Inverse::SetTags { asset_id: id, tags: current });
            }
            if !failures.is_empty() {
                return Err(too_long(&failures, &format!("renaming \"{from}\" to \"{to}\" on")));
            }
            let description = if merging {
                format!("Merged tag \"{from}\" into \"{to}\" on {}", plural(ids.len(), "asset", "assets"))
            } else {
                format!("Renamed tag \"{from}\" to \"{to}\" on {}", plural(ids.len(), "asset", "assets"))
            };
            finish(tx, ids, inverse, description, now, Indexed::Tags)
        })
    }
}

/// Records the batch for undo and refreshes what search sees of what the batch changed.
pub(crate) fn finish(
    tx: &Transaction<'_>,
    changed: Vec<i64>,
    inverse: Vec<Inverse>,
    description: String,
    now: i64,
    indexed: Indexed,
) -> Result<EditSummary, OrganiseError> {
    if changed.is_empty() {
        return Ok(EditSummary { batch_id: None, assets: 0, description: "Nothing needed changing".into() });
    }
    touch(tx, &changed, now)?;
    refresh_fts(tx, &changed, indexed)?;
    let batch_id = history::record(tx, &description, &inverse, now)?;
    Ok(EditSummary { batch_id: Some(batch_id), assets: changed.len() as u64, description })
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
