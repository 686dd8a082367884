//! The persistent upload queue: one row per (account, asset) upload job, and the queue's settings.
//!
//! The queue state, not the bytes, is what survives a crash: every transition is committed before the
//! action it announces (a job is written `uploading` with `maybe_sent = 1` before its first byte leaves),
//! so the scheduler in `sr-uploads` can always tell which jobs may already have reached the remote and
//! must be reconciled before anything is re-sent. Remote state (file ids, URLs) is keyed by `account`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Library, LibraryError};

pub(crate) const MIGRATION_3: &str = r#"
CREATE TABLE upload_jobs (
    id                 INTEGER PRIMARY KEY,
    account            TEXT    NOT NULL,
    asset_id           INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    state              TEXT    NOT NULL CHECK (state IN ('queued','waiting_for_network','uploading','verifying',
                                                         'done','failed','paused','cancelled')),
    priority           INTEGER NOT NULL DEFAULT 0,
    position           INTEGER NOT NULL DEFAULT 0,
    folder             TEXT    NOT NULL,
    file_name          TEXT    NOT NULL,
    unique_name        INTEGER NOT NULL DEFAULT 0,
    overwrite          INTEGER NOT NULL DEFAULT 0,
    private            INTEGER NOT NULL DEFAULT 0,
    force              INTEGER NOT NULL DEFAULT 0,
    tags               TEXT    NOT NULL DEFAULT '[]',
    custom_metadata    TEXT    NOT NULL DEFAULT '{}',
    pre_transformation TEXT,
    post_transformations TEXT  NOT NULL DEFAULT '[]',
    expected_size      INTEGER NOT NULL,
    expected_hash      TEXT    NOT NULL,
    expected_mtime_ns  INTEGER NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_retry_at      INTEGER,
    last_error         TEXT,
    fix                TEXT,
    note               TEXT,
    bytes_total        INTEGER NOT NULL DEFAULT 0,
    bytes_sent         INTEGER NOT NULL DEFAULT 0,
    maybe_sent         INTEGER NOT NULL DEFAULT 0,
    attempt_started_at INTEGER,
    remote_file_id     TEXT,
    remote_url         TEXT,
    remote_version_id  TEXT,
    remote_file_path   TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX upload_jobs_order ON upload_jobs(account, state, priority DESC, position, id);
CREATE INDEX upload_jobs_asset ON upload_jobs(asset_id);
CREATE INDEX upload_jobs_remote ON upload_jobs(account, remote_file_id);
CREATE TABLE upload_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

/// Migration 8, the upload queue's part: what the queue request itself asked for, kept apart
/// from the job's snapshot, so a job still queued sends the asset's organisation as it is when
/// the attempt starts plus what the request added (`NULL`: queued before; the snapshot is sent).
pub(crate) const MIGRATION_8: &str = r#"
ALTER TABLE upload_jobs ADD COLUMN request TEXT;
"#;

/// What a queue request added beyond the asset's own organisation (stored in
/// `upload_jobs.request`): extra tags, metadata overriding the library's, and a folder or file
/// name override (`None`: follow the asset's).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct JobRequest {
    pub tags: Vec<String>,
    pub metadata: Map<String, Value>,
    pub folder: Option<String>,
    pub file_name: Option<String>,
}

/// Where a job stands. `Done`, `Failed` and `Cancelled` are terminal (a failed job can be retried, which
/// queues it again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    WaitingForNetwork,
    Uploading,
    Verifying,
    Done,
    Failed,
    Paused,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 8] = [
        JobState::Queued,
        JobState::WaitingForNetwork,
        JobState::Uploading,
        JobState::Verifying,
        JobState::Done,
        JobState::Failed,
        JobState::Paused,
        JobState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::WaitingForNetwork => "waiting_for_network",
            JobState::Uploading => "uploading",
            JobState::Verifying => "verifying",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Paused => "paused",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Nothing more will happen to the job unless a person acts (retry, re-queue).
    pub fn is_terminal(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed | JobState::Cancelled)
    }

    /// The scheduler may pick the job up (when its `next_retry_at` has passed).
    pub fn is_runnable(self) -> bool {
        matches!(self, JobState::Queued | JobState::WaitingForNetwork)
    }

    /// A process is (or was, before a crash) working on it.
    pub fn is_active(self) -> bool {
        matches!(self, JobState::Uploading | JobState::Verifying)
    }
}

/// One post-upload transformation, stored in the remote's wire shape
/// (`{"type":"abs","value":"sr-240_360","protocol":"hls"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostTransform {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// What the person asked for: where the asset goes and what it carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobSpec {
    /// Remote folder, canonical (`/summer/day1/`).
    pub folder: String,
    /// Remote file name (as sent; the remote may add a unique suffix when `use_unique_file_name`).
    pub file_name: String,
    pub use_unique_file_name: bool,
    pub overwrite: bool,
    pub is_private: bool,
    /// Upload even when the library knows the same content is already at that remote place.
    pub force: bool,
    pub tags: Vec<String>,
    pub custom_metadata: Map<String, Value>,
    pub pre_transformation: Option<String>,
    pub post_transformations: Vec<PostTransform>,
}

/// Where the uploaded file lives on the remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteCopy {
    pub file_id: String,
    pub url: String,
    pub version_id: Option<String>,
    pub file_path: String,
}

/// One upload job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub account: String,
    pub asset_id: i64,
    pub spec: JobSpec,
    pub state: JobState,
    pub priority: i64,
    pub position: i64,
    /// The asset's size, content hash and mtime when it was queued: the bytes that must be sent.
    pub expected_size: u64,
    pub expected_hash: String,
    pub expected_mtime_ns: i64,
    pub attempts: u32,
    /// Unix ms before which the job is not tried again.
    pub next_retry_at: Option<i64>,
    /// What went wrong last, for a person.
    pub last_error: Option<String>,
    /// How to fix it, for a person (failed jobs).
    pub fix: Option<String>,
    /// A remark on how the job ended ("adopted the copy already on the remote", "skipped: duplicate").
    pub note: Option<String>,
    pub bytes_total: u64,
    pub bytes_sent: u64,
    /// Bytes may have reached the remote and the outcome is not recorded: reconcile before re-sending.
    pub maybe_sent: bool,
    /// Unix ms when the last send began.
    pub attempt_started_at: Option<i64>,
    pub remote: Option<RemoteCopy>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job to add: the asset, what to do with it, and its priority (higher first).
#[derive(Debug, Clone)]
pub struct NewJob {
    pub asset_id: i64,
    pub spec: JobSpec,
    pub priority: i64,
}

const COLUMNS: &str = "id, account, asset_id, state, priority, position, folder, file_name, unique_name, overwrite, \
    private, force, tags, custom_metadata, pre_transformation, post_transformations, expected_size, expected_hash, \
    expected_mtime_ns, attempts, next_retry_at, last_error, fix, note, bytes_total, bytes_sent, maybe_sent, \
    attempt_started_at, remote_file_id, remote_url, remote_version_id, remote_file_path, created_at, updated_at";

const ORDER: &str = "ORDER BY priority DESC, position ASC, id ASC";

fn bad_json(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let state: String = r.get(3)?;
    let tags: String = r.get(12)?;
    let meta: String = r.get(13)?;
    let post: String = r.get(15)?;
    let file_id: Option<String> = r.get(28)?;
    Ok(Job {
        id: r.get(0)?,
        account: r.get(1)?,
        asset_id: r.get(2)?,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        priority: r.get(4)?,
        position: r.get(5)?,
        spec: JobSpec {
            folder: r.get(6)?,
            file_name: r.get(7)?,
            use_unique_file_name: r.get(8)?,
            overwrite: r.get(9)?,
            is_private: r.get(10)?,
            force: r.get(11)?,
            tags: serde_json::from_str(&tags).map_err(bad_json)?,
            custom_metadata: serde_json::from_str(&meta).map_err(bad_json)?,
            pre_transformation: r.get(14)?,
            post_transformations: serde_json::from_str(&post).map_err(bad_json)?,
        },
        expected_size: r.get::<_, i64>(16)? as u64,
        expected_hash: r.get(17)?,
        expected_mtime_ns: r.get(18)?,
        attempts: r.get::<_, i64>(19)? as u32,
        next_retry_at: r.get(20)?,
        last_error: r.get(21)?,
        fix: r.get(22)?,
        note: r.get(23)?,
        bytes_total: r.get::<_, i64>(24)? as u64,
        bytes_sent: r.get::<_, i64>(25)? as u64,
        maybe_sent: r.get(26)?,
        attempt_started_at: r.get(27)?,
        remote: match file_id {
            Some(file_id) => Some(RemoteCopy {
                file_id,
                url: r.get::<_, Option<String>>(29)?.unwrap_or_default(),
                version_id: r.get(30)?,
                file_path: r.get::<_, Option<String>>(31)?.unwrap_or_default(),
            }),
            None => None,
        },
        created_at: r.get(32)?,
        updated_at: r.get(33)?,
    })
}

fn get(c: &Connection, id: i64) -> Result<Option<Job>, LibraryError> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM upload_jobs WHERE id = ?1"), [id], from_row).optional()?)
}

/// Writes every mutable column of `job`.
fn write_all(c: &Connection, job: &Job) -> Result<usize, LibraryError> {
    let remote = job.remote.as_ref();
    Ok(c.execute(
        "UPDATE upload_jobs SET state=?2, priority=?3, position=?4, attempts=?5, next_retry_at=?6, last_error=?7,
            fix=?8, note=?9, bytes_total=?10, bytes_sent=?11, maybe_sent=?12, attempt_started_at=?13,
            remote_file_id=?14, remote_url=?15, remote_version_id=?16, remote_file_path=?17, updated_at=?18
         WHERE id=?1",
        params![
            job.id,
            job.state.as_str(),
            job.priority,
            job.position,
            job.attempts as i64,
            job.next_retry_at,
            job.last_error,
            job.fix,
            job.note,
            job.bytes_total as i64,
            job.bytes_sent as i64,
            job.maybe_sent,
            job.attempt_started_at,
            remote.map(|r| r.file_id.as_str()),
            remote.map(|r| r.url.as_str()),
            remote.and_then(|r| r.version_id.as_deref()),
            remote.map(|r| r.file_path.as_str()),
            job.updated_at,
        ],
    )?)
}

impl Library {
    /// Queues uploads of library assets to `account`, snapshotting each asset's size, hash and mtime (the
    /// bytes that must be sent). New jobs go after every existing one of the same priority.
    pub fn add_upload_jobs(&self, account: &str, jobs: &[NewJob], now_ms: i64) -> Result<Vec<Job>, LibraryError> {
        self.write(|tx| {
            let first_pos: i64 =
                tx.query_row("SELECT COALESCE(MAX(position), -1) + 1 FROM upload_jobs", [], |r| r.get(0))?;
            let mut out = Vec::with_capacity(jobs.len());
            for (next_pos, j) in (first_pos..).zip(jobs) {
                let Some(asset) = crate::assets::get(tx, j.asset_id)? else {
                    return Err(LibraryError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
                };
                let s = &j.spec;
                let id: i64 = tx.query_row(
                    "INSERT INTO upload_jobs (account, asset_id, state, priority, position, folder, file_name,
                        unique_name, overwrite, private, force, tags, custom_metadata, pre_transformation,
                        post_transformations, expected_size, expected_hash, expected_mtime_ns, bytes_total,
                        created_at, updated_at)
                     VALUES (?1,?2,'queued',?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?15,?18,?18)
                     RETURNING id",
                    params![
                        account,
                        j.asset_id,
                        j.priority,
                        next_pos,
                        s.folder,
                        s.file_name,
                        s.use_unique_file_name,
                        s.overwrite,
                        s.is_private,
                        s.force,
                        serde_json::to_string(&s.tags).unwrap_or_else(|_| "[]".into()),
                        serde_json::to_string(&s.custom_metadata).unwrap_or_else(|_| "{}".into()),
                        s.pre_transformation,
                        serde_json::to_string(&s.post_transformations).unwrap_or_else(|_| "[]".into()),
                        asset.size as i64,
                        asset.full_hash,
                        asset.mtime_ns,
                        now_ms,
                    ],
                    |r| r.get(0),
                )?;
                out.push(get(tx, id)?.expect("row just inserted"));
            }
            Ok(out)
        })
    }

    pub fn upload_job(&self, id: i64) -> Result<Option<Job>, LibraryError> {
        self.read(|c| get(c, id))
    }

    /// Jobs in scheduling order (priority, then position), all accounts when `account` is `None`.
    pub fn upload_jobs(&self, account: Option<&str>) -> Result<Vec<Job>, LibraryError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM upload_jobs WHERE (?1 IS NULL OR account = ?1) {ORDER}"
            ))?;
            let rows = stmt.query_map([account], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Writes `job` (every mutable column) if its stored state is still `expect`; returns whether it did.
    /// A person's pause or cancel from another process therefore wins over a scheduler's stale view.
    pub fn save_upload_job(&self, job: &Job, expect: JobState) -> Result<bool, LibraryError> {
        self.write(|tx| {
            let current: Option<String> =
                tx.query_row("SELECT state FROM upload_jobs WHERE id = ?1", [job.id], |r| r.get(0)).optional()?;
            if current.as_deref() != Some(expect.as_str()) {
                return Ok(false);
            }
            Ok(write_all(tx, job)? == 1)
        })
    }

    /// Moves a job to `to` if its state is one of `from`, applying `edit` to the row first (it still sees
    /// the old state). Returns the
    /// job as written, or `None` when it does not exist or was in another state.
    pub fn transition_upload_job(
        &self,
        id: i64,
        from: &[JobState],
        to: JobState,
        now_ms: i64,
        edit: impl FnOnce(&mut Job),
    ) -> Result<Option<Job>, LibraryError> {
        self.write(|tx| {
            let Some(mut job) = get(tx, id)? else { return Ok(None) };
            if !from.contains(&job.state) {
                return Ok(None);
            }
            // `edit` sees the state being left; the new state is set after it.
            edit(&mut job);
            job.state = to;
            job.updated_at = now_ms;
            write_all(tx, &job)?;
            Ok(Some(job))
        })
    }

    /// After a crash: jobs of `account` left `uploading`/`verifying` go back to `queued`. Their
    /// `maybe_sent` flag (set before the first byte) makes the scheduler reconcile them first.
    pub fn recover_interrupted_uploads(&self, account: &str, now_ms: i64) -> Result<usize, LibraryError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE upload_jobs SET state='queued', next_retry_at=NULL, updated_at=?2,
                    note='interrupted; checking the media library before sending again'
                 WHERE account=?1 AND state IN ('uploading','verifying')",
                params![account, now_ms],
            )?)
        })
    }

    pub fn set_upload_job_priority(&self, id: i64, priority: i64, now_ms: i64) -> Result<bool, LibraryError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE upload_jobs SET priority=?2, updated_at=?3 WHERE id=?1",
                params![id, priority, now_ms],
            )? == 1)
        })
    }

    /// Puts `ids` first, in that order, and the other jobs after them in their current order.
    pub fn reorder_upload_jobs(&self, ids: &[i64], now_ms: i64) -> Result<(), LibraryError> {
        self.write(|tx| {
            let mut all: Vec<i64> = {
                let mut stmt = tx.prepare("SELECT id FROM upload_jobs ORDER BY position ASC, id ASC")?;
                stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
            };
            all.retain(|id| !ids.contains(id));
            for (pos, id) in ids.iter().chain(all.iter()).enumerate() {
                tx.execute(
                    "UPDATE upload_jobs SET position=?2, updated_at=?3 WHERE id=?1",
                    params![id, pos as i64, now_ms],
                )?;
            }
            Ok(())
        })
    }

    /// A finished job of `account` that put the same content (`hash`) at the same remote place
    /// (`folder` + requested `file_name`), other than `exclude`.
    pub fn upload_done_copy(
        &self,
        account: &str,
        hash: &str,
        folder: &str,
        file_name: &str,
        exclude: i64,
    ) -> Result<Option<Job>, LibraryError> {
        self.read(|c| {
            Ok(c.query_row(
                &format!(
                    "SELECT {COLUMNS} FROM upload_jobs WHERE account=?1 AND expected_hash=?2 AND folder=?3
                     AND file_name=?4 AND id<>?5 AND state='done' AND remote_file_id IS NOT NULL
                     ORDER BY id DESC LIMIT 1"
                ),
                params![account, hash, folder, file_name, exclude],
                from_row,
            )
            .optional()?)
        })
    }

    /// The job of `account` that recorded remote file `file_id`, if any.
    pub fn upload_job_by_remote_file(&self, account: &str, file_id: &str) -> Result<Option<Job>, LibraryError> {
        self.read(|c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM upload_jobs WHERE account=?1 AND remote_file_id=?2 LIMIT 1"),
                params![account, file_id],
                from_row,
            )
            .optional()?)
        })
    }

    /// Rewrites what a job will send (folder, file name, tags, custom metadata) if its state is
    /// one of `expect`; returns whether it did. The uploader refreshes a queued job from the
    /// library and the request right before it claims it, so what is recorded is what is sent.
    pub fn set_upload_job_spec(
        &self,
        job_id: i64,
        spec: &JobSpec,
        expect: &[JobState],
        now_ms: i64,
    ) -> Result<bool, LibraryError> {
        let states: Vec<&str> = expect.iter().map(|s| s.as_str()).collect();
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE upload_jobs SET folder = ?2, file_name = ?3, tags = ?4, custom_metadata = ?5, updated_at = ?6
                 WHERE id = ?1 AND state IN (SELECT value FROM json_each(?7))",
                params![
                    job_id,
                    spec.folder,
                    spec.file_name,
                    serde_json::to_string(&spec.tags).unwrap_or_else(|_| "[]".into()),
                    serde_json::to_string(&spec.custom_metadata).unwrap_or_else(|_| "{}".into()),
                    now_ms,
                    serde_json::to_string(&states).unwrap_or_else(|_| "[]".into()),
                ],
            )? == 1)
        })
    }

    /// Records what the queue request of a job added (see [`JobRequest`]).
    pub fn set_upload_job_request(&self, job_id: i64, r: &JobRequest) -> Result<(), LibraryError> {
        let json = serde_json::to_string(r).unwrap_or_else(|_| "{}".into());
        self.write(|tx| {
            let n = tx.execute("UPDATE upload_jobs SET request = ?2 WHERE id = ?1", params![job_id, json])?;
            if n == 0 {
                return Err(LibraryError::Refused(format!("There is no upload job #{job_id}.")));
            }
            Ok(())
        })
    }

    /// What the queue request of a job added; `None` for a job queued before it was recorded.
    pub fn upload_job_request(&self, job_id: i64) -> Result<Option<JobRequest>, LibraryError> {
        self.read(|c| {
            let json: Option<Option<String>> =
                c.query_row("SELECT request FROM upload_jobs WHERE id = ?1", [job_id], |r| r.get(0)).optional()?;
            Ok(json.flatten().map(|j| serde_json::from_str(&j).map_err(bad_json)).transpose()?)
        })
    }

    pub fn upload_setting(&self, key: &str) -> Result<Option<String>, LibraryError> {
        self.read(|c| {
            Ok(c.query_row("SELECT value FROM upload_settings WHERE key=?1", [key], |r| r.get(0)).optional()?)
        })
    }

    pub fn set_upload_setting(&self, key: &str, value: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO upload_settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }
}
