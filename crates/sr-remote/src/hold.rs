//! When an account may be called again: [`Backoff`] for transient failures, and the [`AccountGate`]
//! every caller of one account shares — closed while the remote is unreachable (until a probe
//! answers) and while a 429 holds the account (for exactly the reset the remote asked for).
//!
//! The upload queue holds one gate per account; sync is to share the same `Arc<AccountGate>`, so a
//! rate limit met by one holds the other too. Time comes in as Unix milliseconds (`now`), so these
//! rules need no clock of their own.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rand::Rng;

use crate::{Client, ListQuery, RemoteError};

/// Longest wait between two probes of an unreachable remote.
const LONGEST_PROBE_WAIT: Duration = Duration::from_secs(30);

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

/// What a probe of the remote found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Still unreachable; the next probe is due at this instant (Unix ms).
    Offline { next_probe_at: i64 },
    /// The remote answered: the account is online again.
    Online,
}

/// A 429's hold on the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    /// When the remote resets (Unix ms); nothing of the account starts before the gate's hold ends.
    pub until: i64,
    /// Up to how many milliseconds more each held caller waits (a tenth of the wait, at most a
    /// second), drawn by the caller, so the callers held together do not all hit the remote at the
    /// instant it resets.
    pub spread_ms: i64,
}

#[derive(Debug, Default)]
struct State {
    offline: bool,
    next_probe_at: i64,
    probe_failures: u32,
    /// A 429 holds every start of this account until then.
    hold_until: i64,
}

/// Whether one account may be called now: online, and not held by a 429. Share it (`Arc`) between
/// everything that calls the account.
#[derive(Debug)]
pub struct AccountGate {
    probe_interval: Duration,
    state: Mutex<State>,
}

impl AccountGate {
    /// An open gate; once offline, probes start `probe_interval` apart and double up to 30 s.
    pub fn new(probe_interval: Duration) -> Self {
        AccountGate { probe_interval, state: Mutex::default() }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a call may start at `now`: online and past any hold.
    pub fn is_open(&self, now: i64) -> bool {
        let s = self.state();
        !s.offline && now >= s.hold_until
    }

    pub fn is_offline(&self) -> bool {
        self.state().offline
    }

    /// Whether the account is offline and its next probe is due at `now`.
    pub fn probe_due(&self, now: i64) -> bool {
        let s = self.state();
        s.offline && now >= s.next_probe_at
    }

    /// A network error: the account is offline until a probe answers. Returns when the first probe is
    /// due if this call took the account offline (so it is reported once), `None` if it already was.
    pub fn go_offline(&self, now: i64) -> Option<i64> {
        let mut s = self.state();
        if s.offline {
            return None;
        }
        s.offline = true;
        s.probe_failures = 0;
        s.next_probe_at = now + self.probe_interval.as_millis() as i64;
        Some(s.next_probe_at)
    }

    /// A 429 asking to wait `wait` from `now`: the whole account waits exactly that (a longer hold
    /// already in place stays).
    pub fn hold(&self, now: i64, wait: Duration) -> Hold {
        let wait = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
        let until = now.saturating_add(wait);
        let mut s = self.state();
        s.hold_until = s.hold_until.max(until);
        Hold { until, spread_ms: (wait / 10).clamp(0, 1_000) }
    }

    /// Asks the remote for one file: any HTTP answer proves it is reachable; only a network error
    /// keeps the account offline. `now` is read when the answer came.
    pub async fn probe(&self, client: &Client, now: impl FnOnce() -> i64) -> Probe {
        let res = client.list_files(&ListQuery { limit: Some(1), ..ListQuery::default() }).await;
        self.probed(!matches!(res, Err(RemoteError::Network { .. })), now())
    }

    /// Records a probe's outcome: reachable opens the gate (a hold still applies); unreachable waits
    /// twice as long as last time before the next probe, at most 30 s.
    pub fn probed(&self, reachable: bool, now: i64) -> Probe {
        let mut s = self.state();
        if reachable {
            s.offline = false;
            s.probe_failures = 0;
            return Probe::Online;
        }
        s.probe_failures += 1;
        let wait = self.probe_interval.saturating_mul(1 << s.probe_failures.min(5)).min(LONGEST_PROBE_WAIT);
        s.next_probe_at = now + wait.as_millis() as i64;
        Probe::Offline { next_probe_at: s.next_probe_at }
    }
}

/// The one [`AccountGate`] of an account in this process: the upload queue and sync hold the
/// same account through it, so a 429 or an outage seen by one holds the other too. The first
/// caller's `probe_interval` is kept.
pub fn shared_gate(account: &str, probe_interval: Duration) -> std::sync::Arc<AccountGate> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static GATES: OnceLock<Mutex<HashMap<String, Arc<AccountGate>>>> = OnceLock::new();
    let mut gates = GATES.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    gates.entry(account.to_owned()).or_insert_with(|| Arc::new(AccountGate::new(probe_interval))).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_until_a_probe_answers_with_probes_further_apart_each_time() {
        let gate = AccountGate::new(Duration::from_secs(1));
        assert!(gate.is_open(0));
        assert_eq!(gate.go_offline(0), Some(1_000));
        assert_eq!(gate.go_offline(10), None, "reported once");
        assert!(!gate.is_open(5_000) && !gate.probe_due(999) && gate.probe_due(1_000));
        assert_eq!(gate.probed(false, 1_000), Probe::Offline { next_probe_at: 3_000 });
        assert_eq!(gate.probed(false, 3_000), Probe::Offline { next_probe_at: 7_000 });
        for _ in 0..10 {
            gate.probed(false, 0);
        }
        assert_eq!(gate.probed(false, 0), Probe::Offline { next_probe_at: 30_000 }, "at most 30 s apart");
        assert_eq!(gate.probed(true, 30_000), Probe::Online);
        assert!(gate.is_open(30_000));
    }

    #[test]
    fn one_gate_per_account_in_the_process() {
        let a = shared_gate("hold-test:a", Duration::from_secs(1));
        let again = shared_gate("hold-test:a", Duration::from_secs(9));
        let b = shared_gate("hold-test:b", Duration::from_secs(1));
        assert!(std::sync::Arc::ptr_eq(&a, &again), "the same account gets the same gate");
        assert!(!std::sync::Arc::ptr_eq(&a, &b), "another account gets its own");
        assert_eq!(again.probe_interval, Duration::from_secs(1), "the first caller's probe interval is kept");
        // A hold or an outage met through one handle is seen through the other.
        a.hold(0, Duration::from_secs(5));
        assert!(!again.is_open(4_999) && again.is_open(5_000));
        assert!(b.is_open(0), "other accounts are not held");
        again.go_offline(10_000);
        assert!(a.is_offline() && !b.is_offline());
    }

    #[test]
    fn a_rate_limit_holds_the_account_for_exactly_the_reset_and_spreads_by_a_tenth() {
        let gate = AccountGate::new(Duration::from_secs(1));
        assert_eq!(gate.hold(1_000, Duration::from_secs(5)), Hold { until: 6_000, spread_ms: 500 });
        assert!(!gate.is_open(5_999) && gate.is_open(6_000));
        // A shorter hold met later does not shorten the longer one; the spread is at most a second.
        assert_eq!(gate.hold(2_000, Duration::from_millis(100)), Hold { until: 2_100, spread_ms: 10 });
        assert!(!gate.is_open(5_999));
        assert_eq!(gate.hold(0, Duration::from_secs(60)).spread_ms, 1_000);
    }
}
