//! Shared state of a running emulator and the rendering of File / Folder objects (spec §5.2, §5.3).

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use crate::config::EmulatorConfig;
use crate::error::{ApiError, ApiResult};
use crate::faults::Faults;
use crate::ratelimit::RateLimiter;
use crate::renders::Renders;
use crate::reqlog::RequestLog;
use crate::store::{FileRow, FolderRow, Store, VersionRec};
use crate::webhook::Webhooks;

pub struct Inner {
    pub cfg: EmulatorConfig,
    pub store: Store,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    pub faults: Faults,
    pub rate: RateLimiter,
    pub log: RequestLog,
    /// Transformed outputs (`<data_dir>/renders/`) and the jobs making them.
    pub renders: Arc<Renders>,
    pub webhooks: Arc<Webhooks>,
}

/// The state every route shares. Build it with [`AppState::new`] and pass it to [`crate::router`].
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Characters kept literal in delivery URL paths (besides alphanumerics).
const PATH_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.').remove(b'~');

pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH_SET).to_string()
}

impl AppState {
    /// Opens (or creates) the library under `config.data_dir`. `base_url` is where it will be served.
    pub fn new(config: EmulatorConfig, base_url: String) -> Result<AppState, crate::EmulatorError> {
        let store = Store::open(&config.data_dir)?;
        let rate = RateLimiter::new(config.rate_limits.clone());
        let renders_dir = config.data_dir.join("renders");
        let renders = Renders::open(renders_dir.clone())
            .map_err(|source| crate::EmulatorError::DataDir { path: renders_dir, source })?;
        let webhooks = Webhooks::new(config.webhook_url.clone(), config.webhook_secret.clone());
        let state = AppState(Arc::new(Inner {
            renders: Arc::new(renders),
            webhooks: Arc::new(webhooks),
            cfg: config,
            store,
            base_url,
            faults: Faults::default(),
            rate,
            log: RequestLog::default(),
        }));
        if state.cfg.seed_demo_fields {
            crate::meta::seed_demo_fields(&state.store)?;
        }
        Ok(state)
    }

    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    /// `http://127.0.0.1:PORT/<imagekit_id>` without the trailing slash.
    pub fn endpoint(&self) -> String {
        format!("{}/{}", self.base_url, self.cfg.imagekit_id)
    }

    /// Basic auth with the private key as username (spec §1.3). Password ignored.
    pub fn check_basic(&self, headers: &HeaderMap) -> ApiResult<()> {
        let Some(h) = headers.get(axum::http::header::AUTHORIZATION) else {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "Your request does not contain private API key."));
        };
        let malformed =
            || ApiError::new(StatusCode::UNAUTHORIZED, "Your request contains a malformed Authorization header.");
        let h = h.to_str().map_err(|_| malformed())?;
        let b64 = h.strip_prefix("Basic ").ok_or_else(malformed)?;
        let raw = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| malformed())?;
        let raw = String::from_utf8(raw).map_err(|_| malformed())?;
        let user = raw.split_once(':').map(|(u, _)| u).unwrap_or(&raw);
        if user != self.cfg.private_key {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "Your account cannot be authenticated."));
        }
        Ok(())
    }

    pub fn file_url(&self, file_path: &str) -> String {
        format!("{}{}", self.endpoint(), encode_path(file_path))
    }

    pub fn thumbnail_url(&self, file_path: &str) -> String {
        format!("{}/tr:n-ik_ml_thumbnail{}", self.endpoint(), encode_path(file_path))
    }

    /// The File object (spec §5.2) for one version of a file.
    pub fn file_object(&self, f: &FileRow, v: &VersionRec) -> Value {
        let current = f.current == v.version_id;
        let path = f.path();
        let suffix = if current { String::new() } else { format!("?ik-obj-version={}", v.version_id) };
        let mut m = Map::new();
        m.insert("type".into(), json!(if current { "file" } else { "file-version" }));
        m.insert("name".into(), json!(f.name));
        m.insert("fileId".into(), json!(f.file_id));
        m.insert("createdAt".into(), json!(if v.number == 1 { &f.created_at } else { &v.created_at }));
        m.insert("updatedAt".into(), json!(v.updated_at));
        m.insert("tags".into(), json!(v.tags));
        m.insert("AITags".into(), json!(v.ai_tags));
        m.insert("versionInfo".into(), json!({"id": v.version_id, "name": format!("Version {}", v.number)}));
        m.insert("embeddedMetadata".into(), Value::Null);
        m.insert("customCoordinates".into(), json!(v.custom_coordinates));
        m.insert("customMetadata".into(), Value::Object(v.custom_metadata.clone()));
        m.insert("isPrivateFile".into(), json!(v.is_private));
        m.insert("isPublished".into(), json!(v.is_published));
        m.insert("url".into(), json!(format!("{}{}", self.file_url(&path), suffix)));
        m.insert("thumbnail".into(), json!(format!("{}{}", self.thumbnail_url(&path), suffix)));
        m.insert("fileType".into(), json!(v.file_type));
        m.insert("filePath".into(), json!(path));
        if let Some(h) = v.height {
            m.insert("height".into(), json!(h));
        }
        if let Some(w) = v.width {
            m.insert("width".into(), json!(w));
        }
        m.insert("size".into(), json!(v.size));
        if let Some(a) = v.has_alpha {
            m.insert("hasAlpha".into(), json!(a));
        }
        m.insert("mime".into(), json!(v.mime));
        if let Some(d) = &v.description {
            m.insert("description".into(), json!(d));
        }
        video_fields(&mut m, v);
        Value::Object(m)
    }

    /// The Folder object (spec §5.3).
    pub fn folder_object(&self, f: &FolderRow) -> Value {
        let trimmed = f.path.trim_end_matches('/');
        let name = trimmed.rsplit('/').next().unwrap_or("");
        json!({
            "type": "folder", "name": name, "folderId": f.folder_id, "folderPath": trimmed,
            "customMetadata": {}, "createdAt": f.created_at, "updatedAt": f.updated_at,
        })
    }

    /// The metadata object (spec §5.13).
    pub fn metadata_object(&self, v: &VersionRec) -> Value {
        let mut m = Map::new();
        if let Some(h) = v.height {
            m.insert("height".into(), json!(h));
        }
        if let Some(w) = v.width {
            m.insert("width".into(), json!(w));
        }
        m.insert("size".into(), json!(v.size));
        m.insert("format".into(), json!(v.format));
        if v.file_type == "image" {
            m.insert("hasColorProfile".into(), json!(false));
            m.insert("quality".into(), json!(0));
            m.insert("density".into(), json!(72));
            m.insert("hasTransparency".into(), json!(v.has_alpha.unwrap_or(false)));
            m.insert(
                "exif".into(),
                json!({"image": {}, "thumbnail": {}, "exif": {}, "gps": {}, "interoperability": {}, "makernote": {}}),
            );
        }
        video_fields(&mut m, v);
        Value::Object(m)
    }
}

fn video_fields(m: &mut Map<String, Value>, v: &VersionRec) {
    if let Some(d) = v.duration {
        m.insert("duration".into(), json!(d));
    }
    if let Some(b) = v.bit_rate {
        m.insert("bitRate".into(), json!(b));
    }
    if let Some(c) = &v.video_codec {
        m.insert("videoCodec".into(), json!(c));
    }
    if let Some(c) = &v.audio_codec {
        m.insert("audioCodec".into(), json!(c));
    }
}
