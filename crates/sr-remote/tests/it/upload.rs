//! Upload API v1: streaming, progress, hash, options, overwrite rules, cancellation, faults.

use std::sync::{Arc, Mutex};

use serde_json::json;
use sr_emulator::{FaultAction, FaultRule};
use sr_imagekit::metadata::{FieldSchema, FieldType, NewField};
use sr_remote::*;

use crate::support::{self, bytes, env, png, put};

#[tokio::test]
async fn streams_a_file_with_progress_and_a_matching_hash() {
    let env = env().await;
    let data = bytes(3 * 1024 * 1024 + 17, 1);
    let path = env.write("look book.mp4", &data);
    let seen = Arc::new(Mutex::new(Vec::<UploadProgress>::new()));
    let seen2 = seen.clone();
    let up = env
        .client
        .upload(
            UploadRequest {
                folder: Some("/summer/".into()),
                compute_hash: true,
                ..UploadRequest::new(UploadSource::Path(path), "look book.mp4")
            },
            move |p| seen2.lock().unwrap().push(p),
            None,
        )
        .await
        .unwrap();

    // The remote sanitises the name and adds a unique suffix by default.
    assert!(up.name.starts_with("look_book_") && up.name.ends_with(".mp4"), "{}", up.name);
    assert_eq!(up.file_path, format!("/summer/{}", up.name));
    assert_eq!(up.size, data.len() as u64);
    assert_eq!(up.version_info.as_ref().unwrap().id, up.file_id);
    assert_eq!(up.content_hash, Some(blake3::hash(&data).to_hex().to_string()));

    let seen = seen.lock().unwrap().clone();
    assert!(seen.windows(2).all(|w| w[0].sent < w[1].sent), "progress only grows");
    assert_eq!(seen.last().copied(), Some(UploadProgress { sent: data.len() as u64, total: data.len() as u64 }));

    // What was stored is byte-for-byte what was on disk.
    let served = reqwest::get(&up.url).await.unwrap().bytes().await.unwrap();
    assert_eq!(served.as_ref(), data.as_slice());
    env.shutdown().await;
}

#[tokio::test]
async fn every_option_reaches_the_remote() {
    let env = env().await;
    env.client
        .create_custom_metadata_field(&NewField {
            name: "brand".into(),
            label: "Brand".into(),
            schema: FieldSchema::of_type(FieldType::Text),
            description: None,
        })
        .await
        .unwrap();
    let image = png(env.dir.path(), "red dress.png", 64, 48);
    let mut meta = serde_json::Map::new();
    meta.insert("brand".into(), json!("Nike"));
    let up = env
        .client
        .upload(
            UploadRequest {
                folder: Some("/catalog/dresses".into()),
                use_unique_file_name: Some(false),
                tags: vec!["red".into(), "summer-sale".into()],
                custom_metadata: meta,
                is_private_file: Some(true),
                custom_coordinates: Some("1,2,30,40".into()),
                description: Some("Red dress, front".into()),
                response_fields: vec![
                    ResponseField::Tags,
                    ResponseField::CustomMetadata,
                    ResponseField::IsPrivateFile,
                    ResponseField::CustomCoordinates,
                    ResponseField::IsPublished,
                ],
                transformation: Some(UploadTransformation {
                    pre: None,
                    post: vec![PostTransformation::Transformation { value: "h-300".into() }],
                }),
                extensions: Some(json!([{"name": "google-auto-tagging", "maxTags": 5, "minConfidence": 95}])),
                ..UploadRequest::new(UploadSource::Path(image), "red dress.png")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    assert_eq!(up.name, "red_dress.png");
    assert_eq!(up.file_path, "/catalog/dresses/red_dress.png");
    assert_eq!(up.tags.as_deref(), Some(&["red".to_owned(), "summer-sale".to_owned()][..]));
    assert_eq!(up.custom_metadata.as_ref().unwrap()["brand"], "Nike");
    assert_eq!(up.is_private_file, Some(true));
    assert_eq!(up.is_published, Some(true));
    assert_eq!(up.custom_coordinates.as_deref(), Some("1,2,30,40"));
    assert_eq!((up.width, up.height), (Some(64), Some(48)));
    assert_eq!(up.file_type.as_deref(), Some("image"));
    assert!(up.thumbnail_url.is_some());
    assert_eq!(up.extension_status.as_ref().unwrap()["google-auto-tagging"], "success");

    let file = env.client.get_file_details(&up.file_id).await.unwrap();
    assert_eq!(file.description.as_deref(), Some("Red dress, front"));
    assert!(file.is_private_file);
    assert_eq!(file.mime.as_deref(), Some("image/png"));
    env.shutdown().await;
}

#[tokio::test]
async fn without_response_fields_the_optional_fields_are_absent() {
    let env = env().await;
    let up = env
        .client
        .upload(
            UploadRequest {
                tags: vec!["a".into()],
                ..UploadRequest::new(UploadSource::Bytes(bytes(100, 2).into()), "a.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    assert_eq!(up.tags, None);
    assert_eq!(up.is_private_file, None);
    assert_eq!(up.content_hash, None, "hash only when asked");
    env.shutdown().await;
}

#[tokio::test]
async fn refusing_to_overwrite_an_existing_name_is_a_validation_error() {
    let env = env().await;
    put(&env.client, "/", "same.bin", b"one").await;
    let err = env
        .client
        .upload(
            UploadRequest {
                use_unique_file_name: Some(false),
                overwrite_file: Some(false),
                ..UploadRequest::new(UploadSource::Bytes(b"two".to_vec().into()), "same.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap_err();
    match &err {
        RemoteError::Validation { message, .. } => {
            assert!(message.contains("same name already exists"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.request_id().is_some());
    env.shutdown().await;
}

#[tokio::test]
async fn invalid_transformation_is_reported_with_the_remote_message() {
    let env = env().await;
    let err = env
        .client
        .upload(
            UploadRequest {
                transformation: Some(UploadTransformation { pre: Some(String::new()), post: vec![] }),
                ..UploadRequest::new(UploadSource::Bytes(b"x".to_vec().into()), "x.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RemoteError::Validation { message, .. } if message == "Invalid pre transformation parameter."),
        "{err:?}"
    );
    env.shutdown().await;
}

#[tokio::test]
async fn cancelling_stops_the_upload_and_stores_nothing() {
    let env = env().await;
    let path = env.write("big.mp4", &bytes(8 * 1024 * 1024, 3));
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let err = env
        .client
        .upload(
            UploadRequest {
                folder: Some("/cancel/".into()),
                ..UploadRequest::new(UploadSource::Path(path), "big.mp4")
            },
            move |p| {
                if p.sent >= 512 * 1024 {
                    c2.cancel();
                }
            },
            Some(cancel),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Cancelled), "{err:?}");
    assert_eq!(err.to_string(), "The upload was cancelled.");

    // Already cancelled: nothing is even sent.
    let pre = CancellationToken::new();
    pre.cancel();
    let err = env
        .client
        .upload(UploadRequest::new(UploadSource::Bytes(b"x".to_vec().into()), "x.bin"), |_| {}, Some(pre))
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Cancelled));

    let listed =
        env.client.list_files(&ListQuery { path: Some("/cancel/".into()), ..Default::default() }).await.unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    env.shutdown().await;
}

#[tokio::test]
async fn a_missing_local_file_is_a_local_file_error() {
    let env = env().await;
    let missing = env.dir.path().join("gone.mp4");
    let err = env
        .client
        .upload(UploadRequest::new(UploadSource::Path(missing.clone()), "gone.mp4"), |_| {}, None)
        .await
        .unwrap_err();
    match &err {
        RemoteError::LocalFile { path, source } => {
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    env.shutdown().await;
}

#[tokio::test]
async fn a_reset_mid_body_is_a_network_error_that_was_not_delivered() {
    let env = env().await;
    env.emu.faults().add(FaultRule::new("upload", FaultAction::ResetRequest { after_bytes: 64 * 1024 }).times(1));
    let data = bytes(24 * 1024 * 1024, 4);
    let path = env.write("cut.mp4", &data);
    let err = env
        .client
        .upload(UploadRequest::new(UploadSource::Path(path.clone()), "cut.mp4"), |_| {}, None)
        .await
        .unwrap_err();
    match &err {
        RemoteError::Network { sent_bytes, maybe_delivered, .. } => {
            assert!(!maybe_delivered, "a body cut short cannot have been accepted");
            assert!(*sent_bytes < data.len() as u64);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    // The fault fired once; the caller's retry goes through.
    let up = env.client.upload(UploadRequest::new(UploadSource::Path(path), "cut.mp4"), |_| {}, None).await.unwrap();
    assert_eq!(up.size, data.len() as u64);
    env.shutdown().await;
}

#[tokio::test]
async fn a_server_error_on_upload_is_retryable_and_not_retried_by_the_client() {
    let env = env().await;
    let faults = env.emu.faults();
    faults.add(FaultRule::new("upload", FaultAction::Status { status: 503 }).times(1));
    let err = env
        .client
        .upload(UploadRequest::new(UploadSource::Bytes(b"x".to_vec().into()), "x.bin"), |_| {}, None)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Server { status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("try again"), "{err}");
    assert_eq!(faults.list().len(), 0, "the single fault was consumed by exactly one attempt");
    env.shutdown().await;
}

#[tokio::test]
async fn a_wrong_key_is_an_authentication_error_that_never_shows_the_key() {
    let env = env().await;
    let wrong = "private_WRONG_key_never_print_me";
    let client = env.client_with_key(wrong);
    let err = client
        .upload(UploadRequest::new(UploadSource::Bytes(b"x".to_vec().into()), "x.bin"), |_| {}, None)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Authentication { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The media library rejected the key: Your account cannot be authenticated. Check your private key in Settings."
    );
    for printed in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!printed.contains(wrong), "{printed}");
        assert!(!printed.contains(support::PRIVATE_KEY), "{printed}");
    }
    env.shutdown().await;
}

#[tokio::test]
async fn a_server_that_never_answers_after_the_body_is_a_timeout_that_may_have_been_delivered() {
    let env = env().await;
    env.emu.faults().add(FaultRule::new("upload", FaultAction::Stall { ms: 10_000 }).times(1));
    let client = Client::with_timeouts(
        env.config(RemoteAuth::PrivateKey(Secret::new(support::PRIVATE_KEY))),
        Timeouts {
            connect: std::time::Duration::from_secs(5),
            read: std::time::Duration::from_millis(300),
            response: std::time::Duration::from_millis(300),
        },
    )
    .unwrap();
    let data = bytes(8 * 1024, 9);
    let err = client
        .upload(UploadRequest::new(UploadSource::Bytes(data.clone().into()), "s.bin"), |_| {}, None)
        .await
        .unwrap_err();
    match &err {
        RemoteError::Network { message, sent_bytes, maybe_delivered } => {
            assert!(message.contains("timed out"), "{message}");
            assert_eq!(*sent_bytes, data.len() as u64);
            assert!(maybe_delivered, "the whole body went out; the server may have stored it");
        }
        other => panic!("{other:?}"),
    }
    env.shutdown().await;
}

#[tokio::test]
async fn a_slow_answer_after_the_whole_file_is_waited_for_not_taken_for_a_dead_network() {
    let env = env().await;
    // The remote takes well over the mid-body stall limit to store and answer.
    env.emu.faults().add(FaultRule::new("upload", FaultAction::Latency { ms: 1_500 }).times(1));
    let client = Client::with_timeouts(
        env.config(RemoteAuth::PrivateKey(Secret::new(support::PRIVATE_KEY))),
        Timeouts {
            connect: std::time::Duration::from_secs(5),
            read: std::time::Duration::from_millis(300),
            response: std::time::Duration::from_secs(20),
        },
    )
    .unwrap();
    let data = bytes(8 * 1024, 10);
    let up = client
        .upload(UploadRequest::new(UploadSource::Bytes(data.clone().into()), "slow.bin"), |_| {}, None)
        .await
        .expect("the answer is waited for");
    assert_eq!(up.size, data.len() as u64);
    env.shutdown().await;
}
