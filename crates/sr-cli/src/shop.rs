//! `stockroom derived ASSET_ID` and `stockroom compare ASSET_ID --tr STR`: a published asset as the
//! shop sees it — the derived outputs its upload asked for with their state, and the shop's
//! delivery of a `tr` scored against the local preview of it. Thin adapters over
//! `Stockroom::derived_outputs` and `Stockroom::compare_with_shop`.

use std::io::Write;

use sr_api::dto_shop::{CompareEvent, CompareReport, DerivedOutput, DerivedState, MediaFacts};
use sr_api::{ApiError, Stockroom};

use crate::common::{emit, runtime};

fn state_word(s: DerivedState) -> &'static str {
    match s {
        DerivedState::Requested => "requested",
        DerivedState::Building => "building",
        DerivedState::Ready => "ready",
        DerivedState::Failed => "failed",
    }
}

/// `stockroom derived ASSET_ID [--json]`.
pub fn derived(app: &Stockroom, id: i64, json: bool) -> Result<(), ApiError> {
    let outputs = runtime()?.block_on(app.derived_outputs(id))?;
    emit(json, &outputs, |outputs: &Vec<DerivedOutput>| {
        if outputs.is_empty() {
            println!(
                "#{id} has no derived outputs on this account (publish it with --abs, --post-tr or --post-thumbnail)"
            );
        }
        for o in outputs {
            println!("{:<10} {}{}", state_word(o.state), o.label, if o.signed { " (signed)" } else { "" });
            println!("           {}", o.url);
            if let Some(r) = &o.reason {
                println!("           {r}");
            }
        }
    })
}

fn facts(f: &MediaFacts) -> String {
    let duration = f.duration_s.map(|d| format!(", {d:.2} s")).unwrap_or_default();
    format!(
        "{}×{}{duration}, {} / {}, {:.1} MB",
        f.width,
        f.height,
        f.video_codec.as_deref().unwrap_or("-"),
        f.audio_codec.as_deref().unwrap_or("-"),
        f.size as f64 / 1_000_000.0
    )
}

/// `stockroom compare ASSET_ID --tr STR [--json]`: exit 1 when the shop's delivery differs.
pub fn compare(app: &Stockroom, id: i64, tr: &str, json: bool) -> Result<(), ApiError> {
    let on_event = move |e: CompareEvent| {
        if json {
            return;
        }
        let step = match e {
            CompareEvent::Fetching => "fetching the shop's delivery",
            CompareEvent::Rendering => "rendering the local preview",
            CompareEvent::Comparing => "comparing",
        };
        let _ = writeln!(std::io::stderr().lock(), "{step}…");
    };
    let report = runtime()?.block_on(app.compare_with_shop(id, tr, on_event))?;
    emit(json, &report, |r: &CompareReport| {
        println!("{}", r.verdict);
        println!("ssim:    {:.4} (lowest of {} frame(s))", r.ssim, r.frames.len());
        for f in &r.frames {
            println!("         {:>7.2} s  {:.4}", f.at_s, f.ssim);
        }
        println!("shop:    {}", facts(&r.remote));
        println!("preview: {}", facts(&r.local));
        println!("url:     {}", r.url);
        println!("files:   {} | {}", r.remote_path, r.local_path);
    })?;
    if !report.matches {
        return Err(ApiError::new(sr_api::ErrorCode::Media, report.verdict));
    }
    Ok(())
}
