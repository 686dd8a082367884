//! Test rig: one emulator, any number of libraries syncing with it, and a direct API client.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Map, Value};
use sr_emulator::{EmulatorConfig, EmulatorHandle, SeedFile};
use sr_imagekit::metadata::{FieldSchema, FieldType, NewField};
use sr_library::Library;
use sr_library::sync::Fields;
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret};
use sr_sync::{KillPoint, PlanOptions, SyncOptions, SyncReport, Syncer};
use tokio_util::sync::CancellationToken;

pub struct Rig {
    pub dir: tempfile::TempDir,
    pub emu: EmulatorHandle,
    /// The direct API client (a colleague's script, the dashboard).
    pub api: Client,
    /// Unique per rig: the process-wide gate is per account.
    pub account: String,
}

pub struct Side {
    pub lib: Arc<Library>,
    pub path: std::path::PathBuf,
    pub syncer: Syncer,
}

pub fn client_for(emu: &EmulatorHandle) -> Client {
    let base = emu.base_url();
    Client::new(RemoteConfig::new(
        &base,
        &base,
        emu.url_endpoint(),
        RemoteAuth::PrivateKey(Secret::new("private_test")),
    ))
    .unwrap()
}

pub async fn rig() -> Rig {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = tempfile::tempdir().unwrap();
    let emu = sr_emulator::start(
        EmulatorConfig::with_keys(dir.path().join("emulator"), "private_test", "public_test"),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let api = client_for(&emu);
    api.create_custom_metadata_field(&NewField {
        name: "season".into(),
        label: "Season".into(),
        schema: FieldSchema::of_type(FieldType::Text),
        description: None,
    })
    .await
    .unwrap();
    let account = format!("test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
    Rig { dir, emu, api, account }
}

impl Rig {
    pub fn side(&self, name: &str) -> Side {
        let path = self.dir.path().join(name);
        let lib = Arc::new(Library::open(&path).unwrap());
        self.side_at(lib, path)
    }
    pub fn side_at(&self, lib: Arc<Library>, path: std::path::PathBuf) -> Side {
        let syncer = Syncer {
            library: lib.clone(),
            client: client_for(&self.emu),
            account: self.account.clone(),
            gate: sr_remote::shared_gate(&self.account, Duration::from_millis(20)),
        };
        Side { lib, path, syncer }
    }
    /// Reopens a side's library from disk (after a "kill").
    pub fn reopen(&self, side: Side) -> Side {
        let path = side.path.clone();
        drop(side);
        let lib = Arc::new(Library::open(&path).unwrap());
        self.side_at(lib, path)
    }
    /// Seeds files straight into the emulator's store; returns their ids.
    pub fn seed(&self, files: &[(&str, &[&str], Value)]) -> Vec<String> {
        let seeds: Vec<SeedFile> = files
            .iter()
            .enumerate()
            .map(|(i, (path, tags, meta))| SeedFile {
                path: path.to_string(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                metadata: meta.as_object().cloned().unwrap_or_default(),
                bytes: format!("file {i} {path}").into_bytes(),
            })
            .collect();
        self.emu.seed_files(&seeds).unwrap()
    }
    /// The remote's fields of a file, read through the API.
    pub async fn remote_fields(&self, file_id: &str) -> Option<Fields> {
        match self.api.get_file_details(file_id).await {
            Ok(f) => {
                let mut tags = f.tags.clone().unwrap_or_default();
                tags.sort();
                let folder = f.file_path[..=f.file_path.rfind('/').unwrap()].to_owned();
                Some(Fields { name: f.name, folder, tags, metadata: f.custom_metadata })
            }
            Err(sr_remote::RemoteError::NotFound { .. }) => None,
            Err(e) => panic!("{e}"),
        }
    }
}

pub fn opts() -> SyncOptions {
    SyncOptions { dry_run: false, plan: PlanOptions::default(), full_listing: false }
}

impl Side {
    pub async fn sync_with(&self, o: &SyncOptions) -> SyncReport {
        self.syncer.run(o, CancellationToken::new(), |_| {}).await.unwrap()
    }
    pub async fn sync(&self) -> SyncReport {
        let r = self.sync_with(&opts()).await;
        assert!(r.errors.is_empty(), "{:#?}", r.errors);
        r
    }
    pub async fn dry(&self) -> SyncReport {
        self.sync_with(&SyncOptions { dry_run: true, ..opts() }).await
    }
    pub async fn full(&self) -> SyncReport {
        self.sync_with(&SyncOptions { full_listing: true, ..opts() }).await
    }
    /// Runs until the kill point fires (then drops the run) or the run ends.
    pub async fn sync_killed(&self, o: &SyncOptions, kill: &KillPoint) -> Option<SyncReport> {
        tokio::select! {
            r = self.syncer.run_with(o, CancellationToken::new(), |_| {}, Some(kill)) => Some(r.unwrap()),
            _ = kill.wait() => None,
        }
    }
    /// file id → asset id of this library.
    pub fn assets(&self) -> BTreeMap<String, i64> {
        let inputs = self.lib.sync_inputs(&self.syncer.account).unwrap();
        inputs.links.iter().map(|l| (l.file_id.clone(), l.asset_id)).collect()
    }
    pub fn asset(&self, file_id: &str) -> i64 {
        self.assets()[file_id]
    }
    pub fn fields(&self, asset_id: i64) -> Fields {
        let inputs = self.lib.sync_inputs(&self.syncer.account).unwrap();
        inputs.locals.into_iter().find(|l| l.asset_id == asset_id).unwrap().fields
    }
    pub fn tag(&self, file_id: &str, tag: &str) {
        self.lib.add_tags(&[self.asset(file_id)], &[tag.to_owned()], now()).unwrap();
    }
    pub fn untag(&self, file_id: &str, tag: &str) {
        self.lib.remove_tags(&[self.asset(file_id)], &[tag.to_owned()], now()).unwrap();
    }
    pub fn set_meta(&self, file_id: &str, key: &str, value: Value) {
        let mut m = Map::new();
        m.insert(key.into(), value);
        self.lib.set_metadata(&self.syncer.account, &[self.asset(file_id)], &m, now()).unwrap();
    }
    pub fn rename(&self, file_id: &str, name: &str) {
        self.lib.rename_asset(self.asset(file_id), name, now()).unwrap();
    }
    pub fn move_to(&self, file_id: &str, folder: &str) {
        self.lib.set_folder(&[self.asset(file_id)], folder, now()).unwrap();
    }
    pub fn conflicts(&self) -> Vec<sr_library::sync::Conflict> {
        self.lib.conflicts(&self.syncer.account, true).unwrap()
    }
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
