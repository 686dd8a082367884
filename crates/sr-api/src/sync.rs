//! Two-way sync for the app, the CLI and the tests: runs of `sr_sync::Syncer` on the active
//! account (one at a time per library), the app's periodic run, conflicts, the history, each
//! asset's status, remote-only assets' thumbnails and originals, and the settings.
//!
//! One run at a time per library: a caller in this process **waits** for the run in progress and
//! then runs its own (the Sync button pressed during a periodic run); another process (`stockroom
//! sync` beside the app) is refused in words while `<library>/sync.lock` is held. The periodic
//! run skips its turn instead of waiting. It never runs while the account is offline (the account's
//! shared gate, the one the upload queue uses, says so) and says why in `sync_overview().problem`;
//! a run that fails or panics is reported there and tried again at the next turn, never silently.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sr_library::sync as ls;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::dto::sync as dto;
use crate::{ApiError, ErrorCode, Stockroom, now_unix};

/// Where the settings are kept (the `upload_settings` key-value table).
const INTERVAL_KEY: &str = "sync_interval_minutes";
const FUSE_KEY: &str = "sync_delete_fuse_files";
const FULL_LISTING_KEY: &str = "sync_full_listing_hours";
const DEFAULT_INTERVAL_MINUTES: u32 = 15;
const DEFAULT_FUSE_FILES: u32 = 20;
const DEFAULT_FULL_LISTING_HOURS: u32 = 24;
/// The account gate's first probe interval (the upload queue's default; the first caller's wins).
const PROBE_INTERVAL: Duration = Duration::from_secs(1);
/// The periodic run's first turn comes this long after the app opens, so opening stays fast.
const STARTUP_DELAY: Duration = Duration::from_secs(30);
/// A periodic run that could not run (offline, failed) is tried again this soon, at most.
const RETRY_WAIT: Duration = Duration::from_secs(60);
const LOCK_FILE: &str = "sync.lock";
/// Where downloaded originals of remote-only assets go, inside the library folder.
const ORIGINALS_DIR: &str = "originals";
const THUMB_EDGE: u32 = 480;
const THUMB_CAP: usize = 16 * 1024 * 1024;

/// Periodic-sync knobs that are not settings: tests make the first turn come at once. `None`
/// keeps the product's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncTuning {
    pub first_turn_after: Option<Duration>,
}

type ProgressSink = Arc<dyn Fn(dto::SyncProgress) + Send + Sync>;
type ReportSink = Arc<dyn Fn(dto::SyncReport) + Send + Sync>;

/// Sync's state held by [`Stockroom`].
#[derive(Default)]
pub(crate) struct Syncing {
    /// Held by the run in progress in this process (others wait on it).
    run: tokio::sync::Mutex<()>,
    running: AtomicBool,
    /// Why the last run (or the periodic turn) did not go through, in words.
    problem: Mutex<Option<String>>,
    /// Unix seconds of the periodic run's next turn.
    next_run_at: Mutex<Option<i64>>,
    /// The periodic run: its stop and its task.
    background: tokio::sync::Mutex<Option<(CancellationToken, tokio::task::JoinHandle<()>)>>,
    /// Settings changed: the periodic run re-reads them now.
    wake: Notify,
    tuning: Mutex<SyncTuning>,
}

impl Syncing {
    fn set_problem(&self, p: Option<String>) {
        *self.problem.lock().unwrap_or_else(|p| p.into_inner()) = p;
    }
    fn problem(&self) -> Option<String> {
        self.problem.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn set_next(&self, at: Option<i64>) {
        *self.next_run_at.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
    fn next(&self) -> Option<i64> {
        *self.next_run_at.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The periodic sync stops at its next await (the `Stockroom` is going).
    pub(crate) fn shut_down(&self) {
        if let Ok(mut bg) = self.background.try_lock()
            && let Some((stop, _)) = bg.take()
        {
            stop.cancel();
        }
    }
}

/// Clears `running` however the run ends.
struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn busy_words() -> String {
    "Another Stockroom (the app or `stockroom sync`) is syncing this library right now, and only one may at a \
     time. Wait for it to finish, then sync again."
        .into()
}

/// The library's sync lock, held for a whole run so another process's run is refused.
fn claim_lock(dir: &Path) -> Result<std::fs::File, ApiError> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("Could not open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(ApiError::new(ErrorCode::Library, busy_words())),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(ApiError::new(ErrorCode::Io, format!("Could not lock {}: {e}", path.display())))
        }
    }
}

/// Whether another process holds the library's sync lock now.
fn locked_elsewhere(dir: &Path) -> bool {
    let Ok(file) = std::fs::File::open(dir.join(LOCK_FILE)) else { return false };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

fn offline_words() -> String {
    "Offline: the media library cannot be reached, so sync waits. It runs again by itself once the connection \
     is back; what you change meanwhile is kept and sent then."
        .into()
}

fn progress_dto(e: sr_sync::SyncEvent) -> dto::SyncProgress {
    match e {
        sr_sync::SyncEvent::Phase { phase } => dto::SyncProgress { phase, done: 0, total: 0 },
        sr_sync::SyncEvent::Progress { phase, done, total } => dto::SyncProgress { phase, done, total },
    }
}

/// What the person should hear about a finished run, if anything went less than fully through.
fn problem_of(r: &dto::SyncReport) -> Option<String> {
    if let Some(s) = &r.stopped {
        return Some(s.clone());
    }
    if !r.errors.is_empty() {
        let first = &r.errors[0].message;
        return Some(match r.errors.len() {
            1 => format!("One change did not go through: {first} It is tried again at the next sync."),
            n => format!("{n} changes did not go through (the first: {first}). They are tried again at the next sync."),
        });
    }
    if !r.held.is_empty() {
        return r
            .held_reason
            .clone()
            .or_else(|| Some(format!("{} deletes wait for you to confirm them (Review changes).", r.held.len())));
    }
    None
}

/// No original on this computer yet (adopted by sync).
fn is_remote_only(a: &sr_library::Asset) -> bool {
    a.status == sr_library::AssetStatus::RemoteOnly
}

/// Safe as one path component: letters, digits, `-`, `_` and `.` (never `..` alone).
fn file_component(s: &str) -> String {
    let c: String =
        s.chars().map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if c.trim_matches('.').is_empty() { "file".into() } else { c }
}

/// JPEG, PNG, WebP or GIF by their first bytes: what the grid shows as it is.
fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || (bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
        || bytes.starts_with(b"GIF8")
}

fn io_err(what: &str, path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("Could not {what} {}: {e}", path.display()))
}

fn worker_stopped(e: tokio::task::JoinError) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("The operation stopped unexpectedly: {e}"))
}

fn setting(library: &sr_library::Library, key: &str, default: u32) -> Result<u32, ApiError> {
    Ok(library.upload_setting(key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
}

impl Stockroom {
    /// Pulls, plans and (unless `dry_run`) applies; progress goes to `on_progress`. A second caller
    /// in this process waits for the run in progress; another process is refused in words.
    pub async fn sync(
        &self,
        req: dto::SyncRequest,
        stop: Option<CancellationToken>,
        on_progress: impl Fn(dto::SyncProgress) + Send + Sync + 'static,
    ) -> Result<dto::SyncReport, ApiError> {
        let turn = self.syncing.run.lock().await;
        let result = self.sync_now(req, stop, Arc::new(on_progress)).await;
        drop(turn);
        result
    }

    /// One run, with this process's turn already taken.
    async fn sync_now(
        &self,
        req: dto::SyncRequest,
        stop: Option<CancellationToken>,
        on_progress: ProgressSink,
    ) -> Result<dto::SyncReport, ApiError> {
        let _lock = claim_lock(self.library_dir())?;
        self.syncing.running.store(true, Ordering::Relaxed);
        let _running = Running(&self.syncing.running);
        let result = self.run_syncer(req, stop, on_progress.clone()).await;
        match &result {
            Ok(report) => {
                if !report.dry_run {
                    self.syncing.set_problem(problem_of(report));
                }
                on_progress(dto::SyncProgress { phase: "done".into(), done: 0, total: 0 });
            }
            Err(e) if e.code == ErrorCode::Offline => self.syncing.set_problem(Some(offline_words())),
            Err(e) => self.syncing.set_problem(Some(format!("The last sync did not finish: {}", e.message))),
        }
        result
    }

    async fn run_syncer(
        &self,
        req: dto::SyncRequest,
        stop: Option<CancellationToken>,
        on_progress: ProgressSink,
    ) -> Result<dto::SyncReport, ApiError> {
        let dto::SyncRequest { dry_run, confirm_deletes, full_listing } = req;
        let remote = self.remote().await?;
        let settings = self.sync_settings()?;
        let state = self.library.sync_state(&remote.account)?;
        // The delete check is due once the setting's hours have passed since the last one (the
        // first pull lists everything anyway).
        let due = state.checkpoint.is_some()
            && state.last_full_listing.is_none_or(|t| now_unix() - t >= i64::from(settings.full_listing_hours) * 3600);
        let opts = sr_sync::SyncOptions {
            dry_run,
            plan: sr_sync::PlanOptions { delete_fuse_files: settings.delete_fuse_files, confirm_deletes },
            full_listing: full_listing || due,
        };
        let syncer = sr_sync::Syncer {
            library: self.library.clone(),
            gate: sr_remote::shared_gate(&remote.account, PROBE_INTERVAL),
            client: remote.client,
            account: remote.account,
        };
        let report = syncer.run(&opts, stop.unwrap_or_default(), move |e| on_progress(progress_dto(e))).await?;
        Ok(dto::SyncReport::from(&report))
    }

    /// The top bar's line: last synced, open conflicts, pending changes, running, problem.
    /// Reads the settings and the library only: no network, no sandbox start.
    pub async fn sync_overview(&self) -> Result<dto::SyncOverview, ApiError> {
        let account = self.active_account()?;
        let library = self.library.clone();
        let acc = account.clone();
        let (state, open, pending) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
            let state = library.sync_state(&acc)?;
            let open = library.conflicts(&acc, true)?.len() as u64;
            let pending = library.remote_ops(&acc, true)?.len() as u64;
            Ok((state, open, pending))
        })
        .await
        .map_err(worker_stopped)??;
        let offline = sr_remote::shared_gate(&account, PROBE_INTERVAL).is_offline();
        let problem = if offline { Some(offline_words()) } else { self.syncing.problem() };
        Ok(dto::SyncOverview {
            running: self.syncing.running.load(Ordering::Relaxed) || locked_elsewhere(self.library_dir()),
            last_synced_at: state.last_run,
            open_conflicts: open,
            pending_changes: pending,
            problem,
            next_run_at: self.syncing.next(),
            account,
        })
    }

    /// Past runs, newest first.
    pub async fn sync_log(&self, limit: u32) -> Result<Vec<dto::SyncRun>, ApiError> {
        let account = self.active_account()?;
        let runs = self.library.sync_runs(&account, limit.clamp(1, 1000))?;
        Ok(runs.into_iter().map(run_dto).collect())
    }

    pub async fn conflicts(&self, open_only: bool) -> Result<Vec<dto::Conflict>, ApiError> {
        let account = self.active_account()?;
        let fields = self.library.metadata_fields(&account)?;
        let conflicts = self.library.conflicts(&account, open_only)?;
        conflicts.into_iter().map(|c| self.conflict_dto(c, &fields)).collect()
    }

    /// Every field of the library's conflict is named: a new one does not compile until someone
    /// decides whether the conflict view shows it.
    fn conflict_dto(
        &self,
        c: ls::Conflict,
        fields: &[sr_imagekit::metadata::FieldDef],
    ) -> Result<dto::Conflict, ApiError> {
        let ls::Conflict {
            id,
            account: _,
            asset_id,
            field,
            base,
            mine,
            theirs,
            theirs_at,
            opened_at,
            resolved_at,
            resolution: _,
        } = c;
        let asset = self.library.asset(asset_id)?;
        let label = match &field {
            ls::ConflictField::Name => "Name".to_owned(),
            ls::ConflictField::Folder => "Folder".to_owned(),
            ls::ConflictField::Tag(t) => format!("Tag · {t}"),
            ls::ConflictField::Metadata(k) => {
                let label = fields.iter().find(|f| &f.name == k).map(|f| f.label.as_str()).unwrap_or(k);
                format!("Metadata · {label}")
            }
            ls::ConflictField::Existence if theirs.is_none() => "Deleted on the remote".to_owned(),
            ls::ConflictField::Existence if mine.is_none() => "Deleted here".to_owned(),
            ls::ConflictField::Existence => "Deleted on one side".to_owned(),
        };
        let thumb_url = asset.as_ref().and_then(|a| self.to_dto(a).thumb_url);
        Ok(dto::Conflict {
            id,
            asset_id,
            asset_name: asset.map(|a| a.name).unwrap_or_else(|| format!("asset #{asset_id}")),
            thumb_url,
            field: (&field).into(),
            label,
            base,
            mine,
            theirs,
            theirs_at,
            opened_at,
            resolved_at,
        })
    }

    /// Settles conflicts, all the same way; returns them as settled. Every id is checked first, so
    /// an unknown or already settled one changes nothing.
    pub async fn resolve_conflicts(&self, req: dto::ResolveConflicts) -> Result<Vec<dto::Conflict>, ApiError> {
        let dto::ResolveConflicts { ids, resolution } = req;
        if ids.is_empty() {
            return Err(ApiError::invalid("Choose at least one conflict to settle."));
        }
        let account = self.active_account()?;
        let open = self.library.conflicts(&account, true)?;
        for id in &ids {
            let Some(c) = open.iter().find(|c| c.id == *id) else {
                return Err(ApiError::not_found(format!(
                    "There is no open conflict #{id}; `stockroom conflicts list` shows the open ones."
                )));
            };
            if c.field == ls::ConflictField::Existence && matches!(resolution, dto::ConflictResolution::Value(_)) {
                return Err(ApiError::invalid(format!(
                    "Conflict #{id} is about a file deleted on one side: keep mine or take theirs; there is no \
                     value to edit."
                )));
            }
        }
        let resolution: ls::Resolution = resolution.into();
        let library = self.library.clone();
        let settled = tokio::task::spawn_blocking(move || -> Result<Vec<ls::Conflict>, ApiError> {
            let now = now_unix();
            ids.iter().map(|id| Ok(library.resolve_conflict(*id, &resolution, now)?)).collect()
        })
        .await
        .map_err(worker_stopped)??;
        let fields = self.library.metadata_fields(&account)?;
        settled.into_iter().map(|c| self.conflict_dto(c, &fields)).collect()
    }

    /// Each asset's status against the active account.
    pub async fn sync_statuses(&self, ids: Vec<i64>) -> Result<Vec<(i64, dto::SyncStatus)>, ApiError> {
        let account = self.active_account()?;
        Ok(self.library.sync_statuses(&account, &ids)?.into_iter().map(|(id, s)| (id, s.into())).collect())
    }

    /// Fills `sync` of a page of asset DTOs with one read (the grid and the detail panel). A status
    /// that cannot be read leaves `sync` empty and is logged: the grid still shows.
    pub(crate) fn fill_sync(&self, assets: &mut [crate::dto::Asset]) {
        if assets.is_empty() {
            return;
        }
        let ids: Vec<i64> = assets.iter().map(|a| a.id).collect();
        let statuses = self.active_account().and_then(|acc| Ok(self.library.sync_statuses(&acc, &ids)?));
        match statuses {
            Ok(statuses) => {
                let by_id: std::collections::HashMap<i64, ls::SyncStatus> = statuses.into_iter().collect();
                for a in assets.iter_mut() {
                    a.sync = by_id.get(&a.id).map(|s| (*s).into());
                }
            }
            Err(e) => tracing::warn!(error = %e.message, "sync statuses could not be read"),
        }
    }

    /// One asset's DTO with its status.
    pub(crate) fn asset_with_sync(&self, a: &sr_library::Asset) -> crate::dto::Asset {
        let mut one = [self.to_dto(a)];
        self.fill_sync(&mut one);
        let [dto] = one;
        dto
    }

    pub fn sync_settings(&self) -> Result<dto::SyncSettings, ApiError> {
        Ok(dto::SyncSettings {
            interval_minutes: setting(&self.library, INTERVAL_KEY, DEFAULT_INTERVAL_MINUTES)?,
            delete_fuse_files: setting(&self.library, FUSE_KEY, DEFAULT_FUSE_FILES)?,
            full_listing_hours: setting(&self.library, FULL_LISTING_KEY, DEFAULT_FULL_LISTING_HOURS)?,
        })
    }

    /// Checked, saved, and the periodic run follows the new interval at once.
    pub fn set_sync_settings(&self, s: dto::SyncSettings) -> Result<dto::SyncSettings, ApiError> {
        let dto::SyncSettings { interval_minutes, delete_fuse_files, full_listing_hours } = s;
        if interval_minutes > 24 * 60 {
            return Err(ApiError::invalid(
                "Sync every … minutes must be at most 1440 (a day); 0 syncs only when you ask.",
            ));
        }
        if delete_fuse_files > 100_000 {
            return Err(ApiError::invalid("Hold deletes above … files must be at most 100000."));
        }
        if !(1..=24 * 30).contains(&full_listing_hours) {
            return Err(ApiError::invalid("Check for deletes every … hours must be between 1 and 720 (30 days)."));
        }
        self.library.set_upload_setting(INTERVAL_KEY, &interval_minutes.to_string())?;
        self.library.set_upload_setting(FUSE_KEY, &delete_fuse_files.to_string())?;
        self.library.set_upload_setting(FULL_LISTING_KEY, &full_listing_hours.to_string())?;
        self.syncing.wake.notify_one();
        self.sync_settings()
    }

    /// The active account's remote file of a linked asset, fresh from the remote.
    async fn linked_file(
        &self,
        a: &sr_library::Asset,
    ) -> Result<(crate::remote::RemoteHandle, sr_remote::File), ApiError> {
        let remote = self.remote().await?;
        let link = self.library.sync_link(&remote.account, a.id)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "{} is not linked to a file of the active media library account; switch to the account it came \
                 from, or sync first.",
                a.name
            ))
        })?;
        let file = remote.client.get_file_details(&link.file_id).await?;
        Ok((remote, file))
    }

    fn library_asset(&self, id: i64) -> Result<sr_library::Asset, ApiError> {
        self.library.asset(id)?.ok_or_else(|| ApiError::not_found(format!("There is no asset #{id} in this library.")))
    }

    /// Downloads a remote-only asset's original into the library's `originals/` folder and makes
    /// it a local asset (same id, tags, metadata, link). Content already in the library as another
    /// asset is refused in words naming it (and where the download was left); the asset stays
    /// remote-only, no rows are merged.
    pub async fn download_original(&self, asset_id: i64) -> Result<crate::dto::Asset, ApiError> {
        let asset = self.library_asset(asset_id)?;
        if !is_remote_only(&asset) {
            return Err(ApiError::invalid(format!(
                "{} is already on this computer, at {}.",
                asset.name,
                asset.path.display()
            )));
        }
        let (remote, file) = self.linked_file(&asset).await?;
        let dest = self.library_dir().join(ORIGINALS_DIR).join(format!(
            "{}-{}",
            file_component(&file.file_id),
            file_component(&file.name)
        ));
        remote.client.download_file(&file, &dest, None).await?;
        let library = self.library.clone();
        let a = tokio::task::spawn_blocking(move || library.make_local(asset_id, &dest, now_unix()))
            .await
            .map_err(worker_stopped)??;
        Ok(self.asset_with_sync(&a))
    }

    /// Fetches (once, then cached) a remote-only asset's thumbnail; returns the asset with its
    /// `thumb_url`. An answer that is not an image (a video's) is made into one with `sr_media`,
    /// from the answer itself or else from the original, downloaded to a temporary file.
    pub async fn fetch_remote_thumbnail(&self, asset_id: i64) -> Result<crate::dto::Asset, ApiError> {
        let asset = self.library_asset(asset_id)?;
        let cached = asset.thumb_path.as_ref().is_some_and(|p| p.exists());
        if cached || !is_remote_only(&asset) {
            return Ok(self.asset_with_sync(&asset));
        }
        let out = self.library.thumbs_dir().join(format!("remote-{asset_id}.jpg"));
        // The thumbnail URL of the last listing first (one request for a tile); the file's details
        // when there is none or it went stale.
        let remote = self.remote().await?;
        let seen = match self.library.sync_link(&remote.account, asset_id)? {
            Some(link) => self.library.remote_file(&remote.account, &link.file_id)?,
            None => None,
        };
        let quick = match seen.as_ref().and_then(|f| f.thumbnail_url.as_deref().map(|u| (u, f.is_private))) {
            Some((url, private)) => remote.client.fetch_delivery(url, private, THUMB_CAP).await.ok(),
            None => None,
        };
        let (bytes, file) = match quick {
            Some(bytes) => (bytes, None),
            None => {
                let (_, file) = self.linked_file(&asset).await?;
                (remote.client.fetch_thumbnail(&file, THUMB_CAP).await?, Some(file))
            }
        };
        if is_image(&bytes) {
            write_replacing(&out, &bytes)?;
        } else {
            let work =
                tempfile::tempdir_in(self.library_dir()).map_err(|e| io_err("write into", self.library_dir(), e))?;
            let answer = work.path().join("thumbnail");
            std::fs::write(&answer, &bytes).map_err(|e| io_err("write", &answer, e))?;
            if thumbnail_of(answer, out.clone()).await.is_err() {
                let file = match file {
                    Some(f) => f,
                    None => self.linked_file(&asset).await?.1,
                };
                let original = work.path().join(file_component(&file.name));
                remote.client.download_file(&file, &original, None).await?;
                thumbnail_of(original, out.clone()).await?;
            }
        }
        self.library.set_thumbnail(asset_id, &out)?;
        Ok(self.asset_with_sync(&self.library_asset(asset_id)?))
    }

    /// Asks for assets to be deleted from the remote library (held until a run confirms it).
    pub fn delete_from_remote(&self, ids: &[i64]) -> Result<crate::dto::organise::EditResult, ApiError> {
        if ids.is_empty() {
            return Err(ApiError::invalid("Choose at least one asset to delete from the media library."));
        }
        Ok(self.library.request_remote_delete(ids, now_unix())?.into())
    }

    /// Renames an asset (its name on the remote); undoable, pushed by the next sync.
    pub fn rename_asset(&self, id: i64, name: &str) -> Result<crate::dto::organise::EditResult, ApiError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ApiError::invalid("Give the asset a name, e.g. dress-red.mp4."));
        }
        Ok(self.library.rename_asset(id, name, now_unix())?.into())
    }

    /// Starts (or restarts with new settings) the app's periodic sync; progress and finished runs
    /// go to the callbacks. A run already going is stopped and waited for first.
    pub async fn start_background_sync(
        self: &Arc<Self>,
        on_progress: impl Fn(dto::SyncProgress) + Send + Sync + 'static,
        on_report: impl Fn(dto::SyncReport) + Send + Sync + 'static,
    ) {
        let mut current = self.syncing.background.lock().await;
        if let Some((stop, task)) = current.take() {
            stop.cancel();
            let _ = task.await;
        }
        let stop = CancellationToken::new();
        let task = tokio::spawn(periodic(self.clone(), stop.clone(), Arc::new(on_progress), Arc::new(on_report)));
        *current = Some((stop, task));
    }

    /// Knobs for tests; take effect when the periodic sync (re)starts.
    pub fn set_sync_tuning(&self, tuning: SyncTuning) {
        *self.syncing.tuning.lock().unwrap_or_else(|p| p.into_inner()) = tuning;
    }

    /// Stops the periodic sync (a run in progress stops between operations) and waits for it.
    pub async fn stop_background_sync(&self) {
        if let Some((stop, task)) = self.syncing.background.lock().await.take() {
            stop.cancel();
            let _ = task.await;
        }
        self.syncing.set_next(None);
    }
}

fn run_dto(r: ls::SyncRunRecord) -> dto::SyncRun {
    let ls::SyncRunRecord { id, account: _, started_at, finished_at, dry_run, outcome, report } = r;
    let report = match serde_json::from_value::<sr_sync::SyncReport>(report) {
        Ok(r) => dto::SyncReport::from(&r),
        // A run written by another version of Stockroom: its times and outcome still show.
        Err(e) => dto::SyncReport {
            run_id: id,
            dry_run,
            operations: Vec::new(),
            applied: 0,
            held: Vec::new(),
            held_reason: None,
            stopped: None,
            notes: vec![format!("This run's details cannot be read by this version of Stockroom ({e}).")],
            errors: Vec::new(),
            conflicts_opened: 0,
            requests: 0,
            request_ids: Vec::new(),
            started_at,
            finished_at,
        },
    };
    dto::SyncRun { id, started_at, finished_at, dry_run, outcome, report }
}

/// `bytes` into `path` whole: a temporary file beside it, renamed over.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io_err("create", parent, e))?;
    let tmp = tempfile::NamedTempFile::new_in(parent).map_err(|e| io_err("write into", parent, e))?;
    std::fs::write(tmp.path(), bytes).map_err(|e| io_err("write", tmp.path(), e))?;
    tmp.persist(path).map_err(|e| io_err("write", path, e.error))?;
    Ok(())
}

/// A thumbnail of the media file `src` into `out`, off the async threads.
async fn thumbnail_of(src: PathBuf, out: PathBuf) -> Result<(), ApiError> {
    tokio::task::spawn_blocking(move || sr_media::thumbnail(&src, &out, THUMB_EDGE).map(|_| ()))
        .await
        .map_err(worker_stopped)?
        .map_err(ApiError::from)
}

/// The periodic sync: a turn every `interval_minutes` after the last run (the first turn a little
/// after the app opens), skipped while offline or while another run goes, until `stop`.
async fn periodic(api: Arc<Stockroom>, stop: CancellationToken, on_progress: ProgressSink, on_report: ReportSink) {
    let first = api.syncing.tuning.lock().unwrap_or_else(|p| p.into_inner()).first_turn_after;
    let mut earliest = now_unix() + first.unwrap_or(STARTUP_DELAY).as_secs() as i64;
    loop {
        let interval = api.sync_settings().map(|s| s.interval_minutes).unwrap_or(DEFAULT_INTERVAL_MINUTES);
        if interval == 0 {
            api.syncing.set_next(None);
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = api.syncing.wake.notified() => continue,
            }
        }
        let last = last_run(&api).await;
        let next = last.map(|t| t + i64::from(interval) * 60).unwrap_or(earliest).max(earliest);
        api.syncing.set_next(Some(next));
        let wait = Duration::from_secs((next - now_unix()).max(0) as u64);
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = api.syncing.wake.notified() => continue,
            _ = tokio::time::sleep(wait) => {}
        }
        // A run the person asked for meanwhile counts as this turn.
        if last_run(&api).await.is_some_and(|t| t + i64::from(interval) * 60 > now_unix()) {
            continue;
        }
        // Whatever happens, the next turn is not sooner than a retry wait from now.
        earliest = now_unix() + RETRY_WAIT.as_secs().min(u64::from(interval) * 60) as i64;
        // Its own task: a run that panics is a problem to report, not the end of periodic sync.
        let turn = tokio::spawn(one_turn(api.clone(), stop.child_token(), on_progress.clone()));
        match turn.await {
            Ok(Some(report)) => on_report(report),
            Ok(None) => {}
            Err(e) if e.is_panic() => {
                tracing::error!("a periodic sync stopped unexpectedly");
                api.syncing.set_problem(Some(
                    "Sync stopped unexpectedly; it is tried again by itself. If it keeps stopping, send the log \
                     (Settings shows where it is)."
                        .into(),
                ));
            }
            Err(_) => return,
        }
    }
}

/// The last finished run's time, or `None` (never synced, or it cannot be read now).
async fn last_run(api: &Arc<Stockroom>) -> Option<i64> {
    let api = api.clone();
    let read = tokio::task::spawn_blocking(move || -> Option<i64> {
        let account = api.active_account().ok()?;
        api.library.sync_state(&account).ok()?.last_run
    });
    read.await.ok().flatten()
}

/// One periodic run: skipped (with the reason in the overview) while offline or while another
/// run goes; `Some` report when it ran.
async fn one_turn(api: Arc<Stockroom>, stop: CancellationToken, on_progress: ProgressSink) -> Option<dto::SyncReport> {
    let Ok(turn) = api.syncing.run.try_lock() else { return None };
    let account = match api.active_account() {
        Ok(a) => a,
        Err(e) => {
            api.syncing.set_problem(Some(e.message));
            return None;
        }
    };
    let gate = sr_remote::shared_gate(&account, PROBE_INTERVAL);
    if gate.is_offline() {
        let reachable = match api.remote().await {
            Ok(remote) if gate.probe_due(now_ms()) => {
                matches!(gate.probe(&remote.client, now_ms).await, sr_remote::hold::Probe::Online)
            }
            _ => false,
        };
        if !reachable {
            api.syncing.set_problem(Some(offline_words()));
            return None;
        }
    }
    let result = api.sync_now(dto::SyncRequest::default(), Some(stop), on_progress).await;
    drop(turn);
    match result {
        Ok(report) => Some(report),
        Err(e) => {
            tracing::warn!(error = %e.message, "periodic sync did not run");
            None
        }
    }
}
