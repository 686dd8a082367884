//! `stockroom preview` and `stockroom thumbnail`: render a transformation (`tr`) locally, exactly as
//! the shop's delivery URL would show it, and print what was written.
//!
//! `-o DIR/ik-master.m3u8` (HLS) or `-o DIR/ik-master.mpd` (DASH) writes the adaptive-bitrate
//! ladder the remote delivers from `…/video.mp4/ik-master.m3u8?tr=sr-240_360_720` (the `tr` needs
//! `sr`); the JSON then lists the rungs (resolution, width, height, bitrate, and what each costs:
//! `bytes`, measured `bitrate_bps`), segments per rung, segment length, duration, the storage the
//! ladder adds (`storage_bytes`; the sound's share `audio_bytes`), the bytes one full view at the top rung downloads
//! (`bytes_per_view`), and the rungs that come out the same as a lower one (`duplicates`) with the
//! `tr` without them (`without_duplicates`).
//!
//! A thin adapter: everything goes through the façade (`Stockroom::render_preview_to`,
//! `Stockroom::thumbnail_at`), the same path the desktop app uses.
//!
//! Wiring in main.rs (one variant each, plus the match arms):
//! ```ignore
//! /// Render a transformation locally and print {width, height, duration_s, video_codec, audio_codec, size}.
//! Preview(preview::PreviewArgs),
//! /// Write a video's thumbnail (ik-thumbnail.jpg semantics; so picks the moment).
//! Thumbnail(preview::ThumbnailArgs),
//! // in run(), before opening the library:
//! Command::Preview(args) => preview::preview(cli.library.clone(), args)?,
//! Command::Thumbnail(args) => preview::thumbnail(cli.library.clone(), args)?,
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use sr_api::dto_preview::{
    LadderPlan, LadderResult, NotPreviewable, PreviewEvent, PreviewMode, PreviewPlan, PreviewResult, PreviewSource,
};
use sr_api::{ApiError, OpenOptions, Stockroom};

use crate::common::print_json;

/// `stockroom preview (INPUT|ASSET_ID) --tr STR -o OUT [--fast]`
#[derive(clap::Args, Debug)]
pub struct PreviewArgs {
    /// A media file, or the id of an asset in the library.
    pub input: String,
    /// The transformation, as in the delivery URL's `tr=` (e.g. `w-1080,h-1080:rt-90`).
    #[arg(long, default_value = "")]
    pub tr: String,
    /// Output file (mp4, webm, jpg, png, webp); with --fast, a folder for the HLS preview;
    /// DIR/ik-master.m3u8 or DIR/ik-master.mpd: the adaptive-bitrate ladder of an sr-… tr.
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    pub out: PathBuf,
    /// Write a fast segmented preview (HLS, at most 540p) that can play while it renders.
    #[arg(long)]
    pub fast: bool,
}

/// `stockroom thumbnail (INPUT|ASSET_ID) [--tr STR] -o OUT.jpg`
#[derive(clap::Args, Debug)]
pub struct ThumbnailArgs {
    /// A video file, or the id of a video in the library.
    pub input: String,
    /// Thumbnail parameters (w, h, ar, c, cm, fo, b, bg, r, so and layers), e.g. `so-3,w-400`.
    #[arg(long, default_value = "")]
    pub tr: String,
    /// Output JPEG.
    #[arg(short = 'o', long = "out", value_name = "OUT.jpg")]
    pub out: PathBuf,
}

/// A file path as given, else an asset id of the library.
fn source(input: &str) -> Result<PreviewSource, ApiError> {
    if Path::new(input).exists() {
        return Ok(PreviewSource::Path(input.to_owned()));
    }
    match input.parse::<i64>() {
        Ok(id) => Ok(PreviewSource::AssetId(id)),
        Err(_) => Err(ApiError::not_found(format!(
            "{input} is neither a file nor an asset id. Check the path, or list ids with `stockroom assets list`."
        ))),
    }
}

fn open(library: Option<PathBuf>) -> Result<Stockroom, ApiError> {
    Stockroom::open(OpenOptions { library_dir: library })
}

/// Plan notes and parameters the local preview leaves out, on stderr (stdout is the JSON).
fn explain(plan: &PreviewPlan) {
    explain_parts(&plan.not_previewable, &plan.notes);
}

fn explain_parts(not_previewable: &[NotPreviewable], notes: &[String]) {
    let mut err = std::io::stderr().lock();
    for n in not_previewable {
        let step = if n.step > 0 { format!("step {}: ", n.step) } else { String::new() };
        let _ = writeln!(err, "not previewable locally: {step}{} ({})", n.param, n.reason);
    }
    for note in notes {
        let _ = writeln!(err, "note: {note}");
    }
}

/// Whether `out` names a ladder playlist (`.m3u8` or `.mpd`).
fn is_ladder(out: &Path) -> bool {
    out.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("m3u8") || e.eq_ignore_ascii_case("mpd"))
}

fn print_ladder(plan: &LadderPlan, out: &LadderResult) -> Result<(), ApiError> {
    let v = serde_json::json!({
        "format": out.format,
        "master": out.path,
        "tr": plan.tr,
        "rungs": out.rungs.iter().map(|r| {
            let cost = out.rung_costs.iter().find(|c| c.resolution == r.resolution);
            serde_json::json!({
                "resolution": r.resolution,
                "width": r.width,
                "height": r.height,
                "bitrate": r.bitrate,
                "bytes": cost.map(|c| c.bytes),
                "bitrate_bps": cost.map(|c| c.bitrate_bps),
            })
        }).collect::<Vec<_>>(),
        "audio_codec": out.audio_codec,
        "segments": out.segments,
        "segment_s": out.segment_s,
        "duration_s": out.duration_s,
        "size": out.size,
        "audio_bytes": out.audio_bytes,
        "storage_bytes": out.storage_bytes,
        "bytes_per_view": out.bytes_per_view,
        "duplicates": plan.duplicates,
        "without_duplicates": plan.without_duplicates,
    });
    print_json(&v)
}

/// `stockroom preview … -o DIR/ik-master.m3u8|.mpd`.
fn ladder(app: &Stockroom, src: PreviewSource, args: &PreviewArgs) -> Result<(), ApiError> {
    if args.fast {
        return Err(ApiError::invalid(
            "--fast makes a single quick preview; a ladder (-o ….m3u8 / ….mpd) is always rendered in full. Drop --fast.",
        ));
    }
    let (plan, out) = app.render_ladder_to(src, &args.tr, &args.out, |_| {}, Arc::new(AtomicBool::new(false)))?;
    explain_parts(&plan.not_previewable, &plan.notes);
    print_ladder(&plan, &out)
}

fn print(out: &PreviewResult) -> Result<(), ApiError> {
    let v = serde_json::json!({
        "width": out.width,
        "height": out.height,
        "duration_s": out.duration_s,
        "video_codec": out.video_codec,
        "audio_codec": out.audio_codec,
        "size": out.size,
    });
    print_json(&v)
}

/// `stockroom preview`.
pub fn preview(library: Option<PathBuf>, args: PreviewArgs) -> Result<(), ApiError> {
    let src = source(&args.input)?;
    let app = open(library)?;
    if is_ladder(&args.out) {
        return ladder(&app, src, &args);
    }
    let mode = if args.fast { PreviewMode::Fast } else { PreviewMode::Full };
    let (plan, out) = app.render_preview_to(
        src,
        &args.tr,
        mode,
        &args.out,
        |e| {
            if let PreviewEvent::FirstSegmentReady { path, .. } = e {
                eprintln!("first segment ready: {path}");
            }
        },
        Arc::new(AtomicBool::new(false)),
    )?;
    explain(&plan);
    if !args.fast
        && let Some(ext) = args.out.extension().and_then(|e| e.to_str())
        && !ext.eq_ignore_ascii_case(&plan.format)
        && !(plan.format == "jpg" && ext.eq_ignore_ascii_case("jpeg"))
    {
        eprintln!("note: the tr asks for {}, so {} holds {} data", plan.format, args.out.display(), plan.format);
    }
    print(&out)
}

/// `stockroom thumbnail`.
pub fn thumbnail(library: Option<PathBuf>, args: ThumbnailArgs) -> Result<(), ApiError> {
    let src = source(&args.input)?;
    let app = open(library)?;
    let (plan, out) = app.thumbnail_at(src, Some(&args.tr), &args.out)?;
    explain(&plan);
    print(&out)
}
