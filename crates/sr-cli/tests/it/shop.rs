//! `queue add --abs/--post-tr/--post-thumbnail` checked before anything is queued, `stockroom
//! derived` and `stockroom compare` against the library's Sandbox.

use std::path::Path;

use sr_media::fixtures::{self, FixtureVideo, ImageFormat};

use crate::common::{json, run};

/// Imports a photo and a 2 s video; `(photo id, video id)`.
fn import_media(work: &Path, lib: &Path) -> (String, String) {
    let shoot = work.join("shoot");
    std::fs::create_dir_all(&shoot).unwrap();
    fixtures::image(&shoot, "dress.jpg", 320, 240, ImageFormat::Jpeg);
    fixtures::video(&shoot, "dress.mp4", FixtureVideo { seconds: 2.0, with_audio: true, ..Default::default() });
    let report = json(lib, &["--json", "import", shoot.to_str().unwrap()]);
    let id = |name: &str| {
        report["imported"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap()["id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    (id("dress.jpg"), id("dress.mp4"))
}

fn stderr_of(lib: &Path, args: &[&str]) -> String {
    let out = run(lib, args);
    assert_eq!(out.status.code(), Some(1), "stockroom {args:?} fails: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn queue_add_refuses_bad_post_transformations_with_the_nearest_valid_setting_then_derived_lists_them() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let (photo, video) = import_media(work.path(), &lib);

    let err = stderr_of(&lib, &["queue", "add", &photo, "--abs", "hls:240_360_720"]);
    assert!(err.contains("dress.jpg is a photo") && err.contains("such as w-1200"), "{err}");
    let err = stderr_of(&lib, &["queue", "add", &video, "--abs", "hls:250_360"]);
    assert!(err.contains("250 is not a rendition the shop makes"), "{err}");
    assert!(err.trim_end().ends_with("The nearest valid setting is sr-240_360."), "{err}");
    let err = stderr_of(&lib, &["queue", "add", &photo, "--post-thumbnail", ""]);
    assert!(err.contains("a thumbnail (ik-thumbnail.jpg) is a frame of a video"), "{err}");
    assert!(json(&lib, &["--json", "queue", "list"])["jobs"].as_array().unwrap().is_empty(), "nothing queued");

    let jobs = json(
        &lib,
        &[
            "--json",
            "queue",
            "add",
            &video,
            "--abs",
            "hls:240_360_720",
            "--post-tr",
            "w-160,h-160",
            "--post-thumbnail",
            "",
        ],
    );
    assert_eq!(
        jobs[0]["post_transformations"],
        serde_json::json!([
            {"type": "transformation", "value": "w-160,h-160", "protocol": null},
            {"type": "thumbnail", "value": null, "protocol": null},
            {"type": "abs", "value": "sr-240_360_720", "protocol": "hls"},
        ])
    );
    let text = run(&lib, &["queue", "list"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("after upload: transformation w-160,h-160, thumbnail, abs sr-240_360_720 (hls)"), "{text}");

    assert!(run(&lib, &["upload"]).status.success());
    let derived = json(&lib, &["--json", "derived", &video]);
    let kinds: Vec<&str> = derived.as_array().unwrap().iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["transformation", "thumbnail", "abs"]);
    let ladder = &derived[2];
    assert!(ladder["url"].as_str().unwrap().ends_with("/shoot/dress.mp4/ik-master.m3u8?tr=sr-240_360_720"), "{ladder}");
    assert_eq!(ladder["signed"], false);
    assert!(
        ["building", "ready", "failed"].contains(&ladder["state"].as_str().unwrap()),
        "the Sandbox answered: {ladder}"
    );
    let text = run(&lib, &["derived", &video]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("HLS streaming ladder: 240p, 360p, 720p"));

    // Compare with the shop: a photo renders at once on the Sandbox, by the same renderer.
    let err = stderr_of(&lib, &["compare", &photo, "--tr", "w-100,h-100"]);
    assert!(err.contains("not published on this account yet"), "{err}");
    json(&lib, &["--json", "queue", "add", &photo]);
    assert!(run(&lib, &["upload"]).status.success());
    let report = json(&lib, &["--json", "compare", &photo, "--tr", "w-100,h-100:rt-90"]);
    assert_eq!(report["verdict"], "Match", "{report:#}");
    assert!(report["ssim"].as_f64().unwrap() >= 0.98, "{report:#}");
    assert_eq!((report["remote"]["width"].as_u64(), report["remote"]["height"].as_u64()), (Some(100), Some(100)));
    let text = run(&lib, &["compare", &photo, "--tr", "w-100,h-100:rt-90"]);
    assert!(text.status.success());
    assert!(
        String::from_utf8_lossy(&text.stdout).starts_with("Match\nssim:    "),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}
