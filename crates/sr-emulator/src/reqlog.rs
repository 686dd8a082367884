//! The bounded in-process log of the requests an emulator answered, for tests: a harness checks
//! with it that no operation reached the remote twice. Not served over HTTP.
//!
//! A request is logged once its route has run (whatever it answered, even if the answer is then cut
//! by a fault or never read), or when the gate refused it (429, an injected status). One whose
//! connection went before the route ran (an injected stall, a client killed mid-body) changed
//! nothing and is not logged. So "2xx in the log" is "applied".

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// How many requests the log keeps; older ones are dropped first.
pub const REQUEST_LOG_CAPACITY: usize = 50_000;

/// One answered request.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// Increases by one per logged request since the emulator started (a clear does not reset it).
    pub seq: u64,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as routed (a trailing slash of `/v1/...` removed), e.g. `/v1/files/addTags`.
    pub path: String,
    /// The query string's pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The JSON body of a management request (`Null` when empty; a body that is not JSON is kept
    /// as a string); for an upload, its form fields as strings (`fileName`, `folder`, `tags`, ...;
    /// not the file, nor the signature, token and expiry); `Null` for delivery.
    pub body: Value,
    /// The status answered (429 and injected faults included).
    pub status: u16,
    /// The `x-ik-requestId` answered.
    pub request_id: String,
}

impl LoggedRequest {
    /// The last value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// Whether the remote accepted it (2xx).
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A route's own account of a body the log does not read (an upload's form fields), left in the
/// response's extensions.
#[derive(Debug, Clone)]
pub struct LoggedBody(pub Value);

#[derive(Debug, Default)]
struct Ring {
    next_seq: u64,
    items: VecDeque<LoggedRequest>,
}

/// Shared, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct RequestLog(Arc<Mutex<Ring>>);

impl RequestLog {
    fn ring(&self) -> std::sync::MutexGuard<'_, Ring> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Appends `entry` (its `seq` is assigned here).
    pub fn push(&self, mut entry: LoggedRequest) {
        let mut r = self.ring();
        r.next_seq += 1;
        entry.seq = r.next_seq;
        if r.items.len() >= REQUEST_LOG_CAPACITY {
            r.items.pop_front();
        }
        r.items.push_back(entry);
    }
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.ring().items.iter().cloned().collect()
    }
    pub fn clear(&self) {
        self.ring().items.clear();
    }
}
