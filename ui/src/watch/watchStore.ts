// Watched folders as the window sees them, and the library kept current while other processes
// (the background watcher, `stockroom import`, `stockroom watch run`) change it.
//
// The store reads `watch_status` once, then again (coalesced, never two reads at once) whenever
// the watcher says something changed (`follow_watch`) or any process commits to the library
// (`follow_library`: another process's watcher writes its ledger there too). A library change also
// re-reads what the grid shows, in place: the cached tiles stay until their fresh page answers, so
// selection and scroll position are kept.

import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import {
  followLibrary,
  followWatch,
  setWatchSettings,
  toApiError,
  watchAdd,
  watchLedgerAction,
  watchRemove,
  watchSetPaused,
  watchSettings,
  watchStatus,
} from '@/ipc/api';
import type { LedgerCommand, WatchEvent, WatchFolder, WatchFolderRequest, WatchSettings, WatchStatus } from '@/ipc/api';
import type { AssetStore } from '@/library/assetStore';

export interface WatchView {
  loaded: boolean;
  status: WatchStatus | null;
  /** Why the status could not be read, in words. */
  error: string | null;
  /** The watcher stopped (or could not start), in the backend's words; cleared by the next status. */
  stopped: string | null;
}

const EMPTY: WatchView = { loaded: false, status: null, error: null, stopped: null };

/** "Watching 3 folders · 2 waiting · 1 skipped", or null when nothing is watched. */
export function chipText(s: WatchStatus | null): string | null {
  if (!s || s.folders.length === 0) return null;
  const n = s.folders.length;
  const paused = s.folders.filter((f) => f.paused).length;
  const parts = [paused === n ? `Watching paused (${n} ${n === 1 ? 'folder' : 'folders'})` : `Watching ${n} ${n === 1 ? 'folder' : 'folders'}`];
  const offline = s.folders.filter((f) => f.health === 'offline').length;
  if (offline) parts.push(`${offline} offline`);
  if (s.folders.some((f) => f.scanning)) parts.push('checking…');
  if (s.waiting) parts.push(`${s.waiting} waiting`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return parts.join(' · ');
}

export class WatchStore extends Observable<WatchView> {
  private started = false;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  private libraryTimer: ReturnType<typeof setTimeout> | null = null;
  private libraryVersion: number | null = null;

  constructor(
    private readonly toasts: Toasts,
    private readonly assets: AssetStore,
    /** How long events are gathered before one re-read (ms). */
    private readonly coalesceMs = 250,
  ) {
    super(EMPTY);
  }

  /** Subscribes to the watcher and to library changes, and reads the status (once per window). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const quiet = () => {
      /* an older backend, or outside Tauri: the status read below says what is wrong */
    };
    followWatch((e) => this.onWatchEvent(e)).catch(quiet);
    followLibrary((c) => this.onLibraryChange(c.version)).catch(quiet);
    await this.refresh();
  }

  /** Reads `watch_status` now (one read at a time; a request during one makes one more). */
  refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        try {
          const status = await watchStatus();
          this.set((v) => ({ ...v, loaded: true, status, error: null, stopped: status.running ? null : v.stopped }));
        } catch (e) {
          this.set((v) => ({ ...v, loaded: true, error: toApiError(e).message }));
        }
      } while (this.again);
      this.inFlight = null;
    })();
    return this.inFlight;
  }

  private soon(): void {
    if (this.statusTimer !== null) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      void this.refresh();
    }, this.coalesceMs);
  }

  private onWatchEvent(e: WatchEvent): void {
    if (e.type === 'stopped') {
      // The backend retries with a growing wait and says why each time: the same words (e.g.
      // "another Stockroom is watching", while `watch run` runs in a terminal) are toasted once.
      const repeat = this.get().stopped === e.message;
      this.set((v) => ({ ...v, stopped: e.message }));
      if (!repeat) this.toasts.error(e.message);
    }
    if (e.type === 'scan') {
      // Progress patches the folder at once; no re-read per step.
      this.set((v) =>
        v.status
          ? {
              ...v,
              status: {
                ...v.status,
                folders: v.status.folders.map((f) =>
                  f.id === e.root_id ? { ...f, scanning: e.done >= e.total ? null : { done: e.done, total: e.total } } : f,
                ),
              },
            }
          : v,
      );
      if (e.done < e.total) return;
    }
    this.soon();
  }

  private onLibraryChange(version: number): void {
    if (this.libraryVersion !== null && version <= this.libraryVersion) return;
    this.libraryVersion = version;
    this.soon();
    if (this.libraryTimer !== null) return;
    this.libraryTimer = setTimeout(() => {
      this.libraryTimer = null;
      this.assets.reloadInPlace();
    }, this.coalesceMs);
  }

  // ---- actions (each re-reads the status; failures are toasts and rejections) ----

  private async act<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      const err = toApiError(e);
      this.toasts.error(err.message);
      throw err;
    } finally {
      void this.refresh();
    }
  }

  /** Adds a folder; a refused rule rejects with the backend's words (and no toast: the form shows it). */
  async add(req: WatchFolderRequest): Promise<WatchFolder> {
    try {
      return await watchAdd(req);
    } catch (e) {
      throw toApiError(e);
    } finally {
      void this.refresh();
    }
  }

  remove(id: number): Promise<null> {
    return this.act(() => watchRemove(id));
  }

  setPaused(id: number, paused: boolean): Promise<WatchFolder> {
    return this.act(() => watchSetPaused(id, paused));
  }

  ledgerAction(action: LedgerCommand, path: string): Promise<null> {
    return this.act(() => watchLedgerAction(action, path));
  }

  settings(): Promise<WatchSettings> {
    return watchSettings();
  }

  saveSettings(s: WatchSettings): Promise<WatchSettings> {
    return this.act(() => setWatchSettings(s));
  }
}
