// The streaming ladder under the studio's panes: pick the renditions and HLS or DASH, see each
// rendition's size and bit rate and the exact `ik-master` URL, render the ladder locally and
// watch it (HLS) switching renditions as a shop's player would.

import { useEffect, useMemo, useRef, useState } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import type { Asset } from '@/ipc/api';
import { formatBitRate, formatSize } from '@/library/format';
import { LadderSession, RUNGS } from '@/preview/ladder';
import { PreviewVideo } from '@/preview/PreviewVideo';
import { UrlRow } from '@/preview/UrlRow';

interface Props {
  asset: Asset;
  /** The studio's transformation: the ladder carries its rotate, flip, trim and watermark. */
  tr: string;
  debounceMs?: number;
}

export function LadderPanel({ asset, tr, debounceMs = 200 }: Props) {
  const { toasts } = useServices();
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
  const playable = result !== null && result.format === 'hls' && result.url !== null;

  // The player's renditions and which one plays.
  const [levels, setLevels] = useState<{ width: number; height: number; bitrate: number }[]>([]);
  const [level, setLevel] = useState(-1);
  const [playing, setPlaying] = useState<number | null>(null);
  const player = useRef<HTMLVideoElement | null>(null);
  useEffect(() => {
    setLevels([]);
    setLevel(-1);
    setPlaying(null);
  }, [result?.url]);

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
                  className={playing !== null && levels[playing]?.height === r.height ? 'playing' : undefined}
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
        </div>

        {result && (
          <div className="ladder-player">
            {playable ? (
              <>
                <div className="ladder-video">
                  <PreviewVideo
                    ref={player}
                    src={result.url!}
                    testId="ladder-video"
                    level={level}
                    onLevels={setLevels}
                    onLevelSwitched={setPlaying}
                    onError={(m) => toasts.error(m)}
                  />
                </div>
                <div className="ladder-levels">
                  <select
                    aria-label="Rendition"
                    data-testid="ladder-level"
                    data-levels={levels.length}
                    value={level}
                    onChange={(e) => setLevel(Number(e.target.value))}
                  >
                    <option value={-1}>Auto (by bandwidth)</option>
                    {levels.map((l, i) => (
                      <option key={`${l.height}-${l.bitrate}`} value={i}>
                        {l.height}p · {formatBitRate(l.bitrate)}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="btn btn-small btn-square"
                    data-testid="ladder-play"
                    aria-label="Play or pause the ladder"
                    onClick={() => {
                      const v = player.current;
                      if (!v) return;
                      if (v.paused) Promise.resolve(v.play()).catch((e: Error) => toasts.error(`The ladder could not play: ${e.message}`));
                      else v.pause();
                    }}
                  >
                    ▶
                  </button>
                  <span className="ladder-now" data-testid="ladder-playing" data-height={playing !== null ? levels[playing]?.height : undefined}>
                    {playing !== null && levels[playing] ? `Playing ${levels[playing]!.height}p` : 'Press play'}
                  </span>
                </div>
              </>
            ) : (
              <p className="plan-note" data-testid="ladder-dash-note">
                The DASH manifest and its {result.rungs.length} renditions are at {result.path}. Shop players (dash.js, Shaka,
                ExoPlayer) play it; this window plays HLS — switch to HLS to watch the same renditions here.
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
