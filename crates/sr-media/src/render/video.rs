//! Video renders: decode → one filter graph (video and sound chains) → encoders → mp4/webm file, or
//! segmented fMP4 HLS for the fast preview.

use std::ffi::CString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::{Duration, Instant};

use ff::ffi;
use ffmpeg_next as ff;

use super::graph::{self, Pixels};
use super::job::{Progress, RenderError, RenderEvent, RenderOptions, fail};
use super::plan::{Op, OutAudio, OutVideo, OutputFormat, RenderPlan};
use super::source::{self, Decoded, Input};
use crate::av;

/// Where the encoded streams go.
pub(crate) enum Target<'a> {
    /// A single file (written elsewhere first, see the caller).
    File { path: &'a Path, format: OutputFormat },
    /// `dir/master.m3u8` + `dir/index.m3u8` + `init.mp4` + `segNNNNN.m4s`, at preview size.
    Hls { dir: &'a Path },
}

/// The x264 CRF for an ImageKit quality (q-50, the remote's video default, gives CRF 29).
pub fn x264_crf(q: u8) -> u8 {
    (40.0 - f64::from(q.clamp(1, 100)) * 0.22).round().clamp(18.0, 40.0) as u8
}

/// The libvpx-vp9 CRF for an ImageKit quality.
pub fn vp9_crf(q: u8) -> u8 {
    (55.0 - f64::from(q.clamp(1, 100)) * 0.4).round().clamp(15.0, 55.0) as u8
}

/// Preview size: the shorter side at most 540 px, even.
pub(crate) fn preview_size(w: u32, h: u32) -> (u32, u32) {
    let short = w.min(h);
    if short <= 540 {
        return (w & !1, h & !1);
    }
    let s = 540.0 / f64::from(short);
    let even = |v: u32| ((f64::from(v) * s / 2.0).round() as u32 * 2).max(2);
    (even(w), even(h))
}

pub(crate) struct VideoOut {
    pub enc: ff::encoder::Video,
    pub index: usize,
    pub tb: ff::Rational,
    pub frame_dur: i64,
}

pub(crate) struct AudioOut {
    pub enc: ff::encoder::Audio,
    pub index: usize,
    pub tb: ff::Rational,
}

/// The trim the graph needs: `None` when the plan keeps the whole clip (no filter, as the CLI would run).
pub(crate) fn effective_trim(plan: &RenderPlan, input_duration_s: Option<f64>) -> Option<(f64, f64)> {
    let t = plan.trim?;
    let whole = t.start_s <= 0.0 && input_duration_s.is_some_and(|d| t.end_s >= d - 1e-6);
    (!whole).then_some((t.start_s, t.end_s))
}

/// Sample format and rate the sound encoder takes.
pub(crate) fn audio_format(audio: Option<OutAudio>) -> (ff::format::Sample, u32) {
    match audio {
        Some(OutAudio::Opus) => (ff::format::Sample::F32(ff::format::sample::Type::Packed), 48_000),
        _ => (ff::format::Sample::F32(ff::format::sample::Type::Planar), 48_000),
    }
}

/// The picture end of the graph.
pub(crate) enum VideoTail<'a> {
    /// The plan's chain ends in the sink `out`.
    Single,
    /// The plan's chain ends in `[main]`, then `spec` (which reads `[main]`) feeds the named sinks.
    Split { spec: &'a str, sinks: &'a [String] },
}

/// ONE filter graph for both chains: `in` (+ `ovN` image layers) → ... → video sink(s), `ain` →
/// `aout`. Image layers are fed (one frame and end of stream each) before it is returned.
pub(crate) fn build_graph(
    plan: &RenderPlan,
    input: &Input,
    extra: &[Op],
    trim: Option<(f64, f64)>,
    tail: VideoTail<'_>,
    audio: Option<(ff::format::Sample, u32)>,
) -> Result<ff::filter::Graph, RenderError> {
    let mut g = ff::filter::Graph::new();
    let find =
        |n: &str| ff::filter::find(n).ok_or_else(|| RenderError::Failed(format!("libavfilter has no `{n}` filter")));
    let mut spec = Vec::new();
    let mut overlays = Vec::new();
    let mut video_sinks: Vec<String> = Vec::new();
    if let Some(v) = &input.video {
        let dec = &v.dec;
        let vtb = v.tb;
        let pix = dec
            .format()
            .descriptor()
            .map(|d| d.name().to_string())
            .ok_or_else(|| RenderError::Failed("unknown pixel format".into()))?;
        let sar = dec.aspect_ratio();
        let (sn, sd) =
            if sar.numerator() > 0 && sar.denominator() > 0 { (sar.numerator(), sar.denominator()) } else { (1, 1) };
        g.add(
            &find("buffer")?,
            "in",
            &format!(
                "video_size={}x{}:pix_fmt={pix}:time_base={}/{}:pixel_aspect={sn}/{sd}",
                dec.width(),
                dec.height(),
                vtb.numerator(),
                vtb.denominator()
            ),
        )
        .map_err(fail("filter setup"))?;
        let vg = graph::video_graph(plan, Pixels::Video, plan.input_rotation, trim, extra)
            .map_err(|e| RenderError::Output(format!("the bundled fonts can't be written: {e}")))?;
        match tail {
            VideoTail::Single => {
                video_sinks.push("out".into());
                spec.push(vg.spec);
            }
            VideoTail::Split { spec: split, sinks } => {
                let main = vg
                    .spec
                    .strip_suffix("[out]")
                    .ok_or_else(|| RenderError::Failed("internal: the picture chain has no [out]".into()))?;
                spec.push(format!("{main}[main];{split}"));
                video_sinks.extend(sinks.iter().cloned());
            }
        }
        for name in &video_sinks {
            g.add(&find("buffersink")?, name, "").map_err(fail("filter setup"))?;
            g.get(name).expect("just added").set_pixel_format(ff::format::Pixel::YUV420P);
        }
        for (name, op_index) in &vg.overlays {
            let Some(Op::Image(layer)) = plan.ops.get(*op_index) else {
                continue;
            };
            let (w, h) = layer.source_size;
            g.add(
                &find("buffer")?,
                name,
                &format!(
                    "video_size={w}x{h}:pix_fmt=rgba:time_base={}/{}:pixel_aspect=1/1",
                    vtb.numerator(),
                    vtb.denominator()
                ),
            )
            .map_err(fail("filter setup"))?;
            overlays.push((name.clone(), layer.path.clone()));
        }
    }
    let audio_on = match (&input.audio, audio) {
        (Some(a), Some((a_fmt, a_rate))) => {
            let dec = &a.dec;
            let layout = if dec.channel_layout().bits() != 0 {
                dec.channel_layout()
            } else {
                ff::ChannelLayout::default(i32::from(dec.channels()))
            };
            g.add(
                &find("abuffer")?,
                "ain",
                &format!(
                    "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
                    a.tb.numerator(),
                    a.tb.denominator(),
                    dec.rate(),
                    dec.format().name(),
                    layout.bits()
                ),
            )
            .map_err(fail("filter setup"))?;
            g.add(&find("abuffersink")?, "aout", "").map_err(fail("filter setup"))?;
            spec.push(graph::audio_graph(trim, a_fmt.name(), a_rate));
            true
        }
        _ => false,
    };
    if spec.is_empty() {
        return Err(RenderError::Failed("nothing to render".into()));
    }
    {
        let mut names_out: Vec<String> = Vec::new();
        if input.video.is_some() {
            names_out.push("in".into());
        }
        names_out.extend(overlays.iter().map(|(n, _)| n.clone()));
        if audio_on {
            names_out.push("ain".into());
        }
        let mut p = g.output(&names_out[0], 0).map_err(fail("filter setup"))?;
        for n in &names_out[1..] {
            p = p.output(n, 0).map_err(fail("filter setup"))?;
        }
        for n in &video_sinks {
            p = p.input(n, 0).map_err(fail("filter setup"))?;
        }
        if audio_on {
            p = p.input("aout", 0).map_err(fail("filter setup"))?;
        }
        p.parse(&spec.join(";")).map_err(fail("the transformation can't be set up"))?;
    }
    g.validate().map_err(fail("the transformation can't be set up"))?;

    // Overlay pictures: one frame each, then end of stream (overlay repeats the last frame).
    for (name, path) in &overlays {
        let img = super::still::decode_rgba(path)?;
        let mut f = super::still::rgba_frame(&img);
        f.set_pts(Some(0));
        let mut ctx = g.get(name).expect("added");
        ctx.source().add(&f).map_err(fail("overlay"))?;
        ctx.source().flush().map_err(fail("overlay"))?;
    }
    Ok(g)
}

pub(crate) fn render(
    input_path: &Path,
    plan: &RenderPlan,
    target: Target<'_>,
    opts: &RenderOptions,
    progress: &mut Progress<'_>,
    cancel: &AtomicBool,
) -> Result<(), RenderError> {
    av::init();
    av::clear_log();
    let mp4 = matches!(target, Target::File { format: OutputFormat::Mp4, .. });
    let hls_dir = match target {
        Target::Hls { dir } => Some(dir),
        Target::File { .. } => None,
    };
    let mut input = source::open(input_path, plan.video.is_some(), plan.audio.is_some(), opts.threads)?;
    let trim = effective_trim(plan, input.duration_s);

    // Output size: the plan's, downscaled for previews.
    let mut extra = Vec::new();
    let (ow, oh) = match hls_dir {
        Some(_) => {
            let (pw, ph) = preview_size(plan.width, plan.height);
            if (pw, ph) != (plan.width, plan.height) {
                extra.push(Op::Scale { width: pw, height: ph });
            }
            (pw, ph)
        }
        None => (plan.width, plan.height),
    };
    let (a_fmt, a_rate) = audio_format(plan.audio);
    let mut g = build_graph(plan, &input, &extra, trim, VideoTail::Single, Some((a_fmt, a_rate)))?;
    if input.video.is_some() {
        let got = sink_size(&mut g, "out");
        if got != Some((ow, oh)) {
            return Err(RenderError::Failed(format!(
                "internal size mismatch: planned {ow}×{oh}, filter graph gives {got:?}"
            )));
        }
    }

    // Output container.
    let mut octx = match target {
        Target::File { path, format } => {
            let name = match format {
                OutputFormat::Webm => "webm",
                _ => "mp4",
            };
            ff::format::output_as(path, name).map_err(fail("the output file can't be created"))?
        }
        Target::Hls { dir } => alloc_output("hls", &dir.join("index.m3u8"))?,
    };
    let global_header = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);

    let vrate = input.rate;
    let vtb = input.video_tb;
    let fps = input.fps();
    let mut vout = None;
    if let Some(kind) = plan.video {
        let name = match kind {
            OutVideo::H264 => "libx264",
            OutVideo::Vp9 => "libvpx-vp9",
        };
        let codec = ff::encoder::find_by_name(name).ok_or_else(|| RenderError::MissingEncoder(name.into()))?;
        let index = octx.add_stream(codec).map_err(fail("output stream"))?.index();
        let mut enc =
            ff::codec::context::Context::new_with_codec(codec).encoder().video().map_err(fail("video encoder"))?;
        enc.set_width(ow);
        enc.set_height(oh);
        enc.set_format(ff::format::Pixel::YUV420P);
        enc.set_time_base(vtb);
        enc.set_frame_rate(Some(vrate));
        enc.set_aspect_ratio(ff::Rational(1, 1));
        if global_header {
            add_global_header(&mut enc);
        }
        let mut d = ff::Dictionary::new();
        let gop = fps.round().max(1.0) as u32;
        match kind {
            OutVideo::H264 => {
                let preset = if hls_dir.is_some() { "ultrafast" } else { opts.x264_preset.as_str() };
                d.set("preset", preset);
                d.set("crf", &x264_crf(plan.quality).to_string());
                // The CLI's default ("auto"): x264 picks its thread count from the cores.
                d.set("threads", &opts.threads.to_string());
                if hls_dir.is_some() {
                    // Fixed 1 s GOPs so that every segment starts with a keyframe on time.
                    d.set("x264-params", &format!("keyint={gop}:min-keyint={gop}:scenecut=0"));
                }
            }
            OutVideo::Vp9 => {
                d.set("crf", &vp9_crf(plan.quality).to_string());
                d.set("b", "0");
                d.set("deadline", "realtime");
                d.set("cpu-used", "8");
                d.set("row-mt", "1");
                d.set("threads", &opts.threads.to_string());
                if hls_dir.is_some() {
                    enc.set_gop(gop);
                }
            }
        }
        let enc = enc.open_as_with(codec, d).map_err(fail("the video encoder can't start"))?;
        octx.stream_mut(index).expect("added").set_parameters(&enc);
        vout = Some(VideoOut { enc, index, tb: vtb, frame_dur: frame_duration(vtb, fps) });
    }
    let mut aout = None;
    if let (Some(kind), Some(_)) = (plan.audio, &input.audio) {
        let enc = open_audio_encoder(kind, a_fmt, a_rate, global_header)?;
        let index = octx.add_stream(enc.codec()).map_err(fail("output stream"))?.index();
        octx.stream_mut(index).expect("added").set_parameters(&enc.enc);
        enc.fix_sink_frame_size(&mut g);
        aout = Some(AudioOut { index, ..enc });
    }

    // Header.
    match hls_dir {
        Some(dir) => {
            let mut d = ff::Dictionary::new();
            d.set("hls_time", "1");
            d.set("hls_playlist_type", "event");
            d.set("hls_segment_type", "fmp4");
            d.set("hls_fmp4_init_filename", "init.mp4");
            d.set("hls_segment_filename", &dir.join("seg%05d.m4s").to_string_lossy());
            d.set("hls_flags", "independent_segments+temp_file");
            d.set("master_pl_name", "master.m3u8");
            d.set("hls_list_size", "0");
            write_header_checked(&mut octx, d, "HLS")?;
        }
        None => {
            // Index first, so the file plays over HTTP before it has fully loaded (as the remote's do).
            let mut d = ff::Dictionary::new();
            if mp4 {
                d.set("movflags", "+faststart");
            }
            octx.write_header_with(d).map_err(fail("the output can't be started"))?;
        }
    }
    let vost_tb = vout.as_ref().map(|v| octx.stream(v.index).expect("added").time_base());
    let aost_tb = aout.as_ref().map(|a| octx.stream(a.index).expect("added").time_base());

    if let Some((s, _)) = trim {
        input.seek_before(s);
    }

    let total = plan.duration_s.unwrap_or(0.0).max(1e-3);
    let end_s = trim.map(|t| t.1);
    let mut done_t = 0.0f64;
    let mut first_ready = hls_dir.is_none();
    let mut last_check = Instant::now();
    let has_video_out = vout.is_some();
    let has_audio_in = input.audio.is_some();
    let has_video_in = input.video.is_some();

    let vtb_in = input.video_tb;
    std::thread::scope(|s| -> Result<(), RenderError> {
        // The video encoder runs on its own thread, so this one filters the next picture meanwhile.
        let (ptx, prx) = mpsc::channel::<ff::Packet>();
        let (vtx, worker) = match (vout, vost_tb) {
            (Some(v), Some(ost_tb)) => {
                let (tx, rx) = mpsc::sync_channel::<ff::frame::Video>(source::QUEUE);
                let ptx = ptx.clone();
                let h = std::thread::Builder::new()
                    .name("sr-encode".into())
                    .spawn_scoped(s, move || encoder_thread(v, ost_tb, rx, ptx, cancel))
                    .map_err(|e| RenderError::Failed(format!("the encoder thread can't start: {e}")))?;
                (Some(tx), Some(h))
            }
            _ => (None, None),
        };
        drop(ptx);
        let mut st = State { g: &mut g, octx: &mut octx, vtx, vtb: vtb_in, prx: &prx, aout: aout.as_mut(), aost_tb };
        let fed = source::drive(input, end_s, cancel, |frame| {
            match frame {
                Decoded::Video(f) => {
                    g_add(st.g, "in", &f)?;
                    done_t = done_t.max(st.drain_video()?);
                }
                Decoded::Audio(f) => {
                    st.g.get("ain").expect("added").source().add(&f).map_err(fail("sound filter"))?;
                    let at = st.drain_audio()?;
                    if !has_video_out {
                        done_t = done_t.max(at);
                    }
                }
            }
            progress.report((done_t / total).clamp(0.0, 0.999) as f32);
            if !first_ready && last_check.elapsed() >= Duration::from_millis(30) {
                last_check = Instant::now();
                if let Some(dir) = hls_dir
                    && first_segment_ready(dir)
                {
                    first_ready = true;
                    progress.event(RenderEvent::FirstSegmentReady { master: dir.join("master.m3u8") });
                }
            }
            Ok(())
        });
        // Flush filters and the sound encoder.
        let flushed = fed.and_then(|()| {
            if cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Cancelled);
            }
            if has_video_in {
                st.g.get("in").expect("added").source().flush().map_err(fail("filter flush"))?;
                st.drain_video()?;
            }
            if has_audio_in && st.aout.is_some() {
                st.g.get("ain").expect("added").source().flush().map_err(fail("filter flush"))?;
                st.drain_audio()?;
            }
            if let Some(a) = st.aout.as_mut() {
                a.enc.send_eof().map_err(fail("sound encoder"))?;
            }
            st.write_audio_packets()
        });
        // Close the video encoder's input: it flushes (unless cancelled) and sends its last packets.
        st.vtx = None;
        let mut write_err = None;
        for p in prx.iter() {
            if flushed.is_ok() && write_err.is_none() && !cancel.load(Ordering::Relaxed) {
                write_err = p.write_interleaved(st.octx).err().map(fail("writing the video"));
            }
        }
        let joined = worker.map_or(Ok(()), |w| {
            w.join().unwrap_or_else(|_| Err(RenderError::Failed("the encoder stopped unexpectedly".into())))
        });
        flushed?;
        if let Some(e) = write_err {
            return Err(e);
        }
        joined
    })?;
    if cancel.load(Ordering::Relaxed) {
        return Err(RenderError::Cancelled);
    }
    octx.write_trailer().map_err(fail("the output can't be finished"))?;
    if let Some(dir) = hls_dir
        && !first_ready
    {
        progress.event(RenderEvent::FirstSegmentReady { master: dir.join("master.m3u8") });
    }
    Ok(())
}

/// An output context for a muxer that writes its own files (`hls`, `dash`): allocated without
/// opening `url` (a template, not a file), see platform notes §1.4.
pub(crate) fn alloc_output(format: &str, url: &Path) -> Result<ff::format::context::Output, RenderError> {
    let url = CString::new(url.to_string_lossy().as_bytes())
        .map_err(|_| RenderError::Output("bad output folder name".into()))?;
    let format = CString::new(format).expect("no NUL");
    let mut ps = std::ptr::null_mut();
    // SAFETY: valid C strings; the context is wrapped (and freed) right away.
    let r =
        unsafe { ffi::avformat_alloc_output_context2(&mut ps, std::ptr::null_mut(), format.as_ptr(), url.as_ptr()) };
    if r < 0 || ps.is_null() {
        return Err(fail("the preview can't be created")(ff::Error::from(r)));
    }
    Ok(unsafe { ff::format::context::Output::wrap(ps) })
}

/// `write_header_with` that refuses options the muxer did not take (a typo would be ignored silently).
pub(crate) fn write_header_checked(
    octx: &mut ff::format::context::Output,
    d: ff::Dictionary<'_>,
    what: &str,
) -> Result<(), RenderError> {
    let left: Vec<(String, String)> = octx
        .write_header_with(d)
        .map_err(fail("the preview can't be started"))?
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !left.is_empty() {
        return Err(RenderError::Failed(format!("the {what} muxer ignored options {left:?}")));
    }
    Ok(())
}

/// Add `GLOBAL_HEADER` to an encoder's flags, keeping the ones it has: replacing them would drop
/// libx264's default `+cgop` and make open GOPs (B-frames after a keyframe referring back across it),
/// unlike the ffmpeg CLI and useless for segments that must each start cleanly.
pub(crate) fn add_global_header(enc: &mut ff::codec::context::Context) {
    // SAFETY: plain field update on an allocated, not yet opened codec context.
    unsafe { (*enc.as_mut_ptr()).flags |= ffi::AV_CODEC_FLAG_GLOBAL_HEADER as i32 };
}

/// One frame in time base `tb` (FFmpeg 5.1 leaves packet durations of filtered frames at 0).
pub(crate) fn frame_duration(tb: ff::Rational, fps: f64) -> i64 {
    ((f64::from(tb.denominator()) / f64::from(tb.numerator().max(1))) / fps).round().max(1.0) as i64
}

/// The sound encoder (AAC 128k or Opus 96k, stereo), opened; `index` is set by the caller.
pub(crate) fn open_audio_encoder(
    kind: OutAudio,
    a_fmt: ff::format::Sample,
    a_rate: u32,
    global_header: bool,
) -> Result<AudioOut, RenderError> {
    let name = match kind {
        OutAudio::Aac => "aac",
        OutAudio::Opus => "libopus",
    };
    let codec = ff::encoder::find_by_name(name).ok_or_else(|| RenderError::MissingEncoder(name.into()))?;
    let mut enc =
        ff::codec::context::Context::new_with_codec(codec).encoder().audio().map_err(fail("audio encoder"))?;
    enc.set_rate(a_rate as i32);
    enc.set_channel_layout(ff::ChannelLayout::STEREO);
    enc.set_channels(2);
    enc.set_format(a_fmt);
    enc.set_bit_rate(if kind == OutAudio::Aac { 128_000 } else { 96_000 });
    enc.set_time_base(ff::Rational(1, a_rate as i32));
    if global_header {
        add_global_header(&mut enc);
    }
    let enc = enc.open_as(codec).map_err(fail("the sound encoder can't start"))?;
    Ok(AudioOut { enc, index: 0, tb: ff::Rational(1, a_rate as i32) })
}

impl AudioOut {
    fn codec(&self) -> ff::Codec {
        self.enc.codec().expect("opened with a codec")
    }

    /// Fixed-frame-size encoders (AAC) need the sink to cut frames to their size.
    pub(crate) fn fix_sink_frame_size(&self, g: &mut ff::filter::Graph) {
        if let Some(mut sink) = g.get("aout") {
            let fixed =
                !self.codec().capabilities().contains(ff::codec::capabilities::Capabilities::VARIABLE_FRAME_SIZE);
            if fixed && self.enc.frame_size() > 0 {
                sink.sink().set_frame_size(self.enc.frame_size());
            }
        }
    }
}

fn g_add(g: &mut ff::filter::Graph, name: &str, f: &ff::frame::Video) -> Result<(), RenderError> {
    g.get(name).expect("added").source().add(f).map_err(fail("picture filter"))
}

/// Width and height of the link feeding a sink, known after `validate`.
pub(crate) fn sink_size(g: &mut ff::filter::Graph, name: &str) -> Option<(u32, u32)> {
    let mut ctx = g.get(name)?;
    // SAFETY: a configured sink has exactly one input link.
    unsafe {
        let c = ctx.as_mut_ptr();
        if (*c).nb_inputs < 1 {
            return None;
        }
        let link = *(*c).inputs;
        Some(((*link).w as u32, (*link).h as u32))
    }
}

/// Sample aspect ratio of the link feeding a sink, known after `validate` (`scale` sets it so that a
/// picture keeps its display aspect, e.g. 640:639 for 426x240 out of 16:9); 1:1 when unset.
pub(crate) fn sink_sar(g: &mut ff::filter::Graph, name: &str) -> ff::Rational {
    let Some(mut ctx) = g.get(name) else { return ff::Rational(1, 1) };
    // SAFETY: a configured sink has exactly one input link.
    let sar = unsafe {
        let c = ctx.as_mut_ptr();
        if (*c).nb_inputs < 1 {
            return ff::Rational(1, 1);
        }
        (*(*(*c).inputs)).sample_aspect_ratio
    };
    if sar.num > 0 && sar.den > 0 { ff::Rational(sar.num, sar.den) } else { ff::Rational(1, 1) }
}

/// True once the media playlist lists a finished segment.
fn first_segment_ready(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("index.m3u8")).is_ok_and(|s| s.contains("#EXTINF"))
}

struct State<'a> {
    g: &'a mut ff::filter::Graph,
    octx: &'a mut ff::format::context::Output,
    /// Pictures to the video encoder's thread (`None` without video, or once closed).
    vtx: Option<SyncSender<ff::frame::Video>>,
    vtb: ff::Rational,
    /// Its packets, ready to mux.
    prx: &'a Receiver<ff::Packet>,
    aout: Option<&'a mut AudioOut>,
    aost_tb: Option<ff::Rational>,
}

impl State<'_> {
    /// Pull filtered pictures to the encoder and mux what it has finished; returns the output time
    /// reached (s).
    fn drain_video(&mut self) -> Result<f64, RenderError> {
        let Some(tx) = self.vtx.as_ref() else {
            return Ok(0.0);
        };
        let mut t = 0.0;
        loop {
            let mut f = ff::frame::Video::empty();
            match self.g.get("out").expect("added").sink().frame(&mut f) {
                Ok(()) => {}
                Err(ff::Error::Eof) => break,
                Err(ff::Error::Other { errno }) if errno == ffi::EAGAIN => break,
                Err(e) => return Err(fail("picture filter")(e)),
            }
            f.set_kind(ff::picture::Type::None);
            t = f.pts().unwrap_or(0) as f64 * f64::from(self.vtb);
            if tx.send(f).is_err() {
                // The encoder stopped; its error comes back when it is joined.
                self.vtx = None;
                break;
            }
        }
        while let Ok(p) = self.prx.try_recv() {
            p.write_interleaved(self.octx).map_err(fail("writing the video"))?;
        }
        Ok(t)
    }

    fn drain_audio(&mut self) -> Result<f64, RenderError> {
        let Some(a) = self.aout.as_mut() else {
            return Ok(0.0);
        };
        let mut f = ff::frame::Audio::empty();
        let mut sink = self.g.get("aout").expect("added");
        let stb = sink.sink().time_base();
        let mut t = 0.0;
        loop {
            match sink.sink().frame(&mut f) {
                Ok(()) => {}
                Err(ff::Error::Eof) => break,
                Err(ff::Error::Other { errno }) if errno == ffi::EAGAIN => break,
                Err(e) => return Err(fail("sound filter")(e)),
            }
            if let Some(pts) = f.pts() {
                let pts = ff::Rescale::rescale(&pts, stb, a.tb);
                f.set_pts(Some(pts));
                t = pts as f64 * f64::from(a.tb);
            }
            a.enc.send_frame(&f).map_err(fail("sound encoder"))?;
            let Some(ost_tb) = self.aost_tb else { continue };
            let mut p = ff::Packet::empty();
            while a.enc.receive_packet(&mut p).is_ok() {
                p.set_stream(a.index);
                p.rescale_ts(a.tb, ost_tb);
                p.write_interleaved(self.octx).map_err(fail("writing the sound"))?;
            }
        }
        Ok(t)
    }

    fn write_audio_packets(&mut self) -> Result<(), RenderError> {
        let (Some(a), Some(ost_tb)) = (self.aout.as_mut(), self.aost_tb) else {
            return Ok(());
        };
        let mut p = ff::Packet::empty();
        while a.enc.receive_packet(&mut p).is_ok() {
            p.set_stream(a.index);
            p.rescale_ts(a.tb, ost_tb);
            p.write_interleaved(self.octx).map_err(fail("writing the sound"))?;
        }
        Ok(())
    }
}

/// A video encoder running on its own thread: pictures in, packets (timestamps in the output
/// stream's time base, durations set) out. Stops without flushing when `cancel` is set.
pub(crate) fn encoder_thread(
    mut v: VideoOut,
    ost_tb: ff::Rational,
    frames: mpsc::Receiver<ff::frame::Video>,
    packets: mpsc::Sender<ff::Packet>,
    cancel: &AtomicBool,
) -> Result<(), RenderError> {
    av::clear_log();
    let send = |v: &mut VideoOut| -> Result<bool, RenderError> {
        let mut p = ff::Packet::empty();
        while v.enc.receive_packet(&mut p).is_ok() {
            p.set_stream(v.index);
            if p.duration() == 0 {
                p.set_duration(v.frame_dur);
            }
            p.rescale_ts(v.tb, ost_tb);
            if packets.send(std::mem::replace(&mut p, ff::Packet::empty())).is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    };
    for f in frames.iter() {
        if cancel.load(Ordering::Relaxed) {
            return Ok(());
        }
        v.enc.send_frame(&f).map_err(fail("video encoder"))?;
        if !send(&mut v)? {
            return Ok(());
        }
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(());
    }
    v.enc.send_eof().map_err(fail("video encoder"))?;
    send(&mut v)?;
    Ok(())
}

/// Remove a partial HLS folder.
pub(crate) fn remove_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}
