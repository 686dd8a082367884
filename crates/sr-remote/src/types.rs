//! Wire types of the media-library API (JSON, camelCase), as the remote sends and accepts them.
//!
//! Optional fields are `Option` or defaulted so that an older or newer server that omits or adds fields
//! still parses. Unknown fields are ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use sr_imagekit::metadata::FieldSchema;
#[cfg(doc)]
use sr_imagekit::metadata::{FieldDef, NewField};

/// `versionInfo` of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub id: String,
    pub name: String,
}

/// One automatically detected tag (`AITags`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AiTag {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Whether a file entry is the current file or an older version of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    #[default]
    #[serde(rename = "file")]
    File,
    #[serde(rename = "file-version")]
    FileVersion,
}

/// A file in the media library (list, details, update, versions, restore).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct File {
    pub file_id: String,
    #[serde(rename = "type", default)]
    pub kind: FileKind,
    pub name: String,
    pub file_path: String,
    #[serde(default)]
    pub url: String,
    /// Thumbnail URL (the upload response calls this `thumbnailUrl`, see [`UploadedFile`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// `image` or `non-image` (video is `non-image`).
    #[serde(default)]
    pub file_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u32")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u32")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_alpha: Option<bool>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(rename = "AITags", default)]
    pub ai_tags: Option<Vec<AiTag>>,
    pub version_info: VersionInfo,
    #[serde(default)]
    pub is_private_file: bool,
    #[serde(default = "yes")]
    pub is_published: bool,
    #[serde(default)]
    pub custom_coordinates: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_fields_schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_status: Option<Map<String, Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Seconds; video only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// kbit/s; video only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_codec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_codec: Option<String>,
}

/// A folder in list results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Folder {
    pub folder_id: String,
    pub name: String,
    pub folder_path: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// One entry of a list/search result, told apart by its `type` field.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `type: "file"` or `"file-version"` (see [`File::kind`]).
    File(Box<File>),
    /// `type: "folder"`.
    Folder(Folder),
    /// An entry of a type this client does not know, kept as sent.
    Other(Value),
}

impl Item {
    pub fn as_file(&self) -> Option<&File> {
        match self {
            Item::File(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_folder(&self) -> Option<&Folder> {
        match self {
            Item::Folder(f) => Some(f),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("file");
        match kind {
            "file" | "file-version" => {
                serde_json::from_value(value).map(|f| Item::File(Box::new(f))).map_err(serde::de::Error::custom)
            }
            "folder" => serde_json::from_value(value).map(Item::Folder).map_err(serde::de::Error::custom),
            _ => Ok(Item::Other(value)),
        }
    }
}

impl Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Item::File(f) => f.serialize(serializer),
            Item::Folder(f) => {
                let mut v = serde_json::to_value(f).map_err(serde::ser::Error::custom)?;
                if let Value::Object(map) = &mut v {
                    map.insert("type".into(), Value::String("folder".into()));
                }
                v.serialize(serializer)
            }
            Item::Other(v) => v.serialize(serializer),
        }
    }
}

/// The answer to an upload. Differs from [`File`]: `thumbnailUrl` instead of `thumbnail`, no `type`, and the
/// optional fields appear only when requested through `responseFields`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFile {
    pub file_id: String,
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_info: Option<VersionInfo>,
    pub file_path: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u32")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u32")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(rename = "AITags", default)]
    pub ai_tags: Option<Vec<AiTag>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_coordinates: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_private_file: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_published: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_metadata: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_fields_schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_status: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_codec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_codec: Option<String>,
    /// Not from the wire: the blake3 hash (hex) of exactly the bytes that were sent, when the upload was
    /// asked to compute it (`UploadRequest::compute_hash`).
    #[serde(skip)]
    pub content_hash: Option<String>,
}

/// The technical metadata of a file (`GET /v1/files/{id}/metadata`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u32")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u32")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_color_profile: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_transparency: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exif: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_codec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_codec: Option<String>,
}

/// Body of `PATCH /v1/customMetadataFields/{id}`: at least one of `label` or `schema`. A schema's type
/// cannot change. The field itself, on the way out and back, is `sr_imagekit::metadata`'s
/// [`NewField`]/[`FieldDef`]: one type for the app, the emulator and the offline validator.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomMetadataFieldUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<FieldSchema>,
    /// An empty string clears the description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Per-id failure inside a 207 bulk answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkItemError {
    pub file_id: String,
    pub error: String,
}

/// Outcome of a bulk call (delete, add/remove tags). `errors` is non-empty only on a 207.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub succeeded: Vec<String>,
    pub errors: Vec<BulkItemError>,
}

impl BulkOutcome {
    /// True when every id succeeded.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Outcome of a file rename.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameOutcome {
    /// Renamed; `purge_request_id` is set when a cache purge was requested and accepted.
    Renamed { purge_request_id: Option<String> },
    /// Renamed, but the cache purge of the old URL failed (207 `PURGE_FAILED`); old URLs may still be
    /// served from the CDN for a while.
    RenamedPurgeFailed { message: String },
}

/// Kind of an asynchronous folder job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BulkJobType {
    CopyFolder,
    MoveFolder,
    RenameFolder,
    #[serde(other)]
    Other,
}

/// Status of a job or purge request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Pending,
    Completed,
    #[serde(other)]
    Other,
}

impl JobStatus {
    pub fn is_terminal(&self) -> bool {
        matches!(self, JobStatus::Completed)
    }
}

/// `GET /v1/bulkJobs/{jobId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkJob {
    pub job_id: String,
    #[serde(rename = "type")]
    pub kind: BulkJobType,
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purge_request_id: Option<String>,
}

fn yes() -> bool {
    true
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Accepts integers and integral floats (`1280` or `1280.0`).
fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let v = n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64));
            Ok(v.and_then(|v| u32::try_from(v).ok()))
        }
        Some(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sr_imagekit::metadata::{FieldDef, FieldType};

    #[test]
    fn list_items_split_by_type() {
        let items: Vec<Item> = serde_json::from_value(json!([
            {"type":"file","name":"sample-car.jpeg","fileId":"61b3f7bf75889b0b19970117",
             "createdAt":"2021-12-11T00:58:39.685Z","updatedAt":"2022-05-19T10:57:07.511Z",
             "tags":["luxury"],"AITags":[{"name":"Car","confidence":99.87,"source":"aws-auto-tagging"}],
             "versionInfo":{"id":"61b3f7bf75889b0b19970117","name":"Version 1"},
             "embeddedMetadata":null,"customCoordinates":null,"customMetadata":{},
             "isPrivateFile":false,"isPublished":true,
             "url":"https://ik.imagekit.io/demo/sample-car.jpeg",
             "thumbnail":"https://ik.imagekit.io/demo/tr:n-ik_ml_thumbnail/sample-car.jpeg",
             "fileType":"image","filePath":"/sample-car.jpeg",
             "height":638,"width":1342.0,"size":1451076,"hasAlpha":true,"mime":"image/png"},
            {"type":"folder","name":"summer","folderId":"64fb1c2d8a7b4c1234567890",
             "folderPath":"/product/images/summer","customMetadata":{},
             "createdAt":"2023-01-01T00:00:00.000Z","updatedAt":"2023-01-01T00:00:00.000Z"},
            {"type":"collection","name":"x"}
        ]))
        .unwrap();
        let file = items[0].as_file().unwrap();
        assert_eq!(file.kind, FileKind::File);
        assert_eq!(file.width, Some(1342));
        assert_eq!(file.ai_tags.as_ref().unwrap()[0].name, "Car");
        assert_eq!(file.tags.as_deref(), Some(&["luxury".to_owned()][..]));
        assert_eq!(items[1].as_folder().unwrap().folder_path, "/product/images/summer");
        assert!(matches!(items[2], Item::Other(_)));
    }

    #[test]
    fn upload_response_uses_thumbnail_url_and_tolerates_missing_optionals() {
        let up: UploadedFile = serde_json::from_value(json!({
            "fileId":"6540dbea002322e4ebe30de2","name":"image_iEyH1dQme.jpg","size":2300818,
            "versionInfo":{"id":"6540dbea002322e4ebe30de2","name":"Version 1"},
            "filePath":"/image_iEyH1dQme.jpg","url":"https://ik.imagekit.io/demo/image_iEyH1dQme.jpg",
            "fileType":"image","height":4608,"width":3456,
            "thumbnailUrl":"https://ik.imagekit.io/demo/tr:n-ik_ml_thumbnail/image_iEyH1dQme.jpg","AITags":null
        }))
        .unwrap();
        assert_eq!(
            up.thumbnail_url.as_deref(),
            Some("https://ik.imagekit.io/demo/tr:n-ik_ml_thumbnail/image_iEyH1dQme.jpg")
        );
        assert_eq!(up.tags, None);
        assert_eq!(up.ai_tags, None);
        assert_eq!(up.content_hash, None);
    }

    #[test]
    /// The client reads fields as `sr_imagekit`'s type straight from the wire.
    fn custom_field_schema_round_trips_in_wire_spelling() {
        let field: FieldDef = serde_json::from_value(json!({
            "id":"598821f949c0a938d57563dd","name":"size","label":"Size",
            "schema":{"type":"SingleSelect","selectOptions":["S","M"],"isValueRequired":true,"defaultValue":"M"}
        }))
        .unwrap();
        assert_eq!(field.schema.field_type, FieldType::SingleSelect);
        let back = serde_json::to_value(&field.schema).unwrap();
        assert_eq!(
            back,
            json!({"type":"SingleSelect","selectOptions":["S","M"],"isValueRequired":true,"defaultValue":"M"})
        );
    }
}
