// Compare with the shop: the remote's delivery of the studio's `tr` (signed when the file is
// private) beside the local preview of the same `tr`, with the difference score (SSIM on sampled
// frames; 1.000 = identical) and size, duration and codecs side by side — proof that what the
// studio shows is what the shop serves. Progress while it fetches, renders and compares.

import { useCallback, useEffect, useRef, useState } from 'react';

import { useServices } from '@/app/context';
import { Modal } from '@/app/Modal';
import { useObservable } from '@/app/store';
import { compareWithShop, toApiError } from '@/ipc/api';
import type { Asset, CompareEvent, CompareReport, MediaFacts } from '@/ipc/api';
import { formatSize } from '@/library/format';

type Phase = CompareEvent['event'] | 'starting';

const PHASE_LABEL: Record<Phase, string> = {
  starting: 'Asking the shop…',
  fetching: 'Downloading the shop’s version…',
  rendering: 'Rendering the local preview at full quality…',
  comparing: 'Comparing the pictures…',
};

const PHASES: Phase[] = ['fetching', 'rendering', 'comparing'];

type State = { status: 'working'; phase: Phase } | { status: 'done'; report: CompareReport } | { status: 'failed'; message: string };

interface Props {
  asset: Asset;
  tr: string;
  onClose: () => void;
}

/** SSIM as people read it: three decimals, never rounded up to a perfect 1.000. */
export function formatSsim(ssim: number): string {
  const floored = Math.floor(ssim * 1000) / 1000;
  return floored.toFixed(3);
}

function facts(f: MediaFacts, video: boolean): Record<string, string> {
  return {
    Size: `${f.width} × ${f.height}`,
    ...(video ? { Duration: f.duration_s !== null ? `${f.duration_s.toFixed(2)} s` : '—' } : {}),
    ...(video ? { 'Video codec': f.video_codec ?? '—', 'Audio codec': f.audio_codec ?? 'none' } : { Format: f.video_codec ?? '—' }),
    'File size': formatSize(f.size),
  };
}

export function CompareDialog({ asset, tr, onClose }: Props) {
  const [state, setState] = useState<State>({ status: 'working', phase: 'starting' });
  const run = useRef(0);
  const video = asset.kind === 'video';

  const start = useCallback(() => {
    const seq = ++run.current;
    setState({ status: 'working', phase: 'starting' });
    compareWithShop(asset.id, tr, (e) => {
      if (seq === run.current) setState((s) => (s.status === 'working' ? { status: 'working', phase: e.event } : s));
    }).then(
      (report) => seq === run.current && setState({ status: 'done', report }),
      (e) => seq === run.current && setState({ status: 'failed', message: toApiError(e).message }),
    );
  }, [asset.id, tr]);

  useEffect(() => {
    start();
    return () => {
      run.current++;
    };
  }, [start]);

  const report = state.status === 'done' ? state.report : null;
  const remote = report ? facts(report.remote, video) : null;
  const local = report ? facts(report.local, video) : null;
  return (
    <Modal
      title="Compare with the shop"
      titleId="compare-title"
      onClose={onClose}
      closeLabel="Close the comparison"
      testId="compare-dialog"
      closeTestId="compare-close"
      wide
    >
      <p className="settings-note">
        {asset.name}
        {tr ? (
          <>
            {' '}
            with <code>{tr}</code>
          </>
        ) : (
          ' as uploaded'
        )}
        : the shop’s delivery beside this computer’s preview of the same transformation.
      </p>

      {state.status === 'working' && (
        <div className="compare-progress" data-testid="compare-progress" data-phase={state.phase} role="status">
          <div
            className="progress"
            role="progressbar"
            aria-label="Comparison progress"
            aria-valuemin={0}
            aria-valuemax={PHASES.length}
            aria-valuenow={Math.max(0, PHASES.indexOf(state.phase))}
          >
            <div className="progress-fill" style={{ width: `${(100 * (PHASES.indexOf(state.phase) + 1)) / (PHASES.length + 1)}%` }} />
          </div>
          <p className="settings-note">{PHASE_LABEL[state.phase]}</p>
        </div>
      )}

      {state.status === 'failed' && (
        <div className="settings-section" data-testid="compare-error">
          <p className="plan-error" role="alert">
            {state.message}
          </p>
          <div className="settings-actions">
            <button type="button" className="btn btn-small" data-testid="compare-retry" onClick={start}>
              Try again
            </button>
          </div>
        </div>
      )}

      {report && remote && local && (
        <div data-testid="compare-report" data-ssim={report.ssim} data-matches={report.matches}>
          <div className="compare-panes">
            <figure className="compare-pane">
              <figcaption>Shop</figcaption>
              <Media url={report.remote_url} video={video} testId="compare-remote" label={`${asset.name}, as the shop delivers it`} />
            </figure>
            <figure className="compare-pane">
              <figcaption>This computer’s preview</figcaption>
              <Media url={report.local_url} video={video} testId="compare-local" label={`${asset.name}, as previewed here`} />
            </figure>
          </div>
          <p className="compare-score">
            <strong data-testid="compare-ssim" title="Structural similarity of the pictures (SSIM, the lowest over the sampled frames); 1.000 is identical">
              {formatSsim(report.ssim)}
            </strong>
            <span className={`compare-verdict ${report.matches ? 'match' : 'differs'}`} data-testid="compare-verdict">
              {report.verdict}
            </span>
          </p>
          <table className="cost-table compare-table" data-testid="compare-facts">
            <thead>
              <tr>
                <th />
                <th>Shop</th>
                <th>This computer</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(remote).map((k) => {
                const differs = remote[k] !== local[k] && k !== 'File size';
                return (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className={differs ? 'differs' : undefined}>{remote[k]}</td>
                    <td className={differs ? 'differs' : undefined}>{local[k]}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {report.frames.length > 1 && (
            <p className="compare-frames" data-testid="compare-frames">
              Frames compared: {report.frames.map((f) => `${f.at_s.toFixed(1)} s ${formatSsim(f.ssim)}`).join(' · ')}
            </p>
          )}
          <p className="compare-frames">
            Fetched <code>{report.url}</code>
          </p>
        </div>
      )}
    </Modal>
  );
}

function Media({ url, video, testId, label }: { url: string | null; video: boolean; testId: string; label: string }) {
  if (!url) return <p className="field-hint">Not viewable here (the app’s media server is not running).</p>;
  return video ? <video data-testid={testId} src={url} muted controls playsInline preload="auto" /> : <img data-testid={testId} src={url} alt={label} />;
}

/** Whether the asset is on the shop: its upload finished in this window, or sync knows it there. */
export function usePublished(asset: Asset): boolean {
  const { uploads } = useServices();
  useObservable(uploads);
  if (uploads.assetStatus(asset.id) === 'published') return true;
  return asset.sync !== null && asset.sync !== 'local_only' && asset.sync !== 'queued' && asset.sync !== 'deleted_remotely';
}
