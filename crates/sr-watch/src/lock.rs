//! One watcher per library (layer: engine): `<library>/watch.lock`, held with an advisory lock
//! (`File::try_lock`) for as long as the watcher runs, with the holder's process id inside so a
//! refusal can name it. The OS drops the lock when the process ends, even by `kill -9`.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::WatchError;

pub(crate) struct WatchLock {
    _file: File,
}

impl WatchLock {
    pub(crate) fn take(library_dir: &Path) -> Result<WatchLock, WatchError> {
        let path = library_dir.join("watch.lock");
        let io = |e: std::io::Error| WatchError::Io(format!("Could not use {}: {e}", path.display()));
        let mut f = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match f.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = f.read_to_string(&mut text);
                let holder = match text.trim() {
                    "" => "another process".to_string(),
                    t => t.to_string(),
                };
                return Err(WatchError::AlreadyRunning { holder });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        f.set_len(0).map_err(io)?;
        f.rewind().map_err(io)?;
        writeln!(f, "process {}", std::process::id()).map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok(WatchLock { _file: f })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_watcher_is_refused_naming_the_first() {
        let d = tempfile::tempdir().unwrap();
        let first = WatchLock::take(d.path()).unwrap();
        match WatchLock::take(d.path()) {
            Err(WatchError::AlreadyRunning { holder }) => {
                assert_eq!(holder, format!("process {}", std::process::id()));
                let msg = WatchError::AlreadyRunning { holder }.to_string();
                assert!(msg.contains("already watching"), "{msg}");
            }
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("second lock taken"),
        }
        drop(first);
        WatchLock::take(d.path()).unwrap();
    }
}
