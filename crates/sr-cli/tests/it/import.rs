//! `stockroom --json import DIR` then `stockroom --json assets list`: what a script relies on.

use sr_media::fixtures::{self, FixtureVideo, ImageFormat};

use crate::common::{json, run};

#[test]
fn import_then_list_reports_every_asset_with_display_dimensions() {
    let work = tempfile::tempdir().unwrap();
    let shoot = work.path().join("Summer shoot");
    let day = shoot.join("day 1");
    std::fs::create_dir_all(&day).unwrap();
    fixtures::video(
        &shoot,
        "dress.mp4",
        FixtureVideo { width: 640, height: 360, seconds: 1.0, with_audio: true, ..Default::default() },
    );
    fixtures::video(
        &day,
        "phone #1 100%.mp4",
        FixtureVideo { width: 640, height: 360, seconds: 1.0, rotate_deg: 90, ..Default::default() },
    );
    fixtures::image(&shoot, "poster.jpg", 400, 300, ImageFormat::Jpeg);
    std::fs::write(shoot.join("notes.txt"), "a shot list").unwrap();
    std::fs::write(day.join("empty.mp4"), "").unwrap();
    let lib = work.path().join("lib");

    let report = json(&lib, &["--json", "import", shoot.to_str().unwrap()]);
    let imported = report["imported"].as_array().unwrap();
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(imported.len(), 3, "{report:#}");
    assert_eq!(skipped.len(), 2, "{report:#}");
    for s in skipped {
        assert!(s["path"].is_string());
        assert!(s["reason"].as_str().unwrap().len() > 10, "a plain reason: {s}");
    }

    let list = json(&lib, &["--json", "assets", "list"]);
    let assets = list.as_array().unwrap();
    assert_eq!(assets.len(), 3);
    let by_name = |n: &str| assets.iter().find(|a| a["name"] == n).unwrap_or_else(|| panic!("{n} listed"));
    for a in assets {
        for key in [
            "id",
            "path",
            "name",
            "kind",
            "size",
            "hash",
            "width",
            "height",
            "duration_s",
            "video_codec",
            "audio_codec",
            "status",
        ] {
            assert!(a.get(key).is_some(), "asset JSON has `{key}`: {a}");
        }
        assert_eq!(a["status"], "local");
        assert!(std::path::Path::new(a["path"].as_str().unwrap()).is_absolute());
        assert_eq!(a["hash"].as_str().unwrap().len(), 64);
    }
    let dress = by_name("dress.mp4");
    assert_eq!(
        (dress["kind"].as_str(), dress["width"].as_u64(), dress["height"].as_u64()),
        (Some("video"), Some(640), Some(360))
    );
    assert_eq!(dress["video_codec"], "h264");
    assert_eq!(dress["audio_codec"], "aac");
    assert!((dress["duration_s"].as_f64().unwrap() - 1.0).abs() < 0.1);
    assert_eq!(dress["remote_folder"], "/Summer shoot/");

    let phone = by_name("phone #1 100%.mp4");
    assert_eq!(
        (phone["width"].as_u64(), phone["height"].as_u64()),
        (Some(360), Some(640)),
        "90° rotation reports portrait"
    );
    assert_eq!(phone["remote_folder"], "/Summer shoot/day 1/");
    assert!(phone["audio_codec"].is_null());

    let poster = by_name("poster.jpg");
    assert_eq!((poster["kind"].as_str(), poster["width"].as_u64()), (Some("image"), Some(400)));
    assert!(poster["duration_s"].is_null());

    // One asset by id, the same facts.
    let id = phone["id"].as_i64().unwrap().to_string();
    let shown = json(&lib, &["--json", "assets", "show", &id]);
    assert_eq!(shown, *phone);

    // Re-importing the same content never creates a second asset.
    let again = json(&lib, &["--json", "import", shoot.to_str().unwrap()]);
    assert_eq!(again["imported"].as_array().unwrap().len(), 0);
    assert_eq!(json(&lib, &["--json", "assets", "list"]).as_array().unwrap().len(), 3);
    // ...nor does the same bytes under another name.
    let copy = work.path().join("copy of dress.mp4");
    std::fs::copy(shoot.join("dress.mp4"), &copy).unwrap();
    let dup = json(&lib, &["--json", "import", copy.to_str().unwrap()]);
    assert_eq!(dup["imported"].as_array().unwrap().len(), 0);
    assert!(dup["skipped"][0]["reason"].as_str().unwrap().contains("dress.mp4"), "{dup}");
}

#[test]
fn unknown_asset_and_missing_path_fail_with_plain_messages() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let out = run(&lib, &["assets", "show", "999"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no asset #999"));

    let report = json(&lib, &["--json", "import", work.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(report["imported"].as_array().unwrap().len(), 0);
    assert!(report["skipped"][0]["reason"].as_str().unwrap().contains("not found"), "{report}");
}
