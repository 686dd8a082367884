//! Local transformation previews: plan as the user edits, render (fast HLS or full quality) with
//! progress on a Channel, cancel by view id. A new render for a view cancels the one before it
//! ([`sr_api::PreviewJobs`]).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use sr_api::dto_preview as d;
use sr_api::{ApiError, PreviewJobs, Stockroom};
use tauri::ipc::Channel;

use super::{Api, blocking};

type Jobs<'a> = tauri::State<'a, PreviewJobs>;

/// Runs a render on a worker as `view`'s job: a newer job for the view cancels it, as does
/// `cancel_preview`.
async fn as_view_job<T: Send + 'static>(
    api: &Api<'_>,
    jobs: &Jobs<'_>,
    view: &str,
    render: impl FnOnce(&Stockroom, Arc<AtomicBool>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let ticket = jobs.start(view);
    let cancel = ticket.cancel_flag();
    let result = blocking(api, move |s| render(s, cancel)).await;
    drop(ticket);
    result
}

#[tauri::command]
pub async fn plan_preview(api: Api<'_>, source: d::AssetSource, tr: String) -> Result<d::PreviewPlan, ApiError> {
    blocking(&api, move |s| s.plan_preview(source.into(), &tr)).await
}

#[tauri::command]
pub async fn render_preview(
    api: Api<'_>,
    jobs: Jobs<'_>,
    view: String,
    source: d::AssetSource,
    tr: String,
    mode: d::PreviewMode,
    on_event: Channel<d::PreviewEvent>,
) -> Result<d::PreviewResult, ApiError> {
    as_view_job(&api, &jobs, &view, move |s, cancel| {
        s.render_preview(source.into(), &tr, mode, move |e| drop(on_event.send(e)), cancel)
    })
    .await
}

/// `true` when a render was running for `view` (it stops and its partial output is deleted).
#[tauri::command]
pub fn cancel_preview(jobs: Jobs<'_>, view: String) -> bool {
    jobs.cancel(&view)
}

/// What the adaptive-bitrate ladder of `tr` (with `sr-…`) will be: rungs, sizes, bit rates.
#[tauri::command]
pub async fn plan_ladder(
    api: Api<'_>,
    source: d::AssetSource,
    tr: String,
    format: d::LadderFormat,
) -> Result<d::LadderPlan, ApiError> {
    blocking(&api, move |s| s.plan_ladder(source.into(), &tr, format)).await
}

/// The ladder `tr` for the studio's `tr` and the chosen renditions (what streaming URLs refuse left out).
#[tauri::command]
pub fn ladder_tr(tr: String, rungs: Vec<u32>) -> d::LadderTr {
    sr_api::ladder_tr(&tr, &rungs)
}

/// Renders the ladder into the render cache with progress; cancelled like a preview, by `view`.
#[tauri::command]
pub async fn render_ladder(
    api: Api<'_>,
    jobs: Jobs<'_>,
    view: String,
    source: d::AssetSource,
    tr: String,
    format: d::LadderFormat,
    on_event: Channel<d::LadderEvent>,
) -> Result<d::LadderResult, ApiError> {
    as_view_job(&api, &jobs, &view, move |s, cancel| {
        s.render_ladder(source.into(), &tr, format, move |e| drop(on_event.send(e)), cancel)
    })
    .await
}
