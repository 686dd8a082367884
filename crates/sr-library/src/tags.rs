//! Tags: `tags` (one row per distinct name, with how many assets carry it) and `asset_tags`
//! (which asset carries which tag, in the order they were added, as the remote keeps them).
//! The remote's rules (spec §2.3: no `%`, at most 500 characters per asset) are checked with
//! `sr_imagekit::names::validate_tags` before anything is written (by the requests in `ops::tags`).

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::organise::{OrganiseError, ids_json};

/// Migration 2, the tags' part.
pub(crate) const MIGRATION_2: &str = r#"
-- Tags (tags.rs). Names are case-sensitive like the remote's; asset_count is kept by triggers so
-- autocomplete never counts.
CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    asset_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tags_name_nocase ON tags(name COLLATE NOCASE);
CREATE TABLE asset_tags (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (asset_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX asset_tags_tag ON asset_tags(tag_id, asset_id);
CREATE TRIGGER asset_tags_count_ins AFTER INSERT ON asset_tags BEGIN
    UPDATE tags SET asset_count = asset_count + 1 WHERE id = new.tag_id;
END;
CREATE TRIGGER asset_tags_count_del AFTER DELETE ON asset_tags BEGIN
    UPDATE tags SET asset_count = asset_count - 1 WHERE id = old.tag_id;
END;
"#;

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
pub(crate) fn tag_rows_of_many(c: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<(i64, String)>>, OrganiseError> {
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

pub(crate) fn tag_id(tx: &Connection, name: &str, cache: &mut HashMap<String, i64>) -> Result<i64, OrganiseError> {
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

/// Adds tag rows in one statement, `[asset, tag, position]` each.
pub(crate) fn insert_rows(tx: &Connection, rows: &[[i64; 3]]) -> Result<(), OrganiseError> {
    if !rows.is_empty() {
        tx.prepare_cached(
            "INSERT INTO asset_tags (asset_id, tag_id, position)
             SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)",
        )?
        .execute([serde_json::to_string(rows).unwrap_or_default()])?;
    }
    Ok(())
}

/// Takes `tags` off one asset (those it does not carry are ignored).
pub(crate) fn remove_from(tx: &Connection, id: i64, tags: &[String]) -> Result<(), OrganiseError> {
    let mut del = tx.prepare_cached(
        "DELETE FROM asset_tags WHERE asset_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)",
    )?;
    for t in tags {
        del.execute(params![id, t])?;
    }
    Ok(())
}

/// The assets carrying a tag, by id.
pub(crate) fn carriers(c: &Connection, name: &str) -> Result<Vec<i64>, OrganiseError> {
    let mut stmt = c.prepare(
        "SELECT at.asset_id FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = ?1 ORDER BY at.asset_id",
    )?;
    Ok(stmt.query_map([name], |r| r.get(0))?.collect::<Result<_, _>>()?)
}

/// Whether some asset carries the tag.
pub(crate) fn in_use(c: &Connection, name: &str) -> Result<bool, OrganiseError> {
    Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM tags WHERE name = ?1 AND asset_count > 0)", [name], |r| r.get(0))?)
}

/// Tags starting with `prefix` (case-insensitive), most used first.
pub(crate) fn suggestions(c: &Connection, prefix: &str, limit: u64) -> Result<Vec<TagCount>, OrganiseError> {
    let pattern = format!("{}%", like_escape(prefix.trim_start()));
    let mut stmt = c.prepare_cached(
        "SELECT name, asset_count FROM tags WHERE asset_count > 0 AND name LIKE ?1 ESCAPE '\\'
         ORDER BY asset_count DESC, name LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![pattern, limit.min(1000) as i64], |r| {
        Ok(TagCount { tag: r.get(0)?, count: r.get::<_, i64>(1)? as u64 })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
