// Every organisation edit goes through here: call the backend, patch what the grid shows, say what
// happened in a toast with Undo, and bump `revision` so open panels (tags, metadata) reload.

import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import { addTags, removeTags, setFolder, setMetadata, toApiError, undoLast, unsetMetadata } from '@/ipc/api';
import type { EditResult, JsonValue } from '@/ipc/dto';
import type { AssetStore } from '@/library/assetStore';

export class Edits {
  /** Bumped after every saved edit or undo. */
  readonly revision = new Observable(0);

  constructor(
    private readonly assets: AssetStore,
    private readonly toasts: Toasts,
  ) {}

  private done(r: EditResult): EditResult {
    if (r.batch_id !== null) {
      this.toasts.success(`${r.description}.`, { label: 'Undo', run: () => void this.undo(), testId: 'undo-button' });
    } else {
      this.toasts.info(r.description ? `${r.description}.` : 'Nothing needed changing.');
    }
    this.revision.set((n) => n + 1);
    return r;
  }

  /** Runs an edit; on failure shows the backend's message and rejects with it. */
  private async run(edit: () => Promise<EditResult>, after?: () => void): Promise<EditResult> {
    try {
      const r = await edit();
      after?.();
      return this.done(r);
    } catch (e) {
      const err = toApiError(e);
      this.toasts.error(err.message);
      throw err;
    }
  }

  addTags(ids: number[], tags: string[]): Promise<EditResult> {
    return this.run(
      () => addTags(ids, tags),
      () => this.assets.patchTags(ids, (cur) => [...cur, ...tags.filter((t) => !cur.includes(t))]),
    );
  }

  removeTags(ids: number[], tags: string[]): Promise<EditResult> {
    return this.run(
      () => removeTags(ids, tags),
      () => this.assets.patchTags(ids, (cur) => cur.filter((t) => !tags.includes(t))),
    );
  }

  setMetadata(ids: number[], values: Record<string, JsonValue>): Promise<EditResult> {
    return this.run(() => setMetadata(ids, values));
  }

  unsetMetadata(ids: number[], keys: string[]): Promise<EditResult> {
    return this.run(() => unsetMetadata(ids, keys));
  }

  setFolder(ids: number[], folder: string): Promise<EditResult> {
    return this.run(
      () => setFolder(ids, folder),
      () => this.assets.invalidate(),
    );
  }

  /** Reverses the last edit batch (Ctrl+Z or a toast's Undo). */
  async undo(): Promise<void> {
    try {
      const r = await undoLast();
      this.toasts.info(`Undone: ${r.description}.`);
      this.assets.invalidate();
      this.revision.set((n) => n + 1);
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }
}
