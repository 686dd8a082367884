//! The `assets` table: one row per distinct content, with where it lives and what it is.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{Asset, AssetKind, AssetStatus, Library, LibraryError};

pub(crate) const MIGRATION_1: &str = r#"
CREATE TABLE assets (
    id            INTEGER PRIMARY KEY,
    path          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    sample_hash   TEXT    NOT NULL,
    full_hash     TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('video','image','audio','other')),
    container     TEXT,
    video_codec   TEXT,
    audio_codec   TEXT,
    width         INTEGER,
    height        INTEGER,
    rotation      INTEGER NOT NULL DEFAULT 0,
    duration_s    REAL,
    frame_rate    REAL,
    bit_rate      INTEGER,
    thumb_path    TEXT,
    status        TEXT    NOT NULL DEFAULT 'local',
    status_detail TEXT,
    remote_folder TEXT    NOT NULL DEFAULT '/',
    imported_at   INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX assets_full_hash ON assets(full_hash);
CREATE INDEX assets_sample ON assets(size, sample_hash);
CREATE INDEX assets_kind ON assets(kind);
CREATE INDEX assets_imported ON assets(imported_at, id);
"#;

/// Migration 6: browsing a folder (and its subfolders) by type is the library's commonest
/// filter; with the kind beside the folder, search counts and filters it from the index alone
/// instead of looking up every asset in the folder. It replaces the folder-only index (migration
/// 2), which served nothing this one does not.
pub(crate) const MIGRATION_6: &str = r#"
CREATE INDEX assets_folder_kind ON assets(remote_folder, kind);
DROP INDEX assets_folder;
"#;

/// Migration 2, the assets' part: the indexes search sorts and filters by.
pub(crate) const MIGRATION_2: &str = r#"CREATE INDEX assets_name ON assets(name);
CREATE INDEX assets_folder ON assets(remote_folder);
CREATE INDEX assets_size ON assets(size);
CREATE INDEX assets_updated ON assets(updated_at, id);
CREATE INDEX assets_duration ON assets(duration_s);
"#;

const COLUMNS: &str = "id, path, name, size, mtime_ns, sample_hash, full_hash, kind, container, video_codec, \
     audio_codec, width, height, rotation, duration_s, frame_rate, bit_rate, thumb_path, status, status_detail, \
     remote_folder, imported_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Asset> {
    Ok(Asset {
        id: r.get(0)?,
        path: r.get::<_, String>(1)?.into(),
        name: r.get(2)?,
        size: r.get::<_, i64>(3)? as u64,
        mtime_ns: r.get(4)?,
        sample_hash: r.get(5)?,
        full_hash: r.get(6)?,
        kind: AssetKind::parse(&r.get::<_, String>(7)?),
        container: r.get(8)?,
        video_codec: r.get(9)?,
        audio_codec: r.get(10)?,
        width: r.get(11)?,
        height: r.get(12)?,
        rotation: r.get(13)?,
        duration_s: r.get(14)?,
        frame_rate: r.get(15)?,
        bit_rate: r.get::<_, Option<i64>>(16)?.map(|b| b as u64),
        thumb_path: r.get::<_, Option<String>>(17)?.map(Into::into),
        status: AssetStatus::parse(&r.get::<_, String>(18)?),
        status_detail: r.get(19)?,
        remote_folder: r.get(20)?,
        imported_at: r.get(21)?,
        updated_at: r.get(22)?,
    })
}

/// Inserts a new asset, or refreshes the row already at the same path. Returns the id.
pub(crate) fn upsert(conn: &Connection, a: &Asset) -> Result<i64, LibraryError> {
    let id: i64 = conn.query_row(
        "INSERT INTO assets (path, name, size, mtime_ns, sample_hash, full_hash, kind, container, video_codec,
             audio_codec, width, height, rotation, duration_s, frame_rate, bit_rate, thumb_path, status,
             status_detail, remote_folder, imported_at, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)
         ON CONFLICT(path) DO UPDATE SET name=excluded.name, size=excluded.size, mtime_ns=excluded.mtime_ns,
             sample_hash=excluded.sample_hash, full_hash=excluded.full_hash, kind=excluded.kind,
             container=excluded.container, video_codec=excluded.video_codec, audio_codec=excluded.audio_codec,
             width=excluded.width, height=excluded.height, rotation=excluded.rotation,
             duration_s=excluded.duration_s, frame_rate=excluded.frame_rate, bit_rate=excluded.bit_rate,
             updated_at=excluded.updated_at
         RETURNING id",
        params![
            a.path.to_string_lossy(),
            a.name,
            a.size as i64,
            a.mtime_ns,
            a.sample_hash,
            a.full_hash,
            a.kind.as_str(),
            a.container,
            a.video_codec,
            a.audio_codec,
            a.width,
            a.height,
            a.rotation,
            a.duration_s,
            a.frame_rate,
            a.bit_rate.map(|b| b as i64),
            a.thumb_path.as_ref().map(|p| p.to_string_lossy().into_owned()),
            a.status.as_str(),
            a.status_detail,
            a.remote_folder,
            a.imported_at,
            a.updated_at,
        ],
        |r| r.get(0),
    )?;
    Ok(id)
}

pub(crate) fn set_thumbnail(conn: &Connection, id: i64, thumb: &str) -> Result<(), LibraryError> {
    conn.execute("UPDATE assets SET thumb_path = ?1 WHERE id = ?2", params![thumb, id])?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<Asset>, LibraryError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM assets WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// Many assets in one statement, by id (ids that are not assets are left out).
pub(crate) fn get_many(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Asset>, LibraryError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM assets WHERE id IN (SELECT value FROM json_each(?1))"))?;
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
    let rows = stmt.query_map([json], from_row)?;
    rows.map(|r| r.map(|a| (a.id, a)).map_err(LibraryError::from)).collect()
}

pub(crate) fn by_path(conn: &Connection, path: &str) -> Result<Option<Asset>, LibraryError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM assets WHERE path = ?1"), [path], from_row).optional()?)
}

pub(crate) fn by_full_hash(conn: &Connection, hash: &str) -> Result<Option<Asset>, LibraryError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM assets WHERE full_hash = ?1"), [hash], from_row).optional()?)
}

/// Assets newest first, `limit` at a time after `offset`.
pub(crate) fn list(conn: &Connection, offset: u64, limit: u64) -> Result<Vec<Asset>, LibraryError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM assets ORDER BY imported_at DESC, id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = stmt.query_map(params![limit as i64, offset as i64], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn count(conn: &Connection) -> Result<u64, LibraryError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM assets", [], |r| r.get::<_, i64>(0))? as u64)
}

impl Library {
    /// Inserts assets directly, in one transaction, for tests and benchmarks where real media does
    /// not matter. Returns their ids.
    #[doc(hidden)]
    pub fn insert_assets_for_tests(&self, assets: &[Asset]) -> Result<Vec<i64>, LibraryError> {
        self.write(|tx| assets.iter().map(|a| upsert(tx, a)).collect())
    }
}
