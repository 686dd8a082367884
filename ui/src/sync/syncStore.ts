// Two-way sync as the window sees it: the overview (when it last synced, or why not; open
// conflicts; pending changes), the run in progress (this window's or the periodic one, through
// `follow_sync`), the last report, the open conflicts, and the remote thumbnails of remote-only
// tiles (fetched once per asset, as tiles come into view).
//
// After anything that changes the library (a run, a resolution, a download) the grid is re-read in
// place, so the tiles' status badges follow without losing the selection or the scroll position.

import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import {
  downloadOriginal,
  fetchRemoteThumbnail,
  followSync,
  resolveConflicts,
  setSyncSettings,
  syncConflicts,
  syncLog,
  syncOverview,
  syncRun,
  syncSettings,
  toApiError,
} from '@/ipc/api';
import type {
  Asset,
  Conflict,
  ConflictResolution,
  SyncOverview,
  SyncProgress,
  SyncReport,
  SyncRequest,
  SyncRun,
  SyncSettings,
} from '@/ipc/api';
import type { AssetStore } from '@/library/assetStore';

export interface SyncView {
  loaded: boolean;
  overview: SyncOverview | null;
  /** Why the overview could not be read, in words. */
  error: string | null;
  /** A run is going on (started here, or the periodic one). */
  running: boolean;
  /** Its phase and n/m, while it runs. */
  progress: SyncProgress | null;
  /** The last finished run's report (dry or not). */
  last: SyncReport | null;
  conflicts: Conflict[];
  conflictsLoaded: boolean;
}

const EMPTY: SyncView = {
  loaded: false,
  overview: null,
  error: null,
  running: false,
  progress: null,
  last: null,
  conflicts: [],
  conflictsLoaded: false,
};

export const DRY_RUN: SyncRequest = { dry_run: true, confirm_deletes: false, full_listing: false };
export const SYNC_NOW: SyncRequest = { dry_run: false, confirm_deletes: false, full_listing: false };

const PHASES: Record<string, string> = {
  pull: 'Checking the media library',
  plan: 'Comparing both sides',
  push: 'Sending changes',
  apply: 'Updating the library',
  done: 'Finishing',
};

/** "Checking the media library · 300 of 1,000", or the phase alone while the total is unknown. */
export function progressText(p: SyncProgress | null): string {
  if (!p) return 'Starting…';
  const phase = PHASES[p.phase] ?? p.phase;
  if (p.total > 0) return `${phase} · ${Math.min(p.done, p.total).toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}`;
  return `${phase}…`;
}

/** A backend time as Unix seconds (times past 1e11 are milliseconds). */
export function secs(t: number): number {
  return t > 1e11 ? t / 1000 : t;
}

/** "just now", "3 min ago", "2 h ago", "3 days ago". */
export function agoText(unixSeconds: number, now = Date.now()): string {
  const s = Math.max(0, Math.round(now / 1000 - secs(unixSeconds)));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  const d = Math.round(s / 86_400);
  return `${d} ${d === 1 ? 'day' : 'days'} ago`;
}

/** The top bar's line under Sync: "Synced 3 min ago", the reason it could not, or "Not synced yet". */
export function lastSyncedText(o: SyncOverview | null, now = Date.now()): string {
  if (!o) return '';
  if (o.problem) return o.problem;
  if (o.last_synced_at === null) return 'Not synced yet';
  return `Synced ${agoText(o.last_synced_at, now)}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A finished run in one sentence, as a merchandiser would say it. */
export function reportSummary(r: SyncReport): string {
  if (r.stopped) return `Sync stopped before changing anything: ${r.stopped}`;
  const here = r.operations.filter((o) => o.side === 'local').length;
  const there = r.operations.length - here;
  const parts: string[] = [];
  if (r.dry_run) {
    parts.push(
      r.operations.length === 0
        ? 'Nothing to change on either side'
        : `${plural(r.operations.length, 'change')} to make (${here} on this computer, ${there} on the media library)`,
    );
  } else {
    const more = r.conflicts_opened > 0 || r.held.length > 0 || r.errors.length > 0;
    parts.push(r.applied > 0 ? `Synced: ${plural(r.applied, 'change')} made` : more ? 'No changes made' : 'Everything was already in sync');
  }
  if (r.conflicts_opened > 0) parts.push(`${plural(r.conflicts_opened, 'conflict')} to resolve`);
  if (r.held.length > 0) parts.push(`${plural(r.held.length, 'delete')} held until you confirm`);
  if (r.errors.length > 0) parts.push(`${plural(r.errors.length, 'file')} could not be synced`);
  return `${parts.join('; ')}.`;
}

export class SyncStore extends Observable<SyncView> {
  private started = false;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private readonly thumbs = new Map<number, Promise<Asset | null>>();
  /** Runs this window started that have not answered yet (a periodic run's report ends none). */
  private own = 0;

  constructor(
    private readonly toasts: Toasts,
    private readonly assets: AssetStore,
  ) {
    super(EMPTY);
  }

  /** Follows the periodic sync, reads the overview and the open conflicts (once per window). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    followSync(
      (p) => this.set((v) => ({ ...v, running: this.own > 0 || p.phase !== 'done', progress: p.phase === 'done' && this.own === 0 ? null : p })),
      (r) => this.finished(r, false),
    ).catch(() => {
      /* an older backend, or outside Tauri: the overview read below says what is wrong */
    });
    await Promise.all([this.refresh(), this.refreshConflicts()]);
  }

  /** Reads `sync_overview` (one read at a time; a request during one makes one more). */
  refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        try {
          const overview = await syncOverview();
          this.set((v) => ({ ...v, loaded: true, overview, error: null, running: this.own > 0 || (v.progress ? v.running : overview.running) }));
        } catch (e) {
          this.set((v) => ({ ...v, loaded: true, error: toApiError(e).message }));
        }
      } while (this.again);
      this.inFlight = null;
    })();
    return this.inFlight;
  }

  async refreshConflicts(): Promise<void> {
    try {
      const conflicts = await syncConflicts(true);
      this.set((v) => ({ ...v, conflicts, conflictsLoaded: true }));
    } catch (e) {
      this.set((v) => ({ ...v, conflictsLoaded: true, error: toApiError(e).message }));
    }
  }

  /** How many conflicts are open (the overview's count until the list has been read). */
  openConflicts(): number {
    const v = this.get();
    return v.conflictsLoaded ? v.conflicts.length : (v.overview?.open_conflicts ?? 0);
  }

  /**
   * Runs a sync (or a dry run) with progress. Rejects with the backend's words (also toasted when
   * `toast`); a real run's outcome is toasted in one sentence.
   */
  async run(req: SyncRequest, { toast = true }: { toast?: boolean } = {}): Promise<SyncReport> {
    this.own++;
    this.set((v) => ({ ...v, running: true, progress: null }));
    try {
      const r = await syncRun(req, (p) => this.set((v) => ({ ...v, running: true, progress: p })));
      this.own--;
      this.finished(r, toast && !req.dry_run);
      return r;
    } catch (e) {
      this.own--;
      const err = toApiError(e);
      this.set((v) => ({ ...v, running: this.own > 0, progress: this.own > 0 ? v.progress : null }));
      if (toast) this.toasts.error(err.message);
      void this.refresh();
      throw err;
    }
  }

  private finished(r: SyncReport, toast: boolean): void {
    const busy = this.own > 0;
    this.set((v) => ({ ...v, running: busy, progress: busy ? v.progress : null, last: r }));
    void this.refresh();
    if (!r.dry_run) {
      void this.refreshConflicts();
      this.assets.reloadInPlace();
    }
    const needsAttention = !!r.stopped || r.errors.length > 0 || r.held.length > 0 || r.conflicts_opened > 0;
    if (toast || (!r.dry_run && needsAttention)) {
      if (r.stopped || r.errors.length > 0) this.toasts.error(reportSummary(r));
      else if (needsAttention) this.toasts.info(reportSummary(r));
      else this.toasts.success(reportSummary(r));
    }
  }

  /** Resolves conflicts the same way, then re-reads the open ones. */
  async resolve(ids: number[], resolution: ConflictResolution): Promise<void> {
    try {
      // The backend answers with the conflicts as settled; the open list is what is left.
      const settled = await resolveConflicts(ids, resolution);
      const gone = new Set([...ids, ...settled.map((c) => c.id)]);
      this.set((v) => ({ ...v, conflicts: v.conflicts.filter((c) => !gone.has(c.id)), conflictsLoaded: true }));
      void this.refreshConflicts();
      const what = ids.length === 1 ? 'Conflict resolved' : `${ids.length} conflicts resolved`;
      const how =
        resolution.kind === 'theirs'
          ? 'the media library’s value is used here now.'
          : `${resolution.kind === 'mine' ? 'yours is kept' : 'your value is saved'}; it goes to the media library with the next sync.`;
      this.toasts.success(`${what}: ${how}`);
    } catch (e) {
      const err = toApiError(e);
      this.toasts.error(err.message);
      throw err;
    } finally {
      void this.refresh();
      this.assets.reloadInPlace();
    }
  }

  history(limit = 50): Promise<SyncRun[]> {
    return syncLog(limit);
  }

  settings(): Promise<SyncSettings> {
    return syncSettings();
  }

  async saveSettings(s: SyncSettings): Promise<SyncSettings> {
    const saved = await setSyncSettings(s);
    void this.refresh();
    return saved;
  }

  /**
   * A remote-only asset's thumbnail, fetched from the remote once (the answer, or the failure, is
   * kept for the window's life: a tile scrolled past twice asks once).
   */
  remoteThumb(id: number): Promise<Asset | null> {
    let p = this.thumbs.get(id);
    if (!p) {
      p = fetchRemoteThumbnail(id).then(
        (a) => {
          this.assets.update(a);
          return a;
        },
        () => null,
      );
      this.thumbs.set(id, p);
    }
    return p;
  }

  /** Downloads a remote-only asset's original; it becomes a local asset with the same id. */
  async download(id: number): Promise<Asset> {
    try {
      const a = await downloadOriginal(id);
      this.assets.update(a);
      this.toasts.success(`Downloaded ${a.name}: it is on this computer now.`);
      return a;
    } catch (e) {
      const err = toApiError(e);
      this.toasts.error(err.message);
      throw err;
    } finally {
      void this.refresh();
    }
  }
}
