//! Crash recovery: a job left mid-upload whose file already reached the remote is adopted, not re-sent.

use sr_remote::{UploadRequest, UploadSource};
use sr_uploads::UploadEvent;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_left_uploading_with_its_file_on_the_remote_is_adopted() {
    let env = env().await;
    let a = asset(&env, "boot.bin", &content(11, 200_000));
    let j = queue(&env, a.id, spec("boot.bin"));
    let up = env
        .client
        .upload(
            UploadRequest {
                folder: Some("/products/".into()),
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Path(a.path.clone()), "boot.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    crash_mid_upload(&env, j.id, chrono::Utc::now().timestamp_millis());

    let (summary, events) = run(&env, settings()).await;
    assert_eq!(summary.interrupted, 1);
    assert_eq!(summary.done, 1);
    let j = job(&env, j.id);
    assert_eq!(j.attempts, 1, "not sent again");
    assert_eq!(j.remote.unwrap().file_id, up.file_id);
    assert!(events.iter().any(|e| matches!(e, UploadEvent::Adopted { file_id, .. } if *file_id == up.file_id)));
    assert_eq!(remote_files(&env).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_file_at_the_name_is_not_adopted_and_the_job_says_so() {
    let env = env().await;
    let a = asset(&env, "clash.bin", &content(12, 5000));
    let j = queue(&env, a.id, spec("clash.bin"));
    // Someone else's file of the same size sits at the name.
    env.client
        .upload(
            UploadRequest {
                folder: Some("/products/".into()),
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Bytes(content(13, 5000).into()), "clash.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    crash_mid_upload(&env, j.id, chrono::Utc::now().timestamp_millis());
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.failed, 1);
    let j = job(&env, j.id);
    assert!(j.last_error.unwrap().contains("A different file called clash.bin already exists"));
    assert!(j.fix.unwrap().contains("unique name"));
    assert_eq!(remote_files(&env).await.len(), 1, "the other file was not overwritten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unique_names_are_reconciled_by_prefix_size_time_and_hash() {
    let env = env().await;
    let a = asset(&env, "look.bin", &content(14, 70_000));
    let started = chrono::Utc::now().timestamp_millis();
    // A same-size decoy with another content under the same prefix, and our real copy.
    for bytes in [content(15, 70_000), std::fs::read(&a.path).unwrap()] {
        env.client
            .upload(
                UploadRequest {
                    folder: Some("/products/".into()),
                    use_unique_file_name: Some(true),
                    ..UploadRequest::new(UploadSource::Bytes(bytes.into()), "look.bin")
                },
                |_| {},
                None,
            )
            .await
            .unwrap();
    }
    let mut s = spec("look.bin");
    s.use_unique_file_name = true;
    let j = queue(&env, a.id, s);
    crash_mid_upload(&env, j.id, started);
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 1);
    let j = job(&env, j.id);
    assert_eq!(j.attempts, 1, "adopted, not re-sent");
    let files = remote_files(&env).await;
    assert_eq!(files.len(), 2);
    let adopted = files.iter().find(|f| f.file_id == j.remote.as_ref().unwrap().file_id).unwrap();
    assert!(adopted.name.starts_with("look_") && adopted.name.ends_with(".bin"));
    let body = reqwest::get(&adopted.url).await.unwrap().bytes().await.unwrap();
    assert_eq!(body.as_ref(), std::fs::read(&a.path).unwrap().as_slice(), "the copy with our bytes was chosen");
}
