use std::path::Path;

use sr_media::{MediaError, MediaKind, probe};

use crate::{h264, tmp};

fn cut_in_half(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
}

#[test]
fn zero_bytes_is_empty() {
    let dir = tmp();
    let p = dir.path().join("empty.mp4");
    std::fs::write(&p, b"").unwrap();
    let err = probe(&p).unwrap_err();
    assert!(matches!(err, MediaError::Empty), "{err:?}");
    assert_eq!(err.to_string(), "This file is empty (0 bytes). Copy or download it again.");
}

#[test]
fn mp4_cut_in_half_with_index_at_the_end_is_truncated() {
    let dir = tmp();
    let p = h264(dir.path(), "cut.mp4", false);
    cut_in_half(&p);
    let err = probe(&p).unwrap_err();
    assert!(matches!(err, MediaError::Truncated { kind: MediaKind::Video, .. }), "{err:?}");
    assert!(err.to_string().starts_with("This video is damaged or incomplete"), "{err}");
}

#[test]
fn mp4_cut_in_half_with_index_at_the_start_is_truncated() {
    let dir = tmp();
    let p = h264(dir.path(), "cut-faststart.mp4", true);
    cut_in_half(&p);
    let err = probe(&p).unwrap_err();
    assert!(matches!(err, MediaError::Truncated { kind: MediaKind::Video, .. }), "{err:?}");
    assert!(err.to_string().contains("%"), "says how much is there: {err}");
}

#[test]
fn random_bytes_are_not_media_whatever_their_name() {
    let dir = tmp();
    // Deterministic pseudo-random bytes (xorshift), no header of any format.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    for name in ["noise.bin", "noise.mp4", "noise.jpg", "noise"] {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let err = probe(&p).unwrap_err();
        assert!(matches!(err, MediaError::NotMedia), "{name}: {err:?}");
    }
}

#[test]
fn text_files_are_not_media() {
    let dir = tmp();
    for name in ["notes.txt", "notes.mp4", "notes.nfo", "notes.srt"] {
        let p = dir.path().join(name);
        std::fs::write(&p, "Spring collection\nSKU 1234, 1235\n").unwrap();
        let err = probe(&p).unwrap_err();
        assert!(matches!(err, MediaError::NotMedia), "{name}: {err:?}");
        assert_eq!(err.to_string(), "This doesn't look like a video, photo or sound file.");
    }
    // A real subtitle file is readable by libav but has no picture or sound.
    let p = dir.path().join("captions.srt");
    std::fs::write(&p, "1\n00:00:00,000 --> 00:00:01,000\nHello\n\n").unwrap();
    assert!(matches!(probe(&p).unwrap_err(), MediaError::NotMedia));
}

#[test]
fn a_folder_or_a_vanished_file_is_unreadable() {
    // Tests run as root, so permissions cannot make a file unreadable; a folder and a missing file can.
    let dir = tmp();
    let err = probe(dir.path()).unwrap_err();
    assert!(matches!(err, MediaError::Unreadable(_)), "{err:?}");
    let gone = dir.path().join("gone.mp4");
    std::fs::write(&gone, b"x").unwrap();
    std::fs::remove_file(&gone).unwrap();
    let err = probe(&gone).unwrap_err();
    match &err {
        MediaError::Unreadable(io) => assert_eq!(io.kind(), std::io::ErrorKind::NotFound),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("This file can't be read"), "{err}");
}

#[test]
fn damaged_picture_header_is_corrupt_not_a_panic() {
    let dir = tmp();
    let p = crate::fixtures_png(dir.path());
    let mut bytes = std::fs::read(&p).unwrap();
    // Keep the PNG signature, smash the IHDR chunk.
    for b in &mut bytes[12..40] {
        *b = 0xFF;
    }
    std::fs::write(&p, &bytes).unwrap();
    let err = probe(&p).unwrap_err();
    assert!(matches!(err, MediaError::Corrupt { kind: MediaKind::Image, .. }), "{err:?}");
    assert!(err.to_string().starts_with("This photo is damaged"), "{err}");
}

#[test]
fn non_utf8_names_do_not_panic() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tmp();
    let src = crate::h264(dir.path(), "src.mp4", false);
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"clip-\xff\xfe.mp4"));
    std::fs::rename(&src, &odd).unwrap();
    assert_eq!(probe(&odd).unwrap().kind, MediaKind::Video);
}
