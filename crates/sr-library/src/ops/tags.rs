//! Tagging requests: add, remove and rename tags across a selection, all or nothing, under the
//! remote's rules (spec §2.3: no `%`, at most 500 characters per asset, checked with
//! `sr_imagekit::names::validate_tags` before anything is written). Rows are the `tags` table's;
//! each request is one batch, committed by `edit`.

use std::collections::HashMap;

use sr_imagekit::names::{TagError, validate_tags};

use crate::Library;
use crate::edit::{Batch, Push};
use crate::history::Inverse;
use crate::index::Indexed;
use crate::organise::{EditSummary, OrganiseError, asset_names, distinct_ids};
use crate::tags::{self, TagCount};

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
        self.look(|c| tags::asset_tags(c, id))
    }

    /// Adds tags to every selected asset, all or nothing: if one asset would break the remote's
    /// rules (no `%`, at most 500 characters of tags per asset) nothing is saved and the message
    /// names that asset and tag.
    pub fn add_tags(&self, ids: &[i64], tags: &[String], now: i64) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        let tags = clean_tags(tags)?;
        self.batch(now, |tx| {
            let names = asset_names(tx, &ids)?;
            let mut rows = tags::tag_rows_of_many(tx, &ids)?;
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
                        new_rows.push([id, tags::tag_id(tx, t, &mut cache)?, next_position + i as i64]);
                    }
                    inverse.push(Inverse::SetTags { asset_id: id, tags: current });
                    changed.push(id);
                }
            }
            if !failures.is_empty() {
                return Err(too_long(&failures, &format!("adding {} to", quote_list(&tags))));
            }
            tags::insert_rows(tx, &new_rows)?;
            let description = format!(
                "Added {} {} to {}",
                if tags.len() == 1 { "tag" } else { "tags" },
                quote_list(&tags),
                plural(changed.len(), "asset", "assets")
            );
            Ok(Batch { changed, inverse, description, indexed: Indexed::Tags, push: Push::Derive })
        })
    }

    /// Removes tags from every selected asset (assets without them are left alone).
    pub fn remove_tags(&self, ids: &[i64], tags: &[String], now: i64) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        let tags: Vec<String> = tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        if tags.is_empty() {
            return Err(OrganiseError::invalid("Choose a tag to remove first."));
        }
        self.batch(now, |tx| {
            asset_names(tx, &ids)?;
            let mut inverse = Vec::new();
            let mut changed = Vec::new();
            let mut lists = tags::tags_of_many(tx, &ids)?;
            for &id in &ids {
                let current = lists.remove(&id).unwrap_or_default();
                if !current.iter().any(|t| tags.contains(t)) {
                    continue;
                }
                tags::remove_from(tx, id, &tags)?;
                inverse.push(Inverse::SetTags { asset_id: id, tags: current });
                changed.push(id);
            }
            let description = format!(
                "Removed {} {} from {}",
                if tags.len() == 1 { "tag" } else { "tags" },
                quote_list(&tags),
                plural(changed.len(), "asset", "assets")
            );
            Ok(Batch { changed, inverse, description, indexed: Indexed::Tags, push: Push::Derive })
        })
    }

    /// Tags starting with `prefix` (case-insensitive), most used first, for autocomplete.
    pub fn tag_suggestions(&self, prefix: &str, limit: u64) -> Result<Vec<TagCount>, OrganiseError> {
        self.look(|c| tags::suggestions(c, prefix, limit))
    }

    /// Renames a tag on every asset carrying it. If `to` already exists the two are merged
    /// (an asset carrying both keeps one). All or nothing, like every batch.
    pub fn rename_tag(&self, from: &str, to: &str, now: i64) -> Result<EditSummary, OrganiseError> {
        let to = clean_tags(&[to.to_owned()])?.remove(0);
        let from = from.trim().to_owned();
        if from == to {
            return Err(OrganiseError::invalid(format!("The tag is already called \"{to}\".")));
        }
        self.batch(now, |tx| {
            let ids = tags::carriers(tx, &from)?;
            if ids.is_empty() {
                return Err(OrganiseError::NotFound(format!("No asset carries the tag \"{from}\".")));
            }
            let merging = tags::in_use(tx, &to)?;
            let names = asset_names(tx, &ids)?;
            let mut lists = tags::tags_of_many(tx, &ids)?;
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
                tags::write_asset_tags(tx, id, &next)?;
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
            Ok(Batch { changed: ids, inverse, description, indexed: Indexed::Tags, push: Push::Derive })
        })
    }
}
