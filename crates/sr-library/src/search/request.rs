//! What a search asks for (filters, text, a `searchQuery`, sort and page) and what it answers.

use crate::{Asset, AssetKind, AssetStatus};

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Best text match first (newest first when there is no text).
    Relevance,
    Name,
    #[default]
    ImportedAt,
    UpdatedAt,
    Size,
    Duration,
    Width,
    Height,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { key: SortKey::ImportedAt, descending: true }
    }
}

/// Filters; every one that is set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    /// Any of these kinds (empty: all).
    pub kinds: Vec<AssetKind>,
    /// Any of these statuses (empty: all).
    pub statuses: Vec<AssetStatus>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    /// In this remote folder...
    pub folder: Option<String>,
    /// ...or any folder below it.
    pub include_subfolders: bool,
    pub min_duration_s: Option<f64>,
    pub max_duration_s: Option<f64>,
    /// Bytes.
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
}

/// One search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// Words to find in names, tags, metadata values and folders; the last word may be partial.
    pub text: Option<String>,
    pub filters: SearchFilters,
    /// The remote's `searchQuery` syntax, e.g. `tags IN ["sale"] AND size > "2mb"`.
    pub remote_query: Option<String>,
    pub sort: Sort,
    pub offset: u64,
    pub limit: u64,
    /// Whose custom metadata fields `customMetadata.*` refers to.
    pub account: String,
    /// Unix seconds; relative dates (`"7d"`) count back from it.
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub asset: Asset,
    pub tags: Vec<String>,
}

/// A page of results and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub total: u64,
    pub hits: Vec<SearchHit>,
}
