// The app's long-lived state, created once per window (and once per test) and handed down by context.

import { createContext, useContext } from 'react';

import { Toasts } from '@/app/toasts';
import { AssetStore } from '@/library/assetStore';
import { Edits } from '@/library/edits';
import { Importer } from '@/library/importer';
import { Selection } from '@/library/selection';
import { PresetStore } from '@/preview/presetStore';
import { SearchService } from '@/search/searchService';
import { SyncStore } from '@/sync/syncStore';
import { UploadQueueStore } from '@/uploads/queueStore';
import { WatchStore } from '@/watch/watchStore';

export interface AppServices {
  toasts: Toasts;
  assets: AssetStore;
  importer: Importer;
  selection: Selection;
  edits: Edits;
  search: SearchService;
  uploads: UploadQueueStore;
  presets: PresetStore;
  watch: WatchStore;
  sync: SyncStore;
}

export function createServices(
  opts: { pageSize?: number; maxCached?: number; searchDebounceMs?: number; watchCoalesceMs?: number } = {},
): AppServices {
  const toasts = new Toasts();
  let search: SearchService | null = null;
  const assets = new AssetStore({ ...opts, onError: (e) => (search ? search.pageError(e) : toasts.error(e.message)) });
  search = new SearchService(assets, toasts, opts.searchDebounceMs);
  const importer = new Importer(assets, toasts);
  const selection = new Selection(
    (start, end) => assets.idsInRange(start, end),
    (start, end) => assets.cachedIdsInRange(start, end),
  );
  const edits = new Edits(assets, toasts);
  const uploads = new UploadQueueStore(toasts);
  const presets = new PresetStore(toasts);
  const watch = new WatchStore(toasts, assets, opts.watchCoalesceMs);
  const sync = new SyncStore(toasts, assets);
  return { toasts, assets, importer, selection, edits, search, uploads, presets, watch, sync };
}

const Ctx = createContext<AppServices | null>(null);

export const ServicesProvider = Ctx.Provider;

export function useServices(): AppServices {
  const s = useContext(Ctx);
  if (!s) throw new Error('useServices outside ServicesProvider');
  return s;
}
