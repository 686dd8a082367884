//! Wire types of a published asset as the shop sees it: the derived outputs its upload asked for
//! (post-transformations: the streaming ladder, extra versions, thumbnails) with their state, and
//! the comparison of the shop's delivery of a `tr` with the local preview of the same `tr`.
//! TypeScript bindings are generated from these (see `bindings.rs`).
//!
//! How the UI uses them: `derived_outputs(asset_id)` → [`DerivedOutput`]s for the detail panel
//! (ask again while any is `building` or `requested`); `compare_with_shop(asset_id, tr)` streams
//! [`CompareEvent`]s while it fetches, renders and compares, and answers a [`CompareReport`] whose
//! `remote_url` and `local_url` the studio shows side by side.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a derived output stands, as its delivery URL answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DerivedState {
    /// Asked for with the upload; the shop could not be asked yet (offline: `reason` says so).
    Requested,
    /// The shop is making it (a `202` for a streaming ladder, a `302` to the original for a video).
    Building,
    /// The delivery URL answers with it.
    Ready,
    /// The shop refused or failed it; `reason` gives its words.
    Failed,
}

/// One extra version of a published asset that its upload asked for (a post-transformation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DerivedOutput {
    /// `abs` (streaming ladder), `transformation`, `thumbnail` or `gif-to-video`.
    pub kind: String,
    /// For a person: "HLS streaming ladder: 240p, 360p, 720p", "Version h-300", "Thumbnail".
    pub label: String,
    /// The post-transformation's value as asked (`sr-240_360_720`, `h-300`), if any.
    pub tr: Option<String>,
    /// The delivery URL: `…/ik-master.m3u8?tr=sr-…` for a ladder, `…?tr=…` for a version,
    /// `…/ik-thumbnail.jpg` for a thumbnail. Signed (for a week) when the file is private.
    pub url: String,
    pub signed: bool,
    pub state: DerivedState,
    /// Why it failed (the shop's words), or why its state is not known (offline).
    pub reason: Option<String>,
}

/// Size, duration and codecs of one side of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MediaFacts {
    pub width: u32,
    pub height: u32,
    /// Seconds (videos).
    pub duration_s: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    /// Bytes of the file.
    pub size: u64,
}

/// The picture similarity at one moment (`at_s` 0 for a photo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FrameScore {
    pub at_s: f64,
    /// SSIM on luma, 1.0 = identical.
    pub ssim: f64,
}

/// What a comparison of the shop's delivery with the local preview found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompareReport {
    pub asset_id: i64,
    /// The transformation compared, in its canonical spelling.
    pub tr: String,
    /// The delivery URL fetched (signed when the file is private).
    pub url: String,
    pub remote: MediaFacts,
    pub local: MediaFacts,
    /// The lowest frame score; 1.0 = identical.
    pub ssim: f64,
    pub frames: Vec<FrameScore>,
    pub same_dimensions: bool,
    /// Remote minus local, seconds (videos).
    pub duration_delta_s: Option<f64>,
    /// `true` when the verdict is "Match".
    pub matches: bool,
    /// "Match", or "Differs: …" saying what differs (size, duration, codecs, picture).
    pub verdict: String,
    /// The local preview on disk, and its media-server URL (`None` without the media server).
    pub local_path: String,
    pub local_url: Option<String>,
    /// The shop's delivery as downloaded, and its media-server URL.
    pub remote_path: String,
    pub remote_url: Option<String>,
}

/// Progress of a comparison, in order; the answer is the [`CompareReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CompareEvent {
    /// Downloading the shop's delivery.
    Fetching,
    /// Rendering the local preview at full quality.
    Rendering,
    /// Scoring the two.
    Comparing,
}
