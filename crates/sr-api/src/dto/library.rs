//! Wire types of the library itself: assets, imports, pages. Re-exported as `sr_api::dto::*`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Video,
    Image,
    Audio,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AssetStatus {
    /// Only on this computer.
    Local,
    /// The original is no longer where it was imported from.
    Missing,
    /// Only on the remote (adopted by sync): no original on this computer until downloaded.
    #[serde(rename = "remote_only")]
    RemoteOnly,
}

/// One asset as the UI, the CLI and the tests see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Asset {
    pub id: i64,
    /// Absolute path of the original on this computer.
    pub path: String,
    pub name: String,
    pub kind: AssetKind,
    /// Bytes.
    pub size: u64,
    /// Content identity (BLAKE3 of every byte, hex).
    pub hash: String,
    /// Display width (rotation metadata applied).
    pub width: Option<u32>,
    /// Display height (rotation metadata applied).
    pub height: Option<u32>,
    pub duration_s: Option<f64>,
    pub frame_rate: Option<f64>,
    /// Bits per second.
    pub bit_rate: Option<u64>,
    /// Rotation metadata of the original, degrees clockwise.
    pub rotation: i32,
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub status: AssetStatus,
    pub status_detail: Option<String>,
    /// Remote folder this asset is published to, e.g. `/summer-shoot/`.
    pub remote_folder: String,
    /// Unix seconds.
    pub imported_at: i64,
    /// Loopback URL of the thumbnail, when there is one and the media server runs.
    pub thumb_url: Option<String>,
    /// Loopback URL streaming the original (HTTP Range), when the media server runs.
    pub original_url: Option<String>,
    /// Where it stands against the active account's remote library (`None` when not asked).
    pub sync: Option<super::sync::SyncStatus>,
}

/// A file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub imported: Vec<Asset>,
    pub skipped: Vec<Skipped>,
    /// Stopped by `cancel_imports`: what was imported before stays, the rest was not looked at.
    pub cancelled: bool,
}

/// Progress of an import, streamed in order while it runs.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // short-lived values handed straight to a channel
pub enum ImportEvent {
    Discovered { total: u64 },
    Imported { asset: Asset },
    Skipped { skipped: Skipped },
    Thumbnail { id: i64, thumb_url: Option<String> },
    Progress { done: u64, total: u64 },
    Finished { imported: u64, skipped: u64, cancelled: bool },
}

/// A page of the library, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AssetPage {
    pub total: u64,
    pub offset: u64,
    pub assets: Vec<Asset>,
}

/// What the app shows in its status bar and About box.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LibraryInfo {
    pub library_dir: String,
    pub asset_count: u64,
    pub version: String,
}

// ----- to and from the library's own types -----

impl From<sr_library::AssetKind> for AssetKind {
    fn from(k: sr_library::AssetKind) -> Self {
        match k {
            sr_library::AssetKind::Video => AssetKind::Video,
            sr_library::AssetKind::Image => AssetKind::Image,
            sr_library::AssetKind::Audio => AssetKind::Audio,
            sr_library::AssetKind::Other => AssetKind::Other,
        }
    }
}

impl From<AssetKind> for sr_library::AssetKind {
    fn from(k: AssetKind) -> Self {
        match k {
            AssetKind::Video => sr_library::AssetKind::Video,
            AssetKind::Image => sr_library::AssetKind::Image,
            AssetKind::Audio => sr_library::AssetKind::Audio,
            AssetKind::Other => sr_library::AssetKind::Other,
        }
    }
}

impl From<sr_library::AssetStatus> for AssetStatus {
    fn from(s: sr_library::AssetStatus) -> Self {
        match s {
            sr_library::AssetStatus::Local => AssetStatus::Local,
            sr_library::AssetStatus::Missing => AssetStatus::Missing,
            sr_library::AssetStatus::RemoteOnly => AssetStatus::RemoteOnly,
        }
    }
}

impl From<AssetStatus> for sr_library::AssetStatus {
    fn from(s: AssetStatus) -> Self {
        match s {
            AssetStatus::Local => sr_library::AssetStatus::Local,
            AssetStatus::Missing => sr_library::AssetStatus::Missing,
            AssetStatus::RemoteOnly => sr_library::AssetStatus::RemoteOnly,
        }
    }
}

impl From<&sr_library::Skipped> for Skipped {
    fn from(s: &sr_library::Skipped) -> Self {
        let sr_library::Skipped { path, reason } = s;
        Skipped { path: path.to_string_lossy().into_owned(), reason: reason.clone() }
    }
}
