// The top bar's watch chip ("Watching 3 folders · 2 waiting") and the "Waiting and skipped" view
// it opens: every file in a watched folder that is not (yet) in the library, why, since when, and
// what the person can do about it.

import { useEffect } from 'react';

import { useServices } from '@/app/context';
import { Modal } from '@/app/Modal';
import { useObservable } from '@/app/store';
import type { LedgerAction, LedgerEntry, WatchFolder } from '@/ipc/api';
import { formatDate } from '@/library/format';
import { chipText } from '@/watch/watchStore';

export function WatchChip({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { watch } = useServices();
  const v = useObservable(watch);
  const text = chipText(v.status);
  if (!text || !v.status) return null;
  const s = v.status;
  const attention = s.folders.some((f) => f.health === 'offline') || s.skipped > 0 || !!v.stopped;
  return (
    <button
      type="button"
      className={`btn watch-chip${open ? ' btn-on' : ''}${attention ? ' watch-chip-attention' : ''}`}
      data-testid="watch-chip"
      data-waiting={s.waiting}
      data-skipped={s.skipped}
      aria-expanded={open}
      title={s.held_by ?? 'Files in watched folders that are not in the library yet, and why'}
      onClick={onToggle}
    >
      <span className={`watch-dot${s.running || s.held_by ? ' on' : ''}`} aria-hidden="true" />
      <span className="watch-chip-text">{text}</span>
    </button>
  );
}

const ACTION_LABEL: Record<LedgerAction, string> = {
  retry: 'Retry',
  ingest_anyway: 'Ingest anyway',
  keep_new_version: 'Keep new version',
  ignore: 'Ignore',
};

const ACTION_HINT: Record<LedgerAction, string> = {
  retry: 'Look at the file again now',
  ingest_anyway: 'Bring it into the library now, without waiting',
  keep_new_version: 'Accept the new content as this asset’s version (it is uploaded only when you queue it)',
  ignore: 'Stop listing it here (the file stays where it is)',
};

/** "just now", "3 min ago", "2 h ago", else the date. */
export function formatSince(unixSeconds: number, now = Date.now()): string {
  const s = Math.max(0, Math.round(now / 1000 - unixSeconds));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return formatDate(unixSeconds);
}

/** The folder a ledger file sits in, shown inside its watched folder ("Shoots › day 2"). */
function whereIn(entry: LedgerEntry, root: WatchFolder | undefined): string {
  const dir = entry.path.slice(0, Math.max(0, entry.path.length - entry.name.length)).replace(/[/\\]+$/, '');
  if (!root) return dir;
  const base = root.path.replace(/[/\\]+$/, '');
  const rootName = base.split(/[/\\]/).pop() || base;
  if (dir === base) return rootName;
  if (dir.startsWith(`${base}/`) || dir.startsWith(`${base}\\`)) return [rootName, ...dir.slice(base.length + 1).split(/[/\\]/)].join(' › ');
  return dir;
}

export function LedgerPanel({
  onClose,
  onOpenAsset,
  onManage,
}: {
  onClose: () => void;
  onOpenAsset: (id: number) => void;
  /** Opens Settings at the watched folders. */
  onManage: () => void;
}) {
  const { watch } = useServices();
  const v = useObservable(watch);
  useEffect(() => {
    void watch.refresh();
  }, [watch]);
  const s = v.status;
  const rootOf = new Map((s?.folders ?? []).map((f) => [f.id, f]));
  const ledger = [...(s?.ledger ?? [])].sort((a, b) => (a.state === b.state ? b.updated_at - a.updated_at : a.state === 'waiting' ? -1 : 1));
  const offline = (s?.folders ?? []).filter((f) => f.health === 'offline');
  const scanning = (s?.folders ?? []).filter((f) => f.scanning);

  return (
    <Modal
      title="Waiting and skipped"
      titleId="ledger-title"
      onClose={onClose}
      closeLabel="Close waiting and skipped"
      testId="ledger-panel"
      closeTestId="ledger-close"
      wide
      headExtra={
        <>
          <span className="queue-summary" data-testid="ledger-summary">
            {s ? `${s.waiting} waiting · ${s.skipped} skipped` : v.loaded ? '' : 'Loading…'}
          </span>
          <button type="button" className="btn btn-small btn-ghost" data-testid="ledger-manage" onClick={onManage}>
            Watched folders…
          </button>
        </>
      }
    >
      {v.error && (
        <p className="section-error" role="alert">
          {v.error}
        </p>
      )}
      {v.stopped && (
        <p className="settings-warning" role="alert" data-testid="ledger-stopped">
          {v.stopped}
        </p>
      )}
      {s?.held_by && (
        <p className="settings-note" data-testid="ledger-held-by">
          {s.held_by}
        </p>
      )}
      {offline.map((f) => (
        <p key={f.id} className="settings-warning" data-testid="ledger-offline">
          <strong>{f.path}</strong> is offline. {f.health_reason ?? 'Nothing in it is marked missing while it is away.'}
        </p>
      ))}
      {scanning.map((f) => (
        <p key={f.id} className="settings-note" data-testid="ledger-scanning">
          Checking {f.path}: {f.scanning!.done.toLocaleString('en-US')} of {f.scanning!.total.toLocaleString('en-US')} files.
        </p>
      ))}
      {s && ledger.length === 0 && (
        <p className="ledger-empty" data-testid="ledger-empty">
          Everything that arrived in your watched folders is in the library.
        </p>
      )}
      {ledger.length > 0 && (
        <table className="ledger-table" data-testid="ledger-table">
          <thead>
            <tr>
              <th>File</th>
              <th>Why it is not in the library</th>
              <th>Since</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {ledger.map((e) => (
              <LedgerRow key={`${e.root_id}:${e.path}`} entry={e} where={whereIn(e, rootOf.get(e.root_id))} onOpenAsset={onOpenAsset} />
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}

function LedgerRow({ entry: e, where, onOpenAsset }: { entry: LedgerEntry; where: string; onOpenAsset: (id: number) => void }) {
  const { watch } = useServices();
  const linked = e.reason.kind === 'duplicate' || e.reason.kind === 'replaced_in_place' ? e.reason.asset_id : null;
  return (
    <tr data-testid="ledger-row" data-path={e.path} data-state={e.state} data-reason={e.reason.kind}>
      <td className="ledger-file" title={e.path}>
        <div className="ledger-name" data-testid="ledger-name">
          {e.name}
        </div>
        <div className="ledger-where">{where}</div>
      </td>
      <td>
        <span className={`ledger-state ledger-state-${e.state}`}>{e.state === 'waiting' ? 'Waiting' : 'Skipped'}</span>
        <span className="ledger-message" data-testid="ledger-message">
          {e.message}
        </span>
        {e.detail && <div className="ledger-detail">{e.detail}</div>}
        {linked !== null && (
          <button type="button" className="link-btn" data-testid="ledger-asset-link" onClick={() => onOpenAsset(linked)}>
            Show asset #{linked}
          </button>
        )}
      </td>
      <td className="ledger-since" title={formatDate(e.since)}>
        {formatSince(e.since)}
      </td>
      <td className="ledger-actions">
        {e.actions.map((a) => (
          <button
            key={a}
            type="button"
            className={`btn btn-small${a === 'ignore' ? ' btn-ghost' : ''}`}
            data-testid={`ledger-${a}`}
            title={ACTION_HINT[a]}
            onClick={() => watch.ledgerAction(a, e.path).catch(() => {})}
          >
            {ACTION_LABEL[a]}
          </button>
        ))}
      </td>
    </tr>
  );
}
