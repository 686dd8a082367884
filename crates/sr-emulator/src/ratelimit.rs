//! Per-endpoint token buckets (spec §1.6): `limit` tokens, refilled at `limit / interval_ms`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::{Bucket, RateLimits};

pub struct RateLimiter {
    limits: RateLimits,
    state: Mutex<HashMap<String, (f64, Instant)>>,
}

/// The outcome for one request: what to put in the `X-RateLimit-*` headers.
pub struct Verdict {
    pub allowed: bool,
    pub bucket: Bucket,
    /// Milliseconds until a request would be allowed again (0 when a token is available).
    pub reset_ms: u64,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter { limits, state: Mutex::new(HashMap::new()) }
    }

    /// `consume = false` only reports (for upload, which is never limited).
    pub fn check(&self, endpoint: &str, consume: bool) -> Verdict {
        let bucket = self.limits.bucket_for(endpoint);
        let cap = bucket.limit.max(1) as f64;
        let per_ms = cap / bucket.interval_ms.max(1) as f64;
        let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let entry = g.entry(endpoint.to_string()).or_insert((cap, now));
        let elapsed = now.duration_since(entry.1).as_secs_f64() * 1000.0;
        entry.0 = (entry.0 + elapsed * per_ms).min(cap);
        entry.1 = now;
        if !consume {
            return Verdict { allowed: true, bucket, reset_ms: 0 };
        }
        if entry.0 >= 1.0 {
            entry.0 -= 1.0;
            let reset_ms = if entry.0 >= 1.0 { 0 } else { ((1.0 - entry.0) / per_ms).ceil() as u64 };
            Verdict { allowed: true, bucket, reset_ms }
        } else {
            let reset_ms = ((1.0 - entry.0) / per_ms).ceil().max(1.0) as u64;
            Verdict { allowed: false, bucket, reset_ms }
        }
    }
}
