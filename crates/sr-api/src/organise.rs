//! Offline organisation on the façade: tags, custom metadata, folders, search, undo.
//!
//! Every method is blocking (SQLite) and meant for a worker thread, like `import`. Rule
//! violations come back as `ErrorCode::InvalidInput` with a message naming the asset, tag or
//! field and the rule; nothing was saved then.

use serde_json::{Map, Value};
use sr_imagekit::metadata::FieldDef;

use crate::dto_organise as d;
use crate::{ApiError, ErrorCode, Stockroom, now_unix};

fn edit(s: sr_library::EditSummary) -> d::EditResult {
    d::EditResult { batch_id: s.batch_id, assets: s.assets, description: s.description }
}

fn field_dto(f: &FieldDef) -> d::MetadataField {
    use sr_imagekit::metadata::FieldType as T;
    let s = &f.schema;
    d::MetadataField {
        id: f.id.clone(),
        name: f.name.clone(),
        label: f.label.clone(),
        description: f.description.clone(),
        field_type: match s.field_type {
            T::Text => d::FieldType::Text,
            T::Textarea => d::FieldType::Textarea,
            T::Number => d::FieldType::Number,
            T::Date => d::FieldType::Date,
            T::Boolean => d::FieldType::Boolean,
            T::SingleSelect => d::FieldType::SingleSelect,
            T::MultiSelect => d::FieldType::MultiSelect,
        },
        min_value: s.min_value.clone(),
        max_value: s.max_value.clone(),
        min_length: s.min_length,
        max_length: s.max_length,
        default_value: s.default_value.clone(),
        required: s.required(),
        select_options: s.select_options.clone(),
    }
}

fn problem(p: sr_library::FieldProblem) -> d::FieldProblem {
    d::FieldProblem { asset_id: p.asset_id, key: p.key, message: p.message }
}

fn to_library_request(req: &d::SearchRequest, account: &str) -> sr_library::SearchRequest {
    use sr_library::AssetKind as K;
    use sr_library::AssetStatus as S;
    let f = &req.filters;
    sr_library::SearchRequest {
        text: req.text.clone(),
        filters: sr_library::SearchFilters {
            kinds: f
                .kinds
                .iter()
                .map(|k| match k {
                    crate::dto::AssetKind::Video => K::Video,
                    crate::dto::AssetKind::Image => K::Image,
                    crate::dto::AssetKind::Audio => K::Audio,
                    crate::dto::AssetKind::Other => K::Other,
                })
                .collect(),
            statuses: f
                .statuses
                .iter()
                .map(|s| match s {
                    crate::dto::AssetStatus::Local => S::Local,
                    crate::dto::AssetStatus::Missing => S::Missing,
                })
                .collect(),
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
        Ok(edit(self.library.add_tags(ids, tags, now_unix())?))
    }

    pub fn remove_tags(&self, ids: &[i64], tags: &[String]) -> Result<d::EditResult, ApiError> {
        Ok(edit(self.library.remove_tags(ids, tags, now_unix())?))
    }

    /// Tags starting with `prefix`, most used first.
    pub fn tag_suggestions(&self, prefix: &str, limit: u64) -> Result<Vec<d::TagCount>, ApiError> {
        Ok(self
            .library
            .tag_suggestions(prefix, limit.clamp(1, 1000))?
            .into_iter()
            .map(|t| d::TagCount { tag: t.tag, count: t.count })
            .collect())
    }

    /// Renames a tag across the library (merges into `to` if it exists).
    pub fn rename_tag(&self, from: &str, to: &str) -> Result<d::EditResult, ApiError> {
        Ok(edit(self.library.rename_tag(from, to, now_unix())?))
    }

    // ----- custom metadata -----

    pub fn metadata_fields(&self) -> Result<Vec<d::MetadataField>, ApiError> {
        Ok(self.library.metadata_fields(&self.organisation_account()?)?.iter().map(field_dto).collect())
    }

    /// Stores the field definitions fetched from the remote (sync calls this when online).
    pub fn replace_metadata_fields(&self, fields: &[FieldDef]) -> Result<(), ApiError> {
        Ok(self.library.replace_metadata_fields(&self.organisation_account()?, fields)?)
    }

    /// Sets custom metadata on every selected asset; refused with the field's label and rule.
    pub fn set_metadata(&self, ids: &[i64], values: &Map<String, Value>) -> Result<d::EditResult, ApiError> {
        Ok(edit(self.library.set_metadata(&self.organisation_account()?, ids, values, now_unix())?))
    }

    pub fn unset_metadata(&self, ids: &[i64], keys: &[String]) -> Result<d::EditResult, ApiError> {
        Ok(edit(self.library.unset_metadata(&self.organisation_account()?, ids, keys, now_unix())?))
    }

    /// What `set_metadata` would refuse, per field, without saving (for inline messages).
    pub fn check_metadata(&self, ids: &[i64], values: &Map<String, Value>) -> Result<Vec<d::FieldProblem>, ApiError> {
        Ok(self.library.check_metadata(&self.organisation_account()?, ids, values)?.into_iter().map(problem).collect())
    }

    /// Each field's value across a selection, or "mixed".
    pub fn metadata_summary(&self, ids: &[i64]) -> Result<Vec<d::FieldSummary>, ApiError> {
        Ok(self
            .library
            .metadata_summary(&self.organisation_account()?, ids)?
            .into_iter()
            .map(|s| d::FieldSummary {
                field: field_dto(&s.field),
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
        Ok(self
            .library
            .folders(&self.organisation_account()?)?
            .into_iter()
            .map(|f| d::Folder { path: f.path, on_remote: f.on_remote, asset_count: f.asset_count })
            .collect())
    }

    /// Mirrors the remote folder tree (sync calls this with what it fetched).
    pub fn replace_remote_folders(&self, paths: &[String]) -> Result<(), ApiError> {
        Ok(self.library.replace_remote_folders(&self.organisation_account()?, paths)?)
    }

    /// Places assets in a remote folder (normalised as the remote would).
    pub fn set_folder(&self, ids: &[i64], folder: &str) -> Result<d::EditResult, ApiError> {
        Ok(edit(self.library.set_folder(ids, folder, now_unix())?))
    }

    pub fn create_folder(&self, parent: &str, name: &str) -> Result<d::FolderChange, ApiError> {
        let (path, s) = self.library.create_folder(&self.organisation_account()?, parent, name, now_unix())?;
        Ok(d::FolderChange { path, edit: edit(s) })
    }

    pub fn rename_folder(&self, path: &str, new_name: &str) -> Result<d::FolderChange, ApiError> {
        let (path, s) = self.library.rename_folder(&self.organisation_account()?, path, new_name, now_unix())?;
        Ok(d::FolderChange { path, edit: edit(s) })
    }

    pub fn move_folder(&self, source: &str, destination: &str) -> Result<d::FolderChange, ApiError> {
        let (path, s) = self.library.move_folder(&self.organisation_account()?, source, destination, now_unix())?;
        Ok(d::FolderChange { path, edit: edit(s) })
    }

    /// Folder changes made offline that sync has not applied yet, in order.
    pub fn pending_remote_ops(&self) -> Result<Vec<d::RemoteOp>, ApiError> {
        Ok(self
            .library
            .remote_ops(&self.organisation_account()?, true)?
            .into_iter()
            .map(|o| d::RemoteOp {
                id: o.id,
                kind: match o.kind {
                    sr_library::RemoteOpKind::CreateFolder => d::RemoteOpKind::CreateFolder,
                    sr_library::RemoteOpKind::RenameFolder => d::RemoteOpKind::RenameFolder,
                    sr_library::RemoteOpKind::MoveFolder => d::RemoteOpKind::MoveFolder,
                },
                args: o.args,
                created_at: o.created_at,
                state: match o.state {
                    sr_library::RemoteOpState::Pending => d::RemoteOpState::Pending,
                    sr_library::RemoteOpState::Applied => d::RemoteOpState::Applied,
                    sr_library::RemoteOpState::Failed => d::RemoteOpState::Failed,
                },
                attempts: o.attempts,
                last_error: o.last_error,
            })
            .collect())
    }

    // ----- search -----

    /// Free text, filters and the remote's `searchQuery`, sorted and paged, with the total.
    pub fn search(&self, req: &d::SearchRequest) -> Result<d::SearchPage, ApiError> {
        let page = self.library.search(&to_library_request(req, &self.organisation_account()?))?;
        Ok(d::SearchPage {
            total: page.total,
            offset: req.offset,
            hits: page.hits.into_iter().map(|h| d::SearchHit { asset: self.to_dto(&h.asset), tags: h.tags }).collect(),
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
