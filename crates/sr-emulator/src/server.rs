//! The HTTP side: our own accept loop (so a fault can drop one connection), the gate middleware
//! (request ids, rate limits, faults) and the routing by path prefix (spec §1.1).

use std::convert::Infallible;
use std::pin::Pin;

use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::Stream;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::error::ApiError;
use crate::faults::FaultAction;
use crate::state::AppState;

/// The request id the gate gives a request (`x-request-id`), in its extensions for the handlers.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Put in each request's extensions by the accept loop: cancelling it drops the TCP connection.
#[derive(Clone)]
pub struct ConnKill(pub CancellationToken);

/// Which rate-limit / fault bucket a request belongs to. `None` for the emulator's own endpoints.
pub fn classify(method: &Method, path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    if p.starts_with("/_emulator") {
        return None;
    }
    if p == "/api/v1/files/upload" || p == "/api/v2/files/upload" {
        return Some("upload");
    }
    let Some(rest) = p.strip_prefix("/v1/") else {
        return Some("delivery");
    };
    let segs: Vec<&str> = rest.split('/').collect();
    Some(match segs.as_slice() {
        ["files"] => "list",
        ["files", "batch", ..] => "bulk_delete",
        ["files", "copy"] => "copy",
        ["files", "move"] => "move",
        ["files", "rename"] => "rename",
        ["files", "addTags" | "removeTags" | "removeAITags"] => "tags",
        ["files", "purge", ..] => "purge",
        ["files", _, "details"] if method == Method::PATCH => "update",
        ["files", _, "details"] => "details",
        ["files", _, "versions", ..] => "versions",
        ["files", _, "metadata"] | ["metadata"] => "metadata",
        ["files", _] => "delete",
        ["folder", ..] => "folders",
        ["bulkJobs", ..] => "bulk_jobs",
        ["customMetadataFields", ..] => "custom_metadata_fields",
        _ => "other",
    })
}

/// A body stream that, after `left` bytes, drops the connection and never finishes.
struct CutAfter<S> {
    inner: S,
    left: u64,
    kill: Option<CancellationToken>,
    cut: bool,
}

impl<S, E> Stream for CutAfter<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<axum::BoxError>,
{
    type Item = Result<Bytes, axum::BoxError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.cut {
            return match &self.kill {
                Some(_) => Poll::Pending,
                None => Poll::Ready(Some(Err("connection reset by fault injection".into()))),
            };
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(mut chunk))) => {
                if chunk.len() as u64 >= self.left {
                    let keep = self.left as usize;
                    self.cut = true;
                    if let Some(k) = &self.kill {
                        k.cancel();
                    }
                    if keep == 0 {
                        return self.poll_next(cx);
                    }
                    chunk.truncate(keep);
                    self.left = 0;
                    return Poll::Ready(Some(Ok(chunk)));
                }
                self.left -= chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            other @ (Poll::Ready(None) | Poll::Pending) => other.map(|_| None),
        }
    }
}

fn cut_body(body: Body, after: u64, kill: Option<CancellationToken>) -> Body {
    Body::from_stream(CutAfter { inner: body.into_data_stream(), left: after, kill, cut: false })
}

fn set_header(resp: &mut Response, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(name, v);
    }
}

/// Request ids, rate limits and faults, in front of every route.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = uuid_like();
    let endpoint = classify(req.method(), req.uri().path());
    let kill = req.extensions().get::<ConnKill>().map(|k| k.0.clone());
    let mut req = req;
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let mut cut_response: Option<u64> = None;
    let mut early: Option<Response> = None;
    let mut verdict = None;

    if let Some(ep) = endpoint {
        let actions = state.faults.draw(ep);
        for a in &actions {
            match a {
                FaultAction::Latency { ms } => tokio::time::sleep(std::time::Duration::from_millis(*ms)).await,
                FaultAction::Stall { ms } => {
                    tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
                    if let Some(k) = &kill {
                        k.cancel();
                        std::future::pending::<()>().await;
                    }
                    early.get_or_insert_with(|| {
                        ApiError::new(StatusCode::GATEWAY_TIMEOUT, "The request stalled (fault injection).")
                            .into_response()
                    });
                }
                _ => {}
            }
        }
        let limited = ep != "upload" && ep != "delivery";
        let v = state.rate.check(ep, limited);
        if !v.allowed && early.is_none() {
            early = Some(too_many(v.reset_ms));
        }
        verdict = Some(v);
        for a in actions {
            match a {
                FaultAction::Status { status } if early.is_none() => {
                    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    early = Some(
                        ApiError::new(
                            code,
                            format!("The server answered {status} (fault injection). Try again later."),
                        )
                        .into_response(),
                    );
                }
                FaultAction::RateLimit { reset_ms } if early.is_none() => {
                    early = Some(too_many(reset_ms));
                    if let Some(v) = verdict.as_mut() {
                        v.reset_ms = reset_ms;
                    }
                }
                FaultAction::ResetRequest { after_bytes } => {
                    let k = kill.clone();
                    req = req.map(|b| cut_body(b, after_bytes, k));
                }
                FaultAction::ResetResponse { after_bytes } => cut_response = Some(after_bytes),
                _ => {}
            }
        }
    }

    let mut resp = match early {
        Some(r) => r,
        None => next.run(req).await,
    };
    if let Some(after) = cut_response {
        let k = kill.clone();
        resp = resp.map(|b| cut_body(b, after, k));
    }
    set_header(&mut resp, "x-ik-requestId", request_id.clone());
    set_header(&mut resp, "x-request-id", request_id);
    if let Some(v) = verdict {
        set_header(&mut resp, "X-RateLimit-Limit", v.bucket.limit.to_string());
        set_header(&mut resp, "X-RateLimit-Reset", v.reset_ms.to_string());
        set_header(&mut resp, "X-RateLimit-Interval", v.bucket.interval_ms.to_string());
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            set_header(&mut resp, "Retry-After", v.reset_ms.div_ceil(1000).max(1).to_string());
        }
    }
    resp
}

fn too_many(reset_ms: u64) -> Response {
    let mut r = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("Too many requests. Wait {reset_ms} ms before retrying (see X-RateLimit-Reset)."),
    )
    .into_response();
    set_header(&mut r, "Retry-After", reset_ms.div_ceil(1000).max(1).to_string());
    r
}

fn uuid_like() -> String {
    let a = crate::store::new_id();
    format!("{}-{}-{}-{}-{}", &a[0..8], &a[8..12], &a[12..16], &a[16..20], &a[20..24])
}

/// Serves `app` on `listener` until `shutdown` is cancelled. Each connection gets a [`ConnKill`].
pub async fn accept_loop(listener: TcpListener, app: Router, shutdown: CancellationToken) {
    loop {
        let (stream, _) = tokio::select! {
            _ = shutdown.cancelled() => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = CancellationToken::new();
            let kill2 = kill.clone();
            let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnKill(kill2.clone()));
                let app = app.clone();
                async move { Ok::<_, Infallible>(app.oneshot(req).await.unwrap_or_else(|e| match e {})) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.cancelled() => {}
                _ = shutdown.cancelled() => {}
            }
        });
    }
}

/// Wraps the inner router so that `/v1/...` paths with a trailing slash reach the same routes.
pub fn with_trailing_slash_tolerance(inner: Router) -> Router {
    let svc = tower::service_fn(move |mut req: Request| {
        let inner = inner.clone();
        async move {
            let path = req.uri().path();
            if path.len() > 1 && path.ends_with('/') && (path.starts_with("/v1/") || path.starts_with("/api/")) {
                let trimmed = path.trim_end_matches('/').to_string();
                let pq = match req.uri().query() {
                    Some(q) => format!("{trimmed}?{q}"),
                    None => trimmed,
                };
                if let Ok(uri) = pq.parse() {
                    *req.uri_mut() = uri;
                }
            }
            inner.oneshot(req).await
        }
    });
    Router::new().fallback_service(svc)
}

/// The largest request body the request log reads (management bodies are small JSON).
const LOGGED_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Records every answered request but the emulator's own in [`AppState::log`]: outside the gate,
/// so injected faults and 429s are logged with the status the client saw.
pub async fn log_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let Some(endpoint) = classify(req.method(), &path) else { return next.run(req).await };
    let method = req.method().to_string();
    let query: Vec<(String, String)> = req.uri().query().map(url_pairs).unwrap_or_default();
    let (req, body) = if matches!(endpoint, "upload" | "delivery") {
        (req, serde_json::Value::Null)
    } else {
        let (parts, b) = req.into_parts();
        let bytes = match axum::body::to_bytes(b, LOGGED_BODY_LIMIT).await {
            Ok(b) => b,
            Err(e) => {
                return ApiError::bad(format!("The request body could not be read: {e}.")).into_response();
            }
        };
        let body = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (Request::from_parts(parts, Body::from(bytes)), body)
    };
    let resp = next.run(req).await;
    let body = match resp.extensions().get::<crate::reqlog::LoggedBody>() {
        Some(f) if body.is_null() => f.0.clone(),
        _ => body,
    };
    let request_id = resp.headers().get("x-ik-requestId").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    state.log.push(crate::reqlog::LoggedRequest {
        seq: 0,
        method,
        path,
        query,
        body,
        status: resp.status().as_u16(),
        request_id,
    });
    resp
}

fn url_pairs(q: &str) -> Vec<(String, String)> {
    let decode = |s: &str| percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned();
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(kv), String::new()),
        })
        .collect()
}
