//! Reading a file's bytes from its delivery URLs: the original into a local file (a remote-only
//! asset's *Download original*), and the remote's thumbnail into memory. Private files' URLs are
//! signed here for ten minutes when this connection has the private key, as [`Client::hash_file`]
//! does. Errors never show a URL's query string (a signature).

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::Client;
use crate::config::RemoteAuth;
use crate::error::{self, RemoteError};
use crate::types::File;

impl Client {
    /// `url`, signed for ten minutes when `private` and this connection has the private key.
    fn delivery_url(&self, url: &str, private: bool) -> Result<Url, RemoteError> {
        let mut url = url.to_owned();
        if private && let RemoteAuth::PrivateKey(key) = &self.config.auth {
            let opts = sr_imagekit::url::UrlOptions {
                url_endpoint: self.config.url_endpoint.clone(),
                src: url.clone(),
                signing: Some(sr_imagekit::url::UrlSigning {
                    private_key: key.expose().to_owned(),
                    expire_at: Some(chrono::Utc::now().timestamp() + 600),
                }),
                ..Default::default()
            };
            url = sr_imagekit::url::build_url(&opts).map_err(|e| RemoteError::Config { message: e.to_string() })?;
        }
        Url::parse(&url)
            .map_err(|e| RemoteError::Config { message: format!("A delivery address is not a valid URL ({e}).") })
    }

    /// GET of a delivery URL, with a non-2xx answer mapped to its error.
    async fn delivery_get(&self, url: Url) -> Result<(reqwest::Response, String), RemoteError> {
        let shown = shown(&url);
        let response = self.upload_http.get(url).send().await.map_err(|e| read_failed(&shown, &e))?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            return Err(match status.as_u16() {
                429 => RemoteError::RateLimited {
                    retry_after: error::rate_limit_wait(&headers),
                    request_id: error::request_id(&headers),
                },
                404 => RemoteError::NotFound {
                    message: format!("there is nothing at {shown}."),
                    missing_file_ids: Vec::new(),
                    reason: None,
                    request_id: error::request_id(&headers),
                },
                _ => error::from_response_parts(status, &headers, b""),
            });
        }
        Ok((response, shown))
    }

    /// Downloads `file`'s original into `dest` (written as `dest.part`, renamed when whole), and
    /// returns its length. A read that stalls longer than the read timeout fails; `cancel` stops it
    /// and removes the partial file.
    pub async fn download_file(
        &self,
        file: &File,
        dest: &Path,
        cancel: Option<CancellationToken>,
    ) -> Result<u64, RemoteError> {
        let part = dest.with_extension(format!(
            "{}part",
            dest.extension().map(|e| format!("{}.", e.to_string_lossy())).unwrap_or_default()
        ));
        let work = self.download_inner(file, dest, &part);
        let result = match cancel {
            Some(token) => tokio::select! {
                biased;
                _ = token.cancelled() => Err(RemoteError::Cancelled),
                result = work => result,
            },
            None => work.await,
        };
        if result.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        result
    }

    async fn download_inner(&self, file: &File, dest: &Path, part: &Path) -> Result<u64, RemoteError> {
        let url = self.delivery_url(&file.url, file.is_private_file)?;
        let (mut response, shown) = self.delivery_get(url).await?;
        let local = |source: std::io::Error| RemoteError::LocalFile { path: part.to_owned(), source };
        if let Some(parent) = part.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(local)?;
        }
        let mut out = tokio::fs::File::create(part).await.map_err(local)?;
        let stall = self.timeouts.read;
        let mut written = 0u64;
        loop {
            let chunk = match tokio::time::timeout(stall, response.chunk()).await {
                Ok(chunk) => chunk.map_err(|e| read_failed(&shown, &e))?,
                Err(_) => {
                    return Err(RemoteError::Network {
                        message: format!("the download of {shown} stopped for over {} s", stall.as_secs()),
                        sent_bytes: 0,
                        maybe_delivered: false,
                    });
                }
            };
            let Some(chunk) = chunk else { break };
            out.write_all(&chunk).await.map_err(local)?;
            written += chunk.len() as u64;
        }
        out.sync_all().await.map_err(local)?;
        drop(out);
        tokio::fs::rename(part, dest)
            .await
            .map_err(|source| RemoteError::LocalFile { path: dest.to_owned(), source })?;
        Ok(written)
    }

    /// The bytes of `file`'s thumbnail URL (at most `cap`; more is an error).
    pub async fn fetch_thumbnail(&self, file: &File, cap: usize) -> Result<Bytes, RemoteError> {
        let Some(thumb) = file.thumbnail.as_deref().filter(|t| !t.is_empty()) else {
            return Err(RemoteError::NotFound {
                message: format!("{} has no thumbnail on the media library.", file.name),
                missing_file_ids: Vec::new(),
                reason: None,
                request_id: None,
            });
        };
        self.fetch_delivery(thumb, file.is_private_file, cap).await
    }

    /// The bytes at a delivery URL (a thumbnail URL seen in an earlier listing), signed when
    /// `private`; at most `cap`, more is an error.
    pub async fn fetch_delivery(&self, url: &str, private: bool, cap: usize) -> Result<Bytes, RemoteError> {
        let url = self.delivery_url(url, private)?;
        let deadline = Duration::from_secs(60);
        let work = async {
            let (mut response, shown) = self.delivery_get(url).await?;
            let mut body = bytes::BytesMut::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| read_failed(&shown, &e))? {
                if body.len() + chunk.len() > cap {
                    return Err(RemoteError::InvalidResponse {
                        message: format!("the thumbnail at {shown} is larger than {} KiB", cap / 1024),
                        request_id: None,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body.freeze())
        };
        tokio::time::timeout(deadline, work).await.unwrap_or_else(|_| {
            Err(RemoteError::Network {
                message: "the thumbnail took over a minute to arrive".into(),
                sent_bytes: 0,
                maybe_delivered: false,
            })
        })
    }
}

fn shown(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

fn read_failed(shown: &str, e: &reqwest::Error) -> RemoteError {
    RemoteError::Network {
        message: format!("{shown} could not be read ({})", error::from_transport(e, 0, 0)),
        sent_bytes: 0,
        maybe_delivered: false,
    }
}
