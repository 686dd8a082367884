//! The HTTP client: one method per API call, every one async and typed.

mod delivery;
mod download;

pub use delivery::DeliveryAnswer;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use reqwest::{Body, Method, RequestBuilder, StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sr_imagekit::metadata::{FieldDef, NewField};
use tokio_util::sync::CancellationToken;

use crate::config::{RemoteAuth, RemoteConfig, Secret, Timeouts};
use crate::error::{self, RemoteError};
use crate::query::{FileUpdate, ListQuery};
use crate::record::RequestIds;
use crate::retry::{RetryPolicy, with_retry};
use crate::types::*;
use crate::upload::{self, BodyTap, UploadProgress, UploadRequest};

/// Largest success body read from the management API (a listing page of 1000 items is a few MiB).
const JSON_BODY_CAP: usize = 32 * 1024 * 1024;
/// Largest part of an error body read; the rest is dropped (only a short message is needed).
const ERROR_BODY_CAP: usize = 64 * 1024;
/// Largest answer read from the organisation's upload sign-in endpoint (`{token, expire, signature}`).
const AUTH_BODY_CAP: usize = 16 * 1024;

/// Total deadline for a management (JSON) call. Uploads have none; they rely on connect/read timeouts.
const MANAGEMENT_DEADLINE: Duration = Duration::from_secs(120);

/// A client for one media-library account. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct Client {
    /// Management and auth-endpoint calls: connect + read timeout (reqwest's read timeout runs from the
    /// start of the request, which is right for small JSON calls).
    http: reqwest::Client,
    /// Uploads: connect timeout only. reqwest's read timeout would also run while the body is still being
    /// sent and kill any upload longer than it, so uploads use [`upload::stall_watchdog`] instead.
    upload_http: reqwest::Client,
    timeouts: Timeouts,
    config: Arc<RemoteConfig>,
    api_base: Url,
    upload_url: Url,
    /// Where this client records the request id of every answer (see [`Client::recording`]).
    recorder: Option<RequestIds>,
}

/// Body of the organisation's auth endpoint (client-side uploads).
#[derive(Deserialize)]
struct UploadAuthParams {
    token: String,
    expire: Value,
    signature: String,
}

impl Client {
    /// A client with default timeouts (connect 10 s, read 60 s, no total deadline on uploads).
    pub fn new(config: RemoteConfig) -> Result<Client, RemoteError> {
        Client::with_timeouts(config, Timeouts::default())
    }

    pub fn with_timeouts(config: RemoteConfig, timeouts: Timeouts) -> Result<Client, RemoteError> {
        let api_base = parse_base("API address", &config.api_base)?;
        let upload_base = parse_base("upload address", &config.upload_base)?;
        let upload_url = join(&upload_base, &["api", "v1", "files", "upload"])?;
        if let RemoteAuth::AuthEndpoint { url, .. } = &config.auth {
            parse_base("upload sign-in address", url)?;
        }
        if let RemoteAuth::PrivateKey(key) = &config.auth
            && key.is_empty()
        {
            return Err(RemoteError::Config { message: "The private key is empty.".into() });
        }
        let user_agent = concat!("stockroom-sr-remote/", env!("CARGO_PKG_VERSION"));
        let started =
            |e: reqwest::Error| RemoteError::Config { message: format!("The HTTP client could not start ({e}).") };
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            // A redirect would carry the key (same host) or the request somewhere unchecked: never follow.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .map_err(started)?;
        let upload_http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .map_err(started)?;
        Ok(Client { http, upload_http, timeouts, config: Arc::new(config), api_base, upload_url, recorder: None })
    }

    /// This client (same connection pool) recording into `ids` the request id of every answer it
    /// receives, successes too: a sync run keeps the ids of all its calls in its history.
    pub fn recording(&self, ids: &RequestIds) -> Client {
        Client { recorder: Some(ids.clone()), ..self.clone() }
    }

    fn record(&self, headers: &HeaderMap) {
        if let Some(r) = &self.recorder {
            r.record(error::request_id(headers));
        }
    }

    pub fn config(&self) -> &RemoteConfig {
        &self.config
    }

    // ---------------------------------------------------------------------------------------------
    // Upload

    /// Uploads one file (Upload API v1, multipart), streaming it from disk.
    ///
    /// `progress` is called for every chunk handed to the transport; the upload is complete only when
    /// this returns `Ok`. Cancelling `cancel` aborts the request and returns [`RemoteError::Cancelled`].
    /// Never retried here: a failed upload is for the caller (the upload queue) to repeat, and with
    /// [`RemoteAuth::AuthEndpoint`] each call fetches a fresh one-time token.
    pub async fn upload<P>(
        &self,
        request: UploadRequest,
        progress: P,
        cancel: Option<CancellationToken>,
    ) -> Result<UploadedFile, RemoteError>
    where
        P: Fn(UploadProgress) + Send + Sync + 'static,
    {
        let work = self.upload_inner(request, Arc::new(progress), cancel.clone());
        match cancel {
            Some(token) => tokio::select! {
                biased;
                _ = token.cancelled() => Err(RemoteError::Cancelled),
                result = work => result,
            },
            None => work.await,
        }
    }

    async fn upload_inner(
        &self,
        request: UploadRequest,
        progress: upload::ProgressFn,
        cancel: Option<CancellationToken>,
    ) -> Result<UploadedFile, RemoteError> {
        if cancel.as_ref().is_some_and(CancellationToken::is_cancelled) {
            return Err(RemoteError::Cancelled);
        }
        let client_auth = match &self.config.auth {
            RemoteAuth::PrivateKey(_) => None,
            RemoteAuth::AuthEndpoint { public_key, url, token } => {
                Some((public_key.clone(), self.fetch_upload_auth(url, token.as_ref()).await?))
            }
        };

        let tap = BodyTap::new(request.compute_hash);
        let (total, chunks) = upload::open_source(&request.source, &tap).await?;
        let stream = upload::tap(chunks, total, tap.clone(), progress, cancel.clone());
        let part = Part::stream_with_length(Body::wrap_stream(stream), total)
            .file_name(request.file_name.clone())
            .mime_str("application/octet-stream")
            .map_err(|e| RemoteError::Config { message: format!("Bad content type ({e}).") })?;

        let mut form = Form::new();
        for (name, value) in request.form_fields() {
            form = form.text(name, value);
        }
        if let Some((public_key, auth)) = client_auth {
            let expire = match auth.expire {
                Value::String(s) => s,
                other => other.to_string(),
            };
            form = form
                .text("publicKey", public_key)
                .text("token", auth.token)
                .text("expire", expire)
                .text("signature", auth.signature);
        }
        // The file goes last, so the server sees every option before the bytes.
        form = form.part("file", part);

        let mut rb = self.upload_http.post(self.upload_url.clone()).multipart(form);
        if let RemoteAuth::PrivateKey(key) = &self.config.auth {
            rb = rb.basic_auth(key.expose(), Some(""));
        }

        let fail = |e: reqwest::Error| {
            if cancel.as_ref().is_some_and(CancellationToken::is_cancelled) {
                return RemoteError::Cancelled;
            }
            if let Some(source) = tap.take_read_error() {
                return match &request.source {
                    upload::UploadSource::Path(path) => RemoteError::LocalFile { path: path.clone(), source },
                    upload::UploadSource::Bytes(_) => error::from_transport(&e, tap.sent(), total),
                };
            }
            error::from_transport(&e, tap.sent(), total)
        };
        let exchange = async {
            let response = rb.send().await.map_err(fail)?;
            let status = response.status();
            let headers = response.headers().clone();
            self.record(&headers);
            let body = read_capped(response, JSON_BODY_CAP).await.map_err(|e| match e {
                // The request went out whole; only the answer was lost.
                RemoteError::Network { message, .. } => {
                    RemoteError::Network { message, sent_bytes: tap.sent(), maybe_delivered: true }
                }
                other => other,
            })?;
            Ok::<_, RemoteError>((status, headers, body))
        };
        let (stall, response) = (self.timeouts.read, self.timeouts.response);
        let (status, headers, body) = tokio::select! {
            result = exchange => result?,
            why = upload::watchdog(tap.clone(), total, stall, response) => {
                let sent = tap.sent();
                let message = match why {
                    upload::Watchdog::Stalled => {
                        format!("the connection timed out (nothing moved for {} s)", stall.as_secs_f64())
                    }
                    upload::Watchdog::NoAnswer => format!(
                        "the connection timed out (the media library did not answer within {} s of receiving the whole file)",
                        response.as_secs_f64()
                    ),
                };
                return Err(RemoteError::Network { message, sent_bytes: sent, maybe_delivered: sent >= total });
            }
        };
        if !status.is_success() || status == StatusCode::MULTI_STATUS {
            return Err(error::from_response_parts(status, &headers, &body));
        }
        let mut uploaded: UploadedFile = parse(&headers, &body)?;
        uploaded.content_hash = tap.finish(total);
        tracing::debug!(file_id = %uploaded.file_id, bytes = total, "uploaded");
        Ok(uploaded)
    }

    async fn fetch_upload_auth(&self, url: &str, token: Option<&Secret>) -> Result<UploadAuthParams, RemoteError> {
        let url = parse_base("upload sign-in address", url)?;
        let mut rb = self.http.get(url).timeout(MANAGEMENT_DEADLINE);
        if let Some(t) = token {
            rb = rb.bearer_auth(t.expose());
        }
        let response = rb.send().await.map_err(|e| error::from_transport(&e, 0, 0))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_capped(response, AUTH_BODY_CAP).await?;
        if !status.is_success() {
            let inner = error::from_response_parts(status, &headers, &body);
            return Err(match inner {
                RemoteError::Server { .. } | RemoteError::RateLimited { .. } | RemoteError::Network { .. } => inner,
                other => RemoteError::Authentication {
                    message: format!(
                        "The upload sign-in service refused to sign the upload (HTTP {}: {}).",
                        status.as_u16(),
                        other_message(&other)
                    ),
                    request_id: None,
                },
            });
        }
        parse(&headers, &body)
    }

    // ---------------------------------------------------------------------------------------------
    // Files

    /// One page of `GET /v1/files`: files, file versions and folders, as asked by `query`.
    pub async fn list_files(&self, query: &ListQuery) -> Result<Vec<Item>, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "files"])?.query(query);
        self.call_json(rb).await
    }

    /// Every item matching `query`, paging with `skip`/`limit` (limit defaults to 1000) until a page comes
    /// back empty. Each page is retried on rate limits and transient failures. For big listings prefer
    /// [`Client::pages`], which holds one page at a time and can stop early.
    pub async fn list_all(&self, query: &ListQuery) -> Result<Vec<Item>, RemoteError> {
        let mut pages = self.pages(query);
        let mut all = Vec::new();
        while let Some(page) = pages.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// The listing of `query` one page at a time (see [`Pages::next_page`]).
    pub fn pages(&self, query: &ListQuery) -> Pages<'_> {
        Pages {
            client: self,
            query: query.clone(),
            limit: query.limit.unwrap_or(1000).clamp(1, 1000),
            skip: query.skip.unwrap_or(0),
            last: None,
            done: false,
        }
    }

    pub async fn get_file_details(&self, file_id: &str) -> Result<File, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "files", file_id, "details"])?;
        self.call_json(rb).await
    }

    /// Updates tags, custom metadata, coordinates, description or AI tags ([`FileUpdate::Details`]), or the
    /// publication status ([`FileUpdate::Publish`]). Returns the updated file.
    pub async fn update_file_details(&self, file_id: &str, update: impl Into<FileUpdate>) -> Result<File, RemoteError> {
        let rb = self.api(Method::PATCH, &["v1", "files", file_id, "details"])?.json(&update.into());
        self.call_json(rb).await
    }

    /// Deletes the file and all its versions.
    pub async fn delete_file(&self, file_id: &str) -> Result<(), RemoteError> {
        let rb = self.api(Method::DELETE, &["v1", "files", file_id])?;
        self.call_empty(rb).await
    }

    /// Deletes up to 100 files. A missing id fails the whole call with
    /// [`RemoteError::NotFound`] (`missing_file_ids`) and deletes nothing; a 207 is returned as an outcome
    /// with per-id `errors`.
    pub async fn bulk_delete(&self, file_ids: &[String]) -> Result<BulkOutcome, RemoteError> {
        let rb =
            self.api(Method::POST, &["v1", "files", "batch", "deleteByFileIds"])?.json(&json!({ "fileIds": file_ids }));
        self.call_bulk(rb, "successfullyDeletedFileIds").await
    }

    /// Copies a file into `destination_path` (a folder). A same-name file there gets the copy as new
    /// version(s).
    pub async fn copy_file(
        &self,
        source_file_path: &str,
        destination_path: &str,
        include_file_versions: bool,
    ) -> Result<(), RemoteError> {
        let body = json!({
            "sourceFilePath": source_file_path,
            "destinationPath": destination_path,
            "includeFileVersions": include_file_versions,
        });
        let rb = self.api(Method::POST, &["v1", "files", "copy"])?.json(&body);
        self.call_empty(rb).await
    }

    /// Moves a file (all versions) into `destination_path` (a folder).
    pub async fn move_file(&self, source_file_path: &str, destination_path: &str) -> Result<(), RemoteError> {
        let body = json!({ "sourceFilePath": source_file_path, "destinationPath": destination_path });
        let rb = self.api(Method::POST, &["v1", "files", "move"])?.json(&body);
        self.call_empty(rb).await
    }

    /// Renames a file (all versions). A name already taken is [`RemoteError::Conflict`].
    pub async fn rename_file(
        &self,
        file_path: &str,
        new_file_name: &str,
        purge_cache: bool,
    ) -> Result<RenameOutcome, RemoteError> {
        let body = json!({ "filePath": file_path, "newFileName": new_file_name, "purgeCache": purge_cache });
        let rb = self.api(Method::PUT, &["v1", "files", "rename"])?.json(&body);
        let (status, headers, body) = self.call_raw(rb).await?;
        let json: Value = parse_or_empty(&headers, &body)?;
        if status == StatusCode::MULTI_STATUS {
            let message = json.get("message").and_then(Value::as_str).unwrap_or("the cache purge failed").to_owned();
            return Ok(RenameOutcome::RenamedPurgeFailed { message });
        }
        Ok(RenameOutcome::Renamed {
            purge_request_id: json.get("purgeRequestId").and_then(Value::as_str).map(str::to_owned),
        })
    }

    /// Adds tags to up to 50 files (current versions).
    pub async fn add_tags(&self, file_ids: &[String], tags: &[String]) -> Result<BulkOutcome, RemoteError> {
        let rb =
            self.api(Method::POST, &["v1", "files", "addTags"])?.json(&json!({ "fileIds": file_ids, "tags": tags }));
        self.call_bulk(rb, "successfullyUpdatedFileIds").await
    }

    /// Removes tags from up to 50 files.
    pub async fn remove_tags(&self, file_ids: &[String], tags: &[String]) -> Result<BulkOutcome, RemoteError> {
        let rb =
            self.api(Method::POST, &["v1", "files", "removeTags"])?.json(&json!({ "fileIds": file_ids, "tags": tags }));
        self.call_bulk(rb, "successfullyUpdatedFileIds").await
    }

    /// Removes AI tags (by name) from up to 50 files.
    pub async fn remove_ai_tags(&self, file_ids: &[String], ai_tags: &[String]) -> Result<BulkOutcome, RemoteError> {
        let rb = self
            .api(Method::POST, &["v1", "files", "removeAITags"])?
            .json(&json!({ "fileIds": file_ids, "AITags": ai_tags }));
        self.call_bulk(rb, "successfullyUpdatedFileIds").await
    }

    // ---------------------------------------------------------------------------------------------
    // Versions and metadata

    /// All versions of a file, the current one included.
    pub async fn list_versions(&self, file_id: &str) -> Result<Vec<File>, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "files", file_id, "versions"])?;
        self.call_json(rb).await
    }

    pub async fn get_version(&self, file_id: &str, version_id: &str) -> Result<File, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "files", file_id, "versions", version_id])?;
        self.call_json(rb).await
    }

    /// Deletes a non-current version (the current one cannot be deleted: [`RemoteError::Validation`]).
    pub async fn delete_version(&self, file_id: &str, version_id: &str) -> Result<(), RemoteError> {
        let rb = self.api(Method::DELETE, &["v1", "files", file_id, "versions", version_id])?;
        self.call_empty(rb).await
    }

    /// Makes `version_id` the current version; returns the file as it now is.
    pub async fn restore_version(&self, file_id: &str, version_id: &str) -> Result<File, RemoteError> {
        let rb = self.api(Method::PUT, &["v1", "files", file_id, "versions", version_id, "restore"])?;
        self.call_json(rb).await
    }

    /// Technical metadata (dimensions, format, EXIF, video codecs) of an uploaded file.
    pub async fn file_metadata(&self, file_id: &str) -> Result<FileMetadata, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "files", file_id, "metadata"])?;
        self.call_json(rb).await
    }

    /// Technical metadata of a delivery URL of this account (`GET /v1/metadata?url=`).
    pub async fn url_metadata(&self, url: &str) -> Result<FileMetadata, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "metadata"])?.query(&[("url", url)]);
        self.call_json(rb).await
    }

    // ---------------------------------------------------------------------------------------------
    // Custom metadata fields

    pub async fn create_custom_metadata_field(&self, field: &NewField) -> Result<FieldDef, RemoteError> {
        let rb = self.api(Method::POST, &["v1", "customMetadataFields"])?.json(field);
        self.call_field(rb).await
    }

    /// The account's fields. With `include_deleted` the deleted ones come too, indistinguishable: the
    /// shared [`FieldDef`] has no `isDeleted`.
    ///
    /// A field Stockroom cannot read (a type it does not know) makes the whole call an
    /// [`RemoteError::InvalidResponse`] naming that field, never a shorter list: checking values
    /// against a schema with a field missing would refuse a value the remote accepts ("no such field")
    /// or let a required field go empty.
    pub async fn list_custom_metadata_fields(&self, include_deleted: bool) -> Result<Vec<FieldDef>, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "customMetadataFields"])?.query(&[("includeDeleted", include_deleted)]);
        let (headers, body) = self.call_ok(rb).await?;
        let fields: Vec<Value> = parse(&headers, &body)?;
        fields.into_iter().map(|f| read_field(&headers, f)).collect()
    }

    pub async fn update_custom_metadata_field(
        &self,
        field_id: &str,
        update: &CustomMetadataFieldUpdate,
    ) -> Result<FieldDef, RemoteError> {
        let rb = self.api(Method::PATCH, &["v1", "customMetadataFields", field_id])?.json(update);
        self.call_field(rb).await
    }

    /// Deletes a field. Its name can never be used again on this account.
    pub async fn delete_custom_metadata_field(&self, field_id: &str) -> Result<(), RemoteError> {
        let rb = self.api(Method::DELETE, &["v1", "customMetadataFields", field_id])?;
        self.call_empty(rb).await
    }

    // ---------------------------------------------------------------------------------------------
    // Folders

    /// Creates `folder_name` inside `parent_folder_path` (missing parents are created).
    pub async fn create_folder(&self, folder_name: &str, parent_folder_path: &str) -> Result<(), RemoteError> {
        let body = json!({ "folderName": folder_name, "parentFolderPath": parent_folder_path });
        let rb = self.api(Method::POST, &["v1", "folder"])?.json(&body);
        self.call_empty(rb).await
    }

    /// Deletes a folder with everything in it.
    pub async fn delete_folder(&self, folder_path: &str) -> Result<(), RemoteError> {
        let rb = self.api(Method::DELETE, &["v1", "folder"])?.json(&json!({ "folderPath": folder_path }));
        self.call_empty(rb).await
    }

    /// Starts copying `source_folder_path` into `destination_path`; returns the job id.
    pub async fn copy_folder(
        &self,
        source_folder_path: &str,
        destination_path: &str,
        include_versions: bool,
    ) -> Result<String, RemoteError> {
        let body = json!({
            "sourceFolderPath": source_folder_path,
            "destinationPath": destination_path,
            "includeVersions": include_versions,
        });
        self.job(&["v1", "bulkJobs", "copyFolder"], body).await
    }

    /// Starts moving `source_folder_path` into `destination_path`; returns the job id.
    pub async fn move_folder(&self, source_folder_path: &str, destination_path: &str) -> Result<String, RemoteError> {
        let body = json!({ "sourceFolderPath": source_folder_path, "destinationPath": destination_path });
        self.job(&["v1", "bulkJobs", "moveFolder"], body).await
    }

    /// Starts renaming the folder at `folder_path` to `new_folder_name`; returns the job id.
    pub async fn rename_folder(
        &self,
        folder_path: &str,
        new_folder_name: &str,
        purge_cache: bool,
    ) -> Result<String, RemoteError> {
        let body = json!({ "folderPath": folder_path, "newFolderName": new_folder_name, "purgeCache": purge_cache });
        self.job(&["v1", "bulkJobs", "renameFolder"], body).await
    }

    pub async fn bulk_job_status(&self, job_id: &str) -> Result<BulkJob, RemoteError> {
        let rb = self.api(Method::GET, &["v1", "bulkJobs", job_id])?;
        self.call_json(rb).await
    }

    async fn job(&self, path: &[&str], body: Value) -> Result<String, RemoteError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Job {
            job_id: String,
        }
        let rb = self.api(Method::POST, path)?.json(&body);
        let job: Job = self.call_json(rb).await?;
        Ok(job.job_id)
    }

    // ---------------------------------------------------------------------------------------------
    // Cache purge

    /// Asks the CDN to forget `url` (a `*` is allowed at the end); returns the purge request id.
    pub async fn purge(&self, url: &str) -> Result<String, RemoteError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Purge {
            request_id: String,
        }
        let rb = self.api(Method::POST, &["v1", "files", "purge"])?.json(&json!({ "url": url }));
        let purge: Purge = self.call_json(rb).await?;
        Ok(purge.request_id)
    }

    pub async fn purge_status(&self, request_id: &str) -> Result<JobStatus, RemoteError> {
        #[derive(Deserialize)]
        struct Status {
            status: JobStatus,
        }
        let rb = self.api(Method::GET, &["v1", "files", "purge", request_id])?;
        let status: Status = self.call_json(rb).await?;
        Ok(status.status)
    }

    // ---------------------------------------------------------------------------------------------
    // Delivery

    /// BLAKE3 (hex) of the bytes at a delivery `url` (already signed when private), for proving that a
    /// remote file is ours. `Ok(None)` when it cannot be ours or cannot be read as ours: a 4xx answer, or
    /// a length other than `expected_size` (the download stops as soon as it runs past it). The whole
    /// download must finish within `deadline`; `cancel` stops it. Errors never show the URL's query
    /// string (a signature).
    pub async fn hash_download(
        &self,
        url: &str,
        expected_size: u64,
        deadline: Duration,
        cancel: Option<CancellationToken>,
    ) -> Result<Option<String>, RemoteError> {
        let work = self.hash_download_inner(url, expected_size, deadline);
        match cancel {
            Some(token) => tokio::select! {
                biased;
                _ = token.cancelled() => Err(RemoteError::Cancelled),
                result = work => result,
            },
            None => work.await,
        }
    }

    /// BLAKE3 of a media-library file's bytes, read from its delivery URL — signed here, for ten
    /// minutes, when the file is private and this connection has the private key — within a deadline
    /// that grows with the size (at least 256 KiB/s). `Ok(None)` as for [`Client::hash_download`].
    pub async fn hash_file(
        &self,
        file: &File,
        expected_size: u64,
        cancel: Option<CancellationToken>,
    ) -> Result<Option<String>, RemoteError> {
        let mut url = file.url.clone();
        if file.is_private_file
            && let RemoteAuth::PrivateKey(key) = &self.config.auth
        {
            let opts = sr_imagekit::url::UrlOptions {
                url_endpoint: self.config.url_endpoint.clone(),
                src: file.url.clone(),
                signing: Some(sr_imagekit::url::UrlSigning {
                    private_key: key.expose().to_owned(),
                    expire_at: Some(chrono::Utc::now().timestamp() + 600),
                }),
                ..Default::default()
            };
            url = sr_imagekit::url::build_url(&opts).map_err(|e| RemoteError::Config { message: e.to_string() })?;
        }
        self.hash_url(&url, expected_size, cancel).await
    }

    /// [`Client::hash_download`] of a delivery URL with a deadline that grows with the size (at least
    /// 256 KiB/s).
    pub async fn hash_url(
        &self,
        url: &str,
        expected_size: u64,
        cancel: Option<CancellationToken>,
    ) -> Result<Option<String>, RemoteError> {
        let deadline = Duration::from_secs(120) + Duration::from_secs(expected_size / (256 * 1024));
        self.hash_download(url, expected_size, deadline, cancel).await
    }

    async fn hash_download_inner(
        &self,
        url: &str,
        expected_size: u64,
        deadline: Duration,
    ) -> Result<Option<String>, RemoteError> {
        let url = Url::parse(url)
            .map_err(|e| RemoteError::Config { message: format!("A delivery address is not a valid URL ({e}).") })?;
        let shown = {
            let mut u = url.clone();
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        };
        let net = |e: reqwest::Error| RemoteError::Network {
            message: format!("the copy at {shown} could not be read ({})", error::from_transport(&e, 0, 0)),
            sent_bytes: 0,
            maybe_delivered: false,
        };
        let mut response = self.http.get(url.clone()).timeout(deadline).send().await.map_err(net)?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            return match status.as_u16() {
                429 => {
                    Err(RemoteError::RateLimited { retry_after: error::rate_limit_wait(&headers), request_id: None })
                }
                s if s >= 500 => Err(RemoteError::Server {
                    status: s,
                    message: format!("reading {shown} failed"),
                    request_id: error::request_id(&headers),
                }),
                // Unreadable (for example private without a key): it cannot be proven ours.
                _ => Ok(None),
            };
        }
        if response.content_length().is_some_and(|n| n != expected_size) {
            return Ok(None);
        }
        let mut hasher = blake3::Hasher::new();
        let mut read = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(net)? {
            read += chunk.len() as u64;
            if read > expected_size {
                return Ok(None);
            }
            hasher.update(&chunk);
        }
        Ok((read == expected_size).then(|| hasher.finalize().to_hex().to_string()))
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing

    /// A management request with Basic auth (private key as username, empty password).
    fn api(&self, method: Method, segments: &[&str]) -> Result<RequestBuilder, RemoteError> {
        let RemoteAuth::PrivateKey(key) = &self.config.auth else {
            return Err(RemoteError::Config {
                message: "Managing the media library needs the private key; this connection only has upload \
                          signing."
                    .into(),
            });
        };
        let url = join(&self.api_base, segments)?;
        Ok(self.http.request(method, url).timeout(MANAGEMENT_DEADLINE).basic_auth(key.expose(), Some("")))
    }

    /// Sends, reads the whole (small) body, and maps any non-2xx status to its error. Returns the status so
    /// bulk calls can tell 200 from 207.
    async fn call_raw(&self, rb: RequestBuilder) -> Result<(StatusCode, HeaderMap, Bytes), RemoteError> {
        let response = rb.send().await.map_err(|e| error::from_transport(&e, 0, 0))?;
        let status = response.status();
        let headers = response.headers().clone();
        self.record(&headers);
        let body = read_capped(response, JSON_BODY_CAP).await?;
        if status.is_success() {
            Ok((status, headers, body))
        } else {
            let err = error::from_response_parts(status, &headers, &body);
            tracing::debug!(status = status.as_u16(), request_id = ?err.request_id(), "remote call failed");
            Err(err)
        }
    }

    /// A call whose 2xx answer must be complete (a 207 is an error here).
    async fn call_ok(&self, rb: RequestBuilder) -> Result<(HeaderMap, Bytes), RemoteError> {
        let (status, headers, body) = self.call_raw(rb).await?;
        if status == StatusCode::MULTI_STATUS {
            return Err(error::from_response_parts(status, &headers, &body));
        }
        Ok((headers, body))
    }

    async fn call_json<T: DeserializeOwned>(&self, rb: RequestBuilder) -> Result<T, RemoteError> {
        let (headers, body) = self.call_ok(rb).await?;
        parse(&headers, &body)
    }

    /// A call that answers 204 (no body) or 200/201 with `{}`; both are success.
    async fn call_empty(&self, rb: RequestBuilder) -> Result<(), RemoteError> {
        self.call_ok(rb).await.map(|_| ())
    }

    async fn call_field(&self, rb: RequestBuilder) -> Result<FieldDef, RemoteError> {
        let (headers, body) = self.call_ok(rb).await?;
        read_field(&headers, parse(&headers, &body)?)
    }

    async fn call_bulk(&self, rb: RequestBuilder, success_key: &str) -> Result<BulkOutcome, RemoteError> {
        let (_, headers, body) = self.call_raw(rb).await?;
        let json: Value = parse_or_empty(&headers, &body)?;
        let succeeded = json
            .get(success_key)
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let errors = match json.get("errors") {
            Some(e) if !e.is_null() => serde_json::from_value(e.clone()).map_err(|e| invalid(&headers, e))?,
            _ => Vec::new(),
        };
        Ok(BulkOutcome { succeeded, errors })
    }
}

/// Reads a response body, at most `cap` bytes. An error status keeps only its first [`ERROR_BODY_CAP`]
/// bytes (enough for the message) and stops reading; a success body over `cap` is refused.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Bytes, RemoteError> {
    let is_error = !response.status().is_success();
    let cap = if is_error { ERROR_BODY_CAP.min(cap) } else { cap };
    let too_large = |headers: &HeaderMap| RemoteError::InvalidResponse {
        message: format!("the answer was too large (over {} KiB)", cap / 1024),
        request_id: error::request_id(headers),
    };
    if !is_error && response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large(response.headers()));
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| error::from_transport(&e, 0, 0))? {
        let room = cap - body.len();
        if chunk.len() > room {
            if is_error {
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            return Err(too_large(response.headers()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses a configured address: `https://`, or plain `http://` only for this computer (loopback), so a
/// typo never sends the key in clear.
fn parse_base(what: &str, raw: &str) -> Result<Url, RemoteError> {
    let url = Url::parse(raw.trim())
        .map_err(|e| RemoteError::Config { message: format!("The {what} '{raw}' is not a valid URL ({e}).") })?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let allowed = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    if !allowed || url.cannot_be_a_base() {
        return Err(RemoteError::Config {
            message: format!(
                "The {what} '{raw}' must start with https:// (plain http:// is only allowed for this computer)."
            ),
        });
    }
    Ok(url)
}

/// `base` + percent-encoded path segments (ids and names are never spliced in raw).
fn join(base: &Url, segments: &[&str]) -> Result<Url, RemoteError> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| RemoteError::Config { message: format!("The address '{base}' cannot take a path.") })?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

fn parse<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, RemoteError> {
    serde_json::from_slice(body).map_err(|e| invalid(headers, e))
}

/// Parses a JSON object body, treating an empty body (204) as `{}`.
fn parse_or_empty(headers: &HeaderMap, body: &[u8]) -> Result<Value, RemoteError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    parse(headers, body)
}

/// One custom metadata field as the shared type; an unreadable one is an error that names it.
fn read_field(headers: &HeaderMap, field: Value) -> Result<FieldDef, RemoteError> {
    let name = field.get("name").and_then(Value::as_str).unwrap_or("?").to_owned();
    FieldDef::deserialize(field).map_err(|e| invalid(headers, format!("the custom metadata field \"{name}\": {e}")))
}

fn invalid(headers: &HeaderMap, e: impl std::fmt::Display) -> RemoteError {
    RemoteError::InvalidResponse { message: e.to_string(), request_id: error::request_id(headers) }
}

fn other_message(err: &RemoteError) -> String {
    match err {
        RemoteError::Validation { message, .. }
        | RemoteError::Authentication { message, .. }
        | RemoteError::NotFound { message, .. }
        | RemoteError::Conflict { message, .. }
        | RemoteError::UnexpectedStatus { message, .. }
        | RemoteError::PartialSuccess { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// A listing read page by page: memory holds one page, and the reader may stop at any point.
pub struct Pages<'a> {
    client: &'a Client,
    query: ListQuery,
    limit: u32,
    skip: u32,
    last: Option<Vec<Item>>,
    done: bool,
}

impl Pages<'_> {
    /// The next page (`None` after the last). Retried on rate limits and transient failures.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Item>>, RemoteError> {
        if self.done {
            return Ok(None);
        }
        let page_query = ListQuery { skip: Some(self.skip), limit: Some(self.limit), ..self.query.clone() };
        let page = with_retry(&RetryPolicy::default(), || self.client.list_files(&page_query)).await?;
        if page.is_empty() {
            self.done = true;
            return Ok(None);
        }
        // A server that ignored `skip` would send the same page forever.
        if self.last.as_ref() == Some(&page) {
            self.done = true;
            return Err(RemoteError::InvalidResponse {
                message: format!("the listing repeated the same page at offset {}", self.skip),
                request_id: None,
            });
        }
        self.skip = self.skip.saturating_add(page.len() as u32);
        self.last = Some(page.clone());
        Ok(Some(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn a_field_of_a_type_stockroom_does_not_know_is_an_error_naming_it() {
        let read = |v: Value| read_field(&HeaderMap::new(), v);
        let ok =
            read(json!({"id": "1", "name": "lot", "label": "Lot", "schema": {"type": "Number", "readOnly": true}}));
        assert_eq!(ok.unwrap().schema.field_type, sr_imagekit::metadata::FieldType::Number);
        match read(json!({"id": "2", "name": "colour", "label": "Colour", "schema": {"type": "Swatch"}})) {
            Err(RemoteError::InvalidResponse { message, .. }) => {
                assert!(message.contains(r#"the custom metadata field "colour""#), "{message}");
                assert!(message.contains("Swatch"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    fn config(api: &str) -> RemoteConfig {
        RemoteConfig::new(
            api,
            api,
            "https://ik.imagekit.io/demo",
            RemoteAuth::PrivateKey(Secret::new("private_key_test")),
        )
    }

    #[test]
    fn ids_are_percent_encoded_as_path_segments() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        let url = join(&base, &["v1", "files", "a/b?c", "details"]).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/prefix/v1/files/a%2Fb%3Fc/details");
        let bare = Url::parse("https://api.imagekit.io").unwrap();
        assert_eq!(join(&bare, &["v1", "files"]).unwrap().as_str(), "https://api.imagekit.io/v1/files");
    }

    #[test]
    fn bad_settings_are_config_errors_not_panics() {
        assert!(matches!(Client::new(config("not a url")), Err(RemoteError::Config { .. })));
        assert!(matches!(Client::new(config("ftp://example.com")), Err(RemoteError::Config { .. })));
        let empty_key = RemoteConfig::new(
            "https://api.imagekit.io",
            "https://upload.imagekit.io",
            "https://ik.imagekit.io/demo",
            RemoteAuth::PrivateKey(Secret::new("")),
        );
        assert!(matches!(Client::new(empty_key), Err(RemoteError::Config { .. })));
    }

    #[test]
    fn plain_http_is_refused_except_on_this_computer() {
        for typo in ["http://api.imagekit.io", "http://example.com/v1", "http://10.0.0.5:8080"] {
            match Client::new(config(typo)) {
                Err(RemoteError::Config { message }) => assert!(message.contains("https://"), "{message}"),
                other => panic!("{typo} was accepted: {other:?}"),
            }
        }
        for loopback in
            ["http://127.0.0.1:9000", "http://localhost:9000/", "http://[::1]:9000", "https://api.imagekit.io"]
        {
            assert!(Client::new(config(loopback)).is_ok(), "{loopback}");
        }
        let auth = |url: &str| {
            RemoteConfig::new(
                "https://api.imagekit.io",
                "https://upload.imagekit.io",
                "https://ik.imagekit.io/demo",
                RemoteAuth::AuthEndpoint { public_key: "public_x".into(), url: url.into(), token: None },
            )
        };
        assert!(matches!(Client::new(auth("http://example.com/auth")), Err(RemoteError::Config { .. })));
        assert!(Client::new(auth("http://127.0.0.1:3000/auth")).is_ok());
    }

    #[test]
    fn upload_url_and_basic_auth_header() {
        let client = Client::new(config("https://upload.imagekit.io")).unwrap();
        assert_eq!(client.upload_url.as_str(), "https://upload.imagekit.io/api/v1/files/upload");
        let req = client.api(Method::GET, &["v1", "files"]).unwrap().build().unwrap();
        // base64("private_key_test:")
        assert_eq!(req.headers()["authorization"], "Basic cHJpdmF0ZV9rZXlfdGVzdDo=");
    }

    #[test]
    fn calls_can_be_spawned_on_a_multithreaded_runtime() {
        // Compile-time check: the upload queue and sync spawn these futures with tokio::spawn.
        fn assert_spawnable<T: Send + 'static>(_: &T) {}
        let client = Client::new(config("https://upload.imagekit.io")).unwrap();
        let (a, b) = (client.clone(), client);
        let upload = async move {
            let req = crate::UploadRequest::new(crate::UploadSource::Bytes(Bytes::new()), "x");
            a.upload(req, |_| {}, None).await
        };
        let list = async move { b.list_all(&ListQuery::default()).await };
        assert_spawnable(&upload);
        assert_spawnable(&list);
    }

    #[test]
    fn secret_never_shows_in_debug_output() {
        let client = Client::new(config("https://api.imagekit.io")).unwrap();
        let printed = format!("{client:?} {:?} {}", client.config(), Secret::new("private_key_test"));
        assert!(!printed.contains("private_key_test"), "{printed}");
        assert!(printed.contains("***"));
    }

    #[test]
    fn management_without_private_key_is_a_config_error() {
        let cfg = RemoteConfig::new(
            "https://api.imagekit.io",
            "https://upload.imagekit.io",
            "https://ik.imagekit.io/demo",
            RemoteAuth::AuthEndpoint {
                public_key: "public_x".into(),
                url: "https://example.com/auth".into(),
                token: None,
            },
        );
        let client = Client::new(cfg).unwrap();
        assert!(matches!(client.api(Method::GET, &["v1", "files"]), Err(RemoteError::Config { .. })));
    }
}
