//! A loopback HTTP server for originals, thumbnails and rendered previews.
//!
//! WebKitGTK cannot play `<video>` from custom URI schemes, so the UI plays originals from
//! `http://127.0.0.1:<random port>/<per-launch secret>/original/<id>` with HTTP Range support.
//! It serves only files the library knows (looked up by asset id), binds to 127.0.0.1 only, and
//! answers 404 to any path without the secret. Previews are served from `<library>/renders/` only
//! (`/<secret>/render/<file>`), never from outside it.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sr_library::Library;
use tower::ServiceExt;
use tower_http::services::ServeFile;

#[derive(Clone)]
struct Ctx {
    library: Arc<Library>,
    secret: Arc<str>,
}

/// A running media server.
pub struct MediaServer {
    base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl MediaServer {
    /// Binds 127.0.0.1 on a random port and serves in the current Tokio runtime.
    pub async fn start(library: Arc<Library>) -> std::io::Result<MediaServer> {
        let secret: String = {
            use rand::Rng;
            let mut rng = rand::rng();
            (0..32).map(|_| format!("{:x}", rng.random_range(0..16u8))).collect()
        };
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let ctx = Ctx { library, secret: secret.clone().into() };
        let app = Router::new()
            .route("/{secret}/original/{id}", get(original))
            .route("/{secret}/thumb/{id}", get(thumb))
            .route("/{secret}/render/{*file}", get(rendered))
            .with_state(ctx);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(MediaServer { base: format!("http://{addr}/{secret}"), shutdown: Some(tx) })
    }

    /// `http://127.0.0.1:PORT/SECRET`
    pub fn base(&self) -> &str {
        &self.base
    }
}

impl Drop for MediaServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn original(State(ctx): State<Ctx>, Path((secret, id)): Path<(String, i64)>, req: Request) -> Response {
    serve(&ctx, &secret, id, req, false).await
}

async fn thumb(State(ctx): State<Ctx>, Path((secret, id)): Path<(String, i64)>, req: Request) -> Response {
    serve(&ctx, &secret, id, req, true).await
}

async fn serve(ctx: &Ctx, secret: &str, id: i64, req: Request, thumb: bool) -> Response {
    if secret != &*ctx.secret {
        return StatusCode::NOT_FOUND.into_response();
    }
    let library = ctx.library.clone();
    let asset = match tokio::task::spawn_blocking(move || library.asset(id)).await {
        Ok(Ok(Some(a))) => a,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let path = if thumb {
        match asset.thumb_path {
            Some(p) => p,
            None => return StatusCode::NOT_FOUND.into_response(),
        }
    } else {
        asset.path
    };
    match ServeFile::new(path).oneshot(req).await {
        Ok(resp) => {
            let mut resp = resp.into_response();
            resp.headers_mut().insert("cache-control", "no-store".parse().expect("static header"));
            resp
        }
        Err(never) => match never {},
    }
}

/// A file of a finished (or in-progress fast) preview under `<library>/renders/`. Only plain
/// relative paths are accepted, and the resolved file (symlinks followed) must stay inside that
/// folder.
async fn rendered(State(ctx): State<Ctx>, Path((secret, file)): Path<(String, String)>, req: Request) -> Response {
    if secret != *ctx.secret {
        return StatusCode::NOT_FOUND.into_response();
    }
    let root = ctx.library.dir().join(crate::preview::RENDERS_DIR);
    let rel = std::path::Path::new(&file);
    let plain = !file.is_empty()
        && !file.contains('\\')
        && rel.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (Ok(root), Ok(path)) = (std::fs::canonicalize(&root), std::fs::canonicalize(root.join(rel))) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !path.starts_with(&root) || !path.is_file() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match ServeFile::new(path).oneshot(req).await {
        Ok(resp) => {
            let mut resp = resp.into_response();
            // Playlists grow while a fast preview renders.
            resp.headers_mut().insert("cache-control", "no-store".parse().expect("static header"));
            // hls.js fetches playlists and segments with XHR from the webview's own origin
            // (tauri://localhost), so they need CORS; the per-launch secret is the access check.
            resp.headers_mut().insert("access-control-allow-origin", "*".parse().expect("static header"));
            resp
        }
        Err(never) => match never {},
    }
}
