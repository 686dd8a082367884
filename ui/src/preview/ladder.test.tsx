// The streaming ladder: the `tr` it sends (the studio's edits that streaming URLs accept, then
// `sr-…`), its exact URL, a local render with progress, and the player's rendition menu.

import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Channel } from '@tauri-apps/api/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { createServices, ServicesProvider } from '@/app/context';
import type { LadderEvent, LadderPlan, LadderResult } from '@/ipc/api';
import { LadderPanel } from '@/preview/LadderPanel';
import { defaultRungs } from '@/preview/ladder';
import { installBackend, makeAsset } from '@/test/backend';
import type { FakeBackend } from '@/test/backend';

type Handler = (event: string, data: unknown) => void;
const hls = vi.hoisted(() => ({
  loaded: [] as string[],
  configs: [] as Record<string, unknown>[],
  handlers: new Map<string, Handler>(),
  loadLevel: [] as number[],
}));
vi.mock('hls.js', () => {
  class Hls {
    static isSupported() {
      return true;
    }
    static Events = { ERROR: 'hlsError', MANIFEST_PARSED: 'hlsManifestParsed', LEVEL_SWITCHED: 'hlsLevelSwitched' };
    constructor(config: Record<string, unknown>) {
      hls.configs.push(config);
    }
    set loadLevel(l: number) {
      hls.loadLevel.push(l);
    }
    loadSource(url: string) {
      hls.loaded.push(url);
    }
    attachMedia() {}
    on(event: string, fn: Handler) {
      hls.handlers.set(event, fn);
    }
    destroy() {}
  }
  return { default: Hls };
});

// The ladder `tr` itself (what streaming URLs refuse) is the backend's rule now: its cases are in
// crates/sr-api/tests/vectors/ladder_tr.json, checked in Rust and answered by the mock backend.
describe('defaultRungs', () => {
  it('offers every rendition a source fills, at least 240p', () => {
    expect(defaultRungs(640, 360)).toEqual([240, 360]);
    expect(defaultRungs(1080, 1920)).toEqual([240, 360, 480, 720, 1080]);
    expect(defaultRungs(160, 120)).toEqual([240]);
  });
});

const ASSET = makeAsset(7, { name: 'dress-red.mp4', width: 640, height: 360, duration_s: 6 });
const MASTER = 'http://127.0.0.1:4567/t0k3n/render/ab/ladder/ik-master.m3u8';

/** The backend's table (spec §10.4), for the fake plans. */
const REMOTE_RUNGS = [
  { sr: 240, w: 426, h: 240, kbps: 200 },
  { sr: 360, w: 640, h: 360, kbps: 400 },
  { sr: 480, w: 854, h: 480, kbps: 800 },
  { sr: 720, w: 1280, h: 720, kbps: 3300 },
];

function fakePlan(tr: string, format: 'hls' | 'dash'): LadderPlan {
  const sr = /(?:^|[:,])sr-([\d_]+)/.exec(tr);
  if (!sr) throw { code: 'invalid_input', message: 'A ladder needs its renditions: add sr-…, e.g. sr-240_360.' };
  const rungs = sr[1]!.split('_').map((r) => {
    const spec = REMOTE_RUNGS.find((x) => x.sr === Number(r))!;
    return { resolution: spec.sr, width: Math.min(spec.w, 640), height: Math.min(spec.h, 360), bitrate: spec.kbps * 1000 };
  });
  return {
    format,
    tr,
    master_name: format === 'hls' ? 'ik-master.m3u8' : 'ik-master.mpd',
    rungs,
    segment_s: 2,
    duration_s: 6,
    audio_codec: 'aac',
    not_previewable: [],
    notes: [],
  };
}

let backend: FakeBackend;
let finish: (() => void)[];

function setup(tr = '') {
  finish = [];
  backend = installBackend({
    handlers: {
      plan_ladder: (a) => fakePlan(a.tr as string, a.format as 'hls' | 'dash'),
      ladder_url: (a) => ({
        asset_id: 7,
        asset_name: ASSET.name,
        path: '/Summer_shoot/dress-red.mp4/ik-master.m3u8',
        preset: null,
        tr: a.tr,
        url: `http://127.0.0.1:40123/sandbox/Summer_shoot/dress-red.mp4/${a.format === 'hls' ? 'ik-master.m3u8' : 'ik-master.mpd'}?tr=${a.tr as string}`,
      }),
      render_ladder: (a) =>
        new Promise<LadderResult>((resolve) => {
          const plan = fakePlan(a.tr as string, a.format as 'hls' | 'dash');
          (a.onEvent as Channel<LadderEvent>).onmessage({ event: 'progress', data: { fraction: 0.4 } });
          finish.push(() =>
            resolve({
              format: plan.format,
              rungs: plan.rungs,
              segments: 3,
              segment_s: 2,
              duration_s: 6,
              audio_codec: 'aac',
              size: 2_400_000,
              url: plan.format === 'hls' ? MASTER : MASTER.replace('m3u8', 'mpd'),
              path: '/lib/renders/ab/ladder/ik-master.m3u8',
              cached: false,
            }),
          );
        }),
      cancel_preview: () => true,
    },
  });
  const services = createServices();
  const view = render(
    <ServicesProvider value={services}>
      <LadderPanel asset={ASSET} tr={tr} debounceMs={0} />
    </ServicesProvider>,
  );
  return view;
}

beforeEach(() => {
  hls.loaded.length = 0;
  hls.handlers.clear();
  hls.configs.length = 0;
  hls.loadLevel.length = 0;
  HTMLMediaElement.prototype.play = vi.fn(() => Promise.resolve());
  HTMLMediaElement.prototype.pause = vi.fn();
});

const url = () => screen.getByTestId('ladder-url');
const rung = (sr: number) => screen.getAllByTestId('ladder-rung').find((b) => b.dataset.rung === String(sr))!;

describe('streaming ladder panel', () => {
  it('follows the studio and the chosen renditions into the plan and the exact ik-master URL', async () => {
    const view = setup('cm-extract,x-140,y-0,w-360,h-360:rt-90');
    await waitFor(() => expect(url()).toHaveTextContent('dress-red.mp4/ik-master.m3u8?tr=rt-90:sr-240_360'));
    expect(rung(240)).toHaveAttribute('aria-pressed', 'true');
    expect(rung(720)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('ladder-left-out')).toHaveTextContent('cm, x, y, w, h');
    expect(screen.getAllByTestId('ladder-plan-rung').map((r) => r.textContent)).toEqual(['240p 426 × 240 · 200 kb/s', '360p 640 × 360 · 400 kb/s']);

    fireEvent.click(rung(720));
    fireEvent.click(screen.getByTestId('ladder-format-dash'));
    await waitFor(() => expect(url()).toHaveTextContent('ik-master.mpd?tr=rt-90:sr-240_360_720'));
    expect(backend.callsOf('plan_ladder').at(-1)!.args).toEqual({ source: { asset_id: 7 }, tr: 'rt-90:sr-240_360_720', format: 'dash' });

    // The studio's edit flows in.
    view.rerender(
      <ServicesProvider value={createServices()}>
        <LadderPanel asset={ASSET} tr="rt-180" debounceMs={0} />
      </ServicesProvider>,
    );
    await waitFor(() => expect(url()).toHaveTextContent('?tr=rt-180:sr-240_360_720'));

    // No rendition: explained, nothing to render.
    for (const sr of [240, 360, 720]) fireEvent.click(rung(sr));
    await waitFor(() => expect(screen.getByTestId('ladder-error')).toHaveTextContent('add sr-'));
    expect(screen.getByTestId('ladder-render')).toBeDisabled();
  });

  it('renders with progress, then plays the master with a rendition menu that switches', async () => {
    setup('rt-90');
    await waitFor(() => expect(screen.getByTestId('ladder-render')).toBeEnabled());
    fireEvent.click(screen.getByTestId('ladder-render'));
    await waitFor(() => expect(screen.getByTestId('ladder-status')).toHaveAttribute('data-state', 'rendering'));
    expect(screen.getByTestId('ladder-status')).toHaveTextContent('40%');
    const call = backend.callsOf('render_ladder')[0]!.args;
    expect(call).toMatchObject({ source: { asset_id: 7 }, tr: 'rt-90:sr-240_360', format: 'hls' });
    expect(call.view).toMatch(/^ladder-/);

    act(() => finish.shift()!());
    await waitFor(() => expect(screen.getByTestId('ladder-status')).toHaveAttribute('data-state', 'ready'));
    expect(screen.getByTestId('ladder-status')).toHaveTextContent('2 renditions × 3 segments of 2 s · 2.4 MB');
    await waitFor(() => expect(hls.loaded).toEqual([MASTER]));
    expect(screen.getByTestId('ladder-render')).toBeDisabled();

    act(() =>
      hls.handlers.get('hlsManifestParsed')!('hlsManifestParsed', {
        levels: [
          { width: 426, height: 240, bitrate: 264_000 },
          { width: 640, height: 360, bitrate: 464_000 },
        ],
      }),
    );
    const menu = screen.getByTestId('ladder-level');
    expect(menu).toHaveAttribute('data-levels', '2');
    expect(within(menu).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Auto (by bandwidth)',
      '240p · 264 kb/s',
      '360p · 464 kb/s',
    ]);
    expect(hls.configs[0]).not.toHaveProperty('startLevel');
    // Picking 360p reloads the stream at the playhead on that rendition, and keeps it there.
    fireEvent.change(menu, { target: { value: '1' } });
    await waitFor(() => expect(hls.loaded).toEqual([MASTER, MASTER]));
    expect(hls.configs[1]).toMatchObject({ startLevel: 1 });
    const levels = [
      { width: 426, height: 240, bitrate: 264_000 },
      { width: 640, height: 360, bitrate: 464_000 },
    ];
    act(() => hls.handlers.get('hlsManifestParsed')!('hlsManifestParsed', { levels }));
    expect(hls.loadLevel).toEqual([1]);
    act(() => hls.handlers.get('hlsLevelSwitched')!('hlsLevelSwitched', { level: 1 }));
    expect(screen.getByTestId('ladder-playing')).toHaveAttribute('data-height', '360');

    // A change makes the render out of date: it can be rendered again.
    fireEvent.click(rung(480));
    await waitFor(() => expect(screen.getByTestId('ladder-render')).toBeEnabled());
    expect(screen.getByTestId('ladder-status')).toHaveTextContent('the ladder changed since');
  });

  it('a DASH ladder says where it is and how to watch it here', async () => {
    setup('');
    fireEvent.click(screen.getByTestId('ladder-format-dash'));
    await waitFor(() => expect(url()).toHaveTextContent('ik-master.mpd'));
    await waitFor(() => expect(screen.getByTestId('ladder-render')).toBeEnabled());
    fireEvent.click(screen.getByTestId('ladder-render'));
    await waitFor(() => expect(finish).toHaveLength(1));
    act(() => finish.shift()!());
    await waitFor(() => expect(screen.getByTestId('ladder-dash-note')).toHaveTextContent('switch to HLS'));
    expect(hls.loaded).toEqual([]);
  });
});
