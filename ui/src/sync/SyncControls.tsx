// The top bar's sync cluster: the Sync button (with the phase and n/m while a run goes on, and
// "Synced 3 min ago" or why not under it), a menu for Review changes and the history of runs, and
// the conflict count that opens the conflict view.

import { useEffect, useRef, useState } from 'react';

import { useServices } from '@/app/context';
import { AlertIcon, ChevronIcon, SyncIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import { lastSyncedText, progressText, SYNC_NOW } from '@/sync/syncStore';

/** Re-renders every `ms` so "3 min ago" stays true. */
function useTick(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function SyncControls({
  onReview,
  onHistory,
  onConflicts,
}: {
  onReview: () => void;
  onHistory: () => void;
  onConflicts: () => void;
}) {
  const { sync } = useServices();
  const v = useObservable(sync);
  const now = useTick(30_000);
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const away = (e: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(e.target as Node)) setMenu(false);
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [menu]);

  const conflicts = sync.openConflicts();
  const problem = !!v.overview?.problem;
  const line = v.running ? progressText(v.progress) : v.error ?? lastSyncedText(v.overview, now);
  const pct = v.running && v.progress && v.progress.total > 0 ? Math.min(100, (100 * v.progress.done) / v.progress.total) : null;
  const pending = v.overview?.pending_changes ?? 0;
  const title = v.running
    ? 'Sync is running'
    : `Bring changes from the media library here and send yours there${pending ? ` (${pending} waiting to go)` : ''}`;

  return (
    <div className="sync-cluster" data-testid="sync-cluster">
      <div className="sync-split" ref={menuRef}>
        <button
          type="button"
          className={`btn sync-btn${problem && !v.running ? ' sync-btn-problem' : ''}`}
          data-testid="sync-button"
          data-running={v.running ? 'true' : 'false'}
          data-last-run={v.last?.run_id ?? ''}
          disabled={v.running}
          title={title}
          onClick={() => void sync.run(SYNC_NOW).catch(() => {})}
        >
          <SyncIcon size={16} className={v.running ? 'spin' : undefined} />
          <span className="sync-btn-text">
            <span className="sync-btn-label">{v.running ? 'Syncing…' : 'Sync'}</span>
            <span className="sync-btn-sub" data-testid="sync-last" title={line}>
              {line}
            </span>
          </span>
          {pct !== null && (
            <span className="sync-progress" aria-hidden="true">
              <span style={{ width: `${pct}%` }} />
            </span>
          )}
        </button>
        <button
          type="button"
          className="btn sync-more"
          data-testid="sync-menu"
          aria-label="More sync actions"
          aria-haspopup="menu"
          aria-expanded={menu}
          onClick={() => setMenu((m) => !m)}
        >
          <ChevronIcon size={14} className="chevron-down" />
        </button>
        {menu && (
          <div className="sync-menu" role="menu">
            <button
              type="button"
              role="menuitem"
              data-testid="sync-review-open"
              onClick={() => {
                setMenu(false);
                onReview();
              }}
            >
              Review changes…
              <span>See every change before it happens</span>
            </button>
            <button
              type="button"
              role="menuitem"
              data-testid="sync-history-open"
              onClick={() => {
                setMenu(false);
                onHistory();
              }}
            >
              History of runs…
              <span>What each sync changed, and any errors</span>
            </button>
          </div>
        )}
      </div>
      {conflicts > 0 && (
        <button
          type="button"
          className="btn conflict-badge"
          data-testid="conflict-badge"
          data-count={conflicts}
          title="Fields changed differently here and on the media library: choose which to keep"
          onClick={onConflicts}
        >
          <AlertIcon size={15} />
          {conflicts === 1 ? '1 conflict' : `${conflicts.toLocaleString('en-US')} conflicts`}
        </button>
      )}
    </div>
  );
}
