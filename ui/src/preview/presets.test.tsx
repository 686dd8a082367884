// Channel presets in the app: applied to a selection from the selection bar, listed with their
// delivery URLs in the detail panel (copyable, one by one or all as lines), and the studio opened
// from the detail panel or with P.

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AssetUrl, Preset } from '@/ipc/api';
import { installBackend } from '@/test/backend';
import type { FakeBackend } from '@/test/backend';
import { renderApp } from '@/test/render';

vi.mock('hls.js', () => ({ default: class { static isSupported() { return false; } } }));

const tile = (id: number) => screen.getAllByTestId('asset-tile').find((t) => t.dataset.assetId === String(id))!;

let backend: FakeBackend;
let applied: Map<string, Set<number>>;
let written: string[];

function setup() {
  const presets: Preset[] = [
    { name: 'Shop grid 1:1', tr: 'w-1080,h-1080', asset_count: 0, updated_at: 0 },
    { name: 'Story 9:16', tr: 'w-1080,h-1920', asset_count: 0, updated_at: 0 },
  ];
  applied = new Map(presets.map((p) => [p.name, new Set<number>()]));
  const url = (id: number, p: Preset): AssetUrl => ({
    asset_id: id,
    asset_name: `clip-${id}.mp4`,
    path: `/clip-${id}.mp4`,
    preset: p.name,
    tr: p.tr,
    url: `http://127.0.0.1:40123/sandbox/clip-${id}.mp4?tr=${p.tr}`,
  });
  backend = installBackend({
    count: 3,
    handlers: {
      presets: () => presets.map((p) => ({ ...p, asset_count: applied.get(p.name)!.size })),
      apply_preset: (a) => {
        const set = applied.get(a.name as string)!;
        const ids = a.ids as number[];
        const added = ids.filter((i) => !set.has(i)).length;
        ids.forEach((i) => set.add(i));
        return { preset: presets.find((p) => p.name === a.name), assets: ids.length, added };
      },
      remove_preset: (a) => {
        (a.ids as number[]).forEach((i) => applied.get(a.name as string)!.delete(i));
        return 1;
      },
      preset_urls: (a) => (a.ids as number[]).flatMap((id) => presets.filter((p) => applied.get(p.name)!.has(id)).map((p) => url(id, p))),
      plan_preview: (a) => {
        if ((a.tr as string).includes('h-1920'))
          throw { code: 'invalid_input', message: 'Step 1: the crop (1080×1920) reaches outside the 640×360 picture. Use w-640,h-360.' };
        throw { code: 'invalid_input', message: 'not needed here' };
      },
      asset_url: () => ({ url: 'http://x' }),
      delete_preset: () => null,
      cancel_preview: () => true,
    },
  });
  written = [];
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: vi.fn(async (t: string) => void written.push(t)) },
  });
  return renderApp();
}

beforeEach(() => {
  HTMLMediaElement.prototype.pause = vi.fn();
});

describe('channel presets', () => {
  it('applies a preset to the selection, lists its URL per asset and copies all URLs as lines', async () => {
    const services = setup();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(3));
    fireEvent.click(tile(3));
    fireEvent.click(tile(2), { ctrlKey: true });
    fireEvent.click(screen.getByTestId('presets-button'));
    const menu = await screen.findByTestId('presets-menu');
    await waitFor(() => expect(within(menu).getAllByTestId('preset-apply')).toHaveLength(2));
    const grid = within(menu).getAllByTestId('preset-apply').find((b) => b.dataset.preset === 'Shop grid 1:1')!;
    expect(grid).toHaveTextContent('Apply to 2');
    fireEvent.click(grid);
    await waitFor(() => expect(backend.callsOf('apply_preset')).toHaveLength(1));
    expect(backend.callsOf('apply_preset')[0]!.args).toEqual({ name: 'Shop grid 1:1', ids: [3, 2] });
    await waitFor(() => expect(services.toasts.get().at(-1)?.message).toBe('Applied "Shop grid 1:1" to 2 assets.'));

    // Each asset's detail panel lists it with the URL.
    fireEvent.click(tile(2));
    const list = await screen.findByTestId('asset-presets');
    await waitFor(() => expect(within(list).getByTestId('asset-preset-url')).toHaveTextContent('clip-2.mp4?tr=w-1080,h-1080'));
    fireEvent.click(within(list).getByTestId('asset-preset-copy'));
    await waitFor(() => expect(written).toEqual(['http://127.0.0.1:40123/sandbox/clip-2.mp4?tr=w-1080,h-1080']));

    // Copy all URLs of the selection, one per line.
    fireEvent.click(tile(3), { ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('selection-count')).toHaveAttribute('data-count', '2'));
    fireEvent.click(screen.getByTestId('presets-button'));
    fireEvent.click(await screen.findByTestId('copy-preset-urls'));
    await waitFor(() => expect(written).toHaveLength(2));
    expect(written[1]).toBe(
      'http://127.0.0.1:40123/sandbox/clip-2.mp4?tr=w-1080,h-1080\nhttp://127.0.0.1:40123/sandbox/clip-3.mp4?tr=w-1080,h-1080',
    );
  });

  it('takes a preset off an asset from its detail panel', async () => {
    setup();
    applied.get('Story 9:16')!.add(1);
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(3));
    fireEvent.click(tile(1));
    const row = await screen.findByTestId('asset-preset');
    expect(row).toHaveAttribute('data-preset', 'Story 9:16');
    // A preset that can't be made for this asset says so, in the planner's words.
    await waitFor(() =>
      expect(within(row).getByTestId('asset-preset-problem')).toHaveTextContent(
        'Doesn’t fit this asset: Step 1: the crop (1080×1920) reaches outside the 640×360 picture. Use w-640,h-360.',
      ),
    );
    fireEvent.click(within(row).getByTestId('asset-preset-remove'));
    await waitFor(() => expect(screen.queryByTestId('asset-preset')).toBeNull());
    expect(backend.callsOf('remove_preset')[0]!.args).toEqual({ name: 'Story 9:16', ids: [1] });
  });

  it('opens the preview studio from the detail panel and with P, and closes it with Escape', async () => {
    setup();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(3));
    fireEvent.click(tile(2));
    fireEvent.click(await screen.findByTestId('open-studio'));
    const studio = await screen.findByTestId('preview-studio');
    expect(studio).toHaveAttribute('data-asset-id', '2');
    await waitFor(() => expect(screen.getByTestId('plan-error')).toHaveTextContent('not needed here'));
    fireEvent.keyDown(studio, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('preview-studio')).toBeNull());
    fireEvent.keyDown(window, { key: 'p' });
    expect(await screen.findByTestId('preview-studio')).toHaveAttribute('data-asset-id', '2');
  });

  it('deletes a preset from the menu only on a second, explicit press', async () => {
    setup();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(3));
    fireEvent.click(tile(1));
    fireEvent.click(screen.getByTestId('presets-button'));
    const menu = await screen.findByTestId('presets-menu');
    await waitFor(() => expect(within(menu).getAllByTestId('preset-delete')).toHaveLength(2));
    fireEvent.click(within(menu).getAllByTestId('preset-delete')[0]!);
    expect(backend.callsOf('delete_preset')).toHaveLength(0);
    fireEvent.click(within(menu).getByTestId('preset-delete-confirm'));
    await waitFor(() => expect(backend.callsOf('delete_preset')).toHaveLength(1));
    expect(backend.callsOf('delete_preset')[0]!.args).toEqual({ name: 'Shop grid 1:1' });
  });
});
