//! libav* plumbing: one-time init, a quiet log that keeps the last error lines per thread (so errors can
//! carry libav's own words), and opening a local path without libav's URL interpretation.

use std::cell::RefCell;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;
use std::sync::Once;

use ff::ffi;
use ffmpeg_next as ff;

static INIT: Once = Once::new();

/// Initialise libav* once per process. Every public entry point calls this; calling it again is free.
///
/// libav's log is silenced (nothing is printed to stderr). Error-level lines are kept per thread and
/// attached to [`crate::MediaError`] details instead.
pub fn init() {
    INIT.call_once(|| {
        // ffmpeg-next's init only registers devices on FFmpeg >= 5; it cannot fail there.
        let _ = ff::init();
        unsafe {
            ffi::av_log_set_level(ffi::AV_LOG_QUIET);
            install_log_capture();
        }
    });
}

thread_local! {
    static LAST_ERRORS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Forget the error lines libav logged earlier on this thread.
pub(crate) fn clear_log() {
    let _ = LAST_ERRORS.try_with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.clear();
        }
    });
}

/// The error lines libav logged on this thread since the last [`clear_log`], joined.
pub(crate) fn take_log() -> Option<String> {
    LAST_ERRORS
        .try_with(|l| {
            let mut l = l.try_borrow_mut().ok()?;
            let out = l.join("; ");
            l.clear();
            (!out.is_empty()).then_some(out)
        })
        .ok()
        .flatten()
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn install_log_capture() {
    unsafe extern "C" fn capture(
        avcl: *mut std::ffi::c_void,
        level: std::ffi::c_int,
        fmt: *const std::ffi::c_char,
        vl: *mut ffi::__va_list_tag,
    ) {
        if level > ffi::AV_LOG_ERROR {
            return;
        }
        let mut buf = [0 as std::ffi::c_char; 512];
        let mut prefix: std::ffi::c_int = 0;
        // SAFETY: buf is writable for its length; libav formats fmt/vl as it would for its own log.
        let n =
            unsafe { ffi::av_log_format_line2(avcl, level, fmt, vl, buf.as_mut_ptr(), buf.len() as _, &mut prefix) };
        if n <= 0 {
            return;
        }
        // SAFETY: av_log_format_line2 always NUL-terminates within the buffer.
        let line = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy();
        // Drop the "[mov,mp4,... @ 0x55...] " context prefix: it means nothing to a user.
        let line = match line.find("] ") {
            Some(i) if line.starts_with('[') => &line[i + 2..],
            _ => &line[..],
        };
        let line = line.trim().to_string();
        let _ = LAST_ERRORS.try_with(|l| {
            if let Ok(mut l) = l.try_borrow_mut()
                && l.len() < 8
                && !l.contains(&line)
            {
                l.push(line);
            }
        });
    }
    unsafe { ffi::av_log_set_callback(Some(capture)) };
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
unsafe fn install_log_capture() {
    // va_list's ABI differs per platform; elsewhere we stay quiet and report libav's error codes only.
}

/// The demuxers [`open_input`] lets libav use (a demuxer matches when any of its comma-separated names
/// is listed): the video, audio and still-picture containers Stockroom imports. Playlists (`hls`,
/// `dash`), `concat`, `image2pipe` sequences, `data`/`tty` text art and the rest are left out.
pub(crate) const DEMUXER_WHITELIST: &std::ffi::CStr = c"mov,matroska,avi,mpegts,mpeg,flv,asf,ogg,h264,hevc,m4v,ivf,mxf,rm,\
mp3,wav,flac,aac,aiff,amr,ac3,w64,caf,wv,ape,\
gif,image2,png_pipe,jpeg_pipe,jpegls_pipe,j2k_pipe,webp_pipe,bmp_pipe,tiff_pipe,qoi_pipe,pam_pipe,ppm_pipe,pgm_pipe,pbm_pipe,jpegxl_pipe,gif_pipe";

/// Open a local file with libav and read its stream information.
///
/// The path goes to libav as `file:<bytes>`, so names with `:`, `%`, `#`, `?`, spaces, Unicode or even
/// non-UTF-8 bytes are read as plain files, never as URLs or protocols. (ffmpeg-next's `format::input`
/// panics on non-UTF-8 paths, hence this wrapper.)
pub(crate) fn open_input(path: &Path) -> Result<ff::format::context::Input, ff::Error> {
    init();
    let mut url = b"file:".to_vec();
    url.extend_from_slice(path.as_os_str().as_bytes());
    // A Unix path cannot contain NUL, but never panic on input.
    let url = CString::new(url).map_err(|_| ff::Error::InvalidData)?;
    unsafe {
        let mut ps = ptr::null_mut();
        // Local files only, read by the demuxers Stockroom supports: no network protocol, and no
        // playlist or concat demuxer that could open other inputs, whatever passed the sniff in front.
        let mut opts: *mut ffi::AVDictionary = ptr::null_mut();
        ffi::av_dict_set(&mut opts, c"protocol_whitelist".as_ptr(), c"file".as_ptr(), 0);
        ffi::av_dict_set(&mut opts, c"format_whitelist".as_ptr(), DEMUXER_WHITELIST.as_ptr(), 0);
        let opened = ffi::avformat_open_input(&mut ps, url.as_ptr(), ptr::null(), &mut opts);
        ffi::av_dict_free(&mut opts);
        match opened {
            0 => {}
            e => return Err(ff::Error::from(e)),
        }
        // Wrap first so that the context is closed on every path from here on.
        let ctx = ff::format::context::Input::wrap(ps);
        match ffi::avformat_find_stream_info(ps, ptr::null_mut()) {
            r if r >= 0 => Ok(ctx),
            e => Err(ff::Error::from(e)),
        }
    }
}

/// libav's guess of the container from the first bytes alone (no file name), with its confidence
/// (0..=100). Used to tell a damaged media file (recognisable header) from something that is not media.
pub(crate) fn sniff_container(head: &[u8]) -> Option<(String, i32)> {
    init();
    // libav requires AVPROBE_PADDING_SIZE zero bytes after the buffer.
    let mut buf = head.to_vec();
    buf.extend(std::iter::repeat_n(0u8, ffi::AVPROBE_PADDING_SIZE as usize));
    let pd = ffi::AVProbeData {
        filename: c"".as_ptr(),
        buf: buf.as_mut_ptr(),
        buf_size: head.len() as _,
        mime_type: ptr::null(),
    };
    let mut score = 0;
    // SAFETY: pd points at a padded buffer that outlives the call.
    let fmt = unsafe { ffi::av_probe_input_format3(&pd, 1, &mut score) };
    if fmt.is_null() {
        return None;
    }
    let name = unsafe { std::ffi::CStr::from_ptr((*fmt).name) }.to_string_lossy().into_owned();
    Some((name, score))
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// A listener that counts the connections libav makes to it.
    fn listener() -> (String, Arc<AtomicUsize>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                h.fetch_add(1, Ordering::SeqCst);
                drop(s);
            }
        });
        (format!("http://{addr}"), hits)
    }

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().write_all(text.as_bytes()).unwrap();
        p
    }

    #[test]
    fn playlists_and_concat_lists_never_reach_the_network_or_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let (base, hits) = listener();
        let secret = write(dir.path(), "elsewhere.mp3", "not for you");
        let inputs = [
            write(
                dir.path(),
                "look.m3u8",
                &format!("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{base}/seg0.ts\n#EXT-X-ENDLIST\n"),
            ),
            write(dir.path(), "list.ffconcat", &format!("ffconcat version 1.0\nfile '{base}/a.mp4'\n")),
            write(dir.path(), "local.ffconcat", &format!("ffconcat version 1.0\nfile '{}'\n", secret.display())),
            write(
                dir.path(),
                "manifest.mpd",
                &format!(
                    "<?xml version=\"1.0\"?><MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\" \
                     mediaPresentationDuration=\"PT2S\"><Period><AdaptationSet><Representation id=\"1\" \
                     bandwidth=\"1000\"><BaseURL>{base}/v.mp4</BaseURL></Representation></AdaptationSet>\
                     </Period></MPD>"
                ),
            ),
        ];
        for input in &inputs {
            assert!(open_input(input).is_err(), "{} was opened", input.display());
        }
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(hits.load(Ordering::SeqCst), 0, "libav connected out");
    }
}
