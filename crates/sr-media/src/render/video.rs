//! Video renders: decode → one filter graph (video and sound chains) → encoders → mp4/webm file, or
//! segmented fMP4 HLS for the fast preview.

use std::ffi::CString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ff::ffi;
use ff::media::Type as Medium;
use ffmpeg_next as ff;

use super::graph::{self, Pixels};
use super::plan::{Op, OutAudio, OutVideo, OutputFormat, RenderPlan};
use super::{Progress, RenderError, RenderEvent, RenderOptions};
use crate::av;

/// Where the encoded streams go.
pub(crate) enum Target<'a> {
    /// A single file (written elsewhere first, see the caller).
    File { path: &'a Path, format: OutputFormat },
    /// `dir/master.m3u8` + `dir/index.m3u8` + `init.mp4` + `segNNNNN.m4s`, at preview size.
    Hls { dir: &'a Path },
}

fn fail(what: &str) -> impl Fn(ff::Error) -> RenderError + '_ {
    move |e| {
        let detail = av::take_log().map(|l| format!(" ({l})")).unwrap_or_default();
        RenderError::Failed(format!("{what}: {e}{detail}"))
    }
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

struct VideoOut {
    enc: ff::encoder::Video,
    index: usize,
    tb: ff::Rational,
    frame_dur: i64,
}

struct AudioOut {
    enc: ff::encoder::Audio,
    index: usize,
    tb: ff::Rational,
}

pub(crate) fn render(
    input: &Path,
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
    let mut ictx = av::open_input(input).map_err(fail("the video can't be opened"))?;
    let trim = plan.trim.map(|t| (t.start_s, t.end_s));
    let want_video = plan.video.is_some();
    let want_audio = plan.audio.is_some();

    // Streams and decoders.
    let (vindex, vtb, vstart, vrate, vparams) = {
        let s = crate::probe::main_video_stream(&ictx)
            .ok_or_else(|| RenderError::Failed("the file has no picture stream".into()))?;
        let start = if s.start_time() == ffi::AV_NOPTS_VALUE { 0 } else { s.start_time() };
        let rate = if s.avg_frame_rate().numerator() > 0 { s.avg_frame_rate() } else { s.rate() };
        (s.index(), s.time_base(), start, rate, s.parameters())
    };
    let audio_stream = if want_audio {
        ictx.streams().best(Medium::Audio).map(|s| {
            let start = if s.start_time() == ffi::AV_NOPTS_VALUE { 0 } else { s.start_time() };
            (s.index(), s.time_base(), start, s.parameters())
        })
    } else {
        None
    };
    let threading = ff::codec::threading::Config {
        kind: ff::codec::threading::Type::Frame,
        count: opts.threads,
        ..Default::default()
    };
    let mut vdec = if want_video {
        let mut c =
            ff::codec::context::Context::from_parameters(vparams).map_err(fail("the picture can't be decoded"))?;
        c.set_threading(threading);
        Some(c.decoder().video().map_err(fail("the picture can't be decoded"))?)
    } else {
        None
    };
    let mut adec = match &audio_stream {
        Some((_, _, _, p)) => {
            let c =
                ff::codec::context::Context::from_parameters(p.clone()).map_err(fail("the sound can't be decoded"))?;
            Some(c.decoder().audio().map_err(fail("the sound can't be decoded"))?)
        }
        None => None,
    };

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

    // One filter graph for both chains.
    let mut g = ff::filter::Graph::new();
    let find =
        |n: &str| ff::filter::find(n).ok_or_else(|| RenderError::Failed(format!("libavfilter has no `{n}` filter")));
    let mut spec = Vec::new();
    let mut overlays = Vec::new();
    if let Some(dec) = &vdec {
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
        g.add(&find("buffersink")?, "out", "").map_err(fail("filter setup"))?;
        g.get("out").expect("just added").set_pixel_format(ff::format::Pixel::YUV420P);
        let vg = graph::video_graph(plan, Pixels::Video, plan.input_rotation, trim, &extra)
            .map_err(|e| RenderError::Output(format!("the bundled fonts can't be written: {e}")))?;
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
        spec.push(vg.spec);
    }
    let (a_fmt, a_rate) = match plan.audio {
        Some(OutAudio::Opus) => (ff::format::Sample::F32(ff::format::sample::Type::Packed), 48_000),
        _ => (ff::format::Sample::F32(ff::format::sample::Type::Planar), 48_000),
    };
    if let (Some(dec), Some((_, atb, _, _))) = (&adec, &audio_stream) {
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
                atb.numerator(),
                atb.denominator(),
                dec.rate(),
                dec.format().name(),
                layout.bits()
            ),
        )
        .map_err(fail("filter setup"))?;
        g.add(&find("abuffersink")?, "aout", "").map_err(fail("filter setup"))?;
        spec.push(graph::audio_graph(trim, a_fmt.name(), a_rate));
    }
    if spec.is_empty() {
        return Err(RenderError::Failed("nothing to render".into()));
    }
    {
        let mut names_out: Vec<String> = Vec::new();
        if vdec.is_some() {
            names_out.push("in".into());
        }
        names_out.extend(overlays.iter().map(|(n, _)| n.clone()));
        if adec.is_some() {
            names_out.push("ain".into());
        }
        let mut p = g.output(&names_out[0], 0).map_err(fail("filter setup"))?;
        for n in &names_out[1..] {
            p = p.output(n, 0).map_err(fail("filter setup"))?;
        }
        if vdec.is_some() {
            p = p.input("out", 0).map_err(fail("filter setup"))?;
        }
        if adec.is_some() {
            p = p.input("aout", 0).map_err(fail("filter setup"))?;
        }
        p.parse(&spec.join(";")).map_err(fail("the transformation can't be set up"))?;
    }
    g.validate().map_err(fail("the transformation can't be set up"))?;
    if vdec.is_some() {
        let got = sink_size(&mut g, "out");
        if got != Some((ow, oh)) {
            return Err(RenderError::Failed(format!(
                "internal size mismatch: planned {ow}×{oh}, filter graph gives {got:?}"
            )));
        }
    }

    // Output container.
    let tmp_hls_url;
    let mut octx = match target {
        Target::File { path, format } => {
            let name = match format {
                OutputFormat::Webm => "webm",
                _ => "mp4",
            };
            ff::format::output_as(path, name).map_err(fail("the output file can't be created"))?
        }
        Target::Hls { dir } => {
            tmp_hls_url = dir.join("index.m3u8");
            let url = CString::new(tmp_hls_url.to_string_lossy().as_bytes())
                .map_err(|_| RenderError::Output("bad output folder name".into()))?;
            let mut ps = std::ptr::null_mut();
            // SAFETY: valid C strings; the context is wrapped (and freed) right away.
            let r = unsafe {
                ffi::avformat_alloc_output_context2(&mut ps, std::ptr::null_mut(), c"hls".as_ptr(), url.as_ptr())
            };
            if r < 0 || ps.is_null() {
                return Err(fail("the preview can't be created")(ff::Error::from(r)));
            }
            unsafe { ff::format::context::Output::wrap(ps) }
        }
    };
    let global_header = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);

    let fps = if vrate.numerator() > 0 && vrate.denominator() > 0 { f64::from(vrate) } else { 25.0 };
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
            enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
        }
        let mut d = ff::Dictionary::new();
        let gop = fps.round().max(1.0) as u32;
        match kind {
            OutVideo::H264 => {
                let preset = if hls_dir.is_some() { "ultrafast" } else { opts.x264_preset.as_str() };
                d.set("preset", preset);
                d.set("crf", &x264_crf(plan.quality).to_string());
                if opts.threads > 0 {
                    d.set("threads", &opts.threads.to_string());
                }
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
                if hls_dir.is_some() {
                    enc.set_gop(gop);
                }
            }
        }
        let enc = enc.open_as_with(codec, d).map_err(fail("the video encoder can't start"))?;
        octx.stream_mut(index).expect("added").set_parameters(&enc);
        // One frame in the encoder's time base (FFmpeg 5.1 leaves packet durations at 0).
        let frame_dur =
            ((f64::from(vtb.denominator()) / f64::from(vtb.numerator().max(1))) / fps).round().max(1.0) as i64;
        vout = Some(VideoOut { enc, index, tb: vtb, frame_dur });
    }
    let mut aout = None;
    if let (Some(kind), Some(_)) = (plan.audio, &adec) {
        let name = match kind {
            OutAudio::Aac => "aac",
            OutAudio::Opus => "libopus",
        };
        let codec = ff::encoder::find_by_name(name).ok_or_else(|| RenderError::MissingEncoder(name.into()))?;
        let index = octx.add_stream(codec).map_err(fail("output stream"))?.index();
        let mut enc =
            ff::codec::context::Context::new_with_codec(codec).encoder().audio().map_err(fail("audio encoder"))?;
        enc.set_rate(a_rate as i32);
        enc.set_channel_layout(ff::ChannelLayout::STEREO);
        enc.set_channels(2);
        enc.set_format(a_fmt);
        enc.set_bit_rate(if kind == OutAudio::Aac { 128_000 } else { 96_000 });
        enc.set_time_base(ff::Rational(1, a_rate as i32));
        if global_header {
            enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
        }
        let enc = enc.open_as(codec).map_err(fail("the sound encoder can't start"))?;
        octx.stream_mut(index).expect("added").set_parameters(&enc);
        if let Some(mut sink) = g.get("aout") {
            let fixed = !codec.capabilities().contains(ff::codec::capabilities::Capabilities::VARIABLE_FRAME_SIZE);
            if fixed && enc.frame_size() > 0 {
                sink.sink().set_frame_size(enc.frame_size());
            }
        }
        aout = Some(AudioOut { enc, index, tb: ff::Rational(1, a_rate as i32) });
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
            let left: Vec<(String, String)> = octx
                .write_header_with(d)
                .map_err(fail("the preview can't be started"))?
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if !left.is_empty() {
                return Err(RenderError::Failed(format!("the HLS muxer ignored options {left:?}")));
            }
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

    // Overlay pictures: one frame each, then end of stream (overlay repeats the last frame).
    for (name, path) in &overlays {
        let img = super::still::decode_rgba(path)?;
        let mut f = super::still::rgba_frame(&img);
        f.set_pts(Some(0));
        let mut ctx = g.get(name).expect("added");
        ctx.source().add(&f).map_err(fail("overlay"))?;
        ctx.source().flush().map_err(fail("overlay"))?;
    }

    if let Some((s, _)) = trim.filter(|(s, _)| *s > 0.0) {
        // SAFETY: plain field read on the open context.
        let cstart = unsafe { (*ictx.as_ptr()).start_time };
        let cstart = if cstart == ffi::AV_NOPTS_VALUE { 0 } else { cstart };
        // Land on the keyframe before so; the trim filter drops the frames before so exactly.
        let ts = cstart + (s * f64::from(ffi::AV_TIME_BASE)) as i64;
        if ictx.seek(ts, ..ts).is_err() {
            let _ = ictx.seek(cstart, ..);
        }
    }

    let total = plan.duration_s.unwrap_or(0.0).max(1e-3);
    let end_s = trim.map(|t| t.1);
    let mut done_t = 0.0f64;
    let mut first_ready = hls_dir.is_none();
    let mut last_check = Instant::now();
    let mut vframe = ff::frame::Video::empty();
    let mut aframe = ff::frame::Audio::empty();
    let mut v_past_end = !want_video;
    let mut a_past_end = adec.is_none();
    let aindex = audio_stream.as_ref().map(|a| a.0);
    let (atb, astart) = audio_stream.as_ref().map_or((ff::Rational(1, 1), 0), |a| (a.1, a.2));

    let mut st = State { g: &mut g, octx: &mut octx, vout: vout.as_mut(), aout: aout.as_mut(), vost_tb, aost_tb };

    let mut packet = ff::Packet::empty();
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        if v_past_end && a_past_end {
            break;
        }
        match packet.read(&mut ictx) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            Err(ff::Error::Other { errno }) if errno == ffi::EAGAIN => continue,
            Err(ff::Error::InvalidData) => continue,
            Err(e) => return Err(fail("the video can't be read")(e)),
        }
        let si = packet.stream();
        if si == vindex
            && let Some(dec) = vdec.as_mut()
        {
            if dec.send_packet(&packet).is_err() {
                continue;
            }
            while dec.receive_frame(&mut vframe).is_ok() {
                let pts = vframe.timestamp().or(vframe.pts()).unwrap_or(0) - vstart;
                vframe.set_pts(Some(pts));
                let t = pts as f64 * f64::from(vtb);
                if end_s.is_some_and(|e| t > e + 0.5) {
                    v_past_end = true;
                    continue;
                }
                g_add(st.g, "in", &vframe)?;
                done_t = done_t.max(st.drain_video()?);
            }
        } else if Some(si) == aindex
            && let Some(dec) = adec.as_mut()
        {
            if dec.send_packet(&packet).is_err() {
                continue;
            }
            while dec.receive_frame(&mut aframe).is_ok() {
                let pts = aframe.timestamp().or(aframe.pts()).unwrap_or(0) - astart;
                aframe.set_pts(Some(pts));
                let t = pts as f64 * f64::from(atb);
                if end_s.is_some_and(|e| t > e + 0.5) {
                    a_past_end = true;
                    continue;
                }
                let mut src = st.g.get("ain").expect("added");
                src.source().add(&aframe).map_err(fail("sound filter"))?;
                let at = st.drain_audio()?;
                if st.vout.is_none() {
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
    }

    // Flush decoders, filters, encoders.
    if let Some(dec) = vdec.as_mut() {
        let _ = dec.send_eof();
        while dec.receive_frame(&mut vframe).is_ok() {
            let pts = vframe.timestamp().or(vframe.pts()).unwrap_or(0) - vstart;
            vframe.set_pts(Some(pts));
            g_add(st.g, "in", &vframe)?;
            st.drain_video()?;
        }
        st.g.get("in").expect("added").source().flush().map_err(fail("filter flush"))?;
        st.drain_video()?;
    }
    if let Some(dec) = adec.as_mut() {
        let _ = dec.send_eof();
        while dec.receive_frame(&mut aframe).is_ok() {
            let pts = aframe.timestamp().or(aframe.pts()).unwrap_or(0) - astart;
            aframe.set_pts(Some(pts));
            st.g.get("ain").expect("added").source().add(&aframe).map_err(fail("sound filter"))?;
            st.drain_audio()?;
        }
        st.g.get("ain").expect("added").source().flush().map_err(fail("filter flush"))?;
        st.drain_audio()?;
    }
    if let Some(v) = st.vout.as_mut() {
        v.enc.send_eof().map_err(fail("video encoder"))?;
    }
    if let Some(a) = st.aout.as_mut() {
        a.enc.send_eof().map_err(fail("sound encoder"))?;
    }
    st.write_video_packets()?;
    st.write_audio_packets()?;
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

fn g_add(g: &mut ff::filter::Graph, name: &str, f: &ff::frame::Video) -> Result<(), RenderError> {
    g.get(name).expect("added").source().add(f).map_err(fail("picture filter"))
}

/// Width and height of the link feeding a sink, known after `validate`.
fn sink_size(g: &mut ff::filter::Graph, name: &str) -> Option<(u32, u32)> {
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

/// True once the media playlist lists a finished segment.
fn first_segment_ready(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("index.m3u8")).is_ok_and(|s| s.contains("#EXTINF"))
}

struct State<'a> {
    g: &'a mut ff::filter::Graph,
    octx: &'a mut ff::format::context::Output,
    vout: Option<&'a mut VideoOut>,
    aout: Option<&'a mut AudioOut>,
    vost_tb: Option<ff::Rational>,
    aost_tb: Option<ff::Rational>,
}

impl State<'_> {
    /// Pull filtered pictures into the encoder; returns the output time reached (s).
    fn drain_video(&mut self) -> Result<f64, RenderError> {
        let Some(v) = self.vout.as_mut() else {
            return Ok(0.0);
        };
        let mut f = ff::frame::Video::empty();
        let mut t = 0.0;
        loop {
            match self.g.get("out").expect("added").sink().frame(&mut f) {
                Ok(()) => {}
                Err(ff::Error::Eof) => break,
                Err(ff::Error::Other { errno }) if errno == ffi::EAGAIN => break,
                Err(e) => return Err(fail("picture filter")(e)),
            }
            f.set_kind(ff::picture::Type::None);
            t = f.pts().unwrap_or(0) as f64 * f64::from(v.tb);
            v.enc.send_frame(&f).map_err(fail("video encoder"))?;
            if let Some(tb) = self.vost_tb {
                video_packets(v, self.octx, tb)?;
            }
        }
        Ok(t)
    }

    fn write_video_packets(&mut self) -> Result<(), RenderError> {
        let (Some(v), Some(ost_tb)) = (self.vout.as_mut(), self.vost_tb) else {
            return Ok(());
        };
        video_packets(v, self.octx, ost_tb)
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

/// Remove a partial HLS folder.
pub(crate) fn remove_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

fn video_packets(
    v: &mut VideoOut,
    octx: &mut ff::format::context::Output,
    ost_tb: ff::Rational,
) -> Result<(), RenderError> {
    let mut p = ff::Packet::empty();
    while v.enc.receive_packet(&mut p).is_ok() {
        p.set_stream(v.index);
        if p.duration() == 0 {
            p.set_duration(v.frame_dur);
        }
        p.rescale_ts(v.tb, ost_tb);
        p.write_interleaved(octx).map_err(fail("writing the video"))?;
    }
    Ok(())
}
