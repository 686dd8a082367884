//! THE chaos test: 100 queued files, an emulator injecting mid-body resets, lost answers, 500s and 429
//! bursts, and `stockroom upload` SIGKILLed at random moments at least 10 times and restarted. At the
//! end every file is on the remote exactly once with its tags and metadata, the library records each
//! fileId and URL, and the database is sound.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use serde_json::json;
use sr_emulator::{EmulatorConfig, FaultAction, FaultRule};
use sr_library::{Asset, AssetKind, AssetStatus, JobState, Library};
use sr_remote::{Client, ListQuery, RemoteAuth, RemoteConfig, Secret};

const FILES: usize = 100;
const KILLS: usize = 10;

fn content(seed: u64, size: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn assets(lib: &Library, dir: &Path) -> Vec<i64> {
    let rows: Vec<Asset> = (0..FILES)
        .map(|i| {
            let path = dir.join(format!("item-{i:03}.bin"));
            let bytes = content(i as u64 + 1, 6_000 + 97 * i);
            std::fs::write(&path, &bytes).unwrap();
            let size = bytes.len() as u64;
            let mtime_ns = std::fs::metadata(&path)
                .unwrap()
                .modified()
                .unwrap()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as i64;
            Asset {
                id: 0,
                name: format!("item-{i:03}.bin"),
                size,
                mtime_ns,
                sample_hash: sr_library::identity::sampled_hash(&path, size).unwrap(),
                full_hash: sr_library::identity::full_hash(&path, size).unwrap(),
                path,
                kind: AssetKind::Image,
                container: None,
                video_codec: None,
                audio_codec: None,
                width: None,
                height: None,
                rotation: 0,
                duration_s: None,
                frame_rate: None,
                bit_rate: None,
                thumb_path: None,
                status: AssetStatus::Local,
                status_detail: None,
                remote_folder: "/chaos/".into(),
                imported_at: 0,
                updated_at: 0,
            }
        })
        .collect();
    lib.insert_assets_for_tests(&rows).unwrap()
}

fn stockroom(library: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stockroom"));
    c.arg("--library").arg(library).env_remove("STOCKROOM_LIBRARY");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_the_uploader_repeatedly_and_nothing_is_lost_or_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();

    let emu = sr_emulator::start(
        EmulatorConfig::with_keys(dir.path().join("emulator"), "private_chaos", "public_chaos"),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let base = emu.base_url();
    let client = Client::new(RemoteConfig::new(
        &base,
        &base,
        emu.url_endpoint(),
        RemoteAuth::PrivateKey(Secret::new("private_chaos")),
    ))
    .unwrap();
    client
        .create_custom_metadata_field(&sr_imagekit::metadata::NewField {
            name: "lot".into(),
            label: "Lot".into(),
            schema: sr_imagekit::metadata::FieldSchema::of_type(sr_imagekit::metadata::FieldType::Number),
            description: None,
        })
        .await
        .unwrap();

    // The library with 100 assets, and the emulator as its active account.
    let ids = {
        let lib = Library::open(&library).unwrap();
        assets(&lib, &files)
    };
    {
        let app = sr_api::Stockroom::open(sr_api::OpenOptions { library_dir: Some(library.clone()) }).unwrap();
        app.use_imagekit(sr_api::ImagekitAccountInput {
            url_endpoint: emu.url_endpoint(),
            public_key: "public_chaos".into(),
            private_key: Some("private_chaos".into()),
            api_base: Some(base.clone()),
            upload_base: Some(base.clone()),
            store_key_in_file: true,
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let mut add = stockroom(&library);
    add.args(["queue", "add"]).args(ids.iter().map(|i| i.to_string())).args(["--tag", "chaos", "--meta", "lot=7"]);
    let out = add.output().unwrap();
    assert!(out.status.success(), "queue add: {}", String::from_utf8_lossy(&out.stderr));

    // Faults, seeded: resets mid-body, lost answers (stored, then cut), 500s, 429 bursts, slow answers.
    let f = emu.faults();
    f.add(FaultRule::new("upload", FaultAction::Latency { ms: 25 }));
    f.add(FaultRule::new("upload", FaultAction::ResetRequest { after_bytes: 3_000 }).probability(0.12, 1));
    f.add(FaultRule::new("upload", FaultAction::ResetResponse { after_bytes: 5 }).probability(0.12, 2));
    f.add(FaultRule::new("upload", FaultAction::Status { status: 500 }).probability(0.08, 3));
    f.add(FaultRule::new("upload", FaultAction::RateLimit { reset_ms: 150 }).probability(0.04, 4));
    f.add(FaultRule::new("list", FaultAction::Status { status: 503 }).probability(0.05, 5));

    // SIGKILL at random moments, restarting each time.
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut kills = 0;
    let mut runs = 0;
    while kills < KILLS {
        runs += 1;
        assert!(runs < 40, "the queue finished before it could be killed {KILLS} times");
        let mut child = stockroom(&library)
            .args(["--json", "upload", "--concurrency", "4", "--retry-base-ms", "40", "--seed"])
            .arg(runs.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(rng.random_range(60..700))).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
    }

    // The last run is left alone and must finish everything.
    let out =
        stockroom(&library).args(["--json", "upload", "--concurrency", "4", "--retry-base-ms", "40"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "final run failed: {stdout}");
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "batch_finished");
    assert_eq!(last["done"], FILES);
    f.clear();

    // Every file exactly once, with its tags and metadata.
    let remote: Vec<sr_remote::File> = client
        .list_all(&ListQuery { path: Some("/chaos/".into()), ..ListQuery::default() })
        .await
        .unwrap()
        .into_iter()
        .filter_map(|i| i.as_file().cloned())
        .collect();
    assert_eq!(remote.len(), FILES, "one remote file per asset, no duplicates");
    let versions = client
        .list_all(&ListQuery { type_: Some(sr_remote::ItemTypeFilter::FileVersion), ..ListQuery::default() })
        .await
        .unwrap();
    assert!(versions.is_empty(), "no file was overwritten by a second copy: {} extra versions", versions.len());
    let lib = Library::open(&library).unwrap();
    let jobs = lib.upload_jobs(None).unwrap();
    assert_eq!(jobs.len(), FILES);
    for j in &jobs {
        assert_eq!(j.state, JobState::Done, "{j:?}");
        let copy = j.remote.as_ref().expect("fileId recorded");
        let f = remote.iter().find(|f| f.file_id == copy.file_id).expect("recorded fileId exists remotely");
        assert_eq!(copy.url, f.url);
        assert_eq!(f.name, j.spec.file_name);
        assert_eq!(f.size, j.expected_size);
        assert_eq!(f.tags.as_deref(), Some(&["chaos".to_string()][..]));
        assert_eq!(f.custom_metadata.get("lot"), Some(&json!(7)));
    }
    let mut distinct: Vec<&str> = jobs.iter().map(|j| j.remote.as_ref().unwrap().file_id.as_str()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), FILES);
    assert_eq!(lib.integrity_check().unwrap(), "ok");
}
