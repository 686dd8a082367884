import { useSyncExternalStore } from 'react';

import { useServices } from '@/app/context';
import type { LibraryInfo } from '@/ipc/bindings';
import { formatCount } from '@/library/format';

export function StatusBar({ info }: { info: LibraryInfo | null }) {
  const { assets } = useServices();
  useSyncExternalStore(assets.subscribe, assets.getVersion);
  const count = assets.isLoaded() ? assets.size() : (info?.asset_count ?? 0);
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span className="status-path" title={info?.library_dir}>
        {info ? `Library: ${info.library_dir}` : 'Opening library…'}
      </span>
      <span className="status-count" data-testid="asset-count" data-count={count}>
        {formatCount(count)} {count === 1 ? 'asset' : 'assets'}
        {assets.isFiltered() ? (count === 1 ? ' matches' : ' match') : ''}
      </span>
      {info?.version && <span className="status-version">v{info.version}</span>}
    </footer>
  );
}
