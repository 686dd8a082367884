//! Media files for tests and benchmarks, generated on the fly with the `ffmpeg` CLI from lavfi sources.
//!
//! Enabled by the `fixtures` cargo feature; meant for `[dev-dependencies]` of this and other crates
//! (`sr-media = { workspace = true, features = ["fixtures"] }`). Needs the `ffmpeg` and `ffprobe`
//! programs on `PATH`. Output is deterministic: bit-exact flags, no metadata copied, fixed sources.
//!
//! These are test helpers: they panic with ffmpeg's own message when generation fails.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Video codec of a fixture; the container follows from it (see [`VideoCodec::extension`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoCodec {
    /// H.264 (libx264) in MP4, AAC audio.
    H264,
    /// HEVC (libx265) in MP4, AAC audio.
    Hevc,
    /// VP9 (libvpx-vp9) in WebM, Opus audio.
    Vp9,
    /// ProRes in MOV, PCM audio.
    ProRes,
}

impl VideoCodec {
    /// The file extension (and so the container) used for this codec.
    pub fn extension(self) -> &'static str {
        match self {
            VideoCodec::H264 | VideoCodec::Hevc => "mp4",
            VideoCodec::Vp9 => "webm",
            VideoCodec::ProRes => "mov",
        }
    }
    /// libav's name for the codec, as [`crate::MediaInfo::video_codec`] reports it.
    pub fn libav_name(self) -> &'static str {
        match self {
            VideoCodec::H264 => "h264",
            VideoCodec::Hevc => "hevc",
            VideoCodec::Vp9 => "vp9",
            VideoCodec::ProRes => "prores",
        }
    }
}

/// What the picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// lavfi `testsrc2`: moving colour bars and a counter.
    TestSrc,
    /// One flat colour (RGB).
    Solid([u8; 3]),
    /// Top half one colour, bottom half another (RGB): shows which way a picture was turned.
    Halves { top: [u8; 3], bottom: [u8; 3] },
}

/// A video fixture. `width`/`height` are the coded (stored) size; `rotate_deg` (0, 90, 180, 270) is the
/// clockwise rotation a player applies, written as a display matrix like phone footage has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixtureVideo {
    pub width: u32,
    pub height: u32,
    pub seconds: f64,
    pub fps: u32,
    pub rotate_deg: i32,
    pub codec: VideoCodec,
    pub with_audio: bool,
    /// MP4/MOV only: put the index (moov) before the media data (`+faststart`), as web exports do.
    pub faststart: bool,
    pub pattern: Pattern,
}

impl Default for FixtureVideo {
    fn default() -> Self {
        FixtureVideo {
            width: 320,
            height: 240,
            seconds: 1.0,
            fps: 25,
            rotate_deg: 0,
            codec: VideoCodec::H264,
            with_audio: false,
            faststart: false,
            pattern: Pattern::TestSrc,
        }
    }
}

/// Still-image formats a fixture can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    WebP,
    Gif,
    Tiff,
    Bmp,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::WebP => "webp",
            ImageFormat::Gif => "gif",
            ImageFormat::Tiff => "tiff",
            ImageFormat::Bmp => "bmp",
        }
    }
    fn encoder_args(self) -> &'static [&'static str] {
        match self {
            ImageFormat::Jpeg => &["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj444p"],
            ImageFormat::Png => &["-c:v", "png", "-pix_fmt", "rgb24"],
            ImageFormat::WebP => &["-c:v", "libwebp", "-lossless", "1"],
            ImageFormat::Gif => &["-c:v", "gif"],
            ImageFormat::Tiff => &["-c:v", "tiff", "-pix_fmt", "rgb24"],
            ImageFormat::Bmp => &["-c:v", "bmp", "-pix_fmt", "bgr24"],
        }
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("0x{:02X}{:02X}{:02X}", c[0], c[1], c[2])
}

/// A lavfi graph for `pattern` at the given size, rate and duration, with its output labelled `out0`.
fn lavfi_source(pattern: Pattern, w: u32, h: u32, fps: u32, seconds: f64) -> String {
    match pattern {
        Pattern::TestSrc => format!("testsrc2=s={w}x{h}:r={fps}:d={seconds}[out0]"),
        Pattern::Solid(c) => format!("color=c={}:s={w}x{h}:r={fps}:d={seconds}[out0]", hex(c)),
        Pattern::Halves { top, bottom } => {
            let (h1, h2) = (h / 2, h - h / 2);
            format!(
                "color=c={}:s={w}x{h1}:r={fps}:d={seconds}[a];color=c={}:s={w}x{h2}:r={fps}:d={seconds}[b];[a][b]vstack[out0]",
                hex(top),
                hex(bottom)
            )
        }
    }
}

/// `file:<path>` so that the CLI never reads a name containing `:` as a protocol.
fn file_url(path: &Path) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from("file:");
    s.push(path.as_os_str());
    s
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("could not run {cmd:?}: {e} (is ffmpeg installed?)"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn ffmpeg() -> Command {
    let mut c = Command::new("ffmpeg");
    c.args(["-nostdin", "-hide_banner", "-v", "error", "-y"]);
    c
}

const BITEXACT: &[&str] = &["-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"];

/// Write a video (and optional 440 Hz tone) to `dir/name`. The extension of `name` should match
/// [`VideoCodec::extension`]. Returns the path.
pub fn video(dir: &Path, name: &str, spec: FixtureVideo) -> PathBuf {
    let path = dir.join(name);
    let plain =
        if spec.rotate_deg.rem_euclid(360) == 0 { path.clone() } else { dir.join(format!(".unrotated-{name}")) };
    let mut cmd = ffmpeg();
    cmd.args(["-f", "lavfi", "-i"]).arg(lavfi_source(spec.pattern, spec.width, spec.height, spec.fps, spec.seconds));
    if spec.with_audio {
        cmd.args(["-f", "lavfi", "-i"]).arg(format!("sine=frequency=440:sample_rate=48000:duration={}", spec.seconds));
    }
    cmd.args(["-map", "0:v"]);
    if spec.with_audio {
        cmd.args(["-map", "1:a"]);
    }
    match spec.codec {
        VideoCodec::H264 => {
            cmd.args(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-threads", "1"])
        }
        VideoCodec::Hevc => cmd.args([
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-x265-params",
            "log-level=none:pools=1",
        ]),
        VideoCodec::Vp9 => cmd.args(["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-threads", "1"]),
        VideoCodec::ProRes => cmd.args(["-c:v", "prores_ks", "-profile:v", "0"]),
    };
    if spec.with_audio {
        match spec.codec {
            VideoCodec::Vp9 => cmd.args(["-c:a", "libopus"]),
            VideoCodec::ProRes => cmd.args(["-c:a", "pcm_s16le"]),
            _ => cmd.args(["-c:a", "aac"]),
        };
    }
    cmd.args(["-g", &spec.fps.to_string()]);
    cmd.args(BITEXACT);
    if spec.faststart && spec.rotate_deg.rem_euclid(360) == 0 {
        cmd.args(["-movflags", "+faststart"]);
    }
    cmd.arg(file_url(&plain));
    run(&mut cmd);
    if plain != path {
        rotate(&plain, &path, spec.rotate_deg, spec.faststart);
        let _ = std::fs::remove_file(&plain);
    }
    path
}

/// Re-mux `src` into `dst` with a display matrix that tells players to turn the picture `cw_deg`
/// clockwise. FFmpeg 5.1's mov muxer reads the `rotate` tag as counter-clockwise (ffprobe then prints
/// `rotation=-90` for a clockwise quarter turn, as for phone footage); older and newer builds differ, so
/// the result is checked with ffprobe and the other sign tried if needed.
fn rotate(src: &Path, dst: &Path, cw_deg: i32, faststart: bool) {
    let cw = cw_deg.rem_euclid(360);
    for tag in [(360 - cw) % 360, cw] {
        let mut cmd = ffmpeg();
        cmd.arg("-i").arg(file_url(src)).args(["-map", "0", "-c", "copy"]).args(BITEXACT);
        cmd.arg("-metadata:s:v:0").arg(format!("rotate={tag}"));
        if faststart {
            cmd.args(["-movflags", "+faststart"]);
        }
        cmd.arg(file_url(dst));
        run(&mut cmd);
        if ffprobe_rotation_cw(dst) == cw {
            return;
        }
    }
    panic!("ffmpeg could not write a {cw}° rotation into {}", dst.display());
}

/// Clockwise display rotation as the ffmpeg CLI sees it (ffprobe's side-data `rotation` is
/// counter-clockwise).
fn ffprobe_rotation_cw(path: &Path) -> i32 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream_side_data=rotation", "-of", "csv=p=0"])
        .arg(file_url(path))
        .output()
        .expect("run ffprobe");
    let text = String::from_utf8_lossy(&out.stdout);
    let ccw: i32 = text.split_whitespace().find_map(|t| t.trim_matches(',').parse().ok()).unwrap_or(0);
    (-ccw).rem_euclid(360)
}

/// Write a `w`x`h` still image (lavfi `testsrc2`) to `dir/name` in `format`. Returns the path.
pub fn image(dir: &Path, name: &str, w: u32, h: u32, format: ImageFormat) -> PathBuf {
    image_with(dir, name, w, h, format, Pattern::TestSrc)
}

/// Write a `w`x`h` still image showing `pattern` to `dir/name` in `format`. Returns the path.
pub fn image_with(dir: &Path, name: &str, w: u32, h: u32, format: ImageFormat, pattern: Pattern) -> PathBuf {
    let path = dir.join(name);
    let mut cmd = ffmpeg();
    cmd.args(["-f", "lavfi", "-i"]).arg(lavfi_source(pattern, w, h, 1, 1.0));
    cmd.args(["-frames:v", "1", "-update", "1"]).args(format.encoder_args()).args(BITEXACT);
    // `-update 1` makes the image2 muxer take the name literally (no `%d` frame-number pattern).
    cmd.args(["-f", "image2"]).arg(file_url(&path));
    run(&mut cmd);
    path
}

/// Write a JPEG whose stored pixels are `w`x`h` and whose EXIF orientation tag is `orientation` (1..=8;
/// 6 = turn 90° clockwise to view, as a phone held upright writes). Returns the path.
pub fn jpeg_with_orientation(dir: &Path, name: &str, w: u32, h: u32, pattern: Pattern, orientation: u16) -> PathBuf {
    let path = image_with(dir, name, w, h, ImageFormat::Jpeg, pattern);
    let jpeg = std::fs::read(&path).expect("read fixture jpeg");
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    // APP1 "Exif\0\0" + little-endian TIFF header + IFD0 with one entry: Orientation (0x0112), SHORT.
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    std::fs::write(&path, out).expect("write fixture jpeg");
    path
}

/// Write `seconds` of a 440 Hz tone to `dir/name`; the codec follows the extension (`.m4a` AAC,
/// `.mp3`, `.wav`, `.ogg`/`.opus`, `.flac`). Returns the path.
pub fn audio(dir: &Path, name: &str, seconds: f64) -> PathBuf {
    let path = dir.join(name);
    let mut cmd = ffmpeg();
    cmd.args(["-f", "lavfi", "-i"]).arg(format!("sine=frequency=440:sample_rate=48000:duration={seconds}"));
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "ogg" | "opus" => cmd.args(["-c:a", "libopus"]),
        "m4a" | "mp4" | "aac" => cmd.args(["-c:a", "aac"]),
        _ => &mut cmd,
    };
    cmd.args(BITEXACT).arg(file_url(&path));
    run(&mut cmd);
    path
}
