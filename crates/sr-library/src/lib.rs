//! The local library: every asset the merchandiser has brought in, in SQLite, usable offline.
//!
//! Boundary: SQLite (through rusqlite, bundled) and the local filesystem; media facts come from
//! `sr-media`. No network, no Tauri, no async. Time is passed in by the caller.
//! Invariant: one row per distinct content (full BLAKE3 hash is unique); writes go through one
//! writer connection in IMMEDIATE transactions (the planner-statistics thread's own connection
//! only runs `ANALYZE`, see [`Library`]); thumbnails are files beside the database.
//!
//! # Layers
//!
//! Each layer names only its own and lower layers; table modules name no other table module.
//! `layering.rs` reads the sources and fails the tests when this stops being so.
//!
//! 1. **store** — the crate root (`Library`: the writer, the reader pool, transactions; `Asset`,
//!    `LibraryError`), `db` (opening, pragmas, planner statistics), `schema` (the migration list:
//!    it orders the tables' DDL and names nothing of theirs but `MIGRATION_*` and migration
//!    hooks), `backup`, `identity`, `assets` (the table every other references), and `organise`
//!    (organisation's errors, `EditSummary`, the selection helpers).
//! 2. **tables** — `tags`, `metadata`, `folders` (with `remote_ops`, the push log), `history`
//!    (batches and their inverse steps), `presets`, `jobs` (the upload queue), `watch` (watched
//!    roots, the per-path stat cache and ledger, pending auto-uploads), `sync` (two-way sync's
//!    remote tree, links and bases, conflicts, runs, state), `search::saved`. Each owns its
//!    tables' DDL (`MIGRATION_<n>`, migration 2 in parts) and rows; none names another.
//! 3. **index** — the search index `asset_fts` and its upkeep.
//! 4. **edit** — the only commit path for an edit batch: marks the assets changed, refreshes the
//!    index, records the inverse in `history`, and writes sync's push-log intents for linked
//!    assets; `edit::applied` does
//!    the same without the undo record for what the person did not do (a watched folder's tags).
//! 5. **undo** — reads the last batch back and dispatches each step to its table.
//! 6. **requests** — `ops::{tags, metadata, folders}` (organising, each request one batch),
//!    `ops::sync` (what sync reads and applies: inputs, statuses, links, conflicts resolved,
//!    remote-only assets),
//!    `search` (`request` → `compile` → `sets` → `size` → `plan`, over `sql`), `import`, and
//!    `ingest` (one watched file, through import's identify and place; moves; missing files).

// The store.
mod assets;
mod backup;
mod db;
pub mod identity;
mod organise;
mod schema;
// Tables.
mod folders;
mod history;
pub mod jobs;
mod metadata;
mod presets;
pub mod sync;
mod tags;
pub mod watch;
// The edit path: index, edit, undo.
mod edit;
mod index;
mod undo;
// Requests.
mod import;
pub mod ingest;
mod ops;
mod search;

#[cfg(test)]
mod layering;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

pub use folders::{FolderEntry, RemoteOp, RemoteOpKind, RemoteOpOutcome, RemoteOpState};
pub use import::{ImportEvent, ImportOptions, ImportReport, Skipped};
pub use jobs::{Job, JobRequest, JobSpec, JobState, NewJob, PostTransform, RemoteCopy};
pub use ops::{FieldSummary, SummaryValue};
pub use organise::{EditSummary, FieldProblem, OrganiseError, SANDBOX_ACCOUNT};
pub use presets::{MAX_PRESET_NAME, Preset, check_preset_tr};
pub use search::{SearchFilters, SearchHit, SearchPage, SearchRequest, Sort, SortKey};
pub use tags::TagCount;

/// What kind of media an asset is, decided by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    Video,
    Image,
    Audio,
    Other,
}

impl AssetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Video => "video",
            AssetKind::Image => "image",
            AssetKind::Audio => "audio",
            AssetKind::Other => "other",
        }
    }
    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "video" => AssetKind::Video,
            "image" => AssetKind::Image,
            "audio" => AssetKind::Audio,
            _ => AssetKind::Other,
        }
    }
}

/// Where an asset stands relative to the remote library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetStatus {
    /// Only on this computer.
    Local,
    /// The original file is no longer where it was imported from.
    Missing,
    /// Only on the remote (adopted by sync): no original on this computer yet; `path` is
    /// `remote://<account>/<fileId>`.
    RemoteOnly,
}

impl AssetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Local => "local",
            AssetStatus::Missing => "missing",
            AssetStatus::RemoteOnly => "remote_only",
        }
    }
    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "missing" => AssetStatus::Missing,
            "remote_only" => AssetStatus::RemoteOnly,
            _ => AssetStatus::Local,
        }
    }
}

/// One asset as the library knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: i64,
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub sample_hash: String,
    pub full_hash: String,
    pub kind: AssetKind,
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    /// Display width: rotation metadata already applied.
    pub width: Option<u32>,
    /// Display height: rotation metadata already applied.
    pub height: Option<u32>,
    pub rotation: i32,
    pub duration_s: Option<f64>,
    pub frame_rate: Option<f64>,
    pub bit_rate: Option<u64>,
    pub thumb_path: Option<PathBuf>,
    pub status: AssetStatus,
    pub status_detail: Option<String>,
    /// Remote folder the asset will be published to, e.g. `/summer-shoot/day1/`.
    pub remote_folder: String,
    pub imported_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("Could not open the library at {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("The library could not be upgraded to this version of Stockroom: {0}")]
    Migration(String),
    #[error("The library database reported an error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("Could not use the library folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}", damaged_message(path, detail, backup.as_deref()))]
    Damaged { path: PathBuf, detail: String, backup: Option<PathBuf> },
    /// A request the library refuses, in words that say what to do (e.g. a watched folder inside
    /// another one). Nothing was saved.
    #[error("{0}")]
    Refused(String),
}

fn damaged_message(path: &Path, detail: &str, backup: Option<&Path>) -> String {
    let what = format!("The library database {} is damaged ({detail}), so Stockroom did not open it.", path.display());
    match backup {
        Some(b) => format!(
            "{what} Its last backup is {}: quit Stockroom, move library.db aside, and copy the backup in its place as \
             library.db (changes since that backup are lost).",
            b.display()
        ),
        None => format!("{what} There is no backup of it yet; keep the file for support and open a new library."),
    }
}

/// The library: a folder holding `library.db` and `thumbs/`.
pub struct Library {
    dir: PathBuf,
    db_path: PathBuf,
    writer: Mutex<Connection>,
    /// Idle readers, each with the statistics generation it was opened in.
    readers: Mutex<Vec<(u64, Connection)>>,
    stats: Arc<Stats>,
    /// The library change stamp (see [`Library::data_version`]).
    changes: Changes,
}

/// What [`Library::data_version`] counts: the writer's own commits, and commits by any other
/// connection or process, seen through `PRAGMA data_version` on a connection kept for it.
#[derive(Default)]
struct Changes {
    stamp: AtomicU64,
    /// The watching connection and the `data_version` it last returned.
    probe: Mutex<Option<(Connection, i64)>>,
}

/// The query planner's statistics (sqlite_stat1/4), kept in step with the tables' sizes.
#[derive(Default)]
struct Stats {
    /// Bumped when tables were re-measured: SQLite reads statistics when a connection loads the
    /// schema, so readers opened before are replaced.
    generation: AtomicU64,
    /// Rows written since the statistics were last checked.
    unmeasured: AtomicU64,
    /// A re-measure is running.
    measuring: AtomicBool,
}

/// How many written rows between checks that the planner's statistics still fit the tables.
const STATS_CHECK_EVERY: u64 = 1000;

impl Library {
    /// Opens (creating if needed) the library in `dir`, migrating it to the latest schema.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        let io = |source| LibraryError::Io { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir.join("thumbs")).map_err(io)?;
        let db_path = dir.join("library.db");
        let writer = db::open(&db_path)?;
        Ok(Library {
            dir: dir.to_owned(),
            db_path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            stats: Arc::default(),
            changes: Changes::default(),
        })
    }

    /// The library change stamp: grows whenever this library is changed by this `Library` or by
    /// any other connection or process (a `stockroom import` in a terminal while the app is open).
    /// Cheap enough to poll every 250 ms; compare with the last value seen, never with a constant.
    pub fn data_version(&self) -> Result<u64, LibraryError> {
        let mut probe = self.changes.probe.lock().unwrap_or_else(|p| p.into_inner());
        if probe.is_none() {
            let conn = db::open_reader(&self.db_path)?;
            let v: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            *probe = Some((conn, v));
        }
        let (conn, last) = probe.as_mut().expect("probe opened above");
        let v: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if v != *last {
            *last = v;
            self.changes.stamp.fetch_add(1, Ordering::AcqRel);
        }
        Ok(self.changes.stamp.load(Ordering::Acquire))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn thumbs_dir(&self) -> PathBuf {
        self.dir.join("thumbs")
    }

    /// Runs `f` in one IMMEDIATE transaction on the single writer connection.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, LibraryError>,
    ) -> Result<T, LibraryError> {
        self.transaction(f)
    }

    /// One IMMEDIATE transaction on the writer; after a commit that brings the rows written since
    /// the last check over [`STATS_CHECK_EVERY`], re-measures tables whose size changed ten-fold
    /// (see [`Library::measure`]).
    pub(crate) fn transaction<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let before = conn.total_changes();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        let written = conn.total_changes().saturating_sub(before);
        drop(conn);
        if written > 0 {
            self.changes.stamp.fetch_add(1, Ordering::AcqRel);
        }
        if self.stats.unmeasured.fetch_add(written, Ordering::Relaxed) + written >= STATS_CHECK_EVERY {
            self.measure();
        }
        Ok(out)
    }

    /// Re-measures tables whose size changed ten-fold, on a connection and thread of its own:
    /// measuring 250,000 tag rows takes a tenth of a second, which the edit that crossed the line
    /// should not wait for. So this is the one write outside the writer connection: a
    /// read-write connection (`db::open_measurer`) opened for the re-measure and closed after it,
    /// which only runs `ANALYZE` (writing `sqlite_stat1`/`sqlite_stat4`, never a table's rows). It
    /// takes SQLite's write lock like any writer (edits meanwhile wait for it through the busy
    /// timeout, as for each other), and at most one runs at a time (`Stats::measuring`). It is
    /// not from the reader pool because readers are read-only, and not the writer because the
    /// thread outlives the call that spawns it while the writer belongs to the `Library` (behind
    /// its mutex, not shared); under SQLite's write lock edits wait for it just as they would
    /// for the writer's mutex.
    /// Statistics only steer the planner: if measuring fails, nothing is lost and the old
    /// statistics stay.
    fn measure(&self) {
        if self.stats.measuring.swap(true, Ordering::AcqRel) {
            return;
        }
        self.stats.unmeasured.store(0, Ordering::Relaxed);
        let (stats, path) = (Arc::clone(&self.stats), self.db_path.clone());
        let spawned = std::thread::Builder::new().name("library-stats".into()).spawn(move || {
            if let Ok(true) = db::open_measurer(&path).and_then(|c| db::refresh_stats(&c)) {
                stats.generation.fetch_add(1, Ordering::Relaxed);
            }
            stats.measuring.store(false, Ordering::Release);
        });
        if spawned.is_err() {
            self.stats.measuring.store(false, Ordering::Release);
        }
    }

    /// Runs `f` on a pooled read-only connection (WAL lets reads run beside the writer).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, LibraryError>) -> Result<T, LibraryError> {
        let generation = self.stats.generation.load(Ordering::Relaxed);
        let pooled = {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            // Readers from before the last re-measure are dropped (closed) here.
            pool.retain(|(g, _)| *g == generation);
            pool.pop()
        };
        let conn = match pooled {
            Some((_, c)) => c,
            None => db::open_reader(&self.db_path)?,
        };
        let out = f(&conn);
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).push((generation, conn));
        out
    }

    pub fn asset(&self, id: i64) -> Result<Option<Asset>, LibraryError> {
        self.read(|c| assets::get(c, id))
    }

    /// Assets, newest import first.
    pub fn assets(&self, offset: u64, limit: u64) -> Result<Vec<Asset>, LibraryError> {
        self.read(|c| assets::list(c, offset, limit))
    }

    pub fn count(&self) -> Result<u64, LibraryError> {
        self.read(assets::count)
    }

    /// `PRAGMA integrity_check` — "ok" when the database is sound.
    pub fn integrity_check(&self) -> Result<String, LibraryError> {
        self.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
    }
}
