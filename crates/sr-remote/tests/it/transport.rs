//! Transport hardening against a hand-written hostile server: redirects are not followed on API calls,
//! and a body that never ends is cut off instead of filling memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream;
use sr_remote::*;

/// Serves `app` on 127.0.0.1 and returns its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn client(base: &str) -> Client {
    Client::new(RemoteConfig::new(base, base, "https://ik.imagekit.io/demo", RemoteAuth::PrivateKey(Secret::new("k"))))
        .unwrap()
}

/// An endless body of `status`: 64 KiB chunks forever.
fn endless(status: StatusCode) -> Response {
    let chunks = stream::repeat_with(|| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 64 * 1024])));
    (status, Body::from_stream(chunks)).into_response()
}

#[tokio::test]
async fn an_api_call_does_not_follow_a_redirect_with_the_key() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let app = axum::Router::new()
        .route(
            "/v1/files/abc/details",
            get(|| async { (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, "/elsewhere")]).into_response() }),
        )
        .route(
            "/elsewhere",
            get(move || async move {
                h.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }),
        );
    let base = serve(app).await;
    let err = client(&base).get_file_details("abc").await.unwrap_err();
    assert!(matches!(err, RemoteError::UnexpectedStatus { status: 307, .. }), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the key was sent on to the redirect target");
}

#[tokio::test]
async fn an_endless_error_body_is_cut_off() {
    let app = axum::Router::new().route("/v1/files", get(|| async { endless(StatusCode::INTERNAL_SERVER_ERROR) }));
    let base = serve(app).await;
    let err = tokio::time::timeout(Duration::from_secs(5), client(&base).list_files(&ListQuery::default()))
        .await
        .expect("the client kept reading an endless error body")
        .unwrap_err();
    assert!(matches!(err, RemoteError::Server { status: 500, .. }), "{err:?}");
}

#[tokio::test]
async fn an_endless_success_body_is_refused_as_too_large() {
    let app = axum::Router::new().route("/v1/files", get(|| async { endless(StatusCode::OK) }));
    let base = serve(app).await;
    let err = tokio::time::timeout(Duration::from_secs(5), client(&base).list_files(&ListQuery::default()))
        .await
        .expect("the client kept reading an endless answer")
        .unwrap_err();
    match err {
        RemoteError::InvalidResponse { message, .. } => assert!(message.contains("too large"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_download_longer_than_expected_is_not_ours_and_stops_early() {
    let app = axum::Router::new().route("/f.mp4", get(|| async { endless(StatusCode::OK) }));
    let base = serve(app).await;
    let got = tokio::time::timeout(
        Duration::from_secs(5),
        client(&base).hash_download(&format!("{base}/f.mp4"), 10, Duration::from_secs(5), None),
    )
    .await
    .expect("kept downloading past the expected size")
    .unwrap();
    assert_eq!(got, None);
}

#[tokio::test]
async fn a_download_error_never_shows_the_signed_query_string() {
    let base = serve(axum::Router::new()).await;
    // Nothing listens on port 9: the connection is refused.
    let url = "http://127.0.0.1:9/private/f.mp4?ik-t=1700000000&ik-s=secret_signature";
    let err = client(&base).hash_download(url, 10, Duration::from_secs(5), None).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("ik-s") && !shown.contains("secret_signature"), "{shown}");
    assert!(matches!(err, RemoteError::Network { .. }), "{err:?}");
}

#[tokio::test]
async fn a_silent_download_is_cancelled_promptly() {
    let app = axum::Router::new().route(
        "/f.mp4",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK
        }),
    );
    let base = serve(app).await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = tokio::time::timeout(
        Duration::from_secs(5),
        client(&base).hash_download(&format!("{base}/f.mp4"), 10, Duration::from_secs(60), Some(cancel)),
    )
    .await
    .expect("the cancel token was ignored")
    .unwrap_err();
    assert!(matches!(err, RemoteError::Cancelled), "{err:?}");
}
