// The Publish dialog: a streaming version for the videos (HLS/DASH, renditions as toggles), extra
// versions and a thumbnail, checked through the backend before anything is queued, with the
// reason and the nearest valid setting; photos and videos queued with what applies to each.

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { installBackend } from '@/test/backend';
import type { FakeBackend } from '@/test/backend';
import { renderApp } from '@/test/render';
import { describePost, postFor, defaultChoice } from '@/uploads/publish';

describe('post-transformations of a choice', () => {
  it('videos get the ladder and thumbnail, everything the extra versions; blanks are dropped', () => {
    const c = { ...defaultChoice([240, 360, 720]), ladder: true, format: 'dash' as const, versions: ['w-400', '  '], thumbnail: true };
    expect(postFor(c, true)).toEqual([
      { type: 'abs', value: 'sr-240_360_720', protocol: 'dash' },
      { type: 'transformation', value: 'w-400', protocol: null },
      { type: 'thumbnail', value: null, protocol: null },
    ]);
    expect(postFor(c, false)).toEqual([{ type: 'transformation', value: 'w-400', protocol: null }]);
    expect(postFor(defaultChoice([240]), true)).toEqual([]);
    expect(describePost({ type: 'abs', value: 'sr-240_360', protocol: 'hls' })).toBe('HLS streaming version, 240p · 360p');
    expect(describePost({ type: 'thumbnail', value: 'w-200', protocol: null })).toBe('Thumbnail (w-200)');
  });
});

const tile = (id: number) => screen.getAllByTestId('asset-tile').find((t) => t.dataset.assetId === String(id))!;

async function openDialog(backend: FakeBackend, ids: number[]) {
  renderApp();
  await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBeGreaterThanOrEqual(ids.length));
  fireEvent.click(tile(ids[0]!));
  for (const id of ids.slice(1)) fireEvent.click(tile(id), { ctrlKey: true });
  fireEvent.click(screen.getByTestId('publish-button'));
  void backend;
  return screen.findByTestId('publish-dialog');
}

const rung = (sr: number) => screen.getAllByTestId('publish-rung').find((b) => b.dataset.rung === String(sr))!;

describe('Publish dialog', () => {
  it('asks for a DASH ladder and an extra version, checks each kind, queues videos and photos apart', async () => {
    const backend = installBackend({ count: 2 });
    backend.patch(1, { kind: 'image', name: 'poster.jpg', width: 800, height: 600, duration_s: null });
    const dialog = await openDialog(backend, [2, 1]);
    expect(dialog).toHaveTextContent('1 video and 1 photo or file');
    fireEvent.click(screen.getByTestId('publish-ladder'));
    fireEvent.click(screen.getByTestId('publish-format-dash'));
    // A 1920×1080 video gets 240…1080 by default; 1440 is above the source: said so.
    expect(screen.getAllByTestId('publish-rung').filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.rung)).toEqual([
      '240',
      '360',
      '480',
      '720',
      '1080',
    ]);
    fireEvent.click(rung(1440));
    expect(screen.getByTestId('publish-rung-hint')).toHaveTextContent('above 1080p come out at the source’s size');
    fireEvent.click(rung(1440));
    fireEvent.click(rung(480));
    fireEvent.click(rung(1080));
    fireEvent.click(screen.getByTestId('publish-add-version'));
    fireEvent.change(screen.getByTestId('publish-version'), { target: { value: 'w-400,h-400' } });
    const summary = screen.getByTestId('publish-summary');
    expect(summary).toHaveTextContent('Each video: DASH streaming version, 240p · 360p · 720p; Version w-400,h-400');
    expect(summary).toHaveTextContent('Each photo or file: Version w-400,h-400');

    const confirm = screen.getByTestId('publish-confirm');
    await waitFor(() => expect(confirm).toBeEnabled());
    const checks = backend.callsOf('check_post_transformations').map((c) => c.args);
    expect(checks.at(-2)).toEqual({
      assetIds: [2],
      post: [
        { type: 'abs', value: 'sr-240_360_720', protocol: 'dash' },
        { type: 'transformation', value: 'w-400,h-400', protocol: null },
      ],
    });
    expect(checks.at(-1)).toEqual({ assetIds: [1], post: [{ type: 'transformation', value: 'w-400,h-400', protocol: null }] });

    fireEvent.click(confirm);
    await waitFor(() => expect(backend.callsOf('queue_add')).toHaveLength(2));
    const [videos, photos] = backend.callsOf('queue_add').map((c) => (c.args as { request: { asset_ids: number[]; post_transformations: unknown[] } }).request);
    expect(videos!.asset_ids).toEqual([2]);
    expect(videos!.post_transformations).toHaveLength(2);
    expect(photos!.asset_ids).toEqual([1]);
    expect(photos!.post_transformations).toEqual([{ type: 'transformation', value: 'w-400,h-400', protocol: null }]);
    // Queued: the dialog closes and the queue opens.
    await waitFor(() => expect(screen.queryByTestId('publish-dialog')).toBeNull());
    expect(await screen.findByTestId('queue-panel')).toBeInTheDocument();
  });

  it('shows the backend’s reason and nearest valid setting, and queues nothing until it is fixed', async () => {
    const backend = installBackend({ count: 1 });
    await openDialog(backend, [1]);
    fireEvent.click(screen.getByTestId('publish-ladder'));
    for (const sr of [240, 360, 480, 720, 1080]) fireEvent.click(rung(sr));
    const error = await screen.findByTestId('publish-error');
    expect(error).toHaveTextContent(/no valid rendition.*sr-240/);
    expect(screen.getByTestId('publish-confirm')).toBeDisabled();
    // A version the media library would refuse.
    fireEvent.click(rung(360));
    fireEvent.click(screen.getByTestId('publish-add-version'));
    fireEvent.change(screen.getByTestId('publish-version'), { target: { value: 'w-abc' } });
    await waitFor(() => expect(screen.getByTestId('publish-error')).toHaveTextContent('w-abc'));
    fireEvent.change(screen.getByTestId('publish-version'), { target: { value: 'w-400' } });
    await waitFor(() => expect(screen.queryByTestId('publish-error')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('publish-confirm')).toBeEnabled());
    expect(backend.callsOf('queue_add')).toHaveLength(0);
    fireEvent.click(screen.getByTestId('publish-confirm'));
    await waitFor(() => expect(backend.callsOf('queue_add')).toHaveLength(1));
    expect((backend.callsOf('queue_add')[0]!.args as { request: { post_transformations: unknown[] } }).request.post_transformations).toEqual([
      { type: 'abs', value: 'sr-360', protocol: 'hls' },
      { type: 'transformation', value: 'w-400', protocol: null },
    ]);
  });

  it('a photo cannot ask for a streaming version or thumbnail; Cancel queues nothing', async () => {
    const backend = installBackend({ count: 1 });
    backend.patch(1, { kind: 'image', name: 'poster.jpg' });
    const dialog = await openDialog(backend, [1]);
    expect(screen.getByTestId('publish-ladder')).toBeDisabled();
    expect(screen.getByTestId('publish-thumbnail')).toBeDisabled();
    expect(within(dialog).getByText(/Streaming version.*for videos only/)).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('publish-cancel'));
    await waitFor(() => expect(screen.queryByTestId('publish-dialog')).toBeNull());
    expect(backend.callsOf('queue_add')).toHaveLength(0);
  });
});
