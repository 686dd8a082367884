// Review changes: a dry run lists every change a sync would make, on this computer and on the
// media library, grouped by asset (with its thumbnail); deletes held by the fuse wait for Confirm
// deletes; Sync now then runs it for real and says what it did.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { AlertIcon, CloudIcon, ImageIcon, LaptopIcon } from '@/app/icons';
import { Modal } from '@/app/Modal';
import { useObservable } from '@/app/store';
import { getAsset, toApiError } from '@/ipc/api';
import type { Asset, SyncOp, SyncReport, SyncSide } from '@/ipc/api';
import { DRY_RUN, progressText, reportSummary } from '@/sync/syncStore';

const SIDE_TITLE: Record<SyncSide, string> = {
  local: 'On this computer',
  remote: 'On the media library',
};

const SIDE_EMPTY: Record<SyncSide, string> = {
  local: 'Nothing changes here.',
  remote: 'Nothing changes on the media library.',
};

interface Group {
  key: string;
  assetId: number | null;
  ops: SyncOp[];
}

/** Operations of one side, grouped by asset in the plan's order (folder operations on their own). */
export function groupByAsset(ops: SyncOp[]): Group[] {
  const out: Group[] = [];
  const at = new Map<string, Group>();
  for (const op of ops) {
    const key = op.asset_id !== null ? `a${op.asset_id}` : op.file_id !== null ? `f${op.file_id}` : `k${op.kind}:${op.key ?? ''}`;
    let g = at.get(key);
    if (!g) {
      g = { key, assetId: op.asset_id, ops: [] };
      at.set(key, g);
      out.push(g);
    }
    g.ops.push(op);
  }
  return out;
}

/** The assets the operations name, from the grid's cache or fetched (a few dozen at most). */
function useAssets(ids: number[]): Map<number, Asset> {
  const { assets } = useServices();
  const [fetched, setFetched] = useState<Map<number, Asset>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    const missing = ids.filter((id) => !assets.byId(id)).slice(0, 60);
    void Promise.all(missing.map((id) => getAsset(id).catch(() => null))).then((list) => {
      if (!live) return;
      setFetched(new Map(list.filter((a): a is Asset => a !== null).map((a) => [a.id, a])));
    });
    return () => {
      live = false;
    };
  }, [key, assets]);
  const out = new Map(fetched);
  for (const id of ids) {
    const a = assets.byId(id);
    if (a) out.set(id, a);
  }
  return out;
}

export function ReviewPanel({ onClose, onConflicts }: { onClose: () => void; onConflicts: () => void }) {
  const { sync } = useServices();
  const v = useObservable(sync);
  const [plan, setPlan] = useState<SyncReport | null>(null);
  const [result, setResult] = useState<SyncReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [phase, setPhase] = useState<'planning' | 'ready' | 'syncing' | 'done'>('planning');

  const review = async () => {
    setPhase('planning');
    setError(null);
    setResult(null);
    setConfirmed(false);
    try {
      setPlan(await sync.run(DRY_RUN, { toast: false }));
    } catch (e) {
      setError(toApiError(e).message);
    }
    setPhase('ready');
  };
  useEffect(() => {
    void review();
  }, []);

  const syncNow = async () => {
    setPhase('syncing');
    setError(null);
    try {
      setResult(await sync.run({ dry_run: false, confirm_deletes: confirmed, full_listing: false }, { toast: false }));
      setPhase('done');
    } catch (e) {
      setError(toApiError(e).message);
      setPhase('ready');
    }
  };

  const shown = result ?? plan;
  const ops = shown?.operations ?? [];
  const ids = [...new Set([...ops, ...(shown?.held ?? [])].map((o) => o.asset_id).filter((x): x is number => x !== null))];
  const byId = useAssets(ids);
  const nothing = !!plan && plan.operations.length === 0 && plan.held.length === 0 && !plan.stopped;

  return (
    <Modal
      title={phase === 'done' ? 'Sync finished' : 'Review changes'}
      titleId="review-title"
      onClose={onClose}
      closeLabel="Close review changes"
      testId="review-panel"
      closeTestId="review-close"
      wide
    >
      {shown && phase === 'ready' && !nothing && (
        <p className="review-lead" data-testid="review-summary">
          {reportSummary(shown)} Nothing happens until you press Sync now.
        </p>
      )}
      {(phase === 'planning' || phase === 'syncing') && (
        <div className="review-progress" role="status" data-testid="review-progress">
          <span className="spinner" aria-hidden="true" />
          {phase === 'planning' ? 'Working out what would change' : 'Syncing'}: {progressText(v.progress)}
        </div>
      )}
      {error && (
        <p className="section-error" role="alert" data-testid="review-error">
          {error}
        </p>
      )}
      {shown?.stopped && (
        <p className="settings-warning" role="alert" data-testid="review-stopped">
          <strong>Nothing will be changed.</strong> {shown.stopped}
        </p>
      )}
      {phase === 'done' && result && (
        <p className={result.errors.length ? 'settings-warning' : 'settings-note review-done'} data-testid="review-result">
          {reportSummary(result)}
        </p>
      )}
      {nothing && phase === 'ready' && (
        <p className="ledger-empty" data-testid="review-nothing">
          Everything is in sync: nothing would change on either side.
        </p>
      )}
      {shown && (ops.length > 0 || phase === 'done') && (
        <div className="review-sides">
          {(['local', 'remote'] as const).map((side) => (
            <SideColumn key={side} side={side} ops={ops.filter((o) => o.side === side)} byId={byId} />
          ))}
        </div>
      )}
      {shown && shown.conflicts_opened > 0 && (
        <p className="settings-note" data-testid="review-conflicts">
          <AlertIcon size={14} /> {shown.conflicts_opened === 1 ? 'One field was' : `${shown.conflicts_opened} fields were`} changed
          differently on both sides: {phase === 'done' ? 'they wait for you in ' : 'they will wait for you in '}
          <button type="button" className="link-btn" onClick={onConflicts}>
            Conflicts
          </button>
          , and nothing else of those assets is held up.
        </p>
      )}
      {shown && shown.held.length > 0 && phase !== 'done' && (
        <section className="review-held" data-testid="review-held">
          <h3 className="section-title">
            {shown.held.length === 1 ? '1 delete held' : `${shown.held.length} deletes held`} until you confirm
          </h3>
          {shown.held_reason && <p className="settings-note">{shown.held_reason}</p>}
          <ul className="review-ops">
            {shown.held.map((op, i) => (
              <li key={i} data-testid="review-held-op">
                {op.summary}
              </li>
            ))}
          </ul>
          <label className="check review-confirm">
            <input type="checkbox" data-testid="review-confirm-deletes" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
            Confirm deletes: let these go ahead with Sync now (files on this computer are never deleted)
          </label>
        </section>
      )}
      {shown && shown.notes.length > 0 && (
        <ul className="review-notes" data-testid="review-notes">
          {shown.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {shown && shown.errors.length > 0 && (
        <ul className="review-errors" data-testid="review-errors">
          {shown.errors.map((e, i) => (
            <li key={i}>
              {e.message}
              {e.will_retry ? ' It is tried again at the next sync.' : ''}
              {e.request_id && <span className="mono"> (request {e.request_id})</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="settings-actions review-actions">
        {phase !== 'done' ? (
          <>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="review-sync-now"
              disabled={phase !== 'ready' || !plan || !!plan.stopped}
              onClick={() => void syncNow()}
            >
              {confirmed ? 'Sync now, with the deletes' : 'Sync now'}
            </button>
            <button type="button" className="btn btn-ghost" data-testid="review-again" disabled={phase !== 'ready'} onClick={() => void review()}>
              Check again
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-primary" data-testid="review-done" onClick={onClose}>
            Done
          </button>
        )}
      </div>
    </Modal>
  );
}

function SideColumn({ side, ops, byId }: { side: SyncSide; ops: SyncOp[]; byId: Map<number, Asset> }) {
  const groups = groupByAsset(ops);
  return (
    <section className="review-side" data-testid={`review-side-${side}`} data-count={ops.length}>
      <h3 className="review-side-title">
        {side === 'local' ? <LaptopIcon size={16} /> : <CloudIcon size={16} />}
        {SIDE_TITLE[side]}
        <span className="review-count">{ops.length}</span>
      </h3>
      {groups.length === 0 && <p className="review-empty">{SIDE_EMPTY[side]}</p>}
      <ul className="review-groups">
        {groups.map((g) => {
          const a = g.assetId !== null ? byId.get(g.assetId) : undefined;
          return (
            <li key={g.key} className="review-group" data-testid="review-group" data-asset-id={g.assetId ?? undefined}>
              <span className="review-thumb">{a?.thumb_url ? <img src={a.thumb_url} alt="" /> : <ImageIcon size={18} />}</span>
              <div className="review-group-body">
                {a && <div className="review-asset">{a.name}</div>}
                <ul className="review-ops">
                  {g.ops.map((op, i) => (
                    <li key={i} data-testid="review-op" data-kind={op.kind} data-side={op.side}>
                      {op.summary}
                    </li>
                  ))}
                </ul>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
