//! Adaptive-bitrate ladders (`ik-master.m3u8` / `ik-master.mpd`, spec §10.4): the planner's rungs and
//! refusals, and the produced HLS/DASH checked with ffprobe (sizes, bit rates, aligned segments, an
//! IDR frame at the start of every segment), on short low-resolution clips.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use sr_imagekit::transform::Transformation;
use sr_media::fixtures::{self, FixtureVideo, ImageFormat};
use sr_media::render::{
    self, LADDER_AUDIO_BITRATE, LadderFormat, LadderPlan, PlanError, PlanOptions, RenderError, RenderEvent,
    RenderOptions, at_max_even, plan_ladder,
};
use sr_media::{MediaInfo, probe};

use crate::tmp;

fn tr(s: &str) -> Transformation {
    Transformation::parse(s)
}

/// 5 s of 640x360 at 25 fps with a tone.
fn clip(dir: &Path) -> (PathBuf, MediaInfo) {
    let p = fixtures::video(
        dir,
        "v.mp4",
        FixtureVideo { width: 640, height: 360, seconds: 5.0, with_audio: true, ..Default::default() },
    );
    let info = probe(&p).unwrap();
    (p, info)
}

fn ladder(info: &MediaInfo, t: &str, format: LadderFormat) -> LadderPlan {
    plan_ladder(info, &tr(t), format, &PlanOptions::default()).unwrap_or_else(|e| panic!("{t}: {e}"))
}

fn sizes(p: &LadderPlan) -> Vec<(u32, u32, u32, u32)> {
    p.rungs.iter().map(|r| (r.resolution, r.width, r.height, r.bitrate)).collect()
}

fn ffprobe(args: &[&str], path: &Path) -> String {
    let out = Command::new("ffprobe").args(["-v", "error"]).args(args).arg(path).output().expect("run ffprobe");
    assert!(out.status.success(), "ffprobe {args:?} {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The video's sample aspect ratio as ffprobe prints it (`1:1`; `N/A` or `0:1` when unset).
fn sample_aspect(path: &Path) -> String {
    ffprobe(&["-select_streams", "v:0", "-show_entries", "stream=sample_aspect_ratio", "-of", "csv=p=0"], path)
        .lines()
        .map(|l| l.trim().trim_matches(','))
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// `(width, height)` of the first video stream.
fn video_size(path: &Path) -> (u32, u32) {
    let s = ffprobe(&["-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0"], path);
    let line = s.lines().next().unwrap_or("");
    let mut it = line.trim().trim_matches(',').split(',').map(|v| v.parse::<u32>().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

/// Presentation times of the video packets (seconds, in decoding order) and whether each is a keyframe.
fn packets(path: &Path) -> Vec<(f64, bool)> {
    ffprobe(&["-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0"], path)
        .lines()
        .map(|l| {
            let mut it = l.trim().trim_matches(',').split(',');
            (it.next().unwrap().parse().unwrap(), it.next().unwrap_or("").contains('K'))
        })
        .collect()
}

/// A segment made playable by its init segment: (its first picture is an IDR frame, its packets,
/// its keyframe packets).
fn segment_frames(init: &Path, segment: &Path, scratch: &Path) -> (bool, usize, usize) {
    let mut bytes = std::fs::read(init).unwrap();
    bytes.extend(std::fs::read(segment).unwrap());
    std::fs::write(scratch, bytes).unwrap();
    let s = ffprobe(
        &[
            "-select_streams",
            "v:0",
            "-read_intervals",
            "%+#1",
            "-show_entries",
            "frame=key_frame,pict_type",
            "-of",
            "csv=p=0",
        ],
        scratch,
    );
    let first_idr = s.lines().next().is_some_and(|f| f.trim().starts_with("1,I"));
    let flags = packets(scratch);
    (first_idr, flags.len(), flags.iter().filter(|p| p.1).count())
}

fn extinf(playlist: &str) -> Vec<f64> {
    playlist
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTINF:"))
        .map(|v| v.trim_end_matches(',').parse().unwrap())
        .collect()
}

fn attr<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    // `width` must not match inside `bandwidth`.
    let pat = format!("{key}=");
    let at = line
        .match_indices(&pat)
        .map(|(i, _)| i)
        .find(|i| *i == 0 || !line.as_bytes()[i - 1].is_ascii_alphanumeric())?;
    let start = at + pat.len();
    let rest = &line[start..];
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => rest.split(',').next(),
    }
}

fn no_cancel() -> AtomicBool {
    AtomicBool::new(false)
}

#[test]
fn rungs_follow_the_remote_table_fitted_with_at_max() {
    // A 1920x1080 picture gets exactly the table's sizes; 1440 and 2160 are never enlarged.
    let table = [(426, 240), (640, 360), (854, 480), (1280, 720), (1920, 1080), (2560, 1440), (3840, 2160)];
    let got: Vec<(u32, u32)> = table.iter().map(|(w, h)| at_max_even(1920, 1080, *w, *h)).collect();
    assert_eq!(got, vec![(426, 240), (640, 360), (854, 480), (1280, 720), (1920, 1080), (1920, 1080), (1920, 1080)]);
    // Portrait keeps its aspect ratio inside the box, with even sizes.
    assert_eq!(at_max_even(1080, 1920, 426, 240), (136, 240));
    assert_eq!(at_max_even(1080, 1920, 1280, 720), (406, 720));

    let dir = tmp();
    let (_, info) = clip(dir.path());
    let p = ladder(&info, "sr-720_240_360", LadderFormat::Hls);
    assert_eq!(
        sizes(&p),
        vec![(240, 426, 240, 200_000), (360, 640, 360, 400_000), (720, 640, 360, 3_300_000)],
        "ascending; the 720 rung of a 360p clip stays at 640x360 (c-at_max never enlarges)"
    );
    assert!(p.notes.iter().any(|n| n.starts_with("sr-720") && n.contains("never enlarges")), "{:?}", p.notes);
    assert_eq!((p.segment_s, p.gop), (2, 50), "GOP = 25 fps × 2 s");
    assert_eq!(p.base.tr, "sr-720_240_360");
    assert!(p.base.not_previewable.is_empty(), "sr is the ladder, not a left-out parameter");
}

#[test]
fn ladder_urls_refuse_what_the_remote_refuses_with_the_nearest_valid_setting() {
    let dir = tmp();
    let (_, info) = clip(dir.path());
    let err = |t: &str| plan_ladder(&info, &tr(t), LadderFormat::Hls, &PlanOptions::default()).expect_err(t);

    let e = err("w-1280");
    assert!(matches!(e, PlanError::NotInLadder { step: 1, .. }), "{e:?}");
    assert_eq!(e.suggestion(), Some("sr-720"));
    assert_eq!(
        e.to_string(),
        "Step 1: `w-1280` can't be used on an adaptive-bitrate URL (ik-master.m3u8 / ik-master.mpd): each representation's size comes from sr (fitted with c-at_max); use sr-720 instead."
    );
    // With an sr already there, the nearest rung joins it.
    assert_eq!(err("sr-240_360:h-1080").suggestion(), Some("sr-240_360_1080"));
    assert!(matches!(err("rt-90:h-1080,sr-240"), PlanError::NotInLadder { step: 2, .. }));
    for t in ["ar-4-3,sr-240", "f-webm,sr-240", "f-mp4,sr-240", "vc-h264,sr-240", "ac-none,sr-240", "q-80,sr-240"] {
        let e = err(t);
        assert!(matches!(e, PlanError::NotInLadder { .. }), "{t}: {e:?}");
        assert_eq!(e.suggestion(), Some(""), "{t}");
        assert!(e.to_string().ends_with("; remove it."), "{t}: {e}");
    }
    assert!(err("q-80,sr-240").to_string().contains("fixed bit rate"));
    let e = err("rt-90");
    assert!(matches!(e, PlanError::NoRepresentations { .. }), "{e:?}");
    assert_eq!(e.suggestion(), Some("sr-240_360_480_720_1080"));
    assert!(matches!(err("sr-300"), PlanError::Invalid(_)), "only the table's resolutions");
    // Other checks of the planner still apply.
    assert!(matches!(err("rt-45,sr-240"), PlanError::VideoRotation { .. }));
    assert!(matches!(err("so-9,sr-240"), PlanError::TrimPastEnd { .. }));
    let photo = probe(&fixtures::image(dir.path(), "p.png", 64, 48, ImageFormat::Png)).unwrap();
    assert!(matches!(
        plan_ladder(&photo, &tr("sr-240"), LadderFormat::Dash, &PlanOptions::default()),
        Err(PlanError::Input(..))
    ));
    // Everything else is allowed and applies before the ladder.
    let p = ladder(&info, "so-1,du-3:rt-90:e-grayscale,sr-240_360", LadderFormat::Dash);
    assert_eq!((p.base.width, p.base.height), (360, 640));
    assert_eq!(p.base.duration_s, Some(3.0));
    assert_eq!(sizes(&p), vec![(240, 136, 240, 200_000), (360, 202, 360, 400_000)]);
}

#[test]
fn hls_ladder_has_aligned_rungs_starting_every_segment_with_an_idr_frame() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d);
    let p = ladder(&info, "sr-240_360_720", LadderFormat::Hls);
    let out_dir = d.join("out");
    let master = out_dir.join("ik-master.m3u8");
    let mut events = Vec::new();
    let o = render::render_ladder(&v, &p, &master, &RenderOptions::default(), &mut |e| events.push(e), &no_cancel())
        .unwrap();
    assert_eq!(events.last(), Some(&RenderEvent::Progress(1.0)));
    assert_eq!(o.master, master);
    assert!(o.audio && o.size > 0);
    assert_eq!(o.rungs.iter().map(|r| r.segments).collect::<Vec<_>>(), vec![3, 3, 3], "5 s in 2 s segments");

    // Master: one variant per rung with its resolution and bandwidth, all in the shared audio group.
    let text = std::fs::read_to_string(&master).unwrap();
    assert!(text.contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"group_aud\""), "{text}");
    // One variant per rendition, as the remote lists them: no audio-only variant a slow link could pick.
    assert_eq!(text.matches("#EXT-X-STREAM-INF:").count(), 3, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let variants: Vec<(String, u64, String)> = lines
        .windows(2)
        .filter(|w| w[0].starts_with("#EXT-X-STREAM-INF:") && w[0].contains("RESOLUTION="))
        .map(|w| {
            assert_eq!(attr(w[0], "AUDIO"), Some("group_aud"), "{}", w[0]);
            (
                attr(w[0], "RESOLUTION").unwrap().to_string(),
                attr(w[0], "BANDWIDTH").unwrap().parse().unwrap(),
                w[1].to_string(),
            )
        })
        .collect();
    let want = |rate: u64| {
        // libavformat's BANDWIDTH: video + the audio group's rate, plus 10%.
        let b = rate + u64::from(LADDER_AUDIO_BITRATE);
        b + b / 10
    };
    assert_eq!(
        variants,
        vec![
            ("426x240".into(), want(200_000), "r240/index.m3u8".into()),
            ("640x360".into(), want(400_000), "r360/index.m3u8".into()),
            ("640x360".into(), want(3_300_000), "r720/index.m3u8".into()),
        ],
        "{text}"
    );

    // Media playlists: the same 2 s segments in every rung, each starting with an IDR frame.
    let mut durations = Vec::new();
    for (r, (res, ..)) in o.rungs.iter().zip(&variants) {
        let pl = r.playlist.as_ref().unwrap();
        let text = std::fs::read_to_string(pl).unwrap();
        for tag in ["#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS", "#EXT-X-ENDLIST", "#EXT-X-MAP:URI="] {
            assert!(text.contains(tag), "{tag} in {text}");
        }
        let durs = extinf(&text);
        assert!(durs[..durs.len() - 1].iter().all(|s| (s - 2.0).abs() < 1e-3), "{durs:?}");
        assert!((durs.iter().sum::<f64>() - 5.0).abs() < 0.05, "{durs:?}");
        durations.push(durs);
        let (w, h) = video_size(pl);
        assert_eq!(format!("{w}x{h}"), *res);
        // Square pixels: a player shows exactly the planned size (426×240, not 427×240).
        let sar = sample_aspect(pl);
        assert!(["1:1", "N/A", "0:1"].contains(&sar.as_str()), "{res} of {} has SAR {sar}", pl.display());
        let pk = packets(pl);
        assert_eq!(pk.len(), 125, "every frame of 5 s at 25 fps");
        assert_eq!(pk.iter().filter(|p| p.1).count(), 3, "one keyframe per segment, no others (scenecut=0)");
        let folder = pl.parent().unwrap();
        let init = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("init"))
            .unwrap();
        let segs: Vec<&str> = text.lines().filter(|l| l.ends_with(".m4s")).collect();
        for (seg, secs) in segs.iter().zip(&durations[durations.len() - 1]) {
            let (idr, frames, keys) = segment_frames(&init, &folder.join(seg), &d.join("scratch.mp4"));
            assert!(idr, "{seg} of {} starts with an IDR frame", pl.display());
            assert_eq!((frames, keys), ((secs * 25.0).round() as usize, 1), "{seg} of {}", pl.display());
        }
    }
    assert!(durations.windows(2).all(|w| w[0] == w[1]), "aligned: {durations:?}");
    // Nothing but the ladder in the folder (no partial work left).
    let mut names: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, vec!["audio", "ik-master.m3u8", "r240", "r360", "r720"]);
}

#[test]
fn dash_ladder_has_one_adaptation_set_per_medium_and_aligned_segments() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d);
    let p = ladder(&info, "so-0.5:sr-360_240", LadderFormat::Dash);
    let master = d.join("dash").join("ik-master.mpd");
    let o = render::render_ladder(&v, &p, &master, &RenderOptions::default(), &mut |_| {}, &no_cancel()).unwrap();
    assert_eq!(o.rungs.iter().map(|r| r.segments).collect::<Vec<_>>(), vec![3, 3], "4.5 s in 2 s segments");
    let mpd = std::fs::read_to_string(&master).unwrap();
    let sets: Vec<&str> = mpd.split("<AdaptationSet").skip(1).collect();
    assert_eq!(sets.len(), 2, "{mpd}");
    let (video, audio) = (sets[0], sets[1]);
    assert!(video.contains("contentType=\"video\"") && video.contains("segmentAlignment=\"true\""), "{video}");
    assert!(audio.contains("contentType=\"audio\""), "{audio}");
    let reps: Vec<(String, String, String, String)> = video
        .split("<Representation ")
        .skip(1)
        .map(|r| {
            let head = &r[..r.find('>').unwrap()];
            let a = |k: &str| attr(head, k).unwrap().split('"').next().unwrap().to_string();
            (a("id"), a("width"), a("height"), a("bandwidth"))
        })
        .collect();
    assert_eq!(
        reps,
        vec![
            ("0".into(), "426".into(), "240".into(), "200000".into()),
            ("1".into(), "640".into(), "360".into(), "400000".into())
        ],
        "{video}"
    );
    // Every representation lists the same segment timeline.
    let timelines: Vec<&str> =
        video.split("<SegmentTimeline>").skip(1).map(|t| &t[..t.find("</SegmentTimeline>").unwrap()]).collect();
    assert_eq!(timelines.len(), 2, "{video}");
    assert_eq!(timelines[0], timelines[1]);
    // The whole thing plays: ffprobe reads both rungs and the sound from the MPD.
    let streams = ffprobe(&["-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0"], &master);
    // (ffprobe lists streams once more per program)
    let mut lines: Vec<&str> = streams.lines().map(|l| l.trim().trim_matches(',')).filter(|l| !l.is_empty()).collect();
    lines.sort();
    lines.dedup();
    assert_eq!(lines, vec!["aac", "h264,426,240", "h264,640,360"], "{streams}");
    for rep in 0..2 {
        let init = d.join("dash").join(format!("init-{rep}.m4s"));
        for (n, frames) in [(1, 50), (2, 50), (3, 12)] {
            let seg = d.join("dash").join(format!("chunk-{rep}-{n:05}.m4s"));
            assert_eq!(segment_frames(&init, &seg, &d.join("scratch.mp4")), (true, frames, 1), "{}", seg.display());
        }
    }
    assert!((o.duration_s.unwrap() - 4.5).abs() < 1e-6);
}

#[test]
fn portrait_phone_footage_gets_at_max_sizes_in_every_rung() {
    let dir = tmp();
    let d = dir.path();
    // Stored 640x360 with a quarter turn, as phones write it: 360x640 upright.
    let v = fixtures::video(
        d,
        "phone.mp4",
        FixtureVideo { width: 640, height: 360, seconds: 2.0, rotate_deg: 90, ..Default::default() },
    );
    let info = probe(&v).unwrap();
    let p = ladder(&info, "sr-240_360_720", LadderFormat::Hls);
    assert_eq!(sizes(&p), vec![(240, 136, 240, 200_000), (360, 202, 360, 400_000), (720, 360, 640, 3_300_000)]);
    let p = ladder(&info, "sr-240_360", LadderFormat::Hls);
    let master = d.join("p").join("ik-master.m3u8");
    let o = render::render_ladder(&v, &p, &master, &RenderOptions::default(), &mut |_| {}, &no_cancel()).unwrap();
    assert!(!o.audio, "the clip has no sound, so the ladder has none");
    let got: Vec<(u32, u32)> = o.rungs.iter().map(|r| video_size(r.playlist.as_ref().unwrap())).collect();
    assert_eq!(got, vec![(136, 240), (202, 360)]);
    let text = std::fs::read_to_string(&master).unwrap();
    assert!(!text.contains("TYPE=AUDIO"), "{text}");
}

#[test]
fn a_cancelled_ladder_leaves_nothing_behind() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d);
    let p = ladder(&info, "sr-240_360", LadderFormat::Hls);
    // Into a folder that does not exist yet: cancelled at the first progress report, it is gone.
    let cancel = AtomicBool::new(false);
    let master = d.join("new").join("ik-master.m3u8");
    let r = render::render_ladder(
        &v,
        &p,
        &master,
        &RenderOptions::default(),
        &mut |e| {
            if matches!(e, RenderEvent::Progress(_)) {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    );
    assert!(matches!(r, Err(RenderError::Cancelled)), "{r:?}");
    assert!(!d.join("new").exists());
    // Into a folder with other files: they stay, nothing else is left.
    let keep = d.join("keep");
    std::fs::create_dir(&keep).unwrap();
    std::fs::write(keep.join("notes.txt"), "x").unwrap();
    let cancel = AtomicBool::new(true);
    let p = ladder(&info, "sr-240", LadderFormat::Dash);
    let r = render::render_ladder(&v, &p, &keep.join("ik-master.mpd"), &RenderOptions::default(), &mut |_| {}, &cancel);
    assert!(matches!(r, Err(RenderError::Cancelled)), "{r:?}");
    let names: Vec<String> =
        std::fs::read_dir(&keep).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["notes.txt"]);
}

#[test]
fn ladders_are_cached_by_content_tr_and_format() {
    let dir = tmp();
    let d = dir.path();
    let v = fixtures::video(d, "c.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() });
    let info = probe(&v).unwrap();
    let cache = render::RenderCache::new(d.join("cache")).unwrap();
    let hash = render::content_hash(&v).unwrap();
    let src = render::Source { path: &v, content_hash: &hash };
    let hls = ladder(&info, "sr-240", LadderFormat::Hls);
    let a = cache.get_or_render_ladder(src, &hls, &RenderOptions::default(), &mut |_| {}, &no_cancel()).unwrap();
    assert_eq!(a.master, cache.ladder_path_for(&hash, &hls));
    assert!(a.master.ends_with("ik-master.m3u8"));
    let mtime = std::fs::metadata(&a.master).unwrap().modified().unwrap();
    let mut events = Vec::new();
    let b = cache
        .get_or_render_ladder(src, &hls, &RenderOptions::default(), &mut |e| events.push(e), &no_cancel())
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(events, vec![RenderEvent::Progress(1.0)]);
    assert_eq!(std::fs::metadata(&b.master).unwrap().modified().unwrap(), mtime);
    let dash = ladder(&info, "sr-240", LadderFormat::Dash);
    assert_ne!(cache.ladder_path_for(&hash, &dash).parent(), a.master.parent(), "DASH is another entry");
    let other = ladder(&info, "sr-240_360", LadderFormat::Hls);
    assert_ne!(cache.ladder_path_for(&hash, &other), a.master, "another tr is another entry");
}

/// Bytes of every file under `dir`, and of those whose name passes `keep`.
fn tree_bytes(dir: &Path, keep: &dyn Fn(&str) -> bool) -> (u64, u64) {
    let mut all = 0;
    let mut kept = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            let (a, k) = tree_bytes(&e.path(), keep);
            all += a;
            kept += k;
        } else {
            let len = e.metadata().unwrap().len();
            all += len;
            if keep(&e.file_name().to_string_lossy()) {
                kept += len;
            }
        }
    }
    (all, kept)
}

#[test]
fn a_ladder_weighs_each_rung_the_sound_and_a_full_view() {
    let dir = tmp();
    let d = dir.path();
    let (v, info) = clip(d);
    for format in [LadderFormat::Hls, LadderFormat::Dash] {
        let p = ladder(&info, "sr-240_360", format);
        let out = d.join(format!("{format:?}"));
        let o = render::render_ladder(
            &v,
            &p,
            &out.join(format.master_name()),
            &RenderOptions::default(),
            &mut |_| {},
            &no_cancel(),
        )
        .unwrap();
        // Storage: every file of the folder, playlists included.
        let (all, _) = tree_bytes(&out, &|_| true);
        assert_eq!((o.storage_bytes, o.size), (all, all), "{format:?}");
        // Each rung's media, measured from its own files.
        for (i, r) in o.rungs.iter().enumerate() {
            let (_, own) = match format {
                LadderFormat::Hls => tree_bytes(&out.join(format!("r{}", r.rung.resolution)), &|n| {
                    n.ends_with(".m4s") || n.ends_with(".mp4")
                }),
                LadderFormat::Dash => {
                    tree_bytes(&out, &|n| n.starts_with(&format!("chunk-{i}-")) || n.starts_with(&format!("init-{i}.")))
                }
            };
            assert_eq!(r.bytes, own, "{format:?} rung {}", r.rung.resolution);
            assert_eq!(r.bitrate_bps, (r.bytes as f64 * 8.0 / 5.0).round() as u64, "over the 5 s");
            // Near the remote's rate for the rung (x264 in ABR mode on a short synthetic clip).
            let target = f64::from(r.rung.bitrate);
            assert!(
                (r.bitrate_bps as f64) > 0.3 * target && (r.bitrate_bps as f64) < 1.6 * target,
                "{format:?} rung {} at {} b/s for {target}",
                r.rung.resolution,
                r.bitrate_bps
            );
        }
        assert!(o.rungs[0].bytes < o.rungs[1].bytes, "{format:?}: 240 at 200K weighs less than 360 at 400K");
        // The sound once: AAC 128k over 5 s is about 80 kB.
        assert!(o.audio_bytes > 50_000 && o.audio_bytes < 120_000, "{format:?} sound {}", o.audio_bytes);
        assert_eq!(o.bytes_per_view, o.rungs[1].bytes + o.audio_bytes, "{format:?}: the top rung + the sound");
        let playlists = o.storage_bytes - o.rungs.iter().map(|r| r.bytes).sum::<u64>() - o.audio_bytes;
        assert!(playlists > 0 && playlists < 20_000, "{format:?}: only playlists are left, {playlists} bytes");
    }
}

#[test]
fn rungs_at_the_size_of_a_lower_one_are_named_with_the_list_without_them() {
    let dir = tmp();
    let (_, info) = clip(dir.path());
    // 640x360: 720 and 1080 both come out at 640x360, like 360.
    let p = ladder(&info, "sr-240_360_720_1080", LadderFormat::Hls);
    assert_eq!(p.duplicates, vec![720, 1080]);
    assert_eq!(p.without_duplicates, "sr-240_360");
    assert_eq!(p.rungs.len(), 4, "still rendered, as the remote delivers them");
    let note = p.notes.iter().find(|n| n.starts_with("sr-1080 comes out")).unwrap_or_else(|| panic!("{:?}", p.notes));
    assert_eq!(
        note,
        "sr-1080 comes out at 640×360, the same picture as sr-360, at 5500K instead of 400K: it adds its bytes for no extra detail; sr-240_360 leaves it out"
    );
    let none = ladder(&info, "sr-360_240", LadderFormat::Dash);
    assert!(none.duplicates.is_empty());
    assert_eq!(none.without_duplicates, "sr-240_360");
    // The case: a 1080p clip with 1440 asked for.
    let hd = MediaInfo { width: Some(1920), height: Some(1080), ..info.clone() };
    let p = ladder(&hd, "sr-240_360_480_720_1080_1440", LadderFormat::Hls);
    assert_eq!(p.duplicates, vec![1440]);
    assert_eq!(p.without_duplicates, "sr-240_360_480_720_1080");
    // A portrait clip: 720 fits in 406x720 below the picture, nothing doubles.
    let portrait = MediaInfo { width: Some(1080), height: Some(1920), ..info };
    let p = ladder(&portrait, "sr-240_720_1080", LadderFormat::Hls);
    assert!(p.duplicates.is_empty(), "{:?}", p.rungs);
}
