// Compare with the shop: progress while it fetches, renders and compares; then the shop's
// delivery and the local preview side by side with the score, the verdict and the facts table;
// a delivery not ready yet is said, with Try again.

import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { createServices, ServicesProvider } from '@/app/context';
import type { CompareReport } from '@/ipc/api';
import { CompareDialog, formatSsim } from '@/preview/CompareDialog';
import { installBackend, makeAsset } from '@/test/backend';

const ASSET = makeAsset(1, { name: 'dress-red.mp4', width: 640, height: 360, duration_s: 6 });

function report(over: Partial<CompareReport> = {}): CompareReport {
  const facts = { width: 360, height: 360, duration_s: 6, video_codec: 'h264', audio_codec: 'aac', size: 412_000 };
  return {
    asset_id: 1,
    tr: 'w-360,h-360',
    url: 'http://127.0.0.1:40123/sandbox/dress-red.mp4?tr=w-360,h-360',
    remote: facts,
    local: { ...facts, size: 409_000 },
    ssim: 0.9934,
    frames: [
      { at_s: 0.5, ssim: 0.9951 },
      { at_s: 3, ssim: 0.9934 },
    ],
    same_dimensions: true,
    duration_delta_s: 0,
    matches: true,
    verdict: 'Match',
    local_path: '/lib/renders/ab/full.mp4',
    local_url: 'http://127.0.0.1:4567/t0k3n/render/ab/full.mp4',
    remote_path: '/lib/shop/cd.mp4',
    remote_url: 'http://127.0.0.1:4567/t0k3n/shop/cd.mp4',
    ...over,
  };
}

function mount() {
  render(
    <ServicesProvider value={createServices()}>
      <CompareDialog asset={ASSET} tr="w-360,h-360" onClose={() => {}} />
    </ServicesProvider>,
  );
}

describe('Compare with the shop', () => {
  it('shows progress, then both sides, the score and the facts', async () => {
    const backend = installBackend({ count: 1 });
    let open!: () => void;
    backend.shop.gate = new Promise((r) => (open = r));
    backend.shop.report = report();
    mount();
    await waitFor(() => expect(screen.getByTestId('compare-progress')).toHaveAttribute('data-phase', 'fetching'));
    expect(screen.getByTestId('compare-progress')).toHaveTextContent('Downloading the shop’s version');
    expect(backend.callsOf('compare_with_shop')[0]!.args).toMatchObject({ assetId: 1, tr: 'w-360,h-360' });
    act(() => open());
    const r = await screen.findByTestId('compare-report');
    expect(r).toHaveAttribute('data-matches', 'true');
    expect(screen.getByTestId('compare-ssim')).toHaveTextContent('0.993');
    expect(screen.getByTestId('compare-verdict')).toHaveTextContent('Match');
    expect(screen.getByTestId('compare-remote')).toHaveAttribute('src', 'http://127.0.0.1:4567/t0k3n/shop/cd.mp4');
    expect(screen.getByTestId('compare-local')).toHaveAttribute('src', 'http://127.0.0.1:4567/t0k3n/render/ab/full.mp4');
    const rows = within(screen.getByTestId('compare-facts')).getAllByRole('row').map((row) => row.textContent);
    expect(rows).toContain('Size360 × 360360 × 360');
    expect(rows).toContain('Duration6.00 s6.00 s');
    expect(rows).toContain('File size412 KB409 KB');
    expect(screen.getByTestId('compare-frames')).toHaveTextContent('0.5 s 0.995 · 3.0 s 0.993');
  });

  it('marks what differs', async () => {
    const backend = installBackend({ count: 1 });
    backend.shop.report = report({ ssim: 0.71, matches: false, verdict: 'Differs: the picture (SSIM 0.710), size 360×360 vs 400×400', local: { width: 400, height: 400, duration_s: 6, video_codec: 'h264', audio_codec: 'aac', size: 1 } });
    mount();
    expect(await screen.findByTestId('compare-verdict')).toHaveTextContent('Differs: the picture');
    expect(screen.getByTestId('compare-verdict')).toHaveClass('differs');
    const size = within(screen.getByTestId('compare-facts')).getByText('400 × 400');
    expect(size).toHaveClass('differs');
  });

  it('a delivery the shop has not made yet is said, and Try again asks again', async () => {
    const backend = installBackend({ count: 1 });
    backend.shop.error = { code: 'remote', message: 'The shop is still making this version (it answered with the original): try again in a minute.' };
    mount();
    expect(await screen.findByTestId('compare-error')).toHaveTextContent('still making this version');
    backend.shop.error = null;
    backend.shop.report = report();
    fireEvent.click(screen.getByTestId('compare-retry'));
    expect(await screen.findByTestId('compare-report')).toBeInTheDocument();
    expect(backend.callsOf('compare_with_shop')).toHaveLength(2);
  });

  it('never rounds a near-match up to a perfect score', () => {
    expect(formatSsim(0.99996)).toBe('0.999');
    expect(formatSsim(1)).toBe('1.000');
  });
});
