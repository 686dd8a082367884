//! Opening the library database: pragmas on every open, migrations to the latest schema (the list
//! is `schema`), and the query planner's statistics.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::LibraryError;
use crate::schema::{migrations, migrations_count};

/// Opens the writer: pragmas, an integrity check, a copy before any schema upgrade, the
/// migrations, and the daily copy (see `backup`). A damaged file is refused as
/// [`LibraryError::Damaged`], naming the newest copy.
pub(crate) fn open(path: &Path) -> Result<Connection, LibraryError> {
    let as_damage = |e: LibraryError| match e {
        LibraryError::Sqlite(ref s) | LibraryError::Open { source: ref s, .. } if crate::backup::is_damage(s) => {
            crate::backup::damaged(path, &s.to_string())
        }
        other => other,
    };
    open_checked(path).map_err(as_damage)
}

fn open_checked(path: &Path) -> Result<Connection, LibraryError> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| LibraryError::Open { path: path.to_owned(), source: e })?;
    configure(&mut conn)?;
    refuse_newer(&conn)?;
    crate::backup::check(&conn, path)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > 0 && version < migrations_count() {
        crate::backup::before_upgrade(&conn, path, version, migrations_count())?;
    }
    migrations().to_latest(&mut conn).map_err(|e| LibraryError::Migration(e.to_string()))?;
    // A library upgraded or filled by an older version may never have been measured.
    refresh_stats(&conn)?;
    let has_assets: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM assets)", [], |r| r.get(0))?;
    if has_assets && let Err(e) = crate::backup::daily(&conn, path, std::time::SystemTime::now()) {
        // A full disk must not keep the library closed; the next open tries again.
        tracing::warn!("the daily copy of the library could not be made: {e}");
    }
    Ok(conn)
}

/// A library whose schema is ahead of this build's migrations was made by a newer Stockroom:
/// refuse it in those words rather than rusqlite_migration's "error in migrations definition".
fn refuse_newer(conn: &Connection) -> Result<(), LibraryError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = migrations_count();
    if version > known {
        return Err(LibraryError::Migration(format!(
            "this library was made by a newer version of Stockroom (schema {version}, this version knows up to \
             {known}); please update Stockroom to open it"
        )));
    }
    Ok(())
}

pub(crate) fn open_reader(path: &Path) -> Result<Connection, LibraryError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| LibraryError::Open { path: path.to_owned(), source: e })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    tune(&conn, READER_CACHE_KIB)?;
    Ok(conn)
}

/// The statistics thread's connection (see `Library::measure`): read-write because `ANALYZE`
/// writes the planner's statistics tables, and used for nothing else (see `refresh_stats`).
pub(crate) fn open_measurer(path: &Path) -> Result<Connection, LibraryError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| LibraryError::Open { path: path.to_owned(), source: e })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    tune(&conn, READER_CACHE_KIB)?;
    Ok(conn)
}

/// Page cache per connection, in KiB. Reads of the main file come through the memory map, so a
/// reader's cache mostly holds pages still in the WAL; the writer keeps the indexes it updates.
const READER_CACHE_KIB: i64 = 16 * 1024;
const WRITER_CACHE_KIB: i64 = 64 * 1024;
/// How much of the database file is memory-mapped (address space, not memory): a 100,000-asset
/// library is ~150 MB. Without it every page a query touches beyond the 2 MB default cache is a
/// read() system call, which made an indexed search slower than a full scan.
const MMAP_BYTES: i64 = 1 << 30;
/// Prepared statements kept per connection: search builds its SQL per query shape.
const STATEMENT_CACHE: usize = 64;

fn tune(conn: &Connection, cache_kib: i64) -> Result<(), LibraryError> {
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Re-measures the tables the query planner's statistics no longer describe: never measured, or
/// grown or shrunk ten-fold since (SQLite's `PRAGMA optimize` rule), with a full `ANALYZE` so
/// range estimates (sqlite_stat4) are there too — without them the planner guesses every range
/// equally selective and can pick an index that visits half the library. Cheap when nothing is
/// due (one pass over the schema). Returns whether the statistics changed; connections opened
/// before only see new statistics once reopened.
pub(crate) fn refresh_stats(conn: &Connection) -> Result<bool, LibraryError> {
    // 0x10003: every table (0x10000), analysis (0x02), only list the statements (0x01), no row
    // limit (0x10 unset, which would also skip sqlite_stat4).
    let due: Vec<String> =
        conn.prepare("PRAGMA optimize(0x10003)")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if due.is_empty() {
        return Ok(false);
    }
    let before = stats_fingerprint(conn)?;
    for sql in &due {
        conn.execute_batch(sql)?;
    }
    Ok(stats_fingerprint(conn)? != before)
}

/// The statistics of tables with a thousand rows or more, as text, to tell whether an ANALYZE
/// changed anything worth reopening readers for: empty tables are listed as due every time, and
/// small ones (history, saved searches) are planned the same whatever their statistics say.
fn stats_fingerprint(conn: &Connection) -> Result<String, LibraryError> {
    let exists: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1')", [], |r| r.get(0))?;
    if !exists {
        return Ok(String::new());
    }
    Ok(conn.query_row(
        "SELECT ifnull(group_concat(tbl || ' ' || ifnull(idx, '') || ' ' || stat, char(10)), '') FROM sqlite_stat1
         WHERE CAST(stat AS INTEGER) >= 1000",
        [],
        |r| r.get(0),
    )?)
}

fn configure(conn: &mut Connection) -> Result<(), LibraryError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit is on disk before it returns. The upload queue records "maybe sent" before
    // bytes leave; under NORMAL a power cut could roll that record back after the remote acted.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    tune(conn, WRITER_CACHE_KIB)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use rusqlite::Connection;

    use crate::index::{Indexed, refresh_fts};
    use crate::search::search_on;
    use crate::{Asset, AssetKind, AssetStatus, Library, SANDBOX_ACCOUNT, SearchFilters, SearchRequest, Sort, SortKey};

    /// A commit that announces a remote action ("maybe sent") must survive a power cut.
    #[test]
    fn writer_commits_are_durable_across_power_loss() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::open(&dir.path().join("library.db")).unwrap();
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "synchronous must be FULL");
    }

    #[test]
    fn a_library_from_a_newer_stockroom_is_refused_in_those_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.db");
        drop(super::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
        let err = Library::open(dir.path()).err().expect("a newer library must be refused").to_string();
        assert!(err.contains("made by a newer version of Stockroom"), "{err}");
    }

    fn library_with_assets(n: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open(dir.path()).unwrap();
        let assets: Vec<Asset> = (0..n).map(asset).collect();
        lib.insert_assets_for_tests(&assets).unwrap();
        drop(lib);
        let db = dir.path().join("library.db");
        (dir, db)
    }

    #[test]
    fn a_damaged_library_is_refused_in_words_that_name_its_last_backup() {
        let (dir, db) = library_with_assets(3000);
        // Reopening a library with assets makes the day's copy.
        drop(Library::open(dir.path()).unwrap());
        let backup = crate::backup::newest_backup(&db).expect("a daily copy");
        // Fold the WAL into the file, then scribble over the middle of it.
        Connection::open(&db).unwrap().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        let mut bytes = std::fs::read(&db).unwrap();
        let len = bytes.len();
        for b in &mut bytes[len / 3..len / 3 + 64 * 1024] {
            *b = 0x5a;
        }
        std::fs::write(&db, &bytes).unwrap();

        let err = Library::open(dir.path()).err().expect("refused");
        let message = err.to_string();
        assert!(matches!(err, crate::LibraryError::Damaged { .. }), "{err:?}");
        assert!(message.contains("is damaged"), "{message}");
        assert!(message.contains(&backup.display().to_string()), "{message}");
        // The backup itself is whole and holds the assets.
        let copy = Connection::open(&backup).unwrap();
        let n: i64 = copy.query_row("SELECT count(*) FROM assets", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 3000);
        let ok: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn a_file_that_is_not_a_library_is_refused_as_damaged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("library.db"), vec![0x42u8; 8192]).unwrap();
        let err = Library::open(dir.path()).err().expect("refused");
        assert!(matches!(err, crate::LibraryError::Damaged { backup: None, .. }), "{err:?}");
        assert!(err.to_string().contains("no backup"), "{err}");
    }

    #[test]
    fn daily_copies_are_made_once_a_day_and_the_newest_three_kept() {
        use std::time::{Duration, SystemTime};
        let (_dir, db) = library_with_assets(10);
        let conn = Connection::open(&db).unwrap();
        let day = Duration::from_secs(24 * 3600);
        let start = SystemTime::now() + day * 30;
        let mut made = Vec::new();
        for i in 0..5u32 {
            let now = start + day * i;
            let copy = crate::backup::daily(&conn, &db, now).unwrap().expect("a day passed");
            // Give the copy the time it was made at, as the clock would have.
            std::fs::File::options().write(true).open(&copy).unwrap().set_modified(now).unwrap();
            assert!(
                crate::backup::daily(&conn, &db, now + Duration::from_secs(3600)).unwrap().is_none(),
                "not twice a day"
            );
            made.push(copy);
        }
        let mut left: Vec<PathBuf> =
            std::fs::read_dir(crate::backup::backups_dir(&db)).unwrap().map(|e| e.unwrap().path()).collect();
        left.sort();
        let mut newest = made[2..].to_vec();
        newest.sort();
        assert_eq!(left, newest);
    }

    #[test]
    fn migrations_count_matches() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::open(&dir.path().join("library.db")).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, crate::schema::migrations_count());
    }

    #[test]
    fn migrations_are_valid() {
        crate::schema::migrations().validate().unwrap();
    }

    /// A library from before watched folders (schema 6) with folder operations waiting for sync
    /// upgrades keeping each one, its id and state; afterwards a file move can be recorded too.
    #[test]
    fn watch_migration_keeps_pending_remote_operations_and_allows_file_moves() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.db");
        let mut conn = Connection::open(&path).unwrap();
        super::configure(&mut conn).unwrap();
        crate::schema::migrations().to_version(&mut conn, 6).unwrap();
        conn.execute_batch(
            r#"INSERT INTO remote_ops (id, account, kind, args, created_at, state, attempts, last_error, updated_at)
               VALUES (3, 'sandbox', 'create_folder', '{"folderName":"a","parentFolderPath":"/"}', 10, 'pending', 0, NULL, 10),
                      (7, 'sandbox', 'move_folder', '{"sourceFolderPath":"/a","destinationPath":"/b/"}', 11, 'failed', 2, 'gone', 12);"#,
        )
        .unwrap();
        drop(conn);
        let lib = Library::open(dir.path()).unwrap();
        let ops = lib.remote_ops("sandbox", false).unwrap();
        let seen: Vec<_> = ops.iter().map(|o| (o.id, o.kind, o.state, o.attempts, o.last_error.clone())).collect();
        use crate::{RemoteOpKind as K, RemoteOpState as S};
        assert_eq!(
            seen,
            vec![(3, K::CreateFolder, S::Pending, 0, None), (7, K::MoveFolder, S::Failed, 2, Some("gone".into()))]
        );
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO remote_ops (account, kind, args, created_at, updated_at) VALUES ('sandbox', 'move_file', '{}', 1, 1)",
            [],
        )
        .unwrap();
        assert!(lib.remote_ops("sandbox", true).unwrap().iter().any(|o| o.kind == K::MoveFile));
        assert!(lib.watch_roots().unwrap().is_empty());
    }

    /// A library from before two-way sync (schema 7) with finished uploads and pending folder
    /// operations upgrades with every uploaded asset linked (its latest finished job per account
    /// is the base: folder, file name, tags sorted, metadata), the operations kept, and the push
    /// log able to hold intents.
    #[test]
    fn sync_migration_links_finished_uploads_and_keeps_remote_operations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.db");
        let mut conn = Connection::open(&path).unwrap();
        super::configure(&mut conn).unwrap();
        crate::schema::migrations().to_version(&mut conn, 7).unwrap();
        let ids: Vec<i64> = (0..3).map(|i| crate::assets::upsert(&conn, &asset(i)).unwrap()).collect();
        // The first was uploaded under its sanitised name.
        conn.execute("UPDATE assets SET name = 'dress (red).mp4' WHERE id = ?1", [ids[0]]).unwrap();
        let job = |id: i64, asset: i64, account: &str, state: &str, file: Option<&str>, tags: &str, meta: &str| {
            conn.execute(
                "INSERT INTO upload_jobs (id, account, asset_id, state, folder, file_name, tags, custom_metadata,
                     expected_size, expected_hash, expected_mtime_ns, remote_file_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, '/shop/', 'dress__red_.mp4', ?5, ?6, 1, 'h', 0, ?7, 1000, 5000)",
                rusqlite::params![id, account, asset, state, tags, meta, file],
            )
            .unwrap();
        };
        job(1, ids[0], "sandbox", "done", Some("old"), "[]", "{}");
        job(2, ids[0], "sandbox", "done", Some("f0"), r#"["sale","new-in","sale"]"#, r#"{"colour":"red"}"#);
        job(3, ids[0], "imagekit:other", "done", Some("o0"), "[]", "{}");
        job(4, ids[1], "sandbox", "failed", None, "[]", "{}");
        job(5, ids[2], "sandbox", "queued", None, "[]", "{}");
        conn.execute_batch(
            r#"INSERT INTO remote_ops (id, account, kind, args, created_at, state, attempts, last_error, updated_at)
               VALUES (4, 'sandbox', 'move_file', '{"sourceFilePath":"/a/x.mp4","destinationPath":"/b/"}', 10, 'pending', 1, 'offline', 10);"#,
        )
        .unwrap();
        drop(conn);

        let lib = Library::open(dir.path()).unwrap();
        let link = lib.sync_link("sandbox", ids[0]).unwrap().expect("linked");
        assert_eq!((link.file_id.as_str(), link.linked_at), ("f0", 5));
        let base = crate::sync::Fields {
            name: "dress__red_.mp4".into(),
            folder: "/shop/".into(),
            tags: vec!["new-in".into(), "sale".into()],
            metadata: serde_json::json!({"colour": "red"}).as_object().unwrap().clone(),
        };
        assert_eq!(link.base, base);
        assert_eq!(lib.sync_link("imagekit:other", ids[0]).unwrap().unwrap().file_id, "o0");
        assert!(
            lib.sync_link("sandbox", ids[1]).unwrap().is_none() && lib.sync_link("sandbox", ids[2]).unwrap().is_none()
        );
        assert_eq!(lib.asset(ids[0]).unwrap().unwrap().name, "dress__red_.mp4", "the remote's name");
        assert_eq!(lib.asset(ids[1]).unwrap().unwrap().name, asset(1).name, "not linked, not renamed");
        use crate::sync::SyncStatus as S;
        let statuses: Vec<S> = lib.sync_statuses("sandbox", &ids).unwrap().into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            statuses,
            [S::ModifiedLocally, S::LocalOnly, S::Queued],
            "the asset's own fields differ from the job's"
        );

        let ops = lib.remote_ops("sandbox", false).unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(
            (ops[0].id, ops[0].kind, ops[0].asset_id, ops[0].attempts),
            (4, crate::RemoteOpKind::MoveFile, None, 1)
        );
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO remote_ops (account, kind, asset_id, args, created_at, state, updated_at)
             VALUES ('sandbox', 'tag_add', ?1, '{\"tag\":\"x\"}', 1, 'sending', 1)",
            [ids[0]],
        )
        .unwrap();
        // Jobs queued before keep no request (their snapshot is sent); new ones can record one.
        assert_eq!(lib.upload_job_request(5).unwrap(), None);
        let r = crate::JobRequest {
            tags: vec!["extra".into()],
            metadata: serde_json::json!({"colour": "red"}).as_object().unwrap().clone(),
            folder: Some("/x/".into()),
            file_name: None,
        };
        lib.set_upload_job_request(5, &r).unwrap();
        assert_eq!(lib.upload_job_request(5).unwrap(), Some(r));
        assert!(lib.set_upload_job_request(99, &crate::JobRequest::default()).is_err());
        // A queued job's spec is refreshed before it is claimed; a job in another state is not.
        let spec = crate::JobSpec {
            folder: "/x/".into(),
            file_name: "new.mp4".into(),
            tags: vec!["extra".into()],
            ..Default::default()
        };
        assert!(lib.set_upload_job_spec(5, &spec, &[crate::JobState::Queued], 9000).unwrap());
        let job = lib.upload_job(5).unwrap().unwrap();
        assert_eq!((job.spec.folder.as_str(), job.spec.file_name.as_str(), job.updated_at), ("/x/", "new.mp4", 9000));
        assert_eq!(job.spec.tags, vec!["extra".to_owned()]);
        assert!(!lib.set_upload_job_spec(4, &spec, &[crate::JobState::Queued], 9000).unwrap(), "failed, not queued");
        let sending = lib.remote_ops("sandbox", true).unwrap();
        assert_eq!(sending.len(), 2, "sending is unfinished");
        assert_eq!(
            (sending[1].kind, sending[1].asset_id, sending[1].state),
            (crate::RemoteOpKind::TagAdd, Some(ids[0]), crate::RemoteOpState::Sending)
        );
    }

    fn asset(i: usize) -> Asset {
        let video = i.is_multiple_of(3);
        Asset {
            id: 0,
            path: PathBuf::from(format!("/shoot/{i}.{}", if video { "mp4" } else { "jpg" })),
            name: format!(
                "{}-{}-{i}.{}",
                ["dress", "shirt", "bag"][i % 3],
                ["red", "navy"][i % 2],
                if video { "mp4" } else { "jpg" }
            ),
            size: 100_000 + (i as u64 * 7_919) % 9_000_000,
            mtime_ns: 0,
            sample_hash: format!("s{i}"),
            full_hash: format!("{i:064x}"),
            kind: if video { AssetKind::Video } else { AssetKind::Image },
            container: None,
            video_codec: None,
            audio_codec: None,
            width: Some(if i.is_multiple_of(4) { 1920 } else { 800 }),
            height: Some(1080),
            rotation: 0,
            duration_s: video.then_some((i % 50) as f64),
            frame_rate: None,
            bit_rate: None,
            thumb_path: None,
            status: AssetStatus::Local,
            status_detail: None,
            remote_folder: format!("/products/{}/", ["dress", "shirt", "bag"][(i / 3) % 3]),
            imported_at: 1_767_225_600 - (i as i64 * 3_571) % 5_000_000,
            updated_at: 1_767_225_600,
        }
    }

    /// A library written by the schema before migrations 5 and 6 (with assets, tags, metadata
    /// and folders) opens, upgrades, and every search returns what it returned before.
    #[test]
    fn search_index_migrations_upgrade_a_library_with_data_and_keep_every_result() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.db");
        let mut conn = Connection::open(&path).unwrap();
        super::configure(&mut conn).unwrap();
        crate::schema::migrations().to_version(&mut conn, 4).unwrap();
        {
            let tx = conn.transaction().unwrap();
            let mut ids = Vec::new();
            for i in 0..1200 {
                let id = crate::assets::upsert(&tx, &asset(i)).unwrap();
                let tags: Vec<String> =
                    [["sale", "summer", "new-in"][i % 3], ["dress", "bag"][i % 2]].map(Into::into).into();
                crate::tags::write_asset_tags(&tx, id, &tags[..1 + i % 2]).unwrap();
                if i % 5 != 0 {
                    let (colour, season) = (["red", "navy"][i % 2], ["SS26", "AW26", "SS27"][i % 3]);
                    let meta =
                        serde_json::json!({"price": (i % 40) as f64 * 5.0 + 9.99, "colour": colour, "season": season});
                    crate::metadata::write_asset_metadata(&tx, id, Some(&meta.to_string())).unwrap();
                }
                ids.push(id);
            }
            refresh_fts(&tx, &ids, Indexed::Tags).unwrap();
            refresh_fts(&tx, &ids, Indexed::Metadata).unwrap();
            tx.commit().unwrap();
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, 4);

        let base =
            SearchRequest { account: SANDBOX_ACCOUNT.into(), now: 1_767_225_600, limit: 25, ..Default::default() };
        let folder = SearchFilters {
            folder: Some("/products/dress/".into()),
            kinds: vec![AssetKind::Video],
            ..Default::default()
        };
        let requests = [
            base.clone(),
            SearchRequest { text: Some("dress red".into()), ..base.clone() },
            SearchRequest {
                text: Some("sum".into()),
                sort: Sort { key: SortKey::Relevance, descending: false },
                ..base.clone()
            },
            SearchRequest {
                filters: SearchFilters { tags: vec!["sale".into()], ..Default::default() },
                ..base.clone()
            },
            SearchRequest { filters: folder, offset: 10, ..base.clone() },
            SearchRequest {
                remote_query: Some(r#""customMetadata.price" > 100 AND "customMetadata.colour" = "red""#.into()),
                ..base.clone()
            },
            SearchRequest {
                remote_query: Some(r#""customMetadata.season" IN ["SS26", "AW26"] AND format = "mp4""#.into()),
                ..base.clone()
            },
            SearchRequest {
                remote_query: Some(r#"tags IN ["summer"] AND path : "/products/bag""#.into()),
                sort: Sort { key: SortKey::Size, descending: true },
                ..base.clone()
            },
        ];
        let ids =
            |p: crate::SearchPage| (p.total, p.hits.into_iter().map(|h| (h.asset.id, h.tags)).collect::<Vec<_>>());
        let before: Vec<_> = requests.iter().map(|r| ids(search_on(&conn, r, false).unwrap())).collect();
        assert!(before.iter().all(|(total, _)| *total > 0), "{before:?}");
        drop(conn);

        let lib = Library::open(dir.path()).unwrap();
        for (req, before) in requests.iter().zip(&before) {
            assert_eq!(&ids(lib.search(req).unwrap()), before, "{req:?}");
        }
        // The library as it was before the upgrade was copied first, whole.
        let copies: Vec<PathBuf> = std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("before-schema-{}-from-4-", crate::schema::migrations_count()))
            })
            .collect();
        assert_eq!(copies.len(), 1, "{copies:?}");
        let old = Connection::open(&copies[0]).unwrap();
        let (v, n): (i64, i64) = (
            old.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap(),
            old.query_row("SELECT count(*) FROM assets", [], |r| r.get(0)).unwrap(),
        );
        assert_eq!((v, n), (4, 1200));
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(
            version,
            crate::schema::migrations()
                .current_version(&conn)
                .map(|v| match v {
                    rusqlite_migration::SchemaVersion::Inside(n) => n.get() as i64,
                    _ => 0,
                })
                .unwrap()
        );
        let index = |name: &str| -> bool {
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1)",
                [name],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert!(index("asset_metadata_values_asset_key") && index("assets_folder_kind"));
        assert!(!index("asset_metadata_values_asset") && !index("assets_folder"));
        // The upgraded library was measured for the query planner.
        let measured: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE idx = 'assets_folder_kind')", [], |r| r.get(0))
            .unwrap();
        assert!(measured);
    }
}
