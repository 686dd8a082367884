//! Stills (photos and video thumbnails): decoded upright with the `image` crate (or one video frame),
//! run through the same filter-graph compiler as videos in RGBA, encoded with the `image` crate.

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
    av::init();
    av::clear_log();
    let (w, h) = img.dimensions();
    let vg = graph::video_graph(plan, Pixels::Rgba, 0, None, &[])
        .map_err(|e| RenderError::Output(format!("the bundled fonts can't be written: {e}")))?;
    if vg.overlays.is_empty() && plan.ops.is_empty() {
        return Ok(img.clone());
    }
    let mut g = ff::filter::Graph::new();
    let find =
        |n: &str| ff::filter::find(n).ok_or_else(|| RenderError::Failed(format!("libavfilter has no `{n}` filter")));
    g.add(&find("buffer")?, "in", &format!("video_size={w}x{h}:pix_fmt=rgba:time_base=1/25:pixel_aspect=1/1"))
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
    let mut f = rgba_frame(img);
    f.set_pts(Some(0));
    let mut src = g.get("in").expect("added");
    src.source().add(&f).map_err(fail("picture filter"))?;
    src.source().flush().map_err(fail("picture filter"))?;
    let mut out = ff::frame::Video::empty();
    g.get("out").expect("added").sink().frame(&mut out).map_err(fail("picture filter"))?;
    Ok(frame_to_rgba(&out))
}

/// Render a photo or a video thumbnail to `out` (written in place; the caller renames).
pub(crate) fn render(input: &Path, plan: &RenderPlan, out: &Path) -> Result<(), RenderError> {
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
