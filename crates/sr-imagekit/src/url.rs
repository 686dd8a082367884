//! Delivery URLs (spec §9, §10.1, §10.4, §10.6): building them as the Node SDK v7's `buildSrc`
//! does, and verifying signed ones as the delivery server does.
//!
//! URL parsing and serialising is the WHATWG algorithm (the `url` crate), as in the SDK's
//! `new URL()`: non-ASCII path characters are percent-encoded as UTF-8, query parameters are
//! form-encoded, and the `tr` value is inserted unencoded (commas and colons stay literal).

use ::url::Url;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::signing::{decode_hex, hmac_sha1_hex};
use crate::transform::Transformation;

/// The expiry the SDK signs with when none is given (§9.1); such URLs carry only `ik-s`.
pub const DEFAULT_EXPIRY: i64 = 9_999_999_999;

/// Stands in for the transformation while the URL is parsed, so the `tr` value is never
/// percent-encoded (the SDK's own trick).
const PLACEHOLDER: &str = "PLEASEREPLACEJUSTBEFORESIGN";

/// Where the transformation goes: `?tr=...` (the SDK v7 default) or a `tr:...` path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransformationPosition {
    #[default]
    Query,
    Path,
}

/// Signing options: the private key and an absolute expiry in Unix seconds. `expire_at: None`
/// signs with [`DEFAULT_EXPIRY`] and emits only `ik-s`, as the SDK does without `expiresIn`.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlSigning {
    pub private_key: String,
    pub expire_at: Option<i64>,
}

impl std::fmt::Debug for UrlSigning {
    /// The key never prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSigning").field("private_key", &"***").field("expire_at", &self.expire_at).finish()
    }
}

/// What to build (the SDK's `SrcOptions`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UrlOptions {
    /// e.g. `https://ik.imagekit.io/demo` (with or without a trailing `/`).
    pub url_endpoint: String,
    /// A path relative to the endpoint, or an absolute `http(s)://` URL (which ignores the
    /// endpoint and forces the query position).
    pub src: String,
    /// Empty for none. Parse a string with `Transformation::parse`, or build one.
    pub transformation: Transformation,
    pub position: TransformationPosition,
    /// Added after any query already in `src`, in this order.
    pub query_parameters: Vec<(String, String)>,
    pub signing: Option<UrlSigning>,
}

/// Why a URL could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("no file path was given: pass the file's path (e.g. /products/shoe.jpg) or its full URL")]
    MissingSrc,
    #[error("the URL endpoint `{0}` is not a valid URL: use the form https://ik.imagekit.io/<your_id>")]
    InvalidEndpoint(String),
    #[error("`{0}` is not a valid URL: check the address, or pass a path relative to the URL endpoint")]
    InvalidSrc(String),
    #[error("signing a URL needs the URL endpoint it will be served from: set the URL endpoint")]
    SigningNeedsEndpoint,
    #[error("signing a URL needs the private API key: set the private key")]
    SigningNeedsPrivateKey,
}

/// Why a signed delivery URL was refused (the delivery server answers 401 for each).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("this file is private: the URL needs a signature (ik-s); ask for a signed URL")]
    Missing,
    #[error("the URL's expiry ik-t=`{0}` is not a Unix time in seconds; ask for a new signed URL")]
    MalformedExpiry(String),
    #[error("the URL's signature does not match: it was changed after signing or signed with another key")]
    Mismatch,
    #[error("the signed URL expired at {expired_at} (now {now}); ask for a new signed URL")]
    Expired { expired_at: i64, now: i64 },
}

/// Builds a delivery URL exactly as the Node SDK v7's `buildSrc` (§10.6, §9.1).
pub fn build_url(options: &UrlOptions) -> Result<String, UrlError> {
    let src = options.src.as_str();
    if src.is_empty() {
        return Err(UrlError::MissingSrc);
    }
    let absolute = src.starts_with("http://") || src.starts_with("https://");
    let mut url = if absolute {
        Url::parse(src).map_err(|_| UrlError::InvalidSrc(src.to_string()))?
    } else {
        parse_endpoint(&options.url_endpoint)?
    };

    if !options.query_parameters.is_empty() {
        // URLSearchParams.append re-serialises the whole query, the existing part included.
        let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        pairs.extend(options.query_parameters.iter().cloned());
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }

    let tr = options.transformation.to_string();
    let in_query = options.position == TransformationPosition::Query || absolute;

    if !absolute {
        let endpoint_path = url.path().to_string();
        let mut parts = vec![endpoint_path];
        if !tr.is_empty() && !in_query {
            parts.push(format!("tr:{PLACEHOLDER}"));
        }
        parts.push(src.to_string());
        url.set_path(&collapse_slashes(&parts.join("/")));
    }

    let mut out = url.as_str().to_string();
    if !tr.is_empty() && in_query {
        let separator = if has_query_pairs(&url) { '&' } else { '?' };
        out = format!("{out}{separator}tr={PLACEHOLDER}");
    }
    if !tr.is_empty() {
        out = out.replacen(PLACEHOLDER, &tr, 1);
    }

    let Some(signing) = &options.signing else {
        return Ok(out);
    };
    if options.url_endpoint.is_empty() {
        return Err(UrlError::SigningNeedsEndpoint);
    }
    if signing.private_key.is_empty() {
        return Err(UrlError::SigningNeedsPrivateKey);
    }
    let expiry = signing.expire_at.unwrap_or(DEFAULT_EXPIRY);
    let endpoint = with_trailing_slash(&options.url_endpoint);
    let message = format!("{}{expiry}", out.replacen(&endpoint, "", 1));
    let signature = hmac_sha1_hex(&signing.private_key, &message);
    let separator = match Url::parse(&out) {
        Ok(u) if has_query_pairs(&u) => '&',
        Ok(_) => '?',
        Err(_) if out.contains('?') => '&',
        Err(_) => '?',
    };
    if expiry != DEFAULT_EXPIRY {
        out = format!("{out}{separator}ik-t={expiry}&ik-s={signature}");
    } else {
        out = format!("{out}{separator}ik-s={signature}");
    }
    Ok(out)
}

fn parse_endpoint(endpoint: &str) -> Result<Url, UrlError> {
    Url::parse(endpoint).map_err(|_| UrlError::InvalidEndpoint(endpoint.to_string()))
}

/// `URLSearchParams.toString()` is non-empty.
fn has_query_pairs(url: &Url) -> bool {
    url.query_pairs().next().is_some()
}

fn collapse_slashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

fn with_trailing_slash(s: &str) -> String {
    if s.ends_with('/') { s.to_string() } else { format!("{s}/") }
}

/// Verifies a signed delivery request as the delivery server does (§9.1 "Verifying in the
/// emulator"). `target` is the raw request-target as received (not decoded) with the URL-endpoint
/// path prefix and its `/` removed, e.g. `tr:w-300/folder/a.png?v=2&ik-t=1700000000&ik-s=<hex>`.
/// A URL without `ik-t` never expires (it was signed with [`DEFAULT_EXPIRY`]).
pub fn verify_signed_url(target: &str, private_key: &str, now: i64) -> Result<(), SignatureError> {
    let Some(query_start) = target.find('?') else {
        return Err(SignatureError::Missing);
    };
    // Peel the trailing ik-s and ik-t parameters (at most one each), with the ?/& before them.
    let mut end = target.len();
    let mut signature = None;
    let mut expiry = None;
    for _ in 0..2 {
        let segment_start = target[..end].rfind(['&', '?']).filter(|i| *i >= query_start);
        let Some(sep) = segment_start else { break };
        let (name, value) = target[sep + 1..end].split_once('=').unwrap_or((&target[sep + 1..end], ""));
        match name {
            "ik-s" if signature.is_none() => signature = Some(value),
            "ik-t" if expiry.is_none() => expiry = Some(value),
            _ => break,
        }
        end = sep;
    }
    let Some(signature) = signature else {
        return Err(SignatureError::Missing);
    };
    let expiry_text = expiry.unwrap_or("9999999999");
    let expiry_value: i64 = expiry_text
        .parse()
        .ok()
        .filter(|_| expiry_text.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| SignatureError::MalformedExpiry(expiry_text.to_string()))?;
    let message = format!("{}{expiry_text}", &target[..end]);
    let provided = decode_hex(signature).ok_or(SignatureError::Mismatch)?;
    let mut mac = Hmac::<Sha1>::new_from_slice(private_key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    mac.verify_slice(&provided).map_err(|_| SignatureError::Mismatch)?;
    if expiry.is_some() && expiry_value < now {
        return Err(SignatureError::Expired { expired_at: expiry_value, now });
    }
    Ok(())
}

/// The special video endpoints: path suffixes appended to a video's path (§10.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoSuffix {
    /// `ik-thumbnail.jpg`: a still frame (the first, or `so-<seconds>` in the transformation).
    Thumbnail,
    /// `ik-master.m3u8`: an HLS adaptive-bitrate manifest (use `sr-...` in the transformation).
    HlsManifest,
    /// `ik-master.mpd`: a DASH adaptive-bitrate manifest (use `sr-...`).
    DashManifest,
    /// `ik-video.mp4`: for videos whose file name has no `.mp4` extension.
    Mp4,
    /// `ik-gif-video.mp4`: an animated GIF as an MP4 video.
    GifToMp4,
}

impl VideoSuffix {
    pub fn as_str(self) -> &'static str {
        match self {
            VideoSuffix::Thumbnail => "ik-thumbnail.jpg",
            VideoSuffix::HlsManifest => "ik-master.m3u8",
            VideoSuffix::DashManifest => "ik-master.mpd",
            VideoSuffix::Mp4 => "ik-video.mp4",
            VideoSuffix::GifToMp4 => "ik-gif-video.mp4",
        }
    }
}

/// Appends `/<suffix>` to the path of `src` (a path or an absolute URL), before any query.
pub fn with_video_suffix(src: &str, suffix: VideoSuffix) -> String {
    let (path, query) = match src.find(['?', '#']) {
        Some(i) => src.split_at(i),
        None => (src, ""),
    };
    format!("{}/{}{query}", path.trim_end_matches('/'), suffix.as_str())
}

/// `<src>/ik-thumbnail.jpg`.
pub fn thumbnail_src(src: &str) -> String {
    with_video_suffix(src, VideoSuffix::Thumbnail)
}

/// `<src>/ik-master.m3u8`.
pub fn hls_src(src: &str) -> String {
    with_video_suffix(src, VideoSuffix::HlsManifest)
}

/// `<src>/ik-master.mpd`.
pub fn dash_src(src: &str) -> String {
    with_video_suffix(src, VideoSuffix::DashManifest)
}
