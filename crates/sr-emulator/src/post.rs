//! Post-transformations of an upload (spec §2.5): checked for meaning before anything is stored
//! (the shape was checked by `upload::validate_transformation` with the spec's strings), then run
//! in the background once the file is stored, each item producing the output a later GET of its
//! URL is served from (so that GET answers 200 at once), with an `upload.post-transform.success`
//! or `.error` webhook per item (§11.1).
//!
//! | item | made at the URL | checked |
//! |---|---|---|
//! | `abs` (`protocol` hls/dash) | `<file>/ik-master.m3u8?tr=<value>` / `.mpd` | a video; `sr-` with a valid rung; the ladder's refusals (`w`, `h`, `ar`, `f`, `vc`, `ac`, `q`) |
//! | `transformation` | `<file>?tr=<value>` | the planner's refusals and what the Sandbox can't apply |
//! | `thumbnail` | `<file>/ik-thumbnail.jpg?tr=<value>` (no query when empty) | a video; the thumbnail's parameters |
//! | `gif-to-video` | — | a GIF; the Sandbox can't make it: the error webhook says so |

use serde_json::{Value, json};
use sr_imagekit::transform::Transformation;
use sr_media::render::{self, LadderFormat, REPRESENTATIONS};
use sr_media::{MediaInfo, MediaKind};

use crate::error::{ApiError, ApiResult};
use crate::renders::{Made, Work};
use crate::state::AppState;
use crate::store::{FileRow, VersionRec};
use crate::transformed::{refusal, unsupported, with_resolver};

/// The spec's string every post-transformation refusal starts with.
pub const INVALID_POST: &str = "Invalid post transformation parameter.";

/// One `post` item.
#[derive(Debug, Clone, PartialEq)]
pub struct PostItem {
    pub kind: String,
    pub value: String,
    pub protocol: Option<String>,
}

impl PostItem {
    fn request(&self) -> Value {
        let mut t = json!({"type": self.kind, "value": self.value});
        if let Some(p) = &self.protocol {
            t["protocol"] = json!(p);
        }
        t
    }
    fn ladder_format(&self) -> LadderFormat {
        if self.protocol.as_deref() == Some("dash") { LadderFormat::Dash } else { LadderFormat::Hls }
    }
}

/// The `post` items of a `transformation` field (already shape-checked).
pub fn items(transformation: Option<&String>) -> Vec<PostItem> {
    let Some(v) = transformation.and_then(|t| serde_json::from_str::<Value>(t).ok()) else { return vec![] };
    let Some(post) = v.get("post").and_then(Value::as_array) else { return vec![] };
    post.iter()
        .filter_map(|it| {
            Some(PostItem {
                kind: it.get("type")?.as_str()?.to_string(),
                value: it.get("value").and_then(Value::as_str).unwrap_or("").to_string(),
                protocol: it.get("protocol").and_then(Value::as_str).map(str::to_string),
            })
        })
        .collect()
}

fn refuse(why: impl std::fmt::Display) -> ApiError {
    ApiError::bad(format!("{INVALID_POST} {why}"))
}

fn what(info: Option<&MediaInfo>) -> &'static str {
    match info.map(|i| i.kind) {
        Some(MediaKind::Image) => "a picture",
        Some(MediaKind::Audio) => "a sound file",
        _ => "not a video",
    }
}

/// The rungs the remote makes, as `sr-…` text.
fn valid_sr(listed: &[u32]) -> String {
    let mut ok: Vec<u32> = listed.iter().copied().filter(|r| REPRESENTATIONS.iter().any(|x| x.0 == *r)).collect();
    ok.sort_unstable();
    ok.dedup();
    if ok.is_empty() {
        ok = vec![240, 360, 480, 720, 1080];
    }
    format!("sr-{}", ok.iter().map(u32::to_string).collect::<Vec<_>>().join("_"))
}

/// The `sr` values written in `value`, numbers or not (`sr-100_5000` gives 100, 5000).
fn listed_sr(value: &str) -> Option<Vec<u32>> {
    let tr = Transformation::parse(value);
    let p = tr.steps().iter().rev().find_map(|s| s.value("sr").map(str::to_string))?;
    Some(p.split('_').filter_map(|x| x.parse().ok()).collect())
}

/// Checks what each item means for this file (`info`: the upload probed; `None` when it is not
/// media). Every refusal starts with [`INVALID_POST`] and says what to do.
pub fn check(s: &AppState, items: &[PostItem], info: Option<&MediaInfo>, gif: bool) -> ApiResult<()> {
    let video = info.filter(|i| i.kind == MediaKind::Video);
    for it in items {
        match it.kind.as_str() {
            "abs" => {
                let Some(info) = video else {
                    return Err(refuse(format!(
                        "abs (an adaptive-bitrate streaming version) is made from videos, and this file is {}; remove it (a picture can have a `transformation` such as w-400 instead).",
                        what(info)
                    )));
                };
                let tr = Transformation::parse(&it.value);
                if let Some(listed) = listed_sr(&it.value)
                    && !listed.iter().any(|r| REPRESENTATIONS.iter().any(|x| x.0 == *r))
                {
                    return Err(refuse(format!(
                        "`{}` lists no representation the remote makes (240, 360, 480, 720, 1080, 1440, 2160); use {}.",
                        tr.steps().iter().rev().find_map(|s| s.get("sr")).map(|p| p.to_string()).unwrap_or_default(),
                        valid_sr(&listed)
                    )));
                }
                let plan = with_resolver(s, None, |o| render::plan_ladder(info, &tr, it.ladder_format(), o))
                    .map_err(|e| refuse(refusal(&e)))?;
                if let Some(m) = unsupported(&plan.base) {
                    return Err(refuse(m));
                }
            }
            "thumbnail" => {
                let Some(info) = video else {
                    return Err(refuse(format!(
                        "thumbnail (a still of a video) is made from videos, and this file is {}; remove it (a picture can have a `transformation` such as w-150,h-150 instead).",
                        what(info)
                    )));
                };
                let plan =
                    with_resolver(s, None, |o| render::plan_thumbnail(info, &Transformation::parse(&it.value), o))
                        .map_err(|e| refuse(refusal(&e)))?;
                if let Some(m) = unsupported(&plan) {
                    return Err(refuse(m));
                }
            }
            "transformation" => {
                let Some(info) = info.filter(|i| matches!(i.kind, MediaKind::Image | MediaKind::Video)) else {
                    return Err(refuse(
                        "a transformation needs a picture or a video, and this file is neither; remove it.",
                    ));
                };
                let plan = with_resolver(s, None, |o| render::plan_with(info, &Transformation::parse(&it.value), o))
                    .map_err(|e| refuse(refusal(&e)))?;
                if let Some(m) = unsupported(&plan) {
                    return Err(refuse(m));
                }
            }
            "gif-to-video" if !gif => {
                return Err(refuse("gif-to-video converts animated GIFs, and this file is not a GIF; remove it."));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Runs every item in the background for the stored `file` (its version `v`).
pub fn run(s: &AppState, file: &FileRow, v: &VersionRec, items: Vec<PostItem>, request_id: String) {
    for it in items {
        let s = s.clone();
        let (file, v, request_id) = (file.clone(), v.clone(), request_id.clone());
        tokio::spawn(async move { run_one(&s, &file, &v, it, request_id).await });
    }
}

async fn run_one(s: &AppState, file: &FileRow, v: &VersionRec, it: PostItem, request_id: String) {
    let path = file.path();
    let file_url = s.file_url(&path);
    let blob = s.store.blob_path(&v.blob);
    let q = |value: &str| if value.is_empty() { String::new() } else { format!("?tr={value}") };
    let url = match it.kind.as_str() {
        "abs" => format!("{file_url}/{}{}", it.ladder_format().master_name(), q(&it.value)),
        "thumbnail" => format!("{file_url}/ik-thumbnail.jpg{}", q(&it.value)),
        _ => format!("{file_url}{}", q(&it.value)),
    };
    let request = json!({"x_request_id": request_id, "transformation": it.request()});
    let (name, file_id) = (file.name.clone(), file.file_id.clone());
    let hooks = s.webhooks.clone();
    let finish = move |result: Result<(), String>| {
        match result {
        Ok(()) => hooks.send(
            "upload.post-transform.success",
            request,
            json!({"fileId": file_id, "name": name, "url": url}),
            None,
        ),
        Err(reason) => hooks.send(
            "upload.post-transform.error",
            request,
            json!({"fileId": file_id, "name": name, "path": path, "url": url, "transformation": {"error": {"reason": reason}}}),
            None,
        ),
    }
    };
    if it.kind == "gif-to-video" {
        finish(Err("The Sandbox can't convert GIFs to video; an ImageKit account does.".into()));
        return;
    }
    let renders = s.renders.clone();
    let (vid, b) = (v.version_id.clone(), blob.clone());
    let info = match tokio::task::spawn_blocking(move || renders.probe(&vid, &b)).await {
        Ok(Ok(i)) => i,
        Ok(Err(e)) => return finish(Err(e.to_string())),
        Err(e) => return finish(Err(e.to_string())),
    };
    let tr = Transformation::parse(&it.value);
    let work = match it.kind.as_str() {
        "abs" => with_resolver(s, None, |o| render::plan_ladder(&info, &tr, it.ladder_format(), o)).map(Work::Ladder),
        "thumbnail" => with_resolver(s, None, |o| render::plan_thumbnail(&info, &tr, o)).map(Work::File),
        _ => with_resolver(s, None, |o| render::plan_with(&info, &tr, o)).map(Work::File),
    };
    let work = match work {
        Ok(w) => w,
        Err(e) => return finish(Err(refusal(&e))),
    };
    let target = s.renders.target(&v.version_id, &work);
    if target.is_file() {
        return finish(Ok(()));
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<Result<Made, String>>();
    let mut status = s.renders.start(
        &v.version_id,
        blob,
        work,
        target.clone(),
        || {},
        Box::new(move |r: Result<Made, String>| {
            let _ = tx.send(r);
        }),
    );
    let result = match rx.await {
        Ok(r) => r.map(|_| ()),
        // Another job (a GET that came first) is making it: wait for that one.
        Err(_) => loop {
            match status.borrow().clone() {
                crate::renders::Status::Ready => break Ok(()),
                crate::renders::Status::Failed(e) => break Err(e),
                crate::renders::Status::Building => {}
            }
            if status.changed().await.is_err() {
                break if target.exists() { Ok(()) } else { Err("the render stopped".into()) };
            }
        },
    };
    finish(result);
}
