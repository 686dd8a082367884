//! Delivery URLs and client-upload signatures, exactly as the official SDKs produce them.
//!
//! The key and endpoint come from, in order: what the caller passes explicitly
//! (`STOCKROOM_PRIVATE_KEY`, `--url-endpoint`), else the active account.

use sr_imagekit::signing::AuthParams;
use sr_imagekit::transform::Transformation;
use sr_imagekit::url::{TransformationPosition, UrlOptions, UrlSigning, build_url};

pub use crate::dto::delivery::UrlRequest;
use crate::{ApiError, ErrorCode, Stockroom};

/// How long a signed URL works when the caller gives no expiry: a week.
pub const DEFAULT_SIGNED_URL_LIFETIME_S: i64 = 7 * 24 * 3600;

/// The default expiry of a URL signed at `now`: a week later, rounded up to the next whole hour, so
/// the same asset signed again within the hour gives the same URL (and the CDN's cached copy).
pub fn default_expiry(now: i64) -> i64 {
    (now + DEFAULT_SIGNED_URL_LIFETIME_S).div_euclid(3600) * 3600 + 3600
}

fn invalid(m: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, m)
}

/// Parses a `tr` string or SDK JSON into the model, with messages naming the bad step and parameter.
pub fn parse_transformation(tr: Option<&str>, json: Option<&serde_json::Value>) -> Result<Transformation, ApiError> {
    match (tr, json) {
        (Some(_), Some(_)) => Err(invalid("Give the transformation either as a tr string or as JSON, not both.")),
        (Some(s), None) => Ok(Transformation::parse(s)),
        (None, Some(v)) => {
            Transformation::from_sdk_json(v).map_err(|e| invalid(format!("The transformation JSON is not valid: {e}")))
        }
        (None, None) => Ok(Transformation::new()),
    }
}

impl Stockroom {
    /// Builds (and optionally signs) a delivery URL.
    pub async fn delivery_url(&self, req: UrlRequest) -> Result<String, ApiError> {
        let transformation = parse_transformation(req.tr.as_deref(), req.transformation.as_ref())?;
        let needs_account = req.url_endpoint.is_none() || (req.sign && req.private_key.is_none());
        let remote = if needs_account { Some(self.remote().await?) } else { None };
        let url_endpoint = match (&req.url_endpoint, &remote) {
            (Some(e), _) => e.clone(),
            (None, Some(r)) => r.config.url_endpoint.clone(),
            (None, None) => unreachable!("needs_account"),
        };
        let signing = if req.sign {
            let key = match (&req.private_key, &remote) {
                (Some(k), _) => k.clone(),
                (None, Some(r)) => match &r.config.auth {
                    sr_remote::RemoteAuth::PrivateKey(s) => s.expose().to_owned(),
                    sr_remote::RemoteAuth::AuthEndpoint { .. } => {
                        return Err(invalid(
                            "This account signs through an authentication endpoint, so Stockroom has no private key to sign URLs with. Set STOCKROOM_PRIVATE_KEY to sign here.",
                        ));
                    }
                },
                (None, None) => unreachable!("needs_account"),
            };
            let expire_at = match (req.no_expiry, req.expire_at) {
                (true, _) => None,
                (false, Some(at)) => Some(at),
                (false, None) => Some(default_expiry(crate::now_unix())),
            };
            Some(UrlSigning { private_key: key, expire_at })
        } else {
            None
        };
        let opts = UrlOptions {
            url_endpoint,
            src: req.src,
            transformation,
            position: if req.path_position { TransformationPosition::Path } else { TransformationPosition::Query },
            query_parameters: req.query,
            signing,
        };
        build_url(&opts).map_err(|e| invalid(e.to_string()))
    }

    /// Client-side upload parameters `{token, expire, signature}` (spec §2.2).
    pub async fn auth_params(
        &self,
        private_key: Option<String>,
        token: Option<String>,
        expire: Option<i64>,
    ) -> Result<AuthParams, ApiError> {
        let key = match private_key {
            Some(k) => k,
            None => match self.signing_key().await? {
                Some(s) => s.expose().to_owned(),
                None => {
                    return Err(invalid(
                        "This account signs uploads through its authentication endpoint; there is no private key here. Set STOCKROOM_PRIVATE_KEY.",
                    ));
                }
            },
        };
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Ok(sr_imagekit::signing::auth_params(&key, token, expire, now))
    }
}
