//! Reconciliation: before re-sending a job that may already have reached the remote, look for it there.
//! The protocol is written down in the crate docs.

use sr_library::{Job, Library, RemoteCopy};
use sr_remote::{CancellationToken, Client, File, ItemTypeFilter, ListQuery, RemoteAuth, RemoteError};

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
///
/// The listing is read a page at a time and the lookup stops at the first copy proven ours; `cancel`
/// (a pause, a cancel, the app closing) stops a download being hashed.
pub async fn reconcile(
    client: &Client,
    lib: &Library,
    job: &Job,
    cancel: Option<CancellationToken>,
) -> Result<Reconciled, RemoteError> {
    if matches!(client.config().auth, RemoteAuth::AuthEndpoint { .. }) {
        return reconcile_by_delivery_url(client, job, cancel).await;
    }
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
    let mut pages = client.pages(&query);
    let not_before = job.attempt_started_at.map(|t| t - SKEW_MS);
    let transformed = spec.pre_transformation.is_some();
    while let Some(items) = pages.next_page().await? {
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
            // Size and time first: nothing is downloaded that cannot be ours.
            if f.size != job.expected_size {
                continue;
            }
            if spec.use_unique_file_name && not_before.is_some_and(|t| f.created_at.timestamp_millis() < t) {
                continue;
            }
            if client.hash_file(f, job.expected_size, cancel.clone()).await?.is_some_and(|h| h == job.expected_hash) {
                return Ok(Reconciled::Adopted(copy_of(f)));
            }
        }
    }
    Ok(Reconciled::NotFound)
}

/// Accounts that sign uploads through an authentication endpoint have no list API, so the target is
/// looked for at its public delivery URL instead: `<endpoint><folder><file_name>` with our size and
/// hash is ours and adopted (its fileId is not visible to this connection, so the copy records it
/// empty). Everything else is `NotFound` and is sent again, which is safe for the default deterministic
/// names (the remote refuses a second copy at the name, and that refusal comes back here); for unique
/// names, overwrites, private files and pre-transformations this connection cannot tell, and the
/// scheduler says so on the job.
async fn reconcile_by_delivery_url(
    client: &Client,
    job: &Job,
    cancel: Option<CancellationToken>,
) -> Result<Reconciled, RemoteError> {
    let spec = &job.spec;
    if !can_check_by_delivery_url(job) {
        return Ok(Reconciled::NotFound);
    }
    let folder = if spec.folder.ends_with('/') { spec.folder.clone() } else { format!("{}/", spec.folder) };
    let file_path = format!("{folder}{}", spec.file_name);
    let opts = sr_imagekit::url::UrlOptions {
        url_endpoint: client.config().url_endpoint.clone(),
        src: file_path.trim_start_matches('/').to_owned(),
        ..Default::default()
    };
    let url = sr_imagekit::url::build_url(&opts).map_err(|e| RemoteError::Config { message: e.to_string() })?;
    match client.hash_url(&url, job.expected_size, cancel).await? {
        Some(h) if h == job.expected_hash => {
            Ok(Reconciled::Adopted(RemoteCopy { file_id: String::new(), url, version_id: None, file_path }))
        }
        _ => Ok(Reconciled::NotFound),
    }
}

/// Whether an authentication-endpoint account can prove a copy is ours from its delivery URL alone.
pub(crate) fn can_check_by_delivery_url(job: &Job) -> bool {
    let spec = &job.spec;
    !(spec.use_unique_file_name || spec.overwrite || spec.is_private || spec.pre_transformation.is_some())
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
