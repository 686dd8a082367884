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

/// Lists files (all, or changed since `since`) in `ASC_UPDATED` order into the remote tree, by
/// keyset windows: each next page asks `updatedAt >= <the newest seen>` (a deep `skip` over an
/// order that changes while paging would skip files, and the remote's largest `skip` is not
/// known); only a page that made no progress (more files with one `updatedAt` than a page)
/// pages on with `skip`. Pages overlap by the files at the boundary: deduped on (fileId,
/// updatedAt). With `advance`, the checkpoint moves page by page (so a killed pull resumes).
/// Returns the ids seen.
async fn files(
    lib: &Library,
    caller: &Caller<'_>,
    account: &str,
    state: &mut SyncState,
    since: Option<String>,
    advance: bool,
    out: &mut Pulled,
) -> Result<Vec<String>, SyncError> {
    let mut seen_pairs: HashSet<(String, String)> = HashSet::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut window = since;
    let mut skip = 0u32;
    loop {
        let q = ListQuery {
            type_: Some(ItemTypeFilter::File),
            sort: Some(Sort::AscUpdated),
            search_query: window.as_ref().map(|s| format!("updatedAt >= \"{s}\"")),
            skip: Some(skip),
            limit: Some(PAGE),
            ..ListQuery::default()
        };
        let page = caller.call(|| caller.client.list_files(&q)).await?;
        let n = page.len() as u32;
        let mut batch = Vec::with_capacity(page.len());
        for item in &page {
            let Some(f) = item.as_file() else { continue };
            let obs = observe(f);
            ids.insert(obs.file_id.clone());
            if seen_pairs.insert((obs.file_id.clone(), obs.updated_at.clone())) {
                batch.push(obs);
            }
        }
        let newest = page.iter().filter_map(Item::as_file).map(|f| iso(&f.updated_at)).max();
        if !batch.is_empty() {
            lib.store_remote_files(account, &batch, now_s())?;
            out.files += batch.len() as u64;
            if advance && newest > state.checkpoint {
                state.checkpoint = newest.clone();
                lib.set_sync_state(account, state)?;
            }
        }
        if n < PAGE {
            return Ok(ids.into_iter().collect());
        }
        if newest.is_some() && newest != window {
            window = newest;
            skip = 0;
        } else {
            skip += n;
        }
    }
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
            let ids = files(lib, caller, account, state, None, true, &mut out).await?;
            out.gone = lib.finish_full_listing(account, &ids, now_s())?;
            out.full_listing = true;
            state.last_full_listing = Some(now);
            lib.set_sync_state(account, state)?;
        }
        Some(cp) => {
            files(lib, caller, account, state, Some(since(&cp)), true, &mut out).await?;
            if full_listing {
                let seen = files(lib, caller, account, state, None, false, &mut out).await?;
                out.gone = lib.finish_full_listing(account, &seen, now_s())?;
                out.full_listing = true;
                state.last_full_listing = Some(now);
                lib.set_sync_state(account, state)?;
            }
        }
    }
    Ok(out)
}
