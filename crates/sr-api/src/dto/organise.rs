//! Wire types of offline organisation (tags, custom metadata, folders, search, undo). Contracts
//! with the UI (TypeScript bindings are generated from these) and `stockroom --json` users.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{Asset, AssetKind, AssetStatus};

/// An asset's organisation: what the tag bar and metadata panel show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssetOrganisation {
    pub id: i64,
    /// In the order they were added.
    pub tags: Vec<String>,
    /// The asset's `customMetadata` object, keyed by field name.
    pub metadata: serde_json::Map<String, Value>,
    /// Remote folder, `/a/b/`.
    pub folder: String,
}

/// What an edit batch did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EditResult {
    /// `null` when nothing needed changing (nothing to undo then).
    pub batch_id: Option<i64>,
    /// Assets whose organisation changed.
    pub assets: u64,
    /// e.g. `Added tag "sale" to 3 assets`; also what undo will say.
    pub description: String,
}

/// A tag and how many assets carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagCount {
    pub tag: String,
    pub count: u64,
}

/// The seven custom metadata field types (spec §7.2), spelled as the remote spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Boolean,
    SingleSelect,
    MultiSelect,
}

/// A custom metadata field with the constraints an editor needs to render it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetadataField {
    pub id: String,
    /// Key in `customMetadata`.
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    pub field_type: FieldType,
    /// Number: a number; Date: an ISO-8601 string.
    pub min_value: Option<Value>,
    pub max_value: Option<Value>,
    /// Text and Textarea, in characters.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Used when a required field has no value.
    pub default_value: Option<Value>,
    pub required: bool,
    /// SingleSelect and MultiSelect.
    pub select_options: Option<Vec<Value>>,
}

/// A selection's value for one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SummaryValue {
    /// No selected asset has a value.
    Unset,
    /// Every selected asset has this value.
    Same { value: Value },
    /// The selected assets differ.
    Mixed,
}

/// One row of the bulk metadata editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldSummary {
    pub field: MetadataField,
    pub value: SummaryValue,
    /// How many selected assets have a value.
    pub set_on: u64,
}

/// A value a field refuses, for showing beside the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldProblem {
    /// Set when the problem is about one asset (a required field it lacks).
    pub asset_id: Option<i64>,
    /// The field's key.
    pub key: String,
    pub message: String,
}

/// A remote folder as the library knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Folder {
    pub path: String,
    /// Known on the remote (as of the last fetch); `false` for folders made offline.
    pub on_remote: bool,
    /// Assets placed directly in it.
    pub asset_count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RemoteOpKind {
    CreateFolder,
    RenameFolder,
    MoveFolder,
    MoveFile,
    TagAdd,
    TagRemove,
    MetaSet,
    MetaUnset,
    RenameFile,
    DeleteFile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RemoteOpState {
    Pending,
    Sending,
    Applied,
    Failed,
}

/// A folder change made offline, waiting for sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RemoteOp {
    pub id: i64,
    pub kind: RemoteOpKind,
    /// The asset a file change is about; `None` for folder changes.
    pub asset_id: Option<i64>,
    /// The remote endpoint's JSON body.
    pub args: Value,
    pub created_at: i64,
    pub state: RemoteOpState,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// A folder change's result: the folder's path after it, and the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FolderChange {
    pub path: String,
    pub edit: EditResult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SearchSort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for SearchSort {
    fn default() -> Self {
        SearchSort { key: SortKey::ImportedAt, descending: true }
    }
}

/// Filters; every one given must hold. Missing fields mean "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SearchFilters {
    pub kinds: Vec<AssetKind>,
    pub statuses: Vec<AssetStatus>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    pub folder: Option<String>,
    pub include_subfolders: bool,
    pub min_duration_s: Option<f64>,
    pub max_duration_s: Option<f64>,
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
}

/// One search; also the JSON a saved search keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SearchRequest {
    /// Words to find in names, tags, metadata values and folders; the last may be partial.
    pub text: Option<String>,
    pub filters: SearchFilters,
    /// The remote's `searchQuery` syntax, e.g. `tags IN ["sale"] AND size > "2mb"`.
    pub remote_query: Option<String>,
    pub sort: SearchSort,
    pub offset: u64,
    /// 1..=10000; default 200.
    pub limit: u64,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            text: None,
            filters: SearchFilters::default(),
            remote_query: None,
            sort: SearchSort::default(),
            offset: 0,
            limit: 200,
        }
    }
}

/// One result: the asset as lists show it, plus its tags for badges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub asset: Asset,
    pub tags: Vec<String>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchPage {
    /// How many assets match in all.
    pub total: u64,
    pub offset: u64,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedSearch {
    pub name: String,
    pub request: SearchRequest,
}

/// What undo reversed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UndoResult {
    pub description: String,
}

/// What a refresh of the remote's catalogue (custom metadata fields and folder tree) fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CatalogueRefresh {
    /// The account it was fetched for, e.g. `sandbox` or `imagekit:public_abc`.
    pub account: String,
    /// Custom metadata fields now kept offline.
    pub fields: u64,
    /// Remote folders now mirrored (every depth).
    pub folders: u64,
}

// ----- from the library's and the remote's types (each source destructured in full, so a new field
// there does not compile until someone decides whether the UI sees it) -----

impl From<sr_library::EditSummary> for EditResult {
    fn from(s: sr_library::EditSummary) -> Self {
        let sr_library::EditSummary { batch_id, assets, description } = s;
        EditResult { batch_id, assets, description }
    }
}

impl From<sr_library::FieldProblem> for FieldProblem {
    fn from(p: sr_library::FieldProblem) -> Self {
        let sr_library::FieldProblem { asset_id, key, message } = p;
        FieldProblem { asset_id, key, message }
    }
}

impl From<sr_imagekit::metadata::FieldType> for FieldType {
    fn from(t: sr_imagekit::metadata::FieldType) -> Self {
        use sr_imagekit::metadata::FieldType as T;
        match t {
            T::Text => FieldType::Text,
            T::Textarea => FieldType::Textarea,
            T::Number => FieldType::Number,
            T::Date => FieldType::Date,
            T::Boolean => FieldType::Boolean,
            T::SingleSelect => FieldType::SingleSelect,
            T::MultiSelect => FieldType::MultiSelect,
        }
    }
}

impl From<&sr_imagekit::metadata::FieldDef> for MetadataField {
    fn from(f: &sr_imagekit::metadata::FieldDef) -> Self {
        let sr_imagekit::metadata::FieldDef { id, name, label, schema, description } = f;
        let required = schema.required();
        let sr_imagekit::metadata::FieldSchema {
            field_type,
            min_value,
            max_value,
            min_length,
            max_length,
            default_value,
            is_value_required: _,
            select_options,
            select_options_truncated: _,
        } = schema;
        MetadataField {
            id: id.clone(),
            name: name.clone(),
            label: label.clone(),
            description: description.clone(),
            field_type: (*field_type).into(),
            min_value: min_value.clone(),
            max_value: max_value.clone(),
            min_length: *min_length,
            max_length: *max_length,
            default_value: default_value.clone(),
            required,
            select_options: select_options.clone(),
        }
    }
}

impl From<sr_library::TagCount> for TagCount {
    fn from(t: sr_library::TagCount) -> Self {
        let sr_library::TagCount { tag, count } = t;
        TagCount { tag, count }
    }
}

impl From<sr_library::FolderEntry> for Folder {
    fn from(f: sr_library::FolderEntry) -> Self {
        let sr_library::FolderEntry { path, on_remote, asset_count } = f;
        Folder { path, on_remote, asset_count }
    }
}

impl From<sr_library::RemoteOp> for RemoteOp {
    fn from(o: sr_library::RemoteOp) -> Self {
        let sr_library::RemoteOp { id, account: _, kind, asset_id, args, created_at, state, attempts, last_error } = o;
        RemoteOp {
            id,
            kind: match kind {
                sr_library::RemoteOpKind::CreateFolder => RemoteOpKind::CreateFolder,
                sr_library::RemoteOpKind::RenameFolder => RemoteOpKind::RenameFolder,
                sr_library::RemoteOpKind::MoveFolder => RemoteOpKind::MoveFolder,
                sr_library::RemoteOpKind::MoveFile => RemoteOpKind::MoveFile,
                sr_library::RemoteOpKind::TagAdd => RemoteOpKind::TagAdd,
                sr_library::RemoteOpKind::TagRemove => RemoteOpKind::TagRemove,
                sr_library::RemoteOpKind::MetaSet => RemoteOpKind::MetaSet,
                sr_library::RemoteOpKind::MetaUnset => RemoteOpKind::MetaUnset,
                sr_library::RemoteOpKind::RenameFile => RemoteOpKind::RenameFile,
                sr_library::RemoteOpKind::DeleteFile => RemoteOpKind::DeleteFile,
            },
            asset_id,
            args,
            created_at,
            state: match state {
                sr_library::RemoteOpState::Pending => RemoteOpState::Pending,
                sr_library::RemoteOpState::Sending => RemoteOpState::Sending,
                sr_library::RemoteOpState::Applied => RemoteOpState::Applied,
                sr_library::RemoteOpState::Failed => RemoteOpState::Failed,
            },
            attempts,
            last_error,
        }
    }
}
