//! Delivery at `/<imagekit_id>/[tr:.../]<path>[?tr=...]`: the ORIGINAL bytes of the file (the
//! emulator does not transform; the one exception is the `thumbnail` URL's `n-ik_ml_thumbnail`,
//! answered for images with a small JPEG, for videos and other files with the original bytes), with Range support, `?ik-obj-version=` for old versions, 401 for
//! private files without a valid signature (spec §9.1, §9.3) and 404 for unknown or unpublished ones.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

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

pub async fn serve(State(s): State<AppState>, req: Request) -> Response {
    let target = req.uri().path_and_query().map(|pq| pq.as_str().to_string()).unwrap_or_default();
    let prefix = format!("/{}/", s.cfg.imagekit_id);
    let Some(rest) = target.strip_prefix(&prefix) else { return not_found() };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let tr_path = path.starts_with("tr:").then(|| path.split('/').next().unwrap_or(""));
    let tr_query = query.split('&').find_map(|kv| kv.strip_prefix("tr="));
    let named = [tr_path.map(|t| t.trim_start_matches("tr:")), tr_query]
        .into_iter()
        .flatten()
        .any(|t| t.split([',', ':']).any(|p| p.starts_with("n-")));
    let file_path = percent_encoding::percent_decode_str(strip_tr(path)).decode_utf8_lossy().to_string();
    let file_path = format!("/{}", file_path.trim_start_matches('/'));
    let i = file_path.rfind('/').unwrap_or(0);
    let (folder, name) = (&file_path[..=i], &file_path[i + 1..]);
    let found = {
        let conn = s.store.lock();
        match store::get_file_at(&conn, folder, name) {
            Ok(Some(f)) => {
                let vid = query.split('&').find_map(|kv| kv.strip_prefix("ik-obj-version=")).unwrap_or(&f.current);
                store::get_version(&conn, vid).ok().flatten().filter(|v| v.file_id == f.file_id)
            }
            _ => None,
        }
    };
    let Some(v) = found else { return not_found() };
    if !v.is_published {
        return not_found();
    }
    if v.is_private && !named {
        let now = chrono::Utc::now().timestamp();
        if let Err(e) = sr_imagekit::url::verify_signed_url(rest, &s.cfg.private_key, now) {
            return ApiError::new(StatusCode::UNAUTHORIZED, format!("Unauthorized: {e}.")).into_response();
        }
    }
    let thumbnail = [tr_path.map(|t| t.trim_start_matches("tr:")), tr_query]
        .into_iter()
        .flatten()
        .any(|t| t.split([',', ':']).any(|p| p == THUMBNAIL_NAMED));
    if thumbnail && v.file_type == "image" {
        let blob = s.store.blob_path(&v.blob);
        if let Ok(Ok(jpeg)) = tokio::task::spawn_blocking(move || thumbnail_jpeg(&blob)).await {
            let mut resp = ([(axum::http::header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response();
            if let Ok(h) = v.version_id.parse() {
                resp.headers_mut().insert("x-ik-obj-version", h);
            }
            return resp;
        }
        // An image the emulator cannot decode (SVG, say) is served as it is, like a video.
    }
    let mime: mime::Mime = v.mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let svc = ServeFile::new_with_mime(s.store.blob_path(&v.blob), &mime);
    match svc.oneshot(req).await {
        Ok(mut resp) => {
            if let Ok(h) = v.version_id.parse() {
                resp.headers_mut().insert("x-ik-obj-version", h);
            }
            resp.map(Body::new)
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}
