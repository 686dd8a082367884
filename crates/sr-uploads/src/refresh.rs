//! An upload still queued carries the asset as it is when it is sent: the library's current tags
//! with the ones the queue request added, its current metadata overridden by the request's values,
//! its current remote folder and name unless the request chose them (`sr_library::JobRequest`).
//! Jobs queued before the request was recorded keep their snapshot.

use sr_library::{Asset, Job, JobSpec, Library, LibraryError, OrganiseError};

fn library_error(e: OrganiseError) -> Option<LibraryError> {
    match e {
        OrganiseError::Library(e) => Some(e),
        _ => None,
    }
}

/// The spec `job` is to be sent with now, or `None` when it keeps the one it has (no request
/// recorded, or nothing changed).
pub fn current_spec(lib: &Library, job: &Job, asset: &Asset) -> Result<Option<JobSpec>, LibraryError> {
    let Some(request) = lib.upload_job_request(job.id)? else { return Ok(None) };
    let (mut tags, mut metadata) = match (lib.tags_of(asset.id), lib.metadata_of(asset.id)) {
        (Ok(t), Ok(m)) => (t, m),
        (Err(e), _) | (_, Err(e)) => return library_error(e).map_or(Ok(None), Err),
    };
    for t in request.tags {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    metadata.extend(request.metadata);
    let folder = match request.folder {
        Some(f) => f,
        // A folder the remote refuses is left for pre-flight to report with the snapshot's.
        None => sr_imagekit::names::normalize_folder_path(&asset.remote_folder).unwrap_or(job.spec.folder.clone()),
    };
    let file_name = request.file_name.unwrap_or_else(|| sr_imagekit::names::sanitize_file_name(&asset.name));
    let spec = JobSpec { folder, file_name, tags, custom_metadata: metadata, ..job.spec.clone() };
    Ok((spec != job.spec).then_some(spec))
}
