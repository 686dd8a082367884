//! The upload queue in the façade: queue assets for the active account, control jobs, and run the
//! scheduler (`sr-uploads`) with the account from [`Stockroom::remote`].

use std::sync::{Arc, OnceLock};

use sr_library::{JobSpec, JobState, NewJob, PostTransform};
use sr_uploads::{SystemClock, UploadTarget, Uploader, UploaderHandle, setting_keys};
use tokio_util::sync::CancellationToken;

use crate::dto_uploads as dto;
use crate::{ApiError, ErrorCode, Stockroom};

/// The queue controls shared by every run in this process.
pub(crate) type UploadsCell = OnceLock<UploaderHandle>;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn state_dto(s: JobState) -> dto::UploadJobState {
    match s {
        JobState::Queued => dto::UploadJobState::Queued,
        JobState::WaitingForNetwork => dto::UploadJobState::WaitingForNetwork,
        JobState::Uploading => dto::UploadJobState::Uploading,
        JobState::Verifying => dto::UploadJobState::Verifying,
        JobState::Done => dto::UploadJobState::Done,
        JobState::Failed => dto::UploadJobState::Failed,
        JobState::Paused => dto::UploadJobState::Paused,
        JobState::Cancelled => dto::UploadJobState::Cancelled,
    }
}

fn copy_dto(c: &sr_library::RemoteCopy) -> dto::RemoteCopy {
    dto::RemoteCopy {
        file_id: c.file_id.clone(),
        url: c.url.clone(),
        version_id: c.version_id.clone(),
        file_path: c.file_path.clone(),
    }
}

fn post_dto(p: &PostTransform) -> dto::PostTransformation {
    dto::PostTransformation { kind: p.kind.clone(), value: p.value.clone(), protocol: p.protocol.clone() }
}

fn totals_dto(t: &sr_uploads::Totals) -> dto::UploadTotals {
    dto::UploadTotals {
        queued: t.queued,
        waiting_for_network: t.waiting_for_network,
        uploading: t.uploading,
        verifying: t.verifying,
        done: t.done,
        failed: t.failed,
        paused: t.paused,
        cancelled: t.cancelled,
        bytes_sent: t.bytes_sent,
        bytes_remaining: t.bytes_remaining,
        bytes_per_sec: t.bytes_per_sec,
        eta_s: t.eta_s,
    }
}

/// The façade's view of a scheduler event.
pub fn event_dto(e: sr_uploads::UploadEvent) -> dto::UploadEvent {
    use sr_uploads::UploadEvent as E;
    match e {
        E::Started { account, interrupted } => dto::UploadEvent::Started { account, interrupted },
        E::JobChanged { job_id, asset_id, state, attempts, next_retry_at, last_error, fix, note, remote } => {
            dto::UploadEvent::JobChanged {
                job_id,
                asset_id,
                state: state_dto(state),
                attempts,
                next_retry_at,
                last_error,
                fix,
                note,
                remote: remote.as_ref().map(copy_dto),
            }
        }
        E::Restarting { job_id, bytes_total, attempt } => dto::UploadEvent::Restarting { job_id, bytes_total, attempt },
        E::Progress(p) => dto::UploadEvent::Progress {
            progress: dto::UploadProgress {
                job_id: p.job_id,
                bytes_sent: p.bytes_sent,
                bytes_total: p.bytes_total,
                percent: p.percent,
                bytes_per_sec: p.bytes_per_sec,
                eta_s: p.eta_s,
            },
        },
        E::Totals(t) => dto::UploadEvent::Totals { totals: totals_dto(&t) },
        E::Reconciling { job_id } => dto::UploadEvent::Reconciling { job_id },
        E::Adopted { job_id, file_id } => dto::UploadEvent::Adopted { job_id, file_id },
        E::Offline { next_probe_at } => dto::UploadEvent::Offline { next_probe_at },
        E::Online => dto::UploadEvent::Online,
        E::BatchFinished { done, failed, cancelled, paused } => {
            dto::UploadEvent::BatchFinished { done, failed, cancelled, paused }
        }
    }
}

impl Stockroom {
    fn uploads(&self) -> &UploaderHandle {
        self.uploads.get_or_init(|| UploaderHandle::new(self.library.clone(), Arc::new(SystemClock)))
    }

    fn job_dto(&self, j: &sr_library::Job) -> dto::UploadJob {
        let asset_name = self.library.asset(j.asset_id).ok().flatten().map(|a| a.name).unwrap_or_default();
        dto::UploadJob {
            id: j.id,
            asset_id: j.asset_id,
            asset_name,
            account: j.account.clone(),
            state: state_dto(j.state),
            priority: j.priority,
            position: j.position,
            folder: j.spec.folder.clone(),
            file_name: j.spec.file_name.clone(),
            use_unique_file_name: j.spec.use_unique_file_name,
            overwrite: j.spec.overwrite,
            is_private: j.spec.is_private,
            force: j.spec.force,
            tags: j.spec.tags.clone(),
            custom_metadata: j.spec.custom_metadata.clone(),
            pre_transformation: j.spec.pre_transformation.clone(),
            post_transformations: j.spec.post_transformations.iter().map(post_dto).collect(),
            attempts: j.attempts,
            next_retry_at: j.next_retry_at,
            last_error: j.last_error.clone(),
            fix: j.fix.clone(),
            note: j.note.clone(),
            bytes_total: j.bytes_total,
            bytes_sent: j.bytes_sent,
            remote: j.remote.as_ref().map(copy_dto),
            created_at: j.created_at,
            updated_at: j.updated_at,
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
        let mut post: Vec<PostTransform> = req
            .post_transformations
            .iter()
            .map(|p| PostTransform { kind: p.kind.clone(), value: p.value.clone(), protocol: p.protocol.clone() })
            .collect();
        if let Some(abs) = &req.abs {
            post.push(sr_uploads::parse_abs(abs).map_err(ApiError::invalid)?);
        }
        if let Some(pre) = &req.pre_transformation
            && pre.trim().is_empty()
        {
            return Err(ApiError::invalid("The pre-transformation is empty; remove it or write one, like w-800."));
        }
        let folder_override = match &req.folder {
            Some(f) => {
                Some(sr_imagekit::names::normalize_folder_path(f).map_err(|e| ApiError::invalid(e.to_string()))?)
            }
            None => None,
        };
        let mut jobs = Vec::with_capacity(req.asset_ids.len());
        for &id in &req.asset_ids {
            let Some(asset) = self.library.asset(id)? else {
                return Err(ApiError::not_found(format!("There is no asset #{id} in this library.")));
            };
            let mut tags = self.library.tags_of(id)?;
            for t in &req.tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
            let mut meta = self.library.metadata_of(id)?;
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
        let added = self.library.add_upload_jobs(&account, &jobs, now_ms())?;
        Ok(added.iter().map(|j| self.job_dto(j)).collect())
    }

    /// The active account's queue, in scheduling order, with totals, the global pause and settings.
    pub async fn queue_list(&self) -> Result<dto::UploadQueue, ApiError> {
        let account = self.remote().await?.account;
        let jobs = self.library.upload_jobs(Some(&account))?;
        let t = totals_dto(&sr_uploads::count_jobs(&jobs));
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
