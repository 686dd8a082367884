//! `stockroom preview … -o DIR/ik-master.m3u8|.mpd`: the adaptive-bitrate ladder on disk and its JSON.

use sr_media::fixtures::{self, FixtureVideo};

use crate::common;

#[test]
fn preview_to_a_master_playlist_writes_the_ladder_and_prints_its_rungs() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let clip = fixtures::video(
        work.path(),
        "clip.mp4",
        FixtureVideo { width: 640, height: 360, seconds: 3.0, with_audio: true, ..Default::default() },
    );
    let clip = clip.to_string_lossy().into_owned();
    let out = work.path().join("out");
    let master = out.join("ik-master.m3u8");
    let v = common::json(&lib, &["preview", &clip, "--tr", "sr-240_360_720", "-o", &master.to_string_lossy()]);
    assert_eq!(v["format"], "hls");
    assert_eq!(v["master"], master.to_string_lossy().as_ref());
    let rungs: Vec<(u64, u64, u64, u64)> = v["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap();
            (n("resolution"), n("width"), n("height"), n("bitrate"))
        })
        .collect();
    // 720 is above the 640x360 picture: c-at_max keeps it at 640x360 (at its own bit rate).
    assert_eq!(rungs, vec![(240, 426, 240, 200_000), (360, 640, 360, 400_000), (720, 640, 360, 3_300_000)]);
    assert_eq!((v["segments"].as_u64(), v["segment_s"].as_u64()), (Some(2), Some(2)));
    assert!((v["duration_s"].as_f64().unwrap() - 3.0).abs() < 0.1, "{v}");
    assert_eq!(v["audio_codec"], "aac");
    // What it costs, measured from the files written; 720 comes out as 360 did, so it is a duplicate.
    let bytes: Vec<u64> = v["rungs"].as_array().unwrap().iter().map(|r| r["bytes"].as_u64().unwrap()).collect();
    assert!(bytes.iter().all(|b| *b > 0), "{v}");
    for r in v["rungs"].as_array().unwrap() {
        let measured = r["bytes"].as_u64().unwrap() as f64 * 8.0 / v["duration_s"].as_f64().unwrap();
        assert!((r["bitrate_bps"].as_u64().unwrap() as f64 - measured).abs() <= measured * 0.05 + 1.0, "{r}");
    }
    let (storage, per_view, audio) = (
        v["storage_bytes"].as_u64().unwrap(),
        v["bytes_per_view"].as_u64().unwrap(),
        v["audio_bytes"].as_u64().unwrap(),
    );
    assert!(audio > 0 && storage >= bytes.iter().sum::<u64>() + audio, "{v}");
    assert_eq!(per_view, bytes[2] + audio, "a full view at the top rung, with the sound");
    let on_disk: u64 = walk_size(&out);
    assert_eq!(storage, on_disk, "storage is every file the ladder wrote");
    assert_eq!(v["duplicates"], serde_json::json!([720]));
    assert_eq!(v["without_duplicates"], "sr-240_360");
    let text = std::fs::read_to_string(&master).unwrap();
    assert_eq!(text.matches("RESOLUTION=").count(), 3, "{text}");
    for r in ["r240", "r360", "r720", "audio"] {
        assert!(out.join(r).join("index.m3u8").is_file(), "{r}");
    }

    // DASH by the extension.
    let mpd = work.path().join("dash").join("ik-master.mpd");
    let v = common::json(&lib, &["preview", &clip, "--tr", "sr-240", "-o", &mpd.to_string_lossy()]);
    assert_eq!(v["format"], "dash");
    assert!(std::fs::read_to_string(&mpd).unwrap().contains("<MPD"));

    // Refused parameters: the message says what to use instead, and nothing is written.
    let bad = work.path().join("bad").join("ik-master.m3u8");
    let o = common::run(&lib, &["preview", &clip, "--tr", "h-720,sr-240", "-o", &bad.to_string_lossy()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("h-720") && err.contains("use sr-240_720 instead"), "{err}");
    assert!(!work.path().join("bad").exists());
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() { walk_size(&e.path()) } else { e.metadata().unwrap().len() }
        })
        .sum()
}
