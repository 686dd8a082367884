//! Custom metadata requests: set, clear, check and summarise values across a selection, under
//! the account's field rules. Rows are the `metadata` tables'; each edit is one batch, committed
//! by `edit`.
//!
//! Every change goes through `sr_imagekit::metadata::apply_metadata` in Update mode, the very
//! function the emulator runs for `PATCH /v1/files/{id}/details`, so an edit accepted offline is
//! one the remote accepts at sync time, and one it refuses is refused here, with the same words.

use rusqlite::{Connection, Transaction};
use serde_json::{Map, Value};
use sr_imagekit::metadata::{ApplyMode, FieldDef, MetadataError, apply_metadata};

use crate::Library;
use crate::edit::{Batch, Push};
use crate::history::Inverse;
use crate::index::Indexed;
use crate::metadata;
use crate::organise::{EditSummary, FieldProblem, OrganiseError, asset_names, distinct_ids};

/// What a selection holds for one field, for the bulk editor.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryValue {
    /// No selected asset has a value.
    Unset,
    /// Every selected asset has this same value.
    Same(Value),
    /// The selected assets differ (some may have none).
    Mixed,
}

/// One field of the bulk editor: the definition, the selection's value, and how many carry one.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSummary {
    pub field: FieldDef,
    pub value: SummaryValue,
    pub set_on: u64,
}

/// Per asset: its id, its current object and the object after the edit.
type Planned = Vec<(i64, Map<String, Value>, Map<String, Value>)>;

/// Runs `incoming` against every asset; returns the new objects, or every problem found.
fn plan(
    c: &Connection,
    fields: &[FieldDef],
    ids: &[i64],
    incoming: &Map<String, Value>,
) -> Result<Planned, OrganiseError> {
    let names = asset_names(c, ids)?;
    let mut out = Vec::with_capacity(ids.len());
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut first_asset: Option<(i64, String)> = None;
    for (id, name) in names {
        let current = metadata::asset_metadata(c, id)?;
        match apply_metadata(fields, &current, incoming, ApplyMode::Update) {
            Ok(next) => out.push((id, current, next)),
            Err(errs) => {
                for e in errs.errors {
                    // Problems with the value itself are the same on every asset: report once.
                    let per_asset =
                        matches!(e, MetadataError::Required { .. } | MetadataError::CannotClearRequired { .. });
                    let p = FieldProblem {
                        asset_id: per_asset.then_some(id),
                        key: e.field_key().to_owned(),
                        message: if per_asset { format!("{e} (\"{name}\", #{id})") } else { e.to_string() },
                    };
                    if !problems.iter().any(|q| q.key == p.key && q.message == p.message) {
                        problems.push(p);
                    }
                }
                first_asset.get_or_insert((id, name));
            }
        }
    }
    if problems.is_empty() {
        return Ok(out);
    }
    let listed: Vec<&str> = problems.iter().take(5).map(|p| p.message.as_str()).collect();
    let more = match problems.len().saturating_sub(5) {
        0 => String::new(),
        n => format!(" ({n} more problems.)"),
    };
    Err(OrganiseError::Invalid { message: format!("Nothing was saved. {}{more}", listed.join(" ")), problems })
}

fn show_keys(keys: impl Iterator<Item = String>, fields: &[FieldDef]) -> String {
    let labels: Vec<String> =
        keys.map(|k| fields.iter().find(|f| f.name == k).map(|f| f.label.clone()).unwrap_or(k)).collect();
    labels.join(", ")
}

impl Library {
    /// The account's custom metadata fields, as last fetched from the remote (or seeded).
    pub fn metadata_fields(&self, account: &str) -> Result<Vec<FieldDef>, OrganiseError> {
        self.look(|c| metadata::fields(c, account))
    }

    /// Replaces the account's field definitions with those fetched from the remote.
    pub fn replace_metadata_fields(&self, account: &str, defs: &[FieldDef]) -> Result<(), OrganiseError> {
        self.edit(|tx| metadata::replace_fields(tx, account, defs))
    }

    /// An asset's `customMetadata`.
    pub fn metadata_of(&self, id: i64) -> Result<Map<String, Value>, OrganiseError> {
        self.look(|c| metadata::asset_metadata(c, id))
    }

    /// What `set_metadata` would refuse, without saving anything (for inline messages).
    pub fn check_metadata(
        &self,
        account: &str,
        ids: &[i64],
        values: &Map<String, Value>,
    ) -> Result<Vec<FieldProblem>, OrganiseError> {
        let ids = distinct_ids(ids)?;
        self.look(|c| {
            let fields = metadata::fields(c, account)?;
            match plan(c, &fields, &ids, values) {
                Ok(_) => Ok(Vec::new()),
                Err(OrganiseError::Invalid { problems, .. }) => Ok(problems),
                Err(e) => Err(e),
            }
        })
    }

    /// Sets custom metadata on every selected asset under the account's field rules. Invalid
    /// input is refused with the field's label and rule, and nothing is saved. `null` unsets.
    pub fn set_metadata(
        &self,
        account: &str,
        ids: &[i64],
        values: &Map<String, Value>,
        now: i64,
    ) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        if values.is_empty() {
            return Err(OrganiseError::invalid("Choose a field and a value first."));
        }
        self.batch(now, |tx| {
            let fields = metadata::fields(tx, account)?;
            let planned = plan(tx, &fields, &ids, values)?;
            let (set, cleared): (Vec<_>, Vec<_>) = values.iter().partition(|(_, v)| !v.is_null());
            let mut parts = Vec::new();
            if !set.is_empty() {
                parts.push(format!("Set {}", show_keys(set.into_iter().map(|(k, _)| k.clone()), &fields)));
            }
            if !cleared.is_empty() {
                parts.push(format!("cleared {}", show_keys(cleared.into_iter().map(|(k, _)| k.clone()), &fields)));
            }
            apply(tx, planned, parts.join(", "))
        })
    }

    /// Clears fields on every selected asset (a required field cannot be cleared).
    pub fn unset_metadata(
        &self,
        account: &str,
        ids: &[i64],
        keys: &[String],
        now: i64,
    ) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        if keys.is_empty() {
            return Err(OrganiseError::invalid("Choose a field to clear first."));
        }
        let values: Map<String, Value> = keys.iter().map(|k| (k.clone(), Value::Null)).collect();
        self.batch(now, |tx| {
            let fields = metadata::fields(tx, account)?;
            let planned = plan(tx, &fields, &ids, &values)?;
            apply(tx, planned, format!("Cleared {}", show_keys(keys.iter().cloned(), &fields)))
        })
    }

    /// For a selection, each field's shared value, or `Mixed` when the assets differ.
    pub fn metadata_summary(&self, account: &str, ids: &[i64]) -> Result<Vec<FieldSummary>, OrganiseError> {
        let ids = distinct_ids(ids)?;
        self.look(|c| {
            let fields = metadata::fields(c, account)?;
            asset_names(c, &ids)?;
            let maps: Vec<Map<String, Value>> =
                ids.iter().map(|&id| metadata::asset_metadata(c, id)).collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(fields.len());
            for field in fields {
                let values: Vec<Option<&Value>> =
                    maps.iter().map(|m| m.get(&field.name).filter(|v| !v.is_null())).collect();
                let set_on = values.iter().filter(|v| v.is_some()).count() as u64;
                let value = if set_on == 0 {
                    SummaryValue::Unset
                } else if values.iter().all(|v| *v == values[0]) {
                    SummaryValue::Same(values[0].cloned().unwrap_or(Value::Null))
                } else {
                    SummaryValue::Mixed
                };
                out.push(FieldSummary { field, value, set_on });
            }
            Ok(out)
        })
    }
}

fn apply(tx: &Transaction<'_>, planned: Planned, what: String) -> Result<Batch, OrganiseError> {
    let mut changed = Vec::new();
    let mut inverse = Vec::new();
    for (id, current, next) in planned {
        if current == next {
            continue;
        }
        let before = (!current.is_empty()).then(|| serde_json::to_string(&current).unwrap_or_default());
        let after = serde_json::to_string(&next).unwrap_or_default();
        metadata::write_asset_metadata(tx, id, Some(&after))?;
        inverse.push(Inverse::SetMetadata { asset_id: id, json: before });
        changed.push(id);
    }
    let n = changed.len();
    let description = format!("{what} on {}", if n == 1 { "1 asset".to_owned() } else { format!("{n} assets") });
    Ok(Batch { changed, inverse, description, indexed: Indexed::Metadata, push: Push::Derive })
}
