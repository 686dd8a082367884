//! Faults: server errors and cut connections are retried with backoff, a lost answer is reconciled
//! instead of duplicated, a 429 waits the reset the remote asked for, and offline jobs resume when the
//! remote answers again.

use std::sync::{Arc, Mutex};

use sr_emulator::{FaultAction, FaultRule};
use sr_library::JobState;
use sr_uploads::{AccountGate, ManualClock, UploadEvent, UploadTarget, Uploader};
use tokio_util::sync::CancellationToken;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_cut_connections_are_retried_without_duplicates() {
    let env = env().await;
    let faults = env.emu.faults();
    // One kind of fault per round (rules that match the same request all fire together).
    let rounds = [
        FaultRule::new("upload", FaultAction::Status { status: 500 }).times(2),
        FaultRule::new("upload", FaultAction::ResetRequest { after_bytes: 20_000 }).times(2),
        // The remote stores the file but the answer is lost: the job must adopt it, not send it twice.
        FaultRule::new("upload", FaultAction::ResetResponse { after_bytes: 10 }).times(2),
    ];
    let mut ids = Vec::new();
    let mut events = Vec::new();
    for (r, rule) in rounds.into_iter().enumerate() {
        faults.add(rule);
        for i in 0..2u64 {
            let a = asset(&env, &format!("f{r}-{i}.bin"), &content(100 + 10 * r as u64 + i, 80_000));
            ids.push(queue(&env, a.id, spec(&a.name)).id);
        }
        let (_, ev) = run(&env, settings()).await;
        events.extend(ev);
    }
    let summary = run(&env, settings()).await.0;
    assert_eq!((summary.done, summary.failed), (6, 0));
    let files = remote_files(&env).await;
    assert_eq!(files.len(), 6, "every file exactly once");
    for id in ids {
        let j = job(&env, id);
        assert!(files.iter().any(|f| Some(&f.file_id) == j.remote.as_ref().map(|r| &r.file_id)));
    }
    assert!(events.iter().any(|e| matches!(e, UploadEvent::Restarting { .. })), "re-sends are announced");
    assert!(events.iter().any(|e| matches!(e, UploadEvent::Adopted { .. })), "a lost answer was reconciled");
    assert!(events.iter().any(|e| matches!(e, UploadEvent::Offline { .. })));
    assert!(events.iter().any(|e| matches!(e, UploadEvent::Online)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_waits_the_reset_it_announced_and_a_little_jitter_never_less() {
    let env = env().await;
    env.emu.faults().add(FaultRule::new("upload", FaultAction::RateLimit { reset_ms: 4_321 }).times(1));
    let a = asset(&env, "slow.bin", &content(7, 1000));
    let j = queue(&env, a.id, spec("slow.bin"));
    let clock = ManualClock::new(1_000_000);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (c2, s2) = (clock.clone(), seen.clone());
    let target = UploadTarget { account: env.account.clone(), client: env.client.clone(), limits: env.limits };
    let uploader = Uploader::new(env.lib.clone(), target, Arc::new(clock.clone()), settings(), None);
    let summary = uploader
        .run(true, CancellationToken::new(), move |e| {
            if let UploadEvent::JobChanged { state: JobState::Queued, next_retry_at: Some(t), .. } = &e {
                s2.lock().unwrap().push(*t);
                // Time passes only when the test says so: jump to the announced reset.
                c2.set(*t);
            }
        })
        .await
        .unwrap();
    assert_eq!(summary.done, 1);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    // Never before the reset; at most a tenth of the wait after it.
    assert!((1_000_000 + 4_321..=1_000_000 + 4_321 + 432).contains(&seen[0]), "{seen:?}");
    let j = job(&env, j.id);
    assert_eq!(j.attempts, 2);
    assert!(!j.maybe_sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_held_back_by_one_rate_limit_come_back_spread_out_not_all_at_once() {
    let env = env().await;
    env.emu.faults().add(FaultRule::new("upload", FaultAction::RateLimit { reset_ms: 5_000 }).times(3));
    let ids: Vec<i64> = (0..3u64)
        .map(|i| {
            let a = asset(&env, &format!("burst-{i}.bin"), &content(40 + i, 1000));
            queue(&env, a.id, spec(&a.name)).id
        })
        .collect();
    let clock = ManualClock::new(2_000_000);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let target = UploadTarget { account: env.account.clone(), client: env.client.clone(), limits: env.limits };
    let uploader = Uploader::new(env.lib.clone(), target, Arc::new(clock.clone()), settings(), None);
    let run = uploader.run(true, CancellationToken::new(), move |e| {
        if let UploadEvent::JobChanged { state: JobState::Queued, next_retry_at: Some(t), .. } = &e {
            s2.lock().unwrap().push(*t);
        }
    });
    let waiter = {
        let (seen, clock) = (seen.clone(), clock.clone());
        async move {
            // Once all three are held back, let the time pass.
            while seen.lock().unwrap().len() < 3 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            clock.set(2_000_000 + 5_000 + 1_000);
        }
    };
    let (summary, ()) = tokio::join!(run, waiter);
    assert_eq!(summary.unwrap().done, 3);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|t| (2_005_000..=2_005_500).contains(t)), "never before the reset: {seen:?}");
    let mut distinct = seen.clone();
    distinct.dedup();
    assert!(distinct.len() > 1, "spread out: {seen:?}");
    for id in ids {
        assert_eq!(job(&env, id).state, JobState::Done);
    }
}

/// The hold is the account's, not the queue's: a 429 met by another caller sharing the gate (sync)
/// keeps the queue from starting until the reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_met_by_another_caller_of_the_account_holds_the_queue_too() {
    let env = env().await;
    let a = asset(&env, "held.bin", &content(9, 1000));
    let j = queue(&env, a.id, spec("held.bin"));
    let clock = ManualClock::new(3_000_000);
    let gate = Arc::new(AccountGate::new(std::time::Duration::from_millis(20)));
    gate.hold(3_000_000, std::time::Duration::from_secs(60));
    let target = UploadTarget { account: env.account.clone(), client: env.client.clone(), limits: env.limits };
    let uploader = Uploader::new(env.lib.clone(), target, Arc::new(clock.clone()), settings(), None).with_gate(gate);
    let run = tokio::spawn(uploader.run(true, CancellationToken::new(), |_| {}));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let held = job(&env, j.id);
    assert_eq!((held.state, held.attempts), (JobState::Queued, 0), "nothing starts before the reset");
    clock.set(3_060_000);
    assert_eq!(run.await.unwrap().unwrap().done, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_jobs_wait_for_the_network_and_resume_when_it_returns() {
    let env = env().await;
    // A port nobody listens on yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let client = client_for(&base, &format!("{base}/test/"));
    let a = asset(&env, "train.bin", &content(8, 5000));
    let j = queue(&env, a.id, spec("train.bin"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let target = UploadTarget { account: env.account.clone(), client, limits: env.limits };
    let uploader = Uploader::new(env.lib.clone(), target, Arc::new(sr_uploads::SystemClock), settings(), None);
    let run = tokio::spawn(uploader.run(true, CancellationToken::new(), move |e| {
        let _ = tx.send(e);
    }));
    while let Some(e) = rx.recv().await {
        if matches!(e, UploadEvent::Offline { .. }) {
            break;
        }
    }
    // The Offline event and the job's recorded state are written by different tasks: wait for the row.
    let mut waiting = job(&env, j.id);
    for _ in 0..200 {
        if waiting.state == JobState::WaitingForNetwork {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waiting = job(&env, j.id);
    }
    assert_eq!(waiting.state, JobState::WaitingForNetwork);
    assert!(waiting.last_error.unwrap().contains("Could not reach the media library"));
    // The network comes back: an emulator appears on that port.
    let emu2 = sr_emulator::start(
        sr_emulator::EmulatorConfig::with_keys(env.dir.path().join("emu2"), "private_test", "public_test"),
        ([127, 0, 0, 1], port).into(),
    )
    .await
    .unwrap();
    let summary = run.await.unwrap().unwrap();
    assert_eq!(summary.done, 1);
    let mut online = false;
    while let Ok(e) = rx.try_recv() {
        online |= matches!(e, UploadEvent::Online);
    }
    assert!(online);
    let files = env_files(&emu2).await;
    assert_eq!(files, vec!["/products/train.bin".to_string()]);
}

async fn env_files(emu: &sr_emulator::EmulatorHandle) -> Vec<String> {
    client_for(&emu.base_url(), &emu.url_endpoint())
        .list_all(&sr_remote::ListQuery::default())
        .await
        .unwrap()
        .iter()
        .filter_map(|i| i.as_file().map(|f| f.file_path.clone()))
        .collect()
}
