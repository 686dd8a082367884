//! The crate graph of ARCHITECTURE.md ("The crates in layers"), kept by a test: a crate's normal
//! dependencies are only crates of lower layers, so a new edge upwards (the library reaching for the
//! remote, the remote for the library) fails here before it becomes a tangle.

use std::path::Path;

/// The layers, bottom first, as ARCHITECTURE.md draws them.
const LAYERS: &[&[&str]] = &[
    &["sr-imagekit"],
    &["sr-media", "sr-remote"],
    &["sr-library", "sr-emulator"],
    &["sr-uploads", "sr-watch", "sr-sync"],
    &["sr-api"],
    &["sr-cli"],
];

fn layer_of(krate: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&krate))
}

/// The workspace crates named in the `[dependencies]` table (not dev- or build-dependencies).
fn normal_workspace_deps(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && line.starts_with("sr-") {
            let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
            out.push(name.to_owned());
        }
    }
    out
}

#[test]
fn every_crate_uses_only_crates_below_it() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crates/");
    let mut seen = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(crates).expect("read crates/") {
        let dir = entry.expect("dir entry").path();
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        let Some(mine) = layer_of(&name) else {
            wrong.push(format!("{name} is in no layer: add it to ARCHITECTURE.md and to LAYERS"));
            continue;
        };
        seen += 1;
        for dep in normal_workspace_deps(&manifest) {
            match layer_of(&dep) {
                Some(theirs) if theirs < mine => {}
                _ => wrong.push(format!("{name} (layer {mine}) uses {dep}, which is not below it")),
            }
        }
    }
    assert_eq!(seen, LAYERS.iter().map(|l| l.len()).sum::<usize>(), "every layered crate was read");
    assert!(wrong.is_empty(), "the crate graph broke its layers:\n{}", wrong.join("\n"));
}

#[test]
fn the_reader_sees_dependencies_and_only_normal_ones() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\nsr-media.workspace = true\nsr-remote = { workspace = true }\nserde = \"1\"\n[dev-dependencies]\nsr-emulator.workspace = true\n";
    assert_eq!(normal_workspace_deps(manifest), ["sr-media", "sr-remote"]);
}
