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

#[tokio::test]
async fn official_python_sdk_works_against_the_emulator() {
    tokio::task::spawn_blocking(ensure_sdk).await.unwrap();
    let emu = Emu::start().await;
    let png_path = emu.dir.path().join("fixture.png");
    std::fs::write(&png_path, png(8, 8)).unwrap();
    let base = emu.handle.base_url();
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(&base)
        .arg(PRIVATE)
        .arg(&png_path)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains("SDK OK"), "SDK script failed:\n{stdout}\n{stderr}");
}
