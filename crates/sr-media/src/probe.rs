//! `probe`: what a file is, without decoding it.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use ff::ffi;
use ff::media::Type as Medium;
use ffmpeg_next as ff;

use crate::av;
use crate::{MediaError, MediaInfo, MediaKind};

/// Describe a media file: its kind, container, codecs, display size, rotation, duration and rates.
///
/// The kind comes from the file's contents, never its name: a PNG named `clip.mp4` is an image, a text
/// file named `photo.jpg` is [`MediaError::NotMedia`].
///
/// * Photos (JPEG, PNG, WebP, GIF, TIFF, BMP) are read through the `image` crate from their header only;
///   the EXIF orientation is applied to `width`/`height` and reported as `rotation_deg`.
/// * Everything else goes through libavformat (open + stream info; no frame is decoded beyond what
///   libav itself needs to identify the streams). A still picture that libav reads as a one-frame video
///   (its image demuxers) is reported as [`MediaKind::Image`]. Audio with embedded cover art is
///   [`MediaKind::Audio`].
/// * `width`/`height` are the **display** size: the coded size with the rotation applied (a 1920x1080
///   clip recorded in portrait reports 1080x1920). The sample aspect ratio is *not* applied.
/// * MP4/MOV files whose sample table points past the end of the file are reported as
///   [`MediaError::Truncated`] (a copy that has not finished). Other containers are not checked for
///   truncation here; [`crate::thumbnail`] will find damage when it decodes.
///
/// Thread-safety: each call opens and owns its own contexts, so `probe` may run on many threads at once.
pub fn probe(path: &Path) -> Result<MediaInfo, MediaError> {
    av::init();
    let (file_len, head) = read_head(path)?;
    if let Some(format) = still_format(&head) {
        return probe_still(path, format);
    }
    probe_av(path, file_len, &head)
}

/// The file's length and its first 4 KiB, or the error a caller can act on (missing, folder, empty).
pub(crate) fn read_head(path: &Path) -> Result<(u64, Vec<u8>), MediaError> {
    let meta = std::fs::metadata(path).map_err(MediaError::Unreadable)?;
    if meta.is_dir() {
        return Err(MediaError::Unreadable(io::Error::new(io::ErrorKind::IsADirectory, "it is a folder, not a file")));
    }
    if meta.len() == 0 {
        return Err(MediaError::Empty);
    }
    let mut head = Vec::with_capacity(4096);
    File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).map_err(MediaError::Unreadable)?;
    if head.is_empty() {
        return Err(MediaError::Empty);
    }
    Ok((meta.len(), head))
}

/// Refuse what libav opened only because of the file's name, or as text art.
pub(crate) fn reject_non_media(ictx: &ff::format::context::Input, head: &[u8]) -> Result<(), MediaError> {
    let format = ictx.format();
    if TEXT_ART_DEMUXERS.contains(&format.name()) {
        // libav's text-art "video" demuxers claim any file by its name (.txt, .nfo, .bin, ...), whatever
        // its content; what they show is text, not media.
        return Err(MediaError::NotMedia);
    }
    if ictx.probe_score() <= ffi::AVPROBE_SCORE_EXTENSION
        && av::sniff_container(head).is_none_or(|(_, score)| score <= ffi::AVPROBE_SCORE_MAX / 4)
    {
        // Only the file name matched a format (image2 takes any `.jpg`); the bytes are not that format.
        return Err(MediaError::NotMedia);
    }
    Ok(())
}

/// The main picture stream: the largest video stream that is not cover art and has a size.
pub(crate) fn main_video_stream(ictx: &ff::format::context::Input) -> Option<ff::format::stream::Stream<'_>> {
    ictx.streams()
        .filter(|s| s.parameters().medium() == Medium::Video)
        .filter(|s| !s.disposition().contains(ff::format::stream::Disposition::ATTACHED_PIC))
        // A picture stream libav could not even size is nothing we can show.
        .filter(|s| unsafe { (*s.parameters().as_ptr()).width > 0 && (*s.parameters().as_ptr()).height > 0 })
        .max_by_key(|s| {
            let p = s.parameters();
            // SAFETY: parameters() points into the stream, alive for this borrow.
            unsafe { i64::from((*p.as_ptr()).width) * i64::from((*p.as_ptr()).height) }
        })
}

/// A still-image format the `image` crate reads, recognised from the first bytes.
pub(crate) fn still_format(head: &[u8]) -> Option<image::ImageFormat> {
    let format = image::guess_format(head).ok()?;
    let ours = [
        image::ImageFormat::Png,
        image::ImageFormat::Jpeg,
        image::ImageFormat::WebP,
        image::ImageFormat::Gif,
        image::ImageFormat::Tiff,
        image::ImageFormat::Bmp,
    ];
    (ours.contains(&format) && format.reading_enabled()).then_some(format)
}

fn probe_still(path: &Path, format: image::ImageFormat) -> Result<MediaInfo, MediaError> {
    use image::ImageDecoder;
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            MediaError::Truncated { kind: MediaKind::Image, detail: "the picture ends too early".into() }
        }
        image::ImageError::IoError(e) => MediaError::Unreadable(e),
        image::ImageError::Unsupported(e) => MediaError::Unsupported(e.to_string()),
        e => MediaError::Corrupt { kind: MediaKind::Image, detail: e.to_string() },
    };
    let file = File::open(path).map_err(MediaError::Unreadable)?;
    let reader = image::ImageReader::with_format(BufReader::new(file), format);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(MediaError::Corrupt { kind: MediaKind::Image, detail: "the picture has no pixels".into() });
    }
    // A broken EXIF block must not make a good picture unreadable: fall back to "as stored".
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let rotation_deg = orientation_degrees(orientation);
    let (width, height) = if rotation_deg % 180 == 90 { (h, w) } else { (w, h) };
    Ok(MediaInfo {
        kind: MediaKind::Image,
        container: Some(still_container(format).to_string()),
        video_codec: None,
        audio_codec: None,
        width: Some(width),
        height: Some(height),
        rotation_deg,
        duration_s: None,
        frame_rate: None,
        bit_rate: None,
        has_alpha: decoder.color_type().has_alpha(),
    })
}

fn still_container(format: image::ImageFormat) -> &'static str {
    use image::ImageFormat as F;
    match format {
        F::Png => "png",
        F::Jpeg => "jpeg",
        F::WebP => "webp",
        F::Gif => "gif",
        F::Tiff => "tiff",
        F::Bmp => "bmp",
        _ => "image",
    }
}

/// Clockwise degrees of an EXIF orientation (mirroring is ignored here; thumbnails apply it).
pub(crate) fn orientation_degrees(o: image::metadata::Orientation) -> i32 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms | FlipHorizontal => 0,
        Rotate90 | Rotate90FlipH => 90,
        Rotate180 | FlipVertical => 180,
        Rotate270 | Rotate270FlipH => 270,
    }
}

/// Turn a failure to open a file with libav into the case a caller can act on.
pub(crate) fn open_error(err: ff::Error, head: &[u8]) -> MediaError {
    let code = i32::from(err);
    let log = av::take_log();
    if code == ffi::AVERROR(ffi::ENOENT) || code == ffi::AVERROR(ffi::EACCES) || code == ffi::AVERROR(ffi::EISDIR) {
        return MediaError::Unreadable(io::Error::from_raw_os_error(-code));
    }
    if code == ffi::AVERROR(ffi::EIO) {
        return MediaError::Unreadable(io::Error::other(log.unwrap_or_else(|| err.to_string())));
    }
    let detail = log.unwrap_or_else(|| err.to_string());
    match av::sniff_container(head) {
        Some((name, score)) if score > ffi::AVPROBE_SCORE_MAX / 4 => match container_kind(&name) {
            Some(kind) if name.starts_with("mov") && detail.contains("moov atom not found") => {
                MediaError::Truncated { kind, detail: "the video's index (moov) is missing".into() }
            }
            Some(kind) => MediaError::Corrupt { kind, detail },
            None => MediaError::NotMedia,
        },
        _ => MediaError::NotMedia,
    }
}

/// What kind of media a libav demuxer name usually carries; `None` for non-media formats (subtitles,
/// text, metadata).
fn container_kind(name: &str) -> Option<MediaKind> {
    let first = name.split(',').next().unwrap_or(name);
    const VIDEO: &[&str] =
        &["mov", "matroska", "avi", "mpegts", "mpeg", "flv", "asf", "ogg", "h264", "hevc", "m4v", "ivf", "mxf", "rm"];
    const AUDIO: &[&str] = &["mp3", "wav", "flac", "aac", "aiff", "amr", "ac3", "w64", "caf", "wv", "ape"];
    if VIDEO.contains(&first) {
        Some(MediaKind::Video)
    } else if AUDIO.contains(&first) {
        Some(MediaKind::Audio)
    } else if first == "image2" || first.ends_with("_pipe") || first == "gif" {
        Some(MediaKind::Image)
    } else {
        None
    }
}

/// Whether libav reads this file as a still picture rather than a moving video.
pub(crate) fn is_still_demuxer(format_name: &str, codec: ff::codec::Id, frames: i64) -> bool {
    if format_name == "image2" || format_name.ends_with("_pipe") {
        return true;
    }
    use ff::codec::Id;
    let image_codec = matches!(
        codec,
        Id::PNG | Id::BMP | Id::TIFF | Id::WEBP | Id::JPEG2000 | Id::JPEGLS | Id::QOI | Id::PAM | Id::PPM | Id::PGM
    );
    image_codec && frames <= 1
}

/// Demuxers that accept files by extension alone and render text as pictures.
const TEXT_ART_DEMUXERS: &[&str] = &["tty", "bin", "xbin", "adf", "idf"];

fn probe_av(path: &Path, file_len: u64, head: &[u8]) -> Result<MediaInfo, MediaError> {
    av::clear_log();
    let ictx = av::open_input(path).map_err(|e| open_error(e, head))?;
    let format_name = ictx.format().name().to_string();
    reject_non_media(&ictx, head)?;
    let video = main_video_stream(&ictx);
    let audio = ictx.streams().best(Medium::Audio);
    if video.is_none() && audio.is_none() {
        return Err(MediaError::NotMedia);
    }

    let kind = match &video {
        Some(v) if is_still_demuxer(&format_name, v.parameters().id(), v.frames()) => MediaKind::Image,
        Some(_) => MediaKind::Video,
        None => MediaKind::Audio,
    };

    let codec_name = |s: &ff::format::stream::Stream| {
        let id = s.parameters().id();
        if id == ff::codec::Id::None { None } else { Some(id.name().to_string()) }
    };
    let video_codec = video.as_ref().and_then(codec_name);
    let audio_codec = audio.as_ref().and_then(codec_name);
    if video.is_some() && video_codec.is_none() && audio_codec.is_none() {
        return Err(MediaError::Unsupported("an unknown video codec".into()));
    }

    let (mut width, mut height, mut rotation_deg, mut frame_rate, mut has_alpha) = (None, None, 0, None, false);
    if let Some(v) = &video {
        let p = v.parameters();
        // SAFETY: codecpar is valid while the stream borrow lives.
        let (w, h, fmt) = unsafe { ((*p.as_ptr()).width, (*p.as_ptr()).height, (*p.as_ptr()).format) };
        rotation_deg = stream_rotation(v);
        if w > 0 && h > 0 {
            let (w, h) = (w as u32, h as u32);
            let (w, h) = if rotation_deg % 180 == 90 { (h, w) } else { (w, h) };
            width = Some(w);
            height = Some(h);
        }
        if kind == MediaKind::Video {
            frame_rate = [v.avg_frame_rate(), v.rate()]
                .into_iter()
                .find(|r| r.numerator() > 0 && r.denominator() > 0)
                .map(f64::from)
                .filter(|r| r.is_finite() && *r > 0.0 && *r < 1000.0);
        }
        has_alpha = pixel_format_has_alpha(fmt);
    }

    let duration_s = if kind == MediaKind::Image {
        None
    } else {
        container_duration(&ictx).or_else(|| {
            video.as_ref().or(audio.as_ref()).and_then(|s| {
                let d = s.duration();
                (d > 0).then(|| d as f64 * f64::from(s.time_base()))
            })
        })
    };
    let bit_rate = u64::try_from(ictx.bit_rate()).ok().filter(|b| *b > 0);

    if format_name.starts_with("mov") {
        check_mov_complete(&ictx, file_len, kind)?;
    }

    Ok(MediaInfo {
        kind,
        container: Some(container_label(&ictx, &format_name, video_codec.as_deref(), audio_codec.as_deref(), kind)),
        video_codec,
        audio_codec,
        width,
        height,
        rotation_deg,
        duration_s,
        frame_rate,
        bit_rate,
        has_alpha,
    })
}

pub(crate) fn container_duration(ictx: &ff::format::context::Input) -> Option<f64> {
    let d = ictx.duration();
    (d > 0 && d != ffi::AV_NOPTS_VALUE).then(|| d as f64 / f64::from(ffi::AV_TIME_BASE))
}

/// A short, familiar container name: `mp4`, `mov`, `m4a`, `webm`, `mkv`, otherwise libav's demuxer name.
fn container_label(
    ictx: &ff::format::context::Input,
    format_name: &str,
    video: Option<&str>,
    audio: Option<&str>,
    kind: MediaKind,
) -> String {
    let first = format_name.split(',').next().unwrap_or(format_name);
    match first {
        "mov" => {
            let brand = ictx.metadata().get("major_brand").map(|b| b.trim().to_string()).unwrap_or_default();
            if brand == "qt" {
                "mov".into()
            } else if kind == MediaKind::Audio || brand.starts_with("M4A") {
                "m4a".into()
            } else {
                "mp4".into()
            }
        }
        "matroska" => {
            let webm_video = video.is_none_or(|c| matches!(c, "vp8" | "vp9" | "av1"));
            let webm_audio = audio.is_none_or(|c| matches!(c, "opus" | "vorbis"));
            if webm_video && webm_audio { "webm".into() } else { "mkv".into() }
        }
        other => other.trim_end_matches("_pipe").to_string(),
    }
}

/// Clockwise rotation (0, 90, 180, 270) a player applies to show this stream upright: the display matrix
/// side data first, then the legacy `rotate` tag. Same convention as the ffmpeg CLI's autorotate.
pub(crate) fn stream_rotation(stream: &ff::format::stream::Stream) -> i32 {
    for sd in stream.side_data() {
        if sd.kind() == ff::codec::packet::side_data::Type::DisplayMatrix && sd.data().len() >= 36 {
            let mut m = [0i32; 9];
            for (i, c) in sd.data().chunks_exact(4).take(9).enumerate() {
                m[i] = i32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
            }
            // SAFETY: m is a 3x3 matrix as libav expects.
            let ccw = unsafe { ffi::av_display_rotation_get(m.as_ptr()) };
            if ccw.is_finite() {
                return normalise_degrees(-ccw.round() as i32);
            }
        }
    }
    stream.metadata().get("rotate").and_then(|r| r.trim().parse::<i32>().ok()).map(normalise_degrees).unwrap_or(0)
}

/// Snap any angle to the nearest of 0, 90, 180, 270.
fn normalise_degrees(d: i32) -> i32 {
    let d = d.rem_euclid(360);
    ((d + 45) / 90 % 4) * 90
}

fn pixel_format_has_alpha(fmt: i32) -> bool {
    if fmt < 0 {
        return false;
    }
    // SAFETY: av_pix_fmt_desc_get accepts any value and returns NULL for unknown formats.
    unsafe {
        let desc = ffi::av_pix_fmt_desc_get(std::mem::transmute::<i32, ffi::AVPixelFormat>(fmt));
        !desc.is_null() && ((*desc).flags & u64::from(ffi::AV_PIX_FMT_FLAG_ALPHA as u32)) != 0
    }
}

/// An MP4/MOV lists every sample's byte position in its index; if any lies beyond the end of the file,
/// the file was cut short (an unfinished copy or download).
fn check_mov_complete(ictx: &ff::format::context::Input, file_len: u64, kind: MediaKind) -> Result<(), MediaError> {
    for stream in ictx.streams() {
        // SAFETY: the stream pointer is valid for the life of ictx; index entries are read-only here.
        let end = unsafe {
            let st = stream.as_ptr() as *mut ffi::AVStream;
            let n = ffi::avformat_index_get_entries_count(st);
            if n <= 0 {
                continue;
            }
            let e = ffi::avformat_index_get_entry(st, n - 1);
            if e.is_null() {
                continue;
            }
            (*e).pos.saturating_add(i64::from((*e).size()))
        };
        if end > 0 && end as u64 > file_len {
            let pct = (file_len as f64 / end as f64 * 100.0).floor();
            return Err(MediaError::Truncated { kind, detail: format!("only {pct}% of it is there") });
        }
    }
    Ok(())
}
