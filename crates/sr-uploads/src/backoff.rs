//! Exponential backoff with jitter for network errors and 5xx.

use std::time::Duration;

use rand::Rng;

/// `delay(n) = min(max, base · 2^(n-1)) · U[1 - jitter, 1]` for the n-th consecutive failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    /// Fraction of the delay that is randomised away (0 = none, 0.5 = up to half shorter).
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_secs(1), max: Duration::from_secs(300), jitter: 0.5 }
    }
}

impl Backoff {
    /// The ceiling for failure number `attempt` (1-based), before jitter.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        self.base.saturating_mul(1u32 << exp).min(self.max)
    }

    /// The delay for failure number `attempt` (1-based), jittered with `rng`.
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(attempt);
        let jitter = self.jitter.clamp(0.0, 1.0);
        let factor = if jitter > 0.0 { rng.random_range((1.0 - jitter)..=1.0) } else { 1.0 };
        ceiling.mul_f64(factor)
    }
}
