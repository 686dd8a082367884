//! The façade: the one API that the Tauri shell, the `stockroom` CLI and the tests call.
//!
//! Boundary: no Tauri, no terminal. Takes plain arguments, returns DTOs from [`dto`] or an
//! [`ApiError`] `{code, message}`. Blocking methods are meant for a worker thread
//! (`spawn_blocking`); async ones run on the caller's Tokio runtime.
//! Invariant: every user-visible operation exists here first; the shell and the CLI only adapt it.
//!
//! Layout: [`dto`] holds every wire type and its conversions from the lower crates' types, and
//! depends on nothing else here; `error.rs` is the one mapping of their errors to [`ApiError`]; the
//! domain modules (organise, uploads, post, remote, catalogue, delivery, presets, preview, shop, runner) add
//! `Stockroom` methods on top of both; [`bindings`] reads `dto/` and `error.rs` only.

pub mod bindings;
mod catalogue;
mod delivery;
pub mod dto;
mod error;
pub mod logging;
mod media_server;
mod organise;
mod post;
mod presets;
mod preview;
mod preview_jobs;
mod remote;
mod runner;
mod shop;
mod sync;
mod uploads;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use sr_library::{ImportOptions, Library};

pub use delivery::{UrlRequest, parse_transformation};
/// The domain DTO modules under their first names (`sr_api::dto_organise::…`).
pub use dto::{
    organise as dto_organise, presets as dto_presets, preview as dto_preview, shop as dto_shop, sync as dto_sync,
    uploads as dto_uploads, watch as dto_watch,
};
pub use error::{ApiError, ErrorCode};
pub use media_server::MediaServer;
pub use preview::ladder_tr;
pub use preview_jobs::{PreviewJobs, PreviewTicket};
pub use remote::{
    AccountLimits, EmulatorOptions, ImagekitAccountInput, KeyStorage, RemoteHandle, RemoteInfo, serve_emulator,
};
pub use sync::SyncTuning;
pub use uploads::event_dto as upload_event_dto;
pub use watch::WatchTuning;

/// How to open Stockroom.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The library folder. `None`: `$STOCKROOM_LIBRARY`, else the OS app-data directory.
    pub library_dir: Option<PathBuf>,
}

/// The library folder used when none is given: `$STOCKROOM_LIBRARY`, else the OS app-data
/// directory (`~/.local/share/stockroom` on Linux).
pub fn default_library_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STOCKROOM_LIBRARY").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("io", "Stockroom", "stockroom")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".stockroom"))
}

/// This process's claim on a library for its app window (see [`Stockroom::claim_for_app`]).
pub struct AppClaim {
    _file: std::fs::File,
}

/// An open Stockroom: the library plus the services around it.
pub struct Stockroom {
    library: Arc<Library>,
    media: OnceLock<MediaServer>,
    sandbox: remote::SandboxCell,
    sandbox_start: remote::SandboxStart,
    uploads: uploads::UploadsCell,
    background: runner::Background,
    /// Cancel flags of the imports running now.
    imports: std::sync::Mutex<Vec<Arc<AtomicBool>>>,
    /// The watcher of watched folders (app or `watch run`) and the library followers.
    watching: watch::Watching,
    /// Sync runs (one at a time), the app's periodic sync and what the top bar says about it.
    syncing: sync::Syncing,
}

impl Drop for Stockroom {
    /// The background watcher stops (releasing the library's watch lock), followers end, and the
    /// periodic sync is told to stop.
    fn drop(&mut self) {
        self.watching.shut_down();
        self.syncing.shut_down();
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Stockroom {
    /// Opens (creating if needed) the library.
    pub fn open(opts: OpenOptions) -> Result<Stockroom, ApiError> {
        let dir = opts.library_dir.unwrap_or_else(default_library_dir);
        let library = Library::open(&dir)?;
        // What a crash mid-render left behind goes, off the caller's thread.
        if let Ok(cache) = sr_media::render::RenderCache::new(dir.join(preview::RENDERS_DIR)) {
            std::thread::spawn(move || preview::trim_renders(&cache));
        }
        Ok(Stockroom {
            library: Arc::new(library),
            media: OnceLock::new(),
            sandbox: OnceLock::new(),
            sandbox_start: Default::default(),
            uploads: Default::default(),
            background: Default::default(),
            imports: Default::default(),
            watching: Default::default(),
            syncing: Default::default(),
        })
    }

    pub fn library_dir(&self) -> &Path {
        self.library.dir()
    }

    /// Starts the loopback media server (once) on the current Tokio runtime; returns its base URL.
    pub async fn start_media_server(&self) -> Result<String, ApiError> {
        if let Some(m) = self.media.get() {
            return Ok(m.base().to_owned());
        }
        let server = MediaServer::start(self.library.clone())
            .await
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("Could not start the local media server: {e}")))?;
        let _ = self.media.set(server);
        Ok(self.media.get().expect("just set").base().to_owned())
    }

    /// `http://127.0.0.1:PORT` of the media server, for the UI's Content-Security-Policy.
    pub fn media_origin(&self) -> Option<String> {
        self.media.get().map(|m| m.base().rsplit_once('/').map(|(o, _)| o.to_owned()).unwrap_or_default())
    }

    /// The window's Content-Security-Policy with every loopback source (`http://127.0.0.1:*`) narrowed
    /// to this session's media server, so the webview can load from nothing else on the machine.
    /// Unchanged before the media server runs.
    pub fn narrow_csp(&self, policy: &str) -> String {
        match self.media_origin() {
            Some(origin) if !origin.is_empty() => policy.replace("http://127.0.0.1:*", &origin),
            _ => policy.to_owned(),
        }
    }

    pub fn info(&self) -> Result<dto::LibraryInfo, ApiError> {
        Ok(dto::LibraryInfo {
            library_dir: self.library.dir().to_string_lossy().into_owned(),
            asset_count: self.library.count()?,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// Imports files and folders (blocking; run it on a worker thread). Events arrive in order.
    pub fn import(
        &self,
        paths: &[PathBuf],
        thumbnails: bool,
        on_event: &(dyn Fn(dto::ImportEvent) + Sync),
    ) -> Result<dto::ImportReport, ApiError> {
        if paths.is_empty() {
            return Err(ApiError::invalid("Choose at least one file or folder to import."));
        }
        let opts = ImportOptions { thumbnails, now: now_unix(), ..ImportOptions::default() };
        let sink = |e: sr_library::ImportEvent<'_>| {
            let event = match e {
                sr_library::ImportEvent::Discovered { total } => dto::ImportEvent::Discovered { total },
                sr_library::ImportEvent::Imported(a) => dto::ImportEvent::Imported { asset: self.to_dto(a) },
                sr_library::ImportEvent::Skipped(s) => dto::ImportEvent::Skipped { skipped: s.into() },
                sr_library::ImportEvent::Thumbnail { id } => dto::ImportEvent::Thumbnail {
                    id,
                    thumb_url: self.media.get().map(|m| format!("{}/thumb/{id}", m.base())),
                },
                sr_library::ImportEvent::Progress { done, total } => dto::ImportEvent::Progress { done, total },
            };
            on_event(event);
        };
        let cancel = Arc::new(AtomicBool::new(false));
        self.imports.lock().unwrap_or_else(|p| p.into_inner()).push(cancel.clone());
        let result = self.library.import(paths, &opts, &sink, Some(&cancel));
        self.imports.lock().unwrap_or_else(|p| p.into_inner()).retain(|c| !Arc::ptr_eq(c, &cancel));
        let report = result?;
        let cancelled = cancel.load(Ordering::Relaxed);
        on_event(dto::ImportEvent::Finished {
            imported: report.imported.len() as u64,
            skipped: report.skipped.len() as u64,
            cancelled,
        });
        // Re-read so thumbnails written after indexing are reflected.
        let imported = report
            .imported
            .iter()
            .map(|a| Ok(self.library.asset(a.id)?.map(|a| self.to_dto(&a)).unwrap_or_else(|| self.to_dto(a))))
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(dto::ImportReport { imported, skipped: report.skipped.iter().map(dto::Skipped::from).collect(), cancelled })
    }

    /// Claims this library for one app window: a second app on the same library is refused (and
    /// told to switch to the first), while the `stockroom` CLI keeps working beside it. The claim
    /// lasts while the returned guard lives; the OS drops it when the process ends, however it ends.
    pub fn claim_for_app(&self) -> Result<AppClaim, ApiError> {
        let path = self.library.dir().join("app.lock");
        let file = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| ApiError::new(ErrorCode::Io, format!("Could not open {}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(AppClaim { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(ApiError::new(
                ErrorCode::Library,
                format!(
                    "Stockroom is already open on the library {}. Switch to that window, or start Stockroom with \
                     --library to open another library.",
                    self.library.dir().display()
                ),
            )),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(ApiError::new(ErrorCode::Io, format!("Could not lock {}: {e}", path.display())))
            }
        }
    }

    /// Stops every import running now, between files: what was imported stays (each file is its
    /// own transaction), the rest is left for a later import. Returns how many were running.
    pub fn cancel_imports(&self) -> usize {
        let running = self.imports.lock().unwrap_or_else(|p| p.into_inner());
        for c in running.iter() {
            c.store(true, Ordering::Relaxed);
        }
        running.len()
    }

    /// A page of assets, newest first, each with its sync status (one read for the page).
    pub fn list_assets(&self, offset: u64, limit: u64) -> Result<dto::AssetPage, ApiError> {
        let limit = limit.clamp(1, 10_000);
        let assets = self.library.assets(offset, limit)?;
        let mut assets: Vec<dto::Asset> = assets.iter().map(|a| self.to_dto(a)).collect();
        self.fill_sync(&mut assets);
        Ok(dto::AssetPage { total: self.library.count()?, offset, assets })
    }

    /// One asset with its sync status (the detail panel).
    pub fn asset(&self, id: i64) -> Result<dto::Asset, ApiError> {
        match self.library.asset(id)? {
            Some(a) => Ok(self.asset_with_sync(&a)),
            None => Err(ApiError::not_found(format!("There is no asset #{id} in this library."))),
        }
    }

    /// Every field of the library's asset is named: a new one does not compile until someone decides
    /// whether the UI sees it.
    fn to_dto(&self, a: &sr_library::Asset) -> dto::Asset {
        let sr_library::Asset {
            id,
            path,
            name,
            size,
            mtime_ns: _,
            sample_hash: _,
            full_hash,
            kind,
            container,
            video_codec,
            audio_codec,
            width,
            height,
            rotation,
            duration_s,
            frame_rate,
            bit_rate,
            thumb_path,
            status,
            status_detail,
            remote_folder,
            imported_at,
            updated_at: _,
        } = a;
        let base = self.media.get().map(|m| m.base());
        dto::Asset {
            id: *id,
            path: path.to_string_lossy().into_owned(),
            name: name.clone(),
            kind: (*kind).into(),
            size: *size,
            hash: full_hash.clone(),
            width: *width,
            height: *height,
            duration_s: *duration_s,
            frame_rate: *frame_rate,
            bit_rate: *bit_rate,
            rotation: *rotation,
            container: container.clone(),
            video_codec: video_codec.clone(),
            audio_codec: audio_codec.clone(),
            status: (*status).into(),
            status_detail: status_detail.clone(),
            remote_folder: remote_folder.clone(),
            imported_at: *imported_at,
            thumb_url: base.filter(|_| thumb_path.is_some()).map(|b| format!("{b}/thumb/{id}")),
            original_url: base.map(|b| format!("{b}/original/{id}")),
            sync: None,
        }
    }
}
