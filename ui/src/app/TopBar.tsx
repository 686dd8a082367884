import { FolderIcon, ImportIcon, SearchIcon } from '@/app/icons';

export function TopBar({ onImportFiles, onImportFolder }: { onImportFiles: () => void; onImportFolder: () => void }) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Stockroom</span>
      </div>
      <label className="search">
        <SearchIcon size={16} />
        <input type="search" placeholder="Search your library (coming soon)" disabled aria-label="Search" data-testid="search" />
      </label>
      <div className="topbar-actions">
        <button type="button" className="btn" onClick={onImportFolder} data-testid="import-folder-button">
          <FolderIcon size={16} /> Import folder…
        </button>
        <button type="button" className="btn btn-primary" onClick={onImportFiles} data-testid="import-button">
          <ImportIcon size={16} /> Import…
        </button>
      </div>
    </header>
  );
}
