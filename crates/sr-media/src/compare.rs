//! Is this the same picture? Two media files compared as a viewer sees them: the facts (size,
//! duration, codecs, bytes) side by side, and SSIM on the luma of frames sampled at the same times
//! in both (one frame for photos).
//!
//! * Frames come from [`crate::frame_at`]: upright (rotation and EXIF orientation applied), full
//!   display size, RGB; luma is BT.601 (`0.299 R + 0.587 G + 0.114 B`).
//! * SSIM is the standard one (Wang et al. 2004, as libavfilter's `ssim` and x264 compute it): 8×8
//!   windows stepped by 4 pixels over the luma, `C1 = (0.01·255)²`, `C2 = (0.03·255)²`, the mean
//!   over the windows. 1.0 means identical pixels.
//! * When the sizes differ, `b`'s frame is scaled to `a`'s size (bilinear) for the score and
//!   [`Comparison::same_dimensions`] is false.
//! * Videos are sampled at `frames` times spread over the shorter of the two durations, each in the
//!   middle of a frame interval of `a` (so a timestamp rounded differently in `b`'s container still
//!   lands on the same picture). [`Comparison::ssim`] is the worst sampled frame.
//!
//! Layering: built on `probe` and `thumb` (`frame_at`), used by nothing in this crate.

use std::path::Path;

use image::{GrayImage, RgbImage};

use crate::{MediaError, MediaInfo, MediaKind};

/// How to compare.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompareOptions {
    /// Frames sampled from videos (at least 1; photos always give one). Default 5.
    pub frames: u32,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions { frames: 5 }
    }
}

/// What one side of a comparison is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MediaFacts {
    /// Display size (rotation applied), in pixels.
    pub width: u32,
    pub height: u32,
    /// Seconds, for videos and sound.
    pub duration_s: Option<f64>,
    /// libav's codec name of the picture (`h264`, `vp9`, …); for photos the codec the format
    /// implies (`mjpeg`, `png`, `webp`, `gif`, `tiff`, `bmp`), as [`crate::render::RenderOutput`]
    /// reports it.
    pub video_codec: Option<String>,
    /// libav's codec name of the sound (`aac`, `opus`, …).
    pub audio_codec: Option<String>,
    /// File size in bytes.
    pub size: u64,
}

/// The score of one sampled frame.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FrameScore {
    /// Where it was sampled, in seconds (0 for photos).
    pub at_s: f64,
    /// SSIM of the luma, 1.0 = identical.
    pub ssim: f64,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Comparison {
    pub a: MediaFacts,
    pub b: MediaFacts,
    /// Every sampled frame, in time order.
    pub frames: Vec<FrameScore>,
    /// The minimum over [`Comparison::frames`]; 1.0 = identical.
    pub ssim: f64,
    /// Whether both have the same display size (when not, `b` was scaled to `a`'s for the score).
    pub same_dimensions: bool,
    /// `b`'s duration minus `a`'s, when both have one.
    pub duration_delta_s: Option<f64>,
}

/// The facts of one file ([`crate::probe`] plus its size on disk).
pub fn facts(path: &Path) -> Result<MediaFacts, MediaError> {
    let info = crate::probe(path)?;
    let size = std::fs::metadata(path).map_err(MediaError::Unreadable)?.len();
    Ok(facts_of(&info, size))
}

fn facts_of(info: &MediaInfo, size: u64) -> MediaFacts {
    let video_codec = info.video_codec.clone().or_else(|| {
        (info.kind == MediaKind::Image).then(|| info.container.as_deref().map(still_codec)).flatten().map(Into::into)
    });
    MediaFacts {
        width: info.width.unwrap_or(0),
        height: info.height.unwrap_or(0),
        duration_s: info.duration_s,
        video_codec,
        audio_codec: info.audio_codec.clone(),
        size,
    }
}

/// The codec a still container implies (the names libav gives them).
fn still_codec(container: &str) -> &str {
    match container {
        "jpeg" => "mjpeg",
        other => other,
    }
}

/// Compare `a` (the reference) with `b`: facts of both and SSIM on frames sampled at the same
/// times. Fails when either cannot be read as a picture (a sound file: [`MediaError::NoPicture`]).
pub fn compare(a: &Path, b: &Path, opts: &CompareOptions) -> Result<Comparison, MediaError> {
    let ia = crate::probe(a)?;
    let ib = crate::probe(b)?;
    let fa = facts_of(&ia, std::fs::metadata(a).map_err(MediaError::Unreadable)?.len());
    let fb = facts_of(&ib, std::fs::metadata(b).map_err(MediaError::Unreadable)?.len());
    let times = sample_times(&ia, &ib, opts.frames);
    let mut frames = Vec::with_capacity(times.len());
    for t in times {
        let pa = luma(&crate::frame_at(a, t, u32::MAX)?);
        let pb = luma(&crate::frame_at(b, t, u32::MAX)?);
        let pb = if pb.dimensions() == pa.dimensions() {
            pb
        } else {
            image::imageops::resize(&pb, pa.width(), pa.height(), image::imageops::FilterType::Triangle)
        };
        frames.push(FrameScore { at_s: t, ssim: ssim(&pa, &pb) });
    }
    let score = frames.iter().map(|f| f.ssim).fold(1.0f64, f64::min);
    let same_dimensions = (fa.width, fa.height) == (fb.width, fb.height);
    let duration_delta_s = match (fa.duration_s, fb.duration_s) {
        (Some(x), Some(y)) => Some(y - x),
        _ => None,
    };
    Ok(Comparison { a: fa, b: fb, frames, ssim: score, same_dimensions, duration_delta_s })
}

/// When to sample: one frame (at 0) unless a side moves; otherwise `n` times spread evenly over
/// the shorter duration, each in the middle of one of `a`'s frame intervals.
fn sample_times(a: &MediaInfo, b: &MediaInfo, n: u32) -> Vec<f64> {
    let moving = |i: &MediaInfo| i.kind == MediaKind::Video && i.duration_s.is_some_and(|d| d > 0.0);
    let d = match (moving(a), moving(b)) {
        (true, true) => a.duration_s.unwrap_or(0.0).min(b.duration_s.unwrap_or(0.0)),
        (true, false) => a.duration_s.unwrap_or(0.0),
        (false, true) => b.duration_s.unwrap_or(0.0),
        (false, false) => return vec![0.0],
    };
    let fps = a.frame_rate.or(b.frame_rate).filter(|f| f.is_finite() && *f > 0.0).unwrap_or(25.0);
    let n = n.max(1);
    let last_frame = ((d * fps).floor() - 1.0).max(0.0);
    (0..n)
        .map(|i| {
            let t = d * (f64::from(i) + 0.5) / f64::from(n);
            // The middle of the frame interval that t falls in (never past the last whole frame).
            ((t * fps).floor().min(last_frame) + 0.5) / fps
        })
        .collect()
}

/// BT.601 luma of an RGB picture.
fn luma(img: &RgbImage) -> GrayImage {
    let mut out = GrayImage::new(img.width(), img.height());
    for (o, p) in out.pixels_mut().zip(img.pixels()) {
        let y = (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]) + 500) / 1000;
        o[0] = y.min(255) as u8;
    }
    out
}

/// Mean SSIM of two luma pictures of the same size: 8×8 windows stepped by 4, standard constants.
/// Pictures smaller than a window are scored as one window.
pub(crate) fn ssim(a: &GrayImage, b: &GrayImage) -> f64 {
    debug_assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = (a.width() as usize, a.height() as usize);
    if w == 0 || h == 0 {
        return 1.0;
    }
    let (pa, pb) = (a.as_raw(), b.as_raw());
    if w < 8 || h < 8 {
        return window_ssim(sums(pa, pb, w, 0, 0, w, h), (w * h) as f64);
    }
    // Sums over 4×4 blocks, then each 8×8 window is 2×2 blocks (as x264 and libavfilter do).
    let (bw, bh) = (w / 4, h / 4);
    let blocks: Vec<[u64; 5]> = (0..bh)
        .flat_map(|by| (0..bw).map(move |bx| (bx, by)))
        .map(|(bx, by)| sums(pa, pb, w, bx * 4, by * 4, 4, 4))
        .collect();
    let mut total = 0.0;
    let mut count = 0usize;
    for by in 0..bh - 1 {
        for bx in 0..bw - 1 {
            let mut s = [0u64; 5];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let blk = &blocks[(by + dy) * bw + bx + dx];
                for k in 0..5 {
                    s[k] += blk[k];
                }
            }
            total += window_ssim(s, 64.0);
            count += 1;
        }
    }
    if count == 0 { 1.0 } else { total / count as f64 }
}

/// Σa, Σb, Σa², Σb², Σab over a `w`×`h` block at (`x`, `y`) of two pictures `stride` wide.
fn sums(a: &[u8], b: &[u8], stride: usize, x: usize, y: usize, w: usize, h: usize) -> [u64; 5] {
    let mut s = [0u64; 5];
    for row in y..y + h {
        let ra = &a[row * stride + x..row * stride + x + w];
        let rb = &b[row * stride + x..row * stride + x + w];
        for (&va, &vb) in ra.iter().zip(rb) {
            let (va, vb) = (u64::from(va), u64::from(vb));
            s[0] += va;
            s[1] += vb;
            s[2] += va * va;
            s[3] += vb * vb;
            s[4] += va * vb;
        }
    }
    s
}

fn window_ssim(s: [u64; 5], n: f64) -> f64 {
    const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
    const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);
    let (ma, mb) = (s[0] as f64 / n, s[1] as f64 / n);
    let va = s[2] as f64 / n - ma * ma;
    let vb = s[3] as f64 / n - mb * mb;
    let cov = s[4] as f64 / n - ma * mb;
    ((2.0 * ma * mb + C1) * (2.0 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gray(w: u32, h: u32, f: impl Fn(u32, u32) -> u8) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| image::Luma([f(x, y)]))
    }

    #[test]
    fn identical_pictures_score_one_and_changes_score_less() {
        let a = gray(64, 48, |x, y| ((x * 7 + y * 13) % 256) as u8);
        assert_eq!(ssim(&a, &a), 1.0);
        // A flat block painted over a quarter of the picture.
        let b = gray(64, 48, |x, y| if x < 32 && y < 24 { 128 } else { ((x * 7 + y * 13) % 256) as u8 });
        let s = ssim(&a, &b);
        assert!(s < 0.9 && s > 0.0, "{s}");
        // Inverted: structure anti-correlated.
        let c = gray(64, 48, |x, y| 255 - ((x * 7 + y * 13) % 256) as u8);
        assert!(ssim(&a, &c) < 0.0 + 0.2, "{}", ssim(&a, &c));
        // Tiny pictures are one window.
        let t = gray(3, 5, |x, y| (x * 40 + y * 10) as u8);
        assert_eq!(ssim(&t, &t), 1.0);
        assert!(ssim(&t, &gray(3, 5, |_, _| 0)) < 0.5);
    }

    #[test]
    fn a_small_brightness_shift_keeps_the_score_high() {
        let a = gray(80, 80, |x, y| (((x / 4 + y / 4) % 2) * 160 + 40) as u8);
        let b = gray(80, 80, |x, y| (((x / 4 + y / 4) % 2) * 160 + 43) as u8);
        let s = ssim(&a, &b);
        assert!(s > 0.99 && s < 1.0, "{s}");
    }

    fn info(kind: MediaKind, d: Option<f64>, fps: Option<f64>) -> MediaInfo {
        MediaInfo {
            kind,
            container: None,
            video_codec: None,
            audio_codec: None,
            width: Some(10),
            height: Some(10),
            rotation_deg: 0,
            duration_s: d,
            frame_rate: fps,
            bit_rate: None,
            has_alpha: false,
        }
    }

    #[test]
    fn samples_fall_mid_frame_within_the_shorter_duration() {
        let v = |d| info(MediaKind::Video, Some(d), Some(25.0));
        let t = sample_times(&v(2.0), &v(3.0), 5);
        assert_eq!(t.len(), 5);
        for x in &t {
            let frames = x * 25.0;
            assert!((frames - frames.floor() - 0.5).abs() < 1e-9, "{x} is not mid-frame");
            assert!(*x < 2.0);
        }
        assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
        assert_eq!(
            sample_times(&info(MediaKind::Image, None, None), &info(MediaKind::Image, None, None), 5),
            vec![0.0]
        );
        assert_eq!(sample_times(&v(2.0), &v(2.0), 0).len(), 1);
    }
}
