import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { formatEta, formatSpeed } from '@/uploads/QueuePanel';
import { publishRequest } from '@/uploads/queueStore';
import { installBackend, makeJob } from '@/test/backend';
import type { FakeBackend } from '@/test/backend';
import { renderApp } from '@/test/render';

const row = (jobId: number) => screen.getAllByTestId('queue-row').find((r) => r.dataset.jobId === String(jobId))!;
const tile = (id: number) => screen.getAllByTestId('asset-tile').find((t) => t.dataset.assetId === String(id))!;

async function openQueue(backend: FakeBackend) {
  await waitFor(() => expect(backend.callsOf('queue_list').length).toBeGreaterThan(0));
  const user = userEvent.setup();
  await user.click(screen.getByTestId('queue-button'));
  return user;
}

describe('upload formatting', () => {
  it('says speed and time left plainly', () => {
    expect(formatSpeed(2_400_000)).toBe('2.4 MB/s');
    expect(formatSpeed(0)).toBe('');
    expect(formatEta(42)).toBe('42 s left');
    expect(formatEta(80)).toBe('1 min 20 s left');
    expect(formatEta(120)).toBe('2 min left');
    expect(formatEta(null)).toBe('');
  });
});

describe('upload queue', () => {
  it('subscribes once at startup, shows the queue and a count badge', async () => {
    const backend = installBackend({ count: 3 });
    backend.jobs.push(makeJob(1, { asset_id: 3, state: 'uploading', bytes_sent: 85_000_000 }), makeJob(2, { asset_id: 2 }));
    renderApp();
    await waitFor(() => expect(screen.getByTestId('queue-count')).toHaveTextContent('2'));
    expect(backend.callsOf('watch_uploads')).toHaveLength(1);
    await openQueue(backend);
    expect(screen.getAllByTestId('queue-row').map((r) => r.dataset.state)).toEqual(['uploading', 'queued']);
    expect(within(row(1)).getByTestId('queue-progress')).toHaveAttribute('aria-valuenow', '25');
    expect(row(1)).toHaveTextContent('85 MB of 340 MB');
    // Tiles show where their asset stands.
    await waitFor(() => expect(within(tile(3)).getByTestId('asset-status')).toHaveAttribute('data-status', 'uploading'));
    expect(within(tile(2)).getByTestId('asset-status')).toHaveAttribute('data-status', 'queued');
    expect(within(tile(1)).getByTestId('asset-status')).toHaveAttribute('data-status', 'local');
  });

  it('moves progress bars, notes a restart, and shows a failure with its fix', async () => {
    const backend = installBackend({ count: 2 });
    backend.jobs.push(makeJob(1, { asset_id: 2, state: 'uploading' }));
    renderApp();
    await openQueue(backend);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(1));

    act(() =>
      backend.emitUpload({
        event: 'progress',
        progress: { job_id: 1, bytes_sent: 170_000_000, bytes_total: 340_000_000, percent: 50, bytes_per_sec: 4_000_000, eta_s: 42.5 },
      }),
    );
    expect(within(row(1)).getByTestId('queue-progress')).toHaveAttribute('aria-valuenow', '50');
    expect(within(row(1)).getByTestId('queue-percent')).toHaveTextContent('50%');
    expect(within(row(1)).getByTestId('queue-speed')).toHaveTextContent('4 MB/s · 43 s left');

    act(() => backend.emitUpload({ event: 'restarting', job_id: 1, bytes_total: 340_000_000, attempt: 2 }));
    expect(within(row(1)).getByTestId('queue-note')).toHaveTextContent('Restarting 340 MB');
    // The whole file goes again: the bar starts over rather than pretending to resume.
    expect(within(row(1)).getByTestId('queue-progress')).toHaveAttribute('aria-valuenow', '0');

    act(() =>
      backend.emitUpload({
        event: 'job_changed',
        job_id: 1,
        asset_id: 2,
        state: 'failed',
        attempts: 2,
        next_retry_at: null,
        last_error: 'The media library refused the file: it is larger than your plan allows (50 MB).',
        fix: 'Compress the video or upgrade the plan, then press Retry.',
        note: null,
        remote: null,
      }),
    );
    expect(row(1)).toHaveAttribute('data-state', 'failed');
    const err = within(row(1)).getByTestId('queue-error');
    expect(err).toHaveTextContent('larger than your plan allows');
    expect(err).toHaveTextContent('Compress the video or upgrade the plan, then press Retry.');
    await waitFor(() => expect(within(tile(2)).getByTestId('asset-status')).toHaveAttribute('data-status', 'failed'));
    expect(screen.getByTestId('queue-failed-count')).toHaveTextContent('1');

    // Retry.
    fireEvent.click(within(row(1)).getByTestId('queue-retry'));
    await waitFor(() => expect(row(1)).toHaveAttribute('data-state', 'queued'));
    expect(backend.callsOf('queue_retry')[0]!.args).toEqual({ jobId: 1 });

    act(() =>
      backend.emitUpload({
        event: 'job_changed',
        job_id: 1,
        asset_id: 2,
        state: 'done',
        attempts: 3,
        next_retry_at: null,
        last_error: null,
        fix: null,
        note: null,
        remote: { file_id: 'f1', url: 'https://ik.imagekit.io/shop/clip-2.mp4', version_id: null, file_path: '/clip-2.mp4' },
      }),
    );
    expect(row(1)).toHaveAttribute('data-state', 'done');
    expect(within(row(1)).getByTestId('queue-progress')).toHaveAttribute('aria-valuenow', '100');
    await waitFor(() => expect(within(tile(2)).getByTestId('asset-status')).toHaveAttribute('data-status', 'published'));
    act(() => backend.emitUpload({ event: 'batch_finished', done: 1, failed: 0, cancelled: 0, paused: 0 }));
    expect(await screen.findByText('Uploads finished: 1 published.')).toBeInTheDocument();
  });

  it('pauses and resumes a job and the whole queue', async () => {
    const backend = installBackend({ count: 1 });
    backend.jobs.push(makeJob(1, { asset_id: 1, state: 'uploading' }));
    renderApp();
    const user = await openQueue(backend);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(1));
    await user.click(within(row(1)).getByTestId('queue-pause'));
    await waitFor(() => expect(row(1)).toHaveAttribute('data-state', 'paused'));
    expect(within(row(1)).queryByTestId('queue-pause')).toBeNull();
    await user.click(within(row(1)).getByTestId('queue-resume'));
    await waitFor(() => expect(row(1)).toHaveAttribute('data-state', 'queued'));
    expect(backend.callsOf('queue_pause')[0]!.args).toEqual({ jobId: 1 });
    expect(backend.callsOf('queue_resume')[0]!.args).toEqual({ jobId: 1 });

    await user.click(screen.getByTestId('queue-pause-all'));
    await waitFor(() => expect(screen.getByTestId('queue-panel')).toHaveAttribute('data-paused', 'true'));
    expect(backend.callsOf('uploads_set_paused')[0]!.args).toEqual({ paused: true });
    expect(screen.getByTestId('queue-pause-all')).toHaveTextContent('Resume all');
  });

  it('publishes the selection and opens the queue', async () => {
    const backend = installBackend({ count: 5 });
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(5));
    fireEvent.click(tile(5));
    fireEvent.click(tile(4), { ctrlKey: true });
    fireEvent.click(screen.getByTestId('publish-button'));
    // Nothing extra asked for in the dialog: published as the library has them.
    const confirm = await screen.findByTestId('publish-confirm');
    await waitFor(() => expect(confirm).toBeEnabled());
    fireEvent.click(confirm);
    await waitFor(() => expect(backend.callsOf('queue_add')).toHaveLength(1));
    // The library's own folder, tags and metadata go with each job: nothing overridden.
    expect(backend.callsOf('queue_add')[0]!.args).toEqual({ request: publishRequest([5, 4]) });
    expect(publishRequest([5, 4])).toMatchObject({ asset_ids: [5, 4], folder: null, tags: [], custom_metadata: {}, overwrite: false });
    expect(await screen.findByTestId('queue-panel')).toBeInTheDocument();
    expect(screen.getAllByTestId('queue-row')).toHaveLength(2);
    expect(screen.getByTestId('queue-count')).toHaveTextContent('2');
    expect(screen.getByText('Queued 2 assets for upload.')).toBeInTheDocument();
    await waitFor(() => expect(within(tile(5)).getByTestId('asset-status')).toHaveAttribute('data-status', 'queued'));
  });

  it('loads the queue again when an event names a job it does not know', async () => {
    const backend = installBackend({ count: 1 });
    renderApp();
    await openQueue(backend);
    expect(await screen.findByText(/press Publish to upload them/)).toBeInTheDocument();
    const before = backend.callsOf('queue_list').length;
    backend.jobs.push(makeJob(9, { asset_id: 1, state: 'uploading' }));
    act(() =>
      backend.emitUpload({
        event: 'job_changed',
        job_id: 9,
        asset_id: 1,
        state: 'uploading',
        attempts: 1,
        next_retry_at: null,
        last_error: null,
        fix: null,
        note: null,
        remote: null,
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(1));
    expect(backend.callsOf('queue_list').length).toBe(before + 1);
  });

  it('says when publishing has stopped, why, and retries on request', async () => {
    const backend = installBackend({ count: 1 });
    backend.jobs.push(makeJob(1, { asset_id: 1 }));
    renderApp();
    const user = await openQueue(backend);
    expect(screen.queryByTestId('queue-stopped')).toBeNull();
    act(() =>
      backend.emitUpload({
        event: 'stopped',
        stopped: {
          message: 'another Stockroom window or command is already uploading from this library',
          fix: 'Let the other Stockroom window or `stockroom upload` finish (or close it).',
          retry_at: Date.now() + 40_000,
        },
      }),
    );
    const banner = await screen.findByTestId('queue-stopped');
    expect(banner).toHaveTextContent('Publishing has stopped.');
    expect(banner).toHaveTextContent('already uploading from this library');
    expect(banner).toHaveTextContent('Let the other Stockroom window');
    expect(banner).toHaveTextContent(/Next try in 4\d s/);
    await user.click(within(banner).getByTestId('queue-stopped-retry'));
    await waitFor(() => expect(backend.callsOf('uploads_retry')).toHaveLength(1));
    // Running again clears it.
    act(() => backend.emitUpload({ event: 'started', account: 'sandbox', interrupted: 0 }));
    await waitFor(() => expect(screen.queryByTestId('queue-stopped')).toBeNull());
  });

  it('keeps a state the queue reported while a Retry was still answering', async () => {
    const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {};
    const backend = installBackend({ count: 1, handlers });
    backend.jobs.push(makeJob(1, { asset_id: 1, state: 'failed', last_error: 'The file is no longer there.' }));
    // The queue publishes the small photo before the retry call's answer (still "queued") arrives.
    handlers.queue_retry = () => {
      for (const state of ['uploading', 'done'] as const) {
        backend.emitUpload({
          event: 'job_changed',
          job_id: 1,
          asset_id: 1,
          state,
          attempts: 1,
          next_retry_at: null,
          last_error: null,
          fix: null,
          note: null,
          remote: null,
        });
      }
      return { ...backend.jobs[0]!, state: 'queued' };
    };
    renderApp();
    const user = await openQueue(backend);
    await waitFor(() => expect(row(1)).toHaveAttribute('data-state', 'failed'));
    await user.click(within(row(1)).getByTestId('queue-retry'));
    await waitFor(() => expect(backend.callsOf('queue_retry')).toHaveLength(1));
    await act(async () => {
      await Promise.resolve();
    });
    expect(row(1)).toHaveAttribute('data-state', 'done');
  });
});
