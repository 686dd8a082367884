// Channel presets as the window sees them: the saved list, and a revision bumped after every
// change so open panels (the detail panel's URLs) reload. Applying says what happened in a toast.

import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import { applyPreset, deletePreset, listPresets, presetUrls, removePreset, savePreset, toApiError } from '@/ipc/api';
import type { AssetUrl, Preset, PresetApplied } from '@/ipc/api';

export class PresetStore extends Observable<Preset[]> {
  /** Bumped after every save, delete, apply or removal. */
  readonly revision = new Observable(0);

  constructor(private readonly toasts: Toasts) {
    super([]);
  }

  private changed(): void {
    this.revision.set((n) => n + 1);
    void this.load();
  }

  private async run<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const err = toApiError(e);
      this.toasts.error(err.message);
      throw err;
    }
  }

  async load(): Promise<Preset[]> {
    try {
      const list = await listPresets();
      this.set(list);
      return list;
    } catch (e) {
      this.toasts.error(toApiError(e).message);
      return this.get();
    }
  }

  async save(name: string, tr: string): Promise<Preset> {
    const p = await this.run(() => savePreset(name, tr));
    this.changed();
    return p;
  }

  async remove(name: string): Promise<void> {
    await this.run(() => deletePreset(name));
    this.toasts.info(`Deleted preset "${name}".`);
    this.changed();
  }

  /** Records the preset on `ids`; says so in a toast unless `quiet` (the caller says it). */
  async apply(name: string, ids: number[], quiet = false): Promise<PresetApplied> {
    const r = await this.run(() => applyPreset(name, ids));
    if (quiet) {
      this.changed();
      return r;
    }
    const n = r.assets === 1 ? '1 asset' : `${r.assets.toLocaleString('en-US')} assets`;
    this.toasts.success(
      r.added === r.assets ? `Applied "${r.preset.name}" to ${n}.` : `Applied "${r.preset.name}" to ${n} (${r.assets - r.added} had it already).`,
    );
    this.changed();
    return r;
  }

  async unapply(name: string, ids: number[]): Promise<number> {
    const n = await this.run(() => removePreset(name, ids));
    this.changed();
    return n;
  }

  /** Every preset URL of `ids`, rejecting with the backend's message. */
  urls(ids: number[], sign = false): Promise<AssetUrl[]> {
    return presetUrls(ids, sign).catch((e: unknown) => {
      throw toApiError(e);
    });
  }
}
