//! The planner: a `tr` string and a probed input become a [`RenderPlan`] (every geometry step with its
//! pixel sizes, trims, output format and codecs), or a [`PlanError`] saying why the combination is
//! impossible and what the nearest valid setting is — all before any pixel is decoded.
//!
//! Semantics follow the remote (spec §10.2/§10.3): the input is turned upright first (the remote
//! auto-rotates), then each chained step is applied left to right: resize/crop (`w`, `h`, `ar`, `c`,
//! `cm`, `fo`, `x`, `y`, `xc`, `yc`), `rt`, `fl`, `e-grayscale`, `bl`, layers, `r`, `b`. Trims (`so`,
//! `eo`, `du`) compose across steps; the last `q`, `f`, `vc`, `ac` win. Video outputs get even sizes
//! (4:2:0 chroma) by dropping the last odd row/column.
//!
//! Layering: `refusal` (what the preview leaves out, why a plan is refused) is the base; `types`
//! (the plan and its options) is built on it; `planner` (the working state and the evaluation every
//! parameter family shares) on both; the parameter families `geometry`, `trim`, `layers` and
//! `output` on the planner, never on each other; this file (the entry points and the step loop)
//! on all of them.

mod geometry;
mod layers;
mod output;
mod planner;
mod refusal;
mod trim;
mod types;

use sr_imagekit::transform::{Flip, Layer, Radius, Step, Transformation};

pub use super::color::Rgba;
pub use refusal::{NotPreviewable, PlanError};
pub use types::{
    DEFAULT_FONT_SIZE, ImageLayer, Op, OutAudio, OutVideo, OutputFormat, Place, PlanKind, PlanOptions, RenderPlan,
    Resolver, TextLayer, Trim,
};

use crate::{MediaInfo, MediaKind};
use planner::{Planner, px};

/// Plan a render of `input` with `tr` (no image-layer resolver, default format).
pub fn plan(input: &MediaInfo, tr: &Transformation) -> Result<RenderPlan, PlanError> {
    plan_with(input, tr, &PlanOptions::default())
}

/// Plan a render of `input` with `tr`.
pub fn plan_with(input: &MediaInfo, tr: &Transformation, opts: &PlanOptions<'_>) -> Result<RenderPlan, PlanError> {
    let kind = match input.kind {
        MediaKind::Video => PlanKind::Video,
        MediaKind::Image => PlanKind::Image,
        MediaKind::Audio => {
            return Err(PlanError::Input("sound file", "it has no picture to transform".into()));
        }
        MediaKind::Other => return Err(PlanError::Input("file", "it is not media".into())),
    };
    Planner::new(input, tr, kind, opts)?.run()
}

/// Plan a video thumbnail (`…/video.mp4/ik-thumbnail.jpg?tr=…`): the frame at `so` (the first frame
/// by default) with the thumbnail's allowed parameters, as a JPEG.
pub fn plan_thumbnail(input: &MediaInfo, tr: &Transformation, opts: &PlanOptions<'_>) -> Result<RenderPlan, PlanError> {
    if input.kind != MediaKind::Video {
        return Err(PlanError::Input(
            "file",
            "thumbnails (ik-thumbnail.jpg) are made from videos; for a photo use the photo itself with w/h".into(),
        ));
    }
    const ALLOWED: &[&str] = &["w", "h", "ar", "c", "cm", "fo", "b", "bg", "r", "so", "x", "y", "xc", "yc"];
    for step in tr.steps() {
        for p in step.params() {
            let known = is_supported_key(p.key());
            if known && !ALLOWED.contains(&p.key()) {
                return Err(PlanError::NotInThumbnail { param: p.to_string() });
            }
        }
    }
    Planner::new(input, tr, PlanKind::Thumbnail, opts)?.run()
}

fn is_supported_key(k: &str) -> bool {
    matches!(
        k,
        "w" | "h"
            | "ar"
            | "c"
            | "cm"
            | "fo"
            | "x"
            | "y"
            | "xc"
            | "yc"
            | "rt"
            | "fl"
            | "so"
            | "eo"
            | "du"
            | "q"
            | "f"
            | "vc"
            | "ac"
            | "bg"
            | "b"
            | "r"
            | "bl"
            | "e-grayscale"
    )
}

impl Planner<'_, '_> {
    fn run(mut self) -> Result<RenderPlan, PlanError> {
        let steps: Vec<Step> = self.tr.steps().to_vec();
        let values = std::mem::take(&mut self.values);
        let duration = self.info.duration_s.filter(|d| *d > 0.0);
        let mut trim: Option<Trim> = None;
        let mut quality = None;
        let mut format = None;
        let mut vcodec = None;
        let mut acodec = None;

        for (i, (step, v)) in steps.iter().zip(&values).enumerate() {
            let n = i + 1;
            self.unknown_params(n, step);
            // Trims compose: a later step trims what the earlier ones kept.
            if v.start_offset.is_some() || v.end_offset.is_some() || v.duration.is_some() {
                if self.kind == PlanKind::Image {
                    let p = if v.start_offset.is_some() {
                        "so"
                    } else if v.end_offset.is_some() {
                        "eo"
                    } else {
                        "du"
                    };
                    let written = step.get(p).map(|p| p.to_string()).unwrap_or_default();
                    return Err(PlanError::VideoOnly { step: n, param: p.into(), suggestion: written });
                }
                trim = Some(self.trim(n, v, trim, duration)?);
            }
            if self.kind == PlanKind::Image {
                for (key, set) in [("vc", v.video_codec.is_some()), ("ac", v.audio_codec.is_some())] {
                    if set {
                        let written = step.get(key).map(|p| p.to_string()).unwrap_or_default();
                        return Err(PlanError::VideoOnly { step: n, param: key.into(), suggestion: written });
                    }
                }
            }
            quality = v.quality.or(quality);
            format = v.format.or(format);
            vcodec = v.video_codec.or(vcodec);
            acodec = v.audio_codec.or(acodec);

            self.resize(n, v)?;
            self.rotate(n, step, v)?;
            if let Some(f) = v.flip {
                self.ops.push(Op::Flip {
                    horizontal: matches!(f, Flip::Horizontal | Flip::Both),
                    vertical: matches!(f, Flip::Vertical | Flip::Both),
                });
            }
            if v.grayscale {
                self.ops.push(Op::Grayscale);
            }
            if let Some(b) = v.blur {
                if self.is_video() {
                    self.skip(n, format!("bl-{b}"), "blur is previewed on photos only");
                } else {
                    self.ops.push(Op::Blur { radius: b });
                }
            }
            let layers: Vec<&Layer> = step.layers().collect();
            for (layer, lv) in layers.iter().zip(&v.layers) {
                self.layer(n, layer, lv)?;
            }
            if let Some(r) = &v.radius {
                if self.is_video() {
                    self.skip(
                        n,
                        step.get("r").map(|p| p.to_string()).unwrap_or_default(),
                        "rounded corners are previewed on photos only",
                    );
                } else {
                    let (w, h) = self.size;
                    let max = w.min(h) / 2;
                    let corners = match r {
                        Radius::Max => [max; 4],
                        Radius::Uniform(r) => [(*r).min(max); 4],
                        Radius::Corners(c) => c.map(|r| r.min(max)),
                    };
                    self.ops.push(Op::Radius { corners });
                }
            }
            if let Some(b) = &v.border {
                let (w, h) = self.size;
                match self.eval(&b.width, w, h, None) {
                    Some(bw) if bw >= 1.0 => {
                        let bw = px(bw);
                        let color = self.color(n, &b.color, Rgba::BLACK);
                        self.ops.push(Op::Border { width: bw, color });
                        self.size = (w + 2 * bw, h + 2 * bw);
                    }
                    _ => self.skip(
                        n,
                        step.get("b").map(|p| p.to_string()).unwrap_or_default(),
                        "this border width can't be computed locally",
                    ),
                }
            }
        }

        // Output format and codecs.
        let (format, video, audio) = self.output(format, vcodec, acodec)?;
        if video.is_some() && format.is_video() {
            self.round_to_even(steps.len())?;
        }
        let (trim, duration_s) = match self.kind {
            PlanKind::Video => {
                let d = duration.unwrap_or(0.0);
                let t = trim.unwrap_or(Trim { start_s: 0.0, end_s: d });
                (Some(t), Some((((t.end_s - t.start_s) * 1e6).round() / 1e6).max(0.0)))
            }
            PlanKind::Thumbnail => (Some(trim.unwrap_or(Trim { start_s: 0.0, end_s: 0.0 })), None),
            PlanKind::Image => (None, None),
        };
        let quality = quality.unwrap_or(if format.is_video() { 50 } else { 80 });
        Ok(RenderPlan {
            kind: self.kind,
            tr: self.tr.to_string(),
            input_size: self.info.display_size().unwrap_or(self.size),
            input_rotation: if self.kind == PlanKind::Video { self.info.rotation_deg } else { 0 },
            ops: self.ops,
            width: self.size.0,
            height: self.size.1,
            trim,
            duration_s,
            format,
            video,
            audio,
            quality,
            not_previewable: self.not_previewable,
            notes: self.notes,
        })
    }

    fn unknown_params(&mut self, n: usize, step: &Step) {
        for p in step.params() {
            if !is_supported_key(p.key()) {
                self.skip(n, p.to_string(), "not previewable locally");
            }
        }
    }
}
