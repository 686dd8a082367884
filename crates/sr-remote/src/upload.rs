//! Upload API v1 request: the form fields, and the streamed file body with progress, hashing and
//! cancellation.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::RemoteError;

/// Chunk size read from disk and handed to the transport. Large enough that per-chunk overhead
/// (progress callback, hashing call, hyper frame) is negligible, small enough to keep memory flat.
pub(crate) const CHUNK: usize = 1024 * 1024;

/// Where the bytes of an upload come from.
#[derive(Clone, Debug)]
pub enum UploadSource {
    /// A local file, streamed from disk; never read whole into memory.
    Path(PathBuf),
    /// Bytes already in memory.
    Bytes(Bytes),
}

/// Optional fields the upload response should include (`responseFields`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseField {
    Tags,
    CustomCoordinates,
    IsPrivateFile,
    EmbeddedMetadata,
    IsPublished,
    CustomMetadata,
    Metadata,
    SelectedFieldsSchema,
}

impl ResponseField {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseField::Tags => "tags",
            ResponseField::CustomCoordinates => "customCoordinates",
            ResponseField::IsPrivateFile => "isPrivateFile",
            ResponseField::EmbeddedMetadata => "embeddedMetadata",
            ResponseField::IsPublished => "isPublished",
            ResponseField::CustomMetadata => "customMetadata",
            ResponseField::Metadata => "metadata",
            ResponseField::SelectedFieldsSchema => "selectedFieldsSchema",
        }
    }
}

/// One post-upload transformation (`transformation.post[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum PostTransformation {
    /// A derived asset with the given transformation string, e.g. `h-300`.
    Transformation { value: String },
    /// GIF to video; `value` optional.
    GifToVideo {
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// Video thumbnail; `value` optional.
    Thumbnail {
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// Adaptive bitrate streaming, e.g. `sr-240_360_480_720_1080` with `hls` or `dash`.
    Abs { value: String, protocol: AbsProtocol },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AbsProtocol {
    Hls,
    Dash,
}

/// The `transformation` upload field: one `pre` transformation applied before storing, and any number of
/// asynchronous `post` derivatives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UploadTransformation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub post: Vec<PostTransformation>,
}

/// Everything about one upload. Build with [`UploadRequest::new`] and struct-update syntax:
/// `UploadRequest { folder: Some("/summer/".into()), ..UploadRequest::new(source, "dress.mp4") }`.
/// `None` and empty fields are not sent, so the remote's defaults apply.
#[derive(Clone, Debug)]
pub struct UploadRequest {
    pub source: UploadSource,
    pub file_name: String,
    pub folder: Option<String>,
    pub use_unique_file_name: Option<bool>,
    pub overwrite_file: Option<bool>,
    pub overwrite_ai_tags: Option<bool>,
    pub overwrite_tags: Option<bool>,
    pub overwrite_custom_metadata: Option<bool>,
    pub tags: Vec<String>,
    pub custom_metadata: Map<String, Value>,
    pub is_private_file: Option<bool>,
    pub is_published: Option<bool>,
    /// `x,y,width,height`.
    pub custom_coordinates: Option<String>,
    pub response_fields: Vec<ResponseField>,
    pub transformation: Option<UploadTransformation>,
    pub description: Option<String>,
    /// The raw `extensions` array (see the API's extensions section).
    pub extensions: Option<Value>,
    pub webhook_url: Option<String>,
    /// Server-side `checks` expression.
    pub checks: Option<String>,
    /// Compute a blake3 hash of the bytes while they stream (one pass), returned as
    /// [`crate::UploadedFile::content_hash`].
    pub compute_hash: bool,
}

impl UploadRequest {
    pub fn new(source: UploadSource, file_name: impl Into<String>) -> Self {
        UploadRequest {
            source,
            file_name: file_name.into(),
            folder: None,
            use_unique_file_name: None,
            overwrite_file: None,
            overwrite_ai_tags: None,
            overwrite_tags: None,
            overwrite_custom_metadata: None,
            tags: Vec::new(),
            custom_metadata: Map::new(),
            is_private_file: None,
            is_published: None,
            custom_coordinates: None,
            response_fields: Vec::new(),
            transformation: None,
            description: None,
            extensions: None,
            webhook_url: None,
            checks: None,
            compute_hash: false,
        }
    }

    /// The text fields of the multipart form, in wire spelling, every value a string as the API wants:
    /// booleans as `"true"`/`"false"`, arrays joined with `,`, objects as JSON text.
    pub fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut f: Vec<(&'static str, String)> = vec![("fileName", self.file_name.clone())];
        let mut flag = |name: &'static str, v: Option<bool>| {
            if let Some(v) = v {
                f.push((name, v.to_string()));
            }
        };
        flag("useUniqueFileName", self.use_unique_file_name);
        flag("overwriteFile", self.overwrite_file);
        flag("overwriteAITags", self.overwrite_ai_tags);
        flag("overwriteTags", self.overwrite_tags);
        flag("overwriteCustomMetadata", self.overwrite_custom_metadata);
        flag("isPrivateFile", self.is_private_file);
        flag("isPublished", self.is_published);
        if let Some(folder) = &self.folder {
            f.push(("folder", folder.clone()));
        }
        if !self.tags.is_empty() {
            f.push(("tags", self.tags.join(",")));
        }
        if !self.custom_metadata.is_empty() {
            f.push(("customMetadata", Value::Object(self.custom_metadata.clone()).to_string()));
        }
        if let Some(c) = &self.custom_coordinates {
            f.push(("customCoordinates", c.clone()));
        }
        if !self.response_fields.is_empty() {
            let names: Vec<&str> = self.response_fields.iter().map(|r| r.as_str()).collect();
            f.push(("responseFields", names.join(",")));
        }
        if let Some(t) = &self.transformation {
            // Serialising these plain structs cannot fail.
            f.push(("transformation", serde_json::to_string(t).unwrap_or_default()));
        }
        if let Some(d) = &self.description {
            f.push(("description", d.clone()));
        }
        if let Some(e) = &self.extensions {
            f.push(("extensions", e.to_string()));
        }
        if let Some(w) = &self.webhook_url {
            f.push(("webhookUrl", w.clone()));
        }
        if let Some(c) = &self.checks {
            f.push(("checks", c.clone()));
        }
        f
    }
}

/// Bytes of the file body handed to the transport so far, out of `total`. Handed over is not yet
/// acknowledged: the upload is complete only when [`crate::Client::upload`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadProgress {
    pub sent: u64,
    pub total: u64,
}

/// Shared state of one streaming body: bytes handed over and the running hash.
pub(crate) struct BodyTap {
    pub sent: AtomicU64,
    pub hasher: Option<Mutex<blake3::Hasher>>,
    /// A read error of the local source, kept so the caller reports it as a local-file problem rather
    /// than a network one.
    pub read_error: Mutex<Option<std::io::Error>>,
}

impl BodyTap {
    pub fn new(hash: bool) -> Arc<Self> {
        Arc::new(BodyTap {
            sent: AtomicU64::new(0),
            hasher: hash.then(|| Mutex::new(blake3::Hasher::new())),
            read_error: Mutex::new(None),
        })
    }

    pub fn take_read_error(&self) -> Option<std::io::Error> {
        self.read_error.lock().ok()?.take()
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Acquire)
    }

    fn hash(&self, chunk: &[u8]) {
        if let Some(h) = &self.hasher
            && let Ok(mut h) = h.lock()
        {
            h.update(chunk);
        }
    }

    /// The hex hash, if hashing was on and exactly `total` bytes went through (every chunk handed on was
    /// hashed first).
    pub fn finish(&self, total: u64) -> Option<String> {
        let hasher = self.hasher.as_ref()?;
        if self.sent() != total {
            return None;
        }
        let h = hasher.lock().ok()?;
        Some(h.finalize().to_hex().to_string())
    }
}

/// Completes once no body byte has been handed to the transport for `limit` (checked at a quarter of
/// `limit`). Before the body is done this catches a stalled connection; after it, a server that never
/// answers. A slow but moving upload never trips it, however long it takes.
/// Why [`watchdog`] gave up on an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Watchdog {
    /// No body byte moved for the stall limit while sending.
    Stalled,
    /// The whole body went out and no answer came within the response deadline.
    NoAnswer,
}

/// Watches an upload: while the body is being sent, fires when no byte moves for `stall`; once all
/// `total` bytes are out, the remote gets `response` to answer (storing a big video takes longer than
/// any silence allowed mid-body).
pub(crate) async fn watchdog(tap: Arc<BodyTap>, total: u64, stall: Duration, response: Duration) -> Watchdog {
    let tick = (stall.min(response) / 4).max(Duration::from_millis(5));
    let mut last = tap.sent();
    let mut quiet = Duration::ZERO;
    let mut waiting = Duration::ZERO;
    loop {
        tokio::time::sleep(tick).await;
        let now = tap.sent();
        if now >= total {
            waiting += tick;
            if waiting >= response {
                return Watchdog::NoAnswer;
            }
        } else if now != last {
            last = now;
            quiet = Duration::ZERO;
        } else {
            quiet += tick;
            if quiet >= stall {
                return Watchdog::Stalled;
            }
        }
    }
}

pub(crate) type ProgressFn = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// Opens the source and returns (byte length, stream of chunks). When `tap` hashes, every chunk is
/// hashed before it is handed on. Reading errors end the stream with an error, which aborts the request.
///
/// A file is read on a blocking thread straight into fresh buffers that are handed to the transport
/// without another copy, through a channel of a few chunks: memory stays at a few MiB whatever the file
/// size, and hashing runs on that thread, in parallel with the network writes.
pub(crate) async fn open_source(
    source: &UploadSource,
    tap: &Arc<BodyTap>,
) -> Result<(u64, futures_util::stream::BoxStream<'static, std::io::Result<Bytes>>), RemoteError> {
    match source {
        UploadSource::Path(path) => {
            let local = |source| RemoteError::LocalFile { path: path.clone(), source };
            let p = path.clone();
            let (file, meta) = tokio::task::spawn_blocking(move || {
                let file = std::fs::File::open(&p)?;
                let meta = file.metadata()?;
                Ok::<_, std::io::Error>((file, meta))
            })
            .await
            .map_err(|e| local(std::io::Error::other(e)))?
            .map_err(local)?;
            if !meta.is_file() {
                return Err(local(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file")));
            }
            let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(READ_AHEAD);
            let tap = tap.clone();
            tokio::task::spawn_blocking(move || read_file(file, &tap, &tx));
            Ok((meta.len(), tokio_stream_from(rx)))
        }
        UploadSource::Bytes(bytes) => {
            let bytes = bytes.clone();
            let len = bytes.len();
            let tap = tap.clone();
            let chunks = (0..len).step_by(CHUNK).map(move |start| {
                let chunk = bytes.slice(start..(start + CHUNK).min(len));
                tap.hash(&chunk);
                Ok(chunk)
            });
            Ok((len as u64, futures_util::stream::iter(chunks).boxed()))
        }
    }
}

/// Chunks read ahead of the transport (bounds memory to READ_AHEAD + 1 chunks in flight).
const READ_AHEAD: usize = 4;

fn read_file(file: std::fs::File, tap: &BodyTap, tx: &tokio::sync::mpsc::Sender<std::io::Result<Bytes>>) {
    use std::io::Read;
    let mut file = file;
    loop {
        let mut buf = Vec::with_capacity(CHUNK);
        // `read_to_end` on a `Take` fills the spare capacity without zeroing it first.
        match (&mut file).take(CHUNK as u64).read_to_end(&mut buf) {
            Ok(0) => return,
            Ok(_) => {
                tap.hash(&buf);
                if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                    return; // the request was dropped (cancelled or failed)
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                return;
            }
        }
    }
}

fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
) -> futures_util::stream::BoxStream<'static, std::io::Result<Bytes>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}

/// Wraps a chunk stream so that every chunk handed on is counted and reported, and so that
/// cancellation stops the body.
pub(crate) fn tap(
    inner: impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    total: u64,
    tap: Arc<BodyTap>,
    progress: ProgressFn,
    cancel: Option<CancellationToken>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    inner.map(move |chunk| {
        if cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
            return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, "upload cancelled"));
        }
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                let copy = std::io::Error::new(e.kind(), e.to_string());
                if let Ok(mut slot) = tap.read_error.lock() {
                    *slot = Some(e);
                }
                return Err(copy);
            }
        };
        let sent = tap.sent.fetch_add(chunk.len() as u64, Ordering::AcqRel) + chunk.len() as u64;
        progress(UploadProgress { sent, total });
        Ok(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_fields_are_strings_in_wire_spelling() {
        let mut meta = Map::new();
        meta.insert("brand".into(), json!("Nike"));
        meta.insert("price".into(), json!(1200));
        let req = UploadRequest {
            folder: Some("/summer/dresses/".into()),
            use_unique_file_name: Some(false),
            overwrite_file: Some(true),
            tags: vec!["t-shirt".into(), "round-neck".into()],
            custom_metadata: meta,
            is_private_file: Some(false),
            custom_coordinates: Some("10,10,100,100".into()),
            response_fields: vec![ResponseField::Tags, ResponseField::CustomMetadata],
            transformation: Some(UploadTransformation {
                pre: Some("w-500,h-300".into()),
                post: vec![
                    PostTransformation::Thumbnail { value: None },
                    PostTransformation::Abs { value: "sr-240_360".into(), protocol: AbsProtocol::Hls },
                ],
            }),
            extensions: Some(json!([{"name":"google-auto-tagging","maxTags":5,"minConfidence":95}])),
            ..UploadRequest::new(UploadSource::Bytes(Bytes::from_static(b"x")), "dress red.mp4")
        };
        let fields = req.form_fields();
        let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("fileName"), Some("dress red.mp4"));
        assert_eq!(get("useUniqueFileName"), Some("false"));
        assert_eq!(get("overwriteFile"), Some("true"));
        assert_eq!(get("tags"), Some("t-shirt,round-neck"));
        assert_eq!(get("customMetadata"), Some(r#"{"brand":"Nike","price":1200}"#));
        assert_eq!(get("responseFields"), Some("tags,customMetadata"));
        assert_eq!(
            get("transformation"),
            Some(
                r#"{"pre":"w-500,h-300","post":[{"type":"thumbnail"},{"type":"abs","value":"sr-240_360","protocol":"hls"}]}"#
            )
        );
        assert_eq!(get("extensions"), Some(r#"[{"name":"google-auto-tagging","maxTags":5,"minConfidence":95}]"#));
        assert_eq!(get("isPublished"), None, "unset options are left to the remote's defaults");
        assert_eq!(get("description"), None);
    }

    #[tokio::test]
    async fn tapped_stream_counts_hashes_and_reports_every_byte() {
        let data: Bytes = (0..(CHUNK * 2 + 123)).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into();
        let t = BodyTap::new(true);
        let (total, stream) = open_source(&UploadSource::Bytes(data.clone()), &t).await.unwrap();
        assert_eq!(total, data.len() as u64);
        let reports = Arc::new(Mutex::new(Vec::new()));
        let r2 = reports.clone();
        let out: Vec<Bytes> = tap(stream, total, t.clone(), Arc::new(move |p| r2.lock().unwrap().push(p)), None)
            .map(|c| c.unwrap())
            .collect()
            .await;
        assert_eq!(out.concat(), data.to_vec());
        let reports = reports.lock().unwrap();
        assert_eq!(reports.len(), 3);
        assert_eq!(reports.last().unwrap(), &UploadProgress { sent: total, total });
        assert_eq!(t.finish(total), Some(blake3::hash(&data).to_hex().to_string()));
    }

    #[tokio::test]
    async fn cancelled_stream_ends_with_error_and_no_hash() {
        let data = Bytes::from(vec![7u8; CHUNK * 3]);
        let t = BodyTap::new(true);
        let (total, stream) = open_source(&UploadSource::Bytes(data), &t).await.unwrap();
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        let mut s = Box::pin(tap(stream, total, t.clone(), Arc::new(move |_| c2.cancel()), Some(cancel)));
        assert!(s.next().await.unwrap().is_ok());
        assert!(s.next().await.unwrap().is_err());
        assert_eq!(t.sent(), CHUNK as u64);
        assert_eq!(t.finish(total), None);
    }

    #[tokio::test]
    async fn a_file_streams_in_chunks_with_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        let data: Vec<u8> = (0..(CHUNK * 3 + 5)).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let t = BodyTap::new(true);
        let (total, stream) = open_source(&UploadSource::Path(path), &t).await.unwrap();
        let chunks: Vec<Bytes> =
            tap(stream, total, t.clone(), Arc::new(|_| {}), None).map(|c| c.unwrap()).collect().await;
        assert_eq!(chunks.len(), 4);
        assert!(chunks.iter().all(|c| c.len() <= CHUNK));
        assert_eq!(chunks.concat(), data);
        assert_eq!(t.finish(total), Some(blake3::hash(&data).to_hex().to_string()));
    }

    #[tokio::test(start_paused = true)]
    async fn the_watchdog_tolerates_slow_progress_and_fires_on_silence() {
        use std::time::Duration;
        let t = BodyTap::new(false);
        let total = 1_000;
        let mut dog = Box::pin(watchdog(t.clone(), total, Duration::from_millis(400), Duration::from_secs(30)));
        // Ten seconds (virtual) of slow but steady progress: far past the limit, never a stall.
        for _ in 0..100 {
            tokio::select! {
                _ = &mut dog => panic!("fired while bytes were moving"),
                () = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
            t.sent.fetch_add(1, Ordering::AcqRel);
        }
        // Then silence: it fires.
        let why = tokio::time::timeout(Duration::from_secs(1), dog).await.expect("fires after the limit of silence");
        assert_eq!(why, Watchdog::Stalled);
    }

    #[tokio::test(start_paused = true)]
    async fn once_the_whole_body_is_out_the_answer_gets_its_own_longer_deadline() {
        use std::time::Duration;
        let t = BodyTap::new(false);
        t.sent.store(1_000, Ordering::Release);
        let mut dog = Box::pin(watchdog(t.clone(), 1_000, Duration::from_millis(400), Duration::from_secs(30)));
        // Far past the mid-body stall limit, the remote is still storing the file: keep waiting.
        tokio::select! {
            _ = &mut dog => panic!("a slow answer was taken for a dead connection"),
            () = tokio::time::sleep(Duration::from_secs(20)) => {}
        }
        let why = tokio::time::timeout(Duration::from_secs(15), dog).await.expect("fires at the response deadline");
        assert_eq!(why, Watchdog::NoAnswer);
    }

    #[tokio::test]
    async fn missing_file_is_a_local_file_error() {
        let err = open_source(&UploadSource::Path("/nonexistent/dress.mp4".into()), &BodyTap::new(false))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, RemoteError::LocalFile { .. }));
        assert!(err.to_string().contains("/nonexistent/dress.mp4"));
    }
}
