//! The thin Tauri shell: window setup, the command list, and nothing else.
//! Every command is a one-line call into the `sr-api` façade (see commands.rs).

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
        .manage(stockroom)
        .invoke_handler(tauri::generate_handler![
            commands::library_info,
            commands::list_assets,
            commands::get_asset,
            commands::import_paths,
        ])
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
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let stockroom = match Stockroom::open(OpenOptions { library_dir: library_arg() }) {
        Ok(s) => Arc::new(s),
        Err(e) => {
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
    app(Builder::default(), stockroom)
        .run(tauri::generate_context!())
        .expect("error while running Stockroom");
}
