//! How a root can be watched (layer: base): inotify needs one watch per folder, and the per-user
//! limit is shared with every other program; network and FUSE filesystems send no events at all.

use std::path::Path;

use sr_library::watch::WatchMode;

use crate::rules::Rules;

/// Folders under `root` (itself included) after the rules' exclusions: the inotify watches a
/// recursive watch of it takes.
pub fn count_dirs(rules: &Rules) -> u64 {
    walkdir::WalkDir::new(rules.root())
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_type().is_dir() || !rules.skip_dir(e.path()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .count() as u64
}

/// Watches this process may still take: the per-user limit minus what this user's processes hold
/// now (read from `/proc/*/fdinfo`), minus a margin for programs that start later. `None` when
/// it cannot be told (not Linux).
pub fn inotify_free() -> Option<u64> {
    let max: u64 = std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches").ok()?.trim().parse().ok()?;
    let used = inotify_used();
    let margin = (max / 10).max(1024);
    Some(max.saturating_sub(used).saturating_sub(margin))
}

/// inotify watches held by this user's processes (those whose `/proc` entries can be read).
fn inotify_used() -> u64 {
    let uid = unsafe { libc::getuid() };
    let Ok(procs) = std::fs::read_dir("/proc") else { return 0 };
    let mut used = 0;
    for p in procs.flatten() {
        let name = p.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        use std::os::unix::fs::MetadataExt;
        if p.metadata().map(|m| m.uid() != uid).unwrap_or(true) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            let is_inotify = std::fs::read_link(fd.path()).is_ok_and(|t| t.as_os_str() == "anon_inode:inotify");
            if !is_inotify {
                continue;
            }
            let info = p.path().join("fdinfo").join(fd.file_name());
            if let Ok(text) = std::fs::read_to_string(info) {
                used += text.lines().filter(|l| l.starts_with("inotify wd:")).count() as u64;
            }
        }
    }
    used
}

/// The filesystem kind, when it is one that sends no change events (or sends them unreliably).
pub fn remote_filesystem(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `s` a valid, writable statfs.
    if unsafe { libc::statfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    filesystem_name(s.f_type as u64)
}

/// Names the filesystems that must be polled, by their `statfs` magic.
pub fn filesystem_name(f_type: u64) -> Option<&'static str> {
    match f_type {
        0x6969 => Some("a network drive (NFS)"),
        0x517B => Some("a network drive (SMB)"),
        0xFF53_4D42 => Some("a network drive (SMB/CIFS)"),
        0xFE53_4D42 => Some("a network drive (SMB2)"),
        0x6573_5546 => Some("a FUSE filesystem (for example a cloud drive or sshfs)"),
        0x0102_1997 => Some("a shared folder of a virtual machine (9p)"),
        0x5346_414F => Some("a network drive (AFS)"),
        0x0000_564C => Some("a network drive (NCP)"),
        0x0BD0_0BD0 => Some("a network drive (Lustre)"),
        0x0119_4DB7 | 0x7461_636F => Some("a network drive (Ceph/OCFS2)"),
        _ => None,
    }
}

/// How to watch a root of `dirs` folders, and why in words when polled. `free` is the watch budget
/// left for this root (`None`: unknown, trust inotify and fall back if it refuses).
pub fn decide(dirs: u64, free: Option<u64>, filesystem: Option<&str>, poll_secs: u64) -> (WatchMode, Option<String>) {
    if let Some(fs) = filesystem {
        return (
            WatchMode::Polling,
            Some(format!(
                "This folder is on {fs}, which does not report new files, so Stockroom looks through it every \
                 {poll_secs} seconds instead."
            )),
        );
    }
    match free {
        Some(free) if dirs > free => (WatchMode::Polling, Some(too_many(dirs, free, poll_secs))),
        _ => (WatchMode::Native, None),
    }
}

pub fn too_many(dirs: u64, free: u64, poll_secs: u64) -> String {
    format!(
        "This folder has {dirs} subfolders, more than the {free} this computer lets Stockroom watch for changes \
         (other programs use the rest), so Stockroom looks through it every {poll_secs} seconds instead. To watch \
         it live, raise the limit (sudo sysctl fs.inotify.max_user_watches=524288) or watch a smaller folder."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        assert_eq!(decide(10, Some(100), None, 10).0, WatchMode::Native);
        assert_eq!(decide(10, None, None, 10).0, WatchMode::Native);
        let (m, why) = decide(101, Some(100), None, 10);
        assert_eq!(m, WatchMode::Polling);
        assert!(why.unwrap().contains("101 subfolders"));
        let (m, why) = decide(1, Some(100), filesystem_name(0x6969), 10);
        assert_eq!(m, WatchMode::Polling);
        assert!(why.unwrap().contains("NFS"));
        assert!(filesystem_name(0xEF53).is_none(), "ext4 sends events");
        assert!(filesystem_name(0x6573_5546).unwrap().contains("FUSE"));
    }

    #[test]
    fn counts_folders_after_exclusions() {
        let d = tempfile::tempdir().unwrap();
        for p in ["a/b", "c", ".git/objects", "raw/x"] {
            std::fs::create_dir_all(d.path().join(p)).unwrap();
        }
        let rules = Rules::new(d.path(), None, &["raw".to_string()]).unwrap();
        assert_eq!(count_dirs(&rules), 4, "root, a, a/b, c");
        assert!(remote_filesystem(d.path()).is_none());
        assert!(inotify_free().is_some());
    }
}
