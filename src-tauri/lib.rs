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
        .plugin(tauri_plugin_notification::init())
        .manage(stockroom.clone())
        .manage(commands::uploads::UploadRunner::default())
        .manage(sr_api::PreviewJobs::default())
        .setup(move |app| {
            use tauri::Manager;
            app.state::<commands::uploads::UploadRunner>().restart(app.handle().clone(), stockroom.clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::library::library_info,
            commands::library::list_assets,
            commands::library::get_asset,
            commands::library::import_paths,
            commands::library::cancel_imports,
            commands::organise::organisation,
            commands::organise::add_tags,
            commands::organise::remove_tags,
            commands::organise::tag_suggestions,
            commands::organise::rename_tag,
            commands::organise::metadata_fields,
            commands::organise::set_metadata,
            commands::organise::unset_metadata,
            commands::organise::check_metadata,
            commands::organise::metadata_summary,
            commands::organise::folders,
            commands::organise::set_folder,
            commands::organise::create_folder,
            commands::organise::rename_folder,
            commands::organise::move_folder,
            commands::organise::search,
            commands::organise::save_search,
            commands::organise::saved_searches,
            commands::organise::delete_saved_search,
            commands::organise::undo_last,
            commands::remote::remote_info,
            commands::remote::use_sandbox,
            commands::remote::use_imagekit,
            commands::remote::refresh_catalogue,
            commands::remote::delivery_url,
            commands::preview::plan_preview,
            commands::preview::render_preview,
            commands::preview::cancel_preview,
            commands::preview::ladder_tr,
            commands::preview::plan_ladder,
            commands::preview::render_ladder,
            commands::presets::presets,
            commands::presets::save_preset,
            commands::presets::delete_preset,
            commands::presets::apply_preset,
            commands::presets::remove_preset,
            commands::presets::preset_urls,
            commands::presets::asset_url,
            commands::presets::ladder_url,
            commands::uploads::watch_uploads,
            commands::uploads::queue_add,
            commands::uploads::queue_list,
            commands::uploads::queue_pause,
            commands::uploads::queue_resume,
            commands::uploads::queue_cancel,
            commands::uploads::queue_retry,
            commands::uploads::queue_reorder,
            commands::uploads::uploads_set_paused,
            commands::uploads::uploads_retry,
            commands::uploads::upload_settings,
            commands::uploads::set_upload_settings,
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
