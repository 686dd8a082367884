//! Which names under a root are watched (layer: base). Pure: paths in, verdicts out.
//!
//! Always left out, silently (they never reach the ledger): the library's own folder, `.git`,
//! `@eaDir`, `.Trash-*`, `.DS_Store`, `Thumbs.db`, and any other dot-folder. Temporary names
//! (`.part`, `.crdownload`, `.tmp`, `.download`, `~$…`, dotfiles) wait for their rename
//! (`TemporaryName`); the root's own exclude globs, matched against the path relative to the
//! root, are `Excluded` (listed, so "ingest anyway" can override them).

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use sr_library::watch::WaitReason;

/// What the rules say about one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A candidate for ingest.
    Watch,
    /// Not watched and not listed (always-excluded names, the library's folder).
    Silent,
    /// Listed in the ledger with this reason, not ingested.
    Hold(WaitReason),
}

/// One root's rules.
#[derive(Debug, Clone)]
pub struct Rules {
    root: PathBuf,
    library_dir: Option<PathBuf>,
    excludes: GlobSet,
}

const TEMP_SUFFIXES: &[&str] = &[".part", ".crdownload", ".tmp", ".download"];
const SILENT_FILES: &[&str] = &[".DS_Store", "Thumbs.db"];

impl Rules {
    /// `excludes` are globset globs relative to the root (`raw/**`, `*.xmp`); a glob without a
    /// `/` also matches the name in any subfolder.
    pub fn new(root: &Path, library_dir: Option<&Path>, excludes: &[String]) -> Result<Rules, globset::Error> {
        let mut b = GlobSetBuilder::new();
        for g in excludes {
            b.add(Glob::new(g)?);
            if !g.contains('/') {
                b.add(Glob::new(&format!("**/{g}"))?);
            }
        }
        Ok(Rules { root: root.to_owned(), library_dir: library_dir.map(Path::to_owned), excludes: b.build()? })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether a folder is left out entirely (not walked, not watched).
    pub fn skip_dir(&self, path: &Path) -> bool {
        if self.library_dir.as_deref().is_some_and(|l| path.starts_with(l)) {
            return true;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else { return true };
        if rel.as_os_str().is_empty() {
            return false;
        }
        if rel.components().any(|c| silent_dir(&c.as_os_str().to_string_lossy())) {
            return true;
        }
        self.excludes.is_match(rel)
    }

    /// The verdict for a file.
    pub fn file(&self, path: &Path) -> Verdict {
        let Some(parent) = path.parent() else { return Verdict::Silent };
        if parent != self.root && self.skip_dir(parent) {
            return Verdict::Silent;
        }
        if self.library_dir.as_deref().is_some_and(|l| path.starts_with(l)) {
            return Verdict::Silent;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else { return Verdict::Silent };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if SILENT_FILES.iter().any(|s| name.eq_ignore_ascii_case(s)) {
            return Verdict::Silent;
        }
        if self.excludes.is_match(rel) {
            return Verdict::Hold(WaitReason::Excluded);
        }
        if is_temporary(&name) {
            return Verdict::Hold(WaitReason::TemporaryName);
        }
        Verdict::Watch
    }
}

fn silent_dir(name: &str) -> bool {
    name == ".git" || name == "@eaDir" || name.starts_with(".Trash-") || name.starts_with('.')
}

/// A name a downloader or editor writes before the real one.
pub fn is_temporary(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.') || name.starts_with("~$") || TEMP_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(ex: &[&str]) -> Rules {
        let ex: Vec<String> = ex.iter().map(|s| s.to_string()).collect();
        Rules::new(Path::new("/w"), Some(Path::new("/w/lib")), &ex).unwrap()
    }

    #[test]
    fn verdicts() {
        let r = rules(&["raw/**", "*.xmp"]);
        let cases: &[(&str, Verdict)] = &[
            ("/w/a.mp4", Verdict::Watch),
            ("/w/sub/deep/a.jpg", Verdict::Watch),
            ("/w/a.mp4.part", Verdict::Hold(WaitReason::TemporaryName)),
            ("/w/a.crdownload", Verdict::Hold(WaitReason::TemporaryName)),
            ("/w/A.TMP", Verdict::Hold(WaitReason::TemporaryName)),
            ("/w/x.download", Verdict::Hold(WaitReason::TemporaryName)),
            ("/w/~$report.docx", Verdict::Hold(WaitReason::TemporaryName)),
            ("/w/.hidden.mp4", Verdict::Hold(WaitReason::TemporaryName)),
            ("/w/raw/a.mp4", Verdict::Hold(WaitReason::Excluded)),
            ("/w/sub/a.xmp", Verdict::Hold(WaitReason::Excluded)),
            ("/w/a.xmp", Verdict::Hold(WaitReason::Excluded)),
            ("/w/.DS_Store", Verdict::Silent),
            ("/w/sub/Thumbs.db", Verdict::Silent),
            ("/w/.git/objects/ab", Verdict::Silent),
            ("/w/@eaDir/a.jpg", Verdict::Silent),
            ("/w/.Trash-1000/files/a.jpg", Verdict::Silent),
            ("/w/lib/library.db", Verdict::Silent),
            ("/elsewhere/a.jpg", Verdict::Silent),
        ];
        for (p, v) in cases {
            assert_eq!(r.file(Path::new(p)), *v, "{p}");
        }
    }

    #[test]
    fn folders() {
        let r = rules(&["raw/**", "raw"]);
        assert!(!r.skip_dir(Path::new("/w")));
        assert!(!r.skip_dir(Path::new("/w/shoot")));
        assert!(r.skip_dir(Path::new("/w/raw")));
        assert!(r.skip_dir(Path::new("/w/.git")));
        assert!(r.skip_dir(Path::new("/w/a/@eaDir")));
        assert!(r.skip_dir(Path::new("/w/lib")));
        assert!(r.skip_dir(Path::new("/w/lib/thumbs")));
    }

    #[test]
    fn a_bad_glob_is_refused() {
        assert!(Rules::new(Path::new("/w"), None, &["a[".to_string()]).is_err());
    }
}
