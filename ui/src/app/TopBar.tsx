import type { ReactNode } from 'react';

import { FolderIcon, ImportIcon } from '@/app/icons';
import { SearchBox } from '@/search/SearchBox';

export function TopBar({
  onImportFiles,
  onImportFolder,
  filtersOpen,
  onToggleFilters,
  actions,
}: {
  onImportFiles: () => void;
  onImportFolder: () => void;
  filtersOpen: boolean;
  onToggleFilters: () => void;
  /** Buttons at the far right (uploads, settings). */
  actions?: ReactNode;
}) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Stockroom</span>
      </div>
      <SearchBox filtersOpen={filtersOpen} onToggleFilters={onToggleFilters} />
      <div className="topbar-actions">
        <button type="button" className="btn" onClick={onImportFolder} data-testid="import-folder-button">
          <FolderIcon size={16} /> Import folder…
        </button>
        <button type="button" className="btn btn-primary" onClick={onImportFiles} data-testid="import-button">
          <ImportIcon size={16} /> Import…
        </button>
        {actions}
      </div>
    </header>
  );
}
