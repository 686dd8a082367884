//! Client-side uploads: a fresh `{token, expire, signature}` from the organisation's auth endpoint per
//! attempt. The endpoint is served here with axum, signing with the account's private key.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};
use sr_remote::*;

use crate::support::{PRIVATE_KEY, PUBLIC_KEY, env};

#[derive(Clone, Copy)]
enum Mode {
    Fresh,
    /// Signs only for `Authorization: Bearer door-key-7`.
    NeedsBearer,
    SameTokenEveryTime,
    Expired,
    Refuse,
}

#[derive(Clone)]
struct AuthServer {
    mode: Mode,
    calls: Arc<AtomicUsize>,
}

async fn sign(State(s): State<AuthServer>, headers: axum::http::HeaderMap) -> Result<Json<Value>, StatusCode> {
    let n = s.calls.fetch_add(1, Ordering::SeqCst);
    if matches!(s.mode, Mode::NeedsBearer)
        && headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer door-key-7")
    {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let now = chrono::Utc::now().timestamp();
    let (token, expire) = match s.mode {
        Mode::Fresh | Mode::NeedsBearer => (uuid::Uuid::new_v4().to_string(), now + 1800),
        Mode::SameTokenEveryTime => ("reused-token-1".to_owned(), now + 1800),
        Mode::Expired => (uuid::Uuid::new_v4().to_string(), now - 60),
        Mode::Refuse => return Err(StatusCode::UNAUTHORIZED),
    };
    let signature = sr_imagekit::signing::hmac_sha1_hex(PRIVATE_KEY, &format!("{token}{expire}"));
    // Alternate number and string `expire`, as real endpoints do both.
    let expire = if n % 2 == 0 { json!(expire) } else { json!(expire.to_string()) };
    Ok(Json(json!({"token": token, "expire": expire, "signature": signature})))
}

async fn serve_auth(mode: Mode) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route("/auth", get(sign)).with_state(AuthServer { mode, calls: calls.clone() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/auth", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

fn upload_of(name: &str) -> UploadRequest {
    UploadRequest::new(UploadSource::Bytes(b"client side bytes".to_vec().into()), name)
}

#[tokio::test]
async fn each_upload_fetches_a_fresh_one_time_token() {
    let env = env().await;
    let (url, calls) = serve_auth(Mode::Fresh).await;
    let client =
        Client::new(env.config(RemoteAuth::AuthEndpoint { public_key: PUBLIC_KEY.into(), url, token: None })).unwrap();
    let a = client.upload(upload_of("a.bin"), |_| {}, None).await.unwrap();
    let b = client.upload(upload_of("b.bin"), |_| {}, None).await.unwrap();
    assert_ne!(a.file_id, b.file_id);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one token per upload attempt");
    // Management calls need the private key; this client does not have it.
    let err = client.get_file_details(&a.file_id).await.unwrap_err();
    assert!(matches!(err, RemoteError::Config { .. }), "{err:?}");
    env.shutdown().await;
}

#[tokio::test]
async fn a_reused_token_is_refused() {
    let env = env().await;
    let (url, _) = serve_auth(Mode::SameTokenEveryTime).await;
    let client =
        Client::new(env.config(RemoteAuth::AuthEndpoint { public_key: PUBLIC_KEY.into(), url, token: None })).unwrap();
    client.upload(upload_of("a.bin"), |_| {}, None).await.unwrap();
    let err = client.upload(upload_of("b.bin"), |_| {}, None).await.unwrap_err();
    match &err {
        RemoteError::Validation { message, .. } => {
            assert!(message.contains("The token with value 'reused-token-1' has been used before"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    env.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let env = env().await;
    let (url, _) = serve_auth(Mode::Expired).await;
    let client =
        Client::new(env.config(RemoteAuth::AuthEndpoint { public_key: PUBLIC_KEY.into(), url, token: None })).unwrap();
    let err = client.upload(upload_of("a.bin"), |_| {}, None).await.unwrap_err();
    assert!(
        matches!(&err, RemoteError::Validation { message, .. } if message.contains("invalid expire parameter")),
        "{err:?}"
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_wrong_public_key_or_a_refusing_endpoint_is_an_authentication_error() {
    let env = env().await;
    let (url, _) = serve_auth(Mode::Fresh).await;
    let client =
        Client::new(env.config(RemoteAuth::AuthEndpoint { public_key: "public_unknown".into(), url, token: None }))
            .unwrap();
    let err = client.upload(upload_of("a.bin"), |_| {}, None).await.unwrap_err();
    assert!(matches!(err, RemoteError::Authentication { .. }), "{err:?}");

    let (url, calls) = serve_auth(Mode::Refuse).await;
    let client =
        Client::new(env.config(RemoteAuth::AuthEndpoint { public_key: PUBLIC_KEY.into(), url, token: None })).unwrap();
    let err = client.upload(upload_of("a.bin"), |_| {}, None).await.unwrap_err();
    match &err {
        RemoteError::Authentication { message, .. } => {
            assert!(message.contains("HTTP 401"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    env.shutdown().await;
}

#[tokio::test]
async fn a_protected_endpoint_gets_the_bearer_token_and_refuses_without_it() {
    let env = env().await;
    let (url, _) = serve_auth(Mode::NeedsBearer).await;
    let with = Client::new(env.config(RemoteAuth::AuthEndpoint {
        public_key: PUBLIC_KEY.into(),
        url: url.clone(),
        token: Some(Secret::new("door-key-7")),
    }))
    .unwrap();
    with.upload(upload_of("a.bin"), |_| {}, None).await.expect("signed with the token");
    let printed = format!("{with:?}");
    assert!(!printed.contains("door-key-7"), "{printed}");

    let without =
        Client::new(env.config(RemoteAuth::AuthEndpoint { public_key: PUBLIC_KEY.into(), url, token: None })).unwrap();
    let err = without.upload(upload_of("b.bin"), |_| {}, None).await.unwrap_err();
    assert!(matches!(err, RemoteError::Authentication { .. }), "{err:?}");
    assert!(err.to_string().contains("refused to sign"), "{err}");
    env.shutdown().await;
}
