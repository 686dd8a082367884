import { ImportIcon } from '@/app/icons';

export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-card">
        <ImportIcon size={40} />
        <p>Drop files or folders to add them to your library</p>
      </div>
    </div>
  );
}
