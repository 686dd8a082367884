//! Text and image layers (`l-text`, `l-image`): their input, size, place and time window.

use sr_imagekit::transform::{Color, Focus, Layer, LayerInput, LayerKind, LayerValues, Quantity, Transformation};

use super::planner::{Planner, px};
use super::refusal::PlanError;
use super::types::{DEFAULT_FONT_SIZE, ImageLayer, Op, Place, PlanKind, TextLayer};
use crate::render::color::Rgba;
use crate::render::fonts::Font;

impl Planner<'_, '_> {
    pub(super) fn layer(&mut self, n: usize, layer: &Layer, lv: &LayerValues) -> Result<(), PlanError> {
        let opener = layer.opener();
        let input = match &lv.input {
            Some(i) => i.clone(),
            None => {
                self.skip(n, opener, "the layer has no input (i or ie); skipped");
                return Ok(());
            }
        };
        // Parameters outside the local subset, and anything in the layer's later steps.
        let supported: &[&str] = match lv.kind {
            LayerKind::Text => &["i", "ie", "lx", "ly", "lfo", "lso", "leo", "ldu", "fs", "co", "bg", "pa", "ff"],
            LayerKind::Image => &["i", "ie", "lx", "ly", "lfo", "lso", "leo", "ldu", "w", "h", "o"],
            _ => &[],
        };
        if supported.is_empty() {
            self.skip(n, format!("{opener},…,l-end"), "video and subtitle layers are not previewable locally");
            return Ok(());
        }
        for (i, s) in layer.steps().iter().enumerate() {
            for p in s.params() {
                if i > 0 || !supported.contains(&p.key()) {
                    self.skip(n, format!("{opener}: {p}"), "not previewable locally");
                }
            }
        }
        if !lv.layers.is_empty() {
            self.skip(n, format!("{opener}: nested layers"), "nested layers are not previewable locally");
        }
        let params = layer.params().cloned().unwrap_or_default();
        let (bw, bh) = self.size;
        let window = self.layer_window(lv, bw, bh);
        match (lv.kind, input) {
            (LayerKind::Text, LayerInput::Text(text)) => {
                let font = match &lv.font_family {
                    None => Font::default(),
                    Some(name) => match Font::from_name(name) {
                        Some(f) => f,
                        None => {
                            self.notes.push(format!(
                                "step {n}: font `{name}` is not bundled; the preview uses {}",
                                Font::default().name()
                            ));
                            Font::default()
                        }
                    },
                };
                let font_size = lv
                    .font_size
                    .as_ref()
                    .and_then(|q| self.eval(q, bw, bh, Some((bw, bh))))
                    .map_or(DEFAULT_FONT_SIZE, px);
                let color = match &lv.color {
                    Some(c) => self.color(n, c, Rgba::BLACK),
                    None => Rgba::BLACK,
                };
                let background = params.value("bg").and_then(sr_imagekit_color).map(|c| self.color(n, &c, Rgba::WHITE));
                let padding = match &lv.padding {
                    None => 0,
                    Some(p) => {
                        if p.iter().any(|v| *v != p[0]) {
                            self.notes.push(format!(
                                "step {n}: uneven text padding is previewed with {} px on every side",
                                p[0]
                            ));
                        }
                        p[0]
                    }
                };
                let (x, y) = self.layer_place(lv, bw, bh);
                self.ops.push(Op::Text(TextLayer { text, font, font_size, color, background, padding, x, y, window }));
            }
            (LayerKind::Image, LayerInput::Path(path)) => {
                let local = self.opts.resolver.and_then(|r| r(&path));
                let Some(local) = local else {
                    self.skip(
                        n,
                        format!("{opener},i-{}", path.replace('/', "@@")),
                        "no local copy of this picture; the preview leaves it out",
                    );
                    return Ok(());
                };
                let source_size = match image::ImageReader::open(&local)
                    .ok()
                    .and_then(|r| r.with_guessed_format().ok())
                    .and_then(|r| r.into_dimensions().ok())
                {
                    Some(s) => s,
                    None => {
                        self.skip(
                            n,
                            format!("{opener},i-{}", path.replace('/', "@@")),
                            format!("{} can't be read as a picture; left out", local.display()),
                        );
                        return Ok(());
                    }
                };
                // Size the overlay with the same rules as a step (w/h keep its ratio by default).
                let lw = lv.width.as_ref().and_then(|q| self.eval(q, source_size.0, source_size.1, Some((bw, bh))));
                let lh = lv.height.as_ref().and_then(|q| self.eval(q, source_size.0, source_size.1, Some((bw, bh))));
                let (sw, sh) = (f64::from(source_size.0), f64::from(source_size.1));
                let frac = |v: f64, of: u32| {
                    if v > 0.0 && v < 1.0 { v * f64::from(of) } else { v }
                };
                let size = match (lw.map(|v| frac(v, bw)), lh.map(|v| frac(v, bh))) {
                    (Some(w), Some(h)) => (px(w), px(h)),
                    (Some(w), None) => (px(w), px(sh * w / sw)),
                    (None, Some(h)) => (px(sw * h / sh), px(h)),
                    (None, None) => source_size,
                };
                let ops =
                    if size != source_size { vec![Op::Scale { width: size.0, height: size.1 }] } else { Vec::new() };
                let opacity = params.value("o").and_then(|o| o.parse::<f64>().ok()).map_or(100, |o| {
                    // o-0.8 (SDK fraction) or o-80.
                    let o = if o > 0.0 && o < 1.0 { o * 100.0 } else { o };
                    o.round().clamp(0.0, 100.0) as u8
                });
                let (px_, py_) = self.layer_place(lv, bw, bh);
                let resolve = |p: Place, outer: u32, inner: u32| match p {
                    Place::Start(v) => v,
                    Place::End(v) => i64::from(outer) - i64::from(inner) - v,
                    Place::Center => (i64::from(outer) - i64::from(inner)) / 2,
                };
                self.ops.push(Op::Image(ImageLayer {
                    path: local,
                    source_size,
                    ops,
                    size,
                    x: resolve(px_, bw, size.0),
                    y: resolve(py_, bh, size.1),
                    opacity,
                    window,
                }));
            }
            _ => self.skip(n, opener, "this layer's input is not previewable locally"),
        }
        Ok(())
    }

    fn layer_window(&self, lv: &LayerValues, w: u32, h: u32) -> Option<(f64, f64)> {
        if self.kind != PlanKind::Video {
            return None;
        }
        let num = |q: &Option<Quantity>| q.as_ref().and_then(|q| self.eval(q, w, h, None));
        let start = num(&lv.start);
        let end = num(&lv.end).or_else(|| num(&lv.duration).map(|d| start.unwrap_or(0.0) + d));
        match (start, end) {
            (None, None) => None,
            (s, e) => Some((s.unwrap_or(0.0), e.unwrap_or(1e9))),
        }
    }

    fn layer_place(&mut self, lv: &LayerValues, w: u32, h: u32) -> (Place, Place) {
        let coord = |q: &Option<Quantity>, s: &Self| {
            q.as_ref()
                .and_then(|q| s.eval(q, w, h, Some((w, h))))
                .map(|v| if v < 0.0 { Place::End(-v.round() as i64) } else { Place::Start(v.round() as i64) })
        };
        let (mut x, mut y) = (coord(&lv.x, self), coord(&lv.y, self));
        if x.is_none() || y.is_none() {
            let (fx, fy) = match &lv.focus {
                None | Some(Focus::Center) => (Place::Center, Place::Center),
                Some(Focus::Top) => (Place::Center, Place::Start(0)),
                Some(Focus::Bottom) => (Place::Center, Place::End(0)),
                Some(Focus::Left) => (Place::Start(0), Place::Center),
                Some(Focus::Right) => (Place::End(0), Place::Center),
                Some(Focus::TopLeft) => (Place::Start(0), Place::Start(0)),
                Some(Focus::TopRight) => (Place::End(0), Place::Start(0)),
                Some(Focus::BottomLeft) => (Place::Start(0), Place::End(0)),
                Some(Focus::BottomRight) => (Place::End(0), Place::End(0)),
                Some(_) => (Place::Center, Place::Center),
            };
            // lx alone keeps the vertical anchor from lfo (centre by default), and the other way round.
            x = x.or(Some(if lv.x.is_none() && lv.y.is_some() && lv.focus.is_none() { Place::Start(0) } else { fx }));
            y = y.or(Some(if lv.y.is_none() && lv.x.is_some() && lv.focus.is_none() { Place::Start(0) } else { fy }));
        }
        (x.unwrap_or(Place::Center), y.unwrap_or(Place::Center))
    }
}

fn sr_imagekit_color(v: &str) -> Option<Color> {
    // The text layer's `bg` is not in LayerValues; parse it with the same rules as `co`.
    let t = Transformation::parse(&format!("l-text,i-x,co-{v},l-end"));
    let step = t.steps().first()?;
    let layer = step.layers().next()?;
    layer.values().ok()?.color
}
