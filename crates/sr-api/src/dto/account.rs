//! Wire types of the remote account: what Settings and `stockroom remote show` display, and what
//! connecting an ImageKit account takes. None of them carries a secret out: the private key and
//! token only come in (`ImagekitAccountInput`, whose `Debug` prints them as `***`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Upload size limits of the account's plan (configurable per account; spec §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountLimits {
    pub max_file_bytes: u64,
    pub max_video_bytes: u64,
}

impl Default for AccountLimits {
    /// The Pro plan: 50 MB files, 2 GB videos.
    fn default() -> Self {
        AccountLimits { max_file_bytes: 50 * 1_000_000, max_video_bytes: 2_000 * 1_000_000 }
    }
}

/// Where an account's private key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyStorage {
    /// The OS keychain (Secret Service on Linux).
    Keychain,
    /// A file only this user can read (mode 0600): no keychain service was available.
    File,
    /// Uploads are signed by the organisation's authentication endpoint; no private key here.
    AuthEndpoint,
    /// The sandbox's own local key.
    Sandbox,
}

/// What the settings screen and `stockroom remote show` display. Never carries a secret.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RemoteInfo {
    /// `sandbox` or `imagekit`.
    pub kind: String,
    /// Stable key remote state is filed under, e.g. `sandbox` or `imagekit:public_abc`.
    pub account: String,
    pub label: String,
    pub url_endpoint: String,
    pub public_key: String,
    pub api_base: String,
    pub upload_base: String,
    pub key_storage: KeyStorage,
    pub auth_endpoint: Option<String>,
    pub limits: AccountLimits,
    /// Something the user should know (e.g. the key is in a file because no keychain exists).
    pub warning: Option<String>,
}

/// What `use_imagekit` takes. `Debug` prints the private key as `***`.
#[derive(Clone, Default, Deserialize, TS)]
pub struct ImagekitAccountInput {
    pub url_endpoint: String,
    pub public_key: String,
    /// Server-side auth. Exactly one of `private_key` and `auth_endpoint`.
    pub private_key: Option<String>,
    pub auth_endpoint: Option<String>,
    pub api_base: Option<String>,
    pub upload_base: Option<String>,
    pub limits: Option<AccountLimits>,
    /// The person chose to keep the private key in a file only they can read when no keychain
    /// answers (Settings' choice, `--store-key-in-file`). Without it such a save is refused with
    /// `keychain_unavailable`.
    #[serde(default)]
    pub store_key_in_file: bool,
    /// With `auth_endpoint`: a token the endpoint wants as `Authorization: Bearer …`, kept in the
    /// keychain like a private key.
    #[serde(default)]
    pub auth_token: Option<String>,
}

impl std::fmt::Debug for ImagekitAccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImagekitAccountInput")
            .field("url_endpoint", &self.url_endpoint)
            .field("public_key", &self.public_key)
            .field("private_key", &self.private_key.as_ref().map(|_| "***"))
            .field("auth_endpoint", &self.auth_endpoint)
            .field("api_base", &self.api_base)
            .field("upload_base", &self.upload_base)
            .field("limits", &self.limits)
            .field("store_key_in_file", &self.store_key_in_file)
            .field("auth_token", &self.auth_token.as_ref().map(|_| "***"))
            .finish()
    }
}
