//! What a delivery URL of a derived output answers (spec §10.4, §10.5): ready, still being built
//! (`202` for a streaming ladder, a redirect to the original for a video not encoded yet), or
//! refused with the remote's words; and the ready output downloaded to a file. The URL comes
//! signed from the caller when the file is private. Redirects are never followed (a `302` here
//! means "not ready": following it would fetch the original as if it were the output). Errors and
//! answers never show a URL's query string (a signature).

use std::path::Path;
use std::time::Duration;

use reqwest::Url;
use tokio::io::AsyncWriteExt;

use super::Client;
use crate::error::{self, RemoteError};

/// How long one delivery request may take before it counts as unreachable: the remote holds a
/// video request up to its poll window (15 s) before it redirects.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(90);

/// What a delivery URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryAnswer {
    /// `200` or `206`: the output is there.
    Ready {
        content_type: Option<String>,
        /// Bytes written (only by [`Client::fetch_delivery_to`]).
        bytes: u64,
    },
    /// `202`: accepted and being built (a streaming ladder's first requests).
    Building,
    /// A `3xx`: not ready yet; the remote sent the untransformed file's address instead.
    NotReady { status: u16 },
    /// A `4xx`/`5xx`: refused or failed, with the remote's message.
    Refused { status: u16, message: String, request_id: Option<String> },
}

fn shown(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

fn unreachable(shown: &str, why: String) -> RemoteError {
    RemoteError::Network {
        message: format!("{shown} could not be read ({why})"),
        sent_bytes: 0,
        maybe_delivered: false,
    }
}

/// The remote's words from an error body: its JSON `message`, else the text (short).
fn body_message(status: u16, body: &[u8]) -> String {
    let from_json = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned));
    let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(body).trim().chars().take(300).collect());
    if text.is_empty() { format!("the media library answered {status}") } else { text }
}

impl Client {
    async fn delivery_send(&self, url: &str) -> Result<(reqwest::Response, Url, String), RemoteError> {
        let url = Url::parse(url)
            .map_err(|e| RemoteError::Config { message: format!("A delivery address is not a valid URL ({e}).") })?;
        let shown = shown(&url);
        let response = tokio::time::timeout(DELIVERY_DEADLINE, self.upload_http.get(url.clone()).send())
            .await
            .map_err(|_| unreachable(&shown, format!("no answer in {} s", DELIVERY_DEADLINE.as_secs())))?
            .map_err(|e| unreachable(&shown, error::from_transport(&e, 0, 0).to_string()))?;
        Ok((response, url, shown))
    }

    /// Classifies a non-ready answer, reading a short error body.
    async fn not_ready(response: reqwest::Response) -> DeliveryAnswer {
        let status = response.status().as_u16();
        match status {
            202 => DeliveryAnswer::Building,
            300..=399 => DeliveryAnswer::NotReady { status },
            _ => {
                let request_id = error::request_id(response.headers());
                let body = tokio::time::timeout(Duration::from_secs(10), response.bytes()).await;
                let body = body.ok().and_then(Result::ok).unwrap_or_default();
                let body = &body[..body.len().min(16 * 1024)];
                DeliveryAnswer::Refused { status, message: body_message(status, body), request_id }
            }
        }
    }

    /// Asks a delivery URL whether its output is ready, without downloading it (the body of a ready
    /// answer is not read). A network failure is `Err` ([`RemoteError::Network`]).
    pub async fn probe_delivery(&self, url: &str) -> Result<DeliveryAnswer, RemoteError> {
        let (response, _, _) = self.delivery_send(url).await?;
        let status = response.status().as_u16();
        if matches!(status, 200 | 206) {
            let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
            return Ok(DeliveryAnswer::Ready { content_type, bytes: 0 });
        }
        Ok(Self::not_ready(response).await)
    }

    /// Downloads a delivery URL's output into `dest` when it is ready (written as `dest.partial`,
    /// renamed when whole); at most `cap` bytes, more is an error. Any other answer is returned
    /// as is and nothing is written.
    pub async fn fetch_delivery_to(&self, url: &str, dest: &Path, cap: u64) -> Result<DeliveryAnswer, RemoteError> {
        let (mut response, _, shown) = self.delivery_send(url).await?;
        let status = response.status().as_u16();
        if status != 200 {
            return Ok(Self::not_ready(response).await);
        }
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let part = dest.with_extension(format!(
            "{}partial",
            dest.extension().map(|e| format!("{}.", e.to_string_lossy())).unwrap_or_default()
        ));
        let local = |p: &Path, source: std::io::Error| RemoteError::LocalFile { path: p.to_owned(), source };
        let result = async {
            if let Some(parent) = part.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(|e| local(parent, e))?;
            }
            let mut out = tokio::fs::File::create(&part).await.map_err(|e| local(&part, e))?;
            let mut written = 0u64;
            loop {
                let chunk = tokio::time::timeout(self.timeouts.read, response.chunk())
                    .await
                    .map_err(|_| {
                        unreachable(&shown, format!("the download stopped for over {} s", self.timeouts.read.as_secs()))
                    })?
                    .map_err(|e| unreachable(&shown, error::from_transport(&e, 0, 0).to_string()))?;
                let Some(chunk) = chunk else { break };
                written += chunk.len() as u64;
                if written > cap {
                    return Err(RemoteError::InvalidResponse {
                        message: format!("{shown} is larger than {} MB", cap / 1_000_000),
                        request_id: None,
                    });
                }
                out.write_all(&chunk).await.map_err(|e| local(&part, e))?;
            }
            out.sync_all().await.map_err(|e| local(&part, e))?;
            drop(out);
            tokio::fs::rename(&part, dest).await.map_err(|e| local(dest, e))?;
            Ok(written)
        }
        .await;
        match result {
            Ok(bytes) => Ok(DeliveryAnswer::Ready { content_type, bytes }),
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::body_message;

    #[test]
    fn the_remotes_words_come_from_its_json_message_or_its_text() {
        assert_eq!(body_message(400, br#"{"message":"Invalid transformation","help":"x"}"#), "Invalid transformation");
        assert_eq!(body_message(401, b"  Unauthorized\n"), "Unauthorized");
        assert_eq!(body_message(500, b""), "the media library answered 500");
    }
}
