//! Retrying idempotent management calls: exponential backoff with jitter, honouring the remote's
//! rate-limit wait. Uploads are never retried here (the upload queue decides).

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use crate::RemoteError;

/// How hard [`with_retry`] tries.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: usize,
    /// First backoff delay; doubles each retry, with jitter.
    pub min_delay: Duration,
    /// Longest backoff delay.
    pub max_delay: Duration,
    /// A rate limit asking to wait longer than this is returned to the caller instead of slept through.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

/// Runs `op` until it succeeds, fails with a non-retryable error (see [`RemoteError::is_retryable`]; a
/// 409 conflict is never retried), or the policy is exhausted. After a 429 it waits exactly what the
/// remote asked for (`X-RateLimit-Reset` / `Retry-After`) instead of the backoff delay.
///
/// Only for idempotent calls (reads, deletes by id, updates that set absolute values).
pub async fn with_retry<T, F, Fut>(policy: &RetryPolicy, op: F) -> Result<T, RemoteError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RemoteError>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.max_retries)
        .with_jitter();
    let cap = policy.max_rate_limit_wait;
    op.retry(backoff)
        .when(|e: &RemoteError| e.is_retryable() && e.retry_after().is_none_or(|wait| wait <= cap))
        .adjust(|e: &RemoteError, delay| delay.map(|d| e.retry_after().unwrap_or(d)))
        .notify(|e: &RemoteError, delay| tracing::debug!(error = %e, ?delay, "retrying remote call"))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            max_rate_limit_wait: Duration::from_secs(1),
        }
    }

    #[tokio::test]
    async fn retries_transient_errors_until_success() {
        let calls = AtomicUsize::new(0);
        let out = with_retry(&fast(), || async {
            match calls.fetch_add(1, Ordering::SeqCst) {
                0 => Err(RemoteError::Server { status: 503, message: "busy".into(), request_id: None }),
                1 => Err(RemoteError::RateLimited { retry_after: Duration::from_millis(5), request_id: None }),
                _ => Ok(42),
            }
        })
        .await
        .unwrap();
        assert_eq!(out, 42);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn never_retries_a_conflict() {
        let calls = AtomicUsize::new(0);
        let err = with_retry(&fast(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(RemoteError::Conflict { message: "exists".into(), request_id: None })
        })
        .await
        .unwrap_err();
        assert!(matches!(err, RemoteError::Conflict { .. }));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn gives_up_after_max_retries_and_on_long_rate_limits() {
        let calls = AtomicUsize::new(0);
        let err = with_retry(&fast(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(RemoteError::Network { message: "reset".into(), sent_bytes: 0, maybe_delivered: false })
        })
        .await
        .unwrap_err();
        assert!(matches!(err, RemoteError::Network { .. }));
        assert_eq!(calls.load(Ordering::SeqCst), 4);

        let calls = AtomicUsize::new(0);
        let err = with_retry(&fast(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(RemoteError::RateLimited { retry_after: Duration::from_secs(900), request_id: None })
        })
        .await
        .unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(900)));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
