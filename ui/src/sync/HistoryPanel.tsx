// The history of sync runs: when, how it ended, what it changed on each side, its errors (with
// the media library's request ids, for support) and notes; each run opens to its operations.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { Modal } from '@/app/Modal';
import { toApiError } from '@/ipc/api';
import type { SyncRun } from '@/ipc/api';
import { formatDate } from '@/library/format';
import { agoText, reportSummary, secs } from '@/sync/syncStore';

const OUTCOME: Record<string, string> = {
  done: 'Done',
  stopped: 'Stopped',
  failed: 'Failed',
};

function duration(r: SyncRun): string {
  const s = Math.max(0, secs(r.finished_at) - secs(r.started_at));
  return s < 1 ? 'under a second' : s < 60 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

export function HistoryPanel({ onClose }: { onClose: () => void }) {
  const { sync } = useServices();
  const [runs, setRuns] = useState<SyncRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    sync.history(50).then(
      (r) => {
        setRuns(r);
        setOpen(r[0]?.id ?? null);
      },
      (e) => setError(toApiError(e).message),
    );
  }, [sync]);
  return (
    <Modal title="History of syncs" titleId="history-title" onClose={onClose} closeLabel="Close history" testId="history-panel" closeTestId="history-close" wide>
      {error && (
        <p className="section-error" role="alert">
          {error}
        </p>
      )}
      {runs === null && !error && <p className="settings-note">Loading…</p>}
      {runs?.length === 0 && (
        <p className="ledger-empty" data-testid="history-empty">
          No sync has run yet.
        </p>
      )}
      <ul className="history-list">
        {runs?.map((r) => (
          <li key={r.id} className={`history-run${open === r.id ? ' history-open' : ''}`} data-testid="history-run" data-run-id={r.id} data-outcome={r.outcome}>
            <button type="button" className="history-head" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
              <span className={`history-outcome outcome-${r.outcome}${r.report.errors.length ? ' outcome-errors' : ''}`}>
                {OUTCOME[r.outcome] ?? r.outcome}
              </span>
              <span className="history-when" title={formatDate(secs(r.started_at))}>
                {r.dry_run ? 'Review' : 'Sync'} · {agoText(r.started_at)}
              </span>
              <span className="history-text" data-testid="history-summary">
                {reportSummary(r.report)}
              </span>
            </button>
            {open === r.id && <RunDetail run={r} />}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function RunDetail({ run: r }: { run: SyncRun }) {
  const rep = r.report;
  const here = rep.operations.filter((o) => o.side === 'local');
  const there = rep.operations.filter((o) => o.side === 'remote');
  return (
    <div className="history-detail" data-testid="history-detail">
      <p className="history-facts">
        {formatDate(secs(r.started_at))} · took {duration(r)} · {rep.requests === 1 ? '1 request' : `${rep.requests.toLocaleString('en-US')} requests`} to the media library
      </p>
      {rep.stopped && <p className="settings-warning">{rep.stopped}</p>}
      {[
        ['On this computer', here],
        ['On the media library', there],
      ].map(([title, ops]) =>
        (ops as typeof here).length ? (
          <div key={title as string}>
            <h4 className="history-sub">
              {title as string} ({(ops as typeof here).length})
            </h4>
            <ul className="review-ops">
              {(ops as typeof here).map((o, i) => (
                <li key={i} data-testid="history-op">
                  {o.summary}
                </li>
              ))}
            </ul>
          </div>
        ) : null,
      )}
      {rep.held.length > 0 && (
        <>
          <h4 className="history-sub">Held until confirmed ({rep.held.length})</h4>
          {rep.held_reason && <p className="settings-note">{rep.held_reason}</p>}
          <ul className="review-ops">
            {rep.held.map((o, i) => (
              <li key={i}>{o.summary}</li>
            ))}
          </ul>
        </>
      )}
      {rep.errors.length > 0 && (
        <>
          <h4 className="history-sub">Errors ({rep.errors.length})</h4>
          <ul className="review-errors">
            {rep.errors.map((e, i) => (
              <li key={i} data-testid="history-error">
                {e.message} {e.will_retry ? 'Tried again at the next sync.' : 'Not retried.'}
                {e.request_id && <span className="mono"> Request {e.request_id}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {rep.notes.length > 0 && (
        <>
          <h4 className="history-sub">Notes</h4>
          <ul className="review-notes">
            {rep.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      )}
      {rep.request_ids.length > 0 && (
        <details className="history-ids">
          <summary>Request ids ({rep.request_ids.length})</summary>
          <p className="mono" data-testid="history-request-ids">
            {rep.request_ids.join(' ')}
          </p>
        </details>
      )}
    </div>
  );
}
