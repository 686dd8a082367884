//! Reconciliation: before re-sending a job that may already have reached the remote, look for it there.
//! The protocol is written down in the crate docs.

use std::time::Duration;

use sr_library::{Job, Library, RemoteCopy};
use sr_remote::{Client, File, ItemTypeFilter, ListQuery, RemoteAuth, RemoteError};

/// How far before the attempt began a remote `createdAt` may be and still count (clock skew).
const SKEW_MS: i64 = 10 * 60 * 1000;

/// The outcome of a lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Reconciled {
    /// The remote holds our bytes: record this copy, send nothing.
    Adopted(RemoteCopy),
    /// Nothing of ours is there: sending is safe.
    NotFound,
}

fn stem_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// Whether `remote` has the shape `<stem>_<suffix><ext>` the remote gives a unique name.
fn is_unique_variant(requested: &str, remote: &str) -> bool {
    let (stem, ext) = stem_ext(requested);
    let Some(rest) = remote.strip_prefix(stem).and_then(|r| r.strip_prefix('_')) else { return false };
    let Some(suffix) = rest.strip_suffix(ext) else { return false };
    !suffix.is_empty()
        && suffix.len() <= 16
        && suffix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn copy_of(f: &File) -> RemoteCopy {
    RemoteCopy {
        file_id: f.file_id.clone(),
        url: f.url.clone(),
        version_id: Some(f.version_info.id.clone()),
        file_path: f.file_path.clone(),
    }
}

/// Looks the job's target up on the remote (see the crate docs for the exact protocol).
pub async fn reconcile(client: &Client, lib: &Library, job: &Job) -> Result<Reconciled, RemoteError> {
    let spec = &job.spec;
    let search = if spec.use_unique_file_name {
        format!("name : \"{}_\"", stem_ext(&spec.file_name).0)
    } else {
        format!("name = \"{}\"", spec.file_name)
    };
    let query = ListQuery {
        path: Some(spec.folder.clone()),
        search_query: Some(search),
        type_: Some(ItemTypeFilter::File),
        ..ListQuery::default()
    };
    let items = client.list_all(&query).await?;
    let not_before = job.attempt_started_at.map(|t| t - SKEW_MS);
    let transformed = spec.pre_transformation.is_some();
    for item in &items {
        let Some(f) = item.as_file() else { continue };
        let name_ok = if spec.use_unique_file_name {
            is_unique_variant(&spec.file_name, &f.name)
        } else {
            f.name == spec.file_name
        };
        if !name_ok || !f.file_path.starts_with(&spec.folder) {
            continue;
        }
        if let Some(other) = lib
            .upload_job_by_remote_file(&job.account, &f.file_id)
            .map_err(|e| RemoteError::Config { message: e.to_string() })?
            && other.id != job.id
        {
            continue;
        }
        if transformed {
            // The stored bytes are the transformed output: name, folder and time are all we can compare.
            if not_before.is_some_and(|t| f.created_at.timestamp_millis() >= t) {
                return Ok(Reconciled::Adopted(copy_of(f)));
            }
            continue;
        }
        if f.size != job.expected_size {
            continue;
        }
        if spec.use_unique_file_name && not_before.is_some_and(|t| f.created_at.timestamp_millis() < t) {
            continue;
        }
        if remote_hash(client, f, job.expected_size).await?.is_some_and(|h| h == job.expected_hash) {
            return Ok(Reconciled::Adopted(copy_of(f)));
        }
    }
    Ok(Reconciled::NotFound)
}

/// BLAKE3 of the remote file's bytes, streamed from its delivery URL (signed when private) by the
/// client, with a deadline that grows with the size (at least 256 KiB/s) and never past the expected size.
async fn remote_hash(client: &Client, f: &File, expected_size: u64) -> Result<Option<String>, RemoteError> {
    let mut url = f.url.clone();
    if f.is_private_file
        && let RemoteAuth::PrivateKey(key) = &client.config().auth
    {
        let opts = sr_imagekit::url::UrlOptions {
            url_endpoint: client.config().url_endpoint.clone(),
            src: f.url.clone(),
            signing: Some(sr_imagekit::url::UrlSigning {
                private_key: key.expose().to_owned(),
                expire_at: Some(chrono::Utc::now().timestamp() + 600),
            }),
            ..Default::default()
        };
        url = sr_imagekit::url::build_url(&opts).map_err(|e| RemoteError::Config { message: e.to_string() })?;
    }
    let deadline = Duration::from_secs(120) + Duration::from_secs(expected_size / (256 * 1024));
    client.hash_download(&url, expected_size, deadline, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_variants_keep_stem_and_extension() {
        assert!(is_unique_variant("dress.mp4", "dress_aKyz6pCpi.mp4"));
        assert!(is_unique_variant("README", "README_x1"));
        assert!(!is_unique_variant("dress.mp4", "dress.mp4"));
        assert!(!is_unique_variant("dress.mp4", "dress_red_shoe.jpg"));
        assert!(!is_unique_variant("dress.mp4", "dresses_abc.mp4"));
        assert!(!is_unique_variant("dress.mp4", "dress_a b.mp4"));
    }
}
