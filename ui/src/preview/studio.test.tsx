// The preview studio against a fake backend: controls and the tr follow each other, plans come
// before renders (errors inline), the fast preview plays through hls.js from its first segment,
// full quality is one click, presets save.

import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Channel } from '@tauri-apps/api/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { createServices, ServicesProvider } from '@/app/context';
import type { PreviewEvent, PreviewPlan, PreviewResult } from '@/ipc/api';
import { PreviewStudio } from '@/preview/PreviewStudio';
import * as T from '@/preview/tr';
import { installBackend, makeAsset } from '@/test/backend';
import type { FakeBackend } from '@/test/backend';

const hls = vi.hoisted(() => ({ loaded: [] as string[], configs: [] as unknown[] }));
vi.mock('hls.js', () => {
  class Hls {
    static isSupported() {
      return true;
    }
    static Events = { ERROR: 'hlsError' };
    constructor(config: unknown) {
      hls.configs.push(config);
    }
    loadSource(url: string) {
      hls.loaded.push(url);
    }
    attachMedia() {}
    on() {}
    destroy() {}
  }
  return { default: Hls };
});

const ASSET = makeAsset(7, { name: 'dress-red.mp4', width: 640, height: 360, duration_s: 6 });
const MASTER = 'http://127.0.0.1:4567/t0k3n/render/ab/master.m3u8';
const FULL = 'http://127.0.0.1:4567/t0k3n/render/ab/full.mp4';

/** A plan as the backend makes it, for the few parameters the tests use. */
function fakePlan(tr: string): PreviewPlan {
  if (/rt-(45|N45)/.test(tr)) throw { code: 'invalid_input', message: 'Step 1: videos rotate by 0/90/180/270 only; use rt-0.' };
  const c = T.readControls(T.parseTr(tr));
  let [w, h] = c.crop ? [c.crop.w, c.crop.h] : [640, 360];
  if (c.rotation % 180 !== 0) [w, h] = [h, w];
  if (c.size?.w && c.size.h) [w, h] = [c.size.w, c.size.h];
  return {
    kind: 'video',
    tr,
    width: w,
    height: h,
    duration_s: 6,
    trim_s: [0, 6],
    format: 'mp4',
    video_codec: 'h264',
    audio_codec: 'aac',
    quality: 50,
    not_previewable: tr.includes('e-sharpen-10') ? [{ step: 1, param: 'e-sharpen-10', reason: 'not previewable locally' }] : [],
    notes: [],
  };
}

function result(url: string, p: PreviewPlan): PreviewResult {
  return { width: p.width, height: p.height, duration_s: 6, video_codec: 'h264', audio_codec: 'aac', size: 1000, url, path: '/x', cached: false };
}

let backend: FakeBackend;
let finishRender: (() => void)[];

function setup(initialTr = '', asset = ASSET) {
  finishRender = [];
  backend = installBackend({
    handlers: {
      plan_preview: (a) => fakePlan(a.tr as string),
      render_preview: (a) =>
        new Promise((resolve) => {
          const ch = a.onEvent as Channel<PreviewEvent>;
          const plan = fakePlan(a.tr as string);
          ch.onmessage({ event: 'progress', data: { fraction: 0.3 } });
          if (a.mode === 'fast') ch.onmessage({ event: 'first_segment_ready', data: { url: MASTER, path: '/m' } });
          finishRender.push(() => resolve(result(a.mode === 'fast' ? MASTER : FULL, plan)));
        }),
      cancel_preview: () => true,
      asset_url: (a) => ({
        asset_id: 7,
        asset_name: ASSET.name,
        path: '/Summer_shoot/dress-red.mp4',
        preset: null,
        tr: a.tr,
        url: `http://127.0.0.1:40123/sandbox/Summer_shoot/dress-red.mp4${a.tr ? `?tr=${a.tr as string}` : ''}${a.sign ? '&ik-s=abc' : ''}`,
      }),
      presets: () => [{ name: 'Story 9:16', tr: 'cm-extract,x-221,y-4,w-198,h-352', asset_count: 0, updated_at: 0 }],
      save_preset: (a) => ({ name: a.name, tr: a.tr, asset_count: 0, updated_at: 1 }),
      apply_preset: (a) => ({ preset: { name: a.name, tr: 'x', asset_count: 1, updated_at: 1 }, assets: 1, added: 1 }),
    },
  });
  const services = createServices();
  const onClose = vi.fn();
  render(
    <ServicesProvider value={services}>
      <PreviewStudio asset={asset} onClose={onClose} initialTr={initialTr} debounceMs={0} />
    </ServicesProvider>,
  );
  return { services, onClose };
}

const trInput = () => screen.getByTestId('tr-input') as HTMLInputElement;
const tr = () => trInput().value;
const rendersOf = (mode: string) => backend.callsOf('render_preview').filter((c) => c.args.mode === mode);

beforeEach(() => {
  hls.loaded.length = 0;
  hls.configs.length = 0;
  HTMLMediaElement.prototype.play = vi.fn(() => Promise.resolve());
  HTMLMediaElement.prototype.pause = vi.fn();
});

describe('preview studio', () => {
  it('offers Compare with the shop for a published asset only, with the studio’s current tr', async () => {
    setup('w-360,h-360');
    await waitFor(() => expect(screen.getByTestId('render-status')).toBeInTheDocument());
    expect(screen.queryByTestId('compare-open')).toBeNull();
    cleanup();
    setup('w-360,h-360', { ...ASSET, sync: 'synced' });
    const open = await screen.findByTestId('compare-open');
    await waitFor(() => expect(open).toBeEnabled());
    fireEvent.click(open);
    expect(await screen.findByTestId('compare-dialog')).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf('compare_with_shop')).toHaveLength(1));
    expect(backend.callsOf('compare_with_shop')[0]!.args).toMatchObject({ assetId: 7, tr: 'w-360,h-360' });
    // Not published in the fake: the reason is said in the dialog.
    expect(await screen.findByTestId('compare-error')).toHaveTextContent('publish it first');
  });

  it('plans, then plays the fast preview through hls.js from its first segment while it renders', async () => {
    setup();
    await waitFor(() => expect(hls.loaded).toEqual([MASTER]));
    expect(hls.configs[0]).toMatchObject({ enableWorker: false, startPosition: 0 });
    const plan = backend.callsOf('plan_preview')[0]!.args;
    expect(plan).toEqual({ source: { asset_id: 7 }, tr: '' });
    const fast = rendersOf('fast')[0]!.args;
    expect(fast.view).toMatch(/^studio-/);
    expect(screen.getByTestId('plan-output')).toHaveAttribute('data-width', '640');
    expect(screen.getByTestId('render-progress')).toHaveAttribute('aria-valuenow', '30');
    expect(screen.getByTestId('render-status')).toHaveTextContent('playing while it renders — 30%');
    expect(screen.getByTestId('studio-preview')).toHaveAttribute('data-src', MASTER);
    expect(screen.queryByTestId('stage-updating')).toBeNull();
    act(() => finishRender.shift()!());
    await waitFor(() => expect(screen.getByTestId('render-status')).toHaveAttribute('data-state', 'ready'));
    expect(screen.getByTestId('render-progress')).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByTestId('delivery-url')).toHaveTextContent('http://127.0.0.1:40123/sandbox/Summer_shoot/dress-red.mp4');
  });

  it('a 1:1 crop, a quarter turn and a text watermark become the tr, the URL and the plan', async () => {
    setup();
    await waitFor(() => expect(backend.callsOf('plan_preview')).toHaveLength(1));
    fireEvent.click(screen.getByTestId('aspect-1-1'));
    expect(tr()).toBe('cm-extract,x-140,y-0,w-360,h-360');
    expect(screen.getByTestId('crop-box')).toHaveAttribute('data-w', '360');
    fireEvent.click(screen.getByTestId('rotate-cw'));
    expect(tr()).toBe('cm-extract,x-140,y-0,w-360,h-360,rt-90');
    expect(screen.getByTestId('rotate-angle-readout')).toHaveTextContent('90°');
    fireEvent.click(screen.getByTestId('wm-text'));
    fireEvent.change(screen.getByTestId('wm-text-input'), { target: { value: 'SALE' } });
    fireEvent.click(screen.getByTestId('wm-anchor-top_left'));
    const want = 'cm-extract,x-140,y-0,w-360,h-360,rt-90:l-text,i-SALE,fs-48,co-FFFFFF,bg-00000060,pa-16,lfo-top_left,l-end';
    expect(tr()).toBe(want);
    await waitFor(() => expect(screen.getByTestId('delivery-url')).toHaveTextContent(`?tr=${want}`));
    await waitFor(() => expect(screen.getByTestId('plan-output')).toHaveAttribute('data-height', '360'));
    expect(backend.callsOf('plan_preview').at(-1)!.args.tr).toBe(want);
    expect(rendersOf('fast').at(-1)!.args.tr).toBe(want);
    // Every render of this studio shares one view id: the backend cancels the older ones.
    expect(new Set(rendersOf('fast').map((c) => c.args.view)).size).toBe(1);
  });

  it('follows a tr typed by hand and lists what the preview leaves out', async () => {
    setup();
    fireEvent.change(trInput(), { target: { value: 'w-200,h-100,e-sharpen-10:rt-180' } });
    await waitFor(() => expect(screen.getByTestId('not-previewable-param')).toHaveTextContent('e-sharpen-10'));
    expect(screen.getByTestId('size-w')).toHaveValue(200);
    expect(screen.getByTestId('size-h')).toHaveValue(100);
    expect(screen.getByTestId('rotate-angle-readout')).toHaveTextContent('180°');
    // A control edit keeps the unknown parameter in place.
    fireEvent.click(screen.getByTestId('flip-h'));
    expect(tr()).toBe('w-200,h-100,e-sharpen-10:rt-180,fl-h');
  });

  it('shows a plan error with the nearest valid setting inline and renders nothing for it', async () => {
    setup();
    await waitFor(() => expect(rendersOf('fast')).toHaveLength(1));
    fireEvent.change(trInput(), { target: { value: 'rt-45' } });
    await waitFor(() => expect(screen.getByTestId('plan-error')).toHaveTextContent('videos rotate by 0/90/180/270 only; use rt-0.'));
    expect(trInput()).toHaveAttribute('aria-invalid', 'true');
    expect(rendersOf('fast')).toHaveLength(1);
    expect(screen.getByTestId('render-full')).toBeDisabled();
    expect(screen.getByTestId('render-status')).toHaveAttribute('data-state', 'blocked');
    // The earlier picture is not left standing in for it.
    expect(screen.queryByTestId('studio-preview')).toBeNull();
    expect(screen.getByTestId('stage-wait')).toHaveTextContent('can’t be made as written');
  });

  it('renders full quality in one click and plays the file', async () => {
    setup();
    await waitFor(() => expect(rendersOf('fast')).toHaveLength(1));
    act(() => finishRender.shift()!());
    fireEvent.click(screen.getByTestId('render-full'));
    await waitFor(() => expect(rendersOf('full')).toHaveLength(1));
    expect(screen.getByTestId('render-status')).toHaveTextContent('Full quality: rendering — 30%');
    act(() => finishRender.shift()!());
    await waitFor(() => expect(screen.getByTestId('studio-preview')).toHaveAttribute('data-src', FULL));
    expect(screen.getByTestId('render-full')).toHaveTextContent('Full quality shown');
  });

  it('trims with the numbers and the keyboard, and plays both players together', async () => {
    setup();
    await waitFor(() => expect(screen.getByTestId('play-toggle')).toBeEnabled());
    fireEvent.change(screen.getByTestId('trim-start'), { target: { value: '1.5' } });
    fireEvent.blur(screen.getByTestId('trim-start'));
    expect(tr()).toBe('so-1.5');
    fireEvent.change(screen.getByTestId('trim-end'), { target: { value: '4' } });
    fireEvent.keyDown(screen.getByTestId('trim-end'), { key: 'Enter' });
    expect(tr()).toBe('so-1.5,eo-4');
    expect(screen.getByTestId('studio-timeline')).toHaveAttribute('data-start', '1.5');
    fireEvent.click(screen.getByTestId('play-toggle'));
    expect(HTMLMediaElement.prototype.play).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('play-toggle')).toHaveAttribute('aria-label', 'Pause both');
    fireEvent.keyDown(screen.getByTestId('preview-studio'), { key: ' ' });
    expect(HTMLMediaElement.prototype.pause).toHaveBeenCalledTimes(2);
    fireEvent.keyDown(screen.getByTestId('preview-studio'), { key: 'r' });
    expect(tr()).toBe('so-1.5,eo-4,rt-90');
  });

  it('saves the tr as a preset and applies it to this asset; a preset loads into the editor', async () => {
    const { services } = setup();
    await waitFor(() => expect(screen.getByTestId('preset-select')).toHaveTextContent('Story 9:16'));
    fireEvent.change(screen.getByTestId('preset-select'), { target: { value: 'Story 9:16' } });
    expect(tr()).toBe('cm-extract,x-221,y-4,w-198,h-352');
    await waitFor(() => expect(screen.getByTestId('aspect-9-16')).toHaveAttribute('aria-checked', 'true'));
    fireEvent.click(screen.getByTestId('preset-save-open'));
    fireEvent.change(screen.getByTestId('preset-name'), { target: { value: 'Stories' } });
    fireEvent.click(screen.getByTestId('preset-save'));
    await waitFor(() => expect(backend.callsOf('apply_preset')).toHaveLength(1));
    expect(backend.callsOf('save_preset')[0]!.args).toEqual({ name: 'Stories', tr: 'cm-extract,x-221,y-4,w-198,h-352' });
    expect(backend.callsOf('apply_preset')[0]!.args).toEqual({ name: 'Stories', ids: [7] });
    await waitFor(() => expect(services.toasts.get().at(-1)?.message).toBe('Saved preset "Stories" and applied it to dress-red.mp4.'));
  });

  it('signs the URL on request and closes on Escape', async () => {
    const { onClose } = setup('w-100');
    fireEvent.click(screen.getByTestId('url-signed'));
    await waitFor(() => expect(screen.getByTestId('delivery-url')).toHaveTextContent('?tr=w-100&ik-s=abc'));
    fireEvent.keyDown(within(screen.getByTestId('preview-studio')).getByTestId('tr-input'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
