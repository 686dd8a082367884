// What a new library shows: what to do, in one sentence, with the two ways to do it.

import { FolderIcon, ImportIcon, LibraryIcon } from '@/app/icons';

export function EmptyState({ onImportFiles, onImportFolder }: { onImportFiles: () => void; onImportFolder: () => void }) {
  return (
    <div className="empty" data-testid="library-empty">
      <div className="empty-art" aria-hidden="true">
        <LibraryIcon size={44} />
      </div>
      <h2>Your library is empty</h2>
      <p>
        Drop product videos and photos here, or import them from a folder.
        <br />
        Stockroom keeps the originals where they are and makes previews for you.
      </p>
      <div className="empty-actions">
        <button type="button" className="btn btn-primary" onClick={onImportFiles}>
          <ImportIcon size={16} /> Import files…
        </button>
        <button type="button" className="btn" onClick={onImportFolder}>
          <FolderIcon size={16} /> Import folder…
        </button>
      </div>
      <p className="empty-hint">MP4, MOV, WebM, JPEG, PNG, WebP and more</p>
    </div>
  );
}
