//! What a stored file is: MIME type (magic bytes, then extension), image dimensions (the `image`
//! crate reads only the header), and for MP4/MOV the dimensions, duration and codecs read from the
//! `moov` box. Nothing is decoded.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Default, Clone)]
pub struct Sniffed {
    pub mime: String,
    /// `image` or `non-image` (video is non-image, spec §5.2).
    pub file_type: String,
    pub format: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub has_alpha: Option<bool>,
    pub duration: Option<f64>,
    pub bit_rate: Option<u64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
}

/// MIME from the first bytes, falling back to the file name's extension.
pub fn mime_of(head: &[u8], file_name: &str) -> String {
    if let Some(t) = infer::get(head) {
        return t.mime_type().to_string();
    }
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "csv" => "text/csv",
        "m3u8" => "application/vnd.apple.mpegurl",
        _ => "application/octet-stream",
    }
    .to_string()
}

pub fn is_video_mime(mime: &str) -> bool {
    mime.starts_with("video/")
}

pub fn sniff(path: &Path, file_name: &str) -> Sniffed {
    let mut head = [0u8; 512];
    let n = File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let mime = mime_of(&head[..n], file_name);
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let format = match mime.as_str() {
        "image/jpeg" => "jpg".to_string(),
        "video/quicktime" => "mov".to_string(),
        m => {
            m.split('/').nth(1).map(|s| s.trim_start_matches("x-").to_string()).filter(|s| s.len() <= 5).unwrap_or(ext)
        }
    };
    let mut s = Sniffed { mime: mime.clone(), file_type: "non-image".into(), format, ..Default::default() };
    if mime.starts_with("image/") {
        s.file_type = "image".into();
        if let Ok(r) = image::ImageReader::open(path).and_then(|r| r.with_guessed_format())
            && let Ok((w, h)) = r.into_dimensions()
        {
            s.width = Some(w);
            s.height = Some(h);
        }
        s.has_alpha = Some(matches!(mime.as_str(), "image/png" | "image/webp" | "image/gif" | "image/svg+xml"));
    } else if mime == "video/mp4" || mime == "video/quicktime" || mime == "video/x-m4v" {
        if let Ok(mut f) = File::open(path) {
            let _ = read_mp4(&mut f, &mut s);
        }
        if let (Some(d), Ok(meta)) = (s.duration, std::fs::metadata(path))
            && d > 0.0
        {
            s.bit_rate = Some(((meta.len() as f64 * 8.0) / d / 1000.0).round() as u64);
        }
    }
    s
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8).map(|x| u64::from_be_bytes(x.try_into().unwrap_or([0; 8])))
}

/// Walks the top-level boxes (seeking over `mdat`) to load `moov`, then reads it.
fn read_mp4(f: &mut File, s: &mut Sniffed) -> std::io::Result<()> {
    let len = f.metadata()?.len();
    let mut pos = 0u64;
    while pos + 8 <= len {
        f.seek(SeekFrom::Start(pos))?;
        let mut hdr = [0u8; 16];
        f.read_exact(&mut hdr[..8])?;
        let mut size = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]) as u64;
        let kind: [u8; 4] = [hdr[4], hdr[5], hdr[6], hdr[7]];
        let mut header_len = 8;
        if size == 1 {
            f.read_exact(&mut hdr[8..16])?;
            size = u64::from_be_bytes(hdr[8..16].try_into().unwrap_or([0; 8]));
            header_len = 16;
        } else if size == 0 {
            size = len - pos;
        }
        if size < header_len {
            break;
        }
        if &kind == b"moov" {
            if size > 64 * 1024 * 1024 {
                break;
            }
            let mut body = vec![0u8; (size - header_len) as usize];
            f.read_exact(&mut body)?;
            parse_moov(&body, s);
            return Ok(());
        }
        pos += size;
    }
    Ok(())
}

fn children(b: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i + 8 <= b.len() {
        let size = be32(b, i).unwrap_or(0) as usize;
        if size < 8 || i + size > b.len() {
            break;
        }
        out.push((&b[i + 4..i + 8], &b[i + 8..i + size]));
        i += size;
    }
    out
}

fn find<'a>(b: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    children(b).into_iter().find(|(k, _)| *k == kind).map(|(_, v)| v)
}

fn parse_moov(moov: &[u8], s: &mut Sniffed) {
    if let Some(mvhd) = find(moov, b"mvhd") {
        let (ts, dur) = if mvhd.first() == Some(&1) {
            (be32(mvhd, 20), be64(mvhd, 24))
        } else {
            (be32(mvhd, 12), be32(mvhd, 16).map(u64::from))
        };
        if let (Some(ts), Some(dur)) = (ts, dur)
            && ts > 0
        {
            s.duration = Some(((dur as f64 / ts as f64) * 1000.0).round() / 1000.0);
        }
    }
    for (kind, trak) in children(moov) {
        if kind != b"trak" {
            continue;
        }
        let Some(mdia) = find(trak, b"mdia") else { continue };
        let handler = find(mdia, b"hdlr").and_then(|h| h.get(8..12)).unwrap_or(b"    ");
        let codec = find(mdia, b"minf")
            .and_then(|m| find(m, b"stbl"))
            .and_then(|st| find(st, b"stsd"))
            .and_then(|sd| sd.get(12..16))
            .map(|c| String::from_utf8_lossy(c).to_string());
        if handler == b"vide" && s.video_codec.is_none() {
            if let Some(tkhd) = find(trak, b"tkhd") {
                let off = if tkhd.first() == Some(&1) { 88 } else { 76 };
                if let (Some(w), Some(h)) = (be32(tkhd, off), be32(tkhd, off + 4)) {
                    s.width = Some(w >> 16);
                    s.height = Some(h >> 16);
                }
            }
            s.video_codec = codec.map(|c| {
                match c.as_str() {
                    "avc1" | "avc3" => "h264",
                    "hvc1" | "hev1" => "hevc",
                    "vp09" => "vp9",
                    "av01" => "av1",
                    "mp4v" => "mpeg4",
                    other => other,
                }
                .to_string()
            });
        } else if handler == b"soun" && s.audio_codec.is_none() {
            s.audio_codec = codec.map(|c| {
                match c.as_str() {
                    "mp4a" => "aac",
                    "Opus" => "opus",
                    "ac-3" => "ac3",
                    other => other,
                }
                .to_string()
            });
        }
    }
}
