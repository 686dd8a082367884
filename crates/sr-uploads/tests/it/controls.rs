//! Per-job and global controls, priority and order.

use sr_library::JobState;
use sr_uploads::{SystemClock, UploaderHandle};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_cancel_retry_and_the_global_pause() {
    let env = env().await;
    let handle = UploaderHandle::new(env.lib.clone(), std::sync::Arc::new(SystemClock));
    let a = asset(&env, "a.bin", &content(1, 1000));
    let b = asset(&env, "b.bin", &content(2, 1000));
    let c = asset(&env, "c.bin", &content(3, 1000));
    let ja = queue(&env, a.id, spec("a.bin"));
    let jb = queue(&env, b.id, spec("b.bin"));
    let jc = queue(&env, c.id, spec("c.bin"));

    assert_eq!(handle.pause_job(ja.id).unwrap().unwrap().state, JobState::Paused);
    assert_eq!(handle.cancel_job(jb.id).unwrap().unwrap().state, JobState::Cancelled);
    assert!(handle.resume_job(jc.id).unwrap().is_none(), "a queued job cannot be resumed");
    let (summary, _) = run(&env, settings()).await;
    assert_eq!((summary.done, summary.paused, summary.cancelled), (1, 1, 1));
    assert_eq!(remote_files(&env).await.len(), 1);

    handle.resume_job(ja.id).unwrap().unwrap();
    assert_eq!(handle.retry_job(jb.id).unwrap().unwrap().state, JobState::Queued);
    assert!(handle.retry_job(jc.id).unwrap().is_none(), "a done job is not retried");

    // Globally paused: nothing starts, the run returns with the jobs still queued.
    handle.set_paused(true).unwrap();
    let h2 = UploaderHandle::new(env.lib.clone(), std::sync::Arc::new(SystemClock));
    assert!(h2.is_paused(), "the global pause is persisted");
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 1);
    assert_eq!(job(&env, ja.id).state, JobState::Queued);
    handle.set_paused(false).unwrap();
    let (summary, _) = run(&env, settings()).await;
    assert_eq!(summary.done, 3);
    assert_eq!(remote_files(&env).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn higher_priority_and_reordered_jobs_go_first() {
    let env = env().await;
    let mut ids = Vec::new();
    for i in 0..4u64 {
        let a = asset(&env, &format!("p{i}.bin"), &content(20 + i, 1000));
        ids.push(queue(&env, a.id, spec(&a.name)).id);
    }
    env.lib.reorder_upload_jobs(&[ids[2], ids[1]], 5).unwrap();
    env.lib.set_upload_job_priority(ids[3], 10, 5).unwrap();
    let order: Vec<i64> = env.lib.upload_jobs(Some(env.account.as_str())).unwrap().iter().map(|j| j.id).collect();
    assert_eq!(order, vec![ids[3], ids[2], ids[1], ids[0]]);
    let mut s = settings();
    s.concurrency = 1;
    let (_, events) = run(&env, s).await;
    let started: Vec<i64> = events
        .iter()
        .filter_map(|e| match e {
            sr_uploads::UploadEvent::JobChanged { job_id, state: JobState::Uploading, .. } => Some(*job_id),
            _ => None,
        })
        .collect();
    assert_eq!(started, order);
}
