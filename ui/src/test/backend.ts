// A fake Stockroom backend behind `mockIPC`: a library of N generated assets served by page, and
// scripted imports that stream ImportEvents through the real `Channel` the UI passes.

import type { Channel } from '@tauri-apps/api/core';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';

import type { Asset, AssetPage, ImportEvent, ImportReport, LibraryInfo } from '@/ipc/bindings';

export function makeAsset(id: number, over: Partial<Asset> = {}): Asset {
  return {
    id,
    path: `/media/shoot/clip-${id}.mp4`,
    name: `clip-${id}.mp4`,
    kind: 'video',
    size: 12_400_000,
    hash: `${id.toString(16).padStart(8, '0')}abcdef0123456789abcdef0123456789abcdef0123456789abcdef`,
    width: 1920,
    height: 1080,
    duration_s: 83.4,
    frame_rate: 29.97,
    bit_rate: 8_200_000,
    rotation: 0,
    container: 'mov,mp4,m4a,3gp,3g2,mj2',
    video_codec: 'h264',
    audio_codec: 'aac',
    status: 'local',
    status_detail: null,
    remote_folder: '/',
    imported_at: 1_763_900_000,
    thumb_url: null,
    original_url: `http://127.0.0.1:4567/t0k3n/original/${id}`,
    ...over,
  };
}

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export interface BackendOptions {
  /** Assets already in the library; ids count down from `count` so index 0 is the newest. */
  count?: number;
  info?: Partial<LibraryInfo>;
  /** Overrides per command: return a value, or throw to reject. */
  handlers?: Record<string, (args: Record<string, unknown>) => unknown>;
}

export interface FakeBackend {
  calls: Call[];
  /** Offsets requested from list_assets, in order. */
  listOffsets(): number[];
  /** Inserts assets at the top of the fake library (what a real import does). */
  add(asset: Asset): void;
}

export function installBackend(opts: BackendOptions = {}): FakeBackend {
  let count = opts.count ?? 0;
  const added: Asset[] = []; // newest last
  const calls: Call[] = [];
  const assetAt = (index: number): Asset =>
    index < added.length ? added[added.length - 1 - index]! : makeAsset(count - (index - added.length));

  mockWindows('main');
  mockIPC(
    async (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const h = opts.handlers?.[cmd];
      if (h) return h(args);
      switch (cmd) {
        case 'library_info':
          return {
            library_dir: '/home/merch/Stockroom',
            asset_count: count + added.length,
            version: '0.1.0',
            ...opts.info,
          } satisfies LibraryInfo;
        case 'list_assets': {
          const offset = args.offset as number;
          const limit = args.limit as number;
          const total = count + added.length;
          const assets: Asset[] = [];
          for (let i = offset; i < Math.min(total, offset + limit); i++) assets.push(assetAt(i));
          return { total, offset, assets } satisfies AssetPage;
        }
        case 'get_asset': {
          const id = args.id as number;
          const a = added.find((x) => x.id === id) ?? (id >= 1 && id <= count ? makeAsset(id) : null);
          if (!a) throw { code: 'not_found', message: `No asset with id ${id}.` };
          return a;
        }
        default:
          throw `command ${cmd} not found`;
      }
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    listOffsets: () => calls.filter((c) => c.cmd === 'list_assets').map((c) => c.args.offset as number),
    add: (a) => {
      added.push(a);
    },
  };
}

/** Sends events through the Channel the UI passed as `onEvent`, as the Rust side would. */
export function emitTo(channel: unknown, events: ImportEvent[]): void {
  const ch = channel as Channel<ImportEvent>;
  for (const ev of events) ch.onmessage(ev);
}

/** An import_paths handler that plays `script(paths)` and resolves with the report built from it. */
export function scriptedImport(
  backend: FakeBackend,
  script: (paths: string[]) => ImportEvent[],
): (args: Record<string, unknown>) => Promise<ImportReport> {
  return async (args) => {
    const events = script(args.paths as string[]);
    const report: ImportReport = { imported: [], skipped: [] };
    for (const ev of events) {
      if (ev.event === 'imported') {
        backend.add(ev.data.asset);
        report.imported.push(ev.data.asset);
      }
      if (ev.event === 'skipped') report.skipped.push(ev.data.skipped);
      emitTo(args.onEvent, [ev]);
      await Promise.resolve();
    }
    return report;
  };
}
