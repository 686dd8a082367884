//! Pull: the remote's files into the library's remote tree (`sync_remote`). The first run takes
//! the custom-metadata fields, the folder tree and every file; later runs only what changed since
//! the checkpoint (with an overlap, the API's dates being whole seconds); a full id listing, when
//! asked or due, finds the deletes (the API reports them nowhere else).

use std::collections::HashSet;

use sr_library::Library;
use sr_library::sync::SyncState;
use sr_remote::{Item, ItemTypeFilter, ListQuery, Sort};

use crate::run::SyncError;
use crate::wire::{Caller, iso, now_s, observe};

/// A listing page (the API's maximum).
pub(crate) const PAGE: u32 = 1000;
/// Re-read this far before the checkpoint: the remote's dates go to whole seconds.
const OVERLAP_S: i64 = 2;
/// A full id listing runs at least this often (hours) when not asked for.
pub(crate) const FULL_LISTING_HOURS: i64 = 24;

/// What a pull did.
#[derive(Debug, Default)]
pub(crate) struct Pulled {
    pub files: u64,
    pub full_listing: bool,
    /// Files a full listing no longer had.
    pub gone: u64,
}

/// Reads a listing page by page (`skip`), handing each page over; the last page is the first
/// one shorter than [`PAGE`], so an unchanged listing costs one request.
async fn pages(
    caller: &Caller<'_>,
    query: ListQuery,
    mut on_page: impl FnMut(Vec<Item>) -> Result<(), SyncError>,
) -> Result<(), SyncError> {
    let mut skip = 0u32;
    loop {
        let q = ListQuery { skip: Some(skip), limit: Some(PAGE), ..query.clone() };
        let page = caller.call(|| caller.client.list_files(&q)).await?;
        let n = page.len() as u32;
        on_page(page)?;
        if n < PAGE {
            return Ok(());
        }
        skip += n;
    }
}

/// Lists files (all, or changed since `since`) in `ASC_UPDATED` order into the remote tree,
/// advancing the checkpoint page by page (so a killed pull resumes). Returns the ids seen.
async fn files(
    lib: &Library,
    caller: &Caller<'_>,
    account: &str,
    state: &mut SyncState,
    since: Option<String>,
    out: &mut Pulled,
) -> Result<Vec<String>, SyncError> {
    let query = ListQuery {
        type_: Some(ItemTypeFilter::File),
        sort: Some(Sort::AscUpdated),
        search_query: since.map(|s| format!("updatedAt >= \"{s}\"")),
        ..ListQuery::default()
    };
    let mut seen_pairs: HashSet<(String, String)> = HashSet::new();
    let mut ids = Vec::new();
    pages(caller, query, |page| {
        let mut batch = Vec::with_capacity(page.len());
        for item in &page {
            let Some(f) = item.as_file() else { continue };
            let obs = observe(f);
            ids.push(obs.file_id.clone());
            // Pages overlap (the checkpoint's overlap, and a file changed while paging moves on).
            if seen_pairs.insert((obs.file_id.clone(), obs.updated_at.clone())) {
                batch.push(obs);
            }
        }
        if batch.is_empty() {
            return Ok(());
        }
        lib.store_remote_files(account, &batch, now_s())?;
        out.files += batch.len() as u64;
        let newest = batch.iter().map(|f| f.updated_at.clone()).max();
        if newest > state.checkpoint {
            state.checkpoint = newest;
            lib.set_sync_state(account, state)?;
        }
        Ok(())
    })
    .await?;
    Ok(ids)
}

/// `checkpoint − overlap`, as the search language wants it.
fn since(checkpoint: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(checkpoint) {
        Ok(t) => iso(&(t.with_timezone(&chrono::Utc) - chrono::Duration::seconds(OVERLAP_S))),
        Err(_) => checkpoint.to_owned(),
    }
}

/// Pulls into the remote tree; `state` is the account's and is saved as it advances.
pub(crate) async fn pull(
    lib: &Library,
    caller: &Caller<'_>,
    account: &str,
    state: &mut SyncState,
    full_listing: bool,
) -> Result<Pulled, SyncError> {
    let mut out = Pulled::default();
    let now = now_s();
    let due = full_listing || state.last_full_listing.is_none_or(|t| now - t >= FULL_LISTING_HOURS * 3600);
    match state.checkpoint.clone() {
        None => {
            let fields = caller.call(|| caller.client.list_custom_metadata_fields(false)).await?;
            lib.replace_metadata_fields(account, &fields)?;
            let mut folders = Vec::new();
            let q = ListQuery { type_: Some(ItemTypeFilter::Folder), ..ListQuery::default() };
            pages(caller, q, |page| {
                folders.extend(page.iter().filter_map(Item::as_folder).map(|f| f.folder_path.clone()));
                Ok(())
            })
            .await?;
            lib.replace_remote_folders(account, &folders)?;
            // Every file, so it is a full listing too.
            let ids = files(lib, caller, account, state, None, &mut out).await?;
            out.gone = lib.finish_full_listing(account, &ids, now_s())?;
            out.full_listing = true;
            state.last_full_listing = Some(now);
            lib.set_sync_state(account, state)?;
        }
        Some(cp) => {
            files(lib, caller, account, state, Some(since(&cp)), &mut out).await?;
            if due {
                let mut seen = Vec::new();
                let q = ListQuery { type_: Some(ItemTypeFilter::File), ..ListQuery::default() };
                let mut batch_err = None;
                pages(caller, q, |page| {
                    let obs: Vec<_> = page.iter().filter_map(Item::as_file).map(observe).collect();
                    seen.extend(obs.iter().map(|f| f.file_id.clone()));
                    if let Err(e) = lib.store_remote_files(account, &obs, now_s()) {
                        batch_err = Some(e);
                    }
                    Ok(())
                })
                .await?;
                if let Some(e) = batch_err {
                    return Err(e.into());
                }
                out.gone = lib.finish_full_listing(account, &seen, now_s())?;
                out.full_listing = true;
                state.last_full_listing = Some(now);
                lib.set_sync_state(account, state)?;
            }
        }
    }
    Ok(out)
}
