//! Offline organisation on the façade: tags, custom metadata, folders, search, undo.
//!
//! Every method is blocking (SQLite) and meant for a worker thread, like `import`. Rule
//! violations come back as `ErrorCode::InvalidInput` with a message naming the asset, tag or
//! field and the rule; nothing was saved then.

use serde_json::{Map, Value};
use sr_imagekit::metadata::FieldDef;

use crate::dto_organise as d;
use crate::{ApiError, ErrorCode, Stockroom, now_unix};

fn to_library_request(req: &d::SearchRequest, account: &str) -> sr_library::SearchRequest {
    let f = &req.filters;
    sr_library::SearchRequest {
        text: req.text.clone(),
        filters: sr_library::SearchFilters {
            kinds: f.kinds.iter().map(|&k| k.into()).collect(),
            statuses: f.statuses.iter().map(|&s| s.into()).collect(),
            tags: f.tags.clone(),
            folder: f.folder.clone(),
            include_subfolders: f.include_subfolders,
            min_duration_s: f.min_duration_s,
            max_duration_s: f.max_duration_s,
            min_size: f.min_size,
            max_size: f.max_size,
            min_width: f.min_width,
            max_width: f.max_width,
            min_height: f.min_height,
            max_height: f.max_height,
        },
        remote_query: req.remote_query.clone(),
        sort: sr_library::Sort {
            key: match req.sort.key {
                d::SortKey::Relevance => sr_library::SortKey::Relevance,
                d::SortKey::Name => sr_library::SortKey::Name,
                d::SortKey::ImportedAt => sr_library::SortKey::ImportedAt,
                d::SortKey::UpdatedAt => sr_library::SortKey::UpdatedAt,
                d::SortKey::Size => sr_library::SortKey::Size,
                d::SortKey::Duration => sr_library::SortKey::Duration,
                d::SortKey::Width => sr_library::SortKey::Width,
                d::SortKey::Height => sr_library::SortKey::Height,
            },
            descending: req.sort.descending,
        },
        offset: req.offset,
        limit: req.limit.clamp(1, 10_000),
        account: account.to_owned(),
        now: now_unix(),
    }
}

impl Stockroom {
    /// The account whose metadata fields and folder tree organisation works against: the active
    /// remote account (read from its settings, without starting the sandbox or going online).
    fn organisation_account(&self) -> Result<String, ApiError> {
        self.active_account()
    }

    /// An asset's tags, custom metadata and folder.
    pub fn organisation(&self, id: i64) -> Result<d::AssetOrganisation, ApiError> {
        let asset = self
            .library
            .asset(id)?
            .ok_or_else(|| ApiError::not_found(format!("There is no asset #{id} in this library.")))?;
        Ok(d::AssetOrganisation {
            id,
            tags: self.library.tags_of(id)?,
            metadata: self.library.metadata_of(id)?,
            folder: asset.remote_folder,
        })
    }

    // ----- tags -----

    /// Adds tags to every selected asset; all or nothing.
    pub fn add_tags(&self, ids: &[i64], tags: &[String]) -> Result<d::EditResult, ApiError> {
        Ok(self.library.add_tags(ids, tags, now_unix())?.into())
    }

    pub fn remove_tags(&self, ids: &[i64], tags: &[String]) -> Result<d::EditResult, ApiError> {
        Ok(self.library.remove_tags(ids, tags, now_unix())?.into())
    }

    /// Tags starting with `prefix`, most used first.
    pub fn tag_suggestions(&self, prefix: &str, limit: u64) -> Result<Vec<d::TagCount>, ApiError> {
        Ok(self.library.tag_suggestions(prefix, limit.clamp(1, 1000))?.into_iter().map(d::TagCount::from).collect())
    }

    /// Renames a tag across the library (merges into `to` if it exists).
    pub fn rename_tag(&self, from: &str, to: &str) -> Result<d::EditResult, ApiError> {
        Ok(self.library.rename_tag(from, to, now_unix())?.into())
    }

    // ----- custom metadata -----

    pub fn metadata_fields(&self) -> Result<Vec<d::MetadataField>, ApiError> {
        Ok(self.library.metadata_fields(&self.organisation_account()?)?.iter().map(d::MetadataField::from).collect())
    }

    /// Stores the field definitions fetched from the remote (sync calls this when online).
    pub fn replace_metadata_fields(&self, fields: &[FieldDef]) -> Result<(), ApiError> {
        Ok(self.library.replace_metadata_fields(&self.organisation_account()?, fields)?)
    }

    /// Sets custom metadata on every selected asset; refused with the field's label and rule.
    pub fn set_metadata(&self, ids: &[i64], values: &Map<String, Value>) -> Result<d::EditResult, ApiError> {
        Ok(self.library.set_metadata(&self.organisation_account()?, ids, values, now_unix())?.into())
    }

    pub fn unset_metadata(&self, ids: &[i64], keys: &[String]) -> Result<d::EditResult, ApiError> {
        Ok(self.library.unset_metadata(&self.organisation_account()?, ids, keys, now_unix())?.into())
    }

    /// What `set_metadata` would refuse, per field, without saving (for inline messages).
    pub fn check_metadata(&self, ids: &[i64], values: &Map<String, Value>) -> Result<Vec<d::FieldProblem>, ApiError> {
        Ok(self
            .library
            .check_metadata(&self.organisation_account()?, ids, values)?
            .into_iter()
            .map(d::FieldProblem::from)
            .collect())
    }

    /// Each field's value across a selection, or "mixed".
    pub fn metadata_summary(&self, ids: &[i64]) -> Result<Vec<d::FieldSummary>, ApiError> {
        Ok(self
            .library
            .metadata_summary(&self.organisation_account()?, ids)?
            .into_iter()
            .map(|s| d::FieldSummary {
                field: (&s.field).into(),
                value: match s.value {
                    sr_library::SummaryValue::Unset => d::SummaryValue::Unset,
                    sr_library::SummaryValue::Same(value) => d::SummaryValue::Same { value },
                    sr_library::SummaryValue::Mixed => d::SummaryValue::Mixed,
                },
                set_on: s.set_on,
            })
            .collect())
    }

    // ----- folders -----

    pub fn folders(&self) -> Result<Vec<d::Folder>, ApiError> {
        Ok(self.library.folders(&self.organisation_account()?)?.into_iter().map(d::Folder::from).collect())
    }

    /// Mirrors the remote folder tree (sync calls this with what it fetched).
    pub fn replace_remote_folders(&self, paths: &[String]) -> Result<(), ApiError> {
        Ok(self.library.replace_remote_folders(&self.organisation_account()?, paths)?)
    }

    /// Places assets in a remote folder (normalised as the remote would).
    pub fn set_folder(&self, ids: &[i64], folder: &str) -> Result<d::EditResult, ApiError> {
        Ok(self.library.set_folder(ids, folder, now_unix())?.into())
    }

    pub fn create_folder(&self, parent: &str, name: &str) -> Result<d::FolderChange, ApiError> {
        let (path, s) = self.library.create_folder(&self.organisation_account()?, parent, name, now_unix())?;
        Ok(d::FolderChange { path, edit: s.into() })
    }

    pub fn rename_folder(&self, path: &str, new_name: &str) -> Result<d::FolderChange, ApiError> {
        let (path, s) = self.library.rename_folder(&self.organisation_account()?, path, new_name, now_unix())?;
        Ok(d::FolderChange { path, edit: s.into() })
    }

    pub fn move_folder(&self, source: &str, destination: &str) -> Result<d::FolderChange, ApiError> {
        let (path, s) = self.library.move_folder(&self.organisation_account()?, source, destination, now_unix())?;
        Ok(d::FolderChange { path, edit: s.into() })
    }

    /// Folder changes made offline that sync has not applied yet, in order.
    pub fn pending_remote_ops(&self) -> Result<Vec<d::RemoteOp>, ApiError> {
        Ok(self.library.remote_ops(&self.organisation_account()?, true)?.into_iter().map(d::RemoteOp::from).collect())
    }

    // ----- search -----

    /// Free text, filters and the remote's `searchQuery`, sorted and paged, with the total.
    pub fn search(&self, req: &d::SearchRequest) -> Result<d::SearchPage, ApiError> {
        let page = self.library.search(&to_library_request(req, &self.organisation_account()?))?;
        let mut assets: Vec<crate::dto::Asset> = page.hits.iter().map(|h| self.to_dto(&h.asset)).collect();
        // The grid's page: every tile's status in one read.
        self.fill_sync(&mut assets);
        Ok(d::SearchPage {
            total: page.total,
            offset: req.offset,
            hits: assets.into_iter().zip(page.hits).map(|(asset, h)| d::SearchHit { asset, tags: h.tags }).collect(),
        })
    }

    pub fn save_search(&self, name: &str, request: &d::SearchRequest) -> Result<(), ApiError> {
        let json = serde_json::to_string(request).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(self.library.save_search(name, &json, now_unix())?)
    }

    pub fn saved_searches(&self) -> Result<Vec<d::SavedSearch>, ApiError> {
        let mut out = Vec::new();
        for (name, json) in self.library.saved_searches()? {
            // A search saved by a newer Stockroom may not parse; skip it rather than fail the list.
            if let Ok(request) = serde_json::from_str(&json) {
                out.push(d::SavedSearch { name, request });
            }
        }
        Ok(out)
    }

    pub fn delete_saved_search(&self, name: &str) -> Result<(), ApiError> {
        Ok(self.library.delete_saved_search(name)?)
    }

    // ----- undo -----

    /// Reverses the last edit batch and says what it was.
    pub fn undo_last(&self) -> Result<d::UndoResult, ApiError> {
        Ok(d::UndoResult { description: self.library.undo_last(now_unix())? })
    }
}
