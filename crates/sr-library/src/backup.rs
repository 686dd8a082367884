//! The library's own safety net: an integrity check when it opens, a copy before every schema
//! upgrade, and a small rolling daily copy, all with SQLite's `VACUUM INTO` (a consistent snapshot
//! taken inside a read transaction, safe while other connections work).
//!
//! Copies live in `<library>/backups/`: `before-schema-<n>-<date>.db` (kept, one per upgrade) and
//! `daily-<date>.db` (the newest [`DAILY_KEPT`]). A damaged library names its newest copy in the
//! error, so the person knows what to restore.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::Connection;

use crate::LibraryError;

/// How many daily copies are kept.
pub const DAILY_KEPT: usize = 3;
const DAY: Duration = Duration::from_secs(24 * 3600);

pub fn backups_dir(library_db: &Path) -> PathBuf {
    library_db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// `YYYY-MM-DD` (UTC) of a time, for file names.
fn date(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d").to_string()
}

fn vacuum_into(conn: &Connection, target: &Path) -> Result<(), LibraryError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| LibraryError::Io { path: dir.to_owned(), source })?;
    // VACUUM INTO refuses an existing file; a leftover from a crash mid-copy is incomplete anyway.
    let _ = std::fs::remove_file(target);
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    Ok(())
}

/// The newest copy in the backups folder, if any.
pub fn newest_backup(library_db: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(backups_dir(library_db)).ok()?;
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "db"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, p)| p)
}

/// `PRAGMA quick_check`: a damaged library is refused with what is wrong and where its last copy is.
pub(crate) fn check(conn: &Connection, library_db: &Path) -> Result<(), LibraryError> {
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check(5)")
        .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(|e| damaged(library_db, &e.to_string()))?;
    match problems.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(damaged(library_db, &problems.join("; "))),
    }
}

/// The error for a damaged library file.
pub(crate) fn damaged(library_db: &Path, detail: &str) -> LibraryError {
    LibraryError::Damaged { path: library_db.to_owned(), detail: detail.to_owned(), backup: newest_backup(library_db) }
}

/// Whether a SQLite error means the file itself is damaged (not busy, not full).
pub(crate) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

/// A copy of the library as it is, before `to_version`'s migrations change it.
pub(crate) fn before_upgrade(
    conn: &Connection,
    library_db: &Path,
    from: i64,
    to: i64,
) -> Result<PathBuf, LibraryError> {
    let target = backups_dir(library_db).join(format!("before-schema-{to}-from-{from}-{}.db", date(SystemTime::now())));
    vacuum_into(conn, &target)?;
    Ok(target)
}

/// Today's daily copy, unless the newest one is less than a day old; keeps the newest [`DAILY_KEPT`].
/// Returns the copy made, if one was.
pub(crate) fn daily(conn: &Connection, library_db: &Path, now: SystemTime) -> Result<Option<PathBuf>, LibraryError> {
    let dir = backups_dir(library_db);
    let mut dailies: Vec<(SystemTime, PathBuf)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("daily-"))
                .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
                .collect()
        })
        .unwrap_or_default();
    dailies.sort();
    if let Some((newest, _)) = dailies.last()
        && now.duration_since(*newest).unwrap_or_default() < DAY
    {
        return Ok(None);
    }
    let target = dir.join(format!("daily-{}.db", date(now)));
    vacuum_into(conn, &target)?;
    dailies.retain(|(_, p)| *p != target);
    let excess = (dailies.len() + 1).saturating_sub(DAILY_KEPT);
    for (_, old) in dailies.iter().take(excess) {
        let _ = std::fs::remove_file(old);
    }
    Ok(Some(target))
}
