//! `stockroom tag|meta|fields|folder|search|undo` and `assets list --query`: organisation
//! commands, each a thin adapter over the façade.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;
use sr_api::dto_organise as d;
use sr_api::{ApiError, Stockroom};

use crate::common::{emit, parse_pairs, print_json, runtime};
use crate::describe;

#[derive(Subcommand)]
pub enum TagCommand {
    /// Add a tag to assets (all or nothing).
    Add {
        tag: String,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Remove a tag from assets.
    Remove {
        tag: String,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Rename a tag everywhere (merges into TO when it exists).
    Rename { from: String, to: String },
    /// Tags starting with PREFIX, most used first.
    Suggest {
        #[arg(default_value = "")]
        prefix: String,
        #[arg(long, default_value_t = 20)]
        limit: u64,
    },
}

#[derive(Subcommand)]
pub enum MetaCommand {
    /// Set custom metadata: `stockroom meta set 12 price=59.9 size='"M"' on_sale=true`.
    /// Each value is JSON; text that is not JSON is taken as text.
    Set {
        id: i64,
        #[arg(required = true, value_name = "KEY=JSON")]
        values: Vec<String>,
    },
    /// Clear custom metadata fields.
    Unset {
        id: i64,
        #[arg(required = true)]
        keys: Vec<String>,
    },
    /// Show each field's value across assets ("mixed" when they differ).
    Show {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

#[derive(Subcommand)]
pub enum FieldsCommand {
    /// List the custom metadata fields and their rules (as last fetched; works offline).
    List,
    /// Fetch the account's custom metadata fields and folder tree from the media library now.
    Refresh,
}

#[derive(Subcommand)]
pub enum FolderCommand {
    /// Remote folders, folders made offline, and folders assets are placed in.
    List,
    /// Place assets in a remote folder.
    Set {
        folder: String,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Create a folder (sent to the remote at the next sync).
    Create { parent: String, name: String },
    /// Rename a folder (sent to the remote at the next sync).
    Rename { path: String, new_name: String },
    /// Move a folder into another (sent to the remote at the next sync).
    Move { source: String, destination: String },
    /// Folder changes waiting for sync.
    Pending,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Video,
    Image,
    Audio,
    Other,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SortArg {
    Relevance,
    Name,
    Imported,
    Updated,
    Size,
    Duration,
    Width,
    Height,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Words to find in names, tags, metadata and folders.
    text: Option<String>,
    /// The remote's searchQuery syntax, e.g. 'tags IN ["sale"] AND size > "2mb"'.
    #[arg(long)]
    query: Option<String>,
    #[arg(long = "kind", value_enum)]
    kinds: Vec<KindArg>,
    /// Must carry this tag (repeat for several).
    #[arg(long = "tag")]
    tags: Vec<String>,
    #[arg(long)]
    folder: Option<String>,
    /// With --folder: include its subfolders.
    #[arg(long)]
    subfolders: bool,
    #[arg(long)]
    min_size: Option<u64>,
    #[arg(long)]
    max_size: Option<u64>,
    #[arg(long)]
    min_duration: Option<f64>,
    #[arg(long)]
    max_duration: Option<f64>,
    #[arg(long)]
    min_width: Option<u32>,
    #[arg(long)]
    min_height: Option<u32>,
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Ascending order (default: descending).
    #[arg(long)]
    asc: bool,
    #[arg(long, default_value_t = 0)]
    offset: u64,
    #[arg(long, default_value_t = 100)]
    limit: u64,
}

fn print_edit(r: &d::EditResult, json: bool) -> Result<(), ApiError> {
    emit(json, r, |r| println!("{}", r.description))
}

pub fn tag(app: &Stockroom, cmd: TagCommand, json: bool) -> Result<(), ApiError> {
    match cmd {
        TagCommand::Add { tag, ids } => print_edit(&app.add_tags(&ids, &[tag])?, json),
        TagCommand::Remove { tag, ids } => print_edit(&app.remove_tags(&ids, &[tag])?, json),
        TagCommand::Rename { from, to } => print_edit(&app.rename_tag(&from, &to)?, json),
        TagCommand::Suggest { prefix, limit } => emit(json, &app.tag_suggestions(&prefix, limit)?, |tags| {
            for t in tags {
                println!("{:>7}  {}", t.count, t.tag);
            }
        }),
    }
}

pub fn meta(app: &Stockroom, cmd: MetaCommand, json: bool) -> Result<(), ApiError> {
    match cmd {
        MetaCommand::Set { id, values } => print_edit(&app.set_metadata(&[id], &parse_pairs(&values)?)?, json),
        MetaCommand::Unset { id, keys } => print_edit(&app.unset_metadata(&[id], &keys)?, json),
        MetaCommand::Show { ids } => emit(json, &app.metadata_summary(&ids)?, |summary| {
            for s in summary {
                let shown = match &s.value {
                    d::SummaryValue::Unset => "-".to_owned(),
                    d::SummaryValue::Same { value } => value.to_string(),
                    d::SummaryValue::Mixed => format!("(mixed: set on {} of {})", s.set_on, ids.len()),
                };
                println!("{:<16} {shown}", s.field.label);
            }
        }),
    }
}

pub fn fields(app: &Stockroom, cmd: FieldsCommand, json: bool) -> Result<(), ApiError> {
    if let FieldsCommand::Refresh = cmd {
        return emit(json, &runtime()?.block_on(app.refresh_catalogue())?, |r| {
            println!("Fetched {} custom metadata fields and {} folders for {}.", r.fields, r.folders, r.account);
        });
    }
    emit(json, &app.metadata_fields()?, |fields| fields.iter().for_each(print_field))
}

/// One field on a line: name, label, type and its rules.
fn print_field(f: &d::MetadataField) {
    let mut rules = Vec::new();
    if f.required {
        rules.push("required".to_owned());
    }
    if f.min_value.is_some() || f.max_value.is_some() {
        let show = |v: &Option<Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
        rules.push(format!("{}..{}", show(&f.min_value), show(&f.max_value)));
    }
    if f.min_length.is_some() || f.max_length.is_some() {
        let show = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        rules.push(format!("{}..{} chars", show(f.min_length), show(f.max_length)));
    }
    if let Some(opts) = &f.select_options {
        let o: Vec<String> =
            opts.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())).collect();
        rules.push(format!("one of {}", o.join("|")));
    }
    if let Some(dv) = &f.default_value {
        rules.push(format!("default {dv}"));
    }
    println!("{:<14} {:<14} {:<13} {}", f.name, f.label, format!("{:?}", f.field_type), rules.join(", "));
}

pub fn folder(app: &Stockroom, cmd: FolderCommand, json: bool) -> Result<(), ApiError> {
    let change = |c: d::FolderChange| if json { print_json(&c) } else { print_edit(&c.edit, false) };
    match cmd {
        FolderCommand::List => emit(json, &app.folders()?, |folders| {
            for f in folders {
                println!(
                    "{:>6}  {}{}",
                    f.asset_count,
                    f.path,
                    if f.on_remote { "" } else { "  (not on the remote yet)" }
                );
            }
        }),
        FolderCommand::Set { folder, ids } => print_edit(&app.set_folder(&ids, &folder)?, json),
        FolderCommand::Create { parent, name } => change(app.create_folder(&parent, &name)?),
        FolderCommand::Rename { path, new_name } => change(app.rename_folder(&path, &new_name)?),
        FolderCommand::Move { source, destination } => change(app.move_folder(&source, &destination)?),
        FolderCommand::Pending => emit(json, &app.pending_remote_ops()?, |ops| {
            for o in ops {
                println!("#{:<5} {:<14} {}", o.id, format!("{:?}", o.kind), o.args);
            }
        }),
    }
}

fn print_page(page: &d::SearchPage, json: bool) -> Result<(), ApiError> {
    if json {
        return print_json(page);
    }
    for h in &page.hits {
        let tags = if h.tags.is_empty() { String::new() } else { format!("  [{}]", h.tags.join(", ")) };
        println!("{}{tags}", describe(&h.asset));
    }
    println!("{} of {} assets", page.hits.len(), page.total);
    Ok(())
}

pub fn search(app: &Stockroom, a: SearchArgs, json: bool) -> Result<(), ApiError> {
    let sort = match a.sort {
        Some(s) => d::SearchSort {
            key: match s {
                SortArg::Relevance => d::SortKey::Relevance,
                SortArg::Name => d::SortKey::Name,
                SortArg::Imported => d::SortKey::ImportedAt,
                SortArg::Updated => d::SortKey::UpdatedAt,
                SortArg::Size => d::SortKey::Size,
                SortArg::Duration => d::SortKey::Duration,
                SortArg::Width => d::SortKey::Width,
                SortArg::Height => d::SortKey::Height,
            },
            descending: !a.asc,
        },
        None if a.text.is_some() => d::SearchSort { key: d::SortKey::Relevance, descending: false },
        None => d::SearchSort { key: d::SortKey::ImportedAt, descending: !a.asc },
    };
    let req = d::SearchRequest {
        text: a.text,
        filters: d::SearchFilters {
            kinds: a
                .kinds
                .iter()
                .map(|k| match k {
                    KindArg::Video => sr_api::dto::AssetKind::Video,
                    KindArg::Image => sr_api::dto::AssetKind::Image,
                    KindArg::Audio => sr_api::dto::AssetKind::Audio,
                    KindArg::Other => sr_api::dto::AssetKind::Other,
                })
                .collect(),
            tags: a.tags,
            folder: a.folder,
            include_subfolders: a.subfolders,
            min_size: a.min_size,
            max_size: a.max_size,
            min_duration_s: a.min_duration,
            max_duration_s: a.max_duration,
            min_width: a.min_width,
            min_height: a.min_height,
            ..Default::default()
        },
        remote_query: a.query,
        sort,
        offset: a.offset,
        limit: a.limit,
    };
    print_page(&app.search(&req)?, json)
}

/// `assets list --query '<searchQuery>'`: the list, filtered by the remote's query syntax.
pub fn assets_query(app: &Stockroom, query: String, offset: u64, limit: u64, json: bool) -> Result<(), ApiError> {
    let req = d::SearchRequest { remote_query: Some(query), offset, limit, ..Default::default() };
    let page = app.search(&req)?;
    if json {
        let assets: Vec<&sr_api::dto::Asset> = page.hits.iter().map(|h| &h.asset).collect();
        return print_json(&assets);
    }
    print_page(&page, false)
}

pub fn undo(app: &Stockroom, json: bool) -> Result<(), ApiError> {
    emit(json, &app.undo_last()?, |r| {
        println!("Undid: {}", r.description);
    })
}
