//! `stockroom sync settings` and the conflicts commands' arguments, from the terminal.

use crate::common::{json, run};

#[test]
fn sync_settings_show_and_change_from_the_terminal() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("lib");
    let s = json(&lib, &["--json", "sync", "settings"]);
    assert_eq!(s, serde_json::json!({"interval_minutes": 15, "delete_fuse_files": 20, "full_listing_hours": 24}));
    let s = json(&lib, &["--json", "sync", "settings", "--interval-minutes", "0", "--delete-fuse", "3"]);
    assert_eq!(s, serde_json::json!({"interval_minutes": 0, "delete_fuse_files": 3, "full_listing_hours": 24}));
    let bad = run(&lib, &["sync", "settings", "--full-listing-hours", "0"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("between 1 and 720"));
    let usage = run(&lib, &["conflicts", "resolve", "4"]);
    assert_eq!(usage.status.code(), Some(2), "one of --mine, --theirs, --value is required");
}
