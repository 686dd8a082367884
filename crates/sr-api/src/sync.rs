//! Two-way sync for the app, the CLI and the tests: runs of `sr_sync::Syncer` on the active
//! account (one at a time per library), the app's periodic run, conflicts, the history, each
//! asset's status, remote-only assets' thumbnails and originals, and the settings.

use tokio_util::sync::CancellationToken;

use crate::dto::sync as dto;
use crate::{ApiError, Stockroom};

impl Stockroom {
    /// Pulls, plans and (unless `dry_run`) applies; progress goes to `on_progress`.
    pub async fn sync(
        &self,
        req: dto::SyncRequest,
        stop: Option<CancellationToken>,
        on_progress: impl Fn(dto::SyncProgress) + Send + Sync + 'static,
    ) -> Result<dto::SyncReport, ApiError> {
        let _ = (req, stop, on_progress);
        todo!("façade lane")
    }

    /// The top bar's line: last synced, open conflicts, pending changes, running, problem.
    pub async fn sync_overview(&self) -> Result<dto::SyncOverview, ApiError> {
        todo!("façade lane")
    }

    /// Past runs, newest first.
    pub async fn sync_log(&self, limit: u32) -> Result<Vec<dto::SyncRun>, ApiError> {
        let _ = limit;
        todo!("façade lane")
    }

    pub async fn conflicts(&self, open_only: bool) -> Result<Vec<dto::Conflict>, ApiError> {
        let _ = open_only;
        todo!("façade lane")
    }

    /// Settles conflicts, all the same way; returns them as settled.
    pub async fn resolve_conflicts(&self, req: dto::ResolveConflicts) -> Result<Vec<dto::Conflict>, ApiError> {
        let _ = req;
        todo!("façade lane")
    }

    /// Each asset's status against the active account.
    pub async fn sync_statuses(&self, ids: Vec<i64>) -> Result<Vec<(i64, dto::SyncStatus)>, ApiError> {
        let _ = ids;
        todo!("façade lane")
    }

    pub fn sync_settings(&self) -> Result<dto::SyncSettings, ApiError> {
        todo!("façade lane")
    }

    pub fn set_sync_settings(&self, s: dto::SyncSettings) -> Result<dto::SyncSettings, ApiError> {
        let _ = s;
        todo!("façade lane")
    }

    /// Downloads a remote-only asset's original into the library's `originals/` folder and makes
    /// it a local asset (same id, tags, metadata, link).
    pub async fn download_original(&self, asset_id: i64) -> Result<crate::dto::Asset, ApiError> {
        let _ = asset_id;
        todo!("façade lane")
    }

    /// Fetches (once, then cached) a remote-only asset's thumbnail; returns the asset with its `thumb_url`.
    pub async fn fetch_remote_thumbnail(&self, asset_id: i64) -> Result<crate::dto::Asset, ApiError> {
        let _ = asset_id;
        todo!("façade lane")
    }

    /// Asks for assets to be deleted from the remote library (held until a run confirms it).
    pub fn delete_from_remote(&self, ids: &[i64]) -> Result<crate::dto::organise::EditResult, ApiError> {
        let _ = ids;
        todo!("façade lane")
    }

    /// Renames an asset (its name on the remote); undoable, pushed by the next sync.
    pub fn rename_asset(&self, id: i64, name: &str) -> Result<crate::dto::organise::EditResult, ApiError> {
        let _ = (id, name);
        todo!("façade lane")
    }

    /// Starts (or restarts with new settings) the app's periodic sync; progress and finished runs
    /// go to the callbacks.
    pub async fn start_background_sync(
        &self,
        on_progress: impl Fn(dto::SyncProgress) + Send + Sync + 'static,
        on_report: impl Fn(dto::SyncReport) + Send + Sync + 'static,
    ) {
        let _ = (on_progress, on_report);
        todo!("façade lane")
    }
}
