// The upload queue as the window sees it. The backend runs the queue in the background and streams
// UploadEvents (watch_uploads); this store loads the queue once (queue_list) and patches rows as
// events arrive, so progress bars move without polling.

import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import { queueAdd, queueJob, queueList, retryUploads, setUploadsPaused, toApiError, watchUploads } from '@/ipc/api';
import type { JobAction } from '@/ipc/api';
import type { QueueAddRequest, UploadEvent, UploadJob, UploadJobState, UploadProgress, UploadsStopped, UploadTotals } from '@/ipc/dto';
import type { BadgeStatus } from '@/library/StatusBadge';

export interface QueueView {
  loaded: boolean;
  account: string;
  jobs: UploadJob[];
  totals: UploadTotals;
  paused: boolean;
  /** Live bytes/percent/speed/ETA of running jobs. */
  progress: ReadonlyMap<number, UploadProgress>;
  /** Jobs whose file is being sent again from the start: bytes and attempt. */
  restarting: ReadonlyMap<number, { bytes_total: number; attempt: number }>;
  /** Jobs being looked up on the remote before anything is re-sent. */
  reconciling: ReadonlySet<number>;
  /** Unix ms of the next connection check while offline; null when online. */
  offlineUntil: number | null;
  /** Publishing has stopped (the queue does not run): why, what to do, when it retries. */
  stopped: UploadsStopped | null;
}

export const EMPTY_TOTALS: UploadTotals = {
  queued: 0,
  waiting_for_network: 0,
  uploading: 0,
  verifying: 0,
  done: 0,
  failed: 0,
  paused: 0,
  cancelled: 0,
  bytes_sent: 0,
  bytes_remaining: 0,
  bytes_per_sec: 0,
  eta_s: null,
};

const EMPTY: QueueView = {
  loaded: false,
  account: '',
  jobs: [],
  totals: EMPTY_TOTALS,
  paused: false,
  progress: new Map(),
  restarting: new Map(),
  reconciling: new Set(),
  offlineUntil: null,
  stopped: null,
};

/**
 * A "Publish" request for assets as the library has them: each job takes the asset's own folder,
 * tags and custom metadata (the backend reads them from the library); nothing is added or overridden.
 */
export function publishRequest(assetIds: number[]): QueueAddRequest {
  return {
    asset_ids: assetIds,
    folder: null,
    file_name: null,
    tags: [],
    custom_metadata: {},
    unique_name: false,
    overwrite: false,
    private: false,
    force: false,
    pre_transformation: null,
    abs: null,
    post_transformations: [],
    priority: 0,
  };
}

/** Jobs still to do (what the top bar's badge counts). */
export function activeCount(t: UploadTotals): number {
  return t.queued + t.waiting_for_network + t.uploading + t.verifying + t.paused;
}

/** The tile badge for a job's state. */
export function badgeFor(state: UploadJobState): BadgeStatus | null {
  switch (state) {
    case 'queued':
    case 'waiting_for_network':
    case 'paused':
      return 'queued';
    case 'uploading':
    case 'verifying':
      return 'uploading';
    case 'done':
      return 'published';
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}

/** Counts per state, from the jobs themselves (used until the backend sends totals). */
function countJobs(jobs: UploadJob[], base: UploadTotals): UploadTotals {
  const t = { ...base, queued: 0, waiting_for_network: 0, uploading: 0, verifying: 0, done: 0, failed: 0, paused: 0, cancelled: 0 };
  for (const j of jobs) t[j.state]++;
  return t;
}

export class UploadQueueStore extends Observable<QueueView> {
  private started = false;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private byAsset = new Map<number, BadgeStatus>();
  /** job_changed events seen per job: a control's answer must not undo a newer event. */
  private eventSeq = new Map<number, number>();

  constructor(private readonly toasts: Toasts) {
    super(EMPTY);
  }

  /** Subscribes to the queue's events and loads it (once per window). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await watchUploads((e) => this.apply(e));
    } catch (e) {
      this.toasts.error(`Upload progress is not available: ${toApiError(e).message}`);
    }
    await this.refresh();
  }

  /** Reloads the whole queue (first paint, an unknown job, an account switch). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      // Something changed while a load was in flight: load once more after it.
      this.again = true;
      return this.refreshing;
    }
    this.again = false;
    const p: Promise<void> = queueList()
      .then(
        (q) =>
          this.update((v) => ({
            ...v,
            loaded: true,
            account: q.account,
            jobs: q.jobs,
            totals: q.totals,
            paused: q.paused,
            stopped: q.stopped,
          })),
        (e) => {
          this.toasts.error(toApiError(e).message);
        },
      )
      .finally(() => {
        this.refreshing = null;
        if (this.again) void this.refresh();
      });
    this.refreshing = p;
    return p;
  }

  private update(f: (v: QueueView) => QueueView): void {
    this.set((v) => {
      const next = f(v);
      if (next.jobs !== v.jobs) {
        // The newest job of each asset decides its tile badge.
        const m = new Map<number, BadgeStatus>();
        const newest = new Map<number, UploadJob>();
        for (const j of next.jobs) {
          const cur = newest.get(j.asset_id);
          if (!cur || j.id > cur.id) newest.set(j.asset_id, j);
        }
        for (const [asset, j] of newest) {
          const b = badgeFor(j.state);
          if (b) m.set(asset, b);
        }
        this.byAsset = m;
      }
      return next;
    });
  }

  /** The upload badge of an asset's tile, if it has a job. */
  assetStatus(assetId: number): BadgeStatus | undefined {
    return this.byAsset.get(assetId);
  }

  private patchJob(id: number, patch: Partial<UploadJob>): boolean {
    const v = this.get();
    const i = v.jobs.findIndex((j) => j.id === id);
    if (i < 0) return false;
    const jobs = v.jobs.slice();
    jobs[i] = { ...jobs[i]!, ...patch };
    this.update((cur) => ({ ...cur, jobs }));
    return true;
  }

  /** One event from the backend. */
  apply(e: UploadEvent): void {
    switch (e.event) {
      case 'started':
        this.update((v) => ({ ...v, stopped: null }));
        void this.refresh();
        break;
      case 'stopped':
        this.update((v) => ({ ...v, stopped: e.stopped }));
        break;
      case 'job_changed': {
        this.eventSeq.set(e.job_id, (this.eventSeq.get(e.job_id) ?? 0) + 1);
        const known = this.patchJob(e.job_id, {
          state: e.state,
          attempts: e.attempts,
          next_retry_at: e.next_retry_at,
          last_error: e.last_error,
          fix: e.fix,
          note: e.note,
          remote: e.remote,
        });
        if (!known) {
          void this.refresh();
          return;
        }
        this.update((v) => {
          const restarting = new Map(v.restarting);
          const reconciling = new Set(v.reconciling);
          const progress = new Map(v.progress);
          if (e.state !== 'uploading') restarting.delete(e.job_id);
          reconciling.delete(e.job_id);
          if (e.state === 'done' || e.state === 'cancelled' || e.state === 'queued') progress.delete(e.job_id);
          const totals = v.loaded ? countJobs(v.jobs, v.totals) : v.totals;
          return { ...v, restarting, reconciling, progress, totals };
        });
        break;
      }
      case 'restarting':
        this.update((v) => {
          const restarting = new Map(v.restarting);
          restarting.set(e.job_id, { bytes_total: e.bytes_total, attempt: e.attempt });
          const progress = new Map(v.progress);
          progress.delete(e.job_id);
          const jobs = v.jobs.map((j) => (j.id === e.job_id ? { ...j, bytes_sent: 0, bytes_total: e.bytes_total } : j));
          return { ...v, restarting, progress, jobs };
        });
        break;
      case 'progress': {
        const p = e.progress;
        this.update((v) => {
          const progress = new Map(v.progress);
          progress.set(p.job_id, p);
          const jobs = v.jobs.map((j) => (j.id === p.job_id ? { ...j, bytes_sent: p.bytes_sent, bytes_total: p.bytes_total } : j));
          return { ...v, progress, jobs };
        });
        break;
      }
      case 'totals':
        this.update((v) => ({ ...v, totals: e.totals }));
        break;
      case 'reconciling':
        this.update((v) => ({ ...v, reconciling: new Set(v.reconciling).add(e.job_id) }));
        break;
      case 'adopted':
        this.patchJob(e.job_id, { note: 'Found already in the media library; nothing was sent again.' });
        break;
      case 'offline':
        this.update((v) => ({ ...v, offlineUntil: e.next_probe_at }));
        break;
      case 'online':
        this.update((v) => ({ ...v, offlineUntil: null }));
        break;
      case 'batch_finished': {
        // A run that ends with nothing done (e.g. restarted for new settings) is not news.
        if (!e.done && !e.failed && !e.cancelled) break;
        const parts = [`${e.done} published`];
        if (e.failed) parts.push(`${e.failed} failed`);
        if (e.cancelled) parts.push(`${e.cancelled} cancelled`);
        if (e.paused) parts.push(`${e.paused} paused`);
        this.toasts.push(e.failed ? 'error' : 'success', `Uploads finished: ${parts.join(', ')}.`);
        break;
      }
    }
  }

  /** Queues the assets for upload ("Publish"). Resolves with the new jobs. */
  async add(request: QueueAddRequest): Promise<UploadJob[]> {
    try {
      const made = await queueAdd(request);
      this.update((v) => {
        const ids = new Set(made.map((j) => j.id));
        const jobs = [...v.jobs.filter((j) => !ids.has(j.id)), ...made];
        return { ...v, jobs, totals: countJobs(jobs, v.totals) };
      });
      const n = made.length;
      this.toasts.success(n === 1 ? `Queued "${made[0]!.asset_name}" for upload.` : `Queued ${n} assets for upload.`);
      return made;
    } catch (e) {
      const err = toApiError(e);
      this.toasts.error(err.message);
      throw err;
    }
  }

  /** Pause, resume, cancel or retry one job. */
  async job(action: JobAction, jobId: number): Promise<void> {
    try {
      const seen = this.eventSeq.get(jobId) ?? 0;
      const j = await queueJob(action, jobId);
      // The queue may already have acted on it (a retried photo can be published before this
      // answer arrives): the events are newer than the answer, so they stand.
      if ((this.eventSeq.get(jobId) ?? 0) !== seen) return;
      this.update((v) => {
        const jobs = v.jobs.map((x) => (x.id === j.id ? j : x));
        return { ...v, jobs, totals: countJobs(jobs, v.totals) };
      });
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }

  /** A stopped background run tries again now. */
  async retryNow(): Promise<void> {
    try {
      await retryUploads();
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }

  /** The global pause: no new upload starts. */
  async setPaused(paused: boolean): Promise<void> {
    try {
      await setUploadsPaused(paused);
      this.update((v) => ({ ...v, paused }));
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }
}
