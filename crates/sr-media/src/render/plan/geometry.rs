//! Resize, crop and rotate (`w`, `h`, `ar`, `c`, `cm`, `fo`, `x`, `y`, `xc`, `yc`, `rt`).

use sr_imagekit::transform::{AspectRatio, Crop, CropMode, Focus, Quantity, Rotation, Step, StepValues, format_number};

use super::planner::{Planner, px};
use super::refusal::PlanError;
use super::types::{Op, PlanKind};
use crate::render::color::Rgba;

impl Planner<'_, '_> {
    pub(super) fn resize(&mut self, n: usize, v: &StepValues) -> Result<(), PlanError> {
        let (iw, ih) = self.size;
        if let Some(f @ (Focus::Auto | Focus::Face | Focus::Custom | Focus::Object(_))) = &v.focus {
            let name = match f {
                Focus::Auto => "auto".to_string(),
                Focus::Face => "face".to_string(),
                Focus::Custom => "custom".to_string(),
                Focus::Object(o) => o.clone(),
                _ => String::new(),
            };
            self.skip(n, format!("fo-{name}"), "smart focus needs the remote's detectors; previewed centred");
        }
        let mut tw = self.dimension(n, "w", &v.width, iw);
        let mut th = self.dimension(n, "h", &v.height, ih);
        match (&v.aspect_ratio, tw, th) {
            (None, ..) => {}
            (Some(ar), w, h) => {
                let ratio = match ar {
                    AspectRatio::Ratio { width, height } => Some(width / height),
                    AspectRatio::Expr(e) => self.eval(&Quantity::Expr(e.clone()), iw, ih, None),
                };
                match (ratio, w, h) {
                    (Some(r), Some(w), None) if r > 0.0 => th = Some(w / r),
                    (Some(r), None, Some(h)) if r > 0.0 => tw = Some(h * r),
                    (Some(_), Some(_), Some(_)) => {
                        self.notes.push(format!("step {n}: ar is ignored when both w and h are set (as on the remote)"))
                    }
                    (Some(_), None, None) => self.notes.push(format!("step {n}: ar needs w or h to have an effect")),
                    _ => self.skip(n, "ar", "this aspect ratio can't be computed locally"),
                }
            }
        }
        let has_coords = v.x.is_some() || v.y.is_some() || v.x_center.is_some() || v.y_center.is_some();
        if tw.is_none() && th.is_none() {
            if has_coords {
                self.notes.push(format!("step {n}: x/y/xc/yc need w and h with cm-extract"));
            }
            return Ok(());
        }
        let (fw, fh) = (f64::from(iw), f64::from(ih));
        let crop_mode = match v.crop_mode {
            Some(m @ (CropMode::PadResizeNoEnlarge | CropMode::PadExtractNoShrink)) => {
                self.skip(n, format!("cm-{m}"), "not previewable locally; previewed without it");
                None
            }
            m => m,
        };
        match crop_mode {
            Some(CropMode::Extract) | Some(CropMode::PadExtract) => {
                let cw = tw.map_or(iw, px);
                let ch = th.map_or(ih, px);
                let pad = crop_mode == Some(CropMode::PadExtract);
                if !pad && (cw > iw || ch > ih) {
                    let mut fix = Vec::new();
                    if cw > iw {
                        fix.push(format!("w-{iw}"));
                    }
                    if ch > ih {
                        fix.push(format!("h-{ih}"));
                    }
                    return Err(PlanError::CropOutside {
                        step: n,
                        what: format!("{cw}×{ch}"),
                        frame_w: iw,
                        frame_h: ih,
                        suggestion: format!("{} (or cm-pad_extract to pad instead)", fix.join(",")),
                    });
                }
                // Window position inside the picture (may be negative/outside with pad_extract).
                let (ax, ay) = self.anchor(n, &v.focus, i64::from(iw), i64::from(ih), i64::from(cw), i64::from(ch));
                let mut x = ax;
                let mut y = ay;
                let cx = |q: &Option<Quantity>, s: &Self| q.as_ref().and_then(|q| s.eval(q, iw, ih, None));
                if let Some(xv) = cx(&v.x, self) {
                    x = xv.round() as i64;
                }
                if let Some(yv) = cx(&v.y, self) {
                    y = yv.round() as i64;
                }
                if let Some(xc) = cx(&v.x_center, self) {
                    x = (xc - f64::from(cw) / 2.0).round() as i64;
                }
                if let Some(yc) = cx(&v.y_center, self) {
                    y = (yc - f64::from(ch) / 2.0).round() as i64;
                }
                if !pad {
                    let (maxx, maxy) = (i64::from(iw - cw), i64::from(ih - ch));
                    if x < 0 || y < 0 || x > maxx || y > maxy {
                        let mut fix = Vec::new();
                        let key = |c: bool, k: &str| if c { k.to_string() } else { k.replace('c', "") };
                        if x < 0 || x > maxx {
                            let k = key(v.x_center.is_some(), "xc");
                            let val = x.clamp(0, maxx) + if v.x_center.is_some() { i64::from(cw) / 2 } else { 0 };
                            fix.push(format!("{k}-{val}"));
                        }
                        if y < 0 || y > maxy {
                            let k = key(v.y_center.is_some(), "yc");
                            let val = y.clamp(0, maxy) + if v.y_center.is_some() { i64::from(ch) / 2 } else { 0 };
                            fix.push(format!("{k}-{val}"));
                        }
                        return Err(PlanError::CropOutside {
                            step: n,
                            what: format!("{cw}×{ch} at {x},{y}"),
                            frame_w: iw,
                            frame_h: ih,
                            suggestion: fix.join(","),
                        });
                    }
                    self.ops.push(Op::Crop { width: cw, height: ch, x: x as u32, y: y as u32 });
                    self.size = (cw, ch);
                } else {
                    // Crop what lies inside, then pad back out to the window.
                    let x0 = x.max(0);
                    let y0 = y.max(0);
                    let x1 = (x + i64::from(cw)).min(i64::from(iw));
                    let y1 = (y + i64::from(ch)).min(i64::from(ih));
                    if x1 <= x0 || y1 <= y0 {
                        return Err(PlanError::CropOutside {
                            step: n,
                            what: format!("{cw}×{ch} at {x},{y}"),
                            frame_w: iw,
                            frame_h: ih,
                            suggestion: "x-0,y-0".into(),
                        });
                    }
                    let (kw, kh) = ((x1 - x0) as u32, (y1 - y0) as u32);
                    if (kw, kh) != (iw, ih) {
                        self.ops.push(Op::Crop { width: kw, height: kh, x: x0 as u32, y: y0 as u32 });
                    }
                    if (kw, kh) != (cw, ch) {
                        let color = self.background(n, &v.background);
                        self.ops.push(Op::Pad { width: cw, height: ch, x: (x0 - x) as u32, y: (y0 - y) as u32, color });
                    }
                    self.size = (cw, ch);
                }
            }
            Some(CropMode::PadResize) => {
                let bw = tw.unwrap_or(fw * th.unwrap_or(fh) / fh);
                let bh = th.unwrap_or(fh * bw / fw);
                let s = (bw / fw).min(bh / fh);
                let (sw, sh) = (px(fw * s), px(fh * s));
                let (bw, bh) = (px(bw).max(sw), px(bh).max(sh));
                self.push_scale(sw, sh);
                if (sw, sh) != (bw, bh) {
                    let (x, y) = self.anchor(n, &v.focus, i64::from(bw), i64::from(bh), i64::from(sw), i64::from(sh));
                    let color = self.background(n, &v.background);
                    self.ops.push(Op::Pad { width: bw, height: bh, x: x as u32, y: y as u32, color });
                    self.size = (bw, bh);
                }
            }
            _ => {
                let crop = match v.crop {
                    Some(Crop::MaintainRatioNoEnlarge) => {
                        self.skip(
                            n,
                            "c-maintain_ratio_no_enlarge",
                            "not previewable locally; previewed as maintain_ratio",
                        );
                        Crop::MaintainRatio
                    }
                    Some(c) => c,
                    None => Crop::MaintainRatio,
                };
                match (tw, th) {
                    (Some(w), Some(h)) => match crop {
                        Crop::Force => self.push_scale(px(w), px(h)),
                        Crop::AtMax | Crop::AtMaxEnlarge | Crop::AtLeast => {
                            let (sx, sy) = (w / fw, h / fh);
                            let mut s = if crop == Crop::AtLeast { sx.max(sy) } else { sx.min(sy) };
                            if crop == Crop::AtMax {
                                s = s.min(1.0);
                            }
                            self.push_scale(px(fw * s), px(fh * s));
                        }
                        _ => {
                            // maintain_ratio: cover the box, then cut it out at the focus.
                            let s = (w / fw).max(h / fh);
                            let (cw, ch) = (px(w), px(h));
                            let (sw, sh) = (px(fw * s).max(cw), px(fh * s).max(ch));
                            self.push_scale(sw, sh);
                            if (sw, sh) != (cw, ch) {
                                let (x, y) = self.anchor(
                                    n,
                                    &v.focus,
                                    i64::from(sw),
                                    i64::from(sh),
                                    i64::from(cw),
                                    i64::from(ch),
                                );
                                self.ops.push(Op::Crop { width: cw, height: ch, x: x as u32, y: y as u32 });
                                self.size = (cw, ch);
                            }
                        }
                    },
                    (w, h) => {
                        let s = match (w, h) {
                            (Some(w), _) => w / fw,
                            (_, Some(h)) => h / fh,
                            _ => 1.0,
                        };
                        let s = if crop == Crop::AtMax { s.min(1.0) } else { s };
                        self.push_scale(px(fw * s), px(fh * s));
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn rotate(&mut self, n: usize, step: &Step, v: &StepValues) -> Result<(), PlanError> {
        let Some(rt) = &v.rotation else { return Ok(()) };
        let deg = match rt {
            // The input is already upright (auto-rotated) before any step.
            Rotation::Auto => return Ok(()),
            Rotation::Degrees(d) => *d,
        };
        let norm = deg.rem_euclid(360.0);
        let quarter = (norm / 90.0).round() * 90.0;
        if (norm - quarter).abs() < 1e-9 {
            let q = ((quarter / 90.0) as u8) % 4;
            if q != 0 {
                self.ops.push(Op::Turn { quarters: q });
                if q % 2 == 1 {
                    self.size = (self.size.1, self.size.0);
                }
            }
            return Ok(());
        }
        if self.kind != PlanKind::Image {
            let nearest = (deg / 90.0).round() * 90.0;
            let _ = step;
            return Err(PlanError::VideoRotation { step: n, suggestion: format!("rt-{}", format_number(nearest)) });
        }
        let fill = match &v.background {
            Some(_) => self.background(n, &v.background),
            None => Rgba::BLACK,
        };
        let a = norm.to_radians();
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        let ow = px((w * a.cos()).abs() + (h * a.sin()).abs());
        let oh = px((w * a.sin()).abs() + (h * a.cos()).abs());
        self.ops.push(Op::Rotate { degrees: norm, width: ow, height: oh, fill });
        self.size = (ow, oh);
        Ok(())
    }
}
