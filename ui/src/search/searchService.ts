// The live search: what the top bar and filter bar hold, turned into the grid's request. Typing is
// debounced; filter changes apply at once. A query the backend refuses (e.g. a malformed
// searchQuery) is shown beside the box, not as a toast.

import { Observable } from '@/app/store';
import type { Toasts } from '@/app/toasts';
import { deleteSavedSearch, saveSearch, savedSearches, toApiError } from '@/ipc/api';
import type { ApiError } from '@/ipc/api';
import type { SavedSearch } from '@/ipc/dto';
import type { AssetStore } from '@/library/assetStore';
import { buildSearchRequest, EMPTY_SEARCH, isEmptySearch, stateFromRequest } from '@/search/request';
import type { SearchState } from '@/search/request';

export class SearchService {
  readonly state = new Observable<SearchState>(EMPTY_SEARCH);
  /** Why the current search could not run, for showing under the box. */
  readonly error = new Observable<string | null>(null);
  readonly saved = new Observable<SavedSearch[]>([]);
  /** The saved search the grid shows, until the search is changed. */
  readonly activeSaved = new Observable<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private applied = JSON.stringify(buildSearchRequest(EMPTY_SEARCH));

  constructor(
    private readonly assets: AssetStore,
    private readonly toasts: Toasts,
    private readonly debounceMs = 250,
  ) {}

  /** Changes the search; `typing` waits for a pause before asking the backend. */
  update(patch: Partial<SearchState>, typing = false): void {
    this.activeSaved.set(null);
    this.state.set((s) => ({ ...s, ...patch }));
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (typing) this.timer = setTimeout(() => this.apply(), this.debounceMs);
    else this.apply();
  }

  reset(): void {
    this.update(EMPTY_SEARCH);
  }

  /** Runs the current search now (Enter in the box). */
  apply(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.state.get();
    const request = buildSearchRequest(s, 0, this.assets.pageSize);
    const key = JSON.stringify(request);
    if (key === this.applied) return;
    this.applied = key;
    this.error.set(null);
    void this.assets.setRequest(request, !isEmptySearch(s));
  }

  /** The store's page errors come here: a refused search is shown inline, anything else as a toast. */
  pageError(e: ApiError): void {
    if (e.code === 'invalid_input' && this.assets.isFiltered()) this.error.set(e.message);
    else this.toasts.error(e.message);
  }

  async loadSaved(): Promise<void> {
    try {
      this.saved.set(await savedSearches());
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }

  async save(name: string): Promise<void> {
    const n = name.trim();
    if (!n) return;
    try {
      await saveSearch(n, buildSearchRequest(this.state.get()));
      this.toasts.success(`Saved the search "${n}".`);
      await this.loadSaved();
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await deleteSavedSearch(name);
      if (this.activeSaved.get() === name) this.activeSaved.set(null);
      this.toasts.info(`Forgot the saved search "${name}".`);
      await this.loadSaved();
    } catch (e) {
      this.toasts.error(toApiError(e).message);
    }
  }

  restore(s: SavedSearch): void {
    this.update(stateFromRequest(s.request));
    this.activeSaved.set(s.name);
  }
}
