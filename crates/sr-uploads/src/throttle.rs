//! The upload bandwidth limit: a token bucket charged by the streamed body.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `rate` bytes per second, bursts up to `burst` bytes. Shared by every upload of a run, so the limit
/// applies to the total.
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub fn new(bytes_per_sec: u64) -> Self {
        let rate = bytes_per_sec.max(1) as f64;
        // One second of budget, at least one body chunk, so a chunk never waits for more than the bucket holds.
        let burst = rate.max(256.0 * 1024.0);
        TokenBucket { rate, burst, state: Mutex::new((burst, Instant::now())) }
    }

    pub fn bytes_per_sec(&self) -> u64 {
        self.rate as u64
    }

    /// Takes `n` bytes from the bucket; returns how long the caller must wait before sending more
    /// (zero when within budget). The debt is recorded, so waiting that long restores the rate.
    pub fn take(&self, n: u64) -> Duration {
        let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (tokens, last) = *g;
        let refilled = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
        let left = refilled - n as f64;
        *g = (left, now);
        if left >= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(-left / self.rate) }
    }
}
