//! Request bodies and query strings of the management API.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// `type` filter of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemTypeFilter {
    File,
    FileVersion,
    Folder,
    /// Files and folders (not file versions).
    All,
}

/// `fileType` filter of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileTypeFilter {
    All,
    Image,
    NonImage,
}

/// Sort order of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sort {
    AscName,
    DescName,
    AscCreated,
    DescCreated,
    AscUpdated,
    DescUpdated,
    AscHeight,
    DescHeight,
    AscWidth,
    DescWidth,
    AscSize,
    DescSize,
    AscRelevance,
    DescRelevance,
}

/// Query of `GET /v1/files`. Every field is optional; `None` leaves the remote's default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// One folder level, e.g. `/sales-banner/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Lucene-like filter; when present the remote ignores `tags`, `type_` and `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_type: Option<FileTypeFilter>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<ItemTypeFilter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    /// Match any of these tags (legacy filter); sent comma-joined.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<u32>,
    /// 1..=1000 (the remote's default and maximum is 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

fn comma_joined<S: Serializer>(tags: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&tags.join(","))
}

/// Which AI tags to remove in a details update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemoveAiTags {
    All,
    Named(Vec<String>),
}

impl Serialize for RemoveAiTags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RemoveAiTags::All => s.serialize_str("all"),
            RemoveAiTags::Named(names) => names.serialize(s),
        }
    }
}

/// Details update of a file (`PATCH /v1/files/{id}/details`, shape A). Unset fields are not sent and stay
/// as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFile {
    /// Replaces the whole tag list; `Some(vec![])` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Keys sent are set; a key whose value is `null` is removed.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_metadata: Map<String, Value>,
    #[serde(rename = "removeAITags", skip_serializing_if = "Option::is_none")]
    pub remove_ai_tags: Option<RemoveAiTags>,
    /// `Some(Some("x,y,w,h"))` sets, `Some(None)` unsets, `None` leaves alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_coordinates: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Raw `extensions` array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

/// Publication change (shape B).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Publish {
    pub is_published: bool,
    /// Apply to all versions, not only the current one.
    pub include_file_versions: bool,
}

/// The two alternative bodies of a file update: details or publication, never both.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "a short-lived request body; boxing would only burden callers")]
pub enum FileUpdate {
    Details(UpdateFile),
    Publish(Publish),
}

impl Serialize for FileUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wrapper<'a> {
            publish: &'a Publish,
        }
        match self {
            FileUpdate::Details(d) => d.serialize(s),
            FileUpdate::Publish(p) => Wrapper { publish: p }.serialize(s),
        }
    }
}

impl From<UpdateFile> for FileUpdate {
    fn from(d: UpdateFile) -> Self {
        FileUpdate::Details(d)
    }
}

impl From<Publish> for FileUpdate {
    fn from(p: Publish) -> Self {
        FileUpdate::Publish(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_query_uses_wire_names_and_skips_unset() {
        let q = ListQuery {
            path: Some("/summer/".into()),
            type_: Some(ItemTypeFilter::FileVersion),
            file_type: Some(FileTypeFilter::NonImage),
            sort: Some(Sort::DescCreated),
            tags: vec!["red".into(), "sale".into()],
            limit: Some(50),
            ..Default::default()
        };
        let v = serde_json::to_value(&q).unwrap();
        assert_eq!(
            v,
            json!({"path":"/summer/","fileType":"non-image","type":"file-version","sort":"DESC_CREATED","tags":"red,sale","limit":50})
        );
    }

    #[test]
    fn update_bodies_match_the_two_shapes() {
        let mut meta = Map::new();
        meta.insert("color".into(), json!("red"));
        meta.insert("old".into(), Value::Null);
        let details = FileUpdate::Details(UpdateFile {
            tags: Some(vec!["a".into()]),
            custom_metadata: meta,
            remove_ai_tags: Some(RemoveAiTags::All),
            custom_coordinates: Some(None),
            ..Default::default()
        });
        assert_eq!(
            serde_json::to_value(&details).unwrap(),
            json!({"tags":["a"],"customMetadata":{"color":"red","old":null},"removeAITags":"all","customCoordinates":null})
        );
        let publish = FileUpdate::Publish(Publish { is_published: false, include_file_versions: true });
        assert_eq!(
            serde_json::to_value(&publish).unwrap(),
            json!({"publish":{"isPublished":false,"includeFileVersions":true}})
        );
        let named = UpdateFile { remove_ai_tags: Some(RemoveAiTags::Named(vec!["Car".into()])), ..Default::default() };
        assert_eq!(serde_json::to_value(&named).unwrap(), json!({"removeAITags":["Car"]}));
    }
}
