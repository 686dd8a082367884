//! Pre-flight: nothing is sent for a job that would be refused or whose file is not what was queued;
//! each failure says why and how to fix it.

use serde_json::json;
use sr_library::JobState;
use sr_uploads::AccountLimits;

use crate::support::*;

fn failed(env: &Env, id: i64) -> (String, String) {
    let j = job(env, id);
    assert_eq!(j.state, JobState::Failed, "{j:?}");
    assert_eq!(j.attempts, 0, "no byte was sent");
    (j.last_error.unwrap(), j.fix.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_jobs_fail_before_any_byte_with_reason_and_fix() {
    let mut env = env().await;
    env.limits = AccountLimits { max_file_bytes: 50_000, max_video_bytes: 1 << 30 };

    let vanished = asset(&env, "gone.bin", &content(1, 1000));
    let vanished_job = queue(&env, vanished.id, spec("gone.bin"));
    std::fs::remove_file(&vanished.path).unwrap();

    let changed = asset(&env, "changed.bin", &content(2, 1000));
    let changed_job = queue(&env, changed.id, spec("changed.bin"));
    std::fs::write(&changed.path, content(3, 1200)).unwrap();

    let big = asset(&env, "big.bin", &content(4, 60_000));
    let big_job = queue(&env, big.id, spec("big.bin"));

    let tagged = asset(&env, "tagged.bin", &content(5, 1000));
    let mut s = spec("tagged.bin");
    s.tags = vec!["50%off".into()];
    let tag_job = queue(&env, tagged.id, s);

    let meta = asset(&env, "meta.bin", &content(6, 1000));
    let mut s = spec("meta.bin");
    s.custom_metadata = json!({"colour_of_the_sky": "blue"}).as_object().unwrap().clone();
    let meta_job = queue(&env, meta.id, s);

    let deep = asset(&env, "deep.bin", &content(7, 1000));
    let mut s = spec("deep.bin");
    s.folder = "/a".repeat(60) + "/";
    let deep_job = queue(&env, deep.id, s);

    let (summary, _) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.failed), (0, 6));
    assert!(remote_files(&env).await.is_empty(), "nothing reached the remote");

    let (e, fix) = failed(&env, vanished_job.id);
    assert!(e.contains("no longer there"), "{e}");
    assert!(fix.contains("Put the file back"), "{fix}");
    let (e, fix) = failed(&env, changed_job.id);
    assert!(e.contains("changed after it was queued"), "{e}");
    assert!(fix.contains("Import the file again"), "{fix}");
    let (e, fix) = failed(&env, big_job.id);
    assert!(e.contains("accepts image and audio files up to"), "{e}");
    assert!(fix.contains("plan"), "{fix}");
    let (e, _) = failed(&env, tag_job.id);
    assert!(e.contains("% sign"), "{e}");
    let (e, fix) = failed(&env, meta_job.id);
    assert!(e.contains("colour_of_the_sky"), "{e}");
    assert!(fix.contains("metadata"), "{fix}");
    let (e, _) = failed(&env, deep_job.id);
    assert!(e.contains("folders deep"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_while_uploading_is_not_left_on_the_remote() {
    let env = env().await;
    // 1 MB; the byte at 300 000 lies outside the sampled-hash windows, and the mtime is put back, so
    // only the hash computed while streaming can notice.
    let a = asset(&env, "sneaky.bin", &content(9, 1_000_000));
    let j = queue(&env, a.id, spec("sneaky.bin"));
    let mtime = std::fs::metadata(&a.path).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&a.path).unwrap();
    bytes[300_000] ^= 0xff;
    std::fs::write(&a.path, &bytes).unwrap();
    std::fs::File::options().write(true).open(&a.path).unwrap().set_modified(mtime).unwrap();

    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.failed, 1);
    let j = job(&env, j.id);
    assert_eq!(j.state, sr_library::JobState::Failed);
    assert!(j.last_error.unwrap().contains("changed while it was uploading"));
    assert!(remote_files(&env).await.is_empty(), "the wrong bytes were removed");
}

/// Flips one byte outside the sampled-hash windows and puts the mtime back, so only the hash computed
/// while streaming can notice.
fn change_behind_the_librarys_back(path: &std::path::Path) {
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    bytes[300_000] ^= 0xff;
    std::fs::write(path, &bytes).unwrap();
    std::fs::File::options().write(true).open(path).unwrap().set_modified(mtime).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_overwrite_takes_back_only_its_version_and_the_teammates_file_stays_live() {
    use sr_remote::{UploadRequest, UploadSource};
    let env = env().await;
    // A teammate's live file at the name, with tags a shop relies on.
    let live = env
        .client
        .upload(
            UploadRequest {
                folder: Some("/products/".into()),
                use_unique_file_name: Some(false),
                tags: vec!["homepage".into()],
                ..UploadRequest::new(UploadSource::Bytes(content(21, 4000).into()), "hero.bin")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    let a = asset(&env, "hero.bin", &content(22, 1_000_000));
    let mut s = spec("hero.bin");
    s.overwrite = true;
    let j = queue(&env, a.id, s);
    change_behind_the_librarys_back(&a.path);

    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.failed, 1);
    let j = job(&env, j.id);
    let e = j.last_error.unwrap();
    assert!(e.contains("changed while it was uploading") && e.contains("is current again"), "{e}");
    assert!(!j.maybe_sent, "nothing of ours is left to look up");

    // The file is still there, with the teammate's bytes, version and tags, and only that version.
    let f = env.client.get_file_details(&live.file_id).await.expect("the live file still answers");
    assert_eq!(f.size, 4000);
    assert_eq!(f.version_info.id, live.version_info.as_ref().unwrap().id);
    assert_eq!(f.tags.as_deref(), Some(&["homepage".to_string()][..]));
    let versions = env.client.list_versions(&live.file_id).await.unwrap();
    assert_eq!(versions.len(), 1, "the wrong version is deleted: {versions:?}");
}
