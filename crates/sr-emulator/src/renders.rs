//! The Sandbox's transformed outputs: `sr-media`'s planner and renderer (the same ones the local
//! preview uses, so preview = shop by construction) behind a [`RenderCache`] under
//! `<data_dir>/renders/`, keyed by (the stored version, the `tr` as written, the kind of output).
//! A stored version's bytes never change (a new upload is a new version), so its id stands in for
//! the content hash.
//!
//! One render per output at a time: [`Renders::start`] registers a job under the output's path and
//! returns a [`Status`] receiver; a second request for the same output waits on the same job. A
//! failed output stays failed (the remote keeps answering 302 for a video it could not encode,
//! spec §10.5) until the emulator restarts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use sr_media::MediaInfo;
use sr_media::render::{LadderPlan, RenderCache, RenderMode, RenderOptions, RenderPlan, Source};
use tokio::sync::watch;

/// Where a job is.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Building,
    Ready,
    Failed(String),
}

/// What a finished job made, for the `ready` webhook.
#[derive(Debug, Clone, Default)]
pub struct Made {
    pub width: u32,
    pub height: u32,
    pub duration_s: Option<f64>,
    pub bytes: u64,
    pub encoding_ms: u64,
}

pub type Done = Box<dyn FnOnce(Result<Made, String>) + Send>;

/// What to render.
pub enum Work {
    File(RenderPlan),
    Ladder(LadderPlan),
}

pub struct Renders {
    cache: RenderCache,
    dir: PathBuf,
    jobs: Mutex<HashMap<PathBuf, watch::Receiver<Status>>>,
    probes: Mutex<HashMap<String, MediaInfo>>,
}

impl Renders {
    pub fn open(dir: PathBuf) -> std::io::Result<Renders> {
        let cache = RenderCache::new(&dir)?;
        Ok(Renders { cache, dir, jobs: Mutex::new(HashMap::new()), probes: Mutex::new(HashMap::new()) })
    }

    /// The folder every output lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What a stored version is (probed once, then remembered). Blocking.
    pub fn probe(&self, version_id: &str, blob: &Path) -> Result<MediaInfo, sr_media::MediaError> {
        if let Some(info) = self.probes.lock().unwrap_or_else(|p| p.into_inner()).get(version_id) {
            return Ok(info.clone());
        }
        let info = sr_media::probe(blob)?;
        self.probes.lock().unwrap_or_else(|p| p.into_inner()).insert(version_id.to_string(), info.clone());
        Ok(info)
    }

    /// The file (or, for a ladder, the master playlist) this work writes.
    pub fn target(&self, version_id: &str, work: &Work) -> PathBuf {
        match work {
            Work::File(plan) => self.cache.path_for(version_id, plan, RenderMode::Full),
            Work::Ladder(plan) => self.cache.ladder_path_for(version_id, plan),
        }
    }

    /// The job writing `target`, if one was started since the emulator started.
    pub fn status(&self, target: &Path) -> Option<watch::Receiver<Status>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).get(target).cloned()
    }

    /// Starts rendering `work` of the version stored at `blob` into `target` in the background,
    /// unless a job for `target` is already registered (building, or failed): then that one's
    /// status is returned and `on_start`/`done` are not called. `on_start` runs when a new job
    /// starts (the `accepted` webhook), `done` when it ends.
    pub fn start(
        self: &Arc<Self>,
        version_id: &str,
        blob: PathBuf,
        work: Work,
        target: PathBuf,
        on_start: impl FnOnce(),
        done: Done,
    ) -> watch::Receiver<Status> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rx) = jobs.get(&target) {
            let current = rx.borrow().clone();
            if current != Status::Ready || target.exists() {
                return rx.clone();
            }
        }
        let (tx, rx) = watch::channel(Status::Building);
        jobs.insert(target.clone(), rx.clone());
        drop(jobs);
        on_start();
        let me = self.clone();
        let hash = version_id.to_string();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let result = me.run(&blob, &hash, &work).map(|mut m| {
                m.encoding_ms = started.elapsed().as_millis() as u64;
                m
            });
            let _ = tx.send(match &result {
                Ok(_) => Status::Ready,
                Err(e) => Status::Failed(e.clone()),
            });
            done(result);
        });
        rx
    }

    fn run(&self, blob: &Path, hash: &str, work: &Work) -> Result<Made, String> {
        let src = Source { path: blob, content_hash: hash };
        let opts = RenderOptions::default();
        let cancel = AtomicBool::new(false);
        match work {
            Work::File(plan) => {
                let out = self
                    .cache
                    .get_or_render(src, plan, RenderMode::Full, &opts, &mut |_| {}, &cancel)
                    .map_err(|e| e.to_string())?;
                Ok(Made {
                    width: out.width,
                    height: out.height,
                    duration_s: out.duration_s,
                    bytes: out.size,
                    encoding_ms: 0,
                })
            }
            Work::Ladder(plan) => {
                let out = self
                    .cache
                    .get_or_render_ladder(src, plan, &opts, &mut |_| {}, &cancel)
                    .map_err(|e| e.to_string())?;
                let top = plan.rungs.last();
                Ok(Made {
                    width: top.map(|r| r.width).unwrap_or(0),
                    height: top.map(|r| r.height).unwrap_or(0),
                    duration_s: out.duration_s,
                    bytes: out.size,
                    encoding_ms: 0,
                })
            }
        }
    }

    /// Renders a picture (a photo's transformation or a video's thumbnail) now, on a blocking
    /// thread, reusing a cached one.
    pub async fn picture(
        self: &Arc<Self>,
        version_id: &str,
        blob: PathBuf,
        plan: RenderPlan,
    ) -> Result<PathBuf, String> {
        let me = self.clone();
        let hash = version_id.to_string();
        tokio::task::spawn_blocking(move || {
            let target = me.cache.path_for(&hash, &plan, RenderMode::Full);
            if target.is_file() {
                return Ok(target);
            }
            me.run(&blob, &hash, &Work::File(plan)).map(|_| target)
        })
        .await
        .map_err(|e| e.to_string())?
    }
}
