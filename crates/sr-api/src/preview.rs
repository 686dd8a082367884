//! Local previews of ImageKit transformations (spec §10) behind the façade: plan, render (fast HLS
//! or full file), video thumbnails, and adaptive-bitrate ladders (`ik-master.m3u8` / `.mpd`,
//! §10.4: [`Stockroom::plan_ladder`], [`Stockroom::render_ladder`], [`Stockroom::render_ladder_to`]).
//!
//! Renders for the UI are kept in `<library>/renders/` by (content hash, canonical `tr`, mode) via
//! [`sr_media::render::RenderCache`] and served by the loopback media server under
//! `/<secret>/render/<file>`.
//!
//! What `ik-master` URLs refuse is decided here and in [`sr_media::render::plan_ladder`] only:
//! [`ladder_tr`] turns the studio's transformation into a ladder `tr` the planner accepts (the UI
//! asks it instead of keeping its own list; a test checks both agree). The CLI renders to a file of its choice with
//! [`Stockroom::render_preview_to`] (no cache).
//!
//! Blocking methods: call them from a worker thread (`spawn_blocking`). Each render itself runs on
//! its own thread, so a panic inside the media code comes back as an error, not a crash.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use sr_imagekit::transform::{Item, Param, Step, Transformation};
use sr_media::render::{
    self, OutputFormat, PlanKind, PlanOptions, RenderCache, RenderEvent, RenderMode, RenderOptions, RenderOutput,
    RenderPlan, Source,
};

use crate::dto_preview::{
    LadderEvent, LadderFormat, LadderPlan, LadderResult, LadderRung, LadderTr, NotPreviewable, PreviewEvent,
    PreviewKind, PreviewMode, PreviewPlan, PreviewResult, PreviewSource, RungCost,
};
use crate::{ApiError, ErrorCode, Stockroom};

/// Folder of the library holding finished renders (served by the media server).
pub(crate) const RENDERS_DIR: &str = "renders";

/// The most the render cache keeps; older previews and ladders go first (they render again on demand).
pub const RENDER_CACHE_CAP_BYTES: u64 = 5 << 30;

/// Keeps the render cache under its cap and clears what crashed renders left (never fails a render).
pub(crate) fn trim_renders(cache: &RenderCache) {
    match cache.trim(RENDER_CACHE_CAP_BYTES) {
        Ok(t) if t.removed > 0 => tracing::info!(removed = t.removed, freed = t.freed, "render cache trimmed"),
        Ok(_) => {}
        Err(e) => tracing::warn!("the render cache could not be trimmed: {e}"),
    }
}

/// The input of a preview, resolved.
struct Input {
    path: PathBuf,
    /// Library content hash, or BLAKE3 of the file.
    hash: Option<String>,
    info: sr_media::MediaInfo,
}

fn kind_dto(k: PlanKind) -> PreviewKind {
    match k {
        PlanKind::Video => PreviewKind::Video,
        PlanKind::Image => PreviewKind::Image,
        PlanKind::Thumbnail => PreviewKind::Thumbnail,
    }
}

fn plan_dto(p: &RenderPlan) -> PreviewPlan {
    PreviewPlan {
        kind: kind_dto(p.kind),
        tr: p.tr.clone(),
        width: p.width,
        height: p.height,
        duration_s: p.duration_s,
        trim_s: p.trim.map(|t| (t.start_s, t.end_s)),
        format: p.format.extension().to_owned(),
        video_codec: p.video.map(|v| {
            match v {
                render::OutVideo::H264 => "h264",
                render::OutVideo::Vp9 => "vp9",
            }
            .to_owned()
        }),
        audio_codec: p.audio.map(|a| {
            match a {
                render::OutAudio::Aac => "aac",
                render::OutAudio::Opus => "opus",
            }
            .to_owned()
        }),
        quality: p.quality,
        not_previewable: p
            .not_previewable
            .iter()
            .map(|n| NotPreviewable {
                step: u32::try_from(n.step).unwrap_or(u32::MAX),
                param: n.param.clone(),
                reason: n.reason.clone(),
            })
            .collect(),
        notes: p.notes.clone(),
    }
}

fn ladder_format(f: LadderFormat) -> render::LadderFormat {
    match f {
        LadderFormat::Hls => render::LadderFormat::Hls,
        LadderFormat::Dash => render::LadderFormat::Dash,
    }
}

fn rungs_dto(rungs: impl Iterator<Item = render::Rung>) -> Vec<LadderRung> {
    rungs
        .map(|r| LadderRung { resolution: r.resolution, width: r.width, height: r.height, bitrate: r.bitrate })
        .collect()
}

fn ladder_plan_dto(p: &render::LadderPlan, format: LadderFormat) -> LadderPlan {
    let base = plan_dto(&p.base);
    let mut notes = base.notes;
    notes.extend(p.notes.iter().cloned());
    let (duplicates, without_duplicates) = duplicates_of(p);
    LadderPlan {
        duplicates,
        without_duplicates,
        format,
        tr: p.base.tr.clone(),
        master_name: p.format.master_name().to_owned(),
        rungs: rungs_dto(p.rungs.iter().copied()),
        segment_s: p.segment_s,
        duration_s: p.base.duration_s,
        audio_codec: base.audio_codec,
        not_previewable: base.not_previewable,
        notes,
    }
}

fn ladder_result(urls: &RenderUrls, out: &render::LadderOutput, format: LadderFormat, cached: bool) -> LadderResult {
    LadderResult {
        format,
        rungs: rungs_dto(out.rungs.iter().map(|r| r.rung)),
        segments: out.rungs.first().map_or(0, |r| u32::try_from(r.segments).unwrap_or(u32::MAX)),
        segment_s: out.segment_s,
        duration_s: out.duration_s,
        audio_codec: out.audio.then(|| "aac".to_owned()),
        size: out.size,
        url: urls.url(&out.master),
        path: out.master.to_string_lossy().into_owned(),
        cached,
        rung_costs: out
            .rungs
            .iter()
            .map(|r| RungCost {
                resolution: r.rung.resolution,
                width: r.rung.width,
                height: r.rung.height,
                bytes: r.bytes,
                bitrate_bps: r.bitrate_bps,
            })
            .collect(),
        audio_bytes: out.audio_bytes,
        storage_bytes: out.storage_bytes,
        bytes_per_view: out.bytes_per_view,
    }
}

/// The planner's duplicate rungs, and the whole `tr` with its `sr-…` without them.
fn duplicates_of(p: &render::LadderPlan) -> (Vec<u32>, String) {
    if p.duplicates.is_empty() {
        return (Vec::new(), p.base.tr.clone());
    }
    let kept: Vec<u32> = p.rungs.iter().map(|r| r.resolution).filter(|r| !p.duplicates.contains(r)).collect();
    (p.duplicates.clone(), replace_sr(&p.base.tr, &kept))
}

/// `tr` with its `sr-…` replaced by `sr-<rungs>` (in place, other parameters as written).
pub(crate) fn replace_sr(tr: &str, rungs: &[u32]) -> String {
    let sr = rungs.iter().map(u32::to_string).collect::<Vec<_>>().join("_");
    let mut out = Transformation::new();
    for step in Transformation::parse(tr).steps() {
        let mut kept = Step::new();
        for item in step.items() {
            match item {
                Item::Param(p) if p.key() == "sr" => {
                    kept.push_param(Param::new("sr", sr.clone()));
                }
                other => kept.items_mut().push(other.clone()),
            }
        }
        out.push_step(kept);
    }
    out.to_string()
}

/// Refused anywhere on a streaming URL (spec §10.4): every representation is H.264 + AAC at a
/// fixed bit rate, so format, codecs and quality have no say.
const LADDER_REFUSED: [&str; 4] = ["f", "vc", "ac", "q"];
/// A resize or crop: refused (each representation's size comes from `sr`)...
const LADDER_SIZE: [&str; 3] = ["w", "h", "ar"];
/// ...so the parameters that only shape it go with it, in its step.
const LADDER_SIZE_COMPANIONS: [&str; 8] = ["c", "cm", "x", "y", "xc", "yc", "fo", "bg"];

/// The ladder `tr` for the studio's transformation `studio` and the renditions `rungs`: `studio`
/// without what streaming URLs refuse (a refused resize or crop takes its step's `c`, `cm`, `x`,
/// `y`, `xc`, `yc`, `fo`, `bg` with it) and without an `sr` of its own, then `sr-…` (ascending,
/// each once) as the last step; no rungs, no `sr` (the plan then says one is needed). Rotations,
/// flips, trims, effects and layers carry over as written. `left_out` lists the dropped keys.
pub fn ladder_tr(studio: &str, rungs: &[u32]) -> LadderTr {
    let mut left_out: Vec<String> = Vec::new();
    let mut out = Transformation::new();
    for step in Transformation::parse(studio.trim()).steps() {
        let sized = step.params().any(|p| LADDER_SIZE.contains(&p.key()));
        let mut kept = Step::new();
        for item in step.items() {
            if let Item::Param(p) = item {
                let key = p.key();
                if key == "sr" {
                    continue;
                }
                let shapes_size = LADDER_SIZE.contains(&key) || LADDER_SIZE_COMPANIONS.contains(&key);
                if LADDER_REFUSED.contains(&key) || (sized && shapes_size) {
                    if !left_out.iter().any(|k| k == key) {
                        left_out.push(key.to_owned());
                    }
                    continue;
                }
            }
            kept.items_mut().push(item.clone());
        }
        if !kept.is_empty() {
            out.push_step(kept);
        }
    }
    let mut sorted = rungs.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if !sorted.is_empty() {
        let sr = sorted.iter().map(u32::to_string).collect::<Vec<_>>().join("_");
        let mut step = Step::new();
        step.push_param(Param::new("sr", sr));
        out.push_step(step);
    }
    LadderTr { tr: out.to_string(), left_out }
}

/// A single file rendered from a `tr` with `sr-…` holds no ladder: the note says where one goes.
fn ladder_hint(tr: &str, out: &Path) -> Option<String> {
    Transformation::parse(tr).steps().iter().any(|s| s.has("sr")).then(|| {
        let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        format!(
            "sr-… lists the representations of an adaptive-bitrate ladder (ik-master.m3u8 / ik-master.mpd); write the ladder to {}/ik-master.m3u8",
            dir.display()
        )
    })
}

/// `tr` in its canonical spelling (what the cache is keyed by).
fn canonical_tr(tr: &str) -> String {
    Transformation::parse(tr.trim()).to_string()
}

/// `/summer/day1/` and `summer/day1` alike, as `summer/day1`.
fn norm_folder(f: &str) -> &str {
    f.trim_matches('/')
}

/// One lock per cache entry, so two identical requests render once (the second then hits the cache).
fn entry_lock(path: &Path) -> Arc<Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, l| Arc::strong_count(l) > 1);
    map.entry(path.to_path_buf()).or_default().clone()
}

/// Media-server URLs of files under `<library>/renders/`.
#[derive(Clone)]
struct RenderUrls {
    /// `http://127.0.0.1:PORT/SECRET` while the media server runs.
    base: Option<String>,
    renders: PathBuf,
}

impl RenderUrls {
    fn url(&self, path: &Path) -> Option<String> {
        let base = self.base.as_ref()?;
        let rel = path.strip_prefix(&self.renders).ok()?;
        let parts: Vec<&str> = rel
            .components()
            .map(|c| match c {
                std::path::Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect::<Option<_>>()?;
        Some(format!("{base}/render/{}", parts.join("/")))
    }

    fn result(&self, out: &RenderOutput, cached: bool) -> PreviewResult {
        PreviewResult {
            width: out.width,
            height: out.height,
            duration_s: out.duration_s,
            video_codec: out.video_codec.clone(),
            audio_codec: out.audio_codec.clone(),
            size: out.size,
            url: self.url(&out.path),
            path: out.path.to_string_lossy().into_owned(),
            cached,
        }
    }

    /// Render events as [`PreviewEvent`]s.
    fn event(&self, e: RenderEvent) -> PreviewEvent {
        match e {
            RenderEvent::Progress(fraction) => PreviewEvent::Progress { fraction },
            RenderEvent::FirstSegmentReady { master } => {
                PreviewEvent::FirstSegmentReady { url: self.url(&master), path: master.to_string_lossy().into_owned() }
            }
        }
    }
}

/// Where a prepared render sends its events.
pub(crate) type PreviewSink = Box<dyn Fn(PreviewEvent) + Send>;

/// Runs `f` on its own thread and waits for it.
fn on_worker<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    let handle = std::thread::Builder::new()
        .name("sr-preview".into())
        .spawn(f)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("Could not start the preview: {e}")))?;
    handle.join().unwrap_or_else(|_| {
        Err(ApiError::new(
            ErrorCode::Internal,
            "The preview stopped unexpectedly. Try again; if it keeps happening, try another transformation.",
        ))
    })
}

impl Stockroom {
    fn renders_dir(&self) -> PathBuf {
        self.library.dir().join(RENDERS_DIR)
    }

    fn preview_input(&self, source: &PreviewSource) -> Result<Input, ApiError> {
        let (path, hash) = match source {
            PreviewSource::AssetId(id) => {
                let a = self
                    .library
                    .asset(*id)?
                    .ok_or_else(|| ApiError::not_found(format!("There is no asset #{id} in this library.")))?;
                if !a.path.is_file() {
                    return Err(ApiError::not_found(format!(
                        "The file of asset #{id} is missing ({}). Reconnect the drive or import it again.",
                        a.path.display()
                    )));
                }
                let hash = Some(a.full_hash).filter(|h| !h.is_empty());
                (a.path, hash)
            }
            PreviewSource::Path(p) => {
                let path = PathBuf::from(p);
                if !path.is_file() {
                    return Err(ApiError::not_found(format!("{p} is not a file. Check the path.")));
                }
                (path, None)
            }
        };
        let info = sr_media::probe(&path)?;
        Ok(Input { path, hash, info })
    }

    /// The local file of an image layer's media-library path (`i-logos@@brand.png` gives
    /// `logos/brand.png`): a library asset whose remote folder and name match — that is the file
    /// the remote will use. Nothing else on this computer is ever read for a layer: a
    /// transformation typed in the studio cannot make Stockroom open an arbitrary local file.
    fn resolve_layer(&self, layer: &str) -> Option<PathBuf> {
        let trimmed = layer.trim_start_matches('/');
        let (folder, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
        const PAGE: u64 = 1000;
        let mut offset = 0;
        loop {
            let page = self.library.assets(offset, PAGE).ok()?;
            if let Some(a) = page
                .iter()
                .find(|a| a.name == name && norm_folder(&a.remote_folder) == norm_folder(folder) && a.path.is_file())
            {
                return Some(a.path.clone());
            }
            if (page.len() as u64) < PAGE {
                break;
            }
            offset += PAGE;
        }
        None
    }

    fn make_plan(
        &self,
        input: &Input,
        tr: &str,
        thumbnail: bool,
        default_format: Option<OutputFormat>,
    ) -> Result<RenderPlan, ApiError> {
        let tr = Transformation::parse(&canonical_tr(tr));
        let resolver = |p: &str| self.resolve_layer(p);
        let opts = PlanOptions { resolver: Some(&resolver), default_format };
        if thumbnail {
            render::plan_thumbnail(&input.info, &tr, &opts)
        } else {
            render::plan_with(&input.info, &tr, &opts)
        }
        .map_err(ApiError::from)
    }

    /// What a preview of `tr` will be: output size, duration, format and codecs, the parameters
    /// the local preview leaves out (they stay in the URL) and notes. A combination that can't be
    /// rendered is `invalid_input` whose message gives the reason and the nearest valid setting.
    pub fn plan_preview(&self, source: PreviewSource, tr: &str) -> Result<PreviewPlan, ApiError> {
        let input = self.preview_input(&source)?;
        Ok(plan_dto(&self.make_plan(&input, tr, false, None)?))
    }

    fn render_urls(&self) -> RenderUrls {
        RenderUrls { base: self.media.get().map(|m| m.base().to_owned()), renders: self.renders_dir() }
    }

    fn preview_mode(plan: &RenderPlan, mode: PreviewMode) -> Result<RenderMode, ApiError> {
        match mode {
            PreviewMode::Fast if plan.kind == PlanKind::Video && plan.video.is_some() => Ok(RenderMode::Fast),
            PreviewMode::Fast => Err(ApiError::invalid(
                "Fast previews are for videos with a picture; use the full preview for photos and sound-only output.",
            )),
            PreviewMode::Full => Ok(RenderMode::Full),
        }
    }

    /// The input's content key (library hash, else BLAKE3 of the file) and the render cache.
    fn render_cache_for(&self, input: &Input) -> Result<(String, RenderCache), ApiError> {
        let hash = match &input.hash {
            Some(h) => h.clone(),
            None => render::content_hash(&input.path)
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("Could not read {}: {e}", input.path.display())))?,
        };
        let cache = RenderCache::new(self.renders_dir()).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!(
                    "Could not create the preview folder in the library ({e}). Check free disk space and permissions."
                ),
            )
        })?;
        Ok((hash, cache))
    }

    /// Renders a preview of `tr` into the library's render cache (blocking: call it from a worker
    /// thread; the render itself runs on its own thread). `fast`: HLS (`master.m3u8`, ≤ 540p) that
    /// can play from `first_segment_ready`; `full`: one file in the plan's format. An identical
    /// earlier request (same content, same canonical `tr`, same mode) is reused without rendering
    /// (`cached: true`). Setting `cancel` stops the render and deletes its partial output.
    /// `on_event` is called from the render thread; `finished` comes last on success.
    pub fn render_preview(
        &self,
        source: PreviewSource,
        tr: &str,
        mode: PreviewMode,
        on_event: impl Fn(PreviewEvent) + Send + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<PreviewResult, ApiError> {
        let job = self.prepare_render(source, tr, mode)?;
        on_worker(move || job(Box::new(on_event), cancel))
    }

    /// Everything [`Stockroom::render_preview`] decides before rendering (input, plan, cache
    /// entry), and the render itself as an owned job to run on any worker thread.
    pub(crate) fn prepare_render(
        &self,
        source: PreviewSource,
        tr: &str,
        mode: PreviewMode,
    ) -> Result<impl FnOnce(PreviewSink, Arc<AtomicBool>) -> Result<PreviewResult, ApiError> + Send + 'static, ApiError>
    {
        let input = self.preview_input(&source)?;
        let plan = self.make_plan(&input, tr, false, None)?;
        let mode = Self::preview_mode(&plan, mode)?;
        let (hash, cache) = self.render_cache_for(&input)?;
        let target = cache.path_for(&hash, &plan, mode);
        let lock = entry_lock(&target);
        let urls = self.render_urls();
        let path = input.path;
        Ok(move |on_event: PreviewSink, cancel: Arc<AtomicBool>| {
            let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
            let cached = match mode {
                RenderMode::Fast => target.join(render::PREVIEW_COMPLETE).is_file(),
                RenderMode::Full => target.is_file(),
            };
            let out = cache
                .get_or_render(
                    Source { path: &path, content_hash: &hash },
                    &plan,
                    mode,
                    &RenderOptions::default(),
                    &mut |e| on_event(urls.event(e)),
                    &cancel,
                )
                .map_err(ApiError::from)?;
            let result = urls.result(&out, cached);
            trim_renders(&cache);
            on_event(PreviewEvent::Finished { result: result.clone() });
            Ok(result)
        })
    }

    /// The media-server URL of a file under `<library>/renders/` (`None` without the media server).
    pub(crate) fn render_url(&self, path: &Path) -> Option<String> {
        self.render_urls().url(path)
    }

    /// `<library>/renders/`, created.
    pub(crate) fn renders_dir_created(&self) -> Result<PathBuf, ApiError> {
        let dir = self.renders_dir();
        std::fs::create_dir_all(&dir).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("Could not create {} ({e}). Check free disk space and permissions.", dir.display()),
            )
        })?;
        Ok(dir)
    }

    /// Renders a preview of `tr` to `out` instead of the cache (what `stockroom preview -o` does):
    /// `full` writes the file `out` (format from `tr`, else from `out`'s extension; the plan tells
    /// which), `fast` writes the HLS folder `out`. A `tr` with `sr-…` gets a note naming the ladder
    /// playlist to write instead. Blocking, like [`Stockroom::render_preview`].
    pub fn render_preview_to(
        &self,
        source: PreviewSource,
        tr: &str,
        mode: PreviewMode,
        out: &Path,
        on_event: impl Fn(PreviewEvent) + Send + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<(PreviewPlan, PreviewResult), ApiError> {
        let input = self.preview_input(&source)?;
        let default_format = match mode {
            PreviewMode::Fast => None,
            PreviewMode::Full => out.extension().and_then(|e| e.to_str()).and_then(OutputFormat::from_extension),
        };
        let plan = self.make_plan(&input, tr, false, default_format)?;
        let mode = Self::preview_mode(&plan, mode)?;
        let mut plan_out = plan_dto(&plan);
        plan_out.notes.extend(ladder_hint(&plan_out.tr, out));
        let urls = self.render_urls();
        let (path, out) = (input.path, out.to_path_buf());
        let result = on_worker(move || {
            let mut sink = |e: RenderEvent| on_event(urls.event(e));
            let opts = RenderOptions::default();
            let done = match mode {
                RenderMode::Fast => render::render_preview(&path, &plan, &out, &opts, &mut sink, &cancel),
                RenderMode::Full => render::render(&path, &plan, &out, &opts, &mut sink, &cancel),
            }
            .map_err(ApiError::from)?;
            let result = urls.result(&done, false);
            on_event(PreviewEvent::Finished { result: result.clone() });
            Ok(result)
        })?;
        Ok((plan_out, result))
    }

    /// Writes a video's thumbnail to `out` as a JPEG, as `…/video.mp4/ik-thumbnail.jpg?tr=…` would
    /// give it: the frame at `so` (the first by default) with the thumbnail's parameters (w, h, ar,
    /// c, cm, fo, b, bg, r, so and layers). Blocking.
    pub fn thumbnail_at(
        &self,
        source: PreviewSource,
        tr: Option<&str>,
        out: &Path,
    ) -> Result<(PreviewPlan, PreviewResult), ApiError> {
        let input = self.preview_input(&source)?;
        let plan = self.make_plan(&input, tr.unwrap_or(""), true, None)?;
        let plan_out = plan_dto(&plan);
        let urls = self.render_urls();
        let (path, out) = (input.path, out.to_path_buf());
        let result = on_worker(move || {
            let done =
                render::render(&path, &plan, &out, &RenderOptions::default(), &mut |_| {}, &AtomicBool::new(false))
                    .map_err(ApiError::from)?;
            Ok(urls.result(&done, false))
        })?;
        Ok((plan_out, result))
    }

    fn make_ladder(&self, input: &Input, tr: &str, format: LadderFormat) -> Result<render::LadderPlan, ApiError> {
        let tr = Transformation::parse(&canonical_tr(tr));
        let resolver = |p: &str| self.resolve_layer(p);
        let opts = PlanOptions { resolver: Some(&resolver), default_format: None };
        render::plan_ladder(&input.info, &tr, ladder_format(format), &opts).map_err(ApiError::from)
    }

    /// What the adaptive-bitrate ladder of `tr` (which lists its representations with `sr-…`) will
    /// be, as `…/video.mp4/ik-master.m3u8?tr=…` (`hls`) or `ik-master.mpd` (`dash`) delivers it:
    /// the rungs with their sizes and bit rates, segment length, and what is left out. `w`, `h`,
    /// `ar`, `f`, `vc`, `ac`, `q` or a missing `sr` are `invalid_input` naming the nearest valid
    /// setting.
    pub fn plan_ladder(&self, source: PreviewSource, tr: &str, format: LadderFormat) -> Result<LadderPlan, ApiError> {
        let input = self.preview_input(&source)?;
        Ok(ladder_plan_dto(&self.make_ladder(&input, tr, format)?, format))
    }

    /// Renders the ladder of `tr` into the library's render cache (keyed by content, canonical `tr`
    /// and format; an identical earlier request is reused, `cached: true`) and returns the master
    /// playlist's media-server URL: the rungs' playlists and segments are served beside it. Blocking
    /// like [`Stockroom::render_preview`]; `cancel` stops it and deletes what it wrote; `finished`
    /// comes last on success.
    pub fn render_ladder(
        &self,
        source: PreviewSource,
        tr: &str,
        format: LadderFormat,
        on_event: impl Fn(LadderEvent) + Send + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<LadderResult, ApiError> {
        let input = self.preview_input(&source)?;
        let plan = self.make_ladder(&input, tr, format)?;
        let (hash, cache) = self.render_cache_for(&input)?;
        let master = cache.ladder_path_for(&hash, &plan);
        let lock = entry_lock(&master);
        let urls = self.render_urls();
        let path = input.path;
        on_worker(move || {
            let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
            let cached = master.is_file();
            let out = cache
                .get_or_render_ladder(
                    Source { path: &path, content_hash: &hash },
                    &plan,
                    &RenderOptions::default(),
                    &mut |e| ladder_progress(&on_event, e),
                    &cancel,
                )
                .map_err(ApiError::from)?;
            let result = ladder_result(&urls, &out, format, cached);
            trim_renders(&cache);
            on_event(LadderEvent::Finished { result: result.clone() });
            Ok(result)
        })
    }

    /// Renders the ladder of `tr` to `out`, a playlist path (what `stockroom preview -o
    /// DIR/ik-master.m3u8` does): `.m3u8` writes HLS, `.mpd` DASH; the rungs' files go beside it
    /// (the folder is created; files of the same names are replaced). Blocking, like
    /// [`Stockroom::render_ladder`].
    pub fn render_ladder_to(
        &self,
        source: PreviewSource,
        tr: &str,
        out: &Path,
        on_event: impl Fn(LadderEvent) + Send + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<(LadderPlan, LadderResult), ApiError> {
        let format = match render::LadderFormat::from_path(out) {
            Some(render::LadderFormat::Hls) => LadderFormat::Hls,
            Some(render::LadderFormat::Dash) => LadderFormat::Dash,
            None => {
                return Err(ApiError::invalid(format!(
                    "{} is not a ladder playlist: name it ….m3u8 for HLS or ….mpd for DASH (e.g. ik-master.m3u8).",
                    out.display()
                )));
            }
        };
        let input = self.preview_input(&source)?;
        let plan = self.make_ladder(&input, tr, format)?;
        let plan_out = ladder_plan_dto(&plan, format);
        let urls = self.render_urls();
        let (path, out) = (input.path, out.to_path_buf());
        let result = on_worker(move || {
            let done = render::render_ladder(
                &path,
                &plan,
                &out,
                &RenderOptions::default(),
                &mut |e| ladder_progress(&on_event, e),
                &cancel,
            )
            .map_err(ApiError::from)?;
            let result = ladder_result(&urls, &done, format, false);
            on_event(LadderEvent::Finished { result: result.clone() });
            Ok(result)
        })?;
        Ok((plan_out, result))
    }
}

/// A ladder reports only its progress; the other render events concern single files.
fn ladder_progress(on_event: &impl Fn(LadderEvent), e: RenderEvent) {
    if let RenderEvent::Progress(fraction) = e {
        on_event(LadderEvent::Progress { fraction })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One case of `tests/vectors/ladder_tr.json`, which the UI's mock backend answers from too.
    #[derive(serde::Deserialize)]
    struct Vector {
        studio: String,
        rungs: Vec<u32>,
        tr: String,
        left_out: Vec<String>,
    }

    // Among them the cases the UI tested when it kept this rule: what streaming URLs accept stays,
    // a crop whose w/h are refused goes whole, so do format and quality, an old sr is replaced, no
    // rendition gives no sr (the planner says one is needed).
    #[test]
    fn ladder_tr_answers_every_shared_vector() {
        let vectors: Vec<Vector> =
            serde_json::from_str(include_str!("../tests/vectors/ladder_tr.json")).expect("ladder_tr.json parses");
        assert!(vectors.len() >= 5);
        for v in vectors {
            let got = ladder_tr(&v.studio, &v.rungs);
            assert_eq!((got.tr, got.left_out), (v.tr, v.left_out), "ladder_tr({:?}, {:?})", v.studio, v.rungs);
        }
    }

    #[test]
    fn a_single_file_from_an_sr_tr_notes_the_ladder_to_write() {
        assert_eq!(ladder_hint("rt-90", Path::new("out/a.mp4")), None);
        let hint = ladder_hint("rt-90:sr-240_360", Path::new("out/a.mp4")).expect("a note");
        assert!(hint.starts_with("sr-… lists the representations") && hint.ends_with(" out/ik-master.m3u8"), "{hint}");
        assert!(ladder_hint("sr-240", Path::new("a.mp4")).expect("a note").ends_with(" ./ik-master.m3u8"));
    }

    /// The planner's rule and [`ladder_tr`]'s agree: each parameter the studio can write is refused
    /// by `plan_ladder` exactly when `ladder_tr` leaves it out on its own.
    #[test]
    fn ladder_tr_agrees_with_the_planner() {
        let info = sr_media::MediaInfo {
            kind: sr_media::MediaKind::Video,
            container: Some("mp4".into()),
            video_codec: Some("h264".into()),
            audio_codec: Some("aac".into()),
            width: Some(1920),
            height: Some(1080),
            rotation_deg: 0,
            duration_s: Some(10.0),
            frame_rate: Some(25.0),
            bit_rate: None,
            has_alpha: false,
        };
        let params = "w-640 h-360 ar-16-9 f-mp4 vc-h264 ac-aac q-60 c-at_max cm-extract x-10 y-10 xc-100 yc-100 \
                      fo-center bg-red rt-90 fl-h so-1 eo-4 du-2 e-grayscale b-2_red r-10";
        for p in params.split_whitespace() {
            let planned = render::plan_ladder(
                &info,
                &Transformation::parse(&format!("{p},sr-240")),
                render::LadderFormat::Hls,
                &PlanOptions::default(),
            );
            let refused = matches!(planned, Err(sr_media::render::PlanError::NotInLadder { .. }));
            let dropped = !ladder_tr(p, &[240]).left_out.is_empty();
            let shapes_size = LADDER_SIZE_COMPANIONS.iter().any(|k| Param::parse(p).key() == *k);
            assert_eq!(refused, dropped, "{p}: planner refuses it: {refused}, ladder_tr drops it: {dropped}");
            if shapes_size {
                let with_resize = ladder_tr(&format!("{p},w-640"), &[240]);
                assert_eq!(with_resize.tr, "sr-240", "{p} goes with the resize it shapes");
            }
        }
    }
}
