//! Search: free text (FTS5 over name, tags, metadata values and folder), filters, sorting,
//! paging, saved searches, and the remote's `searchQuery` language compiled to SQL.
//!
//! Queries are parsed by `sr_imagekit::search::Query::parse_with_fields` — the parser the
//! emulator uses — so a query is refused here exactly when the remote would refuse it, with the
//! remote's words. The AST is then compiled to SQL over the library's tables, following the
//! operator semantics documented on `TimeValue::resolve` and `Query::matches`. Fields that only
//! exist remotely (embeddedMetadata, private, published...) are refused with a plain message.
//!
//! In order: `request` says what is asked, `compile` turns it into terms (row conditions and `sets` of ids, written
//! with `sql`), `size` weighs the sets, `plan` runs the cheapest pass. `saved` keeps named
//! searches. The index searched is kept in step by `index` (the crate's), not here.

mod compile;
mod plan;
mod request;
pub(crate) mod saved;
mod sets;
mod size;
mod sql;

use compile::{register_has, terms};
use plan::{run, run_unplanned};
pub use request::{SearchFilters, SearchHit, SearchPage, SearchRequest, Sort, SortKey};
use rusqlite::Connection;
use sql::Builder;

use crate::organise::OrganiseError;
use crate::tags::tags_of_many;
use crate::{Library, assets};

/// A search on one connection, planned (`run`) or the plain way (`run_unplanned`).
pub(crate) fn search_on(c: &Connection, req: &SearchRequest, planned: bool) -> Result<SearchPage, OrganiseError> {
    let mut b = Builder::default();
    let (terms, uses_has) = terms(c, req, &mut b)?;
    if uses_has {
        register_has(c)?;
    }
    let (total, ids) = if planned { run(c, req, terms, &mut b)? } else { run_unplanned(c, req, terms, &mut b)? };
    let mut assets = assets::get_many(c, &ids)?;
    let mut tags = tags_of_many(c, &ids)?;
    let hits = ids
        .iter()
        .filter_map(|id| assets.remove(id).map(|asset| SearchHit { tags: tags.remove(id).unwrap_or_default(), asset }))
        .collect();
    Ok(SearchPage { total, hits })
}

impl Library {
    /// [`Library::search`] without the planner: the same conditions in one statement as SQLite
    /// plans it. For tests that check the planner changes no result.
    #[doc(hidden)]
    pub fn search_unplanned(&self, req: &SearchRequest) -> Result<SearchPage, OrganiseError> {
        self.look(|c| search_on(c, req, false))
    }

    /// Finds assets: free text, filters and a `searchQuery`, all of which must hold; sorted and
    /// paged, with the total count. A query the remote would refuse is refused with its message.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchPage, OrganiseError> {
        self.look(|c| search_on(c, req, true))
    }
}
