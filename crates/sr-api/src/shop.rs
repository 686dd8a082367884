//! A published asset as the shop sees it: the derived outputs its upload asked for, and *Compare
//! with the shop*.
//!
//! * [`Stockroom::derived_outputs`]: the post-transformations of the asset's last finished upload
//!   on the active account, each with its delivery URL (signed for a week when the file is private)
//!   and its state, asked of that URL — a desktop app has no public webhook endpoint. `202` is
//!   building (a streaming ladder, spec §10.4), a redirect is building too (a video not encoded
//!   yet answers with the original, §10.5), `200` is ready, a `4xx`/`5xx` failed with the remote's
//!   words, no answer is requested with the reason.
//! * [`Stockroom::compare_with_shop`]: downloads the remote's delivery of a `tr` (signed when
//!   private) into `<library>/renders/shop-….<ext>`, renders the local full preview of the same
//!   `tr` (the render cache, as the studio does), and scores the pair with `sr_media::compare`
//!   (the shop's delivery is the reference; the verdict needs the same size, durations within
//!   0.1 s, the same codecs and SSIM ≥ 0.98). A
//!   delivery that is not ready is said so (`not_ready`), never compared as the original.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use sr_imagekit::transform::Transformation;
use sr_imagekit::url::{VideoSuffix, with_video_suffix};
use sr_library::{Job, JobState, PostTransform};
use sr_remote::DeliveryAnswer;

use crate::dto_preview::{PreviewMode, PreviewSource};
use crate::dto_shop::{CompareEvent, CompareReport, DerivedOutput, DerivedState, FrameScore, MediaFacts};
use crate::{ApiError, ErrorCode, Stockroom};

/// The largest delivery a comparison downloads.
const COMPARE_CAP_BYTES: u64 = 4 << 30;
/// At or above this (and the same size, duration within a frame or two, the same codecs) the
/// shop's delivery matches the preview.
pub const MATCH_SSIM: f64 = 0.98;
/// Durations closer than this are the same (a frame at 25 fps, plus container rounding).
const DURATION_TOLERANCE_S: f64 = 0.1;

/// `path` as a video path the special suffixes go after (`/ik-video.mp4` for a non-`.mp4` name).
fn video_path(path: &str) -> String {
    if path.to_ascii_lowercase().ends_with(".mp4") {
        path.to_owned()
    } else {
        with_video_suffix(path, VideoSuffix::Mp4)
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The delivery path and `tr` of one post-transformation of the file at `path`, and its label.
fn derived_target(path: &str, p: &PostTransform) -> (String, Option<String>, String) {
    let value = non_empty(&p.value).map(str::to_owned);
    match p.kind.as_str() {
        "abs" => {
            let dash = p.protocol.as_deref() == Some("dash");
            let suffix = if dash { VideoSuffix::DashManifest } else { VideoSuffix::HlsManifest };
            let tr = value.clone().unwrap_or_default();
            let parsed = Transformation::parse(&tr);
            let rungs = parsed
                .steps()
                .iter()
                .rev()
                .find_map(|s| s.value("sr"))
                .map(|v| v.split('_').map(|r| format!("{r}p")).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            let label = format!("{} streaming ladder: {rungs}", if dash { "DASH" } else { "HLS" });
            (with_video_suffix(&video_path(path), suffix), value, label)
        }
        "thumbnail" => {
            let label = match &value {
                Some(v) => format!("Thumbnail {v}"),
                None => "Thumbnail".to_owned(),
            };
            (with_video_suffix(&video_path(path), VideoSuffix::Thumbnail), value, label)
        }
        "gif-to-video" => (with_video_suffix(path, VideoSuffix::GifToMp4), value, "Video of the GIF".to_owned()),
        _ => {
            let label = format!("Version {}", value.as_deref().unwrap_or(""));
            (path.to_owned(), value, label)
        }
    }
}

/// The state a delivery answer means.
fn state_of(answer: Result<DeliveryAnswer, sr_remote::RemoteError>) -> (DerivedState, Option<String>) {
    match answer {
        Ok(DeliveryAnswer::Ready { .. }) => (DerivedState::Ready, None),
        Ok(DeliveryAnswer::Building) => (DerivedState::Building, None),
        Ok(DeliveryAnswer::NotReady { .. }) => {
            (DerivedState::Building, Some("Not ready yet: the shop still sends the original for now.".to_owned()))
        }
        Ok(DeliveryAnswer::Refused { status, message, .. }) => {
            (DerivedState::Failed, Some(format!("The shop answered {status}: {message}")))
        }
        Err(e) => {
            (DerivedState::Requested, Some(format!("Could not ask the shop ({e}); the state shows once it answers.")))
        }
    }
}

/// A file name for the shop's copy of (file, version, tr), stable across runs.
fn shop_file_name(job: &Job, tr: &str, ext: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    job.account.hash(&mut h);
    if let Some(r) = &job.remote {
        r.file_id.hash(&mut h);
        r.version_id.hash(&mut h);
    }
    tr.hash(&mut h);
    format!("shop-{:016x}.{ext}", h.finish())
}

/// The verdict of a comparison: "Match" or "Differs: " with each difference.
fn verdict(remote: &MediaFacts, local: &MediaFacts, ssim: f64, duration_delta_s: Option<f64>) -> (bool, String) {
    let mut diffs = Vec::new();
    if (remote.width, remote.height) != (local.width, local.height) {
        diffs.push(format!(
            "the shop's is {}×{}, the preview {}×{}",
            remote.width, remote.height, local.width, local.height
        ));
    }
    if let Some(d) = duration_delta_s.filter(|d| d.abs() > DURATION_TOLERANCE_S) {
        diffs.push(format!("the shop's is {:.2} s {}", d.abs(), if d > 0.0 { "longer" } else { "shorter" }));
    }
    if remote.video_codec != local.video_codec {
        diffs.push(format!(
            "video {} at the shop, {} in the preview",
            remote.video_codec.as_deref().unwrap_or("none"),
            local.video_codec.as_deref().unwrap_or("none")
        ));
    }
    if remote.audio_codec != local.audio_codec {
        diffs.push(format!(
            "sound {} at the shop, {} in the preview",
            remote.audio_codec.as_deref().unwrap_or("none"),
            local.audio_codec.as_deref().unwrap_or("none")
        ));
    }
    if ssim < MATCH_SSIM {
        diffs.push(format!("the pictures differ (SSIM {ssim:.3}, a match is {MATCH_SSIM} or more)"));
    }
    if diffs.is_empty() { (true, "Match".to_owned()) } else { (false, format!("Differs: {}", diffs.join("; "))) }
}

fn facts_dto(f: sr_media::MediaFacts) -> MediaFacts {
    let sr_media::MediaFacts { width, height, duration_s, video_codec, audio_codec, size } = f;
    MediaFacts { width, height, duration_s, video_codec, audio_codec, size }
}

/// Scores `remote` (the reference) against `local` on sampled frames (blocking).
fn score(remote: &Path, local: &Path) -> Result<sr_media::Comparison, ApiError> {
    sr_media::compare(remote, local, &sr_media::CompareOptions::default()).map_err(ApiError::from)
}

impl Stockroom {
    /// The asset's last finished upload on `account`, if it has one.
    fn published_job(&self, account: &str, asset_id: i64) -> Result<Option<Job>, ApiError> {
        Ok(self
            .library
            .upload_jobs(Some(account))?
            .into_iter()
            .filter(|j| j.asset_id == asset_id && j.state == JobState::Done && j.remote.is_some())
            .max_by_key(|j| (j.updated_at, j.id)))
    }

    /// The derived outputs of a published asset on the active account (the post-transformations its
    /// last finished upload asked for), each with its delivery URL and its state as that URL answers
    /// now. Empty when the asset is not published there or asked for none. The UI asks again while
    /// any is `building` or `requested`.
    pub async fn derived_outputs(&self, asset_id: i64) -> Result<Vec<DerivedOutput>, ApiError> {
        if self.library.asset(asset_id)?.is_none() {
            return Err(ApiError::not_found(format!("There is no asset #{asset_id} in this library.")));
        }
        let remote = self.remote().await?;
        let Some(job) = self.published_job(&remote.account, asset_id)? else {
            return Ok(Vec::new());
        };
        let path = job.remote.as_ref().map(|r| r.file_path.clone()).unwrap_or_default();
        let endpoint = remote.config.url_endpoint.clone();
        let mut outputs = Vec::new();
        for p in &job.spec.post_transformations {
            let (src, tr, label) = derived_target(&path, p);
            let tr_text = tr.clone().unwrap_or_default();
            let (url, signed, unsigned_why) = if job.spec.is_private {
                match self.url_for(&endpoint, &src, &tr_text, true).await {
                    Ok(url) => (url, true, None),
                    // An account without the private key here (an authentication endpoint) cannot sign.
                    Err(e) => (self.url_for(&endpoint, &src, &tr_text, false).await?, false, Some(e.message)),
                }
            } else {
                (self.url_for(&endpoint, &src, &tr_text, false).await?, false, None)
            };
            outputs.push((
                DerivedOutput {
                    kind: p.kind.clone(),
                    label,
                    tr,
                    url,
                    signed,
                    state: DerivedState::Requested,
                    reason: unsigned_why.clone(),
                },
                unsigned_why.is_none(),
            ));
        }
        let mut asks = tokio::task::JoinSet::new();
        for (i, (out, ask)) in outputs.iter().enumerate() {
            if *ask {
                let (client, url) = (remote.client.clone(), out.url.clone());
                asks.spawn(async move { (i, client.probe_delivery(&url).await) });
            }
        }
        while let Some(done) = asks.join_next().await {
            let Ok((i, answer)) = done else { continue };
            let (state, reason) = state_of(answer);
            outputs[i].0.state = state;
            outputs[i].0.reason = reason;
        }
        Ok(outputs.into_iter().map(|(o, _)| o).collect())
    }

    /// *Compare with the shop*: fetches the remote's delivery of `tr` for a published asset (signed
    /// when the file is private), renders the local full preview of the same `tr`, and scores them
    /// (SSIM on sampled frames, size, duration, codecs). Events say which step runs. A delivery
    /// that is not ready yet is `not_ready` (try again later), a refusal is `remote` with the
    /// remote's words; a streaming ladder (`sr-…`) is refused: compare one version.
    pub async fn compare_with_shop(
        &self,
        asset_id: i64,
        tr: &str,
        on_event: impl Fn(CompareEvent) + Send + Sync + 'static,
    ) -> Result<CompareReport, ApiError> {
        let Some(asset) = self.library.asset(asset_id)? else {
            return Err(ApiError::not_found(format!("There is no asset #{asset_id} in this library.")));
        };
        let tr = Transformation::parse(tr.trim()).to_string();
        if Transformation::parse(&tr).steps().iter().any(|s| s.has("sr")) {
            return Err(ApiError::invalid(
                "Compare one version at a time: sr-… lists a streaming ladder's renditions. Compare without sr, \
                 or play the ladder in the studio.",
            ));
        }
        let remote = self.remote().await?;
        let Some(job) = self.published_job(&remote.account, asset_id)? else {
            return Err(ApiError::invalid(format!(
                "{} is not published on this account yet, so the shop has nothing to compare. Publish it first.",
                asset.name
            )));
        };
        let path = job.remote.as_ref().map(|r| r.file_path.clone()).unwrap_or_default();
        let url = self.url_for(&remote.config.url_endpoint, &path, &tr, job.spec.is_private).await?;
        // The local side is planned first: a tr the preview refuses is refused before any download.
        let render = self.prepare_render(PreviewSource::AssetId(asset_id), &tr, PreviewMode::Full)?;
        let format = self.plan_preview(PreviewSource::AssetId(asset_id), &tr)?.format;
        let dest: PathBuf = self.renders_dir_created()?.join(shop_file_name(&job, &tr, &format));

        on_event(CompareEvent::Fetching);
        match remote.client.fetch_delivery_to(&url, &dest, COMPARE_CAP_BYTES).await? {
            DeliveryAnswer::Ready { .. } => {}
            DeliveryAnswer::Building | DeliveryAnswer::NotReady { .. } => {
                return Err(ApiError::new(
                    ErrorCode::NotReady,
                    format!(
                        "The shop is still making this version of {} (for now it sends the original), so there is \
                         nothing to compare yet. Try again in a minute.",
                        asset.name
                    ),
                ));
            }
            DeliveryAnswer::Refused { status, message, .. } => {
                return Err(ApiError::new(
                    ErrorCode::Remote,
                    format!("The shop refused this version of {} ({status}): {message}", asset.name),
                ));
            }
        }

        on_event(CompareEvent::Rendering);
        let local = tokio::task::spawn_blocking(move || render(Box::new(|_| {}), Arc::new(AtomicBool::new(false))))
            .await
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The preview stopped unexpectedly: {e}")))??;

        on_event(CompareEvent::Comparing);
        let (remote_path, local_path) = (dest.clone(), PathBuf::from(&local.path));
        let scored = tokio::task::spawn_blocking(move || score(&remote_path, &local_path))
            .await
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The comparison stopped unexpectedly: {e}")))??;
        let sr_media::Comparison { a, b, frames, ssim, same_dimensions, duration_delta_s } = scored;
        let (remote_facts, local_facts) = (facts_dto(a), facts_dto(b));
        // sr-media gives b − a (local − remote); the report says remote − local.
        let duration_delta_s = duration_delta_s.map(|d| -d);
        let (matches, verdict) = verdict(&remote_facts, &local_facts, ssim, duration_delta_s);
        Ok(CompareReport {
            asset_id,
            tr,
            url,
            remote: remote_facts,
            local: local_facts,
            ssim,
            frames: frames.into_iter().map(|f| FrameScore { at_s: f.at_s, ssim: f.ssim }).collect(),
            same_dimensions,
            duration_delta_s,
            matches,
            verdict,
            local_path: local.path.clone(),
            local_url: local.url.clone(),
            remote_url: self.render_url(&dest),
            remote_path: dest.to_string_lossy().into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(kind: &str, value: Option<&str>, protocol: Option<&str>) -> PostTransform {
        PostTransform { kind: kind.into(), value: value.map(Into::into), protocol: protocol.map(Into::into) }
    }

    #[test]
    fn each_post_transformation_has_its_delivery_path_and_label() {
        let (src, tr, label) = derived_target("/a/dress.mp4", &post("abs", Some("sr-240_360_720"), Some("hls")));
        assert_eq!((src.as_str(), tr.as_deref()), ("/a/dress.mp4/ik-master.m3u8", Some("sr-240_360_720")));
        assert_eq!(label, "HLS streaming ladder: 240p, 360p, 720p");
        let (src, _, label) = derived_target("/a/dress.mov", &post("abs", Some("sr-480"), Some("dash")));
        assert_eq!(src, "/a/dress.mov/ik-video.mp4/ik-master.mpd");
        assert_eq!(label, "DASH streaming ladder: 480p");
        let (src, tr, label) = derived_target("/a/dress.mp4", &post("thumbnail", Some(""), None));
        assert_eq!((src.as_str(), tr, label.as_str()), ("/a/dress.mp4/ik-thumbnail.jpg", None, "Thumbnail"));
        let (src, tr, label) = derived_target("/a/dress.mp4", &post("transformation", Some("h-300"), None));
        assert_eq!((src.as_str(), tr.as_deref(), label.as_str()), ("/a/dress.mp4", Some("h-300"), "Version h-300"));
    }

    #[test]
    fn delivery_answers_mean_states() {
        let ready = DeliveryAnswer::Ready { content_type: None, bytes: 0 };
        assert_eq!(state_of(Ok(ready)), (DerivedState::Ready, None));
        assert_eq!(state_of(Ok(DeliveryAnswer::Building)).0, DerivedState::Building);
        let (state, why) = state_of(Ok(DeliveryAnswer::NotReady { status: 302 }));
        assert_eq!(state, DerivedState::Building);
        assert!(why.unwrap().contains("still sends the original"));
        let refused = DeliveryAnswer::Refused { status: 400, message: "Invalid sr".into(), request_id: None };
        assert_eq!(state_of(Ok(refused)), (DerivedState::Failed, Some("The shop answered 400: Invalid sr".into())));
        let offline = sr_remote::RemoteError::Network { message: "down".into(), sent_bytes: 0, maybe_delivered: false };
        assert_eq!(state_of(Err(offline)).0, DerivedState::Requested);
    }

    fn facts(w: u32, h: u32, d: Option<f64>, vc: &str) -> MediaFacts {
        MediaFacts { width: w, height: h, duration_s: d, video_codec: Some(vc.into()), audio_codec: None, size: 1 }
    }

    #[test]
    fn the_verdict_names_every_difference() {
        let a = facts(400, 400, Some(4.0), "h264");
        assert_eq!(verdict(&a, &a, 0.995, Some(0.04)), (true, "Match".into()));
        let b = facts(640, 360, Some(3.0), "vp9");
        let (ok, v) = verdict(&a, &b, 0.7, Some(1.0));
        assert!(!ok);
        assert!(v.starts_with("Differs: the shop's is 400×400, the preview 640×360"), "{v}");
        assert!(v.contains("1.00 s longer") && v.contains("video h264 at the shop, vp9 in the preview"), "{v}");
        assert!(v.contains("SSIM 0.700"), "{v}");
    }
}
