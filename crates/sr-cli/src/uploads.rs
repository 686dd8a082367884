//! `stockroom queue ...` and `stockroom upload`: the upload queue from the terminal.

use std::io::Write;

use clap::{Args, Subcommand};
use sr_api::dto_uploads as dto;
use sr_api::{ApiError, ErrorCode, Stockroom};

use crate::common::{emit, parse_pairs, print_json, runtime};

#[derive(Subcommand)]
pub enum QueueCommand {
    /// Queue assets for upload to the active account (tags, metadata and folder come from the library).
    Add(Box<AddArgs>),
    /// Show the queue in scheduling order.
    List,
    /// Pause one job (a running upload stops and is re-sent whole on resume).
    Pause { job: i64 },
    /// Resume a paused job.
    Resume { job: i64 },
    /// Cancel a job that has not finished.
    Cancel { job: i64 },
    /// Queue a failed or cancelled job again.
    Retry { job: i64 },
    /// Change a job's priority (higher goes first).
    Priority { job: i64, priority: i64 },
    /// Put these jobs first, in this order.
    Reorder {
        #[arg(required = true)]
        jobs: Vec<i64>,
    },
    /// Pause the whole queue: running uploads finish, no new one starts.
    PauseAll,
    /// Resume the whole queue.
    ResumeAll,
    /// Show or change uploads at once and the bandwidth limit.
    Settings {
        #[arg(long)]
        concurrency: Option<u32>,
        /// Bytes per second for all uploads together; 0 for unlimited.
        #[arg(long, value_name = "BYTES_PER_SEC")]
        bandwidth: Option<u64>,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// Asset ids (see `stockroom assets list`).
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// Remote folder (default: the asset's folder).
    #[arg(long)]
    pub folder: Option<String>,
    /// Remote file name (one asset only; default: the asset's name).
    #[arg(long)]
    pub name: Option<String>,
    /// A tag to add (repeat for more).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Custom metadata, `key=<json>` (e.g. `price=1200`, `color="red"`; a bare word is taken as text).
    #[arg(long = "meta", value_name = "KEY=JSON")]
    pub meta: Vec<String>,
    /// Let the remote add a unique suffix to the name.
    #[arg(long)]
    pub unique_name: bool,
    /// Replace a different file already at that name.
    #[arg(long)]
    pub overwrite: bool,
    /// Private file (signed URLs only).
    #[arg(long)]
    pub private: bool,
    /// Upload even if the same content is already there.
    #[arg(long)]
    pub force: bool,
    /// Pre-transformation applied before storing, e.g. `w-1200`.
    #[arg(long)]
    pub pre: Option<String>,
    /// A streaming ladder made after the upload, e.g. `hls:240_360_720` or `dash:sr-480_1080`
    /// (renditions: 240, 360, 480, 720, 1080, 1440, 2160).
    #[arg(long)]
    pub abs: Option<String>,
    /// An extra version made after the upload, e.g. `w-400,h-400` (repeat for more).
    #[arg(long = "post-tr", value_name = "TR")]
    pub post_tr: Vec<String>,
    /// A video thumbnail made after the upload, e.g. `so-2,w-300` or "" for the first frame (repeat
    /// for more).
    #[arg(long = "post-thumbnail", value_name = "TR")]
    pub post_thumbnail: Vec<String>,
    /// Higher goes first.
    #[arg(long, default_value_t = 0)]
    pub priority: i64,
}

#[derive(Args)]
pub struct UploadArgs {
    /// Uploads at once for this run (default: the queue setting).
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// First retry delay in milliseconds (tests).
    #[arg(long, hide = true)]
    pub retry_base_ms: Option<u64>,
    /// Seed of the retry jitter (tests).
    #[arg(long, hide = true)]
    pub seed: Option<u64>,
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn state_word(s: dto::UploadJobState) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

fn describe(j: &dto::UploadJob) -> String {
    let mut line = format!(
        "#{:<5} {:<20} {:>9}  {}{}  ({})",
        j.id,
        state_word(j.state),
        mb(j.bytes_total),
        j.folder,
        j.file_name,
        j.asset_name
    );
    if !j.post_transformations.is_empty() {
        let post: Vec<String> = j
            .post_transformations
            .iter()
            .map(|p| {
                let value = p.value.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
                let protocol = p.protocol.as_deref().map(|v| format!(" ({v})")).unwrap_or_default();
                format!("{}{value}{protocol}", p.kind)
            })
            .collect();
        line.push_str(&format!("\n       after upload: {}", post.join(", ")));
    }
    if let Some(r) = &j.remote {
        line.push_str(&format!("\n       -> {} {}", r.file_id, r.url));
    }
    if let Some(e) = &j.last_error {
        line.push_str(&format!("\n       {e}"));
    }
    if let Some(f) = &j.fix {
        line.push_str(&format!("\n       fix: {f}"));
    }
    if let Some(n) = &j.note {
        line.push_str(&format!("\n       {n}"));
    }
    line
}

/// `--post-tr` and `--post-thumbnail` as the remote's post-transformations (checked by the façade).
fn post_transformations(versions: &[String], thumbnails: &[String]) -> Vec<dto::PostTransformation> {
    let item = |kind: &str, v: &String| dto::PostTransformation {
        kind: kind.to_owned(),
        value: Some(v.trim().to_owned()).filter(|v| !v.is_empty()),
        protocol: None,
    };
    versions.iter().map(|v| item("transformation", v)).chain(thumbnails.iter().map(|v| item("thumbnail", v))).collect()
}

fn show(j: &dto::UploadJob, json: bool) -> Result<(), ApiError> {
    emit(json, j, |j| println!("{}", describe(j)))
}

pub fn queue(app: &Stockroom, cmd: QueueCommand, json: bool) -> Result<(), ApiError> {
    match cmd {
        QueueCommand::Add(a) => {
            let req = dto::QueueAddRequest {
                asset_ids: a.ids,
                folder: a.folder,
                file_name: a.name,
                tags: a.tags,
                custom_metadata: parse_pairs(&a.meta)?,
                unique_name: a.unique_name,
                overwrite: a.overwrite,
                private: a.private,
                force: a.force,
                pre_transformation: a.pre,
                abs: a.abs,
                post_transformations: post_transformations(&a.post_tr, &a.post_thumbnail),
                priority: a.priority,
            };
            let jobs = runtime()?.block_on(app.queue_add(req))?;
            if json {
                print_json(&jobs)?;
            } else {
                for j in &jobs {
                    println!("{}", describe(j));
                }
                println!("queued {} upload(s); run `stockroom upload` to send them", jobs.len());
            }
        }
        QueueCommand::List => {
            let q = runtime()?.block_on(app.queue_list())?;
            if json {
                print_json(&q)?;
            } else {
                for j in &q.jobs {
                    println!("{}", describe(j));
                }
                let t = &q.totals;
                println!(
                    "{} queued, {} waiting for network, {} uploading, {} done, {} failed, {} paused, {} cancelled{}",
                    t.queued,
                    t.waiting_for_network,
                    t.uploading + t.verifying,
                    t.done,
                    t.failed,
                    t.paused,
                    t.cancelled,
                    if q.paused { " (queue paused)" } else { "" }
                );
            }
        }
        QueueCommand::Pause { job } => show(&app.queue_pause(job)?, json)?,
        QueueCommand::Resume { job } => show(&app.queue_resume(job)?, json)?,
        QueueCommand::Cancel { job } => show(&app.queue_cancel(job)?, json)?,
        QueueCommand::Retry { job } => show(&app.queue_retry(job)?, json)?,
        QueueCommand::Priority { job, priority } => show(&app.queue_set_priority(job, priority)?, json)?,
        QueueCommand::Reorder { jobs } => app.queue_reorder(&jobs)?,
        QueueCommand::PauseAll => app.uploads_set_paused(true)?,
        QueueCommand::ResumeAll => app.uploads_set_paused(false)?,
        QueueCommand::Settings { concurrency, bandwidth } => {
            let mut s = app.upload_settings()?;
            if let Some(c) = concurrency {
                s.concurrency = c;
            }
            if let Some(b) = bandwidth {
                s.bandwidth_limit_bytes_per_sec = (b > 0).then_some(b);
            }
            let s = if concurrency.is_some() || bandwidth.is_some() { app.set_upload_settings(s)? } else { s };
            if json {
                print_json(&s)?;
            } else {
                let bw = s.bandwidth_limit_bytes_per_sec.map(|b| format!("{}/s", mb(b))).unwrap_or("unlimited".into());
                println!("uploads at once: {}, bandwidth: {bw}", s.concurrency);
            }
        }
    }
    Ok(())
}

/// Runs the queue until nothing is left. Any failed job makes the command fail (exit 1).
pub fn upload(app: &Stockroom, args: UploadArgs, json: bool) -> Result<(), ApiError> {
    let opts = dto::RunUploadsOptions {
        concurrency: args.concurrency,
        until_idle: true,
        retry_base_ms: args.retry_base_ms,
        seed: args.seed,
    };
    let on_event = move |e: dto::UploadEvent| {
        if json {
            if let Ok(line) = serde_json::to_string(&e) {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = match e {
            dto::UploadEvent::JobChanged { job_id, state, last_error, note, .. } => writeln!(
                err,
                "#{job_id} {}{}{}",
                state_word(state),
                last_error.map(|m| format!(": {m}")).unwrap_or_default(),
                note.map(|m| format!(" ({m})")).unwrap_or_default()
            ),
            dto::UploadEvent::Restarting { job_id, bytes_total, .. } => {
                writeln!(err, "#{job_id} restarting {} (the whole file is sent again)", mb(bytes_total))
            }
            dto::UploadEvent::Adopted { job_id, file_id } => {
                writeln!(err, "#{job_id} was already in the media library ({file_id}); not sent again")
            }
            dto::UploadEvent::Offline { .. } => writeln!(err, "offline: waiting for the media library to answer"),
            dto::UploadEvent::Online => writeln!(err, "back online"),
            dto::UploadEvent::BatchFinished { done, failed, cancelled, paused } => {
                writeln!(err, "finished: {done} done, {failed} failed, {cancelled} cancelled, {paused} paused")
            }
            _ => Ok(()),
        };
    };
    let summary = runtime()?.block_on(app.run_uploads(opts, None, on_event))?;
    if summary.failed > 0 {
        return Err(ApiError::new(
            ErrorCode::Internal,
            format!("{} upload(s) failed; `stockroom queue list` shows why and how to fix them.", summary.failed),
        ));
    }
    Ok(())
}
