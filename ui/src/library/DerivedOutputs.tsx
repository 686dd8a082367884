// A published asset's derived outputs — the streaming ladder (`ik-master` URL), extra versions and
// thumbnails its upload asked for — each with its delivery URL (copyable; signed when the file is
// private) and where it stands as the shop answers it: Requested, Building, Ready, or Failed with
// the reason; a ready streaming ladder can be watched here, streamed from the shop. Asked again every few seconds while any is still being made (a desktop app has no
// public webhook endpoint, so it asks the delivery URL), and when the asset's upload finishes.

import { useEffect, useState } from 'react';

import { copyText } from '@/app/clipboard';
import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import { derivedOutputs, toApiError } from '@/ipc/api';
import { LadderPlayer } from '@/preview/LadderPlayer';
import { ManifestInspector } from '@/preview/ManifestInspector';
import type { DerivedOutput, DerivedState } from '@/ipc/api';

const STATE_LABEL: Record<DerivedState, string> = {
  requested: 'Requested',
  building: 'Building',
  ready: 'Ready',
  failed: 'Failed',
};

/** The state as read aloud: what it means for the shop. */
const STATE_TITLE: Record<DerivedState, string> = {
  requested: 'Asked for with the upload; the shop has not been reached yet',
  building: 'The shop is making it; it is asked again every few seconds',
  ready: 'The shop serves it at this URL',
  failed: 'The shop could not make it',
};

export function DerivedOutputs({ assetId, pollMs = 3000 }: { assetId: number; pollMs?: number }) {
  const { uploads, toasts } = useServices();
  useObservable(uploads);
  // A finished upload is the moment its outputs appear: ask again then.
  const published = uploads.assetStatus(assetId) === 'published';
  const [outputs, setOutputs] = useState<DerivedOutput[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  // The streaming ladder being watched here (its URL), as a shop's player streams it.
  const [watching, setWatching] = useState<string | null>(null);
  const [inspect, setInspect] = useState(false);

  useEffect(() => {
    let live = true;
    derivedOutputs(assetId).then(
      (o) => {
        if (!live) return;
        setOutputs(o);
        setError(null);
      },
      (e) => live && setError(toApiError(e).message),
    );
    return () => {
      live = false;
    };
  }, [assetId, published, round]);

  // While any output is still being made, ask again.
  const pending = outputs?.some((o) => o.state === 'building' || o.state === 'requested') ?? false;
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => setRound((r) => r + 1), pollMs);
    return () => clearTimeout(t);
  }, [pending, outputs, pollMs]);

  if (error) {
    return (
      <section className="derived" data-testid="derived-outputs" aria-label="Versions on the shop">
        <h3 className="section-title">Versions on the shop</h3>
        <p className="section-error">{error}</p>
      </section>
    );
  }
  if (!outputs || outputs.length === 0) return null;
  return (
    <section className="derived" data-testid="derived-outputs" aria-label="Versions on the shop" data-pending={pending}>
      <h3 className="section-title">Versions on the shop</h3>
      <ul className="derived-list">
        {outputs.map((o) => (
          <li key={`${o.kind}-${o.url}`} className="derived-row" data-testid="derived-output" data-kind={o.kind} data-state={o.state}>
            <div className="derived-head">
              <span className="derived-label">{o.label}</span>
              <span className={`state-chip state-${o.state}`} data-testid="derived-state" title={STATE_TITLE[o.state]}>
                {STATE_LABEL[o.state]}
              </span>
            </div>
            <div className="derived-url-row">
              <code className="derived-url" data-testid="derived-url" title={o.url}>
                {o.url}
              </code>
              <button
                type="button"
                className="btn btn-small"
                data-testid="derived-copy"
                title={o.signed ? 'Copy the signed URL (the file is private)' : 'Copy the URL'}
                onClick={() =>
                  copyText(o.url).then(
                    () => toasts.success(o.signed ? 'Copied the signed URL.' : 'Copied the URL.'),
                    (e: Error) => toasts.error(e.message),
                  )
                }
              >
                Copy
              </button>
              {o.kind === 'abs' && o.state === 'ready' && (
                <button
                  type="button"
                  className={`btn btn-small${watching === o.url ? ' btn-on' : ''}`}
                  data-testid="derived-watch"
                  aria-expanded={watching === o.url}
                  title="Stream it from the shop here, as a shop's player would"
                  onClick={() => setWatching((w) => (w === o.url ? null : o.url))}
                >
                  Watch
                </button>
              )}
            </div>
            {watching === o.url && (
              <div className="derived-player">
                <LadderPlayer url={o.url} format={/\.mpd(\?|$)/.test(o.url) ? 'dash' : 'hls'} inspect={inspect} onToggleInspect={() => setInspect((x) => !x)} />
                {inspect && <ManifestInspector url={o.url} />}
              </div>
            )}
            {o.signed && <p className="derived-note">Signed: the file is private, so the URL carries a signature that expires.</p>}
            {o.reason && (
              <p className={o.state === 'failed' ? 'derived-reason failed' : 'derived-note'} data-testid="derived-reason">
                {o.reason}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
