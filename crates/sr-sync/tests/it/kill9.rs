//! Real `kill -9`: the sync runs in a child process (this test binary, re-run on one test) that
//! stops at a chosen kill point and says so; the parent kills it with SIGKILL there, then syncs
//! to the end in-process and checks nothing was lost or applied twice.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sr_library::Library;
use sr_sync::{KillPoint, Syncer};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

use crate::support::*;

const CHILD: &str = "SR_SYNC_KILL9_CHILD";

/// The child's side: runs only when the parent starts it (with `CHILD` set); otherwise passes.
#[tokio::test]
async fn sync_child_process() {
    let Ok(spec) = std::env::var(CHILD) else { return };
    let v: serde_json::Value = serde_json::from_str(&spec).unwrap();
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    let lib = Arc::new(Library::open(std::path::Path::new(&s("library"))).unwrap());
    let base = s("base");
    let client = sr_remote::Client::new(sr_remote::RemoteConfig::new(
        &base,
        &base,
        s("endpoint"),
        sr_remote::RemoteAuth::PrivateKey(sr_remote::Secret::new("private_test")),
    ))
    .unwrap();
    let account = s("account");
    let syncer = Syncer {
        library: lib,
        client,
        account: account.clone(),
        gate: sr_remote::shared_gate(&account, Duration::from_millis(20)),
    };
    let kill = KillPoint::new(v["at"].as_u64().unwrap());
    let o = opts();
    tokio::select! {
        r = syncer.run_with(&o, CancellationToken::new(), |_| {}, Some(&kill)) => {
            r.unwrap();
            println!("DONE");
        }
        _ = kill.wait() => {
            println!("AT KILL POINT");
            std::future::pending::<()>().await;
        }
    }
}

#[tokio::test]
async fn a_sync_killed_with_sigkill_at_any_point_resumes_without_loss_or_repeats() {
    let rig = rig().await;
    let files: Vec<String> = (0..6).map(|i| format!("/k/f{i}.jpg")).collect();
    let refs: Vec<(&str, &[&str], serde_json::Value)> =
        files.iter().map(|p| (p.as_str(), &["seed"][..], json!({}))).collect();
    let ids = rig.seed(&refs);
    let a = rig.side("lib-a");
    a.sync().await;
    let mut kills = 0;
    for (round, at) in [2u64, 5, 9, 14, 20, 27].into_iter().enumerate() {
        // New edits each round: a tag on every file, metadata on one, a rename of another.
        let tag = format!("r{round}");
        let all: Vec<i64> = a.assets().values().copied().collect();
        a.lib.add_tags(&all, std::slice::from_ref(&tag), now()).unwrap();
        a.set_meta(&ids[round % 6], "season", json!(format!("s{round}")));
        a.rename(&ids[(round + 1) % 6], &format!("n{round}.jpg"));
        let spec = json!({
            "library": a.path.to_str().unwrap(),
            "base": rig.emu.base_url(),
            "endpoint": rig.emu.url_endpoint(),
            "account": rig.account,
            "at": at,
        });
        let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "kill9::sync_child_process", "--nocapture", "--test-threads=1"])
            .env(CHILD, spec.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("AT KILL POINT") {
                child.start_kill().unwrap(); // SIGKILL
                kills += 1;
                break;
            }
            if line.contains("DONE") {
                break;
            }
        }
        child.wait().await.unwrap();
    }
    assert!(kills >= 4, "the child was really killed: {kills}");
    let a = rig.reopen(a);
    a.sync().await;
    let again = a.sync().await;
    assert!(again.plan.operations.is_empty(), "{:#?}", again.plan.operations);
    for id in &ids {
        assert_eq!(a.fields(a.asset(id)), rig.remote_fields(id).await.unwrap(), "{id}");
        let tags = rig.remote_fields(id).await.unwrap().tags;
        assert_eq!(tags.len(), 7, "seed and every round's tag: {tags:?}");
    }
    // No tag call and no metadata value went twice.
    let mut sent: BTreeMap<String, u32> = BTreeMap::new();
    for l in rig.emu.request_log().iter().filter(|l| l.succeeded()) {
        if l.path == "/v1/files/addTags" {
            for f in l.body["fileIds"].as_array().unwrap() {
                *sent.entry(format!("tag {f} {}", l.body["tags"])).or_default() += 1;
            }
        } else if l.method == "PATCH" {
            *sent.entry(format!("meta {} {}", l.path, l.body)).or_default() += 1;
        } else if l.path == "/v1/files/rename" {
            *sent.entry(format!("rename {}", l.body)).or_default() += 1;
        }
    }
    for (k, n) in &sent {
        assert_eq!(*n, 1, "{k} applied {n} times");
    }
}
