//! Tauri commands: one-line adapters to the façade, grouped by domain. Blocking façade calls run
//! on the blocking pool so the UI thread never waits on SQLite or libav*.
//!
//! [`handler`] is built from the one list of commands below; the contract test
//! (`contract.rs`) reads the same list and the commands' signatures to generate
//! `ui/src/ipc/commands.ts`, so a renamed command or argument fails the UI's type check.

#[cfg(test)]
mod contract;
pub mod library;
pub mod organise;
pub mod presets;
pub mod preview;
pub mod remote;
pub mod shop;
pub mod sync;
pub mod uploads;
pub mod watch;

use std::sync::Arc;

use sr_api::{ApiError, ErrorCode, Stockroom};
use tauri::State;

pub type Api<'a> = State<'a, Arc<Stockroom>>;

pub async fn blocking<T: Send + 'static>(
    api: &Arc<Stockroom>,
    f: impl FnOnce(&Stockroom) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let api = api.clone();
    tauri::async_runtime::spawn_blocking(move || f(&api))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("The operation stopped unexpectedly: {e}")))?
}

/// One list of `module::command` feeds both the invoke handler and [`LIST`] (the contract test).
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// The invoke handler of every command.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }

        /// `(module, command)` in registration order.
        #[cfg(test)]
        pub const LIST: &[(&str, &str)] = &[$((stringify!($module), stringify!($name))),*];
    };
}

commands![
    library::library_info,
    library::get_asset,
    library::import_paths,
    library::cancel_imports,
    organise::organisation,
    organise::add_tags,
    organise::remove_tags,
    organise::tag_suggestions,
    organise::rename_tag,
    organise::metadata_fields,
    organise::set_metadata,
    organise::unset_metadata,
    organise::check_metadata,
    organise::metadata_summary,
    organise::folders,
    organise::set_folder,
    organise::create_folder,
    organise::rename_folder,
    organise::move_folder,
    organise::search,
    organise::save_search,
    organise::saved_searches,
    organise::delete_saved_search,
    organise::undo_last,
    remote::remote_info,
    remote::use_sandbox,
    remote::use_imagekit,
    remote::refresh_catalogue,
    preview::plan_preview,
    preview::render_preview,
    preview::cancel_preview,
    preview::ladder_tr,
    preview::plan_ladder,
    preview::render_ladder,
    presets::presets,
    presets::save_preset,
    presets::delete_preset,
    presets::apply_preset,
    presets::remove_preset,
    presets::preset_urls,
    presets::asset_url,
    presets::ladder_url,
    shop::check_post_transformations,
    shop::derived_outputs,
    shop::compare_with_shop,
    uploads::watch_uploads,
    uploads::queue_add,
    uploads::queue_list,
    uploads::queue_pause,
    uploads::queue_resume,
    uploads::queue_cancel,
    uploads::queue_retry,
    uploads::queue_reorder,
    uploads::uploads_set_paused,
    uploads::uploads_retry,
    uploads::upload_settings,
    uploads::set_upload_settings,
    watch::watch_add,
    watch::watch_list,
    watch::watch_remove,
    watch::watch_set_paused,
    watch::watch_status,
    watch::watch_retry,
    watch::watch_ingest_anyway,
    watch::watch_keep_new_version,
    watch::watch_ignore,
    watch::watch_settings,
    watch::set_watch_settings,
    watch::follow_watch,
    watch::follow_library,
    sync::sync_run,
    sync::sync_overview,
    sync::sync_log,
    sync::sync_conflicts,
    sync::resolve_conflicts,
    sync::sync_settings,
    sync::set_sync_settings,
    sync::download_original,
    sync::fetch_remote_thumbnail,
    sync::delete_from_remote,
    sync::rename_asset,
    sync::follow_sync,
];
