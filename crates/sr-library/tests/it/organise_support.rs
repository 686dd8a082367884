//! Test assets inserted directly (media does not matter for organisation).

use std::path::PathBuf;

use sr_library::{Asset, AssetKind, AssetStatus, Library};
use tempfile::TempDir;

pub const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

pub fn open() -> (TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path()).unwrap();
    (dir, lib)
}

pub struct Spec {
    pub name: &'static str,
    pub kind: AssetKind,
    pub folder: &'static str,
    pub size: u64,
    pub dims: Option<(u32, u32)>,
    pub duration_s: Option<f64>,
    pub imported_at: i64,
    pub container: Option<&'static str>,
}

impl Spec {
    pub fn video(name: &'static str) -> Spec {
        Spec {
            name,
            kind: AssetKind::Video,
            folder: "/",
            size: 1_000_000,
            dims: Some((1920, 1080)),
            duration_s: Some(12.0),
            imported_at: T0,
            container: Some("mov,mp4,m4a,3gp,3g2,mj2"),
        }
    }
    pub fn image(name: &'static str) -> Spec {
        Spec {
            kind: AssetKind::Image,
            dims: Some((800, 1200)),
            duration_s: None,
            size: 200_000,
            container: Some("image2"),
            ..Spec::video(name)
        }
    }
    pub fn asset(&self, n: usize) -> Asset {
        Asset {
            id: 0,
            path: PathBuf::from(format!("/shoot/{n}/{}", self.name)),
            name: self.name.to_owned(),
            size: self.size,
            mtime_ns: 0,
            sample_hash: format!("s{n}"),
            full_hash: format!("{n:064x}"),
            kind: self.kind,
            container: self.container.map(Into::into),
            video_codec: None,
            audio_codec: None,
            width: self.dims.map(|d| d.0),
            height: self.dims.map(|d| d.1),
            rotation: 0,
            duration_s: self.duration_s,
            frame_rate: None,
            bit_rate: None,
            thumb_path: None,
            status: AssetStatus::Local,
            status_detail: None,
            remote_folder: self.folder.to_owned(),
            imported_at: self.imported_at,
            updated_at: self.imported_at,
        }
    }
}

pub fn insert(lib: &Library, specs: &[Spec]) -> Vec<i64> {
    let assets: Vec<Asset> = specs.iter().enumerate().map(|(i, s)| s.asset(i)).collect();
    lib.insert_assets_for_tests(&assets).unwrap()
}

/// Three plain videos.
pub fn three(lib: &Library) -> Vec<i64> {
    insert(lib, &[Spec::video("dress-red.mp4"), Spec::video("dress-navy.mp4"), Spec::video("shirt.mp4")])
}

pub fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The message of an `Invalid` error (panics on anything else).
pub fn invalid(e: sr_library::OrganiseError) -> String {
    match e {
        sr_library::OrganiseError::Invalid { message, .. } => message,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}
