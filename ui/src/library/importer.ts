// Runs imports and turns the backend's event stream into what the UI shows: new tiles at once,
// thumbnails as they are made, an "x of y" progress panel and the list of skipped files.
//
// Drops, the pickers and `window.__stockroom.importPaths` (end-to-end tests) all call `run`, so
// they exercise exactly the same code path.

import { cancelImports, importPaths, toApiError } from '@/ipc/api';
import type { ImportEvent, ImportReport } from '@/ipc/api';
import type { Skipped } from '@/ipc/bindings';
import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import type { AssetStore } from '@/library/assetStore';

export interface ImportState {
  /** The panel is on screen (from the first import until the user closes it). */
  visible: boolean;
  /** At least one import is still running. */
  running: boolean;
  /** Files found so far across the running imports. */
  total: number;
  /** Files processed so far (imported or skipped). */
  done: number;
  imported: number;
  skipped: Skipped[];
  /** The last import failed as a whole (the toast says why). */
  failed: boolean;
  /** The person stopped the import; what was imported stays. */
  cancelled: boolean;
}

export const IDLE_IMPORT: ImportState = {
  visible: false,
  running: false,
  total: 0,
  done: 0,
  imported: 0,
  skipped: [],
  failed: false,
  cancelled: false,
};

export class Importer {
  readonly state = new Observable<ImportState>(IDLE_IMPORT);
  private runs = 0;

  constructor(
    private readonly assets: AssetStore,
    private readonly toasts: Toasts,
    private readonly backend: typeof importPaths = importPaths,
    private readonly cancelBackend: typeof cancelImports = cancelImports,
  ) {}

  /** Stops the running imports between files; what was imported stays in the library. */
  async cancel(): Promise<void> {
    if (this.runs === 0) return;
    this.state.set((s) => ({ ...s, cancelled: true }));
    try {
      await this.cancelBackend();
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }

  /** Imports files and folders; rejects with ApiError (already shown as a toast) on failure. */
  async run(paths: string[]): Promise<ImportReport> {
    if (paths.length === 0) return { imported: [], skipped: [], cancelled: false };
    if (this.runs === 0) {
      this.state.set({ ...IDLE_IMPORT, visible: true, running: true });
    }
    this.runs++;
    // Several imports can overlap (a drop while a folder import runs): each adds its own counts.
    let runTotal = 0;
    let runDone = 0;
    const onEvent = (ev: ImportEvent) => {
      switch (ev.event) {
        case 'discovered': {
          const delta = ev.data.total - runTotal;
          runTotal = ev.data.total;
          this.state.set((s) => ({ ...s, total: s.total + delta }));
          break;
        }
        case 'imported':
          this.assets.insert(ev.data.asset);
          this.state.set((s) => ({ ...s, imported: s.imported + 1 }));
          break;
        case 'skipped':
          this.state.set((s) => ({ ...s, skipped: [...s.skipped, ev.data.skipped] }));
          break;
        case 'thumbnail':
          this.assets.setThumbnail(ev.data.id, ev.data.thumb_url);
          break;
        case 'progress': {
          const dDone = ev.data.done - runDone;
          const dTotal = ev.data.total - runTotal;
          runDone = ev.data.done;
          runTotal = ev.data.total;
          this.state.set((s) => ({ ...s, done: s.done + dDone, total: s.total + dTotal }));
          break;
        }
        case 'finished': {
          if (ev.data.cancelled) break;
          const dDone = runTotal - runDone;
          runDone = runTotal;
          this.state.set((s) => ({ ...s, done: s.done + dDone }));
          break;
        }
      }
    };
    try {
      const report = await this.backend(paths, onEvent);
      const n = report.imported.length;
      const skipped = report.skipped.length;
      if (report.cancelled) {
        this.toasts.push('info', `Import cancelled: ${n} ${n === 1 ? 'file' : 'files'} added; import the folder again to add the rest.`);
      } else if (n > 0 || skipped > 0) {
        this.toasts.push(
          n > 0 ? 'success' : 'info',
          `${n === 0 ? 'Nothing new imported' : `Imported ${n} ${n === 1 ? 'file' : 'files'}`}` +
            (skipped > 0 ? `, ${skipped} skipped` : '') +
            '.',
        );
      }
      return report;
    } catch (e) {
      const err = toApiError(e);
      this.state.set((s) => ({ ...s, failed: true }));
      this.toasts.error(err.message);
      throw err;
    } finally {
      this.runs--;
      if (this.runs === 0) {
        this.state.set((s) => ({ ...s, running: false, done: s.failed || s.cancelled ? s.done : Math.max(s.done, s.total) }));
      }
    }
  }

  /** Hides the panel (only once nothing is running). */
  dismiss(): void {
    if (this.runs === 0) this.state.set(IDLE_IMPORT);
  }
}
