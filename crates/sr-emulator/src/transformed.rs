//! Transformed delivery (spec §10): what a URL with `tr` (path or query, chained steps) or a video
//! suffix (`ik-thumbnail.jpg`, `ik-video.mp4`, `ik-master.m3u8`, `ik-master.mpd`) delivers, made by
//! `sr-media` exactly as the local preview makes it.
//!
//! * Pictures (a photo's transformation, a video's thumbnail) render before the answer.
//! * A transformed VIDEO waits up to the poll window for its output, then answers 302 to the
//!   untransformed URL (signed again when the request was signed), and 200 once it is made
//!   (§10.5). An output that failed keeps answering 302.
//! * An ABS manifest answers 202 with an empty body while its ladder builds, then 200 with the
//!   manifest (§10.4). The manifest's URIs are rewritten to `ik-abr/<key>/…` beneath the request's
//!   own URL, so the rung playlists and segments resolve there ([`serve_abr`]).
//! * What the Sandbox cannot make as asked is a 400 with the planner's reason (and the nearest
//!   valid setting), never the original in its place.
//! * Outputs are files in the render cache, served with Range support.

use std::path::{Path, PathBuf};
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sr_imagekit::transform::Transformation;
use sr_media::render::{self, LadderFormat, PlanError, PlanKind, PlanOptions, RenderPlan};
use sr_media::{MediaInfo, MediaKind};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::error::ApiError;
use crate::renders::{Done, Made, Status, Work};
use crate::state::AppState;
use crate::store::VersionRec;

/// The path suffix of a special video endpoint (§10.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffix {
    /// `ik-video.mp4` alone: the video as MP4.
    Mp4,
    Thumbnail,
    Master(LadderFormat),
}

/// What the request asks of one stored version.
pub struct Ask<'a> {
    pub version: &'a VersionRec,
    pub blob: PathBuf,
    /// The combined `tr` (path steps, then query steps).
    pub tr: String,
    pub suffix: Option<Suffix>,
    /// Where a 302 sends the client: the untransformed URL.
    pub original_url: String,
    /// The full URL asked for (webhooks' `request.url`, `asset.url`).
    pub request_url: String,
    pub file_url: String,
    pub request_id: String,
    pub user_agent: Option<String>,
}

fn bad(msg: impl Into<String>) -> Response {
    ApiError::bad(msg).into_response()
}

/// The planner's refusal as the Sandbox's 400.
pub fn refusal(e: &PlanError) -> String {
    let mut m = e.to_string();
    if !m.ends_with('.') {
        m.push('.');
    }
    m
}

/// The parameters the Sandbox cannot apply, as a 400 message; `None` when it can apply them all.
pub fn unsupported(plan: &RenderPlan) -> Option<String> {
    let skipped: Vec<&render::NotPreviewable> =
        plan.not_previewable.iter().filter(|n| !n.param.starts_with("sr-")).collect();
    if skipped.is_empty() {
        return None;
    }
    let list = skipped.iter().map(|n| format!("`{}` (step {}: {})", n.param, n.step, n.reason)).collect::<Vec<_>>();
    Some(format!(
        "The Sandbox can't apply {} to this file, so it does not deliver this URL. Remove {}, or use the URL on an ImageKit account, which applies {}.",
        list.join(", "),
        if skipped.len() == 1 { "it" } else { "them" },
        if skipped.len() == 1 { "it" } else { "them" },
    ))
}

/// Plan options for the Sandbox: image layers (`l-image,i-logos@@brand.png`) are the library's
/// files, found by path.
pub fn with_resolver<R>(
    s: &AppState,
    default_format: Option<render::OutputFormat>,
    f: impl FnOnce(&PlanOptions) -> R,
) -> R {
    let resolver = |p: &str| -> Option<PathBuf> {
        let path = format!("/{}", p.trim_start_matches('/'));
        let i = path.rfind('/').unwrap_or(0);
        let conn = s.store.lock();
        let file = crate::store::get_file_at(&conn, &path[..=i], &path[i + 1..]).ok()??;
        let v = crate::store::get_version(&conn, &file.current).ok()??;
        Some(s.store.blob_path(&v.blob))
    };
    let opts = PlanOptions { resolver: Some(&resolver), default_format };
    f(&opts)
}

/// Content-Type by file extension, for outputs and ladder files.
pub fn mime_for(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase().as_str() {
        "m3u8" => "application/vnd.apple.mpegurl",
        "mpd" => "application/dash+xml",
        "m4s" => "video/iso.segment",
        "mp4" | "m4v" => "video/mp4",
        "m4a" => "audio/mp4",
        "ts" => "video/mp2t",
        "webm" => "video/webm",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "vtt" => "text/vtt",
        _ => "application/octet-stream",
    }
}

/// Serves a file with Range support, the version's id in `x-ik-obj-version`.
pub async fn serve_path(path: &Path, mime: &str, req: Request, version_id: Option<&str>) -> Response {
    let mime: mime::Mime = mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    match ServeFile::new_with_mime(path, &mime).oneshot(req).await {
        Ok(mut resp) => {
            if let Some(h) = version_id.and_then(|v| HeaderValue::from_str(v).ok()) {
                resp.headers_mut().insert("x-ik-obj-version", h);
            }
            resp.map(Body::new)
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}

async fn probe(s: &AppState, ask: &Ask<'_>) -> Result<MediaInfo, Response> {
    let renders = s.renders.clone();
    let (vid, blob) = (ask.version.version_id.clone(), ask.blob.clone());
    let info = tokio::task::spawn_blocking(move || renders.probe(&vid, &blob)).await;
    match info {
        Ok(Ok(info)) if matches!(info.kind, MediaKind::Image | MediaKind::Video) => Ok(info),
        Ok(Ok(_)) => Err(bad("This file has no picture, so the Sandbox can't transform it; use its URL without tr.")),
        Ok(Err(e)) => Err(bad(format!("The Sandbox can't transform this file: {e} Use its URL without tr."))),
        Err(e) => Err(ApiError::internal(e).into_response()),
    }
}

/// Delivers what `ask` describes. `req` is the original request (Range, HEAD).
pub async fn deliver(s: &AppState, ask: Ask<'_>, req: Request) -> Response {
    let info = match probe(s, &ask).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let tr = Transformation::parse(&ask.tr);
    let vid = ask.version.version_id.clone();
    match ask.suffix {
        Some(Suffix::Master(format)) => {
            let planned = with_resolver(s, None, |o| render::plan_ladder(&info, &tr, format, o));
            let plan = match planned {
                Ok(p) => p,
                Err(e) => return bad(refusal(&e)),
            };
            if let Some(msg) = unsupported(&plan.base) {
                return bad(msg);
            }
            let work = Work::Ladder(plan.clone());
            let target = s.renders.target(&vid, &work);
            if target.is_file() {
                return serve_master(&target, format, &req);
            }
            if let Some(Status::Failed(reason)) = s.renders.status(&target).map(|rx| rx.borrow().clone()) {
                return ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("The Sandbox could not build this streaming version: {reason}"),
                )
                .into_response();
            }
            let options = json!({
                "video_codec": "h264", "audio_codec": "aac", "auto_rotate": true,
                "stream_protocol": if format == LadderFormat::Hls { "HLS" } else { "DASH" },
                "variants": plan.rungs.iter().map(|r| format!("sr-{}", r.resolution)).collect::<Vec<_>>(),
            });
            start_video(s, &ask, work, target, options);
            StatusCode::ACCEPTED.into_response()
        }
        Some(Suffix::Thumbnail) => {
            let planned = with_resolver(s, None, |o| render::plan_thumbnail(&info, &tr, o));
            let plan = match planned {
                Ok(p) => p,
                Err(e) => return bad(refusal(&e)),
            };
            picture(s, &ask, plan, req).await
        }
        suffix => {
            let default = (suffix == Some(Suffix::Mp4)).then_some(render::OutputFormat::Mp4);
            if suffix == Some(Suffix::Mp4) && info.kind != MediaKind::Video {
                return bad(
                    "ik-video.mp4 makes an MP4 of a video, and this file is a picture; use its URL without it.",
                );
            }
            let plan = match with_resolver(s, default, |o| render::plan_with(&info, &tr, o)) {
                Ok(p) => p,
                Err(e) => return bad(refusal(&e)),
            };
            if let Some(msg) = unsupported(&plan) {
                return bad(msg);
            }
            if plan.kind != PlanKind::Video {
                return picture(s, &ask, plan, req).await;
            }
            video(s, &ask, plan, req).await
        }
    }
}

async fn picture(s: &AppState, ask: &Ask<'_>, plan: RenderPlan, req: Request) -> Response {
    if let Some(msg) = unsupported(&plan) {
        return bad(msg);
    }
    match s.renders.picture(&ask.version.version_id, ask.blob.clone(), plan).await {
        Ok(path) => serve_path(&path, mime_for(&path), req, Some(&ask.version.version_id)).await,
        Err(e) => ApiError::internal(format!("the picture could not be made ({e})")).into_response(),
    }
}

fn video_options(plan: &RenderPlan) -> Value {
    json!({
        "video_codec": match plan.video { Some(render::OutVideo::H264) => "h264", Some(render::OutVideo::Vp9) => "vp9", None => "none" },
        "audio_codec": match plan.audio { Some(render::OutAudio::Aac) => "aac", Some(render::OutAudio::Opus) => "opus", None => "none" },
        "auto_rotate": true,
        "quality": plan.quality,
        "format": plan.format.extension(),
    })
}

async fn video(s: &AppState, ask: &Ask<'_>, plan: RenderPlan, req: Request) -> Response {
    let vid = ask.version.version_id.clone();
    let options = video_options(&plan);
    let work = Work::File(plan);
    let target = s.renders.target(&vid, &work);
    if target.is_file() {
        return serve_path(&target, mime_for(&target), req, Some(&vid)).await;
    }
    let mut rx = start_video(s, ask, work, target.clone(), options);
    let deadline = Instant::now() + s.cfg.poll_window;
    loop {
        let now = rx.borrow().clone();
        match now {
            Status::Ready if target.is_file() => return serve_path(&target, mime_for(&target), req, Some(&vid)).await,
            Status::Failed(_) | Status::Ready => break,
            Status::Building => {}
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match tokio::time::timeout(left, rx.changed()).await {
            Ok(Ok(())) => continue,
            _ => break,
        }
    }
    redirect(&ask.original_url)
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(h) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, h);
    }
    r
}

/// Starts (or joins) the job making a video output, with the `video.transformation.*` webhooks.
fn start_video(
    s: &AppState,
    ask: &Ask<'_>,
    work: Work,
    target: PathBuf,
    options: Value,
) -> tokio::sync::watch::Receiver<Status> {
    let request = json!({
        "x_request_id": ask.request_id, "url": ask.request_url,
        "user_agent": ask.user_agent.clone().unwrap_or_default(),
    });
    let kind = if ask.suffix == Some(Suffix::Thumbnail) { "video-thumbnail" } else { "video-transformation" };
    let transformation = json!({"type": kind, "options": options});
    let hooks = s.webhooks.clone();
    let (asset_url, output_url) = (ask.file_url.clone(), ask.request_url.clone());
    let (req2, tr2) = (request.clone(), transformation.clone());
    let done: Done = Box::new(move |result: Result<Made, String>| match result {
        Ok(m) => {
            let bitrate = match m.duration_s {
                Some(d) if d > 0.0 => (m.bytes as f64 * 8.0 / d).round() as u64,
                _ => 0,
            };
            let mut t = tr2;
            t["output"] = json!({"url": output_url, "video_metadata": {
                "bitrate": bitrate, "duration": m.duration_s.unwrap_or(0.0), "width": m.width, "height": m.height,
            }});
            hooks.send(
                "video.transformation.ready",
                req2,
                json!({"asset": {"url": asset_url}, "transformation": t}),
                Some(("timings", json!({"download_duration": 0, "encoding_duration": m.encoding_ms}))),
            );
        }
        Err(reason) => {
            tracing::warn!("the Sandbox could not make {output_url}: {reason}");
            let mut t = tr2;
            t["error"] = json!({"reason": "encoding_failed"});
            hooks.send(
                "video.transformation.error",
                req2,
                json!({"asset": {"url": asset_url}, "transformation": t}),
                None,
            );
        }
    });
    let hooks = s.webhooks.clone();
    let asset_url = ask.file_url.clone();
    s.renders.start(
        &ask.version.version_id,
        ask.blob.clone(),
        work,
        target,
        move || {
            hooks.send(
                "video.transformation.accepted",
                request,
                json!({"asset": {"url": asset_url}, "transformation": transformation}),
                None,
            );
        },
        done,
    )
}

/// The key of a ladder folder (`<renders>/<key>.abr/ik-master.m3u8`).
fn ladder_key(master: &Path) -> Option<String> {
    let dir = master.parent()?.file_name()?.to_str()?;
    dir.strip_suffix(".abr").map(str::to_string)
}

/// Prefix under which a manifest's URIs are served, relative to the manifest's URL.
pub const ABR_PREFIX: &str = "ik-abr";

/// The manifest with every URI moved beneath `ik-abr/<key>/` (relative to the manifest's own URL,
/// so the query the ladder was asked with is not needed to find its files).
pub fn rewrite_manifest(text: &str, format: LadderFormat, key: &str) -> String {
    let base = format!("{ABR_PREFIX}/{key}/");
    match format {
        LadderFormat::Hls => {
            let mut out = String::with_capacity(text.len() + 256);
            for line in text.lines() {
                let t = line.trim();
                if t.is_empty() {
                    out.push_str(line);
                } else if t.starts_with('#') {
                    // URI="…" attributes (EXT-X-MEDIA, EXT-X-I-FRAME-STREAM-INF).
                    match line.find("URI=\"") {
                        Some(i) => {
                            out.push_str(&line[..i + 5]);
                            out.push_str(&base);
                            out.push_str(&line[i + 5..]);
                        }
                        None => out.push_str(line),
                    }
                } else {
                    out.push_str(&base);
                    out.push_str(t);
                }
                out.push('\n');
            }
            out
        }
        LadderFormat::Dash => match text.find("<Period") {
            Some(i) => format!("{}<BaseURL>{base}</BaseURL>\n\t{}", &text[..i], &text[i..]),
            None => text.to_string(),
        },
    }
}

fn serve_master(path: &Path, format: LadderFormat, req: &Request) -> Response {
    let Some(key) = ladder_key(path) else { return ApiError::internal("a ladder outside the cache").into_response() };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let body = rewrite_manifest(&text, format, &key);
    let mime = mime_for(path);
    let mut resp = ([(header::CONTENT_TYPE, mime)], body).into_response();
    if req.method() == axum::http::Method::HEAD {
        *resp.body_mut() = Body::empty();
    }
    resp
}

/// `…/ik-abr/<key>/<rel>`: a file of a built ladder (rung playlist, init segment, segment). The key
/// (32 hex characters of a hash over the stored version and the `tr`) names the ladder; as on a
/// CDN, the files beneath a manifest need no signature of their own.
pub async fn serve_abr(s: &AppState, key: &str, rel: &str, req: Request) -> Response {
    let not_found = || ApiError::not_found("The requested file does not exist at this URL.").into_response();
    let key_ok = key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit());
    let rel_ok = !rel.is_empty() && rel.split('/').all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'));
    if !key_ok || !rel_ok {
        return not_found();
    }
    let path = s.renders.dir().join(format!("{key}.abr")).join(rel);
    if !path.is_file() {
        return not_found();
    }
    serve_path(&path, mime_for(&path), req, None).await
}
