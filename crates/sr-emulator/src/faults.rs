//! Fault injection, per endpoint, driven from Rust ([`Faults`]) or over HTTP (`/_emulator/faults`).
//!
//! A rule matches an endpoint (or `*`), fires for the next `times` matching requests (unlimited when
//! absent) with `probability` (default 1; drawn from an RNG seeded by `seed`, so runs are repeatable),
//! and performs one action. Several rules may fire on one request: latency first, then stall, then
//! an error status, then the connection resets.

use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Wait `ms` before handling the request.
    Latency { ms: u64 },
    /// Accept the request, never answer; after `ms` close the connection.
    Stall { ms: u64 },
    /// Answer with this status (500, 502, 503, 504 ...) and the remote's error body.
    Status { status: u16 },
    /// Answer 429 with `Retry-After` and the rate-limit headers, `reset_ms` to wait (default 1000).
    RateLimit {
        #[serde(default = "default_reset_ms")]
        reset_ms: u64,
    },
    /// Close the connection after reading `after_bytes` of the request body.
    ResetRequest { after_bytes: u64 },
    /// Close the connection after sending `after_bytes` of the response body.
    ResetResponse { after_bytes: u64 },
}

fn default_reset_ms() -> u64 {
    1000
}

/// One fault rule. JSON: `{"endpoint":"upload","times":2,"probability":0.5,"seed":7,
/// "action":{"kind":"status","status":503}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Endpoint name (`upload`, `list`, `details`, `update`, `delete`, `bulk_delete`, `copy`, `move`,
    /// `rename`, `tags`, `versions`, `metadata`, `purge`, `folders`, `bulk_jobs`,
    /// `custom_metadata_fields`, `delivery`) or `*` for all of them.
    pub endpoint: String,
    pub action: FaultAction,
    /// Fire for the next N matching requests only; `None` = until removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Chance to fire on each matching request; `None` = always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Seed for the probability draws (deterministic runs). Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl FaultRule {
    pub fn new(endpoint: &str, action: FaultAction) -> Self {
        FaultRule { endpoint: endpoint.to_string(), action, times: None, probability: None, seed: None }
    }
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
    pub fn probability(mut self, p: f64, seed: u64) -> Self {
        self.probability = Some(p);
        self.seed = Some(seed);
        self
    }
}

/// An installed rule as listed by [`Faults::list`] / `GET /_emulator/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstalledFault {
    pub id: u64,
    #[serde(flatten)]
    pub rule: FaultRule,
    /// How many requests it fired on so far.
    pub fired: u64,
}

struct Slot {
    id: u64,
    rule: FaultRule,
    rng: StdRng,
    fired: u64,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    slots: Vec<Slot>,
    first_poll_pending: bool,
}

/// Cheap-to-clone handle on the running emulator's fault rules.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<Inner>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Installs a rule; returns its id.
    pub fn add(&self, rule: FaultRule) -> u64 {
        let mut g = self.lock();
        g.next_id += 1;
        let id = g.next_id;
        let rng = StdRng::seed_from_u64(rule.seed.unwrap_or(0));
        g.slots.push(Slot { id, rule, rng, fired: 0 });
        id
    }

    /// Removes one rule; false when no such rule exists.
    pub fn remove(&self, id: u64) -> bool {
        let mut g = self.lock();
        let before = g.slots.len();
        g.slots.retain(|s| s.id != id);
        g.slots.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().slots.clear();
    }

    pub fn list(&self) -> Vec<InstalledFault> {
        self.lock().slots.iter().map(|s| InstalledFault { id: s.id, rule: s.rule.clone(), fired: s.fired }).collect()
    }

    /// When true, folder bulk jobs and purge requests report `Pending` on their first status poll.
    pub fn set_first_poll_pending(&self, on: bool) {
        self.lock().first_poll_pending = on;
    }

    pub fn first_poll_pending(&self) -> bool {
        self.lock().first_poll_pending
    }

    /// Decides which actions apply to one request to `endpoint`, consuming `times` budgets.
    pub(crate) fn draw(&self, endpoint: &str) -> Vec<FaultAction> {
        let mut g = self.lock();
        let mut out = Vec::new();
        for s in g.slots.iter_mut() {
            if s.rule.endpoint != "*" && s.rule.endpoint != endpoint {
                continue;
            }
            if s.rule.times == Some(0) {
                continue;
            }
            if let Some(p) = s.rule.probability
                && s.rng.random::<f64>() >= p
            {
                continue;
            }
            if let Some(t) = s.rule.times.as_mut() {
                *t -= 1;
            }
            s.fired += 1;
            out.push(s.rule.action.clone());
        }
        g.slots.retain(|s| s.rule.times != Some(0));
        out
    }
}
