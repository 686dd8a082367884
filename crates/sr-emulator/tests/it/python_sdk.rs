//! The official ImageKit Python SDK (imagekitio 5.11.0, Stainless-generated) against the emulator.

use std::process::Command;

use crate::common::*;

const SCRIPT: &str = r#"
import sys
from imagekitio import ImageKit

base, key = sys.argv[1], sys.argv[2]
ik = ImageKit(private_key=key, base_url=base, max_retries=0)

field = ik.custom_metadata_fields.create(name="brand", label="Brand", schema={"type": "Text", "maxLength": 20})
assert field.name == "brand", field

up = ik.files.upload(file=("shirt.png", open(sys.argv[3], "rb").read()), file_name="shirt.png",
                     folder="/sdk/in", tags=["shirt", "blue"], custom_metadata={"brand": "Acme"},
                     use_unique_file_name=False, response_fields=["tags", "customMetadata"])
assert up.file_id and up.name == "shirt.png", up
assert up.tags == ["shirt", "blue"], up.tags
assert up.custom_metadata == {"brand": "Acme"}, up.custom_metadata

listed = ik.assets.list(path="/sdk/in")
assert len(listed) == 1 and listed[0].file_id == up.file_id, listed

found = ik.assets.list(search_query='tags IN ["blue"] AND "customMetadata.brand" = "Acme"')
assert [f.file_id for f in found] == [up.file_id], found

upd = ik.files.update(up.file_id, tags=["shirt", "sale"], custom_metadata={"brand": "Other"})
assert upd.tags == ["shirt", "sale"] and upd.custom_metadata == {"brand": "Other"}, upd

ik.files.move(source_file_path="/sdk/in/shirt.png", destination_path="/sdk/out/")
moved = ik.files.get(up.file_id)
assert moved.file_path == "/sdk/out/shirt.png", moved.file_path

ik.files.delete(up.file_id)
assert ik.assets.list(path="/sdk/out") == []
print("SDK OK")
"#;

/// The calls a direct API client makes in the sync scenarios: bulk tags, metadata set and unset,
/// rename, folder rename, bulk delete, and listing what changed since a stamp, oldest change first.
const SYNC_SCRIPT: &str = r#"
import sys
from imagekitio import ImageKit

base, key = sys.argv[1], sys.argv[2]
ik = ImageKit(private_key=key, base_url=base, max_retries=0)
data = open(sys.argv[3], "rb").read()

def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)

ik.custom_metadata_fields.create(name="season", label="Season", schema={"type": "Text"})
a = ik.files.upload(file=("a.png", data), file_name="a.png", folder="/sync", use_unique_file_name=False, tags=["base"])
b = ik.files.upload(file=("b.png", data), file_name="b.png", folder="/sync", use_unique_file_name=False)
start = ik.files.get(b.file_id).updated_at

r = ik.files.bulk.add_tags(file_ids=[a.file_id, b.file_id], tags=["sale", "summer"])
assert sorted(r.successfully_updated_file_ids) == sorted([a.file_id, b.file_id]), r
r = ik.files.bulk.remove_tags(file_ids=[a.file_id], tags=["base", "summer"])
assert r.successfully_updated_file_ids == [a.file_id], r
assert ik.files.get(a.file_id).tags == ["sale"]
assert sorted(ik.files.get(b.file_id).tags) == ["sale", "summer"]

u = ik.files.update(a.file_id, custom_metadata={"season": "winter"})
assert u.custom_metadata == {"season": "winter"}, u.custom_metadata
u = ik.files.update(a.file_id, custom_metadata={"season": None})
assert not u.custom_metadata, u.custom_metadata

ik.files.rename(file_path="/sync/b.png", new_file_name="b2.png")
renamed = ik.files.get(b.file_id)
assert renamed.file_path == "/sync/b2.png" and renamed.name == "b2.png", renamed

changed = ik.assets.list(search_query='updatedAt > "%s"' % iso(start), sort="ASC_UPDATED")
assert [f.file_id for f in changed] == [a.file_id, b.file_id], changed
page = ik.assets.list(search_query='updatedAt > "%s"' % iso(start), sort="ASC_UPDATED", skip=1, limit=1)
assert [f.file_id for f in page] == [b.file_id], page
assert ik.assets.list(search_query='updatedAt > "%s"' % iso(renamed.updated_at)) == []

folders = ik.assets.list(type="folder")
assert [f.folder_path.rstrip("/") for f in folders] == ["/sync"], folders

before = ik.files.get(a.file_id).updated_at
job = ik.folders.rename(folder_path="/sync", new_folder_name="synced")
assert ik.folders.job.get(job.job_id).status in ("Pending", "Completed")
moved = ik.files.get(a.file_id)
assert moved.file_path == "/synced/a.png" and moved.updated_at > before, moved

d = ik.files.bulk.delete(file_ids=[b.file_id])
assert d.successfully_deleted_file_ids == [b.file_id], d
assert [f.file_id for f in ik.assets.list(path="/synced")] == [a.file_id]
print("SYNC SDK OK")
"#;

fn ensure_sdk() {
    let ok = Command::new("python3").args(["-c", "import imagekitio"]).status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        let st = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "imagekitio==5.11.0"])
            .status()
            .expect("python3 must be installed to run the SDK test");
        assert!(st.success(), "could not install imagekitio==5.11.0");
    }
}

async fn run_script(script: &str, ok: &str) {
    tokio::task::spawn_blocking(ensure_sdk).await.unwrap();
    let emu = Emu::start().await;
    let png_path = emu.dir.path().join("fixture.png");
    std::fs::write(&png_path, png(8, 8)).unwrap();
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(emu.handle.base_url())
        .arg(PRIVATE)
        .arg(&png_path)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains(ok), "SDK script failed:\n{stdout}\n{stderr}");
}

#[tokio::test]
async fn the_python_sdk_makes_the_sync_scenarios_calls() {
    run_script(SYNC_SCRIPT, "SYNC SDK OK").await;
}

#[tokio::test]
async fn official_python_sdk_works_against_the_emulator() {
    run_script(SCRIPT, "SDK OK").await;
}
