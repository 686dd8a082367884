// A sparse, paged view of the library (or of the current search's results) that the grid reads from.
//
// The library can hold 100,000+ assets, so nothing here ever holds all of them: pages are
// requested from the backend (`search` with offset/limit; with no words or filters that is the
// whole library, newest first) when the grid shows their rows, and entries far from what is on
// screen are dropped once the cache is full. Each hit carries its tags, kept for the tiles' badges.
//
// Imports insert assets at the top (the list is newest first), which shifts every index by one.
// Rather than rewriting the cache, entries are stored under `key = index - shift` and each
// insertion bumps `shift`: O(1) per inserted asset, whatever the cache size.

import { search, toApiError } from '@/ipc/api';
import type { ApiError, Asset } from '@/ipc/api';
import type { SearchRequest } from '@/ipc/dto';
import { DEFAULT_REQUEST } from '@/search/request';

/** One page as the store needs it: assets, and (when the backend gave them) each one's tags. */
export interface StorePage {
  total: number;
  offset: number;
  assets: Asset[];
  tags?: string[][];
}

export type FetchPage = (offset: number, limit: number, request: SearchRequest) => Promise<StorePage>;

/** The backend's `search`, shaped as a page. */
export const searchPage: FetchPage = async (offset, limit, request) => {
  const page = await search({ ...request, offset, limit });
  return {
    total: page.total,
    offset: page.offset,
    assets: page.hits.map((h) => h.asset),
    tags: page.hits.map((h) => h.tags),
  };
};

/** The most results one `search` call may return. */
const MAX_LIMIT = 10_000;

export interface AssetStoreOptions {
  /** Assets per page request. */
  pageSize?: number;
  /** Upper bound on cached assets; beyond it the ones farthest from the screen are dropped. */
  maxCached?: number;
  /** Called when a page cannot be loaded. */
  onError?: (e: ApiError) => void;
  /** Backend call, replaceable in tests. */
  fetchPage?: FetchPage;
}

export class AssetStore {
  readonly pageSize: number;
  private readonly maxCached: number;
  private readonly onError: (e: ApiError) => void;
  private readonly fetchPage: FetchPage;

  private request: SearchRequest = DEFAULT_REQUEST;
  private filtered = false;
  private total = 0;
  private readonly tagsById = new Map<number, string[]>();
  /** Keys whose asset may be out of date (after an edit or undo): refetched when on screen. */
  private readonly staleKeys = new Set<number>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private loadedOnce = false;
  private shift = 0;
  private readonly byKey = new Map<number, Asset>();
  private readonly keyById = new Map<number, number>();
  /** Pages in flight or failed, as `${offset}@${shift}`; a failed page is not retried until refresh. */
  private readonly requested = new Set<string>();
  private center = 0;
  private version = 0;
  private generation = 0;
  /** Bumped by every local tag patch: a page asked for before it may carry the old tags. */
  private tagEpoch = 0;
  private readonly listeners = new Set<() => void>();

  constructor(opts: AssetStoreOptions = {}) {
    this.pageSize = opts.pageSize ?? 120;
    this.maxCached = Math.max(opts.maxCached ?? 3000, this.pageSize * 4);
    this.onError = opts.onError ?? (() => {});
    this.fetchPage = opts.fetchPage ?? searchPage;
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

  /** An asset's tags, when its page came with them. */
  tagsOf(id: number): string[] | undefined {
    return this.tagsById.get(id);
  }

  /** The search the store shows (offset and limit are the store's business). */
  currentRequest(): SearchRequest {
    return this.request;
  }

  /** True when a search or filter narrows the library. */
  isFiltered(): boolean {
    return this.filtered;
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
    this.tagsById.clear();
    this.staleKeys.clear();
    this.requested.clear();
    this.shift = 0;
    this.changed();
    return this.loadPage(0);
  }

  /** Shows another search's results (`filtered`: it narrows the library). */
  setRequest(request: SearchRequest, filtered: boolean): Promise<void> {
    this.request = { ...request, offset: 0 };
    this.filtered = filtered;
    this.loadedOnce = false;
    this.total = 0;
    return this.refresh();
  }

  /**
   * Marks everything cached as possibly out of date (after an edit or undo) without blanking the
   * grid: what is on screen stays until its fresh page answers.
   */
  invalidate(): void {
    this.generation++;
    this.requested.clear();
    for (const k of this.byKey.keys()) this.staleKeys.add(k);
    this.changed();
  }

  /**
   * The library changed outside this window's own edits (another process, the watcher): re-read
   * what is shown, in place (like {@link invalidate}); an empty grid asks for its first page, since
   * it has no rows on screen to ask for.
   */
  reloadInPlace(): void {
    this.invalidate();
    if (this.total === 0 || !this.loadedOnce) void this.loadPage(0);
  }

  /** Changes the cached tags of some assets (after a tag edit), so badges update at once. */
  patchTags(ids: number[], change: (tags: string[]) => string[]): void {
    this.tagEpoch++;
    let any = false;
    for (const id of ids) {
      const t = this.tagsById.get(id);
      if (t === undefined) continue;
      this.tagsById.set(id, change(t));
      any = true;
    }
    if (any) this.changed();
  }

  /**
   * Ids of the assets at indices [start, end) of the current results, in order: from the cache
   * when it has them all, otherwise asked for (in pages of up to 10,000).
   */
  /** Ids at indices [start, end) when every one is cached, else null. */
  cachedIdsInRange(start: number, end: number): number[] | null {
    const out: number[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.total); i++) {
      const a = this.at(i);
      if (!a) return null;
      out.push(a.id);
    }
    return out;
  }

  async idsInRange(start: number, end: number): Promise<number[]> {
    const from = Math.max(0, start);
    const to = Math.min(end, this.total);
    const cached = this.cachedIdsInRange(from, to);
    if (cached) return cached;
    const ids: number[] = [];
    for (let off = from; off < to; off += MAX_LIMIT) {
      const page = await this.fetchPage(off, Math.min(MAX_LIMIT, to - off), this.request);
      for (const a of page.assets) ids.push(a.id);
      if (page.assets.length === 0) break;
    }
    return ids;
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
      const key = i - this.shift;
      if (!this.byKey.has(key) || this.staleKeys.has(key)) return false;
    }
    return true;
  }

  private async loadPage(offset: number): Promise<void> {
    const tag = `${offset}@${this.shift}`;
    if (this.requested.has(tag)) return;
    this.requested.add(tag);
    const shiftAtRequest = this.shift;
    const generation = this.generation;
    const tagEpoch = this.tagEpoch;
    let page;
    try {
      page = await this.fetchPage(offset, this.pageSize, this.request);
    } catch (e) {
      if (generation === this.generation) this.onError(toApiError(e));
      return; // stays in `requested`: not retried in a loop; refresh() clears it
    }
    if (generation !== this.generation) return;
    this.requested.delete(tag);
    if (tagEpoch !== this.tagEpoch) {
      // The library was edited while this page was in flight: its tags predate the edit and would
      // undo what the grid shows. Ask again.
      return this.loadPage(offset);
    }
    this.total = page.total;
    this.loadedOnce = true;
    if (shiftAtRequest !== this.shift) {
      // Assets were imported while this page was in flight, so its offsets no longer line up with
      // ours. Keep only the total; the grid asks for the page again at the new offsets.
      this.changed();
      return;
    }
    if (this.staleKeys.size > 0) {
      // A fresh page after invalidate(): results may have moved, so drop stale entries it covers.
      const endKey = page.offset + this.pageSize - this.shift;
      for (let k = page.offset - this.shift; k < endKey; k++) {
        if (this.staleKeys.delete(k)) {
          const old = this.byKey.get(k);
          this.byKey.delete(k);
          if (old && this.keyById.get(old.id) === k) this.keyById.delete(old.id);
        }
      }
    }
    page.assets.forEach((asset, j) => {
      this.put(page.offset + j - this.shift, asset);
      const tags = page.tags?.[j];
      if (tags) this.tagsById.set(asset.id, tags);
    });
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
      this.staleKeys.delete(key);
      if (a) {
        this.keyById.delete(a.id);
        this.tagsById.delete(a.id);
      }
    }
  }

  // ---- changes pushed by imports ----

  /** A newly imported asset goes to the top (newest first). Re-imports update in place. */
  insert(asset: Asset): void {
    if (this.keyById.has(asset.id)) {
      this.update(asset);
      return;
    }
    if (this.filtered) {
      // It may or may not match the search: ask again once the burst of imports settles.
      if (this.refreshTimer === null) {
        this.refreshTimer = setTimeout(() => {
          this.refreshTimer = null;
          this.invalidate();
        }, 400);
      }
      return;
    }
    if (!this.tagsById.has(asset.id)) this.tagsById.set(asset.id, []);
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
