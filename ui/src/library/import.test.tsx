import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';

import type { ImportEvent } from '@/ipc/bindings';
import { installBackend, makeAsset, scriptedImport } from '@/test/backend';
import { renderApp } from '@/test/render';

const tiles = () => screen.queryAllByTestId('asset-tile');

function importScript(): (paths: string[]) => ImportEvent[] {
  const a = makeAsset(901, { name: 'red-sneaker.mp4', duration_s: 12 });
  const b = makeAsset(902, { name: 'red-sneaker-side.jpg', kind: 'image', duration_s: null, width: 1200, height: 1600 });
  return () => [
    { event: 'discovered', data: { total: 3 } },
    { event: 'imported', data: { asset: a } },
    { event: 'progress', data: { done: 1, total: 3 } },
    { event: 'skipped', data: { skipped: { path: '/drop/notes.txt', reason: 'Not a photo, video or audio file.' } } },
    { event: 'progress', data: { done: 2, total: 3 } },
    { event: 'imported', data: { asset: b } },
    { event: 'progress', data: { done: 3, total: 3 } },
    { event: 'thumbnail', data: { id: 901, thumb_url: 'http://127.0.0.1:4567/t0k3n/thumb/901' } },
    { event: 'finished', data: { imported: 2, skipped: 1, cancelled: false } },
  ];
}

describe('import', () => {
  it('puts imported assets at the top at once, shows progress and skipped files with reasons', async () => {
    const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {};
    const backend = installBackend({ count: 4, handlers });
    handlers.import_paths = scriptedImport(backend, importScript());
    renderApp();
    await waitFor(() => expect(tiles()).toHaveLength(4));

    let report;
    await act(async () => {
      report = await window.__stockroom!.importPaths(['/drop']);
    });
    expect(report).toMatchObject({ imported: [{ id: 901 }, { id: 902 }], skipped: [{ path: '/drop/notes.txt' }] });
    const call = backend.calls.find((c) => c.cmd === 'import_paths')!;
    expect(call.args.paths).toEqual(['/drop']);

    // Newest first: the last imported asset leads the grid.
    expect(tiles().map((t) => t.dataset.assetId)).toEqual(['902', '901', '4', '3', '2', '1']);
    expect(screen.getByTestId('asset-grid')).toHaveAttribute('data-total', '6');
    expect(screen.getByTestId('asset-count')).toHaveTextContent('6 assets');

    const progress = screen.getByTestId('import-progress');
    expect(progress).toHaveAttribute('data-done', '3');
    expect(progress).toHaveAttribute('data-total', '3');
    expect(progress).toHaveAttribute('data-skipped', '1');
    expect(progress).toHaveTextContent('2 added');

    // The skipped list opens on demand and says why.
    expect(screen.queryByTestId('import-skipped')).toBeNull();
    fireEvent.click(within(progress).getByRole('button', { name: /1 skipped/ }));
    const skipped = screen.getByTestId('import-skipped');
    expect(skipped).toHaveTextContent('notes.txt');
    expect(skipped).toHaveTextContent('Not a photo, video or audio file.');
    expect(screen.getAllByTestId('toast').some((t) => /Imported 2 files, 1 skipped/.test(t.textContent ?? ''))).toBe(true);
  });

  it('shows "x of y" while running and swaps in the thumbnail when it is made', async () => {
    const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {};
    const backend = installBackend({ count: 0, handlers });
    let channel: { onmessage: (e: ImportEvent) => void } | undefined;
    let finish: (() => void) | undefined;
    handlers.import_paths = (args) => {
      channel = args.onEvent as typeof channel;
      return new Promise((resolve) => {
        finish = () => resolve({ imported: [makeAsset(7)], skipped: [], cancelled: false });
      });
    };
    renderApp();
    await screen.findByTestId('library-empty');

    let pending: Promise<unknown> | undefined;
    act(() => {
      pending = window.__stockroom!.importPaths(['/a.mp4', '/b.mp4']);
    });
    await waitFor(() => expect(channel).toBeDefined());
    act(() => {
      channel!.onmessage({ event: 'discovered', data: { total: 2 } });
      channel!.onmessage({ event: 'imported', data: { asset: makeAsset(7) } });
      channel!.onmessage({ event: 'progress', data: { done: 1, total: 2 } });
    });
    expect(screen.getByTestId('import-progress')).toHaveTextContent('Importing 1 of 2');
    expect(screen.getByTestId('import-progress')).toHaveAttribute('data-running', 'true');
    expect(screen.queryByTestId('library-empty')).toBeNull();
    expect(tiles().map((t) => t.dataset.assetId)).toEqual(['7']);
    expect(screen.queryByTestId('asset-thumb')).toBeNull();

    act(() => channel!.onmessage({ event: 'thumbnail', data: { id: 7, thumb_url: 'http://127.0.0.1:4567/x/thumb/7' } }));
    const img = tiles()[0]!.querySelector('img')!;
    expect(img).toHaveAttribute('src', 'http://127.0.0.1:4567/x/thumb/7');
    expect(screen.queryByTestId('asset-thumb')).toBeNull(); // not loaded yet
    fireEvent.load(img);
    expect(screen.getByTestId('asset-thumb')).toBe(img);

    await act(async () => {
      channel!.onmessage({ event: 'progress', data: { done: 2, total: 2 } });
      channel!.onmessage({ event: 'finished', data: { imported: 1, skipped: 0, cancelled: false } });
      finish!();
      await pending;
    });
    expect(screen.getByTestId('import-progress')).toHaveAttribute('data-running', 'false');
    expect(backend.calls.filter((c) => c.cmd === 'import_paths')).toHaveLength(1);
  });

  it('cancels a running import and says what was added', async () => {
    const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {};
    const backend = installBackend({ count: 0, handlers });
    let channel: { onmessage: (e: ImportEvent) => void } | undefined;
    let finish: (() => void) | undefined;
    handlers.import_paths = (args) => {
      channel = args.onEvent as typeof channel;
      return new Promise((resolve) => {
        finish = () => resolve({ imported: [makeAsset(7)], skipped: [], cancelled: true });
      });
    };
    handlers.cancel_imports = () => {
      finish!();
      return true;
    };
    renderApp();
    await screen.findByTestId('library-empty');
    let pending: Promise<unknown> | undefined;
    act(() => {
      pending = window.__stockroom!.importPaths(['/shoot']);
    });
    await waitFor(() => expect(channel).toBeDefined());
    act(() => {
      channel!.onmessage({ event: 'discovered', data: { total: 400 } });
      channel!.onmessage({ event: 'imported', data: { asset: makeAsset(7) } });
      channel!.onmessage({ event: 'progress', data: { done: 1, total: 400 } });
    });
    expect(screen.getByTestId('import-progress')).toHaveTextContent('Importing 1 of 400');
    await act(async () => {
      fireEvent.click(screen.getByTestId('import-cancel'));
      await pending;
    });
    expect(backend.calls.filter((c) => c.cmd === 'cancel_imports')).toHaveLength(1);
    const panel = screen.getByTestId('import-progress');
    expect(panel).toHaveAttribute('data-running', 'false');
    expect(panel).toHaveTextContent('Import cancelled: 1 added');
    expect(panel).toHaveAttribute('data-done', '1');
    expect(screen.getAllByTestId('toast').some((t) => /Import cancelled: 1 file added/.test(t.textContent ?? ''))).toBe(true);
    expect(tiles().map((t) => t.dataset.assetId)).toEqual(['7']);
  });

  it('imports what is dropped on the window, with an overlay while dragging', async () => {
    const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {};
    const backend = installBackend({ count: 1, handlers });
    handlers.import_paths = scriptedImport(backend, importScript());
    renderApp();
    await waitFor(() => expect(tiles()).toHaveLength(1));
    // The drag-drop listeners are registered asynchronously.
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });

    await act(async () => {
      await emit('tauri://drag-enter', { paths: ['/drop'], position: { x: 10, y: 10 } });
    });
    expect(screen.getByTestId('drop-overlay')).toHaveTextContent('Drop files or folders to add them to your library');
    await act(async () => {
      await emit('tauri://drag-leave', null);
    });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();

    await act(async () => {
      await emit('tauri://drag-enter', { paths: ['/drop'], position: { x: 10, y: 10 } });
      await emit('tauri://drag-drop', { paths: ['/drop', '/more.mov'], position: { x: 10, y: 10 } });
    });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    await waitFor(() => expect(tiles().map((t) => t.dataset.assetId)).toEqual(['902', '901', '1']));
    expect(backend.calls.find((c) => c.cmd === 'import_paths')!.args.paths).toEqual(['/drop', '/more.mov']);
  });
});

describe('errors', () => {
  it('shows a failed import as a toast with the message, not JSON', async () => {
    const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {
      import_paths: () => {
        throw { code: 'io', message: 'Stockroom cannot read /mnt/usb: permission denied. Check the folder’s sharing settings.' };
      },
    };
    installBackend({ count: 1, handlers });
    renderApp();
    await waitFor(() => expect(tiles()).toHaveLength(1));
    await act(async () => {
      await expect(window.__stockroom!.importPaths(['/mnt/usb'])).rejects.toMatchObject({ code: 'io' });
    });
    const toast = screen.getByTestId('toast');
    expect(toast).toHaveTextContent('Stockroom cannot read /mnt/usb: permission denied.');
    expect(toast.textContent).not.toMatch(/[{}]|"code"/);
    expect(screen.getByTestId('import-progress')).toHaveAttribute('data-failed', 'true');
    expect(screen.getByTestId('import-progress')).toHaveTextContent('Import stopped');
  });

  it('shows a library that cannot be read as a toast', async () => {
    installBackend({
      handlers: {
        search: () => {
          throw { code: 'library', message: 'The library database is damaged. Restore it from a backup.' };
        },
      },
    });
    renderApp();
    const toast = await screen.findByTestId('toast');
    expect(toast).toHaveTextContent('The library database is damaged. Restore it from a backup.');
    expect(toast).toHaveAttribute('data-kind', 'error');
  });

  it('shows the status bar with the library path and count', async () => {
    installBackend({ count: 1234 });
    renderApp();
    await waitFor(() => expect(screen.getByTestId('status-bar')).toHaveTextContent('/home/merch/Stockroom'));
    expect(screen.getByTestId('asset-count')).toHaveTextContent('1,234 assets');
  });
});
