//! A finished upload links its asset to the remote file for sync (`Library::link_asset`): the base
//! is the file as the remote has it (its details, read once), so the next sync starts from what was
//! really stored — a name the remote suffixed, tags and metadata as it kept them. An account that
//! signs through an authentication endpoint cannot read details: its link holds what was sent, and
//! the next pull corrects it.

use sr_library::sync::{Fields, RemoteFile};
use sr_library::{Job, Library, LibraryError, RemoteCopy};
use sr_remote::{Client, File, RemoteAuth};

/// `/a/b/` of `/a/b/name.ext` (`/` for a root file).
fn folder_of(file_path: &str) -> String {
    match file_path.rfind('/') {
        Some(i) if i > 0 => file_path[..=i].to_string(),
        _ => "/".into(),
    }
}

fn sorted(mut tags: Vec<String>) -> Vec<String> {
    tags.sort();
    tags.dedup();
    tags
}

/// The observation of a remote file, as sync stores it.
pub fn remote_file(f: &File) -> RemoteFile {
    RemoteFile {
        file_id: f.file_id.clone(),
        version_id: Some(f.version_info.id.clone()),
        file_path: f.file_path.clone(),
        fields: Fields {
            name: f.name.clone(),
            folder: folder_of(&f.file_path),
            tags: sorted(f.tags.clone().unwrap_or_default()),
            metadata: f.custom_metadata.clone(),
        },
        updated_at: f.updated_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        file_type: f.file_type.clone(),
        mime: f.mime.clone(),
        size: f.size,
        width: f.width,
        height: f.height,
        duration_s: f.duration,
        url: f.url.clone(),
        thumbnail_url: f.thumbnail.clone(),
        is_private: f.is_private_file,
        present: true,
    }
}

/// What the job sent, when the remote's details cannot be read now: the next pull corrects it.
fn as_sent(job: &Job, copy: &RemoteCopy, now_ms: i64) -> RemoteFile {
    let name = copy.file_path.rsplit('/').next().unwrap_or(&job.spec.file_name).to_string();
    RemoteFile {
        file_id: copy.file_id.clone(),
        version_id: copy.version_id.clone(),
        file_path: copy.file_path.clone(),
        fields: Fields {
            name,
            folder: folder_of(&copy.file_path),
            tags: sorted(job.spec.tags.clone()),
            metadata: job.spec.custom_metadata.clone(),
        },
        updated_at: chrono::DateTime::from_timestamp_millis(now_ms)
            .unwrap_or_default()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string(),
        file_type: String::new(),
        mime: None,
        size: job.expected_size,
        width: None,
        height: None,
        duration_s: None,
        url: copy.url.clone(),
        thumbnail_url: None,
        is_private: job.spec.is_private,
        present: true,
    }
}

/// Links `job`'s asset to `copy` in the job's account.
pub async fn link_done(
    client: &Client,
    lib: &Library,
    job: &Job,
    copy: &RemoteCopy,
    now_ms: i64,
) -> Result<(), LibraryError> {
    // Accounts that sign through an authentication endpoint cannot call the management API.
    let details = match client.config().auth {
        RemoteAuth::AuthEndpoint { .. } => None,
        _ => Some(client.get_file_details(&copy.file_id).await),
    };
    let observed = match details {
        None => as_sent(job, copy, now_ms),
        Some(Ok(f)) => remote_file(&f),
        Some(Err(e)) => {
            tracing::warn!(job = job.id, file = %copy.file_id, "linked from what was sent; details failed: {e}");
            as_sent(job, copy, now_ms)
        }
    };
    lib.link_asset(&job.account, job.asset_id, &observed, now_ms / 1000)
}
