// Under the panes: the render's progress and what it is (fast or full, cached, failed), "Render
// full quality", Compare with the shop (published assets), and the streaming-ladder toggle for videos.

import type { StudioState } from '@/preview/session';

interface Props {
  st: StudioState;
  video: boolean;
  /** 0..100, 0 when nothing renders or the transformation can't be made. */
  pct: number;
  showLadder: boolean;
  onToggleLadder: () => void;
  onRenderFull: () => void;
  /** For a published asset: the shop's delivery of this `tr` beside the local preview. */
  onCompare?: () => void;
}

function renderLabel(st: StudioState, pct: number): string {
  const render = st.render;
  if (st.planError) return 'Fix the transformation to preview it.';
  if (!render) return st.planning ? 'Planning…' : '';
  const what = render.mode === 'fast' ? 'Fast preview (up to 540p)' : 'Full quality';
  if (render.status === 'rendering')
    return render.mode === 'fast' && render.playUrl && render.tr === st.tr
      ? `${what}: playing while it renders — ${pct}%`
      : `${what}: rendering — ${pct}%`;
  if (render.status === 'failed') return `${what} failed: ${render.error ?? 'unknown error'}`;
  const r = render.result;
  return `${what} ready${r ? ` · ${r.width} × ${r.height}` : ''}${r?.cached ? ' · from cache' : ''}`;
}

export function RenderBar({ st, video, pct, showLadder, onToggleLadder, onRenderFull, onCompare }: Props) {
  const render = st.render;
  const fullReady = render?.mode === 'full' && render.status === 'ready' && render.tr === st.tr;
  return (
    <div className="render-bar" data-testid="render-status" data-tr={render?.tr ?? ''} data-mode={render?.mode ?? ''} data-state={st.planError ? 'blocked' : (render?.status ?? 'idle')}>
      <div
        className={`progress render-progress ${st.planError ? '' : (render?.status ?? '')}`}
        role="progressbar"
        aria-label="Preview rendering"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="render-progress"
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="render-label">{renderLabel(st, pct)}</span>
      <button
        type="button"
        className="btn btn-small btn-primary"
        data-testid="render-full"
        title="Render exactly what the delivery URL gives (F)"
        disabled={st.planError !== null || st.plan === null || (render?.mode === 'full' && render.status === 'rendering') || fullReady}
        onClick={onRenderFull}
      >
        {fullReady ? 'Full quality shown' : 'Render full quality'}
      </button>
      {onCompare && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="compare-open"
          title="Fetch the shop's delivery of this transformation and score it against the local preview"
          disabled={st.planError !== null}
          onClick={onCompare}
        >
          Compare with the shop
        </button>
      )}
      {video && (
        <button
          type="button"
          className={`btn btn-small${showLadder ? ' btn-on' : ''}`}
          data-testid="ladder-toggle"
          aria-expanded={showLadder}
          title="The adaptive-bitrate ladder (HLS / DASH) the remote streams: renditions, URL, a local render"
          onClick={onToggleLadder}
        >
          Streaming ladder
        </button>
      )}
    </div>
  );
}
