//! Taking back an upload whose bytes turned out wrong (the file changed while it was streaming),
//! without touching anything this job did not create.
//!
//! `DELETE /v1/files/{id}` removes a file with **all** its versions (spec §5.6). An overwrite makes
//! our upload a new version of a file a teammate may have published long ago, so deleting the file
//! would take their live asset off the shop. Instead: when the file has other versions, the newest of
//! them is restored as current and only our version is deleted (§5.12); the whole file is deleted only
//! when our version is its only one (this job created it). When the versions cannot be read, nothing
//! is deleted and the job says what was left where.

use sr_remote::{Client, File, RemoteError, UploadedFile};

/// What was done with the wrong upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Withdrawal {
    /// The upload created the file; it is gone.
    RemovedNewFile,
    /// The upload was a new version of an existing file: the version before it is current again and
    /// ours is deleted.
    RestoredPrevious { version_name: String },
    /// Nothing could be safely removed; `why` is for the job's error.
    LeftInPlace { why: String },
}

impl Withdrawal {
    /// Whether a wrong copy may still be on the remote (the job keeps `maybe_sent` then).
    pub fn left_something(&self) -> bool {
        matches!(self, Withdrawal::LeftInPlace { .. })
    }
}

/// Takes `up` back from the remote; never fails (a failure is a [`Withdrawal::LeftInPlace`]).
pub async fn withdraw(client: &Client, up: &UploadedFile) -> Withdrawal {
    let ours = up.version_info.as_ref().map(|v| v.id.clone()).unwrap_or_else(|| up.file_id.clone());
    let versions = match client.list_versions(&up.file_id).await {
        Ok(v) => v,
        Err(RemoteError::NotFound { .. }) => return Withdrawal::RemovedNewFile,
        Err(e) => return Withdrawal::LeftInPlace { why: format!("its versions could not be read ({e})") },
    };
    let Some(previous) = previous_version(&versions, &ours) else {
        if versions.iter().any(|v| v.version_info.id == ours) {
            return match client.delete_file(&up.file_id).await {
                Ok(()) | Err(RemoteError::NotFound { .. }) => Withdrawal::RemovedNewFile,
                Err(e) => Withdrawal::LeftInPlace { why: format!("it could not be deleted ({e})") },
            };
        }
        // Our version is already gone (someone removed it): nothing of ours is left.
        return Withdrawal::RemovedNewFile;
    };
    let current_is_ours = versions.iter().any(|v| v.version_info.id == ours && v.kind == sr_remote::FileKind::File);
    if current_is_ours && let Err(e) = client.restore_version(&up.file_id, &previous.version_info.id).await {
        return Withdrawal::LeftInPlace {
            why: format!("the earlier version ({}) could not be made current again ({e})", previous.version_info.name),
        };
    }
    match client.delete_version(&up.file_id, &ours).await {
        Ok(()) | Err(RemoteError::NotFound { .. }) => {
            Withdrawal::RestoredPrevious { version_name: previous.version_info.name.clone() }
        }
        Err(e) => Withdrawal::LeftInPlace {
            why: format!(
                "the earlier version ({}) is current again, but the wrong version could not be deleted ({e})",
                previous.version_info.name
            ),
        },
    }
}

/// The newest version other than ours (by creation time; the later one in the list on a tie).
fn previous_version<'a>(versions: &'a [File], ours: &str) -> Option<&'a File> {
    versions
        .iter()
        .filter(|v| v.version_info.id != ours)
        .enumerate()
        .max_by_key(|(i, v)| (v.created_at, *i))
        .map(|(_, v)| v)
}
