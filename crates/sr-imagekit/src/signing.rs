//! HMAC signatures used by the remote: client-upload auth parameters (§2.2), signed delivery URLs
//! (§9, built and verified in [`crate::url`]) and legacy webhook signatures (§11.2).

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// Lowercase hex HMAC-SHA1 of `message` keyed by `key` (spec §2.2, §9.1).
pub fn hmac_sha1_hex(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    hex(&mac.finalize().into_bytes())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// How long client-upload auth parameters stay valid by default: the SDK's 30 minutes.
pub const DEFAULT_AUTH_TTL_SECONDS: i64 = 30 * 60;

/// Client-side upload authentication (§2.2): the form fields `token`, `expire`, `signature`.
/// Serialises to the SDK's `getAuthenticationParameters()` JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthParams {
    pub token: String,
    /// Absolute Unix time in seconds.
    pub expire: i64,
    /// `hex(HMAC-SHA1(private_key, token + expire))`.
    pub signature: String,
}

/// Auth parameters for a client-side upload, as the SDK's `getAuthenticationParameters`:
/// `token` defaults (when `None` or empty) to a new v4 UUID — the one use of randomness in this
/// crate; pass a token for a deterministic result. `expire` defaults (when `None` or 0) to
/// `now + 1800`. The remote refuses an `expire` more than an hour ahead; that is the caller's
/// choice to make.
pub fn auth_params(private_key: &str, token: Option<String>, expire: Option<i64>, now: i64) -> AuthParams {
    let token = token.filter(|t| !t.is_empty()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let expire = expire.filter(|e| *e != 0).unwrap_or(now + DEFAULT_AUTH_TTL_SECONDS);
    let signature = hmac_sha1_hex(private_key, &format!("{token}{expire}"));
    AuthParams { token, expire, signature }
}

/// Why a legacy `x-ik-signature` webhook header was refused (the SDK's messages, §11.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSignatureError {
    #[error("Timestamp missing: the x-ik-signature header has no t=<unix-ms> part")]
    TimestampMissing,
    #[error("Timestamp invalid: `{0}` is not a Unix time in milliseconds")]
    TimestampInvalid(String),
    #[error("Signature missing: the x-ik-signature header has no v1=<hex> part")]
    SignatureMissing,
    #[error("Incorrect signature: the body was changed or signed with another webhook secret")]
    IncorrectSignature,
}

/// `hex(HMAC-SHA256(secret, "<timestamp_ms>.<body>"))`; the secret is used as UTF-8 text,
/// `whsec_` prefix included (§11.2).
pub fn webhook_signature(secret: &str, timestamp_ms: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp_ms.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// The legacy `x-ik-signature` header value: `t=<unix-ms>,v1=<hex>`.
pub fn webhook_signature_header(secret: &str, timestamp_ms: i64, body: &[u8]) -> String {
    format!("t={timestamp_ms},v1={}", webhook_signature(secret, timestamp_ms, body))
}

/// Verifies a legacy `x-ik-signature` header against the raw body; returns the signed timestamp
/// (Unix milliseconds). Replay protection (a tolerance on the timestamp, de-duplicating event
/// ids) is the caller's, who knows the clock.
pub fn verify_webhook_signature(secret: &str, header: &str, body: &[u8]) -> Result<i64, WebhookSignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = Some(v),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let t = timestamp.ok_or(WebhookSignatureError::TimestampMissing)?;
    let timestamp_ms: i64 = t
        .parse()
        .ok()
        .filter(|n: &i64| *n >= 0 && t.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| WebhookSignatureError::TimestampInvalid(t.to_string()))?;
    if signatures.is_empty() {
        return Err(WebhookSignatureError::SignatureMissing);
    }
    let matches = signatures.iter().any(|s| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
        mac.update(t.as_bytes());
        mac.update(b".");
        mac.update(body);
        decode_hex(s).is_some_and(|bytes| mac.verify_slice(&bytes).is_ok())
    });
    if matches { Ok(timestamp_ms) } else { Err(WebhookSignatureError::IncorrectSignature) }
}

pub(crate) fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_auth_vector_from_spec_2_2() {
        assert_eq!(
            hmac_sha1_hex("private_key_test", "your_token1582269249"),
            "e71bcd6031016b060d349d212e23e85c791decdd"
        );
    }
}
