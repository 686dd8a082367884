//! Happy path: jobs upload with their folder, tags, metadata and transformations; progress and totals
//! are reported; the library records the remote copy; a second job of the same content is a duplicate.

use serde_json::json;
use sr_library::{JobState, PostTransform};
use sr_uploads::UploadEvent;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_files_arrive_once_with_tags_and_metadata() {
    let env = env().await;
    env.client
        .create_custom_metadata_field(&sr_imagekit::metadata::NewField {
            name: "price".into(),
            label: "Price".into(),
            schema: sr_imagekit::metadata::FieldSchema::of_type(sr_imagekit::metadata::FieldType::Number),
            description: None,
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..5u64 {
        let a = asset(&env, &format!("shoe-{i}.bin"), &content(i, 300_000 + i as usize));
        let mut s = spec(&a.name);
        s.tags = vec!["summer".into(), format!("n{i}")];
        s.custom_metadata = json!({"price": 100 + i}).as_object().unwrap().clone();
        ids.push(queue(&env, a.id, s).id);
    }
    let (summary, events) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.failed), (5, 0));

    let files = remote_files(&env).await;
    assert_eq!(files.len(), 5, "exactly one remote file per job");
    for (i, id) in ids.iter().enumerate() {
        let j = job(&env, *id);
        assert_eq!(j.state, JobState::Done);
        assert!(!j.maybe_sent);
        assert_eq!(j.attempts, 1);
        let copy = j.remote.expect("remote copy recorded");
        let f = files.iter().find(|f| f.file_id == copy.file_id).expect("recorded id exists remotely");
        assert_eq!(f.file_path, format!("/products/shoe-{i}.bin"));
        assert_eq!(copy.url, f.url);
        assert_eq!(f.tags.clone().unwrap(), vec!["summer".to_string(), format!("n{i}")]);
        assert_eq!(f.custom_metadata["price"], json!(100 + i));
        assert_eq!(f.size, 300_000 + i as u64);
    }
    // Progress reached 100 % for every job, and the run says it finished.
    for id in &ids {
        assert!(events.iter().any(|e| matches!(e, UploadEvent::Progress(p) if p.job_id == *id && p.bytes_sent == p.bytes_total && p.percent == 100.0)));
    }
    assert!(events.iter().any(|e| matches!(e, UploadEvent::Totals(_))));
    assert!(matches!(events.last(), Some(UploadEvent::BatchFinished { done: 5, failed: 0, .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_already_uploaded_to_the_same_place_is_skipped_as_a_duplicate() {
    let env = env().await;
    let a = asset(&env, "dress.bin", &content(42, 10_000));
    let first = queue(&env, a.id, spec("dress.bin"));
    run(&env, settings()).await;
    let second = queue(&env, a.id, spec("dress.bin"));
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 2);
    let second = job(&env, second.id);
    assert_eq!(second.attempts, 0, "nothing was sent");
    assert!(second.note.unwrap().contains("skipped"));
    assert_eq!(second.remote, job(&env, first.id).remote);
    assert_eq!(remote_files(&env).await.len(), 1);
}

/// Post-transformations travel with the upload: the remote checks them against the file it got,
/// accepting a version of a photo and failing a streaming ladder of it (only videos have one) in its
/// own words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_transformations_reach_the_remote_which_judges_them_against_the_file() {
    let env = env().await;
    let mut png = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let photo = asset(&env, "dress.png", &png);
    let mut version = spec("dress.png");
    version.post_transformations =
        vec![PostTransform { kind: "transformation".into(), value: Some("w-32".into()), protocol: None }];
    let good = queue(&env, photo.id, version).id;
    let mut ladder = spec("dress-ladder.png");
    ladder.force = true;
    ladder.post_transformations =
        vec![PostTransform { kind: "abs".into(), value: Some("sr-240_360".into()), protocol: Some("hls".into()) }];
    let bad = queue(&env, photo.id, ladder).id;
    let (summary, _) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.failed), (1, 1));
    assert_eq!(job(&env, good).state, JobState::Done);
    let failed = job(&env, bad);
    assert_eq!(failed.state, JobState::Failed);
    let why = failed.last_error.unwrap_or_default();
    assert!(why.contains("Invalid post transformation parameter."), "{why}");
}
