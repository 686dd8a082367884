//! Stills (photos and video thumbnails): decoded upright with the `image` crate (or one video frame),
//! run through the same filter-graph compiler as videos in RGBA, encoded with the `image` crate.
//!
//! A JPEG whose first operation is a downscale of 2× or more is decoded by libavcodec at 1/2, 1/4 or
//! 1/8 of its size instead (shrink-on-load, see [`shrink_on_load`]) and enters the graph in its own
//! YCbCr, so one `scale` both resizes and converts: a 12 MP photo to a 1200 px product image reads a
//! quarter of the pixels and never holds the full picture in RGBA.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use ffmpeg_next as ff;
use image::{DynamicImage, ImageDecoder, RgbaImage};

use super::graph::{self, Pixels};
use super::job::{RenderError, fail};
use super::plan::{Op, OutputFormat, PlanKind, RenderPlan, Rgba};
use crate::{MediaError, MediaKind, av};

/// Decode a picture upright (EXIF orientation applied) as RGBA.
pub(crate) fn decode_rgba(path: &Path) -> Result<RgbaImage, RenderError> {
    let bad = |e: image::ImageError| {
        RenderError::Media(MediaError::Corrupt { kind: MediaKind::Image, detail: e.to_string() })
    };
    let file = File::open(path).map_err(|e| RenderError::Media(MediaError::Unreadable(e)))?;
    let mut dec = image::ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|e| RenderError::Media(MediaError::Unreadable(e)))?
        .into_decoder()
        .map_err(bad)?;
    let orientation = dec.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(dec).map_err(bad)?;
    img.apply_orientation(orientation);
    Ok(img.into_rgba8())
}

/// An RGBA libav frame holding `img`.
pub(crate) fn rgba_frame(img: &RgbaImage) -> ff::frame::Video {
    let (w, h) = img.dimensions();
    let mut f = ff::frame::Video::new(ff::format::Pixel::RGBA, w, h);
    let stride = f.stride(0);
    let row = w as usize * 4;
    let data = f.data_mut(0);
    for (y, src) in img.as_raw().chunks_exact(row).enumerate() {
        data[y * stride..y * stride + row].copy_from_slice(src);
    }
    f
}

fn frame_to_rgba(f: &ff::frame::Video) -> RgbaImage {
    let (w, h) = (f.width(), f.height());
    let stride = f.stride(0);
    let row = w as usize * 4;
    let data = f.data(0);
    let mut out = RgbaImage::new(w, h);
    for (y, dst) in out.chunks_exact_mut(row).enumerate() {
        dst.copy_from_slice(&data[y * stride..y * stride + row]);
    }
    out
}

/// Apply the plan's operations to an upright picture.
pub(crate) fn apply(plan: &RenderPlan, img: &RgbaImage) -> Result<RgbaImage, RenderError> {
    if plan.ops.is_empty() {
        return Ok(img.clone());
    }
    filter(plan, rgba_frame(img), 0)
}

/// Run the plan's operations on `frame` (any pixel format libavfilter reads), turned upright by
/// `rotation` (clockwise quarter turns) first; the result in RGBA.
fn filter(plan: &RenderPlan, mut frame: ff::frame::Video, rotation: i32) -> Result<RgbaImage, RenderError> {
    av::init();
    av::clear_log();
    let (w, h) = (frame.width(), frame.height());
    let pix = frame
        .format()
        .descriptor()
        .map(|d| d.name().to_string())
        .ok_or_else(|| RenderError::Failed("unknown pixel format".into()))?;
    let vg = graph::video_graph(plan, Pixels::Rgba, rotation, None, &[])
        .map_err(|e| RenderError::Output(format!("the bundled fonts can't be written: {e}")))?;
    let mut g = ff::filter::Graph::new();
    let find =
        |n: &str| ff::filter::find(n).ok_or_else(|| RenderError::Failed(format!("libavfilter has no `{n}` filter")));
    g.add(&find("buffer")?, "in", &format!("video_size={w}x{h}:pix_fmt={pix}:time_base=1/25:pixel_aspect=1/1"))
        .map_err(fail("filter setup"))?;
    g.add(&find("buffersink")?, "out", "").map_err(fail("filter setup"))?;
    g.get("out").expect("added").set_pixel_format(ff::format::Pixel::RGBA);
    let mut layers = Vec::new();
    for (name, i) in &vg.overlays {
        let Some(Op::Image(l)) = plan.ops.get(*i) else {
            continue;
        };
        let (lw, lh) = l.source_size;
        g.add(&find("buffer")?, name, &format!("video_size={lw}x{lh}:pix_fmt=rgba:time_base=1/25:pixel_aspect=1/1"))
            .map_err(fail("filter setup"))?;
        layers.push((name.clone(), l.path.clone()));
    }
    {
        let mut p = g.output("in", 0).map_err(fail("filter setup"))?;
        for (n, _) in &layers {
            p = p.output(n, 0).map_err(fail("filter setup"))?;
        }
        p.input("out", 0)
            .map_err(fail("filter setup"))?
            .parse(&vg.spec)
            .map_err(fail("the transformation can't be set up"))?;
    }
    g.validate().map_err(fail("the transformation can't be set up"))?;
    for (name, path) in &layers {
        let mut f = rgba_frame(&decode_rgba(path)?);
        f.set_pts(Some(0));
        let mut c = g.get(name).expect("added");
        c.source().add(&f).map_err(fail("overlay"))?;
        c.source().flush().map_err(fail("overlay"))?;
    }
    frame.set_pts(Some(0));
    let mut src = g.get("in").expect("added");
    src.source().add(&frame).map_err(fail("picture filter"))?;
    src.source().flush().map_err(fail("picture filter"))?;
    let mut out = ff::frame::Video::empty();
    g.get("out").expect("added").sink().frame(&mut out).map_err(fail("picture filter"))?;
    Ok(frame_to_rgba(&out))
}

/// Render a photo or a video thumbnail to `out` (written in place; the caller renames).
pub(crate) fn render(input: &Path, plan: &RenderPlan, out: &Path) -> Result<(), RenderError> {
    if plan.kind == PlanKind::Image
        && let Some(result) = shrink_on_load(input, plan)
    {
        return encode(&result, plan.format, plan.quality, out);
    }
    let img = match plan.kind {
        PlanKind::Thumbnail => {
            let t = plan.trim.map_or(0.0, |t| t.start_s);
            let rgb = crate::frame_at(input, t, u32::MAX)?;
            DynamicImage::ImageRgb8(rgb).into_rgba8()
        }
        _ => decode_rgba(input)?,
    };
    let (pw, ph) = plan.input_size;
    if img.dimensions() != (pw, ph) {
        return Err(RenderError::Failed(format!(
            "the picture decodes as {}×{} but was probed as {pw}×{ph}; import it again",
            img.width(),
            img.height()
        )));
    }
    let result = apply(plan, &img)?;
    if result.dimensions() != (plan.width, plan.height) {
        return Err(RenderError::Failed(format!(
            "internal size mismatch: planned {}×{}, got {}×{}",
            plan.width,
            plan.height,
            result.width(),
            result.height()
        )));
    }
    encode(&result, plan.format, plan.quality, out)
}

/// JPEG photos whose first operation is a downscale to half their size or less: decoded by
/// libavcodec at 1/2, 1/4 or 1/8 of their size (`lowres`, the DCT-domain scaling libjpeg's
/// `scale_denom`, ImageMagick's `jpeg:size` and libvips' shrink-on-load use), never below the size
/// the downscale asks for, and handed to the filter graph in their own YUV format, so the scale
/// also converts to RGBA in the same pass. `None` (the caller decodes the whole picture with the
/// `image` crate) for anything else: other formats, mirrored EXIF orientations, colour models
/// other than YCbCr or grey, no downscale of 2× or more, or any decoding trouble.
fn shrink_on_load(input: &Path, plan: &RenderPlan) -> Option<RgbaImage> {
    use image::metadata::Orientation;
    let Some(Op::Scale { width: tw, height: th }) = plan.ops.first() else { return None };
    let file = File::open(input).ok()?;
    let reader = image::ImageReader::new(BufReader::new(file)).with_guessed_format().ok()?;
    if reader.format() != Some(image::ImageFormat::Jpeg) {
        return None;
    }
    let mut dec = reader.into_decoder().ok()?;
    let rotation = match dec.orientation().unwrap_or(Orientation::NoTransforms) {
        Orientation::NoTransforms => 0,
        Orientation::Rotate90 => 90,
        Orientation::Rotate180 => 180,
        Orientation::Rotate270 => 270,
        _ => return None,
    };
    let (sw, sh) = dec.dimensions();
    drop(dec);
    // The downscale's target in stored (not yet turned) pixels.
    let (nw, nh) = if rotation % 180 == 90 { (*th, *tw) } else { (*tw, *th) };
    let upright = if rotation % 180 == 90 { (sh, sw) } else { (sw, sh) };
    if upright != plan.input_size {
        return None;
    }
    let shrunk = |k: u32| (sw.div_ceil(1 << k), sh.div_ceil(1 << k));
    let lowres = (1..=3u32).rev().find(|k| {
        let (w, h) = shrunk(*k);
        w >= nw && h >= nh
    })?;
    let frame = decode_jpeg(input, lowres)?;
    if (frame.width(), frame.height()) != shrunk(lowres) {
        return None;
    }
    use ff::format::Pixel as P;
    if !matches!(frame.format(), P::YUVJ420P | P::YUVJ422P | P::YUVJ444P | P::YUVJ440P | P::GRAY8) {
        return None;
    }
    let out = filter(plan, frame, rotation).ok()?;
    (out.dimensions() == (plan.width, plan.height)).then_some(out)
}

/// The picture of a JPEG file decoded by libavcodec at 1/2^`lowres` of its size.
fn decode_jpeg(input: &Path, lowres: u32) -> Option<ff::frame::Video> {
    av::init();
    let mut ictx = av::open_input(input).ok()?;
    let (index, params) = {
        let s = ictx.streams().best(ff::media::Type::Video)?;
        (s.index(), s.parameters())
    };
    if params.id() != ff::codec::Id::MJPEG {
        return None;
    }
    let mut c = ff::codec::context::Context::from_parameters(params).ok()?;
    // SAFETY: plain field write on a codec context that is not opened yet.
    unsafe { (*c.as_mut_ptr()).lowres = lowres as i32 };
    let mut dec = c.decoder().video().ok()?;
    let mut frame = ff::frame::Video::empty();
    let mut packet = ff::Packet::empty();
    while packet.read(&mut ictx).is_ok() {
        if packet.stream() != index {
            continue;
        }
        dec.send_packet(&packet).ok()?;
        if dec.receive_frame(&mut frame).is_ok() {
            return Some(frame);
        }
    }
    dec.send_eof().ok()?;
    dec.receive_frame(&mut frame).ok()?;
    Some(frame)
}

/// Lay a transparent picture on white (JPEG has no transparency).
fn flatten(img: &RgbaImage, under: Rgba) -> image::RgbImage {
    let mut out = image::RgbImage::new(img.width(), img.height());
    for (o, p) in out.pixels_mut().zip(img.pixels()) {
        let a = u32::from(p[3]);
        for c in 0..3 {
            o[c] = ((u32::from(p[c]) * a + u32::from(under.0[c]) * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

fn encode(img: &RgbaImage, format: OutputFormat, q: u8, out: &Path) -> Result<(), RenderError> {
    let io = |e: std::io::Error| RenderError::Output(e.to_string());
    let file = File::create(out).map_err(io)?;
    let mut w = BufWriter::new(file);
    let res = match format {
        OutputFormat::Png => img.write_to(&mut w, image::ImageFormat::Png),
        OutputFormat::Webp => img.write_to(&mut w, image::ImageFormat::WebP),
        _ => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut w, q.clamp(1, 100))
            .encode_image(&flatten(img, Rgba::WHITE)),
    };
    res.map_err(|e| RenderError::Output(e.to_string()))?;
    w.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(dir: &Path, w: u32, h: u32) -> std::path::PathBuf {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let p = dir.join("p.jpg");
        img.save(&p).unwrap();
        p
    }

    #[test]
    fn big_jpeg_downscales_take_the_shrink_on_load_path_and_others_do_not() {
        let d = tempfile::tempdir().unwrap();
        let p = jpeg(d.path(), 800, 600);
        let info = crate::probe(&p).unwrap();
        let plan = |t: &str| super::super::plan(&info, &sr_imagekit::transform::Transformation::parse(t)).unwrap();
        let out = shrink_on_load(&p, &plan("w-200")).expect("a 4x downscale decodes at 1/4");
        assert_eq!(out.dimensions(), (200, 150));
        assert!(shrink_on_load(&p, &plan("w-200,e-grayscale")).is_some(), "later ops run on the shrunk picture");
        assert!(shrink_on_load(&p, &plan("w-500")).is_none(), "less than 2x: the whole picture");
        assert!(shrink_on_load(&p, &plan("e-grayscale")).is_none(), "no downscale first");
    }
}
