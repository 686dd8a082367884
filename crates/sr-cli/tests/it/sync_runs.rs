//! `stockroom sync --dry-run --json` then `stockroom sync --json`: the shape a script relies on, and
//! the same `operations` list for the dry run and the run after it.

use sr_media::fixtures::{self, ImageFormat};

use crate::common::{json, run};

#[test]
fn a_dry_run_prints_the_operations_the_real_run_then_applies() {
    let work = tempfile::tempdir().unwrap();
    let shoot = work.path().join("shoot");
    std::fs::create_dir_all(&shoot).unwrap();
    fixtures::image(&shoot, "dress.jpg", 64, 48, ImageFormat::Jpeg);
    let lib = work.path().join("lib");
    let report = json(&lib, &["--json", "import", shoot.to_str().unwrap()]);
    let id = report["imported"][0]["id"].as_i64().unwrap().to_string();
    json(&lib, &["--json", "queue", "add", &id]);
    assert!(run(&lib, &["upload"]).status.success());
    json(&lib, &["--json", "sync"]);

    json(&lib, &["--json", "tag", "add", "sale", &id]);
    let dry = json(&lib, &["--json", "sync", "--dry-run"]);
    for key in ["run_id", "dry_run", "operations", "applied", "held", "notes", "errors", "conflicts_opened", "requests"]
    {
        assert!(dry.get(key).is_some(), "the report has `{key}`: {dry:#}");
    }
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["applied"], 0);
    let ops = dry["operations"].as_array().unwrap();
    assert!(ops.iter().any(|o| o["side"] == "remote" && o["kind"] == "add_tag" && o["key"] == "sale"), "{dry:#}");
    for o in ops {
        assert!(o["summary"].as_str().is_some_and(|s| !s.is_empty()), "{o}");
    }

    let real = json(&lib, &["--json", "sync"]);
    assert_eq!(real["dry_run"], false);
    assert_eq!(real["operations"], dry["operations"], "the same list");
    assert_eq!(real["applied"].as_u64().unwrap(), ops.len() as u64);
    let after = json(&lib, &["--json", "sync", "--dry-run"]);
    assert_eq!(after["operations"], serde_json::json!([]), "nothing left to do");

    let log = json(&lib, &["--json", "sync", "log"]);
    assert!(log.as_array().unwrap().len() >= 3, "{log:#}");
    let text = run(&lib, &["conflicts", "list"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("no open conflicts"));
}
