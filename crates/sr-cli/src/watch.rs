//! `stockroom watch ...`: watched folders from the terminal — add, list, remove, pause, resume,
//! run the watcher in the foreground, and the ledger of what waits and why.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Subcommand};
use sr_api::dto_watch as d;
use sr_api::{ApiError, Stockroom};

use crate::common::{emit, parse_pairs, runtime};

#[derive(Subcommand)]
pub enum WatchCommand {
    /// Watch a folder: what lands in it is added to the library once it is completely written.
    Add(AddArgs),
    /// The watched folders, their rules and how they are watched.
    List,
    /// Stop watching a folder (its assets stay in the library).
    Remove { dir: PathBuf },
    /// Pause watching a folder.
    Pause { dir: PathBuf },
    /// Resume watching a paused folder.
    Resume { dir: PathBuf },
    /// Watch in the foreground until Ctrl-C, printing what happens.
    Run,
    /// The watcher, the folders and every file waiting or skipped, with the reason.
    Status,
    /// Look at a waiting or skipped file again now.
    Retry { path: PathBuf },
    /// Add a file held back for its name or for still changing, without waiting.
    IngestAnyway { path: PathBuf },
    /// Accept the new content of a file replaced in place as its asset's version (it is uploaded
    /// only when you queue it).
    KeepNewVersion { path: PathBuf },
    /// Stop listing a file as waiting or skipped.
    Ignore { path: PathBuf },
    /// Show or change how long a file must hold still before it is added.
    Settings {
        /// Milliseconds (default 2000).
        #[arg(long, value_name = "MS")]
        settle_ms: Option<u64>,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// The folder on this computer.
    pub dir: PathBuf,
    /// Remote folder it maps to (default `/`); subfolders map to subfolders.
    #[arg(long, value_name = "/REMOTE/PATH")]
    pub folder: Option<String>,
    /// A tag every file gets (repeat for more).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Custom metadata every file gets, `key=<json>` (e.g. `price=1200`, `color="red"`).
    #[arg(long = "meta", value_name = "KEY=JSON")]
    pub meta: Vec<String>,
    /// Queue each new file for upload to the active account.
    #[arg(long)]
    pub auto_upload: bool,
    /// Skip paths matching this glob, relative to the folder (repeat for more), e.g. `*.xmp`.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
}

fn word<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

/// The folder's rules in one line.
fn rules(f: &d::WatchFolder) -> String {
    let mut parts = vec![format!("→ {}", f.remote_folder)];
    if !f.tags.is_empty() {
        parts.push(format!("tags: {}", f.tags.join(", ")));
    }
    if !f.metadata.is_empty() {
        parts.push(f.metadata.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "));
    }
    if f.auto_upload {
        parts.push("auto-upload".into());
    }
    if !f.excludes.is_empty() {
        parts.push(format!("excludes: {}", f.excludes.join(" ")));
    }
    parts.join(" · ")
}

fn describe(f: &d::WatchFolder) -> String {
    let mut state = vec![word(f.mode)];
    if f.paused {
        state.push("paused".into());
    }
    if f.health == d::RootHealth::Offline {
        state.push("offline".into());
    }
    let mut line = format!("#{:<4} {}  [{}]  {}", f.id, f.path, state.join(", "), rules(f));
    if f.waiting > 0 {
        line.push_str(&format!("  ({} waiting or skipped)", f.waiting));
    }
    if let Some(r) = &f.mode_reason {
        line.push_str(&format!("\n      polling: {r}"));
    }
    if let Some(r) = &f.health_reason {
        line.push_str(&format!("\n      offline: {r}"));
    }
    if let Some(s) = &f.scanning {
        line.push_str(&format!("\n      checking files: {}/{}", s.done, s.total));
    }
    line
}

fn describe_entry(e: &d::LedgerEntry) -> String {
    let mut line = format!("{:<8} {}\n         {}", word(e.state), e.path, e.message);
    if let Some(detail) = &e.detail {
        line.push_str(&format!(" ({detail})"));
    }
    let commands: Vec<&str> = e.actions.iter().map(|a| command_of(*a)).collect();
    if !commands.is_empty() {
        line.push_str(&format!("\n         stockroom watch {} PATH", commands.join("|")));
    }
    line
}

/// The `stockroom watch` subcommand that takes a ledger action.
fn command_of(a: d::LedgerAction) -> &'static str {
    match a {
        d::LedgerAction::Retry => "retry",
        d::LedgerAction::IngestAnyway => "ingest-anyway",
        d::LedgerAction::KeepNewVersion => "keep-new-version",
        d::LedgerAction::Ignore => "ignore",
    }
}

fn path_arg(p: &std::path::Path) -> String {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned()).to_string_lossy().into_owned()
}

pub fn watch(app: &Stockroom, cmd: WatchCommand, json: bool) -> Result<(), ApiError> {
    match cmd {
        WatchCommand::Add(a) => {
            let req = d::WatchFolderRequest {
                path: a.dir.to_string_lossy().into_owned(),
                remote_folder: a.folder,
                tags: a.tags,
                metadata: parse_pairs(&a.meta)?.into_iter().collect(),
                auto_upload: a.auto_upload,
                excludes: a.excludes,
            };
            let f = runtime()?.block_on(app.watch_add(req))?;
            emit(json, &f, |f| {
                println!("{}", describe(f));
                println!("watching {}; run `stockroom watch run` (or open the app) to take files in", f.path);
            })?;
        }
        WatchCommand::List => {
            let folders = app.watch_list()?;
            emit(json, &folders, |folders| {
                for f in folders {
                    println!("{}", describe(f));
                }
                if folders.is_empty() {
                    println!("no watched folders; add one with `stockroom watch add DIR`");
                }
            })?;
        }
        WatchCommand::Remove { dir } => {
            app.watch_remove_path(&dir)?;
            if !json {
                println!("stopped watching {}; its assets stay in the library", dir.display());
            }
        }
        WatchCommand::Pause { dir } => {
            let f = app.watch_folder_by_path(&dir)?;
            emit(json, &app.watch_set_paused(f.id, true)?, |f| println!("{}", describe(f)))?;
        }
        WatchCommand::Resume { dir } => {
            let f = app.watch_folder_by_path(&dir)?;
            emit(json, &app.watch_set_paused(f.id, false)?, |f| println!("{}", describe(f)))?;
        }
        WatchCommand::Status => {
            let s = app.watch_status()?;
            emit(json, &s, |s| {
                match (&s.held_by, s.running) {
                    (_, true) => println!("watcher: running in this process"),
                    (Some(h), _) => println!("watcher: running in {h}"),
                    (None, _) => println!("watcher: not running (start it with `stockroom watch run` or the app)"),
                }
                for f in &s.folders {
                    println!("{}", describe(f));
                }
                for e in &s.ledger {
                    println!("{}", describe_entry(e));
                }
                println!("{} waiting, {} skipped", s.waiting, s.skipped);
            })?;
        }
        WatchCommand::Retry { path } => app.watch_retry(&path_arg(&path))?,
        WatchCommand::IngestAnyway { path } => app.watch_ingest_anyway(&path_arg(&path))?,
        WatchCommand::KeepNewVersion { path } => app.watch_keep_new_version(&path_arg(&path))?,
        WatchCommand::Ignore { path } => app.watch_ignore(&path_arg(&path))?,
        WatchCommand::Settings { settle_ms } => {
            let s = match settle_ms {
                Some(ms) => app.set_watch_settings(d::WatchSettings { settle_ms: ms })?,
                None => app.watch_settings()?,
            };
            emit(json, &s, |s| println!("settle: {} ms", s.settle_ms))?;
        }
        WatchCommand::Run => run(app, json)?,
    }
    Ok(())
}

/// Sets `stop` on Ctrl-C or SIGTERM (on a small runtime of its own).
fn stop_on_signal(stop: Arc<AtomicBool>) -> Result<(), ApiError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new(sr_api::ErrorCode::Internal, format!("Could not listen for Ctrl-C: {e}")))?;
    std::thread::spawn(move || {
        rt.block_on(async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                let mut term = match signal(SignalKind::terminate()) {
                    Ok(t) => t,
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                        return;
                    }
                };
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
        });
        stop.store(true, Ordering::Relaxed);
    });
    Ok(())
}

/// `watch run`: events as lines (JSON lines with `--json`), and each ledger change in words.
fn run(app: &Stockroom, json: bool) -> Result<(), ApiError> {
    let stop = Arc::new(AtomicBool::new(false));
    stop_on_signal(stop.clone())?;
    let folders = app.watch_list()?;
    if !json {
        eprintln!(
            "watching {} folder(s) of {} (Ctrl-C to stop)",
            folders.iter().filter(|f| !f.paused).count(),
            app.library_dir().display()
        );
        if folders.is_empty() {
            eprintln!("no watched folders yet: add one with `stockroom watch add DIR` (this picks it up)");
        }
    }
    // What the ledger said last, so each change is printed once.
    let shown = std::sync::Mutex::new(HashMap::<String, (d::LedgerReason, d::LedgerState)>::new());
    let on_event = |e: d::WatchEvent| {
        let mut out = std::io::stdout().lock();
        if json {
            if let Ok(line) = serde_json::to_string(&e) {
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            return;
        }
        let _ = match &e {
            d::WatchEvent::Ingested { asset_id, path, .. } => writeln!(out, "added    #{asset_id} {path}"),
            d::WatchEvent::Moved { asset_id, from, to } => writeln!(out, "moved    #{asset_id} {from} → {to}"),
            d::WatchEvent::Missing { asset_ids } => {
                let ids: Vec<String> = asset_ids.iter().map(|i| format!("#{i}")).collect();
                writeln!(out, "missing  {} (the files are gone; the assets stay)", ids.join(", "))
            }
            d::WatchEvent::Stopped { message } => writeln!(out, "stopped  {message}"),
            d::WatchEvent::Folder { root_id } => match app.watch_list() {
                Ok(fs) => match fs.iter().find(|f| f.id == *root_id) {
                    Some(f) => writeln!(out, "folder   {}", describe(f)),
                    None => Ok(()),
                },
                Err(_) => Ok(()),
            },
            d::WatchEvent::Ledger => {
                if let Ok(s) = app.watch_status() {
                    let mut shown = shown.lock().unwrap_or_else(|p| p.into_inner());
                    for entry in &s.ledger {
                        let now = (entry.reason, entry.state);
                        if shown.get(&entry.path) != Some(&now) {
                            let _ = writeln!(out, "{}", describe_entry(entry));
                            shown.insert(entry.path.clone(), now);
                        }
                    }
                    shown.retain(|p, _| s.ledger.iter().any(|e| &e.path == p));
                }
                Ok(())
            }
            d::WatchEvent::Scan { .. } => Ok(()),
        };
        let _ = out.flush();
    };
    app.watch_run(&on_event, &stop)?;
    if !json {
        eprintln!("stopped watching");
    }
    Ok(())
}
