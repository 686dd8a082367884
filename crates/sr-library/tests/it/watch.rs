//! Watched folders, the library's part: roots and their rules, ingest of one settled file (every
//! outcome), moves that keep everything on an asset, missing files, auto-upload hand-over, and the
//! library change stamp other processes' commits move.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sr_library::Library;
use sr_library::ingest::IngestOutcome;
use sr_library::watch::{FileStat, FileState, NewWatchRoot, WatchRoot};
use sr_media::fixtures::{self, ImageFormat, Pattern};
use tempfile::TempDir;

const T0: i64 = 1_767_225_600;

/// Small media made once per test binary (ffmpeg is slow), copied where each test needs them.
fn media() -> &'static [PathBuf] {
    static MEDIA: OnceLock<(TempDir, Vec<PathBuf>)> = OnceLock::new();
    &MEDIA
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let colours = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [200, 200, 30]];
            let files = colours
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    fixtures::image_with(
                        dir.path(),
                        &format!("m{i}.jpg"),
                        64,
                        48,
                        ImageFormat::Jpeg,
                        Pattern::Solid(*c),
                    )
                })
                .collect();
            (dir, files)
        })
        .1
}

struct Setup {
    _lib_dir: TempDir,
    _watched: TempDir,
    lib: Library,
    root: WatchRoot,
}

impl Setup {
    fn new(rule: impl FnOnce(&mut NewWatchRoot)) -> Setup {
        let lib_dir = tempfile::tempdir().unwrap();
        let watched = tempfile::tempdir().unwrap();
        let lib = Library::open(lib_dir.path()).unwrap();
        let mut new = NewWatchRoot {
            path: watched.path().to_owned(),
            remote_folder: "/drops/".into(),
            tags: vec!["summer".into()],
            metadata: BTreeMap::from([("season".to_owned(), serde_json::json!("SS26"))]),
            auto_upload: false,
            excludes: Vec::new(),
        };
        rule(&mut new);
        let root = lib.add_watch_root(&new, T0).unwrap();
        Setup { _lib_dir: lib_dir, _watched: watched, lib, root }
    }
    fn dir(&self) -> &Path {
        &self.root.rule.path
    }
    /// Copies media file `i` to `rel` under the root; returns its path.
    fn put(&self, i: usize, rel: &str) -> PathBuf {
        let to = self.dir().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&media()[i], &to).unwrap();
        to
    }
    fn ingest(&self, path: &Path) -> IngestOutcome {
        self.lib.ingest_watched(&self.root, path, FileStat::of(path).unwrap(), T0 + 10).unwrap()
    }
}

#[test]
fn a_settled_photo_is_ingested_once_with_its_folders_tags_metadata_and_remote_folder() {
    let s = Setup::new(|_| {});
    let path = s.put(0, "day1/look.jpg");
    let IngestOutcome::Ingested { asset, auto_upload } = s.ingest(&path) else { panic!("not ingested") };
    assert!(!auto_upload);
    assert_eq!(asset.path, path);
    assert_eq!(asset.remote_folder, "/drops/day1/");
    assert_eq!(s.lib.tags_of(asset.id).unwrap(), vec!["summer".to_owned()]);
    assert_eq!(s.lib.metadata_of(asset.id).unwrap().get("season"), Some(&serde_json::json!("SS26")));
    let row = s.lib.watched_file(&path).unwrap().unwrap();
    assert_eq!((row.state, row.asset_id), (FileState::Ingested, Some(asset.id)));
    // Ingesting again (a crash after the commit, a second event) never makes a second asset.
    assert_eq!(s.ingest(&path), IngestOutcome::AlreadyKnown { asset_id: asset.id });
    assert_eq!(s.lib.count().unwrap(), 1);
    assert!(s.lib.watch_ledger().unwrap().is_empty());
}
