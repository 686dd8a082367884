// What the search box and filter bar hold, and how it becomes the backend's SearchRequest.
// Kept free of React so the rules (trimming, units, which mode sends what) are unit-tested.

import type { AssetKind, AssetStatus } from '@/ipc/bindings';
import type { SearchFilters, SearchRequest } from '@/ipc/dto';

export type SearchMode = 'words' | 'query';

export interface SearchState {
  /** What the person typed in the top bar. */
  text: string;
  /** `words`: find words in names, tags, metadata, folders; `query`: the remote's searchQuery syntax. */
  mode: SearchMode;
  kinds: AssetKind[];
  statuses: AssetStatus[];
  tags: string[];
  folder: string | null;
  includeSubfolders: boolean;
  /** Text fields as typed: seconds. */
  minDuration: string;
  maxDuration: string;
  /** Text fields as typed: megabytes (1 MB = 1,000,000 bytes, as sizes are shown). */
  minSizeMb: string;
  maxSizeMb: string;
}

export const EMPTY_SEARCH: SearchState = {
  text: '',
  mode: 'words',
  kinds: [],
  statuses: [],
  tags: [],
  folder: null,
  includeSubfolders: true,
  minDuration: '',
  maxDuration: '',
  minSizeMb: '',
  maxSizeMb: '',
};

export const EMPTY_FILTERS: SearchFilters = {
  kinds: [],
  statuses: [],
  tags: [],
  folder: null,
  include_subfolders: false,
  min_duration_s: null,
  max_duration_s: null,
  min_size: null,
  max_size: null,
  min_width: null,
  max_width: null,
  min_height: null,
  max_height: null,
};

/** Newest first, like the unfiltered library. */
export const DEFAULT_REQUEST: SearchRequest = {
  text: null,
  filters: EMPTY_FILTERS,
  remote_query: null,
  sort: { key: 'imported_at', descending: true },
  offset: 0,
  limit: 200,
};

/** A number typed in a range field, or null when empty; `NaN` when it is not a number. */
export function parseAmount(s: string): number | null {
  const t = s.trim().replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? n : Number.NaN;
}

/** Messages for range fields that are not numbers or whose "from" exceeds "to", keyed by field. */
export function rangeProblems(s: SearchState): Partial<Record<keyof SearchState, string>> {
  const out: Partial<Record<keyof SearchState, string>> = {};
  const check = (from: keyof SearchState, to: keyof SearchState, what: string) => {
    const a = parseAmount(s[from] as string);
    const b = parseAmount(s[to] as string);
    if (Number.isNaN(a)) out[from] = `Type a number of ${what}, or leave it empty.`;
    if (Number.isNaN(b)) out[to] = `Type a number of ${what}, or leave it empty.`;
    if (a !== null && b !== null && !Number.isNaN(a) && !Number.isNaN(b) && a > b) {
      out[to] = `"To" is smaller than "from": nothing could match.`;
    }
  };
  check('minDuration', 'maxDuration', 'seconds');
  check('minSizeMb', 'maxSizeMb', 'MB');
  return out;
}

function num(s: string, scale = 1): number | null {
  const n = parseAmount(s);
  return n === null || Number.isNaN(n) ? null : Math.round(n * scale * 1000) / 1000;
}

/** The request for one page of results. Fields the person left empty mean "any". */
export function buildSearchRequest(s: SearchState, offset = 0, limit = 200): SearchRequest {
  const typed = s.text.trim();
  const bytes = (v: string) => {
    const n = num(v, 1_000_000);
    return n === null ? null : Math.round(n);
  };
  return {
    text: s.mode === 'words' && typed !== '' ? typed : null,
    remote_query: s.mode === 'query' && typed !== '' ? typed : null,
    filters: {
      ...EMPTY_FILTERS,
      kinds: [...s.kinds],
      statuses: [...s.statuses],
      tags: s.tags.map((t) => t.trim()).filter((t) => t !== ''),
      folder: s.folder,
      include_subfolders: s.folder !== null && s.includeSubfolders,
      min_duration_s: num(s.minDuration),
      max_duration_s: num(s.maxDuration),
      min_size: bytes(s.minSizeMb),
      max_size: bytes(s.maxSizeMb),
    },
    // Typed words rank by relevance; otherwise the library's usual newest-first order.
    sort: s.mode === 'words' && typed !== '' ? { key: 'relevance', descending: true } : { key: 'imported_at', descending: true },
    offset,
    limit,
  };
}

/** How many filters (not the text) are active, for the filter button's badge. */
export function activeFilterCount(s: SearchState): number {
  let n = 0;
  if (s.kinds.length) n++;
  if (s.statuses.length) n++;
  if (s.tags.length) n++;
  if (s.folder !== null) n++;
  if (s.minDuration.trim() || s.maxDuration.trim()) n++;
  if (s.minSizeMb.trim() || s.maxSizeMb.trim()) n++;
  return n;
}

/** True when nothing narrows the library (the grid shows everything, newest first). */
export function isEmptySearch(s: SearchState): boolean {
  return s.text.trim() === '' && activeFilterCount(s) === 0;
}

/** The state a saved search restores (the reverse of buildSearchRequest, as far as the UI has fields). */
export function stateFromRequest(r: SearchRequest): SearchState {
  const f = { ...EMPTY_FILTERS, ...r.filters };
  const amount = (v: number | null, scale = 1) => (v === null || v === undefined ? '' : String(v / scale));
  return {
    text: r.remote_query ?? r.text ?? '',
    mode: r.remote_query ? 'query' : 'words',
    kinds: [...f.kinds],
    statuses: [...f.statuses],
    tags: [...f.tags],
    folder: f.folder,
    includeSubfolders: f.folder === null ? true : f.include_subfolders,
    minDuration: amount(f.min_duration_s),
    maxDuration: amount(f.max_duration_s),
    minSizeMb: amount(f.min_size, 1_000_000),
    maxSizeMb: amount(f.max_size, 1_000_000),
  };
}
