//! The compiler's working state ([`Planner`]: the picture size so far, the operations, the notes)
//! and what every parameter family shares: evaluating numbers and expressions, sizes, colours,
//! backgrounds, anchors. The base of the compiler; the parameter families build on it.

use sr_imagekit::transform::{Background, Color, Focus, Quantity, StepValues, Transformation, format_number};

use super::refusal::{NotPreviewable, PlanError};
use super::types::{Op, PlanKind, PlanOptions};
use crate::MediaInfo;
use crate::render::color::{Rgba, named_color};

/// One compilation: the input, the `tr` and its typed values, and the picture as the steps so far left it.
pub(super) struct Planner<'a, 'o> {
    pub(super) info: &'a MediaInfo,
    pub(super) tr: &'a Transformation,
    pub(super) kind: PlanKind,
    pub(super) opts: &'a PlanOptions<'o>,
    pub(super) values: Vec<StepValues>,
    pub(super) ops: Vec<Op>,
    pub(super) size: (u32, u32),
    pub(super) not_previewable: Vec<NotPreviewable>,
    pub(super) notes: Vec<String>,
}

/// Round to a whole pixel, at least 1.
pub(super) fn px(v: f64) -> u32 {
    if v.is_finite() { v.round().clamp(1.0, 65_535.0) as u32 } else { 1 }
}

pub(super) fn secs(v: f64) -> String {
    format_number((v * 100.0).round() / 100.0)
}

impl<'a, 'o> Planner<'a, 'o> {
    pub(super) fn new(
        info: &'a MediaInfo,
        tr: &'a Transformation,
        kind: PlanKind,
        opts: &'a PlanOptions<'o>,
    ) -> Result<Self, PlanError> {
        let values = tr.values()?;
        let size = info
            .display_size()
            .filter(|(w, h)| *w > 0 && *h > 0)
            .ok_or(PlanError::Input("file", "its picture size is unknown".into()))?;
        Ok(Planner {
            info,
            tr,
            kind,
            opts,
            values,
            ops: Vec::new(),
            size,
            not_previewable: Vec::new(),
            notes: Vec::new(),
        })
    }

    pub(super) fn skip(&mut self, step: usize, param: impl Into<String>, reason: impl Into<String>) {
        self.not_previewable.push(NotPreviewable { step, param: param.into(), reason: reason.into() });
    }

    pub(super) fn is_video(&self) -> bool {
        self.kind == PlanKind::Video
    }

    /// Evaluate a number or an expression (`iw_div_2`) with the current picture's variables.
    pub(super) fn eval(&self, q: &Quantity, cw: u32, ch: u32, base: Option<(u32, u32)>) -> Option<f64> {
        match q {
            Quantity::Number(n) => Some(*n),
            Quantity::Expr(e) => {
                let (iw, ih) = (f64::from(cw), f64::from(ch));
                let (bw, bh) = base.map_or((iw, ih), |(w, h)| (f64::from(w), f64::from(h)));
                let dur = self.info.duration_s.unwrap_or(0.0);
                let var = |s: &str| -> Option<f64> {
                    Some(match s {
                        "iw" | "cw" => iw,
                        "ih" | "ch" => ih,
                        "iar" | "car" => iw / ih,
                        "bw" => bw,
                        "bh" => bh,
                        "bar" => bw / bh,
                        "idu" | "bdu" | "cdu" => dur,
                        _ => match s.strip_prefix('N') {
                            Some(rest) => -rest.parse::<f64>().ok()?,
                            None => s.parse::<f64>().ok()?,
                        },
                    })
                };
                let parts: Vec<&str> = e.0.split('_').collect();
                let mut acc = var(parts.first()?)?;
                for pair in parts[1..].chunks(2) {
                    let [op, v] = pair else { return None };
                    let v = var(v)?;
                    acc = match *op {
                        "add" => acc + v,
                        "sub" => acc - v,
                        "mul" => acc * v,
                        "div" if v != 0.0 => acc / v,
                        "mod" if v != 0.0 => acc % v,
                        "pow" => acc.powf(v),
                        _ => return None,
                    };
                }
                acc.is_finite().then_some(acc)
            }
        }
    }

    /// A size parameter: a fraction in (0,1) is a share of the current size.
    pub(super) fn dimension(&mut self, n: usize, key: &str, q: &Option<Quantity>, of: u32) -> Option<f64> {
        let q = q.as_ref()?;
        let (w, h) = self.size;
        match self.eval(q, w, h, None) {
            Some(v) if v > 0.0 && v < 1.0 => Some(v * f64::from(of)),
            Some(v) if v >= 1.0 => Some(v),
            _ => {
                let written = match q {
                    Quantity::Expr(e) => e.0.clone(),
                    Quantity::Number(v) => format_number(*v),
                };
                self.skip(n, format!("{key}-{written}"), "this size can't be computed locally");
                None
            }
        }
    }

    pub(super) fn color(&mut self, n: usize, c: &Color, fallback: Rgba) -> Rgba {
        match c {
            Color::Hex { rgb, opacity } => {
                let a = opacity.map_or(255, |o| ((u32::from(o.min(99)) * 255 + 49) / 99) as u8);
                Rgba([rgb[0], rgb[1], rgb[2], a])
            }
            Color::Named(name) => match named_color(name) {
                Some(c) => c,
                None => {
                    self.skip(n, name.clone(), "colour name not known locally; previewed as black");
                    fallback
                }
            },
        }
    }

    pub(super) fn background(&mut self, n: usize, bg: &Option<Background>) -> Rgba {
        match bg {
            None => Rgba::BLACK,
            Some(Background::Color(c)) => self.color(n, c, Rgba::BLACK),
            Some(Background::Blurred(v)) | Some(Background::Other(v)) => {
                self.skip(n, format!("bg-{v}"), "this background is not previewable locally; previewed as black");
                Rgba::BLACK
            }
        }
    }

    /// Top-left offset of a `cw`×`ch` window inside `w`×`h` for an anchor.
    pub(super) fn anchor(
        &mut self,
        _step: usize,
        focus: &Option<Focus>,
        w: i64,
        h: i64,
        cw: i64,
        ch: i64,
    ) -> (i64, i64) {
        let (fx, fy) = match focus {
            None | Some(Focus::Center) => (1, 1),
            Some(Focus::Top) => (1, 0),
            Some(Focus::Bottom) => (1, 2),
            Some(Focus::Left) => (0, 1),
            Some(Focus::Right) => (2, 1),
            Some(Focus::TopLeft) => (0, 0),
            Some(Focus::TopRight) => (2, 0),
            Some(Focus::BottomLeft) => (0, 2),
            Some(Focus::BottomRight) => (2, 2),
            // Smart focus (listed as not previewable by `resize`): centred.
            Some(_) => (1, 1),
        };
        let pos = |f: i64, outer: i64, inner: i64| match f {
            0 => 0,
            1 => (outer - inner) / 2,
            _ => outer - inner,
        };
        (pos(fx, w, cw), pos(fy, h, ch))
    }

    pub(super) fn push_scale(&mut self, w: u32, h: u32) {
        if (w, h) != self.size {
            self.ops.push(Op::Scale { width: w, height: h });
            self.size = (w, h);
        }
    }
}
