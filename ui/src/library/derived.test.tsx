// A published asset's derived outputs in the detail panel: the ik-master URL copyable, a state
// chip per output, asked again while one is still being made, failures with the shop's reason.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { createServices, ServicesProvider } from '@/app/context';
import type { DerivedOutput } from '@/ipc/api';
import { DerivedOutputs } from '@/library/DerivedOutputs';
import { installBackend } from '@/test/backend';

const LADDER = 'http://127.0.0.1:40123/sandbox/summer/dress.mp4/ik-master.m3u8?tr=sr-240_360_720';

function output(over: Partial<DerivedOutput>): DerivedOutput {
  return {
    kind: 'abs',
    label: 'HLS streaming ladder: 240p, 360p, 720p',
    tr: 'sr-240_360_720',
    url: LADDER,
    signed: false,
    state: 'building',
    reason: null,
    ...over,
  };
}

function mount(pollMs = 5) {
  render(
    <ServicesProvider value={createServices()}>
      <DerivedOutputs assetId={1} pollMs={pollMs} />
    </ServicesProvider>,
  );
}

describe('derived outputs', () => {
  it('shows each output with its state, asks again while building, and stops once ready', async () => {
    const backend = installBackend({ count: 1 });
    const thumb = output({ kind: 'thumbnail', label: 'Thumbnail', tr: null, url: 'http://127.0.0.1:40123/sandbox/summer/dress.mp4/ik-thumbnail.jpg', state: 'ready' });
    backend.derived.set(1, [
      [output({}), thumb],
      [output({}), thumb],
      [output({ state: 'ready' }), thumb],
    ]);
    mount();
    const rows = await screen.findAllByTestId('derived-output');
    expect(rows.map((r) => r.dataset.state)).toEqual(['building', 'ready']);
    expect(within(rows[0]!).getByTestId('derived-state')).toHaveTextContent('Building');
    expect(within(rows[0]!).getByTestId('derived-url')).toHaveTextContent(LADDER);
    await waitFor(() => expect(screen.getAllByTestId('derived-output')[0]).toHaveAttribute('data-state', 'ready'));
    expect(within(screen.getAllByTestId('derived-output')[0]!).getByTestId('derived-state')).toHaveTextContent('Ready');
    const asked = backend.callsOf('derived_outputs').length;
    expect(asked).toBe(3);
    // Everything ready: no more asking.
    await new Promise((r) => setTimeout(r, 40));
    expect(backend.callsOf('derived_outputs')).toHaveLength(asked);
  });

  it('a failed output gives the shop’s reason; a private file’s URL is signed; Copy copies it', async () => {
    const backend = installBackend({ count: 1 });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const signed = `${LADDER}&ik-t=1765000000&ik-s=abc123`;
    backend.derived.set(1, [
      [
        output({ url: signed, signed: true, state: 'ready' }),
        output({ kind: 'transformation', label: 'Version w-abc', tr: 'w-abc', url: 'http://x/dress.mp4?tr=w-abc', state: 'failed', reason: 'Invalid transformation w-abc: w needs a number.' }),
      ],
    ]);
    mount();
    const rows = await screen.findAllByTestId('derived-output');
    expect(within(rows[1]!).getByTestId('derived-reason')).toHaveTextContent('w needs a number');
    expect(within(rows[1]!).getByTestId('derived-state')).toHaveTextContent('Failed');
    expect(rows[0]).toHaveTextContent('Signed: the file is private');
    fireEvent.click(within(rows[0]!).getByTestId('derived-copy'));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(signed));
  });

  it('an asset with no derived outputs shows nothing', async () => {
    const backend = installBackend({ count: 1 });
    mount();
    await waitFor(() => expect(backend.callsOf('derived_outputs')).toHaveLength(1));
    expect(screen.queryByTestId('derived-outputs')).toBeNull();
  });
});
