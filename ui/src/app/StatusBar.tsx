import { useSyncExternalStore } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import type { LibraryInfo } from '@/ipc/bindings';
import { formatCount } from '@/library/format';

export function StatusBar({ info }: { info: LibraryInfo | null }) {
  const { assets, search } = useServices();
  const searchError = useObservable(search.error);
  useSyncExternalStore(assets.subscribe, assets.getVersion);
  const searching = assets.isFiltered() && !assets.isLoaded();
  const count = assets.isLoaded() ? assets.size() : assets.isFiltered() ? 0 : (info?.asset_count ?? 0);
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span className="status-path" title={info?.library_dir}>
        {info ? `Library: ${info.library_dir}` : 'Opening library…'}
      </span>
      <span className="status-count" data-testid="asset-count" data-count={count}>
        {searching ? (
          searchError ? 'Search failed' : 'Searching…'
        ) : (
          <>
            {formatCount(count)} {count === 1 ? 'asset' : 'assets'}
            {assets.isFiltered() ? (count === 1 ? ' matches' : ' match') : ''}
          </>
        )}
      </span>
      {info?.version && <span className="status-version">v{info.version}</span>}
    </footer>
  );
}
