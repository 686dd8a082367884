// The upload queue panel (bottom of the window): one row per job with its state, a progress bar,
// percent, speed and ETA, why it failed and how to fix it, and the controls that make sense for
// its state; totals and the global pause in the header.

import { memo } from 'react';

import { useServices } from '@/app/context';
import { CloseIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import type { UploadJob, UploadJobState, UploadProgress } from '@/ipc/dto';
import { formatCount, formatDuration, formatSize } from '@/library/format';
import type { UploadQueueStore } from '@/uploads/queueStore';
import { activeCount } from '@/uploads/queueStore';

const STATE_LABEL: Record<UploadJobState, string> = {
  queued: 'Queued',
  waiting_for_network: 'Waiting for network',
  uploading: 'Uploading',
  verifying: 'Verifying',
  done: 'Published',
  failed: 'Failed',
  paused: 'Paused',
  cancelled: 'Cancelled',
};

/** "1 min 20 s left", "about 3 h left". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s left`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s ` : ''}left`;
  return `about ${formatDuration(s)} left`;
}

/** "Next try in 40 s." for a stopped run. */
function retryIn(at: number): string {
  const s = Math.round((at - Date.now()) / 1000);
  if (s <= 0) return 'Trying again…';
  return s < 60 ? `Next try in ${s} s.` : `Next try in ${Math.ceil(s / 60)} min.`;
}

export function formatSpeed(bps: number | null | undefined): string {
  if (!bps || !Number.isFinite(bps) || bps <= 0) return '';
  return `${formatSize(bps)}/s`;
}

export function QueuePanel({ onClose }: { onClose: () => void }) {
  const { uploads } = useServices();
  const q = useObservable(uploads);
  const t = q.totals;
  const active = activeCount(t);
  const summary = [
    t.uploading + t.verifying ? `${t.uploading + t.verifying} uploading` : '',
    t.queued + t.waiting_for_network ? `${t.queued + t.waiting_for_network} waiting` : '',
    t.paused ? `${t.paused} paused` : '',
    t.failed ? `${t.failed} failed` : '',
    t.done ? `${t.done} published` : '',
  ].filter(Boolean);
  return (
    <section className="queue-panel" data-testid="queue-panel" aria-label="Upload queue" data-paused={q.paused ? 'true' : 'false'}>
      <header className="queue-head">
        <h2>Uploads</h2>
        <span className="queue-summary" data-testid="queue-totals">
          {summary.length ? summary.join(' · ') : q.loaded ? 'Nothing queued' : 'Loading…'}
          {t.bytes_per_sec > 0 && ` · ${formatSpeed(t.bytes_per_sec)}`}
          {t.eta_s !== null && active > 0 && ` · ${formatEta(t.eta_s)}`}
          {t.bytes_remaining > 0 && ` · ${formatSize(t.bytes_remaining)} to go`}
        </span>
        <span className="tag-bar-spacer" />
        {q.paused && <span className="queue-paused-note">Paused: no new upload starts</span>}
        <button
          type="button"
          className="btn btn-small"
          data-testid="queue-pause-all"
          aria-pressed={q.paused}
          onClick={() => void uploads.setPaused(!q.paused)}
        >
          {q.paused ? 'Resume all' : 'Pause all'}
        </button>
        <button type="button" className="icon-btn" aria-label="Close uploads" onClick={onClose}>
          <CloseIcon size={16} />
        </button>
      </header>
      {q.stopped && (
        <div className="queue-stopped" role="alert" data-testid="queue-stopped">
          <p>
            <strong>Publishing has stopped.</strong> {q.stopped.message}
          </p>
          <p className="queue-stopped-fix">
            {q.stopped.fix} {retryIn(q.stopped.retry_at)}
          </p>
          <button type="button" className="btn btn-small" data-testid="queue-stopped-retry" onClick={() => void uploads.retryNow()}>
            Retry now
          </button>
        </div>
      )}
      {q.offlineUntil !== null && (
        <p className="queue-offline" role="status" data-testid="queue-offline">
          No connection to the media library. Uploads wait and carry on by themselves when it answers again.
        </p>
      )}
      {q.loaded && q.jobs.length === 0 ? (
        <p className="queue-empty">Select assets and press Publish to upload them to the media library.</p>
      ) : (
        <ol className="queue-rows">
          {q.jobs.map((j) => (
            <QueueRow
              key={j.id}
              job={j}
              progress={q.progress.get(j.id)}
              restarting={q.restarting.get(j.id)}
              reconciling={q.reconciling.has(j.id)}
              uploads={uploads}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

const QueueRow = memo(function QueueRow({
  job,
  progress,
  restarting,
  reconciling,
  uploads,
}: {
  job: UploadJob;
  progress: UploadProgress | undefined;
  restarting: { bytes_total: number; attempt: number } | undefined;
  reconciling: boolean;
  uploads: UploadQueueStore;
}) {
  const total = progress?.bytes_total ?? job.bytes_total;
  const sent = job.state === 'done' ? total : (progress?.bytes_sent ?? job.bytes_sent);
  const percent = job.state === 'done' ? 100 : progress ? progress.percent : total > 0 ? (100 * sent) / total : 0;
  const pct = Math.max(0, Math.min(100, percent));
  const running = job.state === 'uploading' || job.state === 'verifying';
  const canPause = job.state === 'queued' || job.state === 'waiting_for_network' || running;
  const act = (a: 'pause' | 'resume' | 'cancel' | 'retry') => () => void uploads.job(a, job.id);
  const notes: string[] = [];
  if (restarting) notes.push(`Restarting ${formatSize(restarting.bytes_total)}: the upload cannot resume, so the whole file is sent again (attempt ${restarting.attempt}).`);
  if (reconciling) notes.push('Checking whether an earlier attempt already arrived before sending anything again…');
  if (job.state === 'waiting_for_network') notes.push('Waiting for the network; carries on by itself.');
  if (job.state === 'queued' && job.next_retry_at && job.last_error) notes.push(`Will try again shortly (attempt ${job.attempts + 1}). Last time: ${job.last_error}`);
  if (job.note) notes.push(job.note);
  return (
    <li className={`queue-row state-${job.state}`} data-testid="queue-row" data-state={job.state} data-job-id={job.id} data-asset-id={job.asset_id}>
      <div className="queue-main">
        <span className="queue-name" title={`${job.folder}${job.file_name}`}>
          {job.asset_name}
        </span>
        <span className="queue-target">→ {job.folder}</span>
        <span className={`queue-state state-${job.state}`} data-testid="queue-state">
          {STATE_LABEL[job.state]}
        </span>
      </div>
      <div className="queue-progress-row">
        <div
          className="progress queue-progress"
          data-testid="queue-progress"
          role="progressbar"
          aria-label={`${job.asset_name} upload progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(pct)}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <span className="queue-numbers" data-testid="queue-percent">
          {Math.floor(pct)}%
        </span>
        <span className="queue-numbers queue-bytes">
          {formatSize(sent) || '0 B'} of {formatSize(total)}
        </span>
        {running && progress && (
          <span className="queue-numbers" data-testid="queue-speed">
            {formatSpeed(progress.bytes_per_sec)}
            {progress.eta_s !== null && ` · ${formatEta(progress.eta_s)}`}
          </span>
        )}
        <span className="queue-actions">
          {canPause && (
            <button type="button" className="btn btn-small" data-testid="queue-pause" onClick={act('pause')}>
              Pause
            </button>
          )}
          {job.state === 'paused' && (
            <button type="button" className="btn btn-small" data-testid="queue-resume" onClick={act('resume')}>
              Resume
            </button>
          )}
          {(job.state === 'failed' || job.state === 'cancelled') && (
            <button type="button" className="btn btn-small btn-primary" data-testid="queue-retry" onClick={act('retry')}>
              Retry
            </button>
          )}
          {(canPause || job.state === 'paused') && (
            <button type="button" className="btn btn-small btn-ghost" data-testid="queue-cancel" onClick={act('cancel')}>
              Cancel
            </button>
          )}
        </span>
      </div>
      {notes.map((n) => (
        <p key={n} className="queue-note" data-testid="queue-note">
          {n}
        </p>
      ))}
      {job.state === 'failed' && (
        <div className="queue-error" data-testid="queue-error" role="alert">
          <strong>{job.last_error ?? 'The upload failed.'}</strong>
          {job.fix && <span className="queue-fix"> {job.fix}</span>}
        </div>
      )}
      {job.state === 'done' && job.remote && (
        <p className="queue-note queue-remote" title={job.remote.url}>
          {job.remote.file_path}
        </p>
      )}
    </li>
  );
});

/** The top bar's button: how many uploads are still to do, and a red dot when one failed. */
export function QueueButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { uploads } = useServices();
  const q = useObservable(uploads);
  const n = activeCount(q.totals);
  return (
    <button
      type="button"
      className={`btn${open ? ' btn-on' : ''}`}
      data-testid="queue-button"
      aria-expanded={open}
      title="Upload queue"
      onClick={onToggle}
    >
      Uploads
      {n > 0 && (
        <span className="count-badge" data-testid="queue-count" data-count={n}>
          {formatCount(n)}
        </span>
      )}
      {q.totals.failed > 0 && (
        <span className="count-badge count-badge-danger" data-testid="queue-failed-count" title={`${q.totals.failed} failed`}>
          {formatCount(q.totals.failed)}
        </span>
      )}
    </button>
  );
}
