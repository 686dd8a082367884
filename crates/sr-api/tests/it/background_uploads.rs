//! The desktop app's background upload run: it never stops silently, waits for the run it replaces,
//! and carries on by itself once what stopped it is gone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sr_api::dto_uploads::{QueueAddRequest, UploadEvent, UploadJobState};
use sr_api::{OpenOptions, Stockroom};
use sr_media::fixtures::{ImageFormat, image};

fn app_with_photos(n: usize) -> (tempfile::TempDir, Arc<Stockroom>, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    for i in 0..n {
        image(&media, &format!("look-{i}.jpg"), 48 + i as u32, 48, ImageFormat::Jpeg);
    }
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    let ids = report.imported.iter().map(|a| a.id).collect();
    (dir, Arc::new(app), ids)
}

fn publish(ids: &[i64]) -> QueueAddRequest {
    QueueAddRequest { asset_ids: ids.to_vec(), ..Default::default() }
}

type Events = Arc<Mutex<Vec<UploadEvent>>>;

fn recorder() -> (Events, impl Fn(UploadEvent) + Send + Sync + 'static) {
    let events: Events = Arc::default();
    let sink = events.clone();
    (events, move |e| sink.lock().unwrap().push(e))
}

async fn until(what: &str, mut f: impl AsyncFnMut() -> bool) {
    for _ in 0..600 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn all_done(app: &Stockroom) -> bool {
    let q = app.queue_list().await.unwrap();
    !q.jobs.is_empty() && q.jobs.iter().all(|j| j.state == UploadJobState::Done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_blocked_by_another_uploader_says_why_and_carries_on_when_it_is_gone() {
    let (dir, app, ids) = app_with_photos(2);
    app.queue_add(publish(&ids)).await.unwrap();
    // `stockroom upload` in another process holds the queue lock.
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join("lib/uploads.lock"))
        .unwrap();
    lock.try_lock().unwrap();

    let (events, sink) = recorder();
    app.restart_background_uploads(sink).await;
    until("the stopped state", async || app.queue_list().await.unwrap().stopped.is_some()).await;
    let stopped = app.queue_list().await.unwrap().stopped.unwrap();
    assert!(stopped.message.contains("already uploading"), "{}", stopped.message);
    assert!(stopped.fix.contains("stockroom upload"), "{}", stopped.fix);
    assert!(stopped.retry_at > 0);
    assert!(events.lock().unwrap().iter().any(|e| matches!(e, UploadEvent::Stopped { .. })), "the window is told");

    drop(lock);
    app.retry_background_uploads();
    until("the queue to publish", async || all_done(&app).await).await;
    assert!(app.queue_list().await.unwrap().stopped.is_none(), "running again clears it");
    app.stop_background_uploads().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_waits_for_the_run_it_replaces() {
    let (_dir, app, ids) = app_with_photos(3);
    let (events, sink) = recorder();
    app.restart_background_uploads(sink).await;
    // Account or settings changes restart the run in quick succession.
    for _ in 0..3 {
        let (_, sink) = recorder();
        app.restart_background_uploads(sink).await;
    }
    let (events2, sink) = recorder();
    app.restart_background_uploads(sink).await;
    app.queue_add(publish(&ids)).await.unwrap();
    until("the queue to publish", async || all_done(&app).await).await;
    for e in events.lock().unwrap().iter().chain(events2.lock().unwrap().iter()) {
        assert!(!matches!(e, UploadEvent::Stopped { .. }), "a restart raced the old run: {e:?}");
    }
    assert!(app.queue_list().await.unwrap().stopped.is_none());
    app.stop_background_uploads().await;
}
