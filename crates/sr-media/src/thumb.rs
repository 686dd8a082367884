//! Thumbnails and frames: an upright, downscaled RGB picture of a photo or a video.

use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::path::Path;

use ff::ffi;
use ff::media::Type as Medium;
use ffmpeg_next as ff;
use image::{DynamicImage, RgbImage};

use crate::av;
use crate::probe::{self, container_duration, main_video_stream, read_head, reject_non_media, stream_rotation};
use crate::{MediaError, MediaKind};

/// Size of a written thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThumbInfo {
    pub width: u32,
    pub height: u32,
}

/// Write a preview picture of `path` to `out`, at most `max_edge` pixels on its longer side (never
/// enlarged), upright, and return its size.
///
/// * Photos are decoded with the `image` crate, turned by their EXIF orientation, and downscaled with a
///   Lanczos filter (after a fast box pre-shrink for very large photos). Transparent areas are laid on
///   white.
/// * Videos: the first frame at or after 10% of the duration (1 s when the duration is unknown) is
///   decoded with libav, turned upright by a filter graph (`transpose`/`hflip,vflip` from the display
///   matrix, so portrait phone footage gives a portrait thumbnail), scaled with its pixel aspect ratio
///   applied, and converted to RGB. Sound files with cover art give the cover.
/// * The format follows `out`'s extension: `.png`, `.webp` (lossless), otherwise JPEG (quality 85). The
///   file is written next to `out` and renamed into place, so a reader never sees half a thumbnail.
///
/// Thread-safety: each call owns its contexts; call it from as many threads as you like.
pub fn thumbnail(path: &Path, out: &Path, max_edge: u32) -> Result<ThumbInfo, MediaError> {
    let img = picture(path, Target::Poster, max_edge)?;
    write_picture(&img, out)?;
    Ok(ThumbInfo { width: img.width(), height: img.height() })
}

/// The picture shown at `t_s` seconds (the first frame at or after it; the last frame when `t_s` is past
/// the end), upright and at most `max_edge` pixels on its longer side. For scrubbing previews. Photos
/// return the photo whatever `t_s` is.
pub fn frame_at(path: &Path, t_s: f64, max_edge: u32) -> Result<RgbImage, MediaError> {
    let t = if t_s.is_finite() { t_s.max(0.0) } else { 0.0 };
    picture(path, Target::At(t), max_edge)
}

#[derive(Debug, Clone, Copy)]
enum Target {
    /// 10% into the video, or 1 s when its length is unknown.
    Poster,
    At(f64),
}

fn picture(path: &Path, target: Target, max_edge: u32) -> Result<RgbImage, MediaError> {
    av::init();
    let max_edge = max_edge.max(1);
    let (_, head) = read_head(path)?;
    if let Some(format) = probe::still_format(&head) {
        return still_picture(path, format, max_edge);
    }
    video_picture(path, &head, target, max_edge)
}

/// Fit `(w, h)` inside a `max_edge` square, keeping the aspect ratio, never enlarging.
fn fit(w: u32, h: u32, max_edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= max_edge {
        return (w.max(1), h.max(1));
    }
    let scale = f64::from(max_edge) / f64::from(long);
    let tw = ((f64::from(w) * scale).round() as u32).clamp(1, max_edge);
    let th = ((f64::from(h) * scale).round() as u32).clamp(1, max_edge);
    (tw, th)
}

fn image_error(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            MediaError::Truncated { kind: MediaKind::Image, detail: "the picture ends too early".into() }
        }
        image::ImageError::IoError(e) => MediaError::Unreadable(e),
        image::ImageError::Unsupported(e) => MediaError::Unsupported(e.to_string()),
        e => MediaError::Corrupt { kind: MediaKind::Image, detail: e.to_string() },
    }
}

fn still_picture(path: &Path, format: image::ImageFormat, max_edge: u32) -> Result<RgbImage, MediaError> {
    use image::ImageDecoder;
    let file = File::open(path).map_err(MediaError::Unreadable)?;
    let mut decoder =
        image::ImageReader::with_format(BufReader::new(file), format).into_decoder().map_err(image_error)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    img.apply_orientation(orientation);
    let (tw, th) = fit(img.width(), img.height(), max_edge);
    if (tw, th) != (img.width(), img.height()) {
        if img.width() > tw * 3 {
            // Box-filter most of the way (fast), then Lanczos for the last step (sharp, no aliasing).
            img = img.thumbnail(tw * 2, th * 2);
        }
        img = img.resize_exact(tw, th, image::imageops::FilterType::Lanczos3);
    }
    Ok(flatten_on_white(img))
}

/// RGB with any transparency composited over white (JPEG has no alpha; black behind a cut-out product
/// photo looks broken).
fn flatten_on_white(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(p[3]);
        for c in 0..3 {
            o[c] = ((u32::from(p[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

fn video_picture(path: &Path, head: &[u8], target: Target, max_edge: u32) -> Result<RgbImage, MediaError> {
    av::clear_log();
    let mut ictx = av::open_input(path).map_err(|e| probe::open_error(e, head))?;
    reject_non_media(&ictx, head)?;

    let format_name = ictx.format().name().to_string();
    let (index, rotation, kind, params, time_base, start_pts) = match main_video_stream(&ictx) {
        Some(s) => {
            let kind = if probe::is_still_demuxer(&format_name, s.parameters().id(), s.frames()) {
                MediaKind::Image
            } else {
                MediaKind::Video
            };
            let start = if s.start_time() == ffi::AV_NOPTS_VALUE { 0 } else { s.start_time() };
            (s.index(), stream_rotation(&s), kind, s.parameters(), s.time_base(), start)
        }
        None => {
            let cover = ictx.streams().find(|s| {
                s.parameters().medium() == Medium::Video
                    && s.disposition().contains(ff::format::stream::Disposition::ATTACHED_PIC)
            });
            match cover {
                Some(s) => (s.index(), 0, MediaKind::Image, s.parameters(), s.time_base(), 0),
                None if ictx.streams().best(Medium::Audio).is_some() => {
                    return Err(MediaError::NoPicture);
                }
                None => return Err(MediaError::NotMedia),
            }
        }
    };
    let codec_id = params.id();
    let mut decoder = ff::codec::context::Context::from_parameters(params)
        .and_then(|c| c.decoder().video())
        .map_err(|_| MediaError::Unsupported(format!("{} video", codec_id.name())))?;

    let seek_to = match (kind, target) {
        (MediaKind::Image, _) => None,
        (_, Target::Poster) => Some(container_duration(&ictx).map_or(1.0, |d| d * 0.1)),
        (_, Target::At(t)) => Some(container_duration(&ictx).map_or(t, |d| t.min(d))),
    };
    // SAFETY: reading a plain field of the open format context.
    let container_start = unsafe { (*ictx.as_ptr()).start_time };
    let container_start = if container_start == ffi::AV_NOPTS_VALUE { 0 } else { container_start };
    let target_pts = seek_to.map(|t| start_pts + (t / f64::from(time_base)).round() as i64);
    if let Some(t) = seek_to.filter(|t| *t > 0.0) {
        let ts = container_start + (t * f64::from(ffi::AV_TIME_BASE)) as i64;
        // A failed seek is not fatal: decode from the start instead.
        if ictx.seek(ts, ..ts).is_err() {
            let _ = ictx.seek(container_start, ..);
        }
    }

    let mut frame = decode_first_at_or_after(&mut ictx, &mut decoder, index, target_pts);
    if frame.is_none() && seek_to.is_some_and(|t| t > 0.0) {
        // Some files seek badly (no index, damaged middle): fall back to the very start.
        decoder.flush();
        if ictx.seek(i64::MIN + 1, ..).is_ok() || ictx.seek(0, ..).is_ok() {
            frame = decode_first_at_or_after(&mut ictx, &mut decoder, index, None);
        }
    }
    let Some(frame) = frame else {
        let detail = av::take_log().unwrap_or_else(|| "no picture could be decoded".to_string());
        return Err(MediaError::Corrupt { kind, detail });
    };
    let sar = decoder.aspect_ratio();
    to_rgb(&frame, rotation, sar, max_edge)
}

/// Decode packets of stream `index` and return the first frame whose time is at or after `target_pts`
/// (any first frame when `None`); the last frame decoded if the stream ends before the target.
fn decode_first_at_or_after(
    ictx: &mut ff::format::context::Input,
    decoder: &mut ff::decoder::Video,
    index: usize,
    target_pts: Option<i64>,
) -> Option<ff::frame::Video> {
    // Stop waiting for the target after this many frames (a keyframe very far before it).
    const MAX_FRAMES: usize = 2_000;
    let mut frame = ff::frame::Video::empty();
    let mut last: Option<ff::frame::Video> = None;
    let mut decoded = 0usize;
    let mut take = |frame: &mut ff::frame::Video, last: &mut Option<ff::frame::Video>| -> bool {
        decoded += 1;
        let pts = frame.timestamp().or(frame.pts());
        let hit = match (target_pts, pts) {
            (None, _) | (Some(_), None) => true,
            (Some(t), Some(p)) => p >= t,
        };
        *last = Some(std::mem::replace(frame, ff::frame::Video::empty()));
        hit || decoded >= MAX_FRAMES
    };
    let mut packet = ff::Packet::empty();
    loop {
        match packet.read(ictx) {
            Ok(()) => {}
            Err(ff::Error::InvalidData) => continue,
            // End of file, or a read error (truncated file): decode what we have.
            Err(_) => break,
        }
        if packet.stream() != index {
            continue;
        }
        // A damaged packet is skipped; the decoder resynchronises on the next one.
        if decoder.send_packet(&packet).is_err() {
            continue;
        }
        while decoder.receive_frame(&mut frame).is_ok() {
            if take(&mut frame, &mut last) {
                return last;
            }
        }
    }
    let _ = decoder.send_eof();
    while decoder.receive_frame(&mut frame).is_ok() {
        if take(&mut frame, &mut last) {
            return last;
        }
    }
    last
}

/// Turn a decoded frame upright, scale it to fit `max_edge` (pixel aspect applied) and convert to RGB,
/// through one libavfilter graph: buffer → scale → transpose/flip → format=rgb24 → buffersink.
fn to_rgb(frame: &ff::frame::Video, rotation: i32, sar: ff::Rational, max_edge: u32) -> Result<RgbImage, MediaError> {
    let filter_err = |e: ff::Error| MediaError::Corrupt {
        kind: MediaKind::Video,
        detail: format!("picture conversion failed: {e}"),
    };
    let (w, h) = (frame.width(), frame.height());
    if w == 0 || h == 0 {
        return Err(MediaError::Corrupt { kind: MediaKind::Video, detail: "the picture has no pixels".into() });
    }
    let (sar_n, sar_d) =
        if sar.numerator() > 0 && sar.denominator() > 0 { (sar.numerator(), sar.denominator()) } else { (1, 1) };
    // Square-pixel width before rotation, then the size after rotation, then fit.
    let square_w = ((f64::from(w) * f64::from(sar_n) / f64::from(sar_d)).round() as u32).max(1);
    let quarter = rotation % 180 == 90;
    let (dw, dh) = if quarter { (h, square_w) } else { (square_w, h) };
    let (tw, th) = fit(dw, dh, max_edge);
    let (sw, sh) = if quarter { (th, tw) } else { (tw, th) };
    let turn = match rotation {
        90 => ",transpose=clock",
        180 => ",hflip,vflip",
        270 => ",transpose=cclock",
        _ => "",
    };
    let pix_name = frame
        .format()
        .descriptor()
        .map(|d| d.name().to_string())
        .ok_or_else(|| MediaError::Unsupported(format!("pixel format {:?}", frame.format())))?;

    let mut graph = ff::filter::Graph::new();
    let buffer =
        ff::filter::find("buffer").ok_or_else(|| MediaError::Unsupported("libavfilter without buffer".into()))?;
    let sink = ff::filter::find("buffersink")
        .ok_or_else(|| MediaError::Unsupported("libavfilter without buffersink".into()))?;
    graph
        .add(
            &buffer,
            "in",
            &format!("video_size={w}x{h}:pix_fmt={pix_name}:time_base=1/25:pixel_aspect={sar_n}/{sar_d}"),
        )
        .map_err(filter_err)?;
    graph.add(&sink, "out", "").map_err(filter_err)?;
    let spec = format!("scale={sw}:{sh}:flags=lanczos+accurate_rnd+full_chroma_int,setsar=1{turn},format=rgb24");
    graph.output("in", 0).and_then(|p| p.input("out", 0)).and_then(|p| p.parse(&spec)).map_err(filter_err)?;
    graph.validate().map_err(filter_err)?;

    let mut src = graph.get("in").ok_or_else(|| filter_err(ff::Error::Bug))?;
    src.source().add(frame).map_err(filter_err)?;
    src.source().flush().map_err(filter_err)?;
    let mut rgb = ff::frame::Video::empty();
    graph.get("out").ok_or_else(|| filter_err(ff::Error::Bug))?.sink().frame(&mut rgb).map_err(filter_err)?;

    let (ow, oh) = (rgb.width(), rgb.height());
    let stride = rgb.stride(0);
    let data = rgb.data(0);
    let row = ow as usize * 3;
    let mut out = RgbImage::new(ow, oh);
    for (y, dst) in out.chunks_exact_mut(row).enumerate() {
        dst.copy_from_slice(&data[y * stride..y * stride + row]);
    }
    Ok(out)
}

/// Write `img` to `out` (format from the extension, JPEG by default) through a temporary file in the
/// same folder renamed into place.
fn write_picture(img: &RgbImage, out: &Path) -> Result<(), MediaError> {
    let output = |e: &dyn std::fmt::Display| MediaError::Output(e.to_string());
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir).map_err(|e| output(&e))?;
    {
        let mut w = BufWriter::new(&mut tmp.1);
        let res = match ext.as_str() {
            "png" => img.write_to(&mut w, image::ImageFormat::Png),
            "webp" => img.write_to(&mut w, image::ImageFormat::WebP),
            _ => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut w, 85).encode_image(img),
        };
        if let Err(e) = res {
            let _ = std::fs::remove_file(&tmp.0);
            return Err(output(&e));
        }
        if let Err(e) = io::Write::flush(&mut w) {
            let _ = std::fs::remove_file(&tmp.0);
            return Err(output(&e));
        }
    }
    drop(tmp.1);
    std::fs::rename(&tmp.0, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        output(&e)
    })
}

/// A new, uniquely named hidden file in `dir`.
fn tempfile_in(dir: &Path) -> io::Result<(std::path::PathBuf, File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = dir.join(format!(".sr-thumb-{}-{n}.partial", std::process::id()));
        match File::options().write(true).create_new(true).open(&p) {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}
