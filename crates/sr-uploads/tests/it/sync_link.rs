//! What sync relies on from the queue: a finished upload links its asset to the remote file, with
//! the file as the remote stored it as the base; the queue holds the account through the gate sync
//! shares.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sr_library::sync::Fields;
use sr_library::{JobRequest, JobState};
use sr_remote::{UploadRequest, UploadSource};
use sr_uploads::{ManualClock, UploadTarget, Uploader};
use tokio_util::sync::CancellationToken;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_done_upload_links_the_asset_with_the_uploaded_file_as_the_base() {
    let env = env().await;
    let a = asset(&env, "coat.bin", &content(3, 4_000));
    let mut s = spec("coat.bin");
    s.tags = vec!["winter".into(), "coat".into()];
    s.use_unique_file_name = true;
    let j = queue(&env, a.id, s);
    assert!(env.lib.sync_link(&env.account, a.id).unwrap().is_none(), "not linked before the upload");
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 1);
    let copy = job(&env, j.id).remote.unwrap();
    let remote = env.client.get_file_details(&copy.file_id).await.unwrap();
    assert_ne!(remote.name, "coat.bin", "the remote suffixed the name");

    let link = env.lib.sync_link(&env.account, a.id).unwrap().expect("the done upload linked the asset");
    assert_eq!(link.file_id, copy.file_id);
    assert_eq!(
        link.base,
        Fields {
            name: remote.name.clone(),
            folder: "/products/".into(),
            tags: vec!["coat".into(), "winter".into()],
            metadata: Default::default(),
        },
        "the base is the file as the remote has it"
    );
    let observed = env.lib.remote_file(&env.account, &copy.file_id).unwrap().expect("the observation is stored");
    assert_eq!(observed.fields, link.base);
    assert_eq!(observed.updated_at, remote.updated_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
    assert_eq!(observed.size, 4_000);
    assert!(env.lib.sync_link("another-account", a.id).unwrap().is_none(), "links are per account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_found_already_on_the_remote_links_too() {
    let env = env().await;
    let a = asset(&env, "found.bin", &content(11, 2_000));
    let j = queue(&env, a.id, spec("found.bin"));
    // What a kill right after the remote stored the file leaves behind.
    let up = env
        .client
        .upload(
            UploadRequest {
                folder: Some("/products/".into()),
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Path(a.path.clone()), "found.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    crash_mid_upload(&env, j.id, chrono::Utc::now().timestamp_millis());
    env.client.add_tags(std::slice::from_ref(&up.file_id), &["teammate".into()]).await.unwrap();
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 1);
    assert_eq!(job(&env, j.id).remote.unwrap().file_id, up.file_id, "adopted, not sent again");
    let link = env.lib.sync_link(&env.account, a.id).unwrap().unwrap();
    assert_eq!((link.file_id.as_str(), link.base.tags.clone()), (up.file_id.as_str(), vec!["teammate".to_string()]));
    assert_eq!(link.base.metadata, json!({}).as_object().unwrap().clone());
}

/// The queue's gate is the account's shared one: a 429 met by sync holds the queue too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_on_the_accounts_shared_gate_holds_the_queue() {
    let env = env().await;
    let a = asset(&env, "held.bin", &content(9, 1000));
    let j = queue(&env, a.id, spec("held.bin"));
    let clock = ManualClock::new(5_000_000);
    sr_remote::shared_gate(&env.account, Duration::from_millis(20)).hold(5_000_000, Duration::from_secs(60));
    let target = UploadTarget { account: env.account.clone(), client: env.client.clone(), limits: env.limits };
    let uploader = Uploader::new(env.lib.clone(), target, Arc::new(clock.clone()), settings(), None);
    let run = tokio::spawn(uploader.run(true, CancellationToken::new(), |_| {}));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let held = job(&env, j.id);
    assert_eq!((held.state, held.attempts), (JobState::Queued, 0), "nothing starts before the reset");
    clock.set(5_060_000);
    assert_eq!(run.await.unwrap().unwrap().done, 1);
}

/// A queued upload sends the asset as it is when it is sent: a tag added after queueing is on the
/// uploaded file, one removed is not, the request's own tags and values stay, and a folder and a
/// name set in the library since are followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_upload_sends_the_asset_as_it_is_when_sent() {
    let env = env().await;
    let a = asset(&env, "shirt.bin", &content(21, 3_000));
    env.lib.add_tags(&[a.id], &["old".into()], 1).unwrap();
    let mut s = spec("shirt.bin");
    s.tags = vec!["old".into(), "extra".into()];
    let j = queue(&env, a.id, s);
    env.lib.set_upload_job_request(j.id, &JobRequest { tags: vec!["extra".into()], ..JobRequest::default() }).unwrap();
    // Edits made after queueing, before the upload starts.
    env.lib.add_tags(&[a.id], &["late".into()], 2).unwrap();
    env.lib.remove_tags(&[a.id], &["old".into()], 3).unwrap();
    env.lib.set_folder(&[a.id], "/summer/", 4).unwrap();
    env.lib.rename_asset(a.id, "blue-shirt.bin", 5).unwrap();

    let (summary, _) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.failed), (1, 0));
    let done = job(&env, j.id);
    let copy = done.remote.clone().unwrap();
    let remote = env.client.get_file_details(&copy.file_id).await.unwrap();
    assert_eq!(remote.file_path, "/summer/blue-shirt.bin");
    let mut tags = remote.tags.clone().unwrap();
    tags.sort();
    assert_eq!(tags, ["extra", "late"], "the tag added after queueing went, the removed one did not");
    assert_eq!(
        (done.spec.folder.as_str(), done.spec.file_name.as_str(), done.spec.tags.clone()),
        ("/summer/", "blue-shirt.bin", vec!["late".to_string(), "extra".to_string()]),
        "the job records what it sent"
    );
    let link = env.lib.sync_link(&env.account, a.id).unwrap().unwrap();
    assert_eq!(link.base.tags, ["extra", "late"]);

    // A job queued without a recorded request (before this version) sends its snapshot.
    let b = asset(&env, "legacy.bin", &content(22, 1_000));
    let mut s = spec("legacy.bin");
    s.tags = vec!["snapshot".into()];
    let k = queue(&env, b.id, s);
    env.lib.add_tags(&[b.id], &["later".into()], 6).unwrap();
    run(&env, settings()).await;
    let f = env.client.get_file_details(&job(&env, k.id).remote.unwrap().file_id).await.unwrap();
    assert_eq!(f.tags.unwrap(), ["snapshot"]);
}

/// The request's metadata values override the library's; the library's other keys go as they are
/// when sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_upload_sends_the_libraries_metadata_with_the_requests_values_on_top() {
    let env = env().await;
    let field = |name: &str| sr_imagekit::metadata::NewField {
        name: name.into(),
        label: name.into(),
        schema: sr_imagekit::metadata::FieldSchema::of_type(sr_imagekit::metadata::FieldType::Text),
        description: None,
    };
    for name in ["season", "brand"] {
        env.client.create_custom_metadata_field(&field(name)).await.unwrap();
    }
    let fields = env.client.list_custom_metadata_fields(false).await.unwrap();
    env.lib.replace_metadata_fields(&env.account, &fields).unwrap();
    let a = asset(&env, "cap.bin", &content(23, 2_000));
    let j = queue(&env, a.id, spec("cap.bin"));
    let request = JobRequest { metadata: json!({"brand": "Acme"}).as_object().unwrap().clone(), ..Default::default() };
    env.lib.set_upload_job_request(j.id, &request).unwrap();
    let values = json!({"season": "winter", "brand": "Other"}).as_object().unwrap().clone();
    env.lib.set_metadata(&env.account, &[a.id], &values, 2).unwrap();
    run(&env, settings()).await;
    let f = env.client.get_file_details(&job(&env, j.id).remote.unwrap().file_id).await.unwrap();
    assert_eq!(serde_json::Value::Object(f.custom_metadata), json!({"season": "winter", "brand": "Acme"}));
}
