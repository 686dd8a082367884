//! A plan compiled to one libavfilter graph description: `[in]` (decoded frames) → trim → upright →
//! the plan's operations → `[out]`; `[ovN]` sources for image layers; `[ain]` → atrim → `[aout]`.

use super::plan::{Op, Place, RenderPlan};

/// Escape a value for an option inside a filter's argument list (`key=value:key=value`).
fn opt_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '\'' | ':') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// Escape a filter's whole argument string for the graph description (`a,b;[x]c`).
fn graph_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '\'' | '[' | ']' | ',' | ';') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// `value` made safe for both levels of parsing.
fn esc(s: &str) -> String {
    graph_escape(&opt_escape(s))
}

/// Pixel pipeline of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pixels {
    /// 4:2:0 video frames.
    Video,
    /// RGBA stills.
    Rgba,
}

/// The graph text and the image-layer sources it needs (buffer name, layer index in `plan.ops`).
pub(crate) struct VideoGraph {
    pub spec: String,
    pub overlays: Vec<(String, usize)>,
}

fn window_expr(w: Option<(f64, f64)>) -> Option<String> {
    w.map(|(a, b)| format!("between(t,{a:.3},{b:.3})"))
}

/// Build the video part. `input_rotation` is applied first; `trim` when given; `extra` ops (a preview
/// downscale) after the plan's own.
pub(crate) fn video_graph(
    plan: &RenderPlan,
    pixels: Pixels,
    input_rotation: i32,
    trim: Option<(f64, f64)>,
    extra: &[Op],
) -> std::io::Result<VideoGraph> {
    let mut chains: Vec<String> = Vec::new();
    let mut filters: Vec<String> = Vec::new();
    let mut label = "in".to_string();
    let mut overlays = Vec::new();
    let mut n_label = 0;

    if let Some((s, e)) = trim {
        filters.push(format!("trim=start={s:.6}:end={e:.6}"));
        filters.push("setpts=PTS-STARTPTS".into());
    }
    match input_rotation.rem_euclid(360) {
        90 => filters.push("transpose=clock".into()),
        180 => filters.push("hflip,vflip".into()),
        270 => filters.push("transpose=cclock".into()),
        _ => {}
    }
    let all: Vec<(usize, &Op)> = plan.ops.iter().enumerate().chain(extra.iter().map(|o| (usize::MAX, o))).collect();
    for (index, op) in all {
        match op {
            Op::Scale { width, height } => filters.push(format!("scale={width}:{height}")),
            Op::Crop { width, height, x, y } => filters.push(format!("crop={width}:{height}:{x}:{y}:exact=1")),
            Op::Pad { width, height, x, y, color } => {
                filters.push(format!("pad={width}:{height}:{x}:{y}:color={}", color.to_av()))
            }
            Op::Turn { quarters } => filters.push(
                match quarters {
                    1 => "transpose=clock",
                    2 => "hflip,vflip",
                    _ => "transpose=cclock",
                }
                .into(),
            ),
            Op::Rotate { degrees, width, height, fill } => {
                filters.push(format!("rotate=a={:.9}:ow={width}:oh={height}:c={}", degrees.to_radians(), fill.to_av()))
            }
            Op::Flip { horizontal, vertical } => {
                if *horizontal {
                    filters.push("hflip".into());
                }
                if *vertical {
                    filters.push("vflip".into());
                }
            }
            Op::Border { width, color } => {
                filters.push(format!("pad=iw+{d}:ih+{d}:{width}:{width}:color={}", color.to_av(), d = 2 * width))
            }
            Op::Radius { corners: [tl, tr, br, bl] } => {
                let r = format!("if(lt(X,W/2),if(lt(Y,H/2),{tl},{bl}),if(lt(Y,H/2),{tr},{br}))");
                let a = format!(
                    "st(0,{r});alpha(X,Y)*lte(hypot(max(0,max(ld(0)-X-0.5,X+0.5-W+ld(0))),max(0,max(ld(0)-Y-0.5,Y+0.5-H+ld(0)))),ld(0))"
                );
                filters.push("format=rgba".into());
                filters.push(format!("geq=r={}:g={}:b={}:a={}", esc("r(X,Y)"), esc("g(X,Y)"), esc("b(X,Y)"), esc(&a)));
            }
            Op::Blur { radius } => filters.push(format!("gblur=sigma={:.2}", (f64::from(*radius) / 2.0).max(0.5))),
            Op::Grayscale => filters.push(match pixels {
                Pixels::Video => "hue=s=0".into(),
                Pixels::Rgba => "colorchannelmixer=.299:.587:.114:0:.299:.587:.114:0:.299:.587:.114:0".into(),
            }),
            Op::Text(t) => {
                let font = t.font.path()?;
                let p = t.padding;
                let x = match t.x {
                    Place::Start(v) => format!("{}", v + i64::from(p)),
                    Place::End(v) => format!("w-text_w-{}", v + i64::from(p)),
                    Place::Center => "(w-text_w)/2".into(),
                };
                let y = match t.y {
                    Place::Start(v) => format!("{}", v + i64::from(p)),
                    Place::End(v) => format!("h-text_h-{}", v + i64::from(p)),
                    Place::Center => "(h-text_h)/2".into(),
                };
                let mut f = format!(
                    "drawtext=fontfile={}:text={}:expansion=none:fontsize={}:fontcolor={}:x={}:y={}",
                    esc(&font.to_string_lossy()),
                    esc(&t.text),
                    t.font_size,
                    t.color.to_av(),
                    esc(&x),
                    esc(&y)
                );
                if let Some(bg) = t.background {
                    f.push_str(&format!(":box=1:boxcolor={}:boxborderw={p}", bg.to_av()));
                }
                if let Some(e) = window_expr(t.window) {
                    f.push_str(&format!(":enable={}", esc(&e)));
                }
                filters.push(f);
            }
            Op::Image(l) => {
                let i = overlays.len();
                let src = format!("ov{i}");
                let mut ov = vec!["format=rgba".to_string()];
                if l.size != l.source_size {
                    ov.push(format!("scale={}:{}", l.size.0, l.size.1));
                }
                if l.opacity < 100 {
                    ov.push(format!("colorchannelmixer=aa={:.3}", f64::from(l.opacity) / 100.0));
                }
                chains.push(format!("[{src}]{}[{src}s]", ov.join(",")));
                let base = format!("b{n_label}");
                n_label += 1;
                chains.push(format!(
                    "[{label}]{}[{base}]",
                    if filters.is_empty() { "null".to_string() } else { filters.join(",") }
                ));
                filters.clear();
                let mut f = format!("overlay=x={}:y={}:format=auto:eof_action=repeat", l.x, l.y);
                if let Some(e) = window_expr(l.window) {
                    f.push_str(&format!(":enable={}", esc(&e)));
                }
                let next = format!("m{n_label}");
                chains.push(format!("[{base}][{src}s]{f}[{next}]"));
                label = next;
                overlays.push((src, index));
            }
        }
    }
    filters.push("setsar=1".into());
    filters.push(match pixels {
        Pixels::Video => "format=yuv420p".into(),
        Pixels::Rgba => "format=rgba".into(),
    });
    chains.push(format!("[{label}]{}[out]", filters.join(",")));
    Ok(VideoGraph { spec: chains.join(";"), overlays })
}

/// The audio part: trim and resample for the encoder.
pub(crate) fn audio_graph(trim: Option<(f64, f64)>, sample_fmt: &str, rate: u32) -> String {
    let mut f = Vec::new();
    if let Some((s, e)) = trim {
        f.push(format!("atrim=start={s:.6}:end={e:.6}"));
        f.push("asetpts=PTS-STARTPTS".into());
    }
    f.push(format!("aresample={rate}"));
    f.push(format!("aformat=sample_fmts={sample_fmt}:sample_rates={rate}:channel_layouts=stereo"));
    format!("[ain]{}[aout]", f.join(","))
}
