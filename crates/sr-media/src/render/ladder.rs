//! Adaptive-bitrate ladders, as the remote delivers them from `…/video.mp4/ik-master.m3u8?tr=sr-…`
//! (HLS) and `…/ik-master.mpd?tr=sr-…` (DASH), spec §10.4.
//!
//! * [`plan_ladder`] checks the `tr` the way the remote does: `sr` lists the representations (240 …
//!   2160), the other transformations (trims, `rt`, `fl`, layers, `e-grayscale`, `b`, …) apply as
//!   for any render ([`super::plan_with`]); `w`, `h`, `ar`, `f`, `vc`, `ac` and `q` are refused
//!   ([`PlanError::NotInLadder`], with the nearest valid setting).
//! * Each representation is H.264 + AAC at the remote's bit rate (240: 426x240 at 200K, 360: 640x360
//!   at 400K, 480: 854x480 at 800K, 720: 1280x720 at 3300K, 1080: 1920x1080 at 5500K, 1440:
//!   2560x1440 at 12000K, 2160: 3840x2160 at 18000K), resized with `c-at_max` into that box: the
//!   picture keeps its aspect ratio (a portrait clip's 720 is 406x720), sizes are even (4:2:0).
//! * **Rungs larger than the picture.** `c-at_max` never enlarges, so such a representation is
//!   delivered at the picture's own size, still at its own bit rate: a 1280x720 clip with
//!   `sr-240_720_1080` gives 426x240, 1280x720 and 1280x720 (the 1080 one at 5500K). The spec lists
//!   every requested representation and says only that they are resized with `c-at_max`, so the
//!   preview keeps them all rather than dropping one the URL asks for; [`LadderPlan::notes`] says so,
//!   [`LadderPlan::duplicates`] lists the rungs that come out at the size of a lower one and
//!   [`LadderPlan::without_duplicates`] is the `sr-…` list without them.
//! * **What it costs**: [`LadderOutput`] weighs what was written, per rung ([`RungOutput::bytes`],
//!   [`RungOutput::bitrate_bps`] measured from the segments and the duration) and in total
//!   ([`LadderOutput::storage_bytes`], and [`LadderOutput::bytes_per_view`]: the top rung + the sound,
//!   a player that stays on the best rendition for the whole video).
//! * [`render_ladder`] decodes once, runs the other transformations once, then `split`s into one
//!   `scale` per rung and one libx264 encoder per rung, each on its own thread with its x264 threads
//!   capped, GOPs fixed at fps × segment length with `scenecut=0` (so every rung's segments start
//!   with an IDR frame at the same times). The sound is encoded once (AAC 128k) and shared: an HLS
//!   audio group (`EXT-X-MEDIA`), a separate DASH AdaptationSet. All go through ONE `hls` or `dash`
//!   output context. Segments are [`SEGMENT_S`] seconds (the spec does not say what the remote
//!   uses).
//!
//! The output appears only when complete: it is written to a hidden folder beside the playlist and
//! moved in place at the end (the master playlist last); a cancelled or failed ladder leaves nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use ffmpeg_next as ff;
use sr_imagekit::transform::{Quantity, Transformation};

use super::job::{Progress, RenderError, RenderEvent, RenderOptions, fail, partial_path};
use super::plan::{OutAudio, PlanError, PlanKind, PlanOptions, RenderPlan, plan_with};
use super::source::{self, Decoded};
use super::video::{self, AudioOut, VideoOut, VideoTail};
use crate::{MediaInfo, MediaKind, av};

/// Segment length of ladders, in seconds.
pub const SEGMENT_S: u32 = 2;

/// The remote's representations: `sr` value, box width, box height, video bit rate (bits/s).
pub const REPRESENTATIONS: [(u32, u32, u32, u32); 7] = [
    (240, 426, 240, 200_000),
    (360, 640, 360, 400_000),
    (480, 854, 480, 800_000),
    (720, 1280, 720, 3_300_000),
    (1080, 1920, 1080, 5_500_000),
    (1440, 2560, 1440, 12_000_000),
    (2160, 3840, 2160, 18_000_000),
];

/// Bit rate of the shared sound rendition (AAC, stereo, 48 kHz).
pub const LADDER_AUDIO_BITRATE: u32 = 128_000;

/// Which manifest the ladder is delivered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LadderFormat {
    /// `ik-master.m3u8`: fMP4 HLS, one media playlist per rung plus the audio group.
    Hls,
    /// `ik-master.mpd`: MPEG-DASH, one AdaptationSet for the rungs, one for the sound.
    Dash,
}

impl LadderFormat {
    /// The file name the remote serves it under.
    pub fn master_name(self) -> &'static str {
        match self {
            LadderFormat::Hls => "ik-master.m3u8",
            LadderFormat::Dash => "ik-master.mpd",
        }
    }
    /// From a playlist's file name (`.m3u8` HLS, `.mpd` DASH; case-insensitive).
    pub fn from_path(path: &Path) -> Option<LadderFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "m3u8" => Some(LadderFormat::Hls),
            "mpd" => Some(LadderFormat::Dash),
            _ => None,
        }
    }
}

/// One representation of a ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rung {
    /// The `sr` value: 240, 360, 480, 720, 1080, 1440 or 2160.
    pub resolution: u32,
    /// The remote's box for it (426x240 for 240, ...).
    pub box_size: (u32, u32),
    /// The picture fitted into the box with `c-at_max` (even sizes).
    pub width: u32,
    pub height: u32,
    /// Video bit rate, bits/s.
    pub bitrate: u32,
}

/// A planned ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderPlan {
    /// Everything but the ladder (trims, turns, layers, ...), planned as for a file; its size is the
    /// picture the rungs are fitted from. `base.tr` is the whole `tr`, `sr` included.
    pub base: RenderPlan,
    pub format: LadderFormat,
    /// Ascending, one per distinct `sr` value.
    pub rungs: Vec<Rung>,
    pub segment_s: u32,
    /// Frames per GOP (fps × segment length), the same in every rung.
    pub gop: u32,
    /// Approximations and choices worth telling the user (on top of `base.notes`).
    pub notes: Vec<String>,
    /// Rungs that come out at the same size as a lower one (every rung at or above the picture's
    /// own size is that size: `c-at_max` never enlarges), ascending. They are still rendered, as the
    /// remote delivers them, at their own, higher bit rate: bytes for no extra picture.
    pub duplicates: Vec<u32>,
    /// The `sr-…` list without [`LadderPlan::duplicates`] (the same list when there are none).
    pub without_duplicates: String,
}

/// `v` rounded to the nearest even number, at least 2.
fn even(v: f64) -> u32 {
    ((v / 2.0).round() as u32 * 2).max(2)
}

/// `w`×`h` fitted into `bw`×`bh` with `c-at_max` (keep the aspect, never enlarge), even sizes.
pub fn at_max_even(w: u32, h: u32, bw: u32, bh: u32) -> (u32, u32) {
    let (fw, fh) = (f64::from(w), f64::from(h));
    let s = (f64::from(bw) / fw).min(f64::from(bh) / fh).min(1.0);
    if s >= 1.0 {
        return (w & !1, h & !1);
    }
    (even(fw * s).min(bw), even(fh * s).min(bh))
}

fn representation(resolution: u32) -> Option<(u32, u32, u32, u32)> {
    REPRESENTATIONS.iter().copied().find(|r| r.0 == resolution)
}

/// `sr-…` text for these resolutions.
fn sr_text(resolutions: &[u32]) -> String {
    let mut r = resolutions.to_vec();
    r.sort_unstable();
    r.dedup();
    format!("sr-{}", r.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("_"))
}

/// The `sr` values in the `tr` (the last step that has one wins, as for `q` or `f`).
fn requested(tr: &Transformation) -> Result<Option<Vec<u32>>, PlanError> {
    let values = tr.values()?;
    Ok(values.iter().rev().find_map(|v| v.streaming_resolutions.clone()))
}

/// What to write instead of a refused `w`/`h`: the rung closest to that size, added to the
/// requested ones.
fn nearest_rung(key: &str, value: &Option<Quantity>, current: &Option<Vec<u32>>) -> String {
    let target = match value {
        Some(Quantity::Number(n)) if *n >= 1.0 => Some(*n),
        _ => None,
    };
    let mut wanted = current.clone().unwrap_or_default();
    match target {
        Some(t) => {
            let best = REPRESENTATIONS
                .iter()
                .min_by(|a, b| {
                    let d = |r: &(u32, u32, u32, u32)| (f64::from(if key == "w" { r.1 } else { r.2 }) - t).abs();
                    d(a).total_cmp(&d(b))
                })
                .map(|r| r.0)
                .unwrap_or(720);
            wanted.push(best);
        }
        None if wanted.is_empty() => wanted.extend([240, 360, 480, 720, 1080]),
        None => {}
    }
    sr_text(&wanted)
}

/// Plan the ladder of `input` for `tr` (which must have `sr`).
pub fn plan_ladder(
    input: &MediaInfo,
    tr: &Transformation,
    format: LadderFormat,
    opts: &PlanOptions<'_>,
) -> Result<LadderPlan, PlanError> {
    if input.kind != MediaKind::Video {
        return Err(PlanError::Input(
            "file",
            "adaptive-bitrate ladders (ik-master.m3u8 / ik-master.mpd) are made from videos".into(),
        ));
    }
    let wanted = requested(tr)?;
    let values = tr.values()?;
    for (i, (step, v)) in tr.steps().iter().zip(&values).enumerate() {
        for p in step.params() {
            let (why, suggestion) = match p.key() {
                "w" => (
                    "each representation's size comes from sr (fitted with c-at_max)",
                    nearest_rung("w", &v.width, &wanted),
                ),
                "h" => (
                    "each representation's size comes from sr (fitted with c-at_max)",
                    nearest_rung("h", &v.height, &wanted),
                ),
                "ar" => ("every representation keeps the video's own aspect ratio", String::new()),
                "f" => (
                    "the representations are always H.264 + AAC in MP4 segments (pick HLS or DASH with ik-master.m3u8 or ik-master.mpd)",
                    String::new(),
                ),
                "vc" | "ac" => ("the representations are always H.264 video with AAC sound", String::new()),
                "q" => (
                    "each representation has a fixed bit rate (240: 200K, 360: 400K, 480: 800K, 720: 3300K, 1080: 5500K, 1440: 12000K, 2160: 18000K)",
                    String::new(),
                ),
                _ => continue,
            };
            return Err(PlanError::NotInLadder { step: i + 1, param: p.to_string(), why, suggestion });
        }
    }
    let Some(wanted) = wanted else {
        return Err(PlanError::NoRepresentations { suggestion: "sr-240_360_480_720_1080".into() });
    };
    let mut base = plan_with(input, tr, opts)?;
    base.not_previewable.retain(|n| !n.param.starts_with("sr-"));
    if base.kind != PlanKind::Video || base.video.is_none() {
        return Err(PlanError::Input("file", "its picture can't be decoded for a ladder".into()));
    }
    let mut notes = Vec::new();
    let mut resolutions = wanted.clone();
    resolutions.sort_unstable();
    resolutions.dedup();
    if resolutions.len() != wanted.len() {
        notes.push(format!("{} lists a representation twice; each is made once", sr_text(&wanted)));
    }
    let rungs: Vec<Rung> = resolutions
        .iter()
        .filter_map(|r| representation(*r))
        .map(|(resolution, bw, bh, bitrate)| {
            let (width, height) = at_max_even(base.width, base.height, bw, bh);
            Rung { resolution, box_size: (bw, bh), width, height, bitrate }
        })
        .collect();
    for r in &rungs {
        let fits = base.width <= r.box_size.0 && base.height <= r.box_size.1;
        if fits && (base.width, base.height) != r.box_size {
            notes.push(format!(
                "sr-{}: the {}×{} picture is smaller than {}×{} and c-at_max never enlarges, so this representation is {}×{} (at {}K)",
                r.resolution,
                base.width,
                base.height,
                r.box_size.0,
                r.box_size.1,
                r.width,
                r.height,
                r.bitrate / 1000
            ));
        }
    }
    let (duplicates, without_duplicates) = duplicate_rungs(&rungs);
    for r in rungs.iter().filter(|r| duplicates.contains(&r.resolution)) {
        let Some(same) = rungs.iter().find(|l| (l.width, l.height) == (r.width, r.height)) else { continue };
        notes.push(format!(
            "sr-{} comes out at {}×{}, the same picture as sr-{}, at {}K instead of {}K: it adds its bytes for no extra detail; {without_duplicates} leaves it out",
            r.resolution,
            r.width,
            r.height,
            same.resolution,
            r.bitrate / 1000,
            same.bitrate / 1000
        ));
    }
    let fps = input.frame_rate.filter(|f| *f > 0.0 && f.is_finite()).unwrap_or(25.0);
    let gop = (fps * f64::from(SEGMENT_S)).round().max(1.0) as u32;
    base.audio = base.audio.map(|_| OutAudio::Aac);
    Ok(LadderPlan { base, format, rungs, segment_s: SEGMENT_S, gop, notes, duplicates, without_duplicates })
}

/// The rungs (ascending) that have the size of a lower one, and the `sr-…` list without them.
pub(crate) fn duplicate_rungs(rungs: &[Rung]) -> (Vec<u32>, String) {
    let mut kept: Vec<&Rung> = Vec::new();
    let mut duplicates = Vec::new();
    for r in rungs {
        if kept.iter().any(|k| (k.width, k.height) == (r.width, r.height)) {
            duplicates.push(r.resolution);
        } else {
            kept.push(r);
        }
    }
    let list = sr_text(&kept.iter().map(|r| r.resolution).collect::<Vec<_>>());
    (duplicates, list)
}

/// A rung as written.
#[derive(Debug, Clone, PartialEq)]
pub struct RungOutput {
    pub rung: Rung,
    /// HLS: the rung's media playlist (`r720/index.m3u8`); DASH: `None` (all in the MPD).
    pub playlist: Option<PathBuf>,
    /// Segments written for this rung.
    pub segments: usize,
    /// Bytes of its media (init segment + segments; not its playlist): what a player fetches to
    /// show the whole video in this rendition, sound aside.
    pub bytes: u64,
    /// Measured video bit rate: `bytes` × 8 / the ladder's duration (0 when it has none).
    pub bitrate_bps: u64,
}

/// What a finished ladder wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderOutput {
    /// The master playlist (`ik-master.m3u8`) or MPD (`ik-master.mpd`).
    pub master: PathBuf,
    pub format: LadderFormat,
    pub rungs: Vec<RungOutput>,
    /// Whether a sound rendition is included.
    pub audio: bool,
    pub segment_s: u32,
    pub duration_s: Option<f64>,
    /// Bytes of every file of the ladder (the same as [`LadderOutput::storage_bytes`]).
    pub size: u64,
    /// Bytes of the shared sound rendition (init + segments; 0 without sound).
    pub audio_bytes: u64,
    /// What the ladder adds to storage: every rung, the sound and the playlists (or MPD).
    pub storage_bytes: u64,
    /// What one full view costs in bandwidth, modelled as a player that settles on the top rung
    /// for the whole video: the top rung's bytes + the sound's (playlists, a few KB, left out).
    /// Adaptive players start lower and switch up, so a real view costs this or less.
    pub bytes_per_view: u64,
}

/// Name of a rung's folder (HLS) and of its `%v` in the muxer's templates.
fn rung_name(r: &Rung) -> String {
    format!("r{}", r.resolution)
}

/// x264 threads of each rung's encoder: the cores shared out by pixel count (a 720p rung does four
/// times the work of a 360p one), at least 1 and at most 4 each. Each encoder runs on a thread of
/// its own, so N encoders never start N × cores threads (libx264's default).
pub(crate) fn threads_per_rung(rungs: &[Rung], threads: usize) -> Vec<usize> {
    let cores = if threads > 0 { threads } else { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) };
    let px = |r: &Rung| f64::from(r.width) * f64::from(r.height);
    let total: f64 = rungs.iter().map(px).sum::<f64>().max(1.0);
    rungs.iter().map(|r| ((cores as f64 * px(r) / total).ceil() as usize).clamp(1, 4)).collect()
}

/// Render the ladder: `master` is the playlist to write (`…/ik-master.m3u8` or `.mpd`, any name);
/// its folder is created when missing and receives the rungs' files. Blocks; progress and
/// cancellation as for [`super::render`]. Existing files of the same names are replaced; nothing
/// appears until the ladder is complete, and a cancelled or failed ladder leaves nothing behind.
pub fn render_ladder(
    input: &Path,
    plan: &LadderPlan,
    master: &Path,
    opts: &RenderOptions,
    on_event: &mut dyn FnMut(RenderEvent),
    cancel: &AtomicBool,
) -> Result<LadderOutput, RenderError> {
    let name = master
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| RenderError::Output(format!("{} is not a playlist file name", master.display())))?;
    let dir = match master.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let created = !dir.exists();
    std::fs::create_dir_all(&dir).map_err(|e| RenderError::Output(e.to_string()))?;
    let work = partial_path(&dir.join(&name));
    let _ = std::fs::remove_dir_all(&work);
    let mut progress = Progress::new(on_event);
    let res = std::fs::create_dir(&work)
        .map_err(|e| RenderError::Output(e.to_string()))
        .and_then(|()| encode(input, plan, &work, &name, opts, &mut progress, cancel))
        .and_then(|()| {
            if cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Cancelled);
            }
            if plan.format == LadderFormat::Hls {
                let master = work.join(&name);
                let io = |e: std::io::Error| RenderError::Output(e.to_string());
                let text = std::fs::read_to_string(&master).map_err(io)?;
                std::fs::write(&master, without_audio_only_variant(&text)).map_err(io)?;
            }
            move_into(&work, &dir, &name)
        });
    let _ = std::fs::remove_dir_all(&work);
    if let Err(e) = res {
        if created {
            let _ = std::fs::remove_dir(&dir);
        }
        return Err(e);
    }
    progress.finish();
    describe(plan, &dir, &dir.join(&name))
}

/// The HLS master without the audio-only variant libavformat adds for the audio group: the
/// remote lists one variant per rendition (spec §10.4), and a player on a slow link could
/// otherwise choose sound without picture. The group itself (`#EXT-X-MEDIA`) stays.
pub(crate) fn without_audio_only_variant(master: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut lines = master.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("#EXT-X-STREAM-INF:") && !line.contains("RESOLUTION=") {
            // Its URI is the next line that is not blank.
            for next in lines.by_ref() {
                if !next.trim().is_empty() {
                    break;
                }
            }
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n") + "\n"
}

/// Move every entry of `work` into `dir` (replacing entries of the same name), the master last.
fn move_into(work: &Path, dir: &Path, master: &str) -> Result<(), RenderError> {
    let io = |e: std::io::Error| RenderError::Output(e.to_string());
    let mut entries: Vec<PathBuf> = std::fs::read_dir(work).map_err(io)?.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort_by_key(|p| p.file_name().is_some_and(|n| n == master));
    for from in entries {
        let Some(file) = from.file_name() else { continue };
        let to = dir.join(file);
        if to.is_dir() {
            std::fs::remove_dir_all(&to).map_err(io)?;
        }
        std::fs::rename(&from, &to).map_err(io)?;
    }
    Ok(())
}

/// Bytes of the files of `dir` (not recursive) whose names pass `keep`.
fn files_size(dir: &Path, keep: impl Fn(&str) -> bool) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) && keep(&e.file_name().to_string_lossy()))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// `bytes` over `duration_s` seconds, in bits per second.
fn bits_per_second(bytes: u64, duration_s: Option<f64>) -> u64 {
    match duration_s {
        Some(d) if d > 0.0 => (bytes as f64 * 8.0 / d).round() as u64,
        _ => 0,
    }
}

/// Read back what a finished ladder in `dir` holds, with what each part weighs.
pub(crate) fn describe(plan: &LadderPlan, dir: &Path, master: &Path) -> Result<LadderOutput, RenderError> {
    let count_in = |text: &str, what: &str| text.matches(what).count();
    let duration_s = plan.base.duration_s;
    let media = |n: &str| n.ends_with(".m4s") || n.ends_with(".mp4");
    let mut manifests = std::fs::metadata(master).map(|m| m.len()).unwrap_or(0);
    // The sound is the stream after the rungs: `audio/` (HLS) or representation N (DASH).
    let n = plan.rungs.len();
    let audio_bytes = match plan.format {
        LadderFormat::Hls => {
            manifests += files_size(&dir.join("audio"), |f| !media(f));
            files_size(&dir.join("audio"), media)
        }
        LadderFormat::Dash => {
            files_size(dir, |f| f.starts_with(&format!("init-{n}.")) || f.starts_with(&format!("chunk-{n}-")))
        }
    };
    let rungs = plan
        .rungs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (playlist, segments, bytes) = match plan.format {
                LadderFormat::Hls => {
                    let folder = dir.join(rung_name(r));
                    let playlist = folder.join("index.m3u8");
                    let segments = std::fs::read_to_string(&playlist).map(|t| count_in(&t, "#EXTINF")).unwrap_or(0);
                    manifests += files_size(&folder, |f| !media(f));
                    (Some(playlist), segments, files_size(&folder, media))
                }
                LadderFormat::Dash => {
                    let chunk = format!("chunk-{i}-");
                    let init = format!("init-{i}.");
                    let segments = std::fs::read_dir(dir)
                        .map(|d| {
                            d.filter_map(|e| e.ok())
                                .filter(|e| e.file_name().to_string_lossy().starts_with(&chunk))
                                .count()
                        })
                        .unwrap_or(0);
                    (None, segments, files_size(dir, |f| f.starts_with(&chunk) || f.starts_with(&init)))
                }
            };
            RungOutput { rung: *r, playlist, segments, bytes, bitrate_bps: bits_per_second(bytes, duration_s) }
        })
        .collect::<Vec<_>>();
    if !master.is_file() || rungs.iter().any(|r| r.segments == 0) {
        return Err(RenderError::Failed(format!("the ladder in {} is incomplete", dir.display())));
    }
    let storage_bytes = rungs.iter().map(|r| r.bytes).sum::<u64>() + audio_bytes + manifests;
    let bytes_per_view = rungs.last().map_or(0, |r| r.bytes) + audio_bytes;
    Ok(LadderOutput {
        master: master.to_path_buf(),
        format: plan.format,
        rungs,
        audio: plan.base.audio.is_some(),
        segment_s: plan.segment_s,
        duration_s,
        size: storage_bytes,
        audio_bytes,
        storage_bytes,
        bytes_per_view,
    })
}

fn encode(
    input_path: &Path,
    plan: &LadderPlan,
    work: &Path,
    master_name: &str,
    opts: &RenderOptions,
    progress: &mut Progress<'_>,
    cancel: &AtomicBool,
) -> Result<(), RenderError> {
    av::init();
    av::clear_log();
    let base = &plan.base;
    let n = plan.rungs.len();
    if n == 0 {
        return Err(RenderError::Failed("a ladder needs at least one representation".into()));
    }
    let mut input = source::open(input_path, true, base.audio.is_some(), opts.threads)?;
    let trim = video::effective_trim(base, input.duration_s);

    // [main] → split → one scale per rung → sinks v0..vN.
    let sinks: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    let mut split = if n > 1 {
        format!("[main]split={n}{};", (0..n).map(|i| format!("[s{i}]")).collect::<String>())
    } else {
        "[main]null[s0];".to_string()
    };
    for (i, r) in plan.rungs.iter().enumerate() {
        if (r.width, r.height) == (base.width, base.height) {
            split.push_str(&format!("[s{i}]null[v{i}];"));
        } else {
            // `scale` keeps the display aspect by changing the sample aspect ratio when the
            // even-rounded size is not exact (136×240 of a portrait 360×640 clip plays 135 wide).
            // HLS renditions get square pixels, so a player shows exactly the planned size. DASH
            // keeps the compensating ratio: libavformat's dash muxer requires one display aspect
            // ratio per adaptation set (it refuses 136×240 beside 202×360 at 1:1), and DASH
            // players scale every representation to that declared aspect anyway.
            let sar = if plan.format == LadderFormat::Hls { ",setsar=1" } else { "" };
            split.push_str(&format!("[s{i}]scale={}:{}{sar}[v{i}];", r.width, r.height));
        }
    }
    let split = split.trim_end_matches(';').to_string();
    let (a_fmt, a_rate) = video::audio_format(base.audio);
    let mut g = video::build_graph(
        base,
        &input,
        &[],
        trim,
        VideoTail::Split { spec: &split, sinks: &sinks },
        Some((a_fmt, a_rate)),
    )?;
    for (i, r) in plan.rungs.iter().enumerate() {
        let got = video::sink_size(&mut g, &sinks[i]);
        if got != Some((r.width, r.height)) {
            return Err(RenderError::Failed(format!(
                "internal size mismatch: rung {} planned {}×{}, filter graph gives {got:?}",
                r.resolution, r.width, r.height
            )));
        }
    }

    let mut octx = match plan.format {
        LadderFormat::Hls => video::alloc_output("hls", &work.join("%v").join("index.m3u8"))?,
        LadderFormat::Dash => video::alloc_output("dash", &work.join(master_name))?,
    };
    let global_header = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);
    let vtb = input.video_tb;
    let fps = input.fps();
    let codec = ff::encoder::find_by_name("libx264").ok_or_else(|| RenderError::MissingEncoder("libx264".into()))?;
    let threads = threads_per_rung(&plan.rungs, opts.threads);
    let mut vouts = Vec::with_capacity(n);
    for (i, r) in plan.rungs.iter().enumerate() {
        // The rung's pixels are not quite square when its even size rounds the aspect (426x240 of
        // 16:9 is 640:639): keep the display aspect exact (DASH requires it of one AdaptationSet).
        let sar = video::sink_sar(&mut g, &sinks[i]);
        let index = octx.add_stream(codec).map_err(fail("output stream"))?.index();
        let mut enc =
            ff::codec::context::Context::new_with_codec(codec).encoder().video().map_err(fail("video encoder"))?;
        enc.set_width(r.width);
        enc.set_height(r.height);
        enc.set_format(ff::format::Pixel::YUV420P);
        enc.set_time_base(vtb);
        enc.set_frame_rate(Some(input.rate));
        enc.set_aspect_ratio(sar);
        enc.set_gop(plan.gop);
        enc.set_bit_rate(r.bitrate as usize);
        enc.set_max_bit_rate(r.bitrate as usize);
        if global_header {
            video::add_global_header(&mut enc);
        }
        let mut d = ff::Dictionary::new();
        d.set("preset", &opts.x264_preset);
        d.set("bufsize", &(2 * r.bitrate).to_string());
        d.set("threads", &threads[i].to_string());
        d.set("x264-params", &format!("keyint={g}:min-keyint={g}:scenecut=0", g = plan.gop));
        let enc = enc.open_as_with(codec, d).map_err(fail("the video encoder can't start"))?;
        let mut st = octx.stream_mut(index).expect("added");
        st.set_parameters(&enc);
        // SAFETY: plain field write on a stream of the open context (muxers read it, dash checks it).
        unsafe { (*st.as_mut_ptr()).sample_aspect_ratio = sar.into() };
        vouts.push(VideoOut { enc, index, tb: vtb, frame_dur: video::frame_duration(vtb, fps) });
    }
    let mut aout: Option<AudioOut> = None;
    if let (Some(kind), Some(_)) = (base.audio, &input.audio) {
        let enc = video::open_audio_encoder(kind, a_fmt, a_rate, global_header)?;
        let index = octx.add_stream(enc.enc.codec().expect("opened")).map_err(fail("output stream"))?.index();
        octx.stream_mut(index).expect("added").set_parameters(&enc.enc);
        enc.fix_sink_frame_size(&mut g);
        aout = Some(AudioOut { index, ..enc });
    }

    // Muxer options (checked: a misspelt one would be ignored silently).
    let mut d = ff::Dictionary::new();
    let seg = plan.segment_s.to_string();
    match plan.format {
        LadderFormat::Hls => {
            let group = if aout.is_some() { ",agroup:aud" } else { "" };
            let mut map: Vec<String> =
                plan.rungs.iter().enumerate().map(|(i, r)| format!("v:{i}{group},name:{}", rung_name(r))).collect();
            if aout.is_some() {
                map.push("a:0,agroup:aud,name:audio".into());
            }
            d.set("hls_time", &seg);
            d.set("hls_playlist_type", "vod");
            d.set("hls_segment_type", "fmp4");
            d.set("hls_flags", "independent_segments");
            d.set("master_pl_name", master_name);
            d.set("hls_segment_filename", &work.join("%v").join("seg_%05d.m4s").to_string_lossy());
            d.set("var_stream_map", &map.join(" "));
        }
        LadderFormat::Dash => {
            d.set("seg_duration", &seg);
            d.set("use_template", "1");
            d.set("use_timeline", "1");
            d.set("adaptation_sets", if aout.is_some() { "id=0,streams=v id=1,streams=a" } else { "id=0,streams=v" });
            d.set("init_seg_name", "init-$RepresentationID$.$ext$");
            d.set("media_seg_name", "chunk-$RepresentationID$-$Number%05d$.$ext$");
        }
    }
    video::write_header_checked(&mut octx, d, if plan.format == LadderFormat::Hls { "HLS" } else { "DASH" })?;
    let ost_tbs: Vec<ff::Rational> = vouts.iter().map(|v| octx.stream(v.index).expect("added").time_base()).collect();
    let aost_tb = aout.as_ref().map(|a| octx.stream(a.index).expect("added").time_base());

    if let Some((s, _)) = trim {
        input.seek_before(s);
    }
    let total = base.duration_s.unwrap_or(0.0).max(1e-3);
    let end_s = trim.map(|t| t.1);
    let has_audio_in = input.audio.is_some();

    std::thread::scope(|s| -> Result<(), RenderError> {
        let (ptx, prx) = mpsc::channel::<ff::Packet>();
        let mut txs = Vec::with_capacity(n);
        let mut workers = Vec::with_capacity(n);
        for (v, ost_tb) in vouts.into_iter().zip(ost_tbs) {
            let (tx, rx) = mpsc::sync_channel::<ff::frame::Video>(source::QUEUE);
            let ptx = ptx.clone();
            let h = std::thread::Builder::new()
                .name("sr-encode".into())
                .spawn_scoped(s, move || video::encoder_thread(v, ost_tb, rx, ptx, cancel))
                .map_err(|e| RenderError::Failed(format!("an encoder thread can't start: {e}")))?;
            txs.push(Some(tx));
            workers.push(h);
        }
        drop(ptx);
        let mut done_t = 0.0f64;
        let pull_video = |g: &mut ff::filter::Graph,
                          txs: &mut [Option<mpsc::SyncSender<ff::frame::Video>>],
                          done_t: &mut f64|
         -> Result<(), RenderError> {
            for (i, name) in sinks.iter().enumerate() {
                loop {
                    let mut f = ff::frame::Video::empty();
                    match g.get(name).expect("added").sink().frame(&mut f) {
                        Ok(()) => {}
                        Err(ff::Error::Eof) => break,
                        Err(ff::Error::Other { errno }) if errno == ff::ffi::EAGAIN => break,
                        Err(e) => return Err(fail("picture filter")(e)),
                    }
                    f.set_kind(ff::picture::Type::None);
                    if i == 0 {
                        *done_t = done_t.max(f.pts().unwrap_or(0) as f64 * f64::from(vtb));
                    }
                    let Some(tx) = txs[i].as_ref() else { continue };
                    if tx.send(f).is_err() {
                        // The encoder stopped: its error comes back from join.
                        txs[i] = None;
                    }
                }
            }
            Ok(())
        };
        let write_ready = |octx: &mut ff::format::context::Output, prx: &mpsc::Receiver<ff::Packet>| {
            while let Ok(p) = prx.try_recv() {
                p.write_interleaved(octx).map_err(fail("writing the video"))?;
            }
            Ok::<(), RenderError>(())
        };
        let audio = |g: &mut ff::filter::Graph,
                     octx: &mut ff::format::context::Output,
                     a: &mut AudioOut,
                     ost_tb: ff::Rational,
                     eof: bool|
         -> Result<(), RenderError> {
            let mut sink = g.get("aout").expect("added");
            let stb = sink.sink().time_base();
            let mut f = ff::frame::Audio::empty();
            loop {
                match sink.sink().frame(&mut f) {
                    Ok(()) => {}
                    Err(ff::Error::Eof) => break,
                    Err(ff::Error::Other { errno }) if errno == ff::ffi::EAGAIN => break,
                    Err(e) => return Err(fail("sound filter")(e)),
                }
                if let Some(pts) = f.pts() {
                    f.set_pts(Some(ff::Rescale::rescale(&pts, stb, a.tb)));
                }
                a.enc.send_frame(&f).map_err(fail("sound encoder"))?;
                audio_packets(a, octx, ost_tb)?;
            }
            if eof {
                a.enc.send_eof().map_err(fail("sound encoder"))?;
                audio_packets(a, octx, ost_tb)?;
            }
            Ok(())
        };

        let fed = source::drive(input, end_s, cancel, |frame| {
            match frame {
                Decoded::Video(f) => {
                    g.get("in").expect("added").source().add(&f).map_err(fail("picture filter"))?;
                    pull_video(&mut g, &mut txs, &mut done_t)?;
                }
                Decoded::Audio(f) => {
                    if let (Some(a), Some(tb)) = (aout.as_mut(), aost_tb) {
                        g.get("ain").expect("added").source().add(&f).map_err(fail("sound filter"))?;
                        audio(&mut g, &mut octx, a, tb, false)?;
                    }
                }
            }
            write_ready(&mut octx, &prx)?;
            progress.report((done_t / total).clamp(0.0, 0.999) as f32);
            Ok(())
        });
        let flushed = fed.and_then(|()| {
            if cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Cancelled);
            }
            g.get("in").expect("added").source().flush().map_err(fail("filter flush"))?;
            pull_video(&mut g, &mut txs, &mut done_t)?;
            if let (true, Some(a), Some(tb)) = (has_audio_in, aout.as_mut(), aost_tb) {
                g.get("ain").expect("added").source().flush().map_err(fail("filter flush"))?;
                audio(&mut g, &mut octx, a, tb, true)?;
            }
            Ok(())
        });
        // Close the encoders' inputs: they flush (unless cancelled), send their last packets and end.
        txs.clear();
        let mut write_err = None;
        for p in prx.iter() {
            if flushed.is_ok() && write_err.is_none() && !cancel.load(Ordering::Relaxed) {
                write_err = p.write_interleaved(&mut octx).err().map(fail("writing the video"));
            }
        }
        let mut joined = Ok(());
        for w in workers {
            let r = w.join().unwrap_or_else(|_| Err(RenderError::Failed("an encoder stopped unexpectedly".into())));
            joined = joined.and(r);
        }
        flushed?;
        if let Some(e) = write_err {
            return Err(e);
        }
        joined?;
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        octx.write_trailer().map_err(fail("the ladder can't be finished"))?;
        Ok(())
    })
}

fn audio_packets(
    a: &mut AudioOut,
    octx: &mut ff::format::context::Output,
    ost_tb: ff::Rational,
) -> Result<(), RenderError> {
    let mut p = ff::Packet::empty();
    while a.enc.receive_packet(&mut p).is_ok() {
        p.set_stream(a.index);
        p.rescale_ts(a.tb, ost_tb);
        p.write_interleaved(octx).map_err(fail("writing the sound"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::without_audio_only_variant;

    #[test]
    fn the_audio_only_variant_goes_and_everything_else_stays() {
        let muxed = "#EXTM3U\n#EXT-X-VERSION:7\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"group_aud\",NAME=\"audio_2\",DEFAULT=YES,URI=\"audio/index.m3u8\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=360800,RESOLUTION=136x240,CODECS=\"avc1.64000c,mp4a.40.2\",AUDIO=\"group_aud\"\n\
            r240/index.m3u8\n\n\
            #EXT-X-STREAM-INF:BANDWIDTH=580800,RESOLUTION=202x360,CODECS=\"avc1.64000d,mp4a.40.2\",AUDIO=\"group_aud\"\n\
            r360/index.m3u8\n\n\
            #EXT-X-STREAM-INF:BANDWIDTH=140800,CODECS=\"mp4a.40.2\",AUDIO=\"group_aud\"\n\
            audio/index.m3u8\n\n";
        let want = "#EXTM3U\n#EXT-X-VERSION:7\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"group_aud\",NAME=\"audio_2\",DEFAULT=YES,URI=\"audio/index.m3u8\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=360800,RESOLUTION=136x240,CODECS=\"avc1.64000c,mp4a.40.2\",AUDIO=\"group_aud\"\n\
            r240/index.m3u8\n\n\
            #EXT-X-STREAM-INF:BANDWIDTH=580800,RESOLUTION=202x360,CODECS=\"avc1.64000d,mp4a.40.2\",AUDIO=\"group_aud\"\n\
            r360/index.m3u8\n";
        assert_eq!(without_audio_only_variant(muxed), want);
        // A silent clip's master has nothing to drop.
        let silent =
            "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=426x240,CODECS=\"avc1.64000c\"\nr240/index.m3u8\n";
        assert_eq!(without_audio_only_variant(silent), silent);
    }
}
