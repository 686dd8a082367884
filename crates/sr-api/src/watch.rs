//! Watched folders through the façade: rules (checked offline against the active account's fields
//! when saved), the ledger and its actions, the desktop app's background watcher (and the CLI's
//! foreground `watch run`), and changes other processes make to the library.
//!
//! One supervisor loop serves both the app (on its own thread, [`Stockroom::start_background_watching`])
//! and `stockroom watch run` (on the caller's thread): it starts `sr_watch::Watcher`, forwards its
//! events, queues what a folder asks to auto-upload (listed by the library in the ingest's own
//! transaction, cleared after queueing, so a crash neither loses nor doubles a job), re-reads the
//! roots when any process changed them, restarts the watcher when the settle setting changes, and
//! restarts it (with a reason in words) when it stops. The app keeps retrying while another process
//! holds the library's watcher; `watch run` is refused then.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sr_library::Library;
use sr_library::watch::{FileState, NewWatchRoot, WatchRoot, WatchedFile};

use crate::dto::watch as d;
use crate::{ApiError, ErrorCode, Stockroom, now_unix};

/// Where the settle interval is stored (beside the upload settings).
const SETTLE_KEY: &str = "watch_settle_ms";
const DEFAULT_SETTLE_MS: u64 = 2000;
const MIN_SETTLE_MS: u64 = 100;
const MAX_SETTLE_MS: u64 = 600_000;
/// How often the supervisor looks at the library's change stamp and the watcher's health.
const TICK: Duration = Duration::from_millis(250);
/// How often pending automatic uploads are looked for even without an `Ingested` event.
const QUEUE_EVERY: Duration = Duration::from_secs(5);
const FIRST_WAIT: Duration = Duration::from_secs(2);
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// Watcher knobs that are not settings: tests and the benchmark force a small watch budget or a
/// fast poll. `None` keeps the product's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchTuning {
    pub poll_interval: Option<Duration>,
    pub reconcile_interval: Option<Duration>,
    pub watch_budget: Option<u64>,
    pub offline_fraction: Option<f64>,
}

/// What the running watcher shares with the façade's methods.
#[derive(Default)]
pub(crate) struct Shared {
    /// The watcher this process runs now.
    watcher: Mutex<Option<sr_watch::Watcher>>,
    /// Why the watcher is not running, in words (it stopped, or another process holds it).
    stopped: Mutex<Option<String>>,
    tuning: Mutex<WatchTuning>,
}

impl Shared {
    fn with_watcher<T>(&self, f: impl FnOnce(&sr_watch::Watcher) -> T) -> Option<T> {
        self.watcher.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(f)
    }
    fn set_stopped(&self, why: Option<String>) {
        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = why;
    }
    fn stopped(&self) -> Option<String> {
        self.stopped.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The watching state held by [`Stockroom`].
#[derive(Default)]
pub(crate) struct Watching {
    shared: Arc<Shared>,
    background: Mutex<Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>>,
    /// Set when the `Stockroom` goes: the library followers end.
    closing: Arc<AtomicBool>,
}

impl Watching {
    /// Stops the background supervisor and the followers, and waits for the supervisor.
    pub(crate) fn shut_down(&self) {
        self.closing.store(true, Ordering::Relaxed);
        let bg = self.background.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some((stop, thread)) = bg {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }
}

fn settle_ms_of(library: &Library) -> u64 {
    library
        .upload_setting(SETTLE_KEY)
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .filter(|ms| (MIN_SETTLE_MS..=MAX_SETTLE_MS).contains(ms))
        .unwrap_or(DEFAULT_SETTLE_MS)
}

fn config_of(library: &Library, tuning: &WatchTuning) -> sr_watch::WatchConfig {
    let mut c = sr_watch::WatchConfig { settle: Duration::from_millis(settle_ms_of(library)), ..Default::default() };
    if let Some(p) = tuning.poll_interval {
        c.poll_interval = p;
    }
    if let Some(r) = tuning.reconcile_interval {
        c.reconcile_interval = r;
    }
    if tuning.watch_budget.is_some() {
        c.watch_budget = tuning.watch_budget;
    }
    if let Some(f) = tuning.offline_fraction {
        c.offline_fraction = f;
    }
    c
}

/// `path` as stored: absolute and without `..` or links where it exists; as given (made absolute)
/// where it does not (a folder that went away can still be removed).
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_owned())
    }
}

/// Checks a rule offline, as an edit would be checked: the folder exists, the remote folder is one
/// the remote accepts, tags obey the remote's rules, metadata obeys the account's fields, and
/// every exclude is a valid glob. Returns the rule as stored.
fn check_rule(library: &Library, account: &str, req: &d::WatchFolderRequest) -> Result<NewWatchRoot, ApiError> {
    let given = req.path.trim();
    if given.is_empty() {
        return Err(ApiError::invalid("Choose a folder to watch."));
    }
    let path = match std::fs::canonicalize(given) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ApiError::invalid(format!(
                "There is no folder at {given}. Check the path, or choose the folder with the folder dialog."
            )));
        }
        Err(e) => return Err(ApiError::new(ErrorCode::Io, format!("Stockroom cannot open the folder {given}: {e}."))),
    };
    if !path.is_dir() {
        return Err(ApiError::invalid(format!(
            "{} is a file, not a folder. Choose the folder it is in.",
            path.display()
        )));
    }
    let remote_folder = sr_imagekit::names::normalize_folder_path(req.remote_folder.as_deref().unwrap_or("/"))
        .map_err(|e| ApiError::invalid(format!("The remote folder cannot be used: {e}")))?;

    let mut tags: Vec<String> = Vec::new();
    for t in &req.tags {
        let t = t.trim();
        if !t.is_empty() && !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    if let Err(e) = sr_imagekit::names::validate_tags(&tags) {
        match e {
            // Long tag lists are checked per asset when uploaded, as in edits.
            sr_imagekit::names::TagError::TooLong { .. } => {}
            other => return Err(ApiError::invalid(format!("The folder's tags cannot be used: {other}"))),
        }
    }

    if let Some((k, _)) = req.metadata.iter().find(|(_, v)| v.is_null()) {
        return Err(ApiError::invalid(format!(
            "The folder's metadata gives no value for \"{k}\". Give it a value, or leave the field out."
        )));
    }
    if !req.metadata.is_empty() {
        let fields = library.metadata_fields(account)?;
        let incoming: serde_json::Map<String, serde_json::Value> =
            req.metadata.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Err(errs) = sr_imagekit::metadata::apply_metadata(
            &fields,
            &serde_json::Map::new(),
            &incoming,
            sr_imagekit::metadata::ApplyMode::Update,
        ) {
            let words: Vec<String> = errs.errors.iter().take(5).map(|e| e.to_string()).collect();
            return Err(ApiError::invalid(format!(
                "The folder was not added: its metadata breaks the account's fields. {}",
                words.join(" ")
            )));
        }
    }

    let mut excludes: Vec<String> = Vec::new();
    for g in &req.excludes {
        let g = g.trim();
        if g.is_empty() || excludes.iter().any(|x| x == g) {
            continue;
        }
        globset::Glob::new(g).map_err(|e| {
            ApiError::invalid(format!(
                "The exclude pattern \"{g}\" is not valid ({}). Write e.g. *.xmp or proxies/**.",
                e.kind()
            ))
        })?;
        excludes.push(g.to_owned());
    }
    Ok(NewWatchRoot {
        path,
        remote_folder,
        tags,
        metadata: req.metadata.clone(),
        auto_upload: req.auto_upload,
        excludes,
    })
}

fn ledger_entry(row: &WatchedFile, settle_ms: u64) -> d::LedgerEntry {
    let WatchedFile { root_id, path, stat: _, asset_id: _, state, reason, detail, first_seen, updated_at } = row;
    // A waiting row with no reason yet is settling.
    let reason: d::LedgerReason = reason.map(Into::into).unwrap_or(d::LedgerReason::StillWriting);
    d::LedgerEntry {
        root_id: *root_id,
        path: path.to_string_lossy().into_owned(),
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        state: (*state).into(),
        reason,
        message: reason.message(settle_ms),
        // A replaced file's message already names the choice; the library's note would say it twice.
        detail: if matches!(reason, d::LedgerReason::ReplacedInPlace { .. }) { None } else { detail.clone() },
        actions: reason.actions(),
        since: *first_seen,
        updated_at: *updated_at,
    }
}

/// Who holds the library's watcher lock (`watch.lock`), in words, when another process does.
fn lock_holder(dir: &Path) -> Option<String> {
    let path = dir.join("watch.lock");
    let file = std::fs::File::open(&path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            Some(describe_holder(&text))
        }
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

/// "`stockroom watch run` (process 4242)" from the pid in the lock file.
fn describe_holder(lock_text: &str) -> String {
    let pid: Option<u32> =
        lock_text.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty()).and_then(|s| s.parse().ok());
    let Some(pid) = pid else { return "another Stockroom process".into() };
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> =
        cmdline.split(|b| *b == 0).map(|w| String::from_utf8_lossy(w).into_owned()).filter(|w| !w.is_empty()).collect();
    let is_run = words.windows(2).any(|w| w[0] == "watch" && w[1] == "run");
    if is_run { format!("`stockroom watch run` (process {pid})") } else { format!("the Stockroom app (process {pid})") }
}

/// What decides whether a running watcher must re-read its roots.
fn roots_signature(library: &Library) -> Option<Vec<(i64, bool, NewWatchRoot)>> {
    library.watch_roots().ok().map(|roots| roots.into_iter().map(|r| (r.id, r.paused, r.rule)).collect())
}

/// Queues every asset the library lists as waiting for automatic upload, unless it already has a
/// job for the active account (queued, running, done, failed or paused: never twice), then clears
/// it. A crash between the two leaves it listed, and the next pass finds the job and only clears.
fn queue_auto_uploads(library: &Library, dir: &Path) -> Result<u64, ApiError> {
    let pending = library.pending_auto_uploads()?;
    if pending.is_empty() {
        return Ok(0);
    }
    let account = crate::remote::active_account_in(dir)?;
    let jobs = library.upload_jobs(Some(&account))?;
    let mut queued = 0;
    for asset_id in pending {
        let has_job = jobs.iter().any(|j| j.asset_id == asset_id && j.state != sr_library::JobState::Cancelled);
        if !has_job && library.asset(asset_id)?.is_some() {
            let req = crate::dto_uploads::QueueAddRequest { asset_ids: vec![asset_id], ..Default::default() };
            match crate::uploads::new_jobs(library, &req) {
                Ok(new) => {
                    // The folder's rule is already the asset's: the job follows the asset.
                    for j in library.add_upload_jobs(&account, &new, now_unix() * 1000)? {
                        library.set_upload_job_request(j.id, &sr_library::JobRequest::default())?;
                    }
                    queued += 1;
                }
                // An asset whose folder or name the remote refuses stays local; it is cleared so it
                // is not retried forever, and the log says why.
                Err(e) => tracing::warn!(asset_id, error = %e.message, "not queued for automatic upload"),
            }
        }
        library.clear_pending_auto_upload(asset_id)?;
    }
    Ok(queued)
}

/// What the supervisor needs; no `Stockroom`, so it can live on its own thread.
struct Ctx {
    library: Arc<Library>,
    shared: Arc<Shared>,
}

/// How a supervisor pass ended.
enum Ended {
    /// Asked to stop.
    Stop,
    /// The watcher could not start or stopped: `(reason, refused by another holder)`.
    Failed(String, bool),
}

impl Ctx {
    fn dir(&self) -> &Path {
        self.library.dir()
    }

    /// Runs one watcher until `stop`, a failure, or a settle change (then it starts a new one).
    fn run_once(&self, on_event: &dyn Fn(d::WatchEvent), stop: &AtomicBool) -> Ended {
        let (tx, rx) = mpsc::channel::<sr_watch::WatchEvent>();
        let tx = Mutex::new(tx);
        let sink: Arc<dyn Fn(sr_watch::WatchEvent) + Send + Sync> = Arc::new(move |e| {
            let _ = tx.lock().unwrap_or_else(|p| p.into_inner()).send(e);
        });
        let settle_ms = settle_ms_of(&self.library);
        let tuning = self.shared.tuning.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let watcher = match sr_watch::Watcher::start(self.library.clone(), config_of(&self.library, &tuning), sink) {
            Ok(w) => w,
            Err(sr_watch::WatchError::AlreadyRunning { holder }) => {
                let holder = lock_holder(self.dir()).unwrap_or(holder);
                return Ended::Failed(
                    format!(
                        "{holder} is already watching folders for this library, and only one process may. Stop it \
                         there (Ctrl-C in its terminal, or close that window); watching carries on here by itself."
                    ),
                    true,
                );
            }
            Err(e) => {
                return Ended::Failed(
                    format!(
                        "Watching folders could not start: {} It is tried again by itself.",
                        ApiError::from(e).message
                    ),
                    false,
                );
            }
        };
        *self.shared.watcher.lock().unwrap_or_else(|p| p.into_inner()) = Some(watcher);
        self.shared.set_stopped(None);
        on_event(d::WatchEvent::Ledger);

        let mut version = self.library.data_version().ok();
        let mut roots = roots_signature(&self.library);
        let mut queue_now = true;
        let mut last_queue = Instant::now();
        let ended = loop {
            if stop.load(Ordering::Relaxed) {
                break Ended::Stop;
            }
            match rx.recv_timeout(TICK) {
                Ok(e) => {
                    if matches!(e, sr_watch::WatchEvent::Ingested { auto_upload: true, .. }) {
                        queue_now = true;
                    }
                    on_event(e.into());
                    // Drain what is there before the housekeeping below.
                    while let Ok(e) = rx.try_recv() {
                        if matches!(e, sr_watch::WatchEvent::Ingested { auto_upload: true, .. }) {
                            queue_now = true;
                        }
                        on_event(e.into());
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {}
            }
            if queue_now || last_queue.elapsed() >= QUEUE_EVERY {
                queue_now = false;
                last_queue = Instant::now();
                if let Err(e) = queue_auto_uploads(&self.library, self.dir()) {
                    tracing::warn!(error = %e.message, "automatic upload queueing failed; retried shortly");
                }
            }
            let running = self.shared.with_watcher(|w| w.status().running).unwrap_or(false);
            if !running {
                break Ended::Failed(
                    "Watching folders stopped unexpectedly; it restarts by itself. If it keeps stopping, send the \
                     log (Settings shows where it is)."
                        .into(),
                    false,
                );
            }
            let now_version = self.library.data_version().ok();
            if now_version != version {
                version = now_version;
                if settle_ms_of(&self.library) != settle_ms {
                    tracing::info!("settle interval changed; restarting the watcher");
                    break Ended::Failed(String::new(), false);
                }
                let now_roots = roots_signature(&self.library);
                if now_roots != roots {
                    roots = now_roots;
                    self.shared.with_watcher(|w| w.reload());
                    on_event(d::WatchEvent::Ledger);
                }
            }
        };
        let watcher = self.shared.watcher.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(w) = watcher {
            w.stop();
        }
        // Events the watcher sent while stopping.
        while let Ok(e) = rx.try_recv() {
            on_event(e.into());
        }
        ended
    }

    /// Runs watchers until `stop`. `foreground`: a refusal (another holder) is returned, not retried.
    fn supervise(&self, on_event: &dyn Fn(d::WatchEvent), stop: &AtomicBool, foreground: bool) -> Result<(), ApiError> {
        let mut wait = FIRST_WAIT;
        let mut said: Option<String> = None;
        loop {
            match self.run_once(on_event, stop) {
                Ended::Stop => {
                    self.shared.set_stopped(None);
                    return Ok(());
                }
                // A settle change: start again at once.
                Ended::Failed(why, _) if why.is_empty() => continue,
                Ended::Failed(why, refused) => {
                    if foreground && refused {
                        return Err(ApiError::new(ErrorCode::Library, why));
                    }
                    if self.shared.stopped().is_none() {
                        // It ran since the last reason was said: say the next one again, and
                        // back off from the start.
                        said = None;
                        wait = FIRST_WAIT;
                    }
                    // Another holder is asked again soon (it may be a `watch run` about to end); a
                    // failure backs off. The window hears each new reason once.
                    if refused {
                        wait = FIRST_WAIT;
                    }
                    if said.as_deref() != Some(why.as_str()) {
                        tracing::warn!(reason = %why, retry_in_s = wait.as_secs(), "watching folders stopped");
                        self.shared.set_stopped(Some(why.clone()));
                        on_event(d::WatchEvent::Stopped { message: why.clone() });
                        said = Some(why);
                    }
                    let until = Instant::now() + wait;
                    while Instant::now() < until {
                        if stop.load(Ordering::Relaxed) {
                            self.shared.set_stopped(None);
                            return Ok(());
                        }
                        std::thread::sleep(TICK.min(until.saturating_duration_since(Instant::now())));
                    }
                    if !refused {
                        wait = (wait * 2).min(LONGEST_WAIT);
                    }
                }
            }
        }
    }
}

impl Stockroom {
    fn watching_ctx(&self) -> Ctx {
        Ctx { library: self.library.clone(), shared: self.watching.shared.clone() }
    }

    fn folder_dto(
        &self,
        root: WatchRoot,
        ledger: &[WatchedFile],
        live: Option<&sr_watch::WatchStatus>,
    ) -> d::WatchFolder {
        let WatchRoot { id, rule, paused, mode, mode_reason, health, health_reason, added_at } = root;
        let NewWatchRoot { path, remote_folder, tags, metadata, auto_upload, excludes } = rule;
        let listed = ledger.iter().filter(|r| r.root_id == id).count() as u64;
        let live_root = live.and_then(|s| s.roots.iter().find(|r| r.root.id == id));
        let (mode, mode_reason, health) = match live_root {
            Some(r) => (r.mode, r.mode_reason.clone(), r.health),
            None => (mode, mode_reason, health),
        };
        d::WatchFolder {
            id,
            path: path.to_string_lossy().into_owned(),
            remote_folder,
            tags,
            metadata,
            auto_upload,
            excludes,
            paused,
            mode: mode.into(),
            mode_reason,
            health: health.into(),
            health_reason,
            added_at,
            scanning: live_root.and_then(|r| r.scanning).map(|(done, total)| d::ScanProgress { done, total }),
            waiting: live_root.map(|r| r.waiting.max(listed)).unwrap_or(listed),
        }
    }

    fn folders_now(&self, ledger: &[WatchedFile]) -> Result<Vec<d::WatchFolder>, ApiError> {
        let live = self.watching.shared.with_watcher(|w| w.status());
        Ok(self.library.watch_roots()?.into_iter().map(|r| self.folder_dto(r, ledger, live.as_ref())).collect())
    }

    fn folder_by_id(&self, id: i64) -> Result<d::WatchFolder, ApiError> {
        let root = self
            .library
            .watch_root(id)?
            .ok_or_else(|| ApiError::not_found(format!("There is no watched folder #{id}.")))?;
        let ledger = self.library.watch_ledger()?;
        let live = self.watching.shared.with_watcher(|w| w.status());
        Ok(self.folder_dto(root, &ledger, live.as_ref()))
    }

    /// The watched folder at `path` (as given or as stored).
    pub fn watch_folder_by_path(&self, path: &Path) -> Result<d::WatchFolder, ApiError> {
        let want = absolute(path);
        let root =
            self.library.watch_roots()?.into_iter().find(|r| r.rule.path == want || r.rule.path == path).ok_or_else(
                || {
                    ApiError::not_found(format!(
                        "{} is not a watched folder. `stockroom watch list` shows the watched folders.",
                        path.display()
                    ))
                },
            )?;
        self.folder_by_id(root.id)
    }

    fn reload_watcher(&self) {
        self.watching.shared.with_watcher(|w| w.reload());
    }

    /// Adds a watched folder; counts its folders against the inotify budget and checks its
    /// filesystem (`statfs`) to choose native watching or polling. A running watcher picks it up.
    /// A rule that breaks the account's metadata fields (or names a bad glob, folder or tag) is
    /// refused with the reason, and nothing is saved.
    pub async fn watch_add(&self, req: d::WatchFolderRequest) -> Result<d::WatchFolder, ApiError> {
        let account = self.active_account()?;
        let library = self.library.clone();
        let tuning = self.watching.shared.tuning.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let root = tokio::task::spawn_blocking(move || -> Result<WatchRoot, ApiError> {
            let rule = check_rule(&library, &account, &req)?;
            let root = library.add_watch_root(&rule, now_unix())?;
            // Native watching or polling (a network drive, not enough inotify watches), shown
            // before any watcher runs; a running watcher re-checks.
            let config = config_of(&library, &tuning);
            let (mode, reason) = sr_watch::choose_mode(&rule.path, &rule.excludes, &config);
            library.set_watch_root_mode(root.id, mode, reason.as_deref())?;
            Ok(root)
        })
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("Adding the folder stopped: {e}")))??;
        self.reload_watcher();
        self.folder_by_id(root.id)
    }

    pub fn watch_list(&self) -> Result<Vec<d::WatchFolder>, ApiError> {
        let ledger = self.library.watch_ledger()?;
        self.folders_now(&ledger)
    }

    /// Stops watching the folder; its assets stay in the library.
    pub fn watch_remove(&self, id: i64) -> Result<(), ApiError> {
        if !self.library.remove_watch_root(id)? {
            return Err(ApiError::not_found(format!("There is no watched folder #{id}.")));
        }
        self.reload_watcher();
        Ok(())
    }

    /// `stockroom watch remove DIR`.
    pub fn watch_remove_path(&self, path: &Path) -> Result<(), ApiError> {
        let folder = self.watch_folder_by_path(path)?;
        self.watch_remove(folder.id)
    }

    pub fn watch_set_paused(&self, id: i64, paused: bool) -> Result<d::WatchFolder, ApiError> {
        if self.library.watch_root(id)?.is_none() {
            return Err(ApiError::not_found(format!("There is no watched folder #{id}.")));
        }
        self.library.set_watch_root_paused(id, paused)?;
        self.reload_watcher();
        self.folder_by_id(id)
    }

    pub fn watch_status(&self) -> Result<d::WatchStatus, ApiError> {
        let rows = self.library.watch_ledger()?;
        let folders = self.folders_now(&rows)?;
        let settle_ms = settle_ms_of(&self.library);
        let ledger: Vec<d::LedgerEntry> = rows.iter().map(|r| ledger_entry(r, settle_ms)).collect();
        let running = self.watching.shared.with_watcher(|w| w.status().running).unwrap_or(false);
        let held_by = if running { None } else { lock_holder(self.library.dir()) };
        Ok(d::WatchStatus {
            running,
            held_by,
            waiting: ledger.iter().filter(|e| e.state == d::LedgerState::Waiting).count() as u64,
            skipped: ledger.iter().filter(|e| e.state == d::LedgerState::Skipped).count() as u64,
            folders,
            ledger,
        })
    }

    /// Why the watcher of this process is not running now (it stopped, or another process holds it).
    pub fn watch_stopped_reason(&self) -> Option<String> {
        self.watching.shared.stopped()
    }

    fn ledger_row(&self, path: &str) -> Result<(WatchedFile, WatchRoot), ApiError> {
        let p = Path::new(path);
        let row = self.library.watched_file(p)?.filter(|r| r.state != FileState::Ingested).ok_or_else(|| {
            ApiError::not_found(format!("{path} is not waiting or skipped; `stockroom watch status` lists what is."))
        })?;
        let root = self
            .library
            .watch_root(row.root_id)?
            .ok_or_else(|| ApiError::not_found(format!("{path} is no longer under a watched folder.")))?;
        Ok((row, root))
    }

    /// Ingests the file now, in this process (no watcher runs here): the ingest's own checks
    /// (stat before = after, probe, content hash) still hold.
    fn ingest_now(&self, path: &str, root: &WatchRoot) -> Result<(), ApiError> {
        let meta = std::fs::metadata(path).map_err(|e| {
            ApiError::new(ErrorCode::Io, format!("Stockroom cannot read {path}: {e}. Check that it is still there."))
        })?;
        let stat = sr_library::watch::FileStat::from_metadata(&meta);
        self.library.ingest_watched(root, Path::new(path), stat, now_unix())?;
        Ok(())
    }

    /// Looks at a waiting or skipped file again now.
    pub fn watch_retry(&self, path: &str) -> Result<(), ApiError> {
        let (_, root) = self.ledger_row(path)?;
        let p = PathBuf::from(path);
        if self.watching.shared.with_watcher(|w| w.retry(p, false)).is_some() {
            return Ok(());
        }
        self.ingest_now(path, &root)
    }

    /// Ingests a file held back for its name or for still changing, without waiting.
    pub fn watch_ingest_anyway(&self, path: &str) -> Result<(), ApiError> {
        let (row, root) = self.ledger_row(path)?;
        let reason: d::LedgerReason = row.reason.map(Into::into).unwrap_or(d::LedgerReason::StillWriting);
        if !reason.actions().contains(&d::LedgerAction::IngestAnyway) {
            return Err(ApiError::invalid(format!(
                "{path} cannot be ingested anyway: only a file held back for its name, an exclude pattern or \
                 still changing can be. {}",
                reason.message(settle_ms_of(&self.library))
            )));
        }
        let p = PathBuf::from(path);
        if self.watching.shared.with_watcher(|w| w.retry(p, true)).is_some() {
            return Ok(());
        }
        self.ingest_now(path, &root)
    }

    /// Accepts the new content of a file replaced in place as its asset's version (the asset already
    /// holds it on this computer): the file leaves the ledger, and is uploaded only when the person
    /// queues it. Refused in words for a file held for any other reason.
    pub fn watch_keep_new_version(&self, path: &str) -> Result<(), ApiError> {
        let (row, _) = self.ledger_row(path)?;
        let reason: d::LedgerReason = row.reason.map(Into::into).unwrap_or(d::LedgerReason::StillWriting);
        if !reason.actions().contains(&d::LedgerAction::KeepNewVersion) {
            return Err(ApiError::invalid(format!(
                "{path} was not replaced with other content, so there is no new version to keep. {}",
                reason.message(settle_ms_of(&self.library))
            )));
        }
        match self.library.release_replaced(Path::new(path), now_unix())? {
            Some(_) => Ok(()),
            // It changed between the look and the choice (e.g. it was copied again).
            None => Err(ApiError::not_found(format!(
                "{path} is no longer held as a replaced file; `stockroom watch status` lists what waits now."
            ))),
        }
    }

    /// Stops listing a file as waiting or skipped (until its content changes).
    pub fn watch_ignore(&self, path: &str) -> Result<(), ApiError> {
        let (mut row, _) = self.ledger_row(path)?;
        row.state = FileState::Ignored;
        row.updated_at = now_unix();
        self.library.record_watched(&[row])?;
        Ok(())
    }

    pub fn watch_settings(&self) -> Result<d::WatchSettings, ApiError> {
        Ok(d::WatchSettings { settle_ms: settle_ms_of(&self.library) })
    }

    /// A running watcher restarts with the new interval.
    pub fn set_watch_settings(&self, s: d::WatchSettings) -> Result<d::WatchSettings, ApiError> {
        if !(MIN_SETTLE_MS..=MAX_SETTLE_MS).contains(&s.settle_ms) {
            return Err(ApiError::invalid(format!(
                "The settle time must be between {} s and {} minutes.",
                MIN_SETTLE_MS as f64 / 1000.0,
                MAX_SETTLE_MS / 60_000
            )));
        }
        self.library.set_upload_setting(SETTLE_KEY, &s.settle_ms.to_string())?;
        self.watch_settings()
    }

    /// Knobs for tests and the benchmark (a small watch budget, a fast poll); takes effect when the
    /// watcher (re)starts.
    pub fn set_watch_tuning(&self, tuning: WatchTuning) {
        *self.watching.shared.tuning.lock().unwrap_or_else(|p| p.into_inner()) = tuning;
    }

    /// The desktop app: watch in the background while it runs (catching up first). When another
    /// process holds the watcher, this keeps trying and `watch_status().held_by` says who.
    pub fn start_background_watching(&self, on_event: Arc<dyn Fn(d::WatchEvent) + Send + Sync>) {
        let mut bg = self.watching.background.lock().unwrap_or_else(|p| p.into_inner());
        if bg.is_some() {
            return;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let ctx = self.watching_ctx();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("watch-supervisor".into())
            .spawn(move || {
                let forward = |e: d::WatchEvent| on_event(e);
                let _ = ctx.supervise(&forward, &flag, false);
            })
            .expect("a thread starts");
        *bg = Some((stop, thread));
    }

    pub fn stop_background_watching(&self) {
        let bg = self.watching.background.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some((stop, thread)) = bg {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }

    /// `stockroom watch run`: watch on the calling thread until `stop` is set (Ctrl-C). Refused in
    /// words when another process runs this library's watcher.
    pub fn watch_run(&self, on_event: &(dyn Fn(d::WatchEvent) + Sync), stop: &AtomicBool) -> Result<(), ApiError> {
        self.watching_ctx().supervise(&|e| on_event(e), stop, true)
    }

    /// A number that grows whenever any process commits a change to the library.
    pub fn library_version(&self) -> Result<u64, ApiError> {
        Ok(self.library.data_version()?)
    }

    /// Calls `on_change` (from a background thread) within about a second of any change any
    /// process commits to the library. Ends when this `Stockroom` is dropped.
    pub fn follow_library_changes(&self, on_change: Arc<dyn Fn(d::LibraryChange) + Send + Sync>) {
        let library = self.library.clone();
        let closing = self.watching.closing.clone();
        let spawned = std::thread::Builder::new().name("library-follower".into()).spawn(move || {
            let mut last = library.data_version().ok();
            while !closing.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                let now = library.data_version().ok();
                if now != last
                    && let Some(version) = now
                {
                    on_change(d::LibraryChange { version });
                }
                last = now.or(last);
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not follow library changes");
        }
    }
}
