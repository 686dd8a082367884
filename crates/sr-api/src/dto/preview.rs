//! Wire types of local previews: what the transformation editor shows before (plan) and while
//! (events) a preview renders. TypeScript bindings are generated from these (see `bindings.rs`).
//!
//! How the UI uses them: `plan_preview` → [`PreviewPlan`] as the user types (errors are
//! `invalid_input` with the nearest valid setting in the message); `render_preview` streams
//! [`PreviewEvent`]s: start the HLS player on `first_segment_ready`, move a bar on `progress`,
//! swap in the final result on `finished`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to preview: an asset of the library, or any media file on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PreviewSource {
    AssetId(i64),
    Path(String),
}

/// What the webview may preview: an asset of the library, and nothing else (no path on this computer
/// travels over IPC). On the wire it is `{"asset_id": N}`, the same as [`PreviewSource::AssetId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AssetSource {
    pub asset_id: i64,
}

impl From<AssetSource> for PreviewSource {
    fn from(s: AssetSource) -> Self {
        PreviewSource::AssetId(s.asset_id)
    }
}

/// `fast`: a segmented HLS preview (≤ 540p) that plays while it renders. `full`: one file at full
/// quality, exactly as the delivery URL would give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PreviewMode {
    Fast,
    Full,
}

/// What the output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PreviewKind {
    Video,
    Image,
    /// One frame of a video as a picture (`ik-thumbnail.jpg`).
    Thumbnail,
}

/// A parameter the local preview leaves out. It stays in the `tr`, so the delivery URL keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NotPreviewable {
    /// 1-based step number (0 when it concerns the whole transformation).
    pub step: u32,
    /// The parameter as written, e.g. `e-sharpen-10`.
    pub param: String,
    pub reason: String,
}

/// What a preview of `tr` will be, decided before anything is decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewPlan {
    pub kind: PreviewKind,
    /// The transformation in its canonical spelling (the cache key).
    pub tr: String,
    pub width: u32,
    pub height: u32,
    /// Seconds (videos).
    pub duration_s: Option<f64>,
    /// The part of the input kept, `[start, end]` in seconds (for thumbnails: the frame's time).
    pub trim_s: Option<(f64, f64)>,
    /// File format of a full render: `mp4`, `webm`, `jpg`, `png` or `webp`.
    pub format: String,
    /// `h264`, `vp9`, or `None` for sound only / stills.
    pub video_codec: Option<String>,
    /// `aac`, `opus`, or `None` without sound.
    pub audio_codec: Option<String>,
    /// 1..=100.
    pub quality: u8,
    pub not_previewable: Vec<NotPreviewable>,
    /// Approximations worth telling the user (a replaced font, ...).
    pub notes: Vec<String>,
}

/// A finished preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewResult {
    pub width: u32,
    pub height: u32,
    pub duration_s: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    /// Bytes (all files of a fast preview).
    pub size: u64,
    /// Loopback media-server URL of the file, or of `master.m3u8` for a fast preview; `None` while
    /// the media server is not running (the CLI) or when the output lies outside the render cache.
    pub url: Option<String>,
    /// The file on disk (or `master.m3u8`).
    pub path: String,
    /// `true` when an earlier identical render was reused.
    pub cached: bool,
}

/// Something a running preview reports, in order; `finished` comes last on success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum PreviewEvent {
    /// Share done, 0..=1.
    Progress {
        fraction: f32,
    },
    /// Fast preview: the first segment is written; a player can start on `url` (`master.m3u8`).
    FirstSegmentReady {
        url: Option<String>,
        path: String,
    },
    Finished {
        result: PreviewResult,
    },
}

/// Which adaptive-bitrate manifest (spec §10.4): `hls` is `…/video.mp4/ik-master.m3u8?tr=sr-…`,
/// `dash` is `…/video.mp4/ik-master.mpd?tr=sr-…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LadderFormat {
    Hls,
    Dash,
}

/// One representation of a ladder: H.264 at the remote's bit rate, fitted into the rung's box
/// with `c-at_max` (never enlarged), plus the shared AAC sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LadderRung {
    /// The `sr` value: 240, 360, 480, 720, 1080, 1440 or 2160.
    pub resolution: u32,
    pub width: u32,
    pub height: u32,
    /// Video bits per second (240: 200000 … 2160: 18000000).
    pub bitrate: u32,
}

/// What the ladder of `tr` will be, decided before anything is decoded. `w`, `h`, `ar`, `f`, `vc`,
/// `ac` and `q` are refused (`invalid_input`, the message names the nearest valid setting), as the
/// remote refuses them on these URLs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LadderPlan {
    pub format: LadderFormat,
    /// The transformation in its canonical spelling (the cache key and the URL's `tr`).
    pub tr: String,
    /// What the remote serves it as after the video's path: `ik-master.m3u8` or `ik-master.mpd`,
    /// so the delivery URL is `<video URL>/<master_name>?tr=<tr>`.
    pub master_name: String,
    /// Ascending.
    pub rungs: Vec<LadderRung>,
    /// Segment length in seconds (every rung's segments start together, each with an IDR frame).
    pub segment_s: u32,
    pub duration_s: Option<f64>,
    /// `aac`, or `None` when the video has no sound.
    pub audio_codec: Option<String>,
    pub not_previewable: Vec<NotPreviewable>,
    /// Choices worth telling the user (a rung above the picture's size is delivered at that size, ...).
    pub notes: Vec<String>,
    /// Rungs (`sr` values) that come out the same size as a lower one (a rung above the picture is
    /// delivered at the picture's size): stored and streamed for nothing. Ascending.
    pub duplicates: Vec<u32>,
    /// `tr` with those rungs left out of `sr-…` (equal to `tr` when there are none).
    pub without_duplicates: String,
}

/// The ladder `tr` for the studio's transformation and the chosen renditions
/// ([`crate::ladder_tr`]): the studio's steps minus what `ik-master` URLs refuse, then `sr-…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LadderTr {
    /// What goes after `?tr=`.
    pub tr: String,
    /// Keys of the studio's parameters left out, first occurrence first (`cm`, `x`, `w`, `q`, ...).
    pub left_out: Vec<String>,
}

/// A finished ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LadderResult {
    pub format: LadderFormat,
    pub rungs: Vec<LadderRung>,
    /// Segments per rung.
    pub segments: u32,
    pub segment_s: u32,
    pub duration_s: Option<f64>,
    pub audio_codec: Option<String>,
    /// Bytes of all its files.
    pub size: u64,
    /// Loopback media-server URL of the master playlist / MPD (hls.js or dash.js play it; the rungs'
    /// files sit beside it); `None` while the media server is not running (the CLI) or when the
    /// ladder lies outside the render cache.
    pub url: Option<String>,
    /// The master playlist / MPD on disk.
    pub path: String,
    /// `true` when an earlier identical ladder was reused.
    pub cached: bool,
    /// What each rung costs, in the order of `rungs`.
    pub rung_costs: Vec<RungCost>,
    /// Bytes of the shared sound rendition (0 without sound).
    pub audio_bytes: u64,
    /// Bytes the ladder adds to the media library's storage (every rung, the sound, the playlists).
    pub storage_bytes: u64,
    /// Bytes one person watching the whole video at the top rung downloads (top rung + sound);
    /// adaptive players start lower and switch up, so a real view costs this or less.
    pub bytes_per_view: u64,
}

/// The measured cost of one rung of a rendered ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RungCost {
    /// The `sr` value.
    pub resolution: u32,
    pub width: u32,
    pub height: u32,
    /// Bytes of its media (init segment + segments, not its playlist).
    pub bytes: u64,
    /// Bits per second it streams at, measured: its bytes over the duration.
    pub bitrate_bps: u64,
}

/// Something a running ladder reports, in order; `finished` comes last on success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum LadderEvent {
    /// Share done, 0..=1.
    Progress {
        fraction: f32,
    },
    Finished {
        result: LadderResult,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webviews_preview_source_cannot_name_a_file() {
        let ok: AssetSource = serde_json::from_str(r#"{"asset_id": 7}"#).unwrap();
        assert_eq!(PreviewSource::from(ok), PreviewSource::AssetId(7));
        for hostile in [r#"{"path": "/etc/passwd"}"#, r#"{"asset_id": 7, "path": "/etc/passwd"}"#] {
            assert!(serde_json::from_str::<AssetSource>(hostile).is_err(), "{hostile}");
        }
        // The same wire shape as the CLI's source, so the UI's calls are unchanged.
        assert_eq!(serde_json::to_string(&ok).unwrap(), serde_json::to_string(&PreviewSource::AssetId(7)).unwrap());
    }
}
