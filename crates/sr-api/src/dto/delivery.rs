//! Wire type of a delivery URL request (`stockroom url`, the presets' URLs). The private key it
//! may carry is never serialised, bound or printed (`Debug` writes `***`).

use serde::Deserialize;
use ts_rs::TS;

/// A delivery URL to build.
#[derive(Clone, Default, Deserialize, TS)]
pub struct UrlRequest {
    /// A path in the media library (`/products/shoe.mp4`) or an absolute URL.
    pub src: String,
    /// An ImageKit `tr` string, e.g. `w-400,h-400:rt-90`.
    pub tr: Option<String>,
    /// Or the SDK's JSON transformation objects, e.g. `[{"width":400,"rotation":90}]`.
    #[ts(type = "unknown")]
    pub transformation: Option<serde_json::Value>,
    /// Query parameters added after any already in `src`, in this order (e.g. `version=2.0`).
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// `true`: `/tr:.../path`; `false` (the SDK default): `?tr=...`.
    pub path_position: bool,
    /// Overrides the account's URL endpoint.
    pub url_endpoint: Option<String>,
    pub sign: bool,
    /// Absolute Unix seconds; `None`: a week on (`delivery::default_expiry`), unless `no_expiry`.
    pub expire_at: Option<i64>,
    /// Sign without any expiry (the SDK's `9999999999` rule): the URL works for as long as the key.
    #[serde(default)]
    pub no_expiry: bool,
    /// Overrides the account's private key for signing (e.g. `STOCKROOM_PRIVATE_KEY`). Never echoed.
    #[serde(skip)]
    #[ts(skip)]
    pub private_key: Option<String>,
}

impl std::fmt::Debug for UrlRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlRequest")
            .field("src", &self.src)
            .field("tr", &self.tr)
            .field("transformation", &self.transformation)
            .field("query", &self.query)
            .field("path_position", &self.path_position)
            .field("url_endpoint", &self.url_endpoint)
            .field("sign", &self.sign)
            .field("expire_at", &self.expire_at)
            .field("no_expiry", &self.no_expiry)
            .field("private_key", &self.private_key.as_ref().map(|_| "***"))
            .finish()
    }
}
