//! Channel presets on the façade (named transformations saved in the library and applied to a
//! selection) and the delivery URLs of an asset on the active account, for one `tr` or for every
//! preset it carries.
//!
//! The presets' own methods are blocking (SQLite; call them from a worker thread). URL methods are
//! async: they ask the active account for its URL endpoint (starting the sandbox on first use).

use std::collections::{HashMap, HashSet};

use sr_imagekit::names::{join_file_path, normalize_folder_path, sanitize_file_name};
use sr_library::JobState;

use crate::delivery::UrlRequest;
use crate::dto_presets as d;
use crate::{ApiError, Stockroom, now_unix};

fn preset_dto(p: sr_library::Preset) -> d::Preset {
    d::Preset { name: p.name, tr: p.tr, asset_count: p.asset_count, updated_at: p.updated_at }
}

impl Stockroom {
    /// Every preset, by name.
    pub fn presets(&self) -> Result<Vec<d::Preset>, ApiError> {
        Ok(self.library.presets()?.into_iter().map(preset_dto).collect())
    }

    /// Saves a preset (or replaces the transformation of the one with that name). A `tr` the
    /// remote would refuse is `invalid_input` naming the step and parameter; nothing is saved.
    pub fn save_preset(&self, name: &str, tr: &str) -> Result<d::Preset, ApiError> {
        Ok(preset_dto(self.library.save_preset(name, tr, now_unix())?))
    }

    pub fn delete_preset(&self, name: &str) -> Result<(), ApiError> {
        Ok(self.library.delete_preset(name)?)
    }

    /// Records the preset on every selected asset (all or nothing).
    pub fn apply_preset(&self, name: &str, ids: &[i64]) -> Result<d::PresetApplied, ApiError> {
        let (preset, added) = self.library.apply_preset(name, ids, now_unix())?;
        let assets = ids.iter().collect::<HashSet<_>>().len() as u64;
        Ok(d::PresetApplied { preset: preset_dto(preset), assets, added })
    }

    /// Takes the preset off the selected assets; returns how many had it.
    pub fn remove_preset(&self, name: &str, ids: &[i64]) -> Result<u64, ApiError> {
        Ok(self.library.unapply_preset(name, ids)?)
    }

    /// The media-library paths of `ids` on `account`: where each was published (the last
    /// finished upload), else its remote folder and remote-safe file name. Unknown ids are left out.
    pub(crate) fn remote_paths(&self, account: &str, ids: &[i64]) -> Result<HashMap<i64, (String, String)>, ApiError> {
        let wanted: HashSet<i64> = ids.iter().copied().collect();
        let mut published: HashMap<i64, (i64, String)> = HashMap::new();
        for job in self.library.upload_jobs(Some(account))? {
            if job.state != JobState::Done || !wanted.contains(&job.asset_id) {
                continue;
            }
            if let Some(remote) = job.remote {
                let newer = published.get(&job.asset_id).is_none_or(|(at, _)| *at <= job.updated_at);
                if newer {
                    published.insert(job.asset_id, (job.updated_at, remote.file_path));
                }
            }
        }
        let mut out = HashMap::with_capacity(ids.len());
        for &id in ids {
            if out.contains_key(&id) {
                continue;
            }
            let Some(asset) = self.library.asset(id)? else { continue };
            let path = match published.remove(&id) {
                Some((_, p)) => p,
                None => {
                    let folder = normalize_folder_path(&asset.remote_folder).unwrap_or_else(|_| "/".into());
                    join_file_path(&folder, &sanitize_file_name(&asset.name))
                }
            };
            out.insert(id, (asset.name, path));
        }
        Ok(out)
    }

    pub(crate) async fn url_for(&self, endpoint: &str, path: &str, tr: &str, sign: bool) -> Result<String, ApiError> {
        self.delivery_url(UrlRequest {
            src: path.to_owned(),
            tr: Some(tr.to_owned()).filter(|t| !t.trim().is_empty()),
            url_endpoint: Some(endpoint.to_owned()),
            sign,
            ..Default::default()
        })
        .await
    }

    /// The delivery URL of one asset with `tr` on the active account (what the preview studio
    /// shows as you edit), signed when `sign`.
    pub async fn asset_url(&self, asset_id: i64, tr: &str, sign: bool) -> Result<d::AssetUrl, ApiError> {
        self.url_of(asset_id, tr, sign, |path| path.to_owned()).await
    }

    /// The delivery URL of an asset's adaptive-bitrate manifest on the active account (spec §10.4):
    /// `<video path>/ik-master.m3u8?tr=<tr>` (`hls`) or `…/ik-master.mpd` (`dash`), where `tr`
    /// lists the rungs with `sr-…`. A file whose name does not end in `.mp4` gets `/ik-video.mp4`
    /// first, as the remote requires. `path` in the answer is the manifest's path.
    pub async fn ladder_url(
        &self,
        asset_id: i64,
        tr: &str,
        format: crate::dto_preview::LadderFormat,
        sign: bool,
    ) -> Result<d::AssetUrl, ApiError> {
        use sr_imagekit::url::{VideoSuffix, with_video_suffix};
        if let Some(a) = self.library.asset(asset_id)?.filter(|a| a.kind != sr_library::AssetKind::Video) {
            return Err(ApiError::invalid(format!(
                "{} is not a video: adaptive streaming (HLS/DASH) is for videos; use its delivery URL instead.",
                a.name
            )));
        }
        let manifest = match format {
            crate::dto_preview::LadderFormat::Hls => VideoSuffix::HlsManifest,
            crate::dto_preview::LadderFormat::Dash => VideoSuffix::DashManifest,
        };
        self.url_of(asset_id, tr, sign, |path| {
            let video = if path.to_ascii_lowercase().ends_with(".mp4") {
                path.to_owned()
            } else {
                with_video_suffix(path, VideoSuffix::Mp4)
            };
            with_video_suffix(&video, manifest)
        })
        .await
    }

    /// The delivery URL of `src(remote path)` of one asset on the active account.
    async fn url_of(
        &self,
        asset_id: i64,
        tr: &str,
        sign: bool,
        src: impl FnOnce(&str) -> String,
    ) -> Result<d::AssetUrl, ApiError> {
        let remote = self.remote().await?;
        let paths = self.remote_paths(&remote.account, &[asset_id])?;
        let Some((name, path)) = paths.get(&asset_id) else {
            return Err(ApiError::not_found(format!("There is no asset #{asset_id} in this library.")));
        };
        let path = src(path);
        let url = self.url_for(&remote.config.url_endpoint, &path, tr, sign).await?;
        Ok(d::AssetUrl { asset_id, asset_name: name.clone(), path, preset: None, tr: tr.trim().to_owned(), url })
    }

    /// The delivery URL of every preset recorded on each of `ids`, in the order of `ids` (each
    /// asset's presets by name): what the detail panel lists and "Copy all URLs" copies.
    pub async fn preset_urls(&self, ids: &[i64], sign: bool) -> Result<Vec<d::AssetUrl>, ApiError> {
        let recorded = self.library.presets_of(ids)?;
        if recorded.is_empty() {
            return Ok(Vec::new());
        }
        let remote = self.remote().await?;
        let with: Vec<i64> = recorded.iter().map(|(id, _)| *id).collect();
        let paths = self.remote_paths(&remote.account, &with)?;
        let mut out = Vec::with_capacity(recorded.len());
        for (id, preset) in recorded {
            let Some((name, path)) = paths.get(&id) else { continue };
            let url = self.url_for(&remote.config.url_endpoint, path, &preset.tr, sign).await?;
            out.push(d::AssetUrl {
                asset_id: id,
                asset_name: name.clone(),
                path: path.clone(),
                preset: Some(preset.name),
                tr: preset.tr,
                url,
            });
        }
        Ok(out)
    }
}
