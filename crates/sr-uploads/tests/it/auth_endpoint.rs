//! Accounts that sign uploads through their organisation's authentication endpoint (no private key on
//! the machine, so no management API): jobs with metadata publish, and an interrupted job recovers.

use axum::Json;
use axum::routing::get;
use serde_json::{Value, json};
use sr_library::JobState;
use sr_remote::{Client, RemoteAuth, RemoteConfig, UploadRequest, UploadSource};

use crate::support::*;

/// A signing endpoint on loopback, as an organisation would run one (it holds the private key).
async fn serve_auth() -> String {
    async fn sign() -> Json<Value> {
        let token = uuid::Uuid::new_v4().to_string();
        let expire = chrono::Utc::now().timestamp() + 1800;
        let signature = sr_imagekit::signing::hmac_sha1_hex("private_test", &format!("{token}{expire}"));
        Json(json!({"token": token, "expire": expire, "signature": signature}))
    }
    let app = axum::Router::new().route("/auth", get(sign));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/auth", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// The test's environment with the queue's client switched to the auth-endpoint mode; returns the
/// private-key client for setting up and checking the remote as a teammate would.
async fn auth_env() -> (Env, Client) {
    let mut env = env().await;
    let admin = env.client.clone();
    let base = env.emu.base_url();
    let url = serve_auth().await;
    env.client = Client::new(RemoteConfig::new(
        &base,
        &base,
        env.emu.url_endpoint(),
        RemoteAuth::AuthEndpoint { public_key: "public_test".into(), url, token: None },
    ))
    .unwrap();
    (env, admin)
}

async fn files_on(admin: &Client) -> usize {
    admin.list_all(&sr_remote::ListQuery::default()).await.unwrap().iter().filter(|i| i.as_file().is_some()).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_with_custom_metadata_publishes_and_the_remote_checks_the_values() {
    let (env, admin) = auth_env().await;
    admin
        .create_custom_metadata_field(&sr_imagekit::metadata::NewField {
            name: "price".into(),
            label: "Price".into(),
            schema: sr_imagekit::metadata::FieldSchema::of_type(sr_imagekit::metadata::FieldType::Number),
            description: None,
        })
        .await
        .unwrap();
    let good = asset(&env, "priced.bin", &content(31, 3000));
    let mut s = spec("priced.bin");
    s.custom_metadata = json!({"price": 10}).as_object().unwrap().clone();
    let good_job = queue(&env, good.id, s);
    let bad = asset(&env, "mispriced.bin", &content(32, 3000));
    let mut s = spec("mispriced.bin");
    s.custom_metadata = json!({"price": "ten"}).as_object().unwrap().clone();
    let bad_job = queue(&env, bad.id, s);

    let (summary, _) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.failed), (1, 1));
    let j = job(&env, good_job.id);
    assert_eq!(j.state, JobState::Done, "{j:?}");
    let f = admin.get_file_details(&j.remote.unwrap().file_id).await.unwrap();
    assert_eq!(f.custom_metadata.get("price"), Some(&json!(10)));
    // Without the schema on this machine, the remote's own refusal is what the job shows.
    let j = job(&env, bad_job.id);
    assert_eq!(j.state, JobState::Failed);
    let e = j.last_error.unwrap();
    assert!(!e.contains("private key"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_job_whose_file_arrived_is_adopted_from_its_delivery_url() {
    let (env, admin) = auth_env().await;
    let a = asset(&env, "arrived.bin", &content(33, 80_000));
    let j = queue(&env, a.id, spec("arrived.bin"));
    // The earlier attempt reached the remote before the app was killed.
    env.client
        .upload(
            UploadRequest {
                folder: Some("/products/".into()),
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Path(a.path.clone()), "arrived.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    crash_mid_upload(&env, j.id, chrono::Utc::now().timestamp_millis());

    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 1);
    let j = job(&env, j.id);
    assert_eq!(j.attempts, 1, "not sent again");
    assert!(j.note.unwrap().contains("already in the media library"));
    assert_eq!(j.remote.unwrap().file_path, "/products/arrived.bin");
    assert_eq!(files_on(&admin).await, 1, "one copy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_job_that_never_arrived_is_sent_and_a_retry_is_never_stuck() {
    let (env, admin) = auth_env().await;
    let a = asset(&env, "lost.bin", &content(34, 50_000));
    let j = queue(&env, a.id, spec("lost.bin"));
    crash_mid_upload(&env, j.id, chrono::Utc::now().timestamp_millis());
    // A different file already sits at the unique-name job's prefix: it cannot be checked, so it is
    // sent again and the job says what to look for.
    let b = asset(&env, "look.bin", &content(35, 50_000));
    let mut s = spec("look.bin");
    s.use_unique_file_name = true;
    let k = queue(&env, b.id, s);
    crash_mid_upload(&env, k.id, chrono::Utc::now().timestamp_millis());

    let (summary, _) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.failed), (2, 0));
    let j = job(&env, j.id);
    assert_eq!(j.attempts, 2);
    assert_eq!(j.note, None);
    let k = job(&env, k.id);
    assert!(k.note.unwrap().contains("look for a second copy of look.bin"));
    assert_eq!(files_on(&admin).await, 2);
}

/// Such an account cannot read the file's details, so its link holds what was sent (the next pull
/// corrects it): no management call is made for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_done_upload_of_such_an_account_links_what_was_sent() {
    let (env, _admin) = auth_env().await;
    let a = asset(&env, "signed.bin", &content(41, 1500));
    let mut s = spec("signed.bin");
    s.tags = vec!["b".into(), "a".into()];
    let j = queue(&env, a.id, s);
    env.emu.clear_request_log();
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 1);
    let copy = job(&env, j.id).remote.unwrap();
    let link = env.lib.sync_link(&env.account, a.id).unwrap().expect("linked");
    assert_eq!(link.file_id, copy.file_id);
    assert_eq!((link.base.name.as_str(), link.base.folder.as_str()), ("signed.bin", "/products/"));
    assert_eq!(link.base.tags, ["a", "b"]);
    assert!(
        !env.emu.request_log().iter().any(|r| r.path.ends_with("/details")),
        "no details call the account cannot make"
    );
}
