//! A fresh emulator per test, and a client pointed at it.

use std::path::{Path, PathBuf};

use sr_emulator::{EmulatorConfig, EmulatorHandle};
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret, UploadRequest, UploadSource, UploadedFile};

pub const PRIVATE_KEY: &str = "private_contract_key_5f2a";
pub const PUBLIC_KEY: &str = "public_contract_key";

pub struct Env {
    pub emu: EmulatorHandle,
    pub client: Client,
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn base(&self) -> String {
        self.emu.base_url()
    }

    pub fn config(&self, auth: RemoteAuth) -> RemoteConfig {
        RemoteConfig::new(self.base(), self.base(), self.emu.url_endpoint(), auth)
    }

    pub fn client_with_key(&self, key: &str) -> Client {
        Client::new(self.config(RemoteAuth::PrivateKey(Secret::new(key)))).unwrap()
    }

    /// Writes `bytes` to a file in the test's temp dir.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub async fn shutdown(self) {
        self.emu.shutdown().await;
    }
}

pub async fn env() -> Env {
    env_with(|c| c).await
}

pub async fn env_with(tweak: impl FnOnce(EmulatorConfig) -> EmulatorConfig) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let cfg = tweak(EmulatorConfig::with_keys(dir.path().join("emu"), PRIVATE_KEY, PUBLIC_KEY));
    let emu = sr_emulator::start(cfg, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = Client::new(RemoteConfig::new(
        emu.base_url(),
        emu.base_url(),
        emu.url_endpoint(),
        RemoteAuth::PrivateKey(Secret::new(PRIVATE_KEY)),
    ))
    .unwrap();
    Env { emu, client, dir }
}

/// Deterministic pseudo-random bytes (not compressible, not all zero).
pub fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A real PNG made by ffmpeg (`-f lavfi`), `w`x`h`.
pub fn png(dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
    let out = dir.join(name);
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc=size={w}x{h}:rate=1"))
        .args(["-frames:v", "1"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed");
    assert!(status.success());
    out
}

/// Uploads in-memory bytes under `folder` with the exact name (no unique suffix).
pub async fn put(client: &Client, folder: &str, name: &str, data: &[u8]) -> UploadedFile {
    client
        .upload(
            UploadRequest {
                folder: Some(folder.into()),
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Bytes(data.to_vec().into()), name)
            },
            |_| {},
            None,
        )
        .await
        .unwrap()
}
