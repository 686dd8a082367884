//! Errors as the UI and the CLI see them: a small code to branch on and a message for a person.
//!
//! The one place the lower crates' typed errors become [`ApiError`]: a `From` impl per error type
//! below, used by `?` everywhere in the façade. Call sites build an `ApiError` themselves only for
//! failures that have no typed error (a file the façade opens, a worker that stopped) or to say
//! more than the type can, and then say why beside the call (`uploads.rs`: a run that cannot
//! start is a library problem, whatever the cause).

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure this is; the UI branches on it, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The asset, job or file asked for does not exist.
    NotFound,
    /// The request itself is wrong (a bad value, a malformed transformation...).
    InvalidInput,
    /// The library database or folder cannot be used.
    Library,
    /// A media file could not be read or processed.
    Media,
    /// A local file or folder could not be read or written.
    Io,
    /// The media library could not be reached; what is saved in the library stays in use.
    Offline,
    /// The media library refused or failed the request; the message says why and what to do.
    Remote,
    /// The media library is still making what was asked (a derived version); ask again later.
    NotReady,
    /// No system keychain answered while saving a private key; nothing was saved. The person can
    /// unlock or install one, or choose to keep the key in a file only they can read.
    KeychainUnavailable,
    /// Something unexpected; the message says what.
    Internal,
}

/// `{code, message}`: the only error shape that crosses the façade.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
}

impl From<sr_library::LibraryError> for ApiError {
    fn from(e: sr_library::LibraryError) -> Self {
        let code = match e {
            sr_library::LibraryError::Io { .. } => ErrorCode::Io,
            // A request the library refuses (a folder already watched, inside another, or the
            // library's own): the person's choice to change, not a broken library.
            sr_library::LibraryError::Refused(_) => ErrorCode::InvalidInput,
            _ => ErrorCode::Library,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<sr_library::OrganiseError> for ApiError {
    fn from(e: sr_library::OrganiseError) -> Self {
        use sr_library::OrganiseError;
        match e {
            OrganiseError::Invalid { message, .. } => ApiError::invalid(message),
            OrganiseError::NotFound(m) => ApiError::not_found(m),
            OrganiseError::Library(e) => e.into(),
        }
    }
}

impl From<sr_media::MediaError> for ApiError {
    fn from(e: sr_media::MediaError) -> Self {
        ApiError::new(ErrorCode::Media, e.to_string())
    }
}

/// A transformation the preview cannot make is the request's fault; the message names the nearest
/// valid setting.
impl From<sr_media::render::PlanError> for ApiError {
    fn from(e: sr_media::render::PlanError) -> Self {
        ApiError::invalid(e.to_string())
    }
}

impl From<sr_media::render::RenderError> for ApiError {
    fn from(e: sr_media::render::RenderError) -> Self {
        use sr_media::render::RenderError;
        let code = match &e {
            RenderError::Plan(_) => ErrorCode::InvalidInput,
            RenderError::Output(_) => ErrorCode::Io,
            _ => ErrorCode::Media,
        };
        ApiError::new(code, e.to_string())
    }
}

/// Offline is its own code so the UI can say "using the saved fields".
impl From<sr_remote::RemoteError> for ApiError {
    fn from(e: sr_remote::RemoteError) -> Self {
        let code = match e {
            sr_remote::RemoteError::Network { .. } => ErrorCode::Offline,
            _ => ErrorCode::Remote,
        };
        ApiError::new(code, e.to_string())
    }
}

/// The watcher's own failures; another holder of the library's watcher is the library's state, not
/// a broken file (the façade words that case itself, naming the holder).
impl From<sr_watch::WatchError> for ApiError {
    fn from(e: sr_watch::WatchError) -> Self {
        match e {
            sr_watch::WatchError::AlreadyRunning { .. } => ApiError::new(ErrorCode::Library, e.to_string()),
            sr_watch::WatchError::Library(e) => e.into(),
            sr_watch::WatchError::Io(m) => ApiError::new(ErrorCode::Io, m),
        }
    }
}

/// Sync's failures: the lower crates' own errors keep their codes; another sync of this library
/// running is the library's state, said in words (like the watcher's holder).
impl From<sr_sync::SyncError> for ApiError {
    fn from(e: sr_sync::SyncError) -> Self {
        match e {
            sr_sync::SyncError::Library(e) => e.into(),
            sr_sync::SyncError::Organise(e) => e.into(),
            sr_sync::SyncError::Remote(e) => e.into(),
            sr_sync::SyncError::Busy(m) => ApiError::new(ErrorCode::Library, m),
        }
    }
}
