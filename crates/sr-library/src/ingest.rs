//! Ingest of one watched file (layer: requests): the same identify-and-probe path as a drop, then
//! one IMMEDIATE transaction keyed on the content hash that records the asset, its root's tags,
//! metadata and remote folder, and its ledger row — so a crash at any point never ingests the same
//! content twice. Also the moves and disappearances the watcher finds.
//!
//! SKELETON (issue 10): signatures agreed between sr-library, sr-watch and sr-api.

use std::path::{Path, PathBuf};

use crate::watch::{FileStat, WaitReason, WatchRoot};
use crate::{Asset, Library, LibraryError};

/// What ingesting one path did.
#[derive(Debug, Clone, PartialEq)]
pub enum IngestOutcome {
    /// A new asset.
    Ingested { asset: Asset, auto_upload: bool },
    /// The content was already an asset whose file is gone: that asset now lives here (id, tags,
    /// metadata, presets and remote link kept).
    Moved { asset: Asset, from: PathBuf },
    /// This exact path and content is already the asset.
    AlreadyKnown { asset_id: i64 },
    /// Not ingested; the ledger row says why.
    Skipped { reason: WaitReason, detail: Option<String> },
}

impl Library {
    /// Hashes and probes `path` outside any transaction, checks the file's stat before hashing
    /// equals `expect` and equals the stat after, then records it in one transaction (see module).
    pub fn ingest_watched(
        &self,
        root: &WatchRoot,
        path: &Path,
        expect: FileStat,
        now: i64,
    ) -> Result<IngestOutcome, LibraryError> {
        let _ = (root, path, expect, now);
        todo!("sr-library ingest: ingest_watched")
    }

    /// A move found by identity (inode fast path or hash): the asset keeps its id and everything
    /// on it; its path, name and stat follow the file; its remote folder follows the subfolder
    /// (`remote_folder`), and for an asset already uploaded that records a pending remote move in
    /// the library's remote operations (for sync to apply), never a second upload.
    pub fn relocate_asset(
        &self,
        asset_id: i64,
        to: &Path,
        stat: FileStat,
        remote_folder: Option<&str>,
        now: i64,
    ) -> Result<Asset, LibraryError> {
        let _ = (asset_id, to, stat, remote_folder, now);
        todo!("sr-library ingest: relocate_asset")
    }

    /// Marks assets whose files vanished as missing (never deletes them, locally or remotely).
    pub fn mark_missing(&self, asset_ids: &[i64], now: i64) -> Result<(), LibraryError> {
        let _ = (asset_ids, now);
        todo!("sr-library ingest: mark_missing")
    }

    pub fn asset_by_path(&self, path: &Path) -> Result<Option<Asset>, LibraryError> {
        let _ = path;
        todo!("sr-library ingest: asset_by_path")
    }
}
