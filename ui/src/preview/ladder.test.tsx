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
  capping: [] as number[],
}));
// dash.js as the studio drives it: settings, representations, a chosen one, quality events.
type DashHandler = (e: Record<string, unknown>) => void;
const dash = vi.hoisted(() => ({
  initialized: [] as string[],
  settings: [] as Record<string, unknown>[],
  handlers: new Map<string, DashHandler>(),
  chosen: [] as number[],
  destroyed: 0,
}));
vi.mock('dashjs', () => {
  const events = { ERROR: 'error', STREAM_INITIALIZED: 'streamInitialized', QUALITY_CHANGE_RENDERED: 'qualityChangeRendered' };
  const reps = [
    { id: '0', width: 426, height: 240, bandwidth: 200_000 },
    { id: '1', width: 640, height: 360, bandwidth: 400_000 },
  ];
  function MediaPlayer() {
    return {
      create: () => ({
        updateSettings: (s: Record<string, unknown>) => dash.settings.push(s),
        on: (e: string, fn: DashHandler) => dash.handlers.set(e, fn),
        initialize: (_el: unknown, url: string) => dash.initialized.push(url),
        getRepresentationsByType: () => reps,
        setRepresentationForTypeByIndex: (_t: string, i: number) => dash.chosen.push(i),
        destroy: () => dash.destroyed++,
      }),
    };
  }
  MediaPlayer.events = events;
  return { MediaPlayer, Debug: { LOG_LEVEL_WARNING: 3 } };
});
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
    set autoLevelCapping(l: number) {
      hls.capping.push(l);
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
  // A rung above the 640×360 source comes out at its size: the same as a lower one.
  const duplicates = rungs.filter((r, i) => rungs.slice(0, i).some((l) => l.width === r.width && l.height === r.height)).map((r) => r.resolution);
  const kept = rungs.filter((r) => !duplicates.includes(r.resolution)).map((r) => r.resolution);
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
    duplicates,
    without_duplicates: tr.replace(/sr-[\d_]+/, `sr-${kept.join('_')}`),
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
              rung_costs: plan.rungs.map((r) => ({
                resolution: r.resolution,
                width: r.width,
                height: r.height,
                bytes: (r.bitrate * 6) / 8,
                bitrate_bps: r.bitrate,
              })),
              audio_bytes: 100_000,
              storage_bytes: plan.rungs.reduce((n, r) => n + (r.bitrate * 6) / 8, 0) + 100_000,
              bytes_per_view: (plan.rungs.at(-1)!.bitrate * 6) / 8 + 100_000,
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
  hls.capping.length = 0;
  dash.initialized.length = 0;
  dash.settings.length = 0;
  dash.handlers.clear();
  dash.chosen.length = 0;
  dash.destroyed = 0;
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

  it('says what a duplicate rendition costs for nothing, and leaves it out in one click; the cost per rendition and in total', async () => {
    setup('rt-90');
    await waitFor(() => expect(url()).toHaveTextContent('?tr=rt-90:sr-240_360'));
    expect(screen.queryByTestId('ladder-duplicates')).toBeNull();
    // 480p on a 640×360 clip comes out at 640×360, the same as 360p.
    fireEvent.click(rung(480));
    const note = await screen.findByTestId('ladder-duplicates');
    // Before a render: estimated from the planned bit rate (800 kb/s × 6 s).
    expect(note).toHaveTextContent('480p comes out at 640 × 360, the same as 360p (the source’s size): about +600 KB for nothing — use sr-240_360.');
    fireEvent.click(screen.getByTestId('ladder-render'));
    await waitFor(() => expect(finish).toHaveLength(1));
    act(() => finish.shift()!());
    await waitFor(() => expect(screen.getByTestId('ladder-status')).toHaveAttribute('data-state', 'ready'));
    // Measured now; the cost table marks the duplicate.
    expect(screen.getByTestId('ladder-duplicates')).toHaveTextContent('+600 KB for nothing');
    const rows = screen.getAllByTestId('ladder-cost-rung');
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['240p', '426 × 240', '200 kb/s', '150 KB'],
      ['360p', '640 × 360', '400 kb/s', '300 KB'],
      ['480p', '640 × 360', '800 kb/s', '600 KB'],
    ]);
    expect(rows[2]).toHaveClass('duplicate');
    expect(screen.getByTestId('ladder-storage')).toHaveTextContent('1.1 MB');
    expect(screen.getByTestId('ladder-per-view')).toHaveTextContent('700 KB');

    fireEvent.click(screen.getByTestId('ladder-drop-duplicates'));
    await waitFor(() => expect(url()).toHaveTextContent(/\?tr=rt-90:sr-240_360$/));
    expect(rung(480)).toHaveAttribute('aria-pressed', 'false');
    await waitFor(() => expect(screen.queryByTestId('ladder-duplicates')).toBeNull());
  });

  it('a bandwidth cap keeps hls.js below it, restarting at the playhead, and says what plays', async () => {
    setup('');
    await waitFor(() => expect(screen.getByTestId('ladder-render')).toBeEnabled());
    fireEvent.click(screen.getByTestId('ladder-render'));
    await waitFor(() => expect(finish).toHaveLength(1));
    act(() => finish.shift()!());
    await waitFor(() => expect(hls.loaded).toEqual([MASTER]));
    const levels = [
      { width: 426, height: 240, bitrate: 264_000 },
      { width: 640, height: 360, bitrate: 464_000 },
    ];
    act(() => hls.handlers.get('hlsManifestParsed')!('hlsManifestParsed', { levels }));
    // No cap: every rendition may play.
    expect(hls.capping).toEqual([-1]);
    expect(hls.configs[0]).not.toHaveProperty('abrEwmaDefaultEstimate');
    const cap = screen.getByTestId('ladder-cap');
    fireEvent.change(cap, { target: { value: '300000' } });
    // 300 kb/s fits only 240p: a fresh player that estimates the line at the cap and is capped there.
    await waitFor(() => expect(hls.loaded).toHaveLength(2));
    expect(hls.configs[1]).toMatchObject({ abrEwmaDefaultEstimate: 300_000 });
    act(() => hls.handlers.get('hlsManifestParsed')!('hlsManifestParsed', { levels }));
    expect(hls.capping.at(-1)).toBe(0);
    fireEvent.change(cap, { target: { value: '500000' } });
    await waitFor(() => expect(hls.loaded).toHaveLength(3));
    act(() => hls.handlers.get('hlsManifestParsed')!('hlsManifestParsed', { levels }));
    expect(hls.capping.at(-1)).toBe(1);
    // Below every rendition the lowest still plays.
    fireEvent.change(cap, { target: { value: '' } });
    await waitFor(() => expect(hls.loaded).toHaveLength(4));
    fireEvent.change(cap, { target: { value: '300000' } });
    await waitFor(() => expect(hls.loaded).toHaveLength(5));
    act(() => hls.handlers.get('hlsManifestParsed')!('hlsManifestParsed', { levels }));
    act(() => hls.handlers.get('hlsLevelSwitched')!('hlsLevelSwitched', { level: 0 }));
    expect(screen.getByTestId('ladder-playing')).toHaveTextContent('Playing 240p · 264 kb/s (auto, capped at 300 kb/s)');
    // A fixed rendition ignores the bandwidth: the cap is off while one is chosen.
    fireEvent.change(screen.getByTestId('ladder-level'), { target: { value: '1' } });
    expect(cap).toBeDisabled();
  });

  it('a DASH ladder plays through dash.js: renditions, a fixed one, the cap, what plays', async () => {
    setup('');
    fireEvent.click(screen.getByTestId('ladder-format-dash'));
    await waitFor(() => expect(url()).toHaveTextContent('ik-master.mpd'));
    await waitFor(() => expect(screen.getByTestId('ladder-render')).toBeEnabled());
    fireEvent.click(screen.getByTestId('ladder-render'));
    await waitFor(() => expect(finish).toHaveLength(1));
    act(() => finish.shift()!());
    const mpd = MASTER.replace('m3u8', 'mpd');
    await waitFor(() => expect(dash.initialized).toEqual([mpd]));
    expect(hls.loaded).toEqual([]);
    expect(screen.getByTestId('ladder-player')).toHaveAttribute('data-format', 'dash');
    expect(dash.settings[0]).toMatchObject({ streaming: { abr: { autoSwitchBitrate: { video: true }, maxBitrate: { video: -1 } } } });

    act(() => dash.handlers.get('streamInitialized')!({}));
    const menu = screen.getByTestId('ladder-level');
    expect(within(menu).getAllByRole('option').map((o) => o.textContent)).toEqual(['Auto (by bandwidth)', '240p · 200 kb/s', '360p · 400 kb/s']);
    // The cap goes to dash.js's ABR in kb/s, as its ceiling and first estimate, on a fresh player.
    fireEvent.change(screen.getByTestId('ladder-cap'), { target: { value: '300000' } });
    await waitFor(() => expect(dash.initialized).toHaveLength(2));
    expect(dash.destroyed).toBe(1);
    expect(dash.settings.at(-1)).toMatchObject({ streaming: { abr: { maxBitrate: { video: 300 }, initialBitrate: { video: 300 } } } });
    act(() => dash.handlers.get('streamInitialized')!({}));
    act(() => dash.handlers.get('qualityChangeRendered')!({ mediaType: 'video', newRepresentation: { id: '0' } }));
    expect(screen.getByTestId('ladder-playing')).toHaveAttribute('data-height', '240');
    // The plan marks the rendition on screen.
    expect(screen.getAllByTestId('ladder-plan-rung')[0]).toHaveClass('playing');

    // A fixed rendition: a fresh player that does not switch, on that representation.
    fireEvent.change(menu, { target: { value: '1' } });
    await waitFor(() => expect(dash.initialized).toHaveLength(3));
    expect(dash.settings.at(-1)).toMatchObject({ streaming: { abr: { autoSwitchBitrate: { video: false }, maxBitrate: { video: -1 } } } });
    act(() => dash.handlers.get('streamInitialized')!({}));
    expect(dash.chosen).toEqual([1]);
    act(() => dash.handlers.get('qualityChangeRendered')!({ mediaType: 'audio', newRepresentation: { id: '9' } }));
    act(() => dash.handlers.get('qualityChangeRendered')!({ mediaType: 'video', newRepresentation: { id: '1' } }));
    expect(screen.getByTestId('ladder-playing')).toHaveTextContent('Playing 360p · 400 kb/s (fixed)');
  });

  it('the manifest inspector lists what the rendered MPD declares', async () => {
    const { DASH_MPD } = await import('@/preview/testdata/manifests');
    const fetched: string[] = [];
    vi.stubGlobal('fetch', (u: string) => {
      fetched.push(u);
      return Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve(DASH_MPD) });
    });
    try {
      setup('');
      fireEvent.click(screen.getByTestId('ladder-format-dash'));
      await waitFor(() => expect(screen.getByTestId('ladder-render')).toBeEnabled());
      fireEvent.click(screen.getByTestId('ladder-render'));
      await waitFor(() => expect(finish).toHaveLength(1));
      act(() => finish.shift()!());
      fireEvent.click(await screen.findByTestId('manifest-toggle'));
      const rows = await screen.findAllByTestId('manifest-rendition');
      expect(fetched).toEqual([MASTER.replace('m3u8', 'mpd')]);
      expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
        ['240p', '426 × 240', '1 Mb/s', 'avc1.42c015', '3 × 2 s'],
        ['360p', '640 × 360', '1.8 Mb/s', 'avc1.42c01e', '3 × 2 s'],
        ['Sound', '—', '69 kb/s', 'mp4a.40.2', '3 × 2.02 s'],
      ]);
      expect(screen.getByTestId('manifest-inspector')).toHaveTextContent('DASH MPD · 2 video renditions · 6.0 s');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
