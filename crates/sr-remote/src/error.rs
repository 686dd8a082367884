//! What can go wrong talking to the media library, in cases a caller can branch on.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// Every failure of a [`crate::Client`] call.
///
/// `Display` is written for a merchandiser: what happened and what to do. The `request_id` carried by
/// HTTP-level variants is the remote's `x-ik-requestId`, worth quoting to the media library's support.
/// No variant ever holds the private key.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// 401/403: the key (or the upload token) was not accepted, or the account is disabled or over quota.
    #[error("The media library rejected the key: {message} Check your private key in Settings.")]
    Authentication { message: String, request_id: Option<String> },

    /// 400: a parameter was missing or invalid. `errors` holds the per-field messages when the remote sent
    /// them (custom-metadata schemas).
    #[error("The media library refused the request: {message}")]
    Validation { message: String, errors: Option<Value>, request_id: Option<String> },

    /// 404: the file, version, folder or field does not exist (any more). For bulk calls
    /// `missing_file_ids` lists the ids that were not found; nothing was changed.
    #[error("The media library could not find it: {message} It may have been deleted or moved; refresh and try again.")]
    NotFound { message: String, missing_file_ids: Vec<String>, reason: Option<String>, request_id: Option<String> },

    /// 409: the target already exists (for example a rename onto an existing name). Never retried.
    #[error("That name is already taken in the media library: {message} Choose another name.")]
    Conflict { message: String, request_id: Option<String> },

    /// 429: too many requests. Wait `retry_after` before the next call.
    #[error("The media library asked us to slow down. Trying again in {} s.", retry_after.as_secs_f64().ceil())]
    RateLimited { retry_after: Duration, request_id: Option<String> },

    /// 207 on a call where only part of the work was done and the rest cannot be expressed in the result.
    #[error("The media library did only part of the work: {message}")]
    PartialSuccess { message: String, request_id: Option<String> },

    /// 5xx: a failure on the remote's side.
    #[error(
        "The media library had a problem on its side (HTTP {status}): {message} Please try again in a few minutes."
    )]
    Server { status: u16, message: String, request_id: Option<String> },

    /// The connection could not be made, broke, or went silent. `sent_bytes` counts body bytes handed to the
    /// transport; `maybe_delivered` is true when the request may have reached the server and been acted on
    /// (so a blind retry of a non-idempotent call could duplicate it).
    #[error("Could not reach the media library: {message}. Check the internet connection and try again.")]
    Network { message: String, sent_bytes: u64, maybe_delivered: bool },

    /// The caller cancelled the call.
    #[error("The upload was cancelled.")]
    Cancelled,

    /// The local file to upload could not be read.
    #[error("Could not read the file {}: {source}. Check that it still exists and is readable.", path.display())]
    LocalFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other HTTP status the API does not document.
    #[error("The media library answered with an unexpected status (HTTP {status}): {message}")]
    UnexpectedStatus { status: u16, message: String, request_id: Option<String> },

    /// A success status whose body could not be understood.
    #[error("The media library sent an answer Stockroom does not understand: {message}")]
    InvalidResponse { message: String, request_id: Option<String> },

    /// The client was configured with something unusable (for example a malformed base URL), or a call
    /// needs credentials the configuration does not have.
    #[error("The media library settings are not usable: {message} Check them in Settings.")]
    Config { message: String },
}

impl RemoteError {
    /// Whether trying the same call again later can succeed. True for rate limits, server errors and
    /// network failures; false for conflicts, validation, authentication, not-found, cancellation and
    /// local file errors. Callers must still decide whether the operation is safe to repeat
    /// (see [`RemoteError::Network::maybe_delivered`](RemoteError::Network)).
    pub fn is_retryable(&self) -> bool {
        match self {
            RemoteError::RateLimited { .. } | RemoteError::Network { .. } => true,
            RemoteError::Server { status, .. } => *status != 501,
            _ => false,
        }
    }

    /// How long the remote asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RemoteError::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The remote's request id (`x-ik-requestId`), for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            RemoteError::Authentication { request_id, .. }
            | RemoteError::Validation { request_id, .. }
            | RemoteError::NotFound { request_id, .. }
            | RemoteError::Conflict { request_id, .. }
            | RemoteError::RateLimited { request_id, .. }
            | RemoteError::PartialSuccess { request_id, .. }
            | RemoteError::Server { request_id, .. }
            | RemoteError::UnexpectedStatus { request_id, .. }
            | RemoteError::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status behind this error, when there was one.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            RemoteError::Authentication { .. } => 401,
            RemoteError::Validation { .. } => 400,
            RemoteError::NotFound { .. } => 404,
            RemoteError::Conflict { .. } => 409,
            RemoteError::RateLimited { .. } => 429,
            RemoteError::PartialSuccess { .. } => 207,
            RemoteError::Server { status, .. } | RemoteError::UnexpectedStatus { status, .. } => *status,
            _ => return None,
        })
    }
}

/// The remote's request id header (`x-ik-requestId`; some paths send `x-request-id`).
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-ik-requestid")
        .or_else(|| headers.get("x-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The longest a 429 may make us wait; a remote asking for more is treated as asking for this.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60 * 60);

/// How long a 429 asks us to wait: `X-RateLimit-Reset` (in **milliseconds**, the precise one) when present,
/// else `Retry-After` (seconds); one second when neither is usable; never more than [`MAX_RATE_LIMIT_WAIT`].
pub(crate) fn rate_limit_wait(headers: &HeaderMap) -> Duration {
    let header_u64 =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse::<f64>().ok());
    // Compared in f64 before any conversion, so nothing saturates or wraps; NaN and negatives are unusable.
    let max_ms = MAX_RATE_LIMIT_WAIT.as_millis() as f64;
    let to_wait = |ms: f64| Duration::from_millis(ms.ceil().min(max_ms) as u64);
    let reset = header_u64("x-ratelimit-reset").filter(|ms| *ms >= 0.0).map(to_wait);
    let after = header_u64("retry-after").filter(|s| *s >= 0.0).map(|s| to_wait(s * 1000.0));
    reset.or(after).unwrap_or(Duration::from_secs(1))
}

/// Maps a non-success response (status, headers, raw body) to the error a caller branches on.
pub(crate) fn from_response_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> RemoteError {
    let request_id = request_id(headers);
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| json.as_ref().and_then(|j| j.get(name));
    let message =
        field("message").and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| fallback_message(status, body));
    let reason = field("reason").and_then(Value::as_str).map(str::to_owned);

    match status.as_u16() {
        400 | 413 | 422 => {
            RemoteError::Validation { message, errors: field("errors").filter(|v| !v.is_null()).cloned(), request_id }
        }
        401 | 403 => RemoteError::Authentication { message, request_id },
        404 => RemoteError::NotFound {
            message,
            missing_file_ids: field("missingFileIds")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
            reason,
            request_id,
        },
        409 => RemoteError::Conflict { message, request_id },
        429 => RemoteError::RateLimited { retry_after: rate_limit_wait(headers), request_id },
        207 => RemoteError::PartialSuccess { message, request_id },
        s if s >= 500 => RemoteError::Server { status: s, message, request_id },
        s => RemoteError::UnexpectedStatus { status: s, message, request_id },
    }
}

fn fallback_message(status: StatusCode, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.starts_with('<') || text.starts_with('{') {
        status.canonical_reason().unwrap_or("no explanation given").to_owned()
    } else {
        text.chars().take(300).collect()
    }
}

/// Maps a transport failure. `sent_bytes` is how much of the body reached the transport, `body_len` the
/// body's full length (0 for bodiless requests).
pub(crate) fn from_transport(err: &reqwest::Error, sent_bytes: u64, body_len: u64) -> RemoteError {
    // A connect failure never reached the server. A body cut short cannot have been accepted as a
    // complete request. Anything else (timeout waiting for the answer, reset after the body went out)
    // may have been processed.
    let maybe_delivered = !err.is_connect() && sent_bytes >= body_len;
    let kind = if err.is_connect() {
        "the connection could not be opened"
    } else if err.is_timeout() {
        "the connection timed out"
    } else {
        "the connection was interrupted"
    };
    RemoteError::Network { message: format!("{kind} ({})", describe_chain(err)), sent_bytes, maybe_delivered }
}

/// The innermost causes of a reqwest error, without the URL (which could carry query parameters).
fn describe_chain(err: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() { err.without_url_string() } else { parts.join(": ") }
}

trait WithoutUrl {
    fn without_url_string(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_string(&self) -> String {
        let mut owned = reqwest::Error::to_string(self);
        if let Some(url) = self.url() {
            owned = owned.replace(url.as_str(), "");
        }
        owned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn wrong_key_maps_to_authentication_with_request_id() {
        let body = br#"{"message":"Your account cannot be authenticated.","help":"For support kindly contact us at support@imagekit.io ."}"#;
        let err = from_response_parts(StatusCode::FORBIDDEN, &headers(&[("x-ik-requestId", "req-1")]), body);
        assert!(matches!(err, RemoteError::Authentication { .. }));
        assert_eq!(err.request_id(), Some("req-1"));
        assert!(!err.is_retryable());
        assert_eq!(
            err.to_string(),
            "The media library rejected the key: Your account cannot be authenticated. Check your private key in Settings."
        );
    }

    #[test]
    fn bulk_not_found_keeps_missing_ids() {
        let body = br#"{"message":"The requested file(s) does not exist.","help":"x","missingFileIds":["a","b"]}"#;
        match from_response_parts(StatusCode::NOT_FOUND, &HeaderMap::new(), body) {
            RemoteError::NotFound { missing_file_ids, message, .. } => {
                assert_eq!(missing_file_ids, vec!["a", "b"]);
                assert_eq!(message, "The requested file(s) does not exist.");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn schema_errors_are_kept_on_validation() {
        let body = br#"{"message":"Invalid field object","help":"x","errors":{"minValue":"should be of type number"}}"#;
        match from_response_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), body) {
            RemoteError::Validation { errors: Some(errors), .. } => {
                assert_eq!(errors["minValue"], "should be of type number");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rate_limit_reset_is_milliseconds_and_preferred_over_retry_after() {
        let err = from_response_parts(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("X-RateLimit-Reset", "1500"), ("X-RateLimit-Limit", "10")]),
            b"",
        );
        assert_eq!(err.retry_after(), Some(Duration::from_millis(1500)));
        assert!(err.is_retryable());
        assert_eq!(
            rate_limit_wait(&headers(&[("Retry-After", "3"), ("X-RateLimit-Reset", "200")])),
            Duration::from_millis(200)
        );
        assert_eq!(rate_limit_wait(&headers(&[("Retry-After", "3")])), Duration::from_secs(3));
        assert_eq!(rate_limit_wait(&headers(&[("Retry-After", "soon")])), Duration::from_secs(1));
    }

    #[test]
    fn a_huge_or_absurd_rate_limit_reset_waits_at_most_an_hour() {
        for huge in ["1e300", "18446744073709551615", "99999999999999999999999"] {
            assert_eq!(rate_limit_wait(&headers(&[("X-RateLimit-Reset", huge)])), MAX_RATE_LIMIT_WAIT, "{huge}");
            assert_eq!(rate_limit_wait(&headers(&[("Retry-After", huge)])), MAX_RATE_LIMIT_WAIT, "{huge}");
        }
        // Fits in the scheduler's i64 milliseconds without wrapping.
        assert!(i64::try_from(MAX_RATE_LIMIT_WAIT.as_millis()).is_ok());
        assert_eq!(rate_limit_wait(&headers(&[("X-RateLimit-Reset", "1500")])), Duration::from_millis(1500));
    }

    #[test]
    fn conflict_is_not_retryable_and_server_errors_are() {
        let conflict = from_response_parts(
            StatusCode::CONFLICT,
            &HeaderMap::new(),
            br#"{"message":"File with name a.jpg already exists at the same location.","reason":"FILE_ALREADY_EXISTS"}"#,
        );
        assert!(matches!(conflict, RemoteError::Conflict { .. }));
        assert!(!conflict.is_retryable());
        let server = from_response_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"<html>oops</html>");
        match &server {
            RemoteError::Server { status: 503, message, .. } => assert_eq!(message, "Service Unavailable"),
            other => panic!("{other:?}"),
        }
        assert!(server.is_retryable());
    }

    #[test]
    fn plain_text_bodies_become_the_message() {
        let err = from_response_parts(StatusCode::IM_A_TEAPOT, &HeaderMap::new(), b"short and stout");
        match err {
            RemoteError::UnexpectedStatus { status: 418, message, .. } => assert_eq!(message, "short and stout"),
            other => panic!("{other:?}"),
        }
    }
}
