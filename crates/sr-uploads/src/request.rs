//! A job's spec as the upload request the remote receives, and the `abs` setting people type.

use sr_library::{Asset, Job, PostTransform};
use sr_remote::{AbsProtocol, PostTransformation, UploadRequest, UploadSource, UploadTransformation};

/// `hls:240_360_480_720` (or `hls:sr-240_360_480_720`, as the URL writes it) → the `abs`
/// post-transformation `{value:"sr-240_360_480_720", protocol:"hls"}`. Only the shape is checked
/// here; which renditions exist is the façade's check, which names the nearest valid ones.
pub fn parse_abs(spec: &str) -> Result<PostTransform, String> {
    let (protocol, reps) = spec
        .split_once(':')
        .ok_or_else(|| format!("\"{spec}\" is not an ABS setting; write it like hls:240_360_480_720"))?;
    let protocol = protocol.trim().to_ascii_lowercase();
    if protocol != "hls" && protocol != "dash" {
        return Err(format!("\"{protocol}\" is not a streaming protocol; use hls or dash"));
    }
    let reps = reps.trim();
    let reps = reps.strip_prefix("sr-").unwrap_or(reps);
    if reps.is_empty() || !reps.split('_').all(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("\"{reps}\" should be heights joined by _, like 240_360_480_720"));
    }
    Ok(PostTransform { kind: "abs".into(), value: Some(format!("sr-{reps}")), protocol: Some(protocol) })
}

fn post_to_wire(p: &PostTransform) -> Option<PostTransformation> {
    Some(match p.kind.as_str() {
        "transformation" => PostTransformation::Transformation { value: p.value.clone()? },
        "gif-to-video" => PostTransformation::GifToVideo { value: p.value.clone() },
        "thumbnail" => PostTransformation::Thumbnail { value: p.value.clone() },
        "abs" => PostTransformation::Abs {
            value: p.value.clone()?,
            protocol: if p.protocol.as_deref() == Some("dash") { AbsProtocol::Dash } else { AbsProtocol::Hls },
        },
        _ => return None,
    })
}

/// The request for one attempt of `job`, streaming the asset's file and hashing it on the way.
pub(crate) fn upload_request(job: &Job, asset: &Asset) -> UploadRequest {
    let spec = &job.spec;
    let transformation =
        (spec.pre_transformation.is_some() || !spec.post_transformations.is_empty()).then(|| UploadTransformation {
            pre: spec.pre_transformation.clone(),
            post: spec.post_transformations.iter().filter_map(post_to_wire).collect(),
        });
    UploadRequest {
        folder: Some(spec.folder.clone()),
        use_unique_file_name: Some(spec.use_unique_file_name),
        overwrite_file: Some(spec.overwrite),
        tags: spec.tags.clone(),
        custom_metadata: spec.custom_metadata.clone(),
        is_private_file: Some(spec.is_private),
        transformation,
        compute_hash: true,
        ..UploadRequest::new(UploadSource::Path(asset.path.clone()), spec.file_name.clone())
    }
}
