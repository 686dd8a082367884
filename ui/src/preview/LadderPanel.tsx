// The streaming ladder under the studio's panes: pick the renditions and HLS or DASH, see each
// rendition's size and bit rate and the exact `ik-master` URL, render the ladder locally and
// watch it (hls.js or dash.js) switching renditions as a shop's player would, under a bandwidth
// cap or fixed to one rendition, with its manifest inspected; what it costs (storage, bandwidth
// per view) and the renditions that duplicate a lower one, with the list without them.

import { useEffect, useMemo, useState } from 'react';

import { useObservable } from '@/app/store';
import type { Asset } from '@/ipc/api';
import { formatBitRate, formatSize } from '@/library/format';
import { LadderSession, RUNGS } from '@/preview/ladder';
import { CostTable, DuplicateNote } from '@/preview/LadderCost';
import { LadderPlayer } from '@/preview/LadderPlayer';
import { ManifestInspector } from '@/preview/ManifestInspector';
import { UrlRow } from '@/preview/UrlRow';

interface Props {
  asset: Asset;
  /** The studio's transformation: the ladder carries its rotate, flip, trim and watermark. */
  tr: string;
  debounceMs?: number;
}

export function LadderPanel({ asset, tr, debounceMs = 200 }: Props) {
  const session = useMemo(() => new LadderSession(asset, tr, debounceMs), [asset.id, debounceMs]);
  useEffect(() => {
    session.start();
    return () => session.dispose();
  }, [session]);
  useEffect(() => session.setBase(tr), [session, tr]);
  const st = useObservable(session);

  const render = st.render;
  const rendering = render?.status === 'rendering';
  const stale = render !== null && (render.tr !== st.tr || render.format !== st.format);
  const pct = render ? Math.round(render.progress * 100) : 0;
  const result = render?.status === 'ready' ? render.result : null;
  const playable = result !== null && result.url !== null;

  // Which rendition the player shows (its height), and the manifest inspector.
  const [playingHeight, setPlayingHeight] = useState<number | null>(null);
  const [inspect, setInspect] = useState(false);
  useEffect(() => setPlayingHeight(null), [result?.url]);

  const status = (() => {
    if (st.planError) return 'Fix the ladder to render it.';
    if (!render) return 'Renders every rendition locally, with the segments the remote will serve.';
    if (render.status === 'rendering') return `Rendering ${st.plan?.rungs.length ?? ''} renditions — ${pct}%`;
    if (render.status === 'failed') return `The ladder failed: ${render.error ?? 'unknown error'}`;
    const r = render.result;
    if (!r) return '';
    return `Ready · ${r.rungs.length} ${r.rungs.length === 1 ? 'rendition' : 'renditions'} × ${r.segments} segments of ${r.segment_s} s · ${formatSize(r.size)}${r.cached ? ' · from cache' : ''}${stale ? ' · the ladder changed since' : ''}`;
  })();

  return (
    <section className="ladder" data-testid="ladder-panel" aria-label="Streaming ladder">
      <div className="ladder-row">
        <span className="ladder-title">Streaming ladder</span>
        <div className="chips ladder-formats" role="radiogroup" aria-label="Manifest">
          {(['hls', 'dash'] as const).map((f) => (
            <button
              key={f}
              type="button"
              role="radio"
              aria-checked={st.format === f}
              className={`chip${st.format === f ? ' active' : ''}`}
              data-testid={`ladder-format-${f}`}
              onClick={() => session.setFormat(f)}
            >
              {f === 'hls' ? 'HLS' : 'DASH'}
            </button>
          ))}
        </div>
        <div className="chips ladder-rungs" role="group" aria-label="Renditions">
          {RUNGS.map((sr) => {
            const on = st.rungs.includes(sr);
            return (
              <button
                key={sr}
                type="button"
                className={`chip${on ? ' active' : ''}`}
                aria-pressed={on}
                data-testid="ladder-rung"
                data-rung={sr}
                title={on ? `Leave out the ${sr}p rendition` : `Add the ${sr}p rendition`}
                onClick={() => session.toggleRung(sr)}
              >
                {sr}p
              </button>
            );
          })}
        </div>
        <span className="tag-bar-spacer" />
        {rendering ? (
          <button type="button" className="btn btn-small" data-testid="ladder-cancel" onClick={() => session.cancel()}>
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="ladder-render"
            disabled={st.planError !== null || st.plan === null || (result !== null && !stale)}
            onClick={() => void session.render()}
          >
            {result !== null && !stale ? 'Ladder rendered' : 'Render ladder'}
          </button>
        )}
      </div>

      <div className="ladder-body">
        <div className="ladder-info">
          {st.plan && !st.planError && (
            <ol className="ladder-plan" data-testid="ladder-plan">
              {st.plan.rungs.map((r) => (
                <li
                  key={r.resolution}
                  data-testid="ladder-plan-rung"
                  data-width={r.width}
                  data-height={r.height}
                  className={playingHeight === r.height ? 'playing' : undefined}
                >
                  <strong>{r.resolution}p</strong> {r.width} × {r.height} · {formatBitRate(r.bitrate)}
                </li>
              ))}
            </ol>
          )}
          {st.planError && (
            <p className="plan-error" role="alert" data-testid="ladder-error">
              {st.planError}
            </p>
          )}
          {st.leftOut.length > 0 && (
            <p className="plan-note" data-testid="ladder-left-out">
              Left out of the ladder (streaming URLs refuse them; each rendition has its own size and
              codecs): {st.leftOut.join(', ')}.
            </p>
          )}
          {st.plan?.notes.map((n) => (
            <p className="plan-note" key={n}>
              {n}
            </p>
          ))}
          {st.plan && !st.planError && (
            <DuplicateNote plan={st.plan} result={result && !stale ? result : null} onApply={(rungs) => session.setRungs(rungs)} />
          )}
          <div className="ladder-url-row">
            <UrlRow
              url={st.url}
              error={st.urlError}
              signed={st.signed}
              onSigned={(v) => session.setSigned(v)}
              testId="ladder-url"
              controls="ladder-url"
              what="Streaming URL"
              tr={st.tr}
            />
          </div>
          <div className="ladder-status" data-testid="ladder-status" data-state={st.planError ? 'blocked' : (render?.status ?? 'idle')}>
            <div
              className={`progress render-progress ${render?.status ?? ''}`}
              role="progressbar"
              aria-label="Ladder rendering"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
            >
              <div className="progress-fill" style={{ width: `${pct}%` }} />
            </div>
            <span className="render-label">{status}</span>
          </div>
          {result && <CostTable result={result} duplicates={st.plan?.duplicates ?? []} />}
          {inspect && playable && <ManifestInspector url={result.url!} />}
        </div>

        {playable && (
          <LadderPlayer
            url={result.url!}
            format={result.format}
            onPlaying={setPlayingHeight}
            inspect={inspect}
            onToggleInspect={() => setInspect((x) => !x)}
          />
        )}
        {result && !playable && (
          <p className="plan-note ladder-player" data-testid="ladder-unplayable">
            The {result.format === 'hls' ? 'HLS playlist' : 'DASH manifest'} and its {result.rungs.length} renditions are at{' '}
            {result.path}; the app's media server is not running, so this window cannot play them.
          </p>
        )}
      </div>
    </section>
  );
}
