//! Pre-flight: everything checked before any byte is sent, each failure with a reason and a fix.

use sr_imagekit::metadata::{ApplyMode, FieldDef, MetadataErrors, apply_metadata};
use sr_imagekit::names::{self, NameError, TagError};
use sr_library::{Asset, AssetKind, Job, Library, LibraryError, RemoteCopy};

use crate::config::AccountLimits;

/// What pre-flight decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Preflight {
    /// Send it.
    Ready,
    /// The library already put this content at this remote place (another job): finish as a duplicate.
    Duplicate(RemoteCopy),
}

/// Why a job cannot be sent. `Display` says what happened; [`PreflightError::fix`] what to do.
#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    #[error("The asset is no longer in the library.")]
    AssetGone,
    #[error("The file {path} is no longer there.")]
    Vanished { path: String },
    #[error("The file {path} changed after it was queued ({what}).")]
    Changed { path: String, what: String },
    #[error("The file is {size_mb:.1} MB, but this account accepts {kind} files up to {limit_mb:.1} MB.")]
    TooLarge { size_mb: f64, limit_mb: f64, kind: &'static str },
    #[error("{0}")]
    Folder(#[from] NameError),
    #[error("The file name is empty.")]
    EmptyName,
    #[error("{0}")]
    Tags(#[from] TagError),
    #[error("The custom metadata does not fit this account's fields: {0}")]
    Metadata(#[from] MetadataErrors),
    #[error("The library could not be read: {0}")]
    Library(#[from] LibraryError),
}

impl PreflightError {
    /// How a merchandiser fixes it.
    pub fn fix(&self) -> String {
        match self {
            PreflightError::AssetGone => "Import the file again and queue it again.".into(),
            PreflightError::Vanished { .. } => {
                "Put the file back where it was (or import it from its new place), then retry.".into()
            }
            PreflightError::Changed { .. } => {
                "Import the file again so the library knows the new version, then queue it again.".into()
            }
            PreflightError::TooLarge { .. } => {
                "Compress or trim the file, or upgrade the media library plan, then queue it again.".into()
            }
            PreflightError::Folder(_) => "Choose a shorter folder path and queue it again.".into(),
            PreflightError::EmptyName => "Give the file a name and queue it again.".into(),
            PreflightError::Tags(_) => "Fix the tags and queue the file again.".into(),
            PreflightError::Metadata(_) => {
                "Fix the metadata values (or create the missing fields in the media library), then queue it again."
                    .into()
            }
            PreflightError::Library(_) => "Restart Stockroom; if it persists, check the disk.".into(),
        }
    }
}

/// Local checks (no network): file still there and unchanged, plan limit, names, tags, duplicate.
pub fn check_local(
    lib: &Library,
    job: &Job,
    asset: &Asset,
    limits: &AccountLimits,
) -> Result<Preflight, PreflightError> {
    let path = asset.path.to_string_lossy().into_owned();
    let meta = match std::fs::metadata(&asset.path) {
        Ok(m) if m.is_file() => m,
        _ => return Err(PreflightError::Vanished { path }),
    };
    if meta.len() != job.expected_size || asset.full_hash != job.expected_hash {
        return Err(PreflightError::Changed {
            path,
            what: format!("it is now {} bytes, it was {} bytes", meta.len(), job.expected_size),
        });
    }
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    if mtime_ns != job.expected_mtime_ns {
        // Touched: the sampled hash is cheap; the full hash is checked while streaming anyway.
        let sampled = sr_library::identity::sampled_hash(&asset.path, meta.len())
            .map_err(|_| PreflightError::Vanished { path: path.clone() })?;
        if sampled != asset.sample_hash {
            return Err(PreflightError::Changed { path, what: "its content is different".into() });
        }
    }
    let (limit, kind) = match asset.kind {
        AssetKind::Video => (limits.max_video_bytes, "video"),
        _ => (limits.max_file_bytes, "image and audio"),
    };
    if job.expected_size > limit {
        const MB: f64 = 1024.0 * 1024.0;
        return Err(PreflightError::TooLarge {
            size_mb: job.expected_size as f64 / MB,
            limit_mb: limit as f64 / MB,
            kind,
        });
    }
    names::normalize_folder_path(&job.spec.folder)?;
    if job.spec.file_name.trim().is_empty() {
        return Err(PreflightError::EmptyName);
    }
    names::validate_tags(&job.spec.tags)?;
    if !job.spec.force
        && let Some(prev) =
            lib.upload_done_copy(&job.account, &job.expected_hash, &job.spec.folder, &job.spec.file_name, job.id)?
        && let Some(copy) = prev.remote
    {
        return Ok(Preflight::Duplicate(copy));
    }
    Ok(Preflight::Ready)
}

/// customMetadata against the account's field schema, as the remote will check it on upload.
pub fn check_metadata(fields: &[FieldDef], job: &Job) -> Result<(), PreflightError> {
    apply_metadata(fields, &serde_json::Map::new(), &job.spec.custom_metadata, ApplyMode::Upload)?;
    Ok(())
}
