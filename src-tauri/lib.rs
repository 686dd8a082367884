//! The thin Tauri shell: startup (log file, the library from `--library`, this window's claim on it,
//! the media server, a Content-Security-Policy narrowed to that server), plugins, managed state and
//! the command handler, and nothing else.
//! Commands are one-line calls into the `sr-api` façade, grouped by domain in `commands/`; the one
//! list of them is in `commands/mod.rs` (registered here, and the source of `ui/src/ipc/commands.ts`).

mod commands;

use std::path::PathBuf;
use std::sync::Arc;

use sr_api::{OpenOptions, Stockroom};
use tauri::{Builder, Runtime};

/// Registers plugins, state and commands. Production passes `Builder::default()`,
/// tests may pass `tauri::test::mock_builder()`.
pub fn app<R: Runtime>(builder: Builder<R>, stockroom: Arc<Stockroom>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(stockroom.clone())
        .manage(commands::uploads::UploadRunner::default())
        .manage(sr_api::PreviewJobs::default())
        .manage(commands::watch::WatchChannels::default())
        .manage(commands::sync::SyncChannels::default())
        .setup(move |app| {
            use tauri::Manager;
            app.state::<commands::uploads::UploadRunner>().restart(app.handle().clone(), stockroom.clone());
            // Watched folders: catch up, then watch while the app runs; other processes' changes reach the window.
            app.state::<commands::watch::WatchChannels>().start(&stockroom);
            // Two-way sync every few minutes while online (its first turn a little after opening).
            app.state::<commands::sync::SyncChannels>().start(&stockroom);
            Ok(())
        })
        .invoke_handler(commands::handler())
}

/// `--library DIR` on the command line wins over `$STOCKROOM_LIBRARY` and the app-data default.
fn library_arg() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--library" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--library=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

pub fn run() {
    // A rotating file a merchandiser can send, plus stderr; panics are written into it.
    let _log = sr_api::logging::init("stockroom", &sr_api::logging::default_log_dir(), true);
    let stockroom = match Stockroom::open(OpenOptions { library_dir: library_arg() }) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("Stockroom could not start: {}", e.message);
            std::process::exit(1);
        }
    };
    // One window per library; the CLI keeps working beside it.
    let _claim = match stockroom.claim_for_app() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("{}", e.message);
            eprintln!("Stockroom could not start: {}", e.message);
            std::process::exit(1);
        }
    };
    let media = stockroom.clone();
    if let Err(e) = tauri::async_runtime::block_on(async move { media.start_media_server().await }) {
        eprintln!("Stockroom could not start: {}", e.message);
        std::process::exit(1);
    }
    tracing::info!(library = %stockroom.library_dir().display(), "library open");
    let mut context = tauri::generate_context!();
    // Only this session's media server, not every port on the machine.
    if let Some(tauri::utils::config::Csp::Policy(policy)) = context.config().app.security.csp.clone() {
        context.config_mut().app.security.csp = Some(tauri::utils::config::Csp::Policy(stockroom.narrow_csp(&policy)));
    }
    app(Builder::default(), stockroom).run(context).expect("error while running Stockroom");
}
