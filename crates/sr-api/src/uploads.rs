//! The upload queue in the façade: queue assets for the active account, control jobs, and run the
//! scheduler (`sr-uploads`) with the account from [`Stockroom::remote`].

use std::sync::{Arc, OnceLock};

use sr_library::{JobSpec, NewJob, PostTransform};
use sr_uploads::{SystemClock, UploadTarget, Uploader, UploaderHandle, setting_keys};
use tokio_util::sync::CancellationToken;

use crate::dto_uploads as dto;
use crate::{ApiError, ErrorCode, Stockroom};

/// The queue controls shared by every run in this process.
pub(crate) type UploadsCell = OnceLock<UploaderHandle>;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The façade's view of a scheduler event.
pub fn event_dto(e: sr_uploads::UploadEvent) -> dto::UploadEvent {
    e.into()
}

impl Stockroom {
    fn uploads(&self) -> &UploaderHandle {
        self.uploads.get_or_init(|| UploaderHandle::new(self.library.clone(), Arc::new(SystemClock)))
    }

    /// Every field of the job is named: a new one does not compile until someone decides whether the
    /// queue panel shows it.
    fn job_dto(&self, j: &sr_library::Job) -> dto::UploadJob {
        let sr_library::Job {
            id,
            account,
            asset_id,
            spec,
            state,
            priority,
            position,
            expected_size: _,
            expected_hash: _,
            expected_mtime_ns: _,
            attempts,
            next_retry_at,
            last_error,
            fix,
            note,
            bytes_total,
            bytes_sent,
            maybe_sent: _,
            attempt_started_at: _,
            remote,
            created_at,
            updated_at,
        } = j;
        let JobSpec {
            folder,
            file_name,
            use_unique_file_name,
            overwrite,
            is_private,
            force,
            tags,
            custom_metadata,
            pre_transformation,
            post_transformations,
        } = spec;
        let asset_name = self.library.asset(*asset_id).ok().flatten().map(|a| a.name).unwrap_or_default();
        dto::UploadJob {
            id: *id,
            asset_id: *asset_id,
            asset_name,
            account: account.clone(),
            state: (*state).into(),
            priority: *priority,
            position: *position,
            folder: folder.clone(),
            file_name: file_name.clone(),
            use_unique_file_name: *use_unique_file_name,
            overwrite: *overwrite,
            is_private: *is_private,
            force: *force,
            tags: tags.clone(),
            custom_metadata: custom_metadata.clone(),
            pre_transformation: pre_transformation.clone(),
            post_transformations: post_transformations.iter().map(dto::PostTransformation::from).collect(),
            attempts: *attempts,
            next_retry_at: *next_retry_at,
            last_error: last_error.clone(),
            fix: fix.clone(),
            note: note.clone(),
            bytes_total: *bytes_total,
            bytes_sent: *bytes_sent,
            remote: remote.as_ref().map(dto::RemoteCopy::from),
            created_at: *created_at,
            updated_at: *updated_at,
        }
    }

    /// Queues one upload job per asset for the active account. Each job carries the asset's folder,
    /// tags and metadata from the library, plus what `req` adds. Nothing is sent here.
    pub async fn queue_add(&self, req: dto::QueueAddRequest) -> Result<Vec<dto::UploadJob>, ApiError> {
        if req.asset_ids.is_empty() {
            return Err(ApiError::invalid("Choose at least one asset to upload."));
        }
        if req.file_name.is_some() && req.asset_ids.len() > 1 {
            return Err(ApiError::invalid("A file name can only be given when queueing a single asset."));
        }
        let account = self.remote().await?.account;
        let jobs = new_jobs(&self.library, &req)?;
        let added = self.library.add_upload_jobs(&account, &jobs, now_ms())?;
        // What the request itself added, kept apart from the snapshot: a job still queued sends the
        // asset's tags and metadata as they are when it starts, plus these. (Missing after a crash
        // right here: the job then sends its snapshot, as jobs queued before did.)
        let request = job_request(&req)?;
        for j in &added {
            self.library.set_upload_job_request(j.id, &request)?;
        }
        Ok(added.iter().map(|j| self.job_dto(j)).collect())
    }

    /// The active account's queue, in scheduling order, with totals, the global pause and settings.
    pub async fn queue_list(&self) -> Result<dto::UploadQueue, ApiError> {
        let account = self.remote().await?.account;
        let jobs = self.library.upload_jobs(Some(&account))?;
        let t = dto::UploadTotals::from(&sr_uploads::count_jobs(&jobs));
        Ok(dto::UploadQueue {
            account,
            jobs: jobs.iter().map(|j| self.job_dto(j)).collect(),
            totals: t,
            paused: self.uploads().is_paused(),
            settings: self.upload_settings()?,
            stopped: self.background.stopped(),
        })
    }

    fn control(
        &self,
        job_id: i64,
        verb: &str,
        f: impl FnOnce(&UploaderHandle, i64) -> Result<Option<sr_library::Job>, sr_library::LibraryError>,
    ) -> Result<dto::UploadJob, ApiError> {
        let Some(before) = self.library.upload_job(job_id)? else {
            return Err(ApiError::not_found(format!("There is no upload job #{job_id}.")));
        };
        match f(self.uploads(), job_id)? {
            Some(j) => Ok(self.job_dto(&j)),
            None => Err(ApiError::invalid(format!(
                "Upload job #{job_id} is {}, so it cannot be {verb}.",
                before.state.as_str().replace('_', " ")
            ))),
        }
    }

    /// Pauses a job (a running upload stops; it is re-sent whole on resume).
    pub fn queue_pause(&self, job_id: i64) -> Result<dto::UploadJob, ApiError> {
        self.control(job_id, "paused", |h, id| h.pause_job(id))
    }

    pub fn queue_resume(&self, job_id: i64) -> Result<dto::UploadJob, ApiError> {
        self.control(job_id, "resumed", |h, id| h.resume_job(id))
    }

    pub fn queue_cancel(&self, job_id: i64) -> Result<dto::UploadJob, ApiError> {
        self.control(job_id, "cancelled", |h, id| h.cancel_job(id))
    }

    /// Queues a failed or cancelled job again.
    pub fn queue_retry(&self, job_id: i64) -> Result<dto::UploadJob, ApiError> {
        self.control(job_id, "retried", |h, id| h.retry_job(id))
    }

    pub fn queue_set_priority(&self, job_id: i64, priority: i64) -> Result<dto::UploadJob, ApiError> {
        if !self.library.set_upload_job_priority(job_id, priority, now_ms())? {
            return Err(ApiError::not_found(format!("There is no upload job #{job_id}.")));
        }
        self.control(job_id, "changed", |_, id| self.library.upload_job(id))
    }

    /// Puts `job_ids` first, in that order (drag and drop in the panel).
    pub fn queue_reorder(&self, job_ids: &[i64]) -> Result<(), ApiError> {
        Ok(self.library.reorder_upload_jobs(job_ids, now_ms())?)
    }

    /// The global pause: running uploads finish, no new one starts. Survives restarts.
    pub fn uploads_set_paused(&self, paused: bool) -> Result<(), ApiError> {
        Ok(self.uploads().set_paused(paused)?)
    }

    pub fn upload_settings(&self) -> Result<dto::UploadSettings, ApiError> {
        let concurrency =
            self.library.upload_setting(setting_keys::CONCURRENCY)?.and_then(|v| v.parse().ok()).unwrap_or(3);
        let bandwidth = self.library.upload_setting(setting_keys::BANDWIDTH_LIMIT)?.and_then(|v| v.parse().ok());
        Ok(dto::UploadSettings { concurrency, bandwidth_limit_bytes_per_sec: bandwidth.filter(|b: &u64| *b > 0) })
    }

    pub fn set_upload_settings(&self, s: dto::UploadSettings) -> Result<dto::UploadSettings, ApiError> {
        if !(1..=16).contains(&s.concurrency) {
            return Err(ApiError::invalid("Uploads at once must be between 1 and 16."));
        }
        self.library.set_upload_setting(setting_keys::CONCURRENCY, &s.concurrency.to_string())?;
        self.library.set_upload_setting(
            setting_keys::BANDWIDTH_LIMIT,
            &s.bandwidth_limit_bytes_per_sec.unwrap_or(0).to_string(),
        )?;
        self.upload_settings()
    }

    /// Runs the active account's queue on the caller's runtime, streaming events. With
    /// `until_idle` it returns when nothing is left to do; otherwise when `stop` is cancelled.
    pub async fn run_uploads(
        &self,
        opts: dto::RunUploadsOptions,
        stop: Option<CancellationToken>,
        on_event: impl Fn(dto::UploadEvent) + Send + Sync + 'static,
    ) -> Result<dto::UploadRunSummary, ApiError> {
        let remote = self.remote().await?;
        let stored = self.upload_settings()?;
        let mut settings = sr_uploads::Settings {
            concurrency: opts.concurrency.unwrap_or(stored.concurrency).clamp(1, 64) as usize,
            bandwidth_limit: stored.bandwidth_limit_bytes_per_sec,
            ..Default::default()
        };
        if let Some(ms) = opts.retry_base_ms {
            settings.backoff.base = std::time::Duration::from_millis(ms.max(1));
            settings.probe_interval = std::time::Duration::from_millis(ms.max(1));
        }
        if let Some(seed) = opts.seed {
            settings.seed = seed;
        }
        let target = UploadTarget {
            account: remote.account,
            client: remote.client,
            limits: sr_uploads::AccountLimits {
                max_file_bytes: remote.limits.max_file_bytes,
                max_video_bytes: remote.limits.max_video_bytes,
            },
        };
        let uploader =
            Uploader::new(self.library.clone(), target, Arc::new(SystemClock), settings, Some(self.uploads().clone()));
        let summary = uploader
            .run(opts.until_idle, stop.unwrap_or_default(), move |e| on_event(event_dto(e)))
            .await
            // Not `?`: a run that cannot start (the queue's lock is held, the file unreadable) is a
            // library problem to the person, whatever the IO underneath.
            .map_err(|e| ApiError::new(ErrorCode::Library, e.to_string()))?;
        Ok(dto::UploadRunSummary {
            done: summary.done,
            failed: summary.failed,
            cancelled: summary.cancelled,
            paused: summary.paused,
            interrupted: summary.interrupted,
        })
    }
}

/// What a queue request adds to the asset's own folder, name, tags and metadata.
pub(crate) fn job_request(req: &dto::QueueAddRequest) -> Result<sr_library::JobRequest, ApiError> {
    let folder = match &req.folder {
        Some(f) => Some(sr_imagekit::names::normalize_folder_path(f).map_err(|e| ApiError::invalid(e.to_string()))?),
        None => None,
    };
    Ok(sr_library::JobRequest {
        tags: req.tags.clone(),
        metadata: req.custom_metadata.clone(),
        folder,
        file_name: req.file_name.as_deref().map(sr_imagekit::names::sanitize_file_name),
    })
}

/// The jobs `queue_add` records for `req` (checked, nothing saved): each asset's folder, tags and
/// metadata from the library, plus what `req` adds. Also the watcher's automatic queueing.
pub(crate) fn new_jobs(library: &sr_library::Library, req: &dto::QueueAddRequest) -> Result<Vec<NewJob>, ApiError> {
    let mut post: Vec<PostTransform> = req.post_transformations.iter().map(crate::post::from_dto).collect();
    if let Some(abs) = &req.abs {
        post.push(sr_uploads::parse_abs(abs).map_err(ApiError::invalid)?);
    }
    if let Some(pre) = &req.pre_transformation
        && pre.trim().is_empty()
    {
        return Err(ApiError::invalid("The pre-transformation is empty; remove it or write one, like w-800."));
    }
    let folder_override = match &req.folder {
        Some(f) => Some(sr_imagekit::names::normalize_folder_path(f).map_err(|e| ApiError::invalid(e.to_string()))?),
        None => None,
    };
    let mut jobs = Vec::with_capacity(req.asset_ids.len());
    for &id in &req.asset_ids {
        let Some(asset) = library.asset(id)? else {
            return Err(ApiError::not_found(format!("There is no asset #{id} in this library.")));
        };
        // Refused here, offline, rather than accepted by the remote and failed where nobody sees it.
        crate::post::check(&asset, &post)?;
        let mut tags = library.tags_of(id)?;
        for t in &req.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        let mut meta = library.metadata_of(id)?;
        for (k, v) in &req.custom_metadata {
            meta.insert(k.clone(), v.clone());
        }
        let folder = match &folder_override {
            Some(f) => f.clone(),
            None => sr_imagekit::names::normalize_folder_path(&asset.remote_folder)
                .map_err(|e| ApiError::invalid(e.to_string()))?,
        };
        let file_name = sr_imagekit::names::sanitize_file_name(req.file_name.as_deref().unwrap_or(&asset.name));
        jobs.push(NewJob {
            asset_id: id,
            priority: req.priority,
            spec: JobSpec {
                folder,
                file_name,
                use_unique_file_name: req.unique_name,
                overwrite: req.overwrite,
                is_private: req.private,
                force: req.force,
                tags,
                custom_metadata: meta,
                pre_transformation: req.pre_transformation.clone(),
                post_transformations: post.clone(),
            },
        });
    }
    Ok(jobs)
}
