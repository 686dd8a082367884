//! Test and benchmark hook: files written straight into the store, without HTTP or multipart.
//!
//! Over `store` and `sniff`; what [`seed_files`] writes is exactly what an upload would have stored
//! (one version, sniffed MIME and size, published, public), so every route serves it as usual.
//! The files of one call are created (and updated) in the order given, up to now: a millisecond
//! apart where the time since the last change allows, several to a millisecond where it does not.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use crate::error::EmulatorError;
use crate::ik;
use crate::sniff::{self, Sniffed};
use crate::store::{self, FileRow, Store, VersionRec, new_id};

/// One file to seed: where it lives, its tags and custom metadata, and its bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeedFile {
    /// `/a/b/name.jpg` (a leading `/` is added when missing). The folders are created.
    pub path: String,
    pub tags: Vec<String>,
    /// Custom metadata stored as given: **not** validated against the fields (seed the fields
    /// first through the API when a test needs them checked).
    pub metadata: Map<String, Value>,
    pub bytes: Vec<u8>,
}

impl SeedFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        SeedFile { path: path.into(), bytes: bytes.into(), ..Default::default() }
    }
}

/// Writes `files` in one transaction (all or none) and returns their file ids, in order. A path that
/// already holds a file, or appears twice, is refused and nothing is written.
pub fn seed_files(store: &Store, files: &[SeedFile]) -> Result<Vec<String>, EmulatorError> {
    // As if uploaded one after another up to now: a millisecond apart where there is room, never
    // in the future, after every earlier change (see `spread_stamps`).
    let stamps = store::spread_stamps(files.len());
    let mut sniffed: HashMap<(u64, usize, String), Sniffed> = HashMap::new();
    let mut written: Vec<std::path::PathBuf> = Vec::new();
    let result = (|| -> Result<Vec<String>, EmulatorError> {
        let mut conn = store.lock();
        let tx = store::begin(&mut conn)?;
        let mut folders_done = std::collections::HashSet::new();
        let mut ids = Vec::with_capacity(files.len());
        for (f, stamp) in files.iter().zip(&stamps) {
            let now = store::iso_of_ms(*stamp);
            let path = if f.path.starts_with('/') { f.path.clone() } else { format!("/{}", f.path) };
            let i = path.rfind('/').unwrap_or(0);
            let folder = ik::normalize_folder(&path[..=i]).map_err(EmulatorError::Seed)?;
            let name = path[i + 1..].to_string();
            if name.is_empty() {
                return Err(EmulatorError::Seed(format!("{path}: a seeded file needs a name")));
            }
            if store::get_file_at(&tx, &folder, &name)?.is_some() {
                return Err(EmulatorError::Seed(format!("{folder}{name} already holds a file")));
            }
            if folders_done.insert(folder.clone()) {
                store::ensure_folder(&tx, &folder)?;
            }
            let id = new_id();
            let blob_path = store.blob_path(&id);
            std::fs::write(&blob_path, &f.bytes)
                .map_err(|source| EmulatorError::DataDir { path: blob_path.clone(), source })?;
            written.push(blob_path.clone());
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            let mut h = std::collections::hash_map::DefaultHasher::new();
            f.bytes.hash(&mut h);
            let sn = sniffed
                .entry((h.finish(), f.bytes.len(), ext))
                .or_insert_with(|| sniff::sniff(&blob_path, &name))
                .clone();
            store::insert_file(
                &tx,
                &FileRow {
                    file_id: id.clone(),
                    folder,
                    name,
                    current: id.clone(),
                    created_at: now.clone(),
                    seq: store::next_seq(&tx)?,
                },
            )?;
            let v = VersionRec {
                version_id: id.clone(),
                file_id: id.clone(),
                number: 1,
                size: f.bytes.len() as u64,
                mime: sn.mime,
                file_type: sn.file_type,
                format: sn.format,
                width: sn.width,
                height: sn.height,
                has_alpha: sn.has_alpha,
                duration: sn.duration,
                bit_rate: sn.bit_rate,
                video_codec: sn.video_codec,
                audio_codec: sn.audio_codec,
                tags: Some(f.tags.clone()).filter(|t| !t.is_empty()),
                ai_tags: None,
                custom_metadata: f.metadata.clone(),
                custom_coordinates: None,
                is_private: false,
                is_published: true,
                description: None,
                created_at: now.clone(),
                updated_at: now.clone(),
                blob: id.clone(),
            };
            store::put_version(&tx, &v)?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    })();
    if result.is_err() {
        for p in written {
            let _ = std::fs::remove_file(p);
        }
    }
    result
}
