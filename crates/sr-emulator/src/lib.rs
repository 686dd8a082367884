//! A faithful local emulator of the remote media library API (axum on 127.0.0.1): the sandbox remote and the test double.
//!
//! One loopback port serves the three hosts of the remote (spec §1.1), routed by path prefix:
//! `/api/v1|v2/files/upload` is upload, `/v1/...` is management, `/_emulator/...` drives faults,
//! anything else is delivery at `/<imagekit_id>/...`. Records live in SQLite under
//! `data_dir`, each stored version in its own file, so a restart keeps the library.
//!
//! Boundary: depends on `sr-imagekit` for the remote's language (names, signatures, schemas,
//! search, `tr`) and on `sr-media` for transformed delivery: the same planner and renderer the
//! app's local preview uses, so what the Sandbox delivers for a URL is what the preview showed.
//! Knows nothing of the app.
//!
//! # What sync relies on: confirmed by the spec, or assumed
//!
//! The spec digest (`shared/spec/imagekit-api.md`) is what the emulator follows. Where it is
//! silent or marks a point UNCONFIRMED (§13), the emulator settles it as below; a real account may
//! differ on the **assumed** points, and sync is written to survive that (overlap and dedupe on
//! incremental pulls, a periodic full id listing, details read before a PATCH).
//!
//! Confirmed by the spec:
//! - `GET /v1/files` pages with `skip`/`limit`, `limit` at most 1,000 (the default), no envelope:
//!   paging ends at an empty page (§5.1). `sort=ASC_UPDATED` exists; `searchQuery` takes
//!   `updatedAt >= "<ISO-8601>"` (read as UTC) and, when present, makes the remote ignore `tags`,
//!   `type` and `name` (§5.1, §5.1.1). `type=folder` lists folders (§5.1).
//! - Bulk `addTags`/`removeTags` take at most 50 file ids and change nothing when one is missing
//!   (404 with `missingFileIds`); bulk delete at most 100, likewise (§5.7, §5.11).
//! - A details PATCH's `customMetadata` merges (`null` unsets a key) while `tags` replaces the whole
//!   list (§5.5); there is no If-Match.
//! - Rename answers 409 `FILE_ALREADY_EXISTS` for a taken name (§5.10); move and rename act on all
//!   versions (§5.9, §5.10).
//! - `updatedAt` is ISO-8601 with milliseconds and `Z` (§5.2).
//!
//! Assumed by the emulator (UNCONFIRMED or not stated):
//! - **Every change of a file moves its `updatedAt`**: bulk add/remove tags (even when the tag was
//!   already there or absent), a details PATCH of any field (tags, customMetadata, publish, ...),
//!   a move, a rename (not a rename to the same name), a folder rename or move for every file
//!   inside it, a version restore, an overwrite (a new version). The spec only says `updatedAt` is
//!   the last modification; whether move, rename and folder jobs count is not stated.
//! - Changes never share a stamp: two in one millisecond get stamps a millisecond apart, so a
//!   client deduping on (fileId, updatedAt) always sees a second change of a file (files seeded
//!   faster than a millisecond each may share one). The real service's resolution is the
//!   millisecond; whether two changes there can share one is not known.
//! - **No maximum `skip`**: any offset answers (past the end: `[]`). Search-backed APIs often stop
//!   at 10,000; if the real one does, a 50,000-file first pull by offset would stop short, and
//!   paging by `updatedAt` (`>=` the last stamp seen, deduped, with `skip` only inside a stamp that
//!   more than a page of files share) is the way round it.
//! - Offsets are stable while nothing changes: ties of the sort are broken by creation order. A file
//!   changed during an `ASC_UPDATED` paging moves to the end (seen again later); the one after it
//!   shifts into a page already read, so a full listing taken while others edit can miss a file
//!   until the next listing.
//! - `folderPath` of a Folder object has **no trailing slash** (`/a/b`), as the docs' example; the
//!   root is never listed as a folder. Files' `filePath` is `/a/b/name.ext`.
//! - Folder jobs (copy, move, rename) are done when the request answers; their status is
//!   `Completed` (or `Pending` on the first poll when faults ask for it).
//! - The `thumbnail` URL (`…/tr:n-ik_ml_thumbnail/<path>`) answers a JPEG within 200 px for images
//!   and videos (the first frame); for files it cannot decode (SVG, a damaged video) it answers the
//!   original bytes with their own Content-Type. The real service sends an image.
//! - `hasAlpha` is sent for images only; `thumbnail` for every file, videos included.
//!
//! # Transformed delivery, post-transformations and webhooks (spec §2.5, §9, §10, §11)
//!
//! Confirmed by the spec: `tr` in the path (`tr:…/` right after the endpoint) or the query,
//! chained steps left to right; `ik-thumbnail.jpg` (first frame, `so-` for another),
//! `ik-video.mp4` for files not named `.mp4`, `ik-master.m3u8` / `.mpd` with `sr-…` (H.264 + AAC,
//! the remote's boxes and bit rates, `c-at_max`), the first ABS request answering **202 with an
//! empty body**, later 200; `w`, `h`, `ar`, `f`, `vc`, `ac`, `q` refused on ABS URLs; a video
//! output not ready within the poll window (15 s: 5 s × 3) answers **302 to the original** and 200
//! once made, a failed one keeps answering 302; private files need a valid `ik-s`/`ik-t` except for
//! named transformations; a wrong, tampered or expired signature is 401; post items `abs` (video,
//! `protocol` hls/dash), `transformation`, `thumbnail` (video), `gif-to-video` (GIF); webhook event
//! shapes (§11.1) and both signature schemes (§11.2, §11.3).
//!
//! Assumed by the emulator (UNCONFIRMED or not stated):
//! - **What the Sandbox can't apply is a 400**, never the original in its place: parameters the
//!   planner leaves out (`e-sharpen`, `l-video`, `bl` on video, ...) are listed with their step and
//!   reason; a combination the planner refuses answers its message with the nearest valid
//!   setting; a named transformation other than `n-ik_ml_thumbnail` (the Sandbox has none) and
//!   `tr` on a file that is not a picture or video are 400s too. The real service applies far more
//!   and its 400 wording is not in the spec.
//! - Every delivery answer carries `Access-Control-Allow-Origin: *` (and `OPTIONS` preflights are
//!   answered 204), as the remote's CDN does, so hls.js / dash.js in the app's webview can fetch
//!   manifests and segments.
//! - A URL with `tr` in both the path and the query applies the path's steps, then the query's.
//! - A query `tr` written with `%2C` / `%3A` and no literal `,` / `:` (the legacy SDK's
//!   `URLSearchParams`) is percent-decoded once; otherwise it is read as written (a text layer's
//!   own `%20` stays).
//! - Pictures (a photo's transformation, a video's `ik-thumbnail.jpg`) render before the answer,
//!   never 302; only video outputs wait for the poll window.
//! - The 302 goes to the untransformed URL: the file path without `tr:` or the video suffix, the
//!   other query parameters in order without `tr`; when the request was signed, or the file is
//!   private, the Sandbox signs it again with the request's expiry (`ik-t`, or none), so the
//!   redirect is valid exactly as long as the URL asked for.
//! - A URL carrying `ik-s` is verified even when the file is public (a tampered signed URL is 401
//!   whatever the file's privacy).
//! - The ABS manifest's URIs point beneath the manifest's own URL, `…/ik-master.m3u8` →
//!   `…/ik-abr/<key>/r240/index.m3u8` (DASH: a `<BaseURL>ik-abr/<key>/</BaseURL>`), where `key`
//!   (a hash of the stored version and the `tr`) names the ladder; these files need no signature
//!   (as a CDN serves a signed manifest's segments), so a private file's signed manifest plays.
//!   The remote's segment URLs are not in the spec. Segments are 2 s (`sr_media::render::SEGMENT_S`).
//! - An ABS ladder that fails to build answers **422** with the reason (the spec does not say; a
//!   video output that fails keeps its 302, as the spec says).
//! - Outputs are cached by (stored version, `tr` as written, kind of output): the path and query
//!   forms of one `tr` share an output; signature parameters do not count. A new version is a new
//!   output. Nothing expires while the Sandbox runs.
//! - Post-transformations are checked for meaning at upload (400, nothing stored, each message
//!   starting with the spec's "Invalid post transformation parameter."): `abs` or `thumbnail` on a
//!   file that is not a video, an `sr-` list with no rung the remote makes (the nearest valid list
//!   named), what the ladder / thumbnail / planner refuse, `gif-to-video` on a file that is not a
//!   GIF. Then each runs in the background, concurrently, into the output its URL is served from:
//!   `abs` → `<file>/ik-master.m3u8|.mpd?tr=<value>`, `transformation` → `<file>?tr=<value>`,
//!   `thumbnail` → `<file>/ik-thumbnail.jpg?tr=<value>` (no query when empty). `gif-to-video` ends in
//!   `upload.post-transform.error` (the Sandbox can't make videos of GIFs).
//! - Webhooks: one POST per event, no retry, 10 s time-out, to `EmulatorConfig::webhook_url`.
//!   Both `x-ik-signature` and the Standard Webhooks headers are sent (§13.6: which the live service
//!   sends is unknown); `webhook-id` is the event's `id`, `webhook-timestamp` is in seconds, the
//!   Standard Webhooks key is the secret's UTF-8 bytes, `whsec_` included (what the official SDK's
//!   `toBase64(secret)` decodes back to). `upload.post-transform.success|error` carry `request:
//!   {x_request_id (the upload's), transformation: {type, value, protocol?}}` and `data.url` = the
//!   output's unsigned URL; `video.transformation.accepted|ready|error` are sent for outputs made on
//!   request (not for post-transformations), `options.variants` of a ladder being `["sr-240", ...]`,
//!   `error.reason` always `encoding_failed`, `timings.download_duration` 0.
//!
//! # Test hooks (in-process only, never over HTTP)
//!
//! [`EmulatorHandle::seed_files`] writes files straight into the store (50,000 in seconds);
//! [`EmulatorHandle::request_log`] lists the requests answered (method, path, query, JSON body,
//! status, request id; bounded), e.g. to check that no operation reached the remote twice.
//!
//! Layering (a module imports only modules of the layers under it, and within a layer only those
//! listed before it):
//! 1. the base, no crate imports: `config`, `error`, `faults`, `ik` (ids and names), `reqlog` (the
//!    request log), `sniff`;
//! 2. `store` (the SQLite records and version files) and `ratelimit`, then `seed` (over `store` and
//!    `sniff`), `renders` (sr-media's outputs and the jobs making them) and `webhook` (events and
//!    their signatures; uses `store`'s ids and clock);
//! 3. `meta` (custom metadata fields and values, over the store);
//! 4. `state` (the shared [`AppState`] and the File / Folder objects it renders);
//! 5. the routes over the state: `server` (the gate and the request log's middleware),
//!    `transformed` (rendered outputs, ABS manifests and their files), `delivery` (parses the URL,
//!    signatures, originals; hands transformations to `transformed`), `post` (post-transformations,
//!    over `transformed`'s planning helpers), `upload` (over `post`), then `files` (which uses the
//!    upload rules and delivery's `tr` stripping), then `folders` and `fields` (which use `files`'
//!    helpers);
//! 6. this file: the router and the fault routes.

mod config;
mod delivery;
mod error;
mod faults;
mod fields;
mod files;
mod folders;
mod ik;
mod meta;
mod post;
mod ratelimit;
mod renders;
mod reqlog;
mod seed;
mod server;
mod sniff;
mod state;
mod store;
mod transformed;
mod upload;
mod webhook;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::{Bucket, DEFAULT_POLL_WINDOW, DEFAULT_WEBHOOK_SECRET, EmulatorConfig, PlanLimits, RateLimits};
pub use error::{EmulatorError, HELP};
pub use faults::{FaultAction, FaultRule, Faults, InstalledFault};
pub use post::INVALID_POST;
pub use reqlog::{LoggedRequest, REQUEST_LOG_CAPACITY};
pub use seed::SeedFile;
pub use state::AppState;
pub use webhook::{SENT_CAPACITY, SentWebhook, standard_signature};

/// A running emulator. Dropping it without [`EmulatorHandle::shutdown`] leaves it running until the
/// runtime stops.
pub struct EmulatorHandle {
    addr: SocketAddr,
    state: AppState,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`: the API and upload base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// `http://127.0.0.1:PORT/<imagekit_id>/`: the URL endpoint for delivery.
    pub fn url_endpoint(&self) -> String {
        format!("{}/{}/", self.base_url(), self.state.cfg.imagekit_id)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// The fault-injection rules of this emulator.
    pub fn faults(&self) -> Faults {
        self.state.faults()
    }
    /// The requests answered so far (oldest first, at most [`REQUEST_LOG_CAPACITY`]), the
    /// emulator's own `/_emulator/...` routes left out. For tests: e.g. that no `addTags` of one
    /// tag and file was applied twice.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.log.entries()
    }
    /// The webhook events sent so far (oldest first, at most [`SENT_CAPACITY`]), with what the
    /// receiver answered.
    pub fn webhook_events(&self) -> Vec<SentWebhook> {
        self.state.webhooks.sent()
    }
    /// Forgets the logged requests (sequence numbers go on).
    pub fn clear_request_log(&self) {
        self.state.log.clear()
    }
    /// Writes `files` straight into the store in one transaction, as uploads would have stored them
    /// (one version each, folders created; created and updated in the order given up to now, a
    /// millisecond apart where the time since the last change allows, never in the future), and
    /// returns their file ids in
    /// order. For tests and benchmarks: 50,000 small files take a few seconds. Custom metadata is
    /// stored as given, not validated; a path that already holds a file refuses the whole batch.
    pub fn seed_files(&self, files: &[SeedFile]) -> Result<Vec<String>, EmulatorError> {
        seed::seed_files(&self.state.store, files)
    }
    /// Stops accepting, drops open connections and waits for the accept loop to end.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        let _ = self.task.await;
    }
}

/// Binds `bind` (port 0 picks a free port), opens the library and serves it in the background.
pub async fn start(config: EmulatorConfig, bind: SocketAddr) -> Result<EmulatorHandle, EmulatorError> {
    let listener = TcpListener::bind(bind).await.map_err(|source| EmulatorError::Bind { addr: bind, source })?;
    let addr = listener.local_addr().map_err(|source| EmulatorError::Bind { addr: bind, source })?;
    let state = AppState::new(config, format!("http://{addr}"))?;
    let app = router(state.clone());
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(server::accept_loop(listener, app, shutdown.clone()));
    Ok(EmulatorHandle { addr, state, shutdown, task })
}

/// What the CLI runs: start, print the base URL on stdout, serve until Ctrl-C.
pub async fn serve_forever(config: EmulatorConfig, bind: SocketAddr) -> Result<(), EmulatorError> {
    let handle = start(config, bind).await?;
    println!("{}", handle.base_url());
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    Ok(())
}

async fn require_basic(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match state.check_basic(req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The largest fault-rule request `/_emulator/faults` reads.
const FAULTS_BODY_LIMIT: usize = 64 * 1024;

/// The whole emulator as an axum router over `state`.
pub fn router(state: AppState) -> Router {
    let management = Router::new()
        .route("/v1/files", get(files::list))
        .route("/v1/files/{id}/details", get(files::details).patch(files::update))
        .route("/v1/files/{id}", delete(files::delete_file))
        .route("/v1/files/batch/deleteByFileIds", post(files::bulk_delete))
        .route("/v1/files/copy", post(files::copy))
        .route("/v1/files/move", post(files::move_file))
        .route("/v1/files/rename", put(files::rename))
        .route("/v1/files/addTags", post(files::add_tags))
        .route("/v1/files/removeTags", post(files::remove_tags))
        .route("/v1/files/removeAITags", post(files::remove_ai_tags))
        .route("/v1/files/{id}/versions", get(files::versions))
        .route("/v1/files/{id}/versions/{vid}", get(files::version).delete(files::delete_version))
        .route("/v1/files/{id}/versions/{vid}/restore", put(files::restore_version))
        .route("/v1/files/{id}/metadata", get(files::file_metadata))
        .route("/v1/metadata", get(files::url_metadata))
        .route("/v1/files/purge", post(files::purge))
        .route("/v1/files/purge/{rid}", get(files::purge_status))
        .route("/v1/folder", post(folders::create).delete(folders::delete))
        .route("/v1/bulkJobs/copyFolder", post(folders::copy))
        .route("/v1/bulkJobs/moveFolder", post(folders::move_folder))
        .route("/v1/bulkJobs/renameFolder", post(folders::rename))
        .route("/v1/bulkJobs/{job}", get(folders::job_status))
        .route("/v1/customMetadataFields", get(fields::list).post(fields::create))
        .route("/v1/customMetadataFields/{id}", axum::routing::patch(fields::update).delete(fields::delete))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_basic));
    let mut inner = Router::new()
        .merge(management)
        .route("/api/v1/files/upload", post(upload::upload_v1))
        .route("/api/v2/files/upload", post(upload::upload_v2))
        .route("/_emulator/health", get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }));
    if state.cfg.fault_routes {
        // Small JSON bodies only: the upload routes need no limit, these do.
        let faults = Router::new()
            .route("/_emulator/faults", get(faults_list).post(faults_add).delete(faults_clear))
            .route("/_emulator/faults/{id}", delete(faults_remove))
            .layer(DefaultBodyLimit::max(FAULTS_BODY_LIMIT));
        inner = inner.merge(faults);
    }
    let inner = inner
        .fallback(delivery::serve)
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(state.clone(), server::gate))
        .layer(middleware::from_fn_with_state(state.clone(), server::log_requests))
        .with_state(state);
    server::with_trailing_slash_tolerance(inner)
}

async fn faults_list(State(s): State<AppState>) -> Response {
    axum::Json(serde_json::json!({"rules": s.faults.list(), "firstPollPending": s.faults.first_poll_pending()}))
        .into_response()
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum FaultBody {
    Many {
        rules: Vec<FaultRule>,
        #[serde(default, rename = "firstPollPending")]
        first_poll_pending: Option<bool>,
    },
    One(FaultRule),
    Settings {
        #[serde(rename = "firstPollPending")]
        first_poll_pending: bool,
    },
}

async fn faults_add(State(s): State<AppState>, body: axum::body::Bytes) -> Response {
    let parsed: Result<FaultBody, _> = serde_json::from_slice(&body);
    let ids: Vec<u64> = match parsed {
        Ok(FaultBody::One(rule)) => vec![s.faults.add(rule)],
        Ok(FaultBody::Many { rules, first_poll_pending }) => {
            if let Some(p) = first_poll_pending {
                s.faults.set_first_poll_pending(p);
            }
            rules.into_iter().map(|r| s.faults.add(r)).collect()
        }
        Ok(FaultBody::Settings { first_poll_pending }) => {
            s.faults.set_first_poll_pending(first_poll_pending);
            vec![]
        }
        Err(e) => return error::ApiError::bad(format!("Invalid fault rule: {e}")).into_response(),
    };
    (axum::http::StatusCode::CREATED, axum::Json(serde_json::json!({"ids": ids}))).into_response()
}

async fn faults_clear(State(s): State<AppState>) -> Response {
    s.faults.clear();
    s.faults.set_first_poll_pending(false);
    axum::http::StatusCode::NO_CONTENT.into_response()
}

async fn faults_remove(State(s): State<AppState>, axum::extract::Path(id): axum::extract::Path<u64>) -> Response {
    if s.faults.remove(id) {
        axum::http::StatusCode::NO_CONTENT.into_response()
    } else {
        error::ApiError::not_found("No such fault rule.").into_response()
    }
}
