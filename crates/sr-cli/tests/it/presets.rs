//! `stockroom preset list|save|delete|apply|remove|urls`: what a script relies on.

use sr_media::fixtures::{self, ImageFormat};

use crate::common::{json, run};

#[test]
fn save_apply_and_print_the_urls_of_a_preset() {
    let work = tempfile::tempdir().unwrap();
    let shoot = work.path().join("shoot");
    std::fs::create_dir_all(&shoot).unwrap();
    fixtures::image(&shoot, "shoe.jpg", 200, 100, ImageFormat::Jpeg);
    fixtures::image(&shoot, "bag.png", 100, 200, ImageFormat::Png);
    let lib = work.path().join("lib");
    let report = json(&lib, &["--json", "import", shoot.to_str().unwrap()]);
    let ids: Vec<String> =
        report["imported"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 2);

    // A transformation the remote would refuse is not saved, and the message names the parameter.
    let bad = run(&lib, &["preset", "save", "Grid", "--tr", "w-wide"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("`w`"), "{err}");

    let saved = json(&lib, &["--json", "preset", "save", "Shop grid 1:1", "--tr", "w-1080,h-1080"]);
    assert_eq!(saved["tr"], "w-1080,h-1080");
    let mut args = vec!["--json", "preset", "apply", "Shop grid 1:1"];
    args.extend(ids.iter().map(String::as_str));
    let applied = json(&lib, &args);
    assert_eq!((applied["assets"].as_u64(), applied["added"].as_u64()), (Some(2), Some(2)));

    let list = json(&lib, &["--json", "preset", "list"]);
    assert_eq!(list[0]["name"], "Shop grid 1:1");
    assert_eq!(list[0]["asset_count"], 2);

    let mut args = vec!["preset", "urls"];
    args.extend(ids.iter().map(String::as_str));
    let out = run(&lib, &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].ends_with("/shoot/bag.png?tr=w-1080,h-1080"), "{text}");
    assert!(lines[1].ends_with("/shoot/shoe.jpg?tr=w-1080,h-1080"), "{text}");
    assert!(lines.iter().all(|l| l.starts_with("http://127.0.0.1:")), "the sandbox's endpoint: {text}");

    let removed = json(&lib, &["--json", "preset", "remove", "Shop grid 1:1", ids[0].as_str()]);
    assert_eq!(removed["removed"], 1);
    let deleted = run(&lib, &["preset", "delete", "Shop grid 1:1"]);
    assert!(deleted.status.success());
    assert_eq!(json(&lib, &["--json", "preset", "list"]), serde_json::json!([]));
    let gone = run(&lib, &["preset", "delete", "Shop grid 1:1"]);
    assert_eq!(gone.status.code(), Some(1));
}
