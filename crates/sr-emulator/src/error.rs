//! The remote's error body `{message, help, ...}` (spec §1.4) and the crate's own error type.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The exact `help` string the remote puts in every error body (note the space before the full stop).
pub const HELP: &str = "For support kindly contact us at support@imagekit.io .";

/// Errors from starting or running the emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("could not listen on {addr}: {source}. Pick another port or stop the program using it.")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("could not use the Sandbox data folder {path}: {source}. Check that the folder exists and is writable.")]
    DataDir { path: std::path::PathBuf, source: std::io::Error },
    #[error("the Sandbox library database is unusable: {0}. Move the Sandbox data folder away to start afresh.")]
    Database(#[from] rusqlite::Error),
    /// A test's seeding request ([`crate::EmulatorHandle::seed_files`]) that cannot be stored.
    #[error("cannot seed the emulator: {0}")]
    Seed(String),
}

/// An HTTP error answered with the remote's JSON error shape.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), extra: Map::new() }
    }
    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, format!("The Sandbox failed internally: {what}"))
    }
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        m.insert("message".into(), json!(self.message));
        m.insert("help".into(), json!(HELP));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::internal(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
