//! HTTP client for the remote media library (ImageKit API): typed errors, streamed uploads with progress.
//!
//! Boundary: this crate owns the wire (URLs, auth headers, multipart encoding, JSON shapes, status codes)
//! and when an account may be called again ([`hold`]: backoff, the offline probe, the 429 hold, in an
//! [`AccountGate`] its callers share). The [`Client`] keeps no state beyond a connection pool, never
//! retries uploads on its own, and never logs or returns the private key. Custom metadata fields are
//! `sr_imagekit::metadata`'s types on the wire, the very ones the offline validator checks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sr_remote::RemoteError> {
//! use sr_remote::*;
//! let client = Client::new(RemoteConfig::imagekit(
//!     "https://ik.imagekit.io/demo",
//!     RemoteAuth::PrivateKey(Secret::new("private_...")),
//! ))?;
//! let up = client
//!     .upload(
//!         UploadRequest { folder: Some("/summer/".into()), ..UploadRequest::new(UploadSource::Path("dress.mp4".into()), "dress.mp4") },
//!         |p: UploadProgress| println!("{}/{}", p.sent, p.total),
//!         None,
//!     )
//!     .await?;
//! let details = with_retry(&RetryPolicy::default(), || client.get_file_details(&up.file_id)).await?;
//! # let _ = details; Ok(()) }
//! ```

mod client;
mod config;
mod error;
pub mod hold;
mod query;
mod record;
mod retry;
mod types;
mod upload;

pub use client::{Client, DeliveryAnswer, Pages};
pub use config::{RemoteAuth, RemoteConfig, Secret, Timeouts};
pub use error::RemoteError;
pub use hold::{AccountGate, Backoff, shared_gate};
pub use query::{FileTypeFilter, FileUpdate, ItemTypeFilter, ListQuery, Publish, RemoveAiTags, Sort, UpdateFile};
pub use record::RequestIds;
pub use retry::{RetryPolicy, with_retry};
pub use tokio_util::sync::CancellationToken;
pub use types::{
    AiTag, BulkItemError, BulkJob, BulkJobType, BulkOutcome, CustomMetadataFieldUpdate, File, FileKind, FileMetadata,
    Folder, Item, JobStatus, RenameOutcome, UploadedFile, VersionInfo,
};
pub use upload::{
    AbsProtocol, PostTransformation, ResponseField, UploadProgress, UploadRequest, UploadSource, UploadTransformation,
};
