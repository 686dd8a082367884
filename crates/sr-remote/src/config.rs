//! Where the remote lives and how to authenticate against it.

use std::fmt;
use std::time::Duration;

/// A credential that must never be printed. `Debug` and `Display` both show `***`; the only way to the
/// value is [`Secret::expose`], which is called exactly where the key goes on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value. Only for building the request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the client proves who it is.
#[derive(Clone, Debug)]
pub enum RemoteAuth {
    /// Server-side: HTTP Basic with the private key as the username and an empty password. Works for the
    /// management API and for uploads.
    PrivateKey(Secret),
    /// Client-side uploads: before every upload attempt the client GETs `url` (the organisation's own
    /// endpoint), which answers `{token, expire, signature}`; the upload then carries `publicKey`, `token`,
    /// `expire` and `signature`. Tokens are one-time, so a fresh one is fetched per attempt. The management
    /// API is not available with this mode (calls fail with [`crate::RemoteError::Config`]).
    ///
    /// `token`, when the organisation protects its endpoint, is sent as `Authorization: Bearer …`
    /// (kept in the keychain like a private key; never printed).
    AuthEndpoint { public_key: String, url: String, token: Option<Secret> },
}

/// Network timeouts. There is deliberately no total deadline: a 2 GB upload on a slow line may take hours
/// and is still healthy as long as bytes keep moving.
#[derive(Clone, Debug)]
pub struct Timeouts {
    /// Time allowed to open the TCP (and TLS) connection.
    pub connect: Duration,
    /// Longest silence allowed on a read of the response, and while an upload's body is being sent;
    /// reset whenever bytes move.
    pub read: Duration,
    /// How long the remote may take to answer once an upload's last byte has left (it stores and
    /// inspects the file first: a big video takes a while). Past it the upload counts as maybe
    /// delivered, and the queue looks it up before sending it again.
    pub response: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(10), read: Duration::from_secs(60), response: Duration::from_secs(600) }
    }
}

/// Everything the client needs to talk to one media-library account.
#[derive(Clone, Debug)]
pub struct RemoteConfig {
    /// Management API base, e.g. `https://api.imagekit.io` (paths `/v1/...` are appended).
    pub api_base: String,
    /// Upload API base, e.g. `https://upload.imagekit.io` (`/api/v1/files/upload` is appended).
    pub upload_base: String,
    /// Delivery URL endpoint, e.g. `https://ik.imagekit.io/your_id`. Used by purge helpers and callers that
    /// build delivery URLs.
    pub url_endpoint: String,
    pub auth: RemoteAuth,
}

impl RemoteConfig {
    pub fn new(
        api_base: impl Into<String>,
        upload_base: impl Into<String>,
        url_endpoint: impl Into<String>,
        auth: RemoteAuth,
    ) -> Self {
        RemoteConfig {
            api_base: api_base.into(),
            upload_base: upload_base.into(),
            url_endpoint: url_endpoint.into(),
            auth,
        }
    }

    /// The public ImageKit hosts for an account whose URL endpoint is `url_endpoint`.
    pub fn imagekit(url_endpoint: impl Into<String>, auth: RemoteAuth) -> Self {
        Self::new("https://api.imagekit.io", "https://upload.imagekit.io", url_endpoint, auth)
    }
}
