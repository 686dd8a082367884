use std::path::Path;
use std::process::Command;

use image::RgbImage;
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, Pattern, VideoCodec};
use sr_media::{MediaError, ThumbInfo, frame_at, thumbnail};

use crate::tmp;

const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [30, 30, 220];

fn open_rgb(path: &Path) -> RgbImage {
    image::open(path).expect("thumbnail decodes").into_rgb8()
}

/// Mean colour of a 5x5 patch centred at (x, y).
fn patch(img: &RgbImage, x: u32, y: u32) -> [u8; 3] {
    let mut sum = [0u32; 3];
    let mut n = 0;
    for yy in y.saturating_sub(2)..(y + 3).min(img.height()) {
        for xx in x.saturating_sub(2)..(x + 3).min(img.width()) {
            let p = img.get_pixel(xx, yy);
            for c in 0..3 {
                sum[c] += u32::from(p[c]);
            }
            n += 1;
        }
    }
    sum.map(|s| (s / n) as u8)
}

fn close(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
}

fn assert_colour(img: &RgbImage, x: u32, y: u32, want: [u8; 3], what: &str) {
    let got = patch(img, x, y);
    assert!(close(got, want, 16), "{what}: at ({x},{y}) got {got:?}, want {want:?}");
}

#[test]
fn photo_thumbnails_fit_the_box_and_keep_the_aspect() {
    let dir = tmp();
    for format in
        [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP, ImageFormat::Gif, ImageFormat::Tiff, ImageFormat::Bmp]
    {
        let src = fixtures::image(dir.path(), &format!("s.{}", format.extension()), 640, 360, format);
        let out = dir.path().join(format!("t-{}.jpg", format.extension()));
        let info = thumbnail(&src, &out, 256).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(info, ThumbInfo { width: 256, height: 144 }, "{format:?}");
        let img = open_rgb(&out);
        assert_eq!(img.dimensions(), (256, 144));
    }
}

#[test]
fn solid_colour_sources_give_that_colour() {
    let dir = tmp();
    let photo = fixtures::image_with(dir.path(), "red.png", 300, 200, ImageFormat::Png, Pattern::Solid(RED));
    let out = dir.path().join("red-photo.jpg");
    thumbnail(&photo, &out, 100).unwrap();
    assert_colour(&open_rgb(&out), 50, 33, RED, "photo");

    for codec in [VideoCodec::H264, VideoCodec::Hevc, VideoCodec::Vp9, VideoCodec::ProRes] {
        let spec = FixtureVideo { pattern: Pattern::Solid(BLUE), seconds: 1.0, codec, ..Default::default() };
        let video = fixtures::video(dir.path(), &format!("blue.{}", codec.extension()), spec);
        let out = dir.path().join(format!("blue-{codec:?}.png"));
        let info = thumbnail(&video, &out, 160).unwrap_or_else(|e| panic!("{codec:?}: {e}"));
        assert_eq!(info, ThumbInfo { width: 160, height: 120 }, "{codec:?}");
        assert_colour(&open_rgb(&out), 80, 60, BLUE, &format!("{codec:?}"));
    }
}

/// The ffmpeg CLI's own upright rendering of the first frame (it applies the display matrix itself).
fn cli_upright_frame(video: &Path, dir: &Path) -> RgbImage {
    let out = dir.join("cli.png");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(video)
        .args(["-frames:v", "1"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    open_rgb(&out)
}

#[test]
fn rotated_video_thumbnails_are_upright_like_the_ffmpeg_cli_shows_them() {
    let dir = tmp();
    for deg in [90, 180, 270] {
        let spec = FixtureVideo {
            width: 320,
            height: 240,
            rotate_deg: deg,
            pattern: Pattern::Halves { top: RED, bottom: BLUE },
            ..Default::default()
        };
        let video = fixtures::video(dir.path(), &format!("turned{deg}.mp4"), spec);
        let out = dir.path().join(format!("turned{deg}.png"));
        let info = thumbnail(&video, &out, 160).unwrap();
        let want_size = if deg == 180 { (160, 120) } else { (120, 160) };
        assert_eq!((info.width, info.height), want_size, "rotation {deg}");
        let ours = open_rgb(&out);
        let cli = cli_upright_frame(&video, dir.path());
        assert_eq!(cli.width() * ours.height() / cli.height(), ours.width(), "same shape as the CLI's, rotation {deg}");
        // Compare the four edge midpoints: whichever side the red half went to, it went there in both.
        let (w, h, cw, ch) = (ours.width(), ours.height(), cli.width(), cli.height());
        for (fx, fy) in [(0.15, 0.5), (0.85, 0.5), (0.5, 0.15), (0.5, 0.85)] {
            let want = patch(&cli, (fx * f64::from(cw)) as u32, (fy * f64::from(ch)) as u32);
            assert_colour(
                &ours,
                (fx * f64::from(w)) as u32,
                (fy * f64::from(h)) as u32,
                want,
                &format!("rotation {deg}"),
            );
        }
    }
    // Spelled out for a quarter turn clockwise (phone held upright): the top of the sensor is on the right.
    let img = open_rgb(&dir.path().join("turned90.png"));
    assert_colour(&img, img.width() - 10, img.height() / 2, RED, "90° right side");
    assert_colour(&img, 10, img.height() / 2, BLUE, "90° left side");
}

#[test]
fn exif_orientation_makes_photo_thumbnails_upright() {
    let dir = tmp();
    let src = fixtures::jpeg_with_orientation(
        dir.path(),
        "phone.jpg",
        400,
        300,
        Pattern::Halves { top: RED, bottom: BLUE },
        6,
    );
    let out = dir.path().join("phone-thumb.jpg");
    let info = thumbnail(&src, &out, 200).unwrap();
    assert_eq!(info, ThumbInfo { width: 150, height: 200 });
    let img = open_rgb(&out);
    assert_colour(&img, 140, 100, RED, "orientation 6 puts the top on the right");
    assert_colour(&img, 10, 100, BLUE, "and the bottom on the left");
}

#[test]
fn small_sources_are_not_enlarged() {
    let dir = tmp();
    let src = fixtures::image(dir.path(), "tiny.png", 40, 30, ImageFormat::Png);
    let info = thumbnail(&src, &dir.path().join("tiny.jpg"), 512).unwrap();
    assert_eq!(info, ThumbInfo { width: 40, height: 30 });
    let video = fixtures::video(dir.path(), "small.mp4", FixtureVideo { width: 64, height: 48, ..Default::default() });
    assert_eq!(thumbnail(&video, &dir.path().join("small.jpg"), 512).unwrap(), ThumbInfo { width: 64, height: 48 });
}

#[test]
fn output_format_follows_the_extension() {
    let dir = tmp();
    let src = fixtures::image(dir.path(), "s.png", 120, 90, ImageFormat::Png);
    for (name, format) in [
        ("a.jpg", image::ImageFormat::Jpeg),
        ("a.png", image::ImageFormat::Png),
        ("a.webp", image::ImageFormat::WebP),
        ("a.thumb", image::ImageFormat::Jpeg),
    ] {
        let out = dir.path().join(name);
        thumbnail(&src, &out, 64).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(image::guess_format(&bytes).unwrap(), format, "{name}");
    }
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn frame_at_shows_what_is_on_screen_at_that_time() {
    let dir = tmp();
    let video = dir.path().join("red-then-blue.mp4");
    let graph = format!(
        "color=c=0x{:02X}{:02X}{:02X}:s=160x120:r=25:d=1[a];color=c=0x{:02X}{:02X}{:02X}:s=160x120:r=25:d=1[b];[a][b]concat=n=2:v=1:a=0[out0]",
        RED[0], RED[1], RED[2], BLUE[0], BLUE[1], BLUE[2]
    );
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", &graph, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10"])
        .arg(&video)
        .status()
        .unwrap();
    assert!(status.success());
    let early = frame_at(&video, 0.4, 80).unwrap();
    assert_eq!(early.dimensions(), (80, 60));
    assert_colour(&early, 40, 30, RED, "at 0.4 s");
    let late = frame_at(&video, 1.5, 80).unwrap();
    assert_colour(&late, 40, 30, BLUE, "at 1.5 s");
    let past_end = frame_at(&video, 99.0, 80).unwrap();
    assert_colour(&past_end, 40, 30, BLUE, "past the end");
    assert_colour(&frame_at(&video, f64::NAN, 80).unwrap(), 40, 30, RED, "NaN means the start");
}

#[test]
fn sound_files_have_no_picture_unless_they_carry_cover_art() {
    let dir = tmp();
    let tone = fixtures::audio(dir.path(), "tone.mp3", 1.0);
    let err = thumbnail(&tone, &dir.path().join("t.jpg"), 128).unwrap_err();
    assert!(matches!(err, MediaError::NoPicture), "{err:?}");

    let cover = fixtures::image_with(dir.path(), "cover.png", 200, 200, ImageFormat::Png, Pattern::Solid(RED));
    let with_cover = dir.path().join("with-cover.mp3");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&tone)
        .arg("-i")
        .arg(&cover)
        .args(["-map", "0:a", "-map", "1:v", "-c:a", "copy", "-c:v", "png", "-disposition:v", "attached_pic"])
        .arg(&with_cover)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(sr_media::probe(&with_cover).unwrap().kind, sr_media::MediaKind::Audio);
    let out = dir.path().join("cover-thumb.jpg");
    let info = thumbnail(&with_cover, &out, 100).unwrap();
    assert_eq!(info, ThumbInfo { width: 100, height: 100 });
    assert_colour(&open_rgb(&out), 50, 50, RED, "cover art");
}

#[test]
fn bad_inputs_give_errors_not_panics() {
    let dir = tmp();
    let out = dir.path().join("t.jpg");
    let empty = dir.path().join("empty.mov");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(thumbnail(&empty, &out, 64), Err(MediaError::Empty)));
    let text = dir.path().join("readme.txt");
    std::fs::write(&text, "not a picture\n").unwrap();
    assert!(matches!(thumbnail(&text, &out, 64), Err(MediaError::NotMedia)));
    assert!(matches!(thumbnail(dir.path(), &out, 64), Err(MediaError::Unreadable(_))));

    let cut = crate::h264(dir.path(), "cut.mp4", false);
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(thumbnail(&cut, &out, 64), Err(MediaError::Truncated { .. })));

    // Index first, media cut: the first half still holds pictures, so a preview is possible.
    let cut_fast = crate::h264(dir.path(), "cut-fast.mp4", true);
    let bytes = std::fs::read(&cut_fast).unwrap();
    std::fs::write(&cut_fast, &bytes[..bytes.len() / 2]).unwrap();
    let info = thumbnail(&cut_fast, &out, 64).unwrap();
    assert_eq!((info.width, info.height), (64, 48));

    // A PNG whose pixel data is cut off.
    let png = crate::fixtures_png(dir.path());
    let bytes = std::fs::read(&png).unwrap();
    std::fs::write(&png, &bytes[..bytes.len() / 2]).unwrap();
    let err = thumbnail(&png, &out, 64).unwrap_err();
    assert!(matches!(err, MediaError::Truncated { .. } | MediaError::Corrupt { .. }), "{err:?}");
    assert!(!out.exists() || std::fs::metadata(&out).unwrap().len() > 0);
}

#[test]
fn an_unwritable_destination_is_an_output_error() {
    let dir = tmp();
    let src = crate::fixtures_png(dir.path());
    let err = thumbnail(&src, &dir.path().join("no-such-folder").join("t.jpg"), 32).unwrap_err();
    assert!(matches!(err, MediaError::Output(_)), "{err:?}");
    assert!(err.to_string().starts_with("The preview image couldn't be saved"), "{err}");
}

#[test]
fn thumbnails_run_on_many_threads_at_once() {
    let dir = tmp();
    let video =
        fixtures::video(dir.path(), "v.mp4", FixtureVideo { pattern: Pattern::Solid(RED), ..Default::default() });
    let photo = fixtures::image_with(dir.path(), "p.png", 200, 100, ImageFormat::Png, Pattern::Solid(BLUE));
    std::thread::scope(|s| {
        for i in 0..6 {
            let (src, want) = if i % 2 == 0 { (&video, RED) } else { (&photo, BLUE) };
            let out = dir.path().join(format!("t{i}.jpg"));
            s.spawn(move || {
                for _ in 0..5 {
                    thumbnail(src, &out, 64).unwrap();
                    let img = open_rgb(&out);
                    assert_colour(&img, img.width() / 2, img.height() / 2, want, "parallel");
                }
            });
        }
    });
}
