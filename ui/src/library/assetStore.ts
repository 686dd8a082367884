// A sparse, paged view of the library (newest first) that the grid reads from.
//
// The library can hold 100,000+ assets, so nothing here ever holds all of them: pages are
// requested from the backend (`list_assets` offset/limit) when the grid shows their rows, and
// entries far from what is on screen are dropped once the cache is full.
//
// Imports insert assets at the top (the list is newest first), which shifts every index by one.
// Rather than rewriting the cache, entries are stored under `key = index - shift` and each
// insertion bumps `shift`: O(1) per inserted asset, whatever the cache size.

import { listAssets, toApiError } from '@/ipc/api';
import type { ApiError, Asset } from '@/ipc/api';

export interface AssetStoreOptions {
  /** Assets per `list_assets` call. */
  pageSize?: number;
  /** Upper bound on cached assets; beyond it the ones farthest from the screen are dropped. */
  maxCached?: number;
  /** Called when a page cannot be loaded. */
  onError?: (e: ApiError) => void;
  /** Backend call, replaceable in tests. */
  fetchPage?: typeof listAssets;
}

export class AssetStore {
  readonly pageSize: number;
  private readonly maxCached: number;
  private readonly onError: (e: ApiError) => void;
  private readonly fetchPage: typeof listAssets;

  private total = 0;
  private loadedOnce = false;
  private shift = 0;
  private readonly byKey = new Map<number, Asset>();
  private readonly keyById = new Map<number, number>();
  /** Pages in flight or failed, as `${offset}@${shift}`; a failed page is not retried until refresh. */
  private readonly requested = new Set<string>();
  private center = 0;
  private version = 0;
  private generation = 0;
  private readonly listeners = new Set<() => void>();

  constructor(opts: AssetStoreOptions = {}) {
    this.pageSize = opts.pageSize ?? 120;
    this.maxCached = Math.max(opts.maxCached ?? 3000, this.pageSize * 4);
    this.onError = opts.onError ?? (() => {});
    this.fetchPage = opts.fetchPage ?? listAssets;
  }

  // ---- subscription (useSyncExternalStore) ----

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const fn of [...this.listeners]) fn();
  }

  // ---- reads ----

  /** Number of assets in the library. */
  size(): number {
    return this.total;
  }

  /** True once the first page has answered (so an empty library is really empty). */
  isLoaded(): boolean {
    return this.loadedOnce;
  }

  /** The asset at `index` if its page is cached. */
  at(index: number): Asset | undefined {
    return this.byKey.get(index - this.shift);
  }

  /** Current index of a cached asset. */
  indexOf(id: number): number | undefined {
    const key = this.keyById.get(id);
    return key === undefined ? undefined : key + this.shift;
  }

  byId(id: number): Asset | undefined {
    const key = this.keyById.get(id);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  /** How many assets are cached (for tests and diagnostics). */
  cachedCount(): number {
    return this.byKey.size;
  }

  // ---- loading ----

  /** Drops everything and loads the first page again. */
  refresh(): Promise<void> {
    this.generation++;
    this.byKey.clear();
    this.keyById.clear();
    this.requested.clear();
    this.shift = 0;
    this.changed();
    return this.loadPage(0);
  }

  /**
   * Makes sure indices [start, end) are loaded or on their way; the grid calls this with the rows
   * it renders. One page on each side is fetched ahead so scrolling rarely shows placeholders.
   */
  ensureRange(start: number, end: number): void {
    if (!this.loadedOnce) return;
    const last = Math.min(end, this.total);
    this.center = Math.floor((start + last) / 2);
    if (last <= start) return;
    const first = Math.max(0, start - this.pageSize);
    const stop = Math.min(this.total, last + this.pageSize);
    for (let p = Math.floor(first / this.pageSize) * this.pageSize; p < stop; p += this.pageSize) {
      if (!this.pageComplete(p)) void this.loadPage(p);
    }
  }

  private pageComplete(offset: number): boolean {
    const end = Math.min(offset + this.pageSize, this.total);
    for (let i = offset; i < end; i++) {
      if (!this.byKey.has(i - this.shift)) return false;
    }
    return true;
  }

  private async loadPage(offset: number): Promise<void> {
    const tag = `${offset}@${this.shift}`;
    if (this.requested.has(tag)) return;
    this.requested.add(tag);
    const shiftAtRequest = this.shift;
    const generation = this.generation;
    let page;
    try {
      page = await this.fetchPage(offset, this.pageSize);
    } catch (e) {
      if (generation === this.generation) this.onError(toApiError(e));
      return; // stays in `requested`: not retried in a loop; refresh() clears it
    }
    if (generation !== this.generation) return;
    this.requested.delete(tag);
    this.total = page.total;
    this.loadedOnce = true;
    if (shiftAtRequest !== this.shift) {
      // Assets were imported while this page was in flight, so its offsets no longer line up with
      // ours. Keep only the total; the grid asks for the page again at the new offsets.
      this.changed();
      return;
    }
    page.assets.forEach((asset, j) => this.put(page.offset + j - this.shift, asset));
    this.evict();
    this.changed();
  }

  private put(key: number, asset: Asset): void {
    const previous = this.keyById.get(asset.id);
    if (previous !== undefined && previous !== key) this.byKey.delete(previous);
    const occupant = this.byKey.get(key);
    if (occupant && occupant.id !== asset.id) this.keyById.delete(occupant.id);
    this.byKey.set(key, asset);
    this.keyById.set(asset.id, key);
  }

  private evict(): void {
    const excess = this.byKey.size - this.maxCached;
    if (excess <= 0) return;
    const centerKey = this.center - this.shift;
    const farthest = [...this.byKey.keys()]
      .sort((a, b) => Math.abs(b - centerKey) - Math.abs(a - centerKey))
      .slice(0, excess);
    for (const key of farthest) {
      const a = this.byKey.get(key);
      this.byKey.delete(key);
      if (a) this.keyById.delete(a.id);
    }
  }

  // ---- changes pushed by imports ----

  /** A newly imported asset goes to the top (newest first). Re-imports update in place. */
  insert(asset: Asset): void {
    if (this.keyById.has(asset.id)) {
      this.update(asset);
      return;
    }
    this.shift++;
    this.total++;
    this.loadedOnce = true;
    this.put(-this.shift, asset);
    this.changed();
  }

  /** Replaces the cached copy of an asset, if it is cached. */
  update(asset: Asset): void {
    const key = this.keyById.get(asset.id);
    if (key === undefined) return;
    this.byKey.set(key, asset);
    this.changed();
  }

  /** A thumbnail became available for an asset. */
  setThumbnail(id: number, thumbUrl: string | null): void {
    const a = this.byId(id);
    if (!a || a.thumb_url === thumbUrl) return;
    this.update({ ...a, thumb_url: thumbUrl });
  }
}
