// The detail panel's "Channel presets": each preset recorded on the asset with the delivery URL
// it gives on the active account (copyable), and × to take it off.

import { useEffect, useState } from 'react';

import { copyText } from '@/app/clipboard';
import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import { planPreview, toApiError } from '@/ipc/api';
import type { AssetUrl } from '@/ipc/api';

export function AssetPresets({ id }: { id: number }) {
  const { presets, toasts } = useServices();
  const revision = useObservable(presets.revision);
  const [urls, setUrls] = useState<AssetUrl[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Why a preset can't be made for this asset (the planner's words), by preset name. */
  const [problems, setProblems] = useState<Record<string, string>>({});

  useEffect(() => {
    let live = true;
    presets.urls([id]).then(
      (u) => {
        if (!live) return;
        setUrls(u);
        setError(null);
        setProblems({});
        // A preset made on another asset may not fit this one (a crop outside its picture, a
        // trim past its end): say so here, before the shop shows a broken link.
        for (const x of u) {
          planPreview({ asset_id: id }, x.tr).then(
            () => {},
            (e) => {
              const err = toApiError(e);
              if (live && err.code === 'invalid_input') setProblems((p) => ({ ...p, [x.preset ?? x.tr]: err.message }));
            },
          );
        }
      },
      (e: { message: string }) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [id, presets, revision]);

  const copy = (text: string, what: string) =>
    copyText(text).then(
      () => toasts.info(`${what} copied.`),
      (e: Error) => toasts.error(e.message),
    );

  if (urls === null && error === null) return null;
  return (
    <section className="asset-presets" data-testid="asset-presets" aria-labelledby={`asset-presets-${id}`}>
      <h3 className="section-title" id={`asset-presets-${id}`}>
        Channel presets
        {urls && urls.length > 1 && (
          <button type="button" className="link-btn" data-testid="asset-presets-copy-all" onClick={() => void copy(urls.map((u) => u.url).join('\n'), 'All URLs')}>
            Copy all
          </button>
        )}
      </h3>
      {error && <p className="section-error">{error}</p>}
      {urls && urls.length === 0 && <p className="field-hint">None yet. Apply one from the selection bar’s Presets menu, or save one in the preview studio.</p>}
      {urls && urls.length > 0 && (
        <ul className="asset-presets-list">
          {urls.map((u) => (
            <li key={u.preset ?? u.tr} className="asset-preset" data-testid="asset-preset" data-preset={u.preset ?? ''}>
              <div className="asset-preset-head">
                <span className="asset-preset-name">{u.preset}</span>
                <button type="button" className="btn btn-small" data-testid="asset-preset-copy" onClick={() => void copy(u.url, 'URL')}>
                  Copy URL
                </button>
                <button
                  type="button"
                  className="icon-btn"
                  data-testid="asset-preset-remove"
                  aria-label={`Take ${u.preset ?? 'the preset'} off this asset`}
                  title="Take this preset off the asset"
                  onClick={() => u.preset && void presets.unapply(u.preset, [id]).catch(() => {})}
                >
                  ×
                </button>
              </div>
              <code className="asset-preset-url" data-testid="asset-preset-url" title={u.tr}>
                {u.url}
              </code>
              {problems[u.preset ?? u.tr] && (
                <p className="asset-preset-problem" data-testid="asset-preset-problem" role="alert">
                  Doesn’t fit this asset: {problems[u.preset ?? u.tr]}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
