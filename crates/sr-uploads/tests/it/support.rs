//! Test rig: an emulator on loopback, a library in a temp dir, assets written by the test.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sr_emulator::{EmulatorConfig, EmulatorHandle};
use sr_library::{Asset, AssetKind, AssetStatus, Job, JobSpec, JobState, Library, NewJob};
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret};
use sr_uploads::{AccountLimits, Backoff, RunSummary, Settings, SystemClock, UploadEvent, UploadTarget, Uploader};
use tokio_util::sync::CancellationToken;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub lib: Arc<Library>,
    pub emu: EmulatorHandle,
    pub client: Client,
    pub limits: AccountLimits,
    /// Unique per test: an account's gate is process-wide ([`sr_remote::shared_gate`]), and the
    /// tests of one binary run in parallel.
    pub account: String,
}

pub async fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let emu = sr_emulator::start(
        EmulatorConfig::with_keys(dir.path().join("emulator"), "private_test", "public_test"),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let client = client_for(&emu.base_url(), &emu.url_endpoint());
    let lib = Arc::new(Library::open(&dir.path().join("library")).unwrap());
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let account = format!("test-account-{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    Env { dir, lib, emu, client, limits: AccountLimits { max_file_bytes: 50 << 20, max_video_bytes: 2 << 30 }, account }
}

pub fn client_for(base: &str, endpoint: &str) -> Client {
    Client::new(RemoteConfig::new(base, base, endpoint, RemoteAuth::PrivateKey(Secret::new("private_test")))).unwrap()
}

pub fn settings() -> Settings {
    Settings {
        concurrency: 3,
        backoff: Backoff { base: Duration::from_millis(20), max: Duration::from_millis(200), jitter: 0.5 },
        probe_interval: Duration::from_millis(20),
        progress_interval: Duration::from_millis(0),
        seed: 7,
        ..Settings::default()
    }
}

/// Distinct deterministic content: `size` bytes derived from `seed`.
pub fn content(seed: u64, size: usize) -> Vec<u8> {
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

fn mtime_ns(path: &Path) -> i64 {
    std::fs::metadata(path).unwrap().modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        as i64
}

/// Writes `name` with `bytes` under the temp dir and records it as a library asset.
pub fn asset(env: &Env, name: &str, bytes: &[u8]) -> Asset {
    let dir = env.dir.path().join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let size = bytes.len() as u64;
    let a = Asset {
        id: 0,
        path: path.clone(),
        name: name.into(),
        size,
        mtime_ns: mtime_ns(&path),
        sample_hash: sr_library::identity::sampled_hash(&path, size).unwrap(),
        full_hash: sr_library::identity::full_hash(&path, size).unwrap(),
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
        remote_folder: "/".into(),
        imported_at: 0,
        updated_at: 0,
    };
    let id = env.lib.insert_assets_for_tests(std::slice::from_ref(&a)).unwrap()[0];
    env.lib.asset(id).unwrap().unwrap()
}

pub fn spec(name: &str) -> JobSpec {
    JobSpec { folder: "/products/".into(), file_name: name.into(), ..JobSpec::default() }
}

pub fn queue(env: &Env, asset_id: i64, spec: JobSpec) -> Job {
    env.lib.add_upload_jobs(&env.account, &[NewJob { asset_id, spec, priority: 0 }], 1).unwrap().remove(0)
}

pub fn uploader(env: &Env, settings: Settings) -> Uploader {
    let target = UploadTarget { account: env.account.clone(), client: env.client.clone(), limits: env.limits };
    Uploader::new(env.lib.clone(), target, Arc::new(SystemClock), settings, None)
}

/// Runs until idle, collecting events.
pub async fn run(env: &Env, settings: Settings) -> (RunSummary, Vec<UploadEvent>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let summary = uploader(env, settings)
        .run(true, CancellationToken::new(), move |e| sink.lock().unwrap().push(e))
        .await
        .unwrap();
    let events = events.lock().unwrap().clone();
    (summary, events)
}

/// Every current file on the emulator.
pub async fn remote_files(env: &Env) -> Vec<sr_remote::File> {
    env.client
        .list_all(&sr_remote::ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|i| i.as_file().cloned())
        .collect()
}

pub fn job(env: &Env, id: i64) -> Job {
    env.lib.upload_job(id).unwrap().unwrap()
}

/// What a kill right after the remote stored the file leaves behind: the job `uploading`, `maybe_sent`.
pub fn crash_mid_upload(env: &Env, id: i64, started_ms: i64) {
    env.lib
        .transition_upload_job(id, &[JobState::Queued], JobState::Uploading, started_ms, |j| {
            j.maybe_sent = true;
            j.attempts = 1;
            j.attempt_started_at = Some(started_ms);
        })
        .unwrap()
        .unwrap();
}
