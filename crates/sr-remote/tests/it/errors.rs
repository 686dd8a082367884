//! Error paths of management calls: wrong key, rate limits, 5xx, resets, stalls, a dead server.

use std::time::Duration;

use sr_emulator::{FaultAction, FaultRule, RateLimits};
use sr_remote::*;

use crate::support::{PRIVATE_KEY, env, env_with, put};

fn fast_retry() -> RetryPolicy {
    RetryPolicy { min_delay: Duration::from_millis(10), max_delay: Duration::from_millis(50), ..RetryPolicy::default() }
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_plain_words_and_a_request_id() {
    let env = env().await;
    let client = env.client_with_key("private_not_this_one");
    let err = client.list_files(&ListQuery::default()).await.unwrap_err();
    assert!(matches!(err, RemoteError::Authentication { .. }), "{err:?}");
    assert!(err.to_string().starts_with("The media library rejected the key:"), "{err}");
    assert!(err.to_string().ends_with("Check your private key in Settings."), "{err}");
    assert!(err.request_id().is_some_and(|id| !id.is_empty()));
    assert!(!err.is_retryable());
    // with_retry gives up at once on an authentication error.
    let q = ListQuery::default();
    let err = with_retry(&fast_retry(), || client.list_files(&q)).await.unwrap_err();
    assert!(matches!(err, RemoteError::Authentication { .. }));
    let printed = format!("{err} {err:?} {client:?}");
    assert!(!printed.contains("private_not_this_one") && !printed.contains(PRIVATE_KEY), "{printed}");
    env.shutdown().await;
}

#[tokio::test]
async fn a_real_rate_limit_reports_the_reset_in_milliseconds_and_retry_waits_it_out() {
    let env = env_with(|mut c| {
        c.rate_limits = RateLimits::default().with("details", 1, 400);
        c
    })
    .await;
    let c = &env.client;
    let up = put(c, "/", "r.bin", b"r").await;
    c.get_file_details(&up.file_id).await.unwrap();
    let err = c.get_file_details(&up.file_id).await.unwrap_err();
    let wait = err.retry_after().expect("a 429 says how long to wait");
    assert!(matches!(err, RemoteError::RateLimited { .. }), "{err:?}");
    assert!(wait > Duration::ZERO && wait <= Duration::from_millis(400), "X-RateLimit-Reset is ms: {wait:?}");
    assert!(err.is_retryable());
    let file = with_retry(&fast_retry(), || c.get_file_details(&up.file_id)).await.unwrap();
    assert_eq!(file.file_id, up.file_id);
    env.shutdown().await;
}

#[tokio::test]
async fn an_injected_rate_limit_carries_its_reset() {
    let env = env().await;
    env.emu.faults().add(FaultRule::new("list", FaultAction::RateLimit { reset_ms: 250 }).times(1));
    let err = env.client.list_files(&ListQuery::default()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_millis(250)));
    assert!(err.to_string().contains("slow down"), "{err}");
    // list_all retries pages on its own.
    env.emu.faults().add(FaultRule::new("list", FaultAction::RateLimit { reset_ms: 50 }).times(1));
    assert!(env.client.list_all(&ListQuery::default()).await.unwrap().is_empty());
    env.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_by_the_helper() {
    let env = env().await;
    let faults = env.emu.faults();
    faults.add(FaultRule::new("list", FaultAction::Status { status: 502 }).times(2));
    let err = env.client.list_files(&ListQuery::default()).await.unwrap_err();
    assert!(matches!(err, RemoteError::Server { status: 502, .. }), "{err:?}");
    assert!(err.request_id().is_some());
    let q = ListQuery::default();
    let items = with_retry(&fast_retry(), || env.client.list_files(&q)).await.unwrap();
    assert!(items.is_empty());
    assert!(faults.list().is_empty(), "both faults were consumed");
    env.shutdown().await;
}

#[tokio::test]
async fn a_reset_while_the_answer_streams_may_have_been_delivered() {
    let env = env().await;
    let up = put(&env.client, "/", "x.bin", b"x").await;
    env.emu.faults().add(FaultRule::new("details", FaultAction::ResetResponse { after_bytes: 10 }).times(1));
    let err = env.client.get_file_details(&up.file_id).await.unwrap_err();
    match &err {
        RemoteError::Network { maybe_delivered, .. } => assert!(maybe_delivered),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("Could not reach the media library"), "{err}");
    env.shutdown().await;
}

#[tokio::test]
async fn a_silent_server_hits_the_read_timeout() {
    let env = env().await;
    env.emu.faults().add(FaultRule::new("list", FaultAction::Stall { ms: 5_000 }).times(1));
    let client = Client::with_timeouts(
        env.config(RemoteAuth::PrivateKey(Secret::new(PRIVATE_KEY))),
        Timeouts { connect: Duration::from_secs(5), read: Duration::from_millis(300), ..Timeouts::default() },
    )
    .unwrap();
    let err = client.list_files(&ListQuery::default()).await.unwrap_err();
    match &err {
        RemoteError::Network { message, maybe_delivered, .. } => {
            assert!(message.contains("timed out"), "{message}");
            assert!(maybe_delivered, "the request went out; only the answer is missing");
        }
        other => panic!("{other:?}"),
    }
    env.shutdown().await;
}

#[tokio::test]
async fn a_dead_server_is_a_network_error_that_never_delivered() {
    let env = env().await;
    let config = env.config(RemoteAuth::PrivateKey(Secret::new(PRIVATE_KEY)));
    env.shutdown().await;
    let client = Client::new(config).unwrap();
    let err = client.list_files(&ListQuery::default()).await.unwrap_err();
    match &err {
        RemoteError::Network { maybe_delivered, sent_bytes, .. } => {
            assert!(!maybe_delivered);
            assert_eq!(*sent_bytes, 0);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    let err = client
        .upload(UploadRequest::new(UploadSource::Bytes(b"x".to_vec().into()), "x.bin"), |_| {}, None)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Network { maybe_delivered: false, .. }), "{err:?}");
}
