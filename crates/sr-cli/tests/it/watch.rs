//! `stockroom watch ...` as a person or a script uses it: `watch run` killed with SIGKILL during a
//! burst of arrivals and restarted leaves each file ingested exactly once; a second `watch run` on
//! the same library is refused in words; a rule with bad metadata is refused when saved; a file
//! replaced in place is kept as its asset's new version with `watch keep-new-version`.
//!
//! Waits are bounded polls of the library (never a sleep standing in for a condition).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sr_media::fixtures::{ImageFormat, image};

use crate::common::{bin, json, run};

fn watch_run(lib: &Path) -> Child {
    Command::new(bin())
        .arg("--library")
        .arg(lib)
        .args(["watch", "run"])
        .env_remove("STOCKROOM_LIBRARY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch run starts")
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out after {secs} s waiting for {what}");
}

/// The assets' paths, read straight from the library (as another process would).
fn asset_paths(lib: &Path) -> Vec<PathBuf> {
    let l = sr_library::Library::open(lib).unwrap();
    l.assets(0, 100_000).unwrap().into_iter().map(|a| a.path).collect()
}

fn holder(lib: &Path) -> Option<String> {
    json(lib, &["--json", "watch", "status"])["held_by"].as_str().map(str::to_owned)
}

fn distinct_jpeg(base: &[u8], i: u64) -> Vec<u8> {
    let mut b = base.to_vec();
    b.extend_from_slice(format!("stockroom-cli-{i}").as_bytes());
    b
}

fn setup(work: &Path) -> (PathBuf, PathBuf) {
    let lib = work.join("lib");
    let inbox = work.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let out = run(&lib, &["watch", "settings", "--settle-ms", "200"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let added =
        json(&lib, &["--json", "watch", "add", inbox.to_str().unwrap(), "--folder", "/inbox", "--tag", "burst"]);
    assert_eq!(added["remote_folder"], "/inbox/");
    (lib, inbox)
}

fn terminate(mut child: Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "watch run ends cleanly on SIGTERM: {status:?}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("watch run did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_run_killed_during_a_burst_then_restarted_ingests_each_file_exactly_once() {
    const FILES: u64 = 150;
    let work = tempfile::tempdir().unwrap();
    let (lib, inbox) = setup(work.path());
    let base = std::fs::read(image(work.path(), "base.jpg", 64, 48, ImageFormat::Jpeg)).unwrap();

    let mut child = watch_run(&lib);
    wait_for("the first watcher", 20, || holder(&lib).is_some());
    // The burst: files keep arriving while the watcher is killed and restarted.
    let writer = {
        let inbox = inbox.clone();
        std::thread::spawn(move || {
            for i in 0..FILES {
                std::fs::write(inbox.join(format!("look-{i:03}.jpg")), distinct_jpeg(&base, i)).unwrap();
                if i % 10 == 9 {
                    // The pace of a card reader, not a wait for anything.
                    std::thread::sleep(Duration::from_millis(60));
                }
            }
        })
    };
    for threshold in [20, 70] {
        wait_for("some files ingested", 60, || asset_paths(&lib).len() >= threshold);
        child.kill().unwrap(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        child = watch_run(&lib);
    }
    writer.join().unwrap();
    wait_for("every file ingested", 120, || asset_paths(&lib).len() as u64 >= FILES);
    wait_for("an empty ledger", 30, || {
        json(&lib, &["--json", "watch", "status"])["ledger"].as_array().is_some_and(|l| l.is_empty())
    });
    terminate(child);

    let mut paths = asset_paths(&lib);
    assert_eq!(paths.len() as u64, FILES, "one asset per file");
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len() as u64, FILES, "each file exactly once");
    let l = sr_library::Library::open(&lib).unwrap();
    let mut hashes: Vec<String> = l.assets(0, 100_000).unwrap().into_iter().map(|a| a.full_hash).collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len() as u64, FILES, "no content twice");
    let any = l.assets(0, 1).unwrap().remove(0);
    assert_eq!(l.tags_of(any.id).unwrap(), ["burst"], "the folder's tag");
}

#[test]
fn a_second_watch_run_on_the_same_library_is_refused_in_words() {
    let work = tempfile::tempdir().unwrap();
    let (lib, _inbox) = setup(work.path());
    let first = watch_run(&lib);
    wait_for("the first watcher", 20, || holder(&lib).is_some());
    assert!(holder(&lib).unwrap().contains("watch run"), "status names who watches");

    let mut second = watch_run(&lib);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = second.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second watch run was not refused");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = second.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("already watching folders for this library"), "in words: {err}");
    terminate(first);
}

#[test]
fn a_rule_with_bad_metadata_is_refused_when_saved() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let inbox = work.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let out = run(&lib, &["watch", "add", inbox.to_str().unwrap(), "--meta", "price=\"cheap\""]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Price") || err.contains("price"), "names the field: {err}");
    let out = run(&lib, &["--json", "watch", "add", inbox.to_str().unwrap(), "--meta", "nope=1"]);
    assert_eq!(out.status.code(), Some(1));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "invalid_input");
    assert_eq!(json(&lib, &["--json", "watch", "list"]), serde_json::json!([]), "nothing saved");

    // A good rule is kept, listed, paused, resumed and removed by its folder.
    json(&lib, &["--json", "watch", "add", inbox.to_str().unwrap(), "--meta", "price=59.9", "--exclude", "*.xmp"]);
    let list = json(&lib, &["--json", "watch", "list"]);
    assert_eq!(list[0]["metadata"]["price"], 59.9);
    assert_eq!(list[0]["excludes"], serde_json::json!(["*.xmp"]));
    assert_eq!(json(&lib, &["--json", "watch", "pause", inbox.to_str().unwrap()])["paused"], true);
    assert_eq!(json(&lib, &["--json", "watch", "resume", inbox.to_str().unwrap()])["paused"], false);
    assert!(run(&lib, &["watch", "remove", inbox.to_str().unwrap()]).status.success());
    assert_eq!(json(&lib, &["--json", "watch", "list"]), serde_json::json!([]));
}

#[test]
fn a_file_replaced_in_place_is_kept_as_the_new_version_with_watch_keep_new_version() {
    let work = tempfile::tempdir().unwrap();
    let (lib, inbox) = setup(work.path());
    let base = std::fs::read(image(work.path(), "base.jpg", 64, 48, ImageFormat::Jpeg)).unwrap();
    let look = inbox.join("look.jpg");
    let child = watch_run(&lib);
    std::fs::write(&look, distinct_jpeg(&base, 1)).unwrap();
    wait_for("look.jpg ingested", 30, || asset_paths(&lib).len() == 1);
    std::fs::write(&look, distinct_jpeg(&base, 2)).unwrap();
    let ledger = || json(&lib, &["--json", "watch", "status"])["ledger"].as_array().cloned().unwrap_or_default();
    wait_for("the replaced file held", 30, || ledger().iter().any(|e| e["reason"]["kind"] == "replaced_in_place"));
    let entry = ledger().into_iter().find(|e| e["reason"]["kind"] == "replaced_in_place").unwrap();
    assert!(entry["actions"].as_array().unwrap().contains(&serde_json::json!("keep_new_version")), "{entry}");
    // In words, with the command to run.
    let out = run(&lib, &["watch", "status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Keep new version") && text.contains("keep-new-version"), "{text}");

    let out = run(&lib, &["watch", "keep-new-version", look.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(ledger().is_empty(), "it left the ledger");
    terminate(child);
    let l = sr_library::Library::open(&lib).unwrap();
    let assets = l.assets(0, 10).unwrap();
    assert_eq!(assets.len(), 1, "never a second asset");
    let size = std::fs::metadata(&look).unwrap().len();
    assert_eq!(assets[0].full_hash, sr_library::identity::full_hash(&look, size).unwrap(), "the new version");
    // Nothing left to keep: refused in words.
    let out = run(&lib, &["watch", "keep-new-version", look.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not waiting or skipped"));
}
