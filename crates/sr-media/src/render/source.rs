//! The input side of video renders: open, pick streams, open decoders, and decode on a thread of its
//! own. Decoding the next pictures then overlaps filtering and encoding the current ones; the ffmpeg
//! CLI (5.1) does demuxing, decoding, filtering and encoder hand-off one after another on one thread,
//! so its encoder threads wait whenever its main thread is busy decoding, and the other way round.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use ff::ffi;
use ff::media::Type as Medium;
use ffmpeg_next as ff;

use super::job::{RenderError, fail};
use crate::av;

/// Decoded pictures kept ahead of the filter graph (a few frames: enough to ride over the encoder's
/// bursts without holding much memory).
pub(crate) const QUEUE: usize = 6;

/// The picture stream and its decoder.
pub(crate) struct VideoIn {
    pub index: usize,
    pub tb: ff::Rational,
    pub start: i64,
    pub dec: ff::decoder::Video,
}

/// The sound stream and its decoder.
pub(crate) struct AudioIn {
    pub index: usize,
    pub tb: ff::Rational,
    pub start: i64,
    pub dec: ff::decoder::Audio,
}

/// An opened input.
pub(crate) struct Input {
    ictx: ff::format::context::Input,
    pub video: Option<VideoIn>,
    pub audio: Option<AudioIn>,
    /// Container duration in seconds.
    pub duration_s: Option<f64>,
    /// Rate of the picture stream (also known when its decoder is not opened).
    pub rate: ff::Rational,
    pub video_tb: ff::Rational,
}

/// A decoded frame, timestamps relative to the stream's start (in the stream's time base).
pub(crate) enum Decoded {
    Video(ff::frame::Video),
    Audio(ff::frame::Audio),
}

fn start_of(s: &ff::format::stream::Stream<'_>) -> i64 {
    if s.start_time() == ffi::AV_NOPTS_VALUE { 0 } else { s.start_time() }
}

/// Picture decoder threads: `threads` when given, else about a quarter of the cores, at least 1.
///
/// Decoding runs on a thread of its own and is a small share of a render (x264 does most of the
/// work), so one decoder thread keeps up on a 2-core machine, and libavcodec's frame threading
/// (cores + 1 threads by default, as in the ffmpeg CLI) would only add its synchronisation cost:
/// about 5% more CPU for the same, bit-exact, pictures on the render bench. Bigger machines get a
/// few threads for 4K and heavier codecs.
pub(crate) fn decoder_threads(threads: usize) -> usize {
    if threads > 0 {
        return threads;
    }
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    (cores / 4).max(1)
}

/// Open `path`; decoders only for what the output needs. `threads` 0 = automatic.
pub(crate) fn open(path: &Path, want_video: bool, want_audio: bool, threads: usize) -> Result<Input, RenderError> {
    let ictx = av::open_input(path).map_err(fail("the video can't be opened"))?;
    let (vindex, vtb, vstart, rate, vparams) = {
        let s = crate::probe::main_video_stream(&ictx)
            .ok_or_else(|| RenderError::Failed("the file has no picture stream".into()))?;
        let rate = if s.avg_frame_rate().numerator() > 0 { s.avg_frame_rate() } else { s.rate() };
        (s.index(), s.time_base(), start_of(&s), rate, s.parameters())
    };
    let video = if want_video {
        let mut c =
            ff::codec::context::Context::from_parameters(vparams).map_err(fail("the picture can't be decoded"))?;
        c.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: decoder_threads(threads),
            ..Default::default()
        });
        let dec = c.decoder().video().map_err(fail("the picture can't be decoded"))?;
        Some(VideoIn { index: vindex, tb: vtb, start: vstart, dec })
    } else {
        None
    };
    let audio = match ictx.streams().best(Medium::Audio).filter(|_| want_audio) {
        Some(s) => {
            let c = ff::codec::context::Context::from_parameters(s.parameters())
                .map_err(fail("the sound can't be decoded"))?;
            let dec = c.decoder().audio().map_err(fail("the sound can't be decoded"))?;
            Some(AudioIn { index: s.index(), tb: s.time_base(), start: start_of(&s), dec })
        }
        None => None,
    };
    let d = ictx.duration();
    let duration_s = (d > 0).then(|| d as f64 / f64::from(ffi::AV_TIME_BASE));
    Ok(Input { ictx, video, audio, duration_s, rate, video_tb: vtb })
}

impl Input {
    /// Frames per second of the picture stream (25 when the file does not say).
    pub(crate) fn fps(&self) -> f64 {
        let r = self.rate;
        if r.numerator() > 0 && r.denominator() > 0 { f64::from(r) } else { 25.0 }
    }

    /// Seek to the keyframe before `start_s` (a trim filter then drops the frames before it exactly).
    pub(crate) fn seek_before(&mut self, start_s: f64) {
        if start_s <= 0.0 {
            return;
        }
        // SAFETY: plain field read on the open context.
        let cstart = unsafe { (*self.ictx.as_ptr()).start_time };
        let cstart = if cstart == ffi::AV_NOPTS_VALUE { 0 } else { cstart };
        let ts = cstart + (start_s * f64::from(ffi::AV_TIME_BASE)) as i64;
        if self.ictx.seek(ts, ..ts).is_err() {
            let _ = self.ictx.seek(cstart, ..);
        }
    }

    /// Demux and decode until the end (or until both streams are past `end_s`, seconds of the input),
    /// sending every frame to `tx`. Returns early, without error, when the receiver hangs up or
    /// `cancel` is set (the consumer decides what that means).
    pub(crate) fn run(
        mut self,
        end_s: Option<f64>,
        tx: SyncSender<Decoded>,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        av::clear_log();
        let mut v_past_end = self.video.is_none();
        let mut a_past_end = self.audio.is_none();
        let vindex = self.video.as_ref().map(|v| v.index);
        let aindex = self.audio.as_ref().map(|a| a.index);
        let mut packet = ff::Packet::empty();
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Ok(());
            }
            if v_past_end && a_past_end {
                break;
            }
            match packet.read(&mut self.ictx) {
                Ok(()) => {}
                Err(ff::Error::Eof) => break,
                Err(ff::Error::Other { errno }) if errno == ffi::EAGAIN => continue,
                Err(ff::Error::InvalidData) => continue,
                Err(e) => return Err(fail("the video can't be read")(e)),
            }
            let si = Some(packet.stream());
            if si == vindex
                && let Some(v) = self.video.as_mut()
            {
                if v.dec.send_packet(&packet).is_err() {
                    continue;
                }
                match drain_video(v, end_s, &tx) {
                    Some(past) => v_past_end |= past,
                    None => return Ok(()),
                }
            } else if si == aindex
                && let Some(a) = self.audio.as_mut()
            {
                if a.dec.send_packet(&packet).is_err() {
                    continue;
                }
                match drain_audio(a, end_s, &tx) {
                    Some(past) => a_past_end |= past,
                    None => return Ok(()),
                }
            }
        }
        if let Some(v) = self.video.as_mut() {
            let _ = v.dec.send_eof();
            if drain_video(v, None, &tx).is_none() {
                return Ok(());
            }
        }
        if let Some(a) = self.audio.as_mut() {
            let _ = a.dec.send_eof();
            if drain_audio(a, None, &tx).is_none() {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Send the decoder's pending pictures; `Some(past_end)`, or `None` when the receiver is gone.
fn drain_video(v: &mut VideoIn, end_s: Option<f64>, tx: &SyncSender<Decoded>) -> Option<bool> {
    let mut past = false;
    loop {
        let mut f = ff::frame::Video::empty();
        if v.dec.receive_frame(&mut f).is_err() {
            return Some(past);
        }
        let pts = f.timestamp().or(f.pts()).unwrap_or(0) - v.start;
        f.set_pts(Some(pts));
        if end_s.is_some_and(|e| pts as f64 * f64::from(v.tb) > e + 0.5) {
            past = true;
            continue;
        }
        tx.send(Decoded::Video(f)).ok()?;
    }
}

fn drain_audio(a: &mut AudioIn, end_s: Option<f64>, tx: &SyncSender<Decoded>) -> Option<bool> {
    let mut past = false;
    loop {
        let mut f = ff::frame::Audio::empty();
        if a.dec.receive_frame(&mut f).is_err() {
            return Some(past);
        }
        let pts = f.timestamp().or(f.pts()).unwrap_or(0) - a.start;
        f.set_pts(Some(pts));
        if end_s.is_some_and(|e| pts as f64 * f64::from(a.tb) > e + 0.5) {
            past = true;
            continue;
        }
        tx.send(Decoded::Audio(f)).ok()?;
    }
}

/// Decode `input` on its own thread and hand every frame to `on_frame` on this one, in decoding
/// order. Stops at the first error from either side; the caller checks `cancel` afterwards.
pub(crate) fn drive(
    input: Input,
    end_s: Option<f64>,
    cancel: &AtomicBool,
    mut on_frame: impl FnMut(Decoded) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let decoder = std::thread::Builder::new()
            .name("sr-decode".into())
            .spawn_scoped(s, move || input.run(end_s, tx, cancel))
            .map_err(|e| RenderError::Failed(format!("the decoder thread can't start: {e}")))?;
        let mut res = Ok(());
        for frame in rx.iter() {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            res = on_frame(frame);
            if res.is_err() {
                break;
            }
        }
        // Hang up first, so that a decoder blocked on a full queue stops.
        drop(rx);
        let decoded =
            decoder.join().unwrap_or_else(|_| Err(RenderError::Failed("the decoder stopped unexpectedly".into())));
        res.and(decoded)
    })
}
