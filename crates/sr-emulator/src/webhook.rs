//! Webhook events (spec §11) POSTed to the configured URL, signed with BOTH schemes so either
//! verifier works: the legacy `x-ik-signature: t=<unix-ms>,v1=<hex HMAC-SHA256(secret, "t.body")>`
//! (§11.2) and Standard Webhooks (§11.3: `webhook-id`, `webhook-timestamp` in seconds,
//! `webhook-signature: v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`, the key being the secret's
//! UTF-8 bytes, `whsec_` included: what the official SDK's `toBase64(secret)` decodes back to).
//!
//! One attempt per event, in the background, 10 s at most; a receiver that is down misses it (the
//! remote's retry policy is not in the spec). The last [`SENT_CAPACITY`] events are kept for tests
//! ([`crate::EmulatorHandle::webhook_events`]).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// How many sent events [`Webhooks::sent`] remembers.
pub const SENT_CAPACITY: usize = 200;

/// One event as sent: its JSON body and what the receiver answered (`None`: not reached).
#[derive(Debug, Clone, PartialEq)]
pub struct SentWebhook {
    pub event: Value,
    pub status: Option<u16>,
}

pub struct Webhooks {
    url: Option<String>,
    secret: String,
    http: reqwest::Client,
    sent: Mutex<VecDeque<SentWebhook>>,
}

/// `v1,<base64>` of the Standard Webhooks scheme.
pub fn standard_signature(secret: &str, id: &str, timestamp_s: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(format!("{id}.{timestamp_s}.").as_bytes());
    mac.update(body);
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// A v4-shaped random UUID (the events' `id`).
pub fn uuid() -> String {
    let a = crate::store::new_id();
    let b = crate::store::new_id();
    format!("{}-{}-4{}-a{}-{}{}", &a[0..8], &a[8..12], &a[13..16], &a[17..20], &a[20..24], &b[0..8])
}

impl Webhooks {
    pub fn new(url: Option<String>, secret: String) -> Webhooks {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Webhooks { url: url.filter(|u| !u.trim().is_empty()), secret, http, sent: Mutex::new(VecDeque::new()) }
    }

    /// The events sent so far, oldest first.
    pub fn sent(&self) -> Vec<SentWebhook> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    fn remember(&self, w: SentWebhook) {
        let mut q = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() >= SENT_CAPACITY {
            q.pop_front();
        }
        q.push_back(w);
    }

    /// Builds the event `{type, id, created_at, request, data}` (plus `extra` top-level fields such as
    /// `timings`) and sends it in the background. Nothing happens without a configured URL.
    pub fn send(self: &std::sync::Arc<Self>, kind: &str, request: Value, data: Value, extra: Option<(&str, Value)>) {
        let Some(url) = self.url.clone() else { return };
        let id = uuid();
        let mut event = json!({
            "type": kind, "id": id, "created_at": crate::store::now_iso(), "request": request, "data": data,
        });
        if let (Some((k, v)), Some(obj)) = (extra, event.as_object_mut()) {
            obj.insert(k.to_string(), v);
        }
        let body = event.to_string().into_bytes();
        let now = chrono::Utc::now();
        let (ms, s) = (now.timestamp_millis(), now.timestamp());
        let legacy = sr_imagekit::signing::webhook_signature_header(&self.secret, ms, &body);
        let standard = standard_signature(&self.secret, &id, s, &body);
        let me = self.clone();
        tokio::spawn(async move {
            let res = me
                .http
                .post(&url)
                .header("content-type", "application/json")
                .header("x-ik-signature", legacy)
                .header("webhook-id", &id)
                .header("webhook-timestamp", s.to_string())
                .header("webhook-signature", standard)
                .body(body)
                .send()
                .await;
            let status = match res {
                Ok(r) => Some(r.status().as_u16()),
                Err(e) => {
                    tracing::warn!("webhook {kind} not delivered: {e}", kind = event["type"]);
                    None
                }
            };
            me.remember(SentWebhook { event, status });
        });
    }
}
