//! Wire types of channel presets (named transformations applied to assets) and asset delivery
//! URLs. TypeScript bindings are generated from these (see `bindings.rs`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A named transformation, e.g. "Shop grid 1:1" = `w-1080,h-1080`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Preset {
    pub name: String,
    /// The `tr` as saved (already checked by the transformation parser).
    pub tr: String,
    /// Assets it is applied to.
    pub asset_count: u64,
    /// Unix seconds of the last save.
    pub updated_at: i64,
}

/// What applying a preset to a selection did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PresetApplied {
    pub preset: Preset,
    /// Assets in the selection.
    pub assets: u64,
    /// Of those, how many did not have it yet.
    pub added: u64,
}

/// One delivery URL of an asset on the active account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssetUrl {
    pub asset_id: i64,
    pub asset_name: String,
    /// The file's path in the media library: where it was published, else its remote folder and
    /// (remote-safe) name.
    pub path: String,
    /// The preset the URL is for (`None` for an ad-hoc transformation).
    pub preset: Option<String>,
    pub tr: String,
    pub url: String,
}
