use sr_media::fixtures::{self, FixtureVideo, ImageFormat, Pattern, VideoCodec};
use sr_media::{MediaKind, probe};

use crate::tmp;

#[test]
fn video_of_each_codec_reports_size_duration_rate_and_codecs() {
    let dir = tmp();
    for codec in [VideoCodec::H264, VideoCodec::Hevc, VideoCodec::Vp9, VideoCodec::ProRes] {
        let spec = FixtureVideo {
            width: 320,
            height: 240,
            seconds: 2.0,
            fps: 25,
            codec,
            with_audio: true,
            ..Default::default()
        };
        let path = fixtures::video(dir.path(), &format!("clip.{}", codec.extension()), spec);
        let info = probe(&path).unwrap_or_else(|e| panic!("{codec:?}: {e}"));
        assert_eq!(info.kind, MediaKind::Video, "{codec:?}");
        assert_eq!(info.video_codec.as_deref(), Some(codec.libav_name()));
        let audio = match codec {
            VideoCodec::Vp9 => "opus",
            VideoCodec::ProRes => "pcm_s16le",
            _ => "aac",
        };
        assert_eq!(info.audio_codec.as_deref(), Some(audio), "{codec:?}");
        assert_eq!(info.display_size(), Some((320, 240)), "{codec:?}");
        assert_eq!(info.rotation_deg, 0);
        // Audio codecs add priming/padding: allow one video frame plus one audio frame (~21 ms).
        let d = info.duration_s.expect("duration");
        assert!((d - 2.0).abs() <= 1.0 / 25.0 + 0.025, "{codec:?}: duration {d}");
        let fps = info.frame_rate.expect("frame rate");
        assert!((fps - 25.0).abs() < 0.01, "{codec:?}: fps {fps}");
        assert!(info.bit_rate.unwrap_or(0) > 0, "{codec:?}: bit rate");
        assert!(!info.has_alpha);
        let container = match codec {
            VideoCodec::Vp9 => "webm",
            VideoCodec::ProRes => "mov",
            _ => "mp4",
        };
        assert_eq!(info.container.as_deref(), Some(container), "{codec:?}");
    }
}

#[test]
fn video_only_duration_is_within_one_frame() {
    let dir = tmp();
    let spec = FixtureVideo { seconds: 3.0, fps: 30, ..Default::default() };
    let info = probe(&fixtures::video(dir.path(), "silent.mp4", spec)).unwrap();
    assert_eq!(info.audio_codec, None);
    let d = info.duration_s.unwrap();
    assert!((d - 3.0).abs() <= 1.0 / 30.0 + 1e-6, "duration {d}");
}

#[test]
fn quarter_turn_reports_portrait_display_size_and_half_turn_keeps_it() {
    let dir = tmp();
    for (deg, expect) in [(90, (1080, 1920)), (270, (1080, 1920)), (180, (1920, 1080)), (0, (1920, 1080))] {
        let spec = FixtureVideo { width: 1920, height: 1080, seconds: 0.2, rotate_deg: deg, ..Default::default() };
        let info = probe(&fixtures::video(dir.path(), &format!("r{deg}.mp4"), spec)).unwrap();
        assert_eq!(info.rotation_deg, deg);
        assert_eq!(info.display_size(), Some(expect), "rotation {deg}");
    }
}

#[test]
fn each_still_format_is_an_image_with_its_size() {
    let dir = tmp();
    for format in
        [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP, ImageFormat::Gif, ImageFormat::Tiff, ImageFormat::Bmp]
    {
        let path = fixtures::image(dir.path(), &format!("still.{}", format.extension()), 640, 360, format);
        let info = probe(&path).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(info.kind, MediaKind::Image, "{format:?}");
        assert_eq!(info.display_size(), Some((640, 360)), "{format:?}");
        assert_eq!(info.duration_s, None);
        assert_eq!(info.frame_rate, None);
        let container = if format == ImageFormat::Jpeg { "jpeg" } else { format.extension() };
        assert_eq!(info.container.as_deref(), Some(container), "{format:?}");
    }
}

#[test]
fn exif_orientation_turns_the_reported_size() {
    let dir = tmp();
    let p6 = fixtures::jpeg_with_orientation(dir.path(), "upright.jpg", 400, 300, Pattern::TestSrc, 6);
    let info = probe(&p6).unwrap();
    assert_eq!((info.rotation_deg, info.display_size()), (90, Some((300, 400))));
    let p3 = fixtures::jpeg_with_orientation(dir.path(), "upside.jpg", 400, 300, Pattern::TestSrc, 3);
    let info = probe(&p3).unwrap();
    assert_eq!((info.rotation_deg, info.display_size()), (180, Some((400, 300))));
}

#[test]
fn kind_comes_from_content_not_from_the_name() {
    let dir = tmp();
    let png = fixtures::image(dir.path(), "really-a-png.mp4", 64, 48, ImageFormat::Png);
    assert_eq!(probe(&png).unwrap().kind, MediaKind::Image);
    // The fixture writer picks the muxer from the extension, so write an .mp4 and rename it.
    let mp4 = fixtures::video(dir.path(), "v.mp4", FixtureVideo { seconds: 0.2, ..Default::default() });
    let renamed = dir.path().join("holiday.jpg");
    std::fs::rename(&mp4, &renamed).unwrap();
    assert_eq!(probe(&renamed).unwrap().kind, MediaKind::Video);
}

#[test]
fn a_still_read_by_libav_as_a_one_frame_video_is_an_image() {
    // PPM is not read by our `image` build, so it goes through libav's image demuxers.
    let dir = tmp();
    let path = dir.path().join("frame.ppm");
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=96x64:d=1", "-frames:v", "1"])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let info = probe(&path).unwrap();
    assert_eq!(info.kind, MediaKind::Image);
    assert_eq!(info.display_size(), Some((96, 64)));
    assert_eq!(info.duration_s, None);
}

#[test]
fn sound_files_are_audio() {
    let dir = tmp();
    for (name, codec, container) in [
        ("tone.m4a", "aac", "m4a"),
        ("tone.mp3", "mp3", "mp3"),
        ("tone.wav", "pcm_s16le", "wav"),
        ("tone.ogg", "opus", "ogg"),
    ] {
        let info = probe(&fixtures::audio(dir.path(), name, 1.5)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(info.kind, MediaKind::Audio, "{name}");
        assert_eq!(info.audio_codec.as_deref(), Some(codec), "{name}");
        assert_eq!(info.container.as_deref(), Some(container), "{name}");
        assert_eq!(info.display_size(), None);
        let d = info.duration_s.unwrap();
        assert!((d - 1.5).abs() < 0.06, "{name}: {d}");
    }
}

#[test]
fn names_with_unicode_spaces_percent_hash_and_colons_are_read_as_files() {
    let dir = tmp();
    for name in ["été 50% #1.mp4", "a:b?c.mp4", "file:x.mp4", "%d.mp4", "商品 動画.mp4"] {
        let path = fixtures::video(dir.path(), name, FixtureVideo { seconds: 0.2, ..Default::default() });
        let info = probe(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(info.kind, MediaKind::Video, "{name}");
    }
    for name in ["photo 100%.png", "#tag:1.png"] {
        let path = fixtures::image(dir.path(), name, 32, 32, ImageFormat::Png);
        assert_eq!(probe(&path).unwrap().kind, MediaKind::Image, "{name}");
    }
}

#[test]
fn probe_runs_on_many_threads_at_once() {
    let dir = tmp();
    let video = fixtures::video(dir.path(), "v.mp4", FixtureVideo { seconds: 0.5, ..Default::default() });
    let photo = fixtures::image(dir.path(), "p.jpg", 80, 60, ImageFormat::Jpeg);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let path = if i % 2 == 0 { &video } else { &photo };
                s.spawn(move || (0..20).map(|_| probe(path).unwrap().kind).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, kinds) in results.iter().enumerate() {
        let want = if i % 2 == 0 { MediaKind::Video } else { MediaKind::Image };
        assert!(kinds.iter().all(|k| *k == want));
    }
}
