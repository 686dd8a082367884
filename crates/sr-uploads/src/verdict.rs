//! What a remote error means for a job: the crash protocol's decision (crate docs, step 3), as a
//! pure function of the error and a few facts about the attempt. The `attempt` module carries it out.
//!
//! The rule that matters most is `maybe_sent`: it is cleared only by an answer proving nothing was
//! stored (a connect failure or a body cut short, a 429, a 4xx), and kept by anything else met while
//! sending (a 5xx, a lost answer, an unknown error), so the job is looked up before it is re-sent.

use std::time::Duration;

use sr_library::JobSpec;
use sr_remote::RemoteError;

/// Where in its attempt the job met the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the attempt claimed the job (pre-flight, lookup): the job is in a runnable state and no
    /// byte of this attempt has left.
    Before,
    /// During the send: the job is `uploading` and bytes may have reached the remote.
    Sending,
}

/// What the decision needs to know besides the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    pub phase: Phase,
    /// The job's `maybe_sent` before this attempt: an earlier attempt may have stored it.
    pub maybe_sent: bool,
    /// Tries so far, this one included.
    pub attempts: u32,
    pub max_attempts: u32,
    /// Neither a unique name nor an overwrite: a second copy at the name is refused by the remote.
    pub deterministic_name: bool,
    /// The run is stopping (not a pause or cancel of this job).
    pub stopping: bool,
}

/// What happens to the job. Every variant but [`Verdict::Leave`] and [`Verdict::Reconcile`] says what
/// the job's `maybe_sent` becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A pause or cancel already wrote the job's state: leave it.
    Leave,
    /// The run is stopping: back to `queued` as it is; `maybe_sent` is added to what the queue holds.
    Requeue { maybe_sent: bool },
    /// The network is gone: the account goes offline, the job waits for it (after a backoff).
    WaitForNetwork { maybe_sent: bool },
    /// A 429: the whole account is held for `wait`, the job queued after it.
    HoldAccount { wait: Duration, maybe_sent: bool },
    /// A transient server failure: queued again after a backoff.
    Retry { maybe_sent: bool },
    /// The remote refused a second copy at our deterministic name: look it up first, adopt it if it is
    /// ours ([`name_taken`] and [`lookup_failed`] decide otherwise).
    Reconcile,
    /// Give up: the job fails with a reason and how to fix it.
    Fail { reason: String, fix: String, maybe_sent: bool },
}

/// The decision for `e` met by a job in the situation `f`.
pub fn verdict(e: &RemoteError, f: &Facts) -> Verdict {
    let sending = f.phase == Phase::Sending;
    let fail = |fix: &str, maybe_sent: bool| Verdict::Fail { reason: e.to_string(), fix: fix.into(), maybe_sent };
    match e {
        RemoteError::Cancelled if f.stopping => Verdict::Requeue { maybe_sent: f.maybe_sent || sending },
        RemoteError::Cancelled => Verdict::Leave,
        RemoteError::Network { maybe_delivered, .. } => {
            Verdict::WaitForNetwork { maybe_sent: if sending { *maybe_delivered } else { f.maybe_sent } }
        }
        // A 429 is an answer: nothing was stored by this request.
        RemoteError::RateLimited { retry_after, .. } => {
            Verdict::HoldAccount { wait: *retry_after, maybe_sent: if sending { false } else { f.maybe_sent } }
        }
        // The remote may have stored the file before failing: keep it marked for a lookup.
        RemoteError::Server { status, .. } if f.attempts >= f.max_attempts => Verdict::Fail {
            reason: format!("{e} (gave up after {} tries)", f.attempts),
            fix: format!("The media library keeps failing (HTTP {status}). Retry later."),
            maybe_sent: sending || f.maybe_sent,
        },
        RemoteError::Server { .. } => Verdict::Retry { maybe_sent: sending || f.maybe_sent },
        RemoteError::Validation { message, .. }
            if sending && f.deterministic_name && message.contains("already exists") =>
        {
            Verdict::Reconcile
        }
        RemoteError::Authentication { .. } => fail(
            "Check the account's keys (Settings, or `stockroom remote use`), then retry.",
            f.maybe_sent && !sending,
        ),
        RemoteError::LocalFile { .. } => fail(
            "Put the file back where it was (or import it from its new place), then retry.",
            f.maybe_sent && !sending,
        ),
        RemoteError::Validation { .. } => fail(
            "Change the job's name, folder, tags, metadata or transformations, then queue it again.",
            f.maybe_sent && !sending,
        ),
        _ => fail("Retry; if it keeps failing, contact support with this message.", f.maybe_sent || sending),
    }
}

/// After [`Verdict::Reconcile`]: the lookup found no copy of ours, so a different file has the name.
pub fn name_taken(spec: &JobSpec) -> Verdict {
    Verdict::Fail {
        reason: format!("A different file called {} already exists in {}.", spec.file_name, spec.folder),
        fix: "Rename the file, choose a unique name, or allow overwriting, then queue it again.".into(),
        maybe_sent: false,
    }
}

/// After [`Verdict::Reconcile`]: the lookup itself failed; try again later, still marked for a lookup.
pub fn lookup_failed(e: &RemoteError) -> Verdict {
    match e {
        RemoteError::Network { .. } => Verdict::WaitForNetwork { maybe_sent: true },
        _ => Verdict::Retry { maybe_sent: true },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: Phase = Phase::Before;
    const SENDING: Phase = Phase::Sending;

    fn facts(phase: Phase, maybe_sent: bool) -> Facts {
        Facts { phase, maybe_sent, attempts: 1, max_attempts: 3, deterministic_name: true, stopping: false }
    }

    fn network(maybe_delivered: bool) -> RemoteError {
        RemoteError::Network { message: "reset".into(), sent_bytes: 10, maybe_delivered }
    }
    fn server() -> RemoteError {
        RemoteError::Server { status: 503, message: "busy".into(), request_id: None }
    }
    fn validation(message: &str) -> RemoteError {
        RemoteError::Validation { message: message.into(), errors: None, request_id: None }
    }
    fn rate_limited() -> RemoteError {
        RemoteError::RateLimited { retry_after: Duration::from_secs(2), request_id: None }
    }
    fn auth() -> RemoteError {
        RemoteError::Authentication { message: "bad key".into(), request_id: None }
    }
    fn local_file() -> RemoteError {
        RemoteError::LocalFile { path: "/gone.jpg".into(), source: std::io::Error::other("gone") }
    }
    fn odd_answer() -> RemoteError {
        RemoteError::InvalidResponse { message: "not json".into(), request_id: None }
    }

    /// The kind of decision and the `maybe_sent` it leaves (`None`: the decision writes none).
    fn shape(v: &Verdict) -> (&'static str, Option<bool>) {
        match v {
            Verdict::Leave => ("leave", None),
            Verdict::Requeue { maybe_sent } => ("requeue", Some(*maybe_sent)),
            Verdict::WaitForNetwork { maybe_sent } => ("wait for network", Some(*maybe_sent)),
            Verdict::HoldAccount { maybe_sent, .. } => ("hold account", Some(*maybe_sent)),
            Verdict::Retry { maybe_sent } => ("retry after backoff", Some(*maybe_sent)),
            Verdict::Reconcile => ("reconcile first", None),
            Verdict::Fail { maybe_sent, .. } => ("fail", Some(*maybe_sent)),
        }
    }

    #[test]
    fn the_crash_protocol_for_each_error_and_whether_bytes_may_have_arrived() {
        // (error, phase, maybe_sent before, decision, maybe_sent after)
        let table: Vec<(RemoteError, Phase, bool, &str, Option<bool>)> = vec![
            // A connect failure or a body cut short proves nothing arrived; a lost answer does not.
            (network(false), SENDING, true, "wait for network", Some(false)),
            (network(true), SENDING, false, "wait for network", Some(true)),
            // Before sending, an earlier attempt's mark stays as it was.
            (network(false), BEFORE, true, "wait for network", Some(true)),
            (network(true), BEFORE, false, "wait for network", Some(false)),
            // A 429 is an answer: this request stored nothing.
            (rate_limited(), SENDING, true, "hold account", Some(false)),
            (rate_limited(), BEFORE, true, "hold account", Some(true)),
            (rate_limited(), BEFORE, false, "hold account", Some(false)),
            // A 5xx may have stored the file first.
            (server(), SENDING, false, "retry after backoff", Some(true)),
            (server(), BEFORE, false, "retry after backoff", Some(false)),
            (server(), BEFORE, true, "retry after backoff", Some(true)),
            // Our deterministic name refused while sending: perhaps our own earlier copy.
            (validation("A file with the same name already exists"), SENDING, false, "reconcile first", None),
            (validation("A file with the same name already exists"), BEFORE, true, "fail", Some(true)),
            // A 4xx refusal of this request stored nothing of it.
            (validation("bad folder"), SENDING, true, "fail", Some(false)),
            (validation("bad folder"), BEFORE, true, "fail", Some(true)),
            (auth(), SENDING, true, "fail", Some(false)),
            (auth(), BEFORE, true, "fail", Some(true)),
            (auth(), BEFORE, false, "fail", Some(false)),
            (local_file(), SENDING, true, "fail", Some(false)),
            (local_file(), BEFORE, true, "fail", Some(true)),
            // Anything unknown while sending may have stored the file.
            (odd_answer(), SENDING, false, "fail", Some(true)),
            (odd_answer(), BEFORE, false, "fail", Some(false)),
            (odd_answer(), BEFORE, true, "fail", Some(true)),
            // A pause or cancel wrote the state already.
            (RemoteError::Cancelled, SENDING, true, "leave", None),
            (RemoteError::Cancelled, BEFORE, false, "leave", None),
        ];
        for (e, phase, maybe_sent, decision, after) in table {
            let v = verdict(&e, &facts(phase, maybe_sent));
            assert_eq!(shape(&v), (decision, after), "{e:?} {phase:?} maybe_sent={maybe_sent}: {v:?}");
        }
    }

    #[test]
    fn a_stopping_run_puts_the_job_back_marked_if_it_was_sending() {
        let stop =
            |phase, maybe_sent| verdict(&RemoteError::Cancelled, &Facts { stopping: true, ..facts(phase, maybe_sent) });
        assert_eq!(stop(SENDING, false), Verdict::Requeue { maybe_sent: true });
        assert_eq!(stop(BEFORE, false), Verdict::Requeue { maybe_sent: false });
        assert_eq!(stop(BEFORE, true), Verdict::Requeue { maybe_sent: true });
    }

    #[test]
    fn a_rate_limit_holds_for_what_the_remote_asked() {
        let v = verdict(&rate_limited(), &facts(SENDING, false));
        assert_eq!(v, Verdict::HoldAccount { wait: Duration::from_secs(2), maybe_sent: false });
    }

    #[test]
    fn server_errors_fail_the_job_after_the_last_try_and_say_so() {
        let last = Facts { attempts: 3, ..facts(SENDING, false) };
        match verdict(&server(), &last) {
            Verdict::Fail { reason, fix, maybe_sent: true } => {
                assert!(reason.ends_with("(gave up after 3 tries)"), "{reason}");
                assert!(fix.contains("HTTP 503"), "{fix}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_unique_name_or_an_overwrite_is_never_looked_up_on_already_exists() {
        let e = validation("A file with the same name already exists");
        let v = verdict(&e, &Facts { deterministic_name: false, ..facts(SENDING, false) });
        assert_eq!(shape(&v), ("fail", Some(false)));
    }

    #[test]
    fn after_the_lookup_a_failed_one_retries_still_marked_and_none_found_fails_the_name() {
        assert_eq!(lookup_failed(&network(false)), Verdict::WaitForNetwork { maybe_sent: true });
        assert_eq!(lookup_failed(&server()), Verdict::Retry { maybe_sent: true });
        let spec = JobSpec { file_name: "dress.jpg".into(), folder: "/summer/".into(), ..JobSpec::default() };
        match name_taken(&spec) {
            Verdict::Fail { reason, maybe_sent: false, .. } => {
                assert_eq!(reason, "A different file called dress.jpg already exists in /summer/.")
            }
            other => panic!("{other:?}"),
        }
    }
}
