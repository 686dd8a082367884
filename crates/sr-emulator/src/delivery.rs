//! Delivery at `/<imagekit_id>/[tr:…/]<path>[/ik-video.mp4][/ik-thumbnail.jpg|ik-master.m3u8|ik-master.mpd][?tr=…]`
//! (spec §9, §10): the original bytes when the URL asks for no transformation, otherwise what the
//! URL says ([`crate::transformed`]). Range support, `?ik-obj-version=` for old versions, 401 for
//! private files without a valid signature and for any URL whose `ik-s`/`ik-t` does not verify
//! (§9.1, §9.3), 404 for unknown or unpublished files. Named transformations need no signature; the
//! one the Sandbox knows is the `thumbnail` URL's `n-ik_ml_thumbnail` (a JPEG within 200 px).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sr_media::render::LadderFormat;

use crate::error::ApiError;
use crate::server::RequestId;
use crate::state::AppState;
use crate::store::{self, VersionRec};
use crate::transformed::{self, Ask, Suffix};

/// Drops a leading `tr:...` path segment.
pub fn strip_tr(path: &str) -> &str {
    if path.starts_with("tr:") { path.split_once('/').map(|(_, rest)| rest).unwrap_or("") } else { path }
}

/// The named transformation of a File object's `thumbnail` URL (spec §5.2).
pub const THUMBNAIL_NAMED: &str = "n-ik_ml_thumbnail";

/// The longest side of a thumbnail the emulator makes.
pub const THUMBNAIL_MAX_SIDE: u32 = 200;

/// A JPEG of the image at `path`, fitted within [`THUMBNAIL_MAX_SIDE`] (never enlarged).
fn thumbnail_jpeg(path: &std::path::Path) -> Result<Vec<u8>, image::ImageError> {
    let img = image::ImageReader::open(path)?.with_guessed_format()?.decode()?;
    let img = if img.width() > THUMBNAIL_MAX_SIDE || img.height() > THUMBNAIL_MAX_SIDE {
        img.thumbnail(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE)
    } else {
        img
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img.to_rgb8()).write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}

fn not_found() -> Response {
    ApiError::not_found("The requested file does not exist at this URL.").into_response()
}

/// A delivery request-target, taken apart (nothing decoded but the file path).
#[derive(Debug, Clone, PartialEq)]
pub struct Target<'a> {
    /// Everything after `/<imagekit_id>/`, as received: what a signature covers.
    pub rest: &'a str,
    /// The `tr:` path segment's value.
    pub tr_path: Option<&'a str>,
    /// The raw path after the `tr:` segment.
    pub path: &'a str,
    pub query: &'a str,
}

impl<'a> Target<'a> {
    pub fn parse(rest: &'a str) -> Target<'a> {
        let (full, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (tr_path, path) = match full.strip_prefix("tr:") {
            Some(t) => match t.split_once('/') {
                Some((tr, p)) => (Some(tr), p),
                None => (Some(t), ""),
            },
            None => (None, full),
        };
        Target { rest, tr_path, path, query }
    }

    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }

    /// The `tr` of the query, with an encoded one (`%2C` for `,`, as `URLSearchParams` writes it)
    /// decoded once.
    pub fn tr_query(&self) -> Option<String> {
        let raw = self.param("tr")?;
        let lower = raw.to_ascii_lowercase();
        let encoded = (lower.contains("%2c") || lower.contains("%3a")) && !raw.contains([',', ':']);
        Some(if encoded {
            percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
        } else {
            raw.into()
        })
    }

    /// Path steps, then query steps, chained (`:`).
    pub fn tr(&self) -> String {
        let parts: Vec<String> = [self.tr_path.map(str::to_string), self.tr_query()]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .collect();
        parts.join(":")
    }

    /// The query without `tr`, `ik-s` and `ik-t`, in order.
    pub fn other_query(&self) -> String {
        self.query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .filter(|kv| {
                let k = kv.split('=').next().unwrap_or("");
                !matches!(k, "tr" | "ik-s" | "ik-t")
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Splits a trailing special endpoint off a decoded file path: (file path, suffix, bytes removed).
pub fn split_suffix(path: &str) -> (&str, Option<Suffix>, usize) {
    let endings: [(&str, Suffix); 7] = [
        ("/ik-video.mp4/ik-thumbnail.jpg", Suffix::Thumbnail),
        ("/ik-video.mp4/ik-master.m3u8", Suffix::Master(LadderFormat::Hls)),
        ("/ik-video.mp4/ik-master.mpd", Suffix::Master(LadderFormat::Dash)),
        ("/ik-thumbnail.jpg", Suffix::Thumbnail),
        ("/ik-master.m3u8", Suffix::Master(LadderFormat::Hls)),
        ("/ik-master.mpd", Suffix::Master(LadderFormat::Dash)),
        ("/ik-video.mp4", Suffix::Mp4),
    ];
    for (end, suffix) in endings {
        if let Some(p) = path.strip_suffix(end) {
            return (p, Some(suffix), end.len());
        }
    }
    (path, None, 0)
}

/// Appends `ik-t`/`ik-s` to a delivery target (the part after the URL endpoint), as the SDK signs.
pub fn sign_target(target: &str, private_key: &str, expiry: Option<&str>) -> String {
    let sig = sr_imagekit::signing::hmac_sha1_hex(private_key, &format!("{target}{}", expiry.unwrap_or("9999999999")));
    let sep = if target.contains('?') { '&' } else { '?' };
    match expiry {
        Some(t) => format!("{target}{sep}ik-t={t}&ik-s={sig}"),
        None => format!("{target}{sep}ik-s={sig}"),
    }
}

fn decode(path: &str) -> String {
    let p = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    format!("/{}", p.trim_start_matches('/'))
}

fn find(s: &AppState, file_path: &str, version: Option<&str>) -> Option<VersionRec> {
    let i = file_path.rfind('/').unwrap_or(0);
    let (folder, name) = (&file_path[..=i], &file_path[i + 1..]);
    let conn = s.store.lock();
    let f = store::get_file_at(&conn, folder, name).ok()??;
    let vid = version.unwrap_or(&f.current);
    store::get_version(&conn, vid).ok().flatten().filter(|v| v.file_id == f.file_id)
}

/// Every delivery answer (originals, outputs, manifests, segments, errors) carries
/// `Access-Control-Allow-Origin: *`, as the remote's CDN does, so a web player (hls.js, dash.js)
/// on another origin can fetch it; a CORS preflight (`OPTIONS`) is answered 204.
pub async fn serve(state: State<AppState>, req: Request) -> Response {
    use axum::http::{HeaderValue, Method, header};
    let preflight = req.method() == Method::OPTIONS;
    let mut resp = if preflight { StatusCode::NO_CONTENT.into_response() } else { serve_inner(state, req).await };
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Content-Length, Content-Range, Accept-Ranges, Location, x-ik-obj-version"),
    );
    if preflight {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD, OPTIONS"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Range"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    }
    resp
}

async fn serve_inner(State(s): State<AppState>, req: Request) -> Response {
    let target = req.uri().path_and_query().map(|pq| pq.as_str().to_string()).unwrap_or_default();
    let prefix = format!("/{}/", s.cfg.imagekit_id);
    let Some(rest) = target.strip_prefix(&prefix) else { return not_found() };
    let t = Target::parse(rest);

    // The files of a built ladder, beneath its manifest's URL.
    let decoded = decode(t.path);
    if let Some(i) = decoded.find(&format!("/{}/", transformed::ABR_PREFIX)) {
        let tail = &decoded[i + transformed::ABR_PREFIX.len() + 2..];
        if let Some((key, rel)) = tail.split_once('/') {
            return transformed::serve_abr(&s, key, rel, req).await;
        }
    }

    let version = t.param("ik-obj-version");
    let (file_path, suffix, cut) = match find(&s, &decoded, version) {
        Some(_) => (decoded.clone(), None, 0),
        None => {
            let (p, suffix, cut) = split_suffix(&decoded);
            (p.to_string(), suffix, cut)
        }
    };
    let Some(v) = find(&s, &file_path, version) else { return not_found() };
    if !v.is_published {
        return not_found();
    }
    let tr = t.tr();
    let steps: Vec<&str> = tr.split([',', ':']).collect();
    let named = steps.iter().any(|p| p.starts_with("n-"));
    let signed = t.param("ik-s").is_some();
    if (v.is_private && !named) || signed {
        let now = chrono::Utc::now().timestamp();
        if let Err(e) = sr_imagekit::url::verify_signed_url(rest, &s.cfg.private_key, now) {
            return ApiError::new(StatusCode::UNAUTHORIZED, format!("Unauthorized: {e}.")).into_response();
        }
    }

    let thumbnail = steps.contains(&THUMBNAIL_NAMED);
    if thumbnail && suffix.is_none() {
        return ml_thumbnail(&s, &v, req).await;
    }
    if let Some(n) = steps.iter().find(|p| p.starts_with("n-")) {
        return ApiError::bad(format!(
            "The Sandbox has no named transformation `{}`. Write its parameters in tr instead (e.g. tr=w-400,h-300).",
            &n[2..]
        ))
        .into_response();
    }
    let original = steps.iter().any(|p| p.eq_ignore_ascii_case("orig-true"));
    if (tr.is_empty() || original) && suffix.is_none() {
        return original_bytes(&s, &v, req).await;
    }

    // Where a not-yet-ready video sends the client: the untransformed URL, signed again (same expiry)
    // when this one was signed or the file is private.
    let raw_path = &t.path[..t.path.len() - cut.min(t.path.len())];
    let mut orig = raw_path.to_string();
    let other = t.other_query();
    if !other.is_empty() {
        orig = format!("{orig}?{other}");
    }
    if signed || v.is_private {
        orig = sign_target(&orig, &s.cfg.private_key, t.param("ik-t"));
    }
    let endpoint = s.endpoint();
    let ask = Ask {
        version: &v,
        blob: s.store.blob_path(&v.blob),
        tr,
        suffix,
        original_url: format!("{endpoint}/{orig}"),
        request_url: format!("{endpoint}/{rest}"),
        file_url: s.file_url(&file_path),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
        user_agent: req.headers().get("user-agent").and_then(|h| h.to_str().ok()).map(str::to_string),
    };
    transformed::deliver(&s, ask, req).await
}

async fn original_bytes(s: &AppState, v: &VersionRec, req: Request) -> Response {
    transformed::serve_path(&s.store.blob_path(&v.blob), &v.mime, req, Some(&v.version_id)).await
}

/// `tr:n-ik_ml_thumbnail`: a JPEG within 200 px for images, a frame for videos, the original bytes
/// for what the Sandbox cannot decode.
async fn ml_thumbnail(s: &AppState, v: &VersionRec, req: Request) -> Response {
    let blob = s.store.blob_path(&v.blob);
    let jpeg_header = |vid: &str, mut resp: Response| {
        if let Ok(h) = vid.parse() {
            resp.headers_mut().insert("x-ik-obj-version", h);
        }
        resp
    };
    if v.file_type == "image" {
        let b = blob.clone();
        if let Ok(Ok(jpeg)) = tokio::task::spawn_blocking(move || thumbnail_jpeg(&b)).await {
            let resp = ([(axum::http::header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response();
            return jpeg_header(&v.version_id, resp);
        }
    } else if v.mime.starts_with("video/") {
        let renders = s.renders.clone();
        let (vid, b) = (v.version_id.clone(), blob.clone());
        let planned = tokio::task::spawn_blocking(move || {
            let info = renders.probe(&vid, &b).ok()?;
            let tr = sr_imagekit::transform::Transformation::parse(&format!(
                "w-{THUMBNAIL_MAX_SIDE},h-{THUMBNAIL_MAX_SIDE},c-at_max"
            ));
            sr_media::render::plan_thumbnail(&info, &tr, &Default::default()).ok()
        })
        .await
        .ok()
        .flatten();
        if let Some(plan) = planned
            && let Ok(path) = s.renders.picture(&v.version_id, blob.clone(), plan).await
        {
            return transformed::serve_path(&path, "image/jpeg", req, Some(&v.version_id)).await;
        }
    }
    // What the Sandbox cannot decode (SVG, a damaged video) is served as it is.
    original_bytes(s, v, req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_comes_apart_into_tr_path_and_query() {
        let t = Target::parse("tr:w-300,h-200/a/b.mp4/ik-master.m3u8?v=1&tr=sr-240&ik-s=x");
        assert_eq!(t.tr_path, Some("w-300,h-200"));
        assert_eq!(t.path, "a/b.mp4/ik-master.m3u8");
        assert_eq!(t.tr(), "w-300,h-200:sr-240");
        assert_eq!(t.other_query(), "v=1");
        assert_eq!(split_suffix("/a/b.mp4/ik-master.m3u8"), ("/a/b.mp4", Some(Suffix::Master(LadderFormat::Hls)), 15));
        assert_eq!(split_suffix("/a/b.mov/ik-video.mp4/ik-thumbnail.jpg").1, Some(Suffix::Thumbnail));
        assert_eq!(split_suffix("/a/b.mov/ik-video.mp4"), ("/a/b.mov", Some(Suffix::Mp4), 13));
        assert_eq!(split_suffix("/a/b.jpg"), ("/a/b.jpg", None, 0));
        // The legacy SDK's URLSearchParams encoding is read back.
        assert_eq!(Target::parse("a.jpg?tr=w-300%2Ch-200%3Art-90").tr(), "w-300,h-200:rt-90");
        // A text layer's own escapes stay.
        assert_eq!(Target::parse("a.jpg?tr=l-text,i-SALE%2029,l-end").tr(), "l-text,i-SALE%2029,l-end");
    }

    #[test]
    fn a_signed_target_verifies() {
        let s = sign_target("a/b.mp4?v=1", "k", Some("9999999990"));
        assert!(s.starts_with("a/b.mp4?v=1&ik-t=9999999990&ik-s="), "{s}");
        assert!(sr_imagekit::url::verify_signed_url(&s, "k", 0).is_ok());
        let s = sign_target("a/b.mp4", "k", None);
        assert!(sr_imagekit::url::verify_signed_url(&s, "k", 0).is_ok());
    }
}
