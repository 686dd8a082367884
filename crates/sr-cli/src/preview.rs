//! `stockroom preview` and `stockroom thumbnail`: render a transformation (`tr`) locally, exactly as
//! the shop's delivery URL would show it, and print what was written.
//!
//! Calls `sr_media::render` directly (the façade has no preview entry point yet); only ASSET_ID
//! resolution goes through `sr_api::Stockroom`.
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
//! Needs `sr-media.workspace = true` and `sr-imagekit.workspace = true` in sr-cli's `[dependencies]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use sr_api::{ApiError, ErrorCode, OpenOptions, Stockroom};
use sr_imagekit::transform::Transformation;
use sr_media::render::{
    self, OutputFormat, PlanOptions, RenderError, RenderEvent, RenderOptions, RenderOutput,
    RenderPlan,
};

/// `stockroom preview (INPUT|ASSET_ID) --tr STR -o OUT [--fast]`
#[derive(clap::Args, Debug)]
pub struct PreviewArgs {
    /// A media file, or the id of an asset in the library.
    pub input: String,
    /// The transformation, as in the delivery URL's `tr=` (e.g. `w-1080,h-1080:rt-90`).
    #[arg(long, default_value = "")]
    pub tr: String,
    /// Output file (mp4, webm, jpg, png, webp); with --fast, a folder for the HLS preview.
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

/// A file path as given, else an asset id looked up in the library.
fn resolve_input(library: Option<PathBuf>, input: &str) -> Result<PathBuf, ApiError> {
    let path = Path::new(input);
    if path.exists() {
        return Ok(path.to_path_buf());
    }
    match input.parse::<i64>() {
        Ok(id) => {
            let app = Stockroom::open(OpenOptions {
                library_dir: library,
            })?;
            Ok(PathBuf::from(app.asset(id)?.path))
        }
        Err(_) => Err(ApiError::not_found(format!(
            "{input} is neither a file nor an asset id. Check the path, or list ids with `stockroom assets list`."
        ))),
    }
}

fn media_error(e: sr_media::MediaError) -> ApiError {
    ApiError::new(ErrorCode::Media, e.to_string())
}

fn render_error(e: RenderError) -> ApiError {
    let code = match &e {
        RenderError::Plan(_) => ErrorCode::InvalidInput,
        RenderError::Output(_) => ErrorCode::Io,
        _ => ErrorCode::Media,
    };
    ApiError::new(code, e.to_string())
}

/// Plan notes and parameters the local preview leaves out, on stderr (stdout is the JSON).
fn explain(plan: &RenderPlan) {
    let mut err = std::io::stderr().lock();
    for n in &plan.not_previewable {
        let step = if n.step > 0 {
            format!("step {}: ", n.step)
        } else {
            String::new()
        };
        let _ = writeln!(
            err,
            "not previewable locally: {step}{} ({})",
            n.param, n.reason
        );
    }
    for note in &plan.notes {
        let _ = writeln!(err, "note: {note}");
    }
}

fn print(out: &RenderOutput) -> Result<(), ApiError> {
    let v = serde_json::json!({
        "width": out.width,
        "height": out.height,
        "duration_s": out.duration_s,
        "video_codec": out.video_codec,
        "audio_codec": out.audio_codec,
        "size": out.size,
    });
    let text = serde_json::to_string_pretty(&v)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// `stockroom preview`.
pub fn preview(library: Option<PathBuf>, args: PreviewArgs) -> Result<(), ApiError> {
    let input = resolve_input(library, &args.input)?;
    let info = sr_media::probe(&input).map_err(media_error)?;
    let tr = Transformation::parse(&args.tr);
    let default_format = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .and_then(OutputFormat::from_extension);
    let opts = PlanOptions {
        resolver: None,
        default_format: if args.fast { None } else { default_format },
    };
    let plan = render::plan_with(&info, &tr, &opts).map_err(|e| render_error(e.into()))?;
    explain(&plan);
    let cancel = AtomicBool::new(false);
    let mut on_event = |e: RenderEvent| {
        if let RenderEvent::FirstSegmentReady { master } = e {
            eprintln!("first segment ready: {}", master.display());
        }
    };
    let out = if args.fast {
        render::render_preview(
            &input,
            &plan,
            &args.out,
            &RenderOptions::default(),
            &mut on_event,
            &cancel,
        )
    } else {
        if let Some(f) = default_format
            && f != plan.format
        {
            eprintln!(
                "note: the tr asks for {}, so {} holds {} data",
                plan.format.extension(),
                args.out.display(),
                plan.format.extension()
            );
        }
        render::render(
            &input,
            &plan,
            &args.out,
            &RenderOptions::default(),
            &mut on_event,
            &cancel,
        )
    }
    .map_err(render_error)?;
    print(&out)
}

/// `stockroom thumbnail`.
pub fn thumbnail(library: Option<PathBuf>, args: ThumbnailArgs) -> Result<(), ApiError> {
    let input = resolve_input(library, &args.input)?;
    let info = sr_media::probe(&input).map_err(media_error)?;
    let tr = Transformation::parse(&args.tr);
    let plan = render::plan_thumbnail(&info, &tr, &PlanOptions::default())
        .map_err(|e| render_error(e.into()))?;
    explain(&plan);
    let out = render::render(
        &input,
        &plan,
        &args.out,
        &RenderOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .map_err(render_error)?;
    print(&out)
}
