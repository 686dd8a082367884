import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { columnsFor, ROW_H } from '@/library/AssetGrid';
import { installBackend } from '@/test/backend';
import { renderApp } from '@/test/render';
import { viewport } from '@/test/setup';

const tiles = () => screen.queryAllByTestId('asset-tile');

describe('library grid', () => {
  it('renders only a screenful of tiles for 100,000 assets', async () => {
    const backend = installBackend({ count: 100_000 });
    renderApp();
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0));

    const cols = columnsFor(viewport.width);
    const screenRows = Math.ceil(viewport.height / ROW_H);
    const rendered = tiles().length + screen.queryAllByTestId('asset-tile-placeholder').length;
    // Visible rows plus a little overscan, nowhere near 100,000.
    expect(rendered).toBeGreaterThanOrEqual(cols * screenRows);
    expect(rendered).toBeLessThanOrEqual(cols * (screenRows + 5));
    expect(screen.getByTestId('asset-grid')).toHaveAttribute('data-total', '100000');
    // Newest first: index 0 is id 100000.
    expect(tiles()[0]).toHaveAttribute('data-asset-id', '100000');
    // Only the first page(s) were asked for.
    expect(Math.max(...backend.listOffsets())).toBeLessThan(200);
  });

  it('loads pages lazily as the user scrolls, and only the pages on screen', async () => {
    const backend = installBackend({ count: 100_000 });
    const { assets } = renderApp({ pageSize: 60 });
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0));
    const before = backend.listOffsets().length;

    const grid = screen.getByTestId('asset-grid');
    const cols = columnsFor(viewport.width);
    const targetRow = 10_000;
    await act(async () => {
      grid.scrollTop = targetRow * ROW_H;
      fireEvent.scroll(grid);
    });

    const firstIndex = targetRow * cols;
    const firstId = 100_000 - firstIndex;
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').some((t) => t.dataset.assetId === String(firstId))).toBe(true));

    const requested = backend.listOffsets().slice(before);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.length).toBeLessThanOrEqual(4);
    for (const off of requested) {
      expect(Math.abs(off - firstIndex)).toBeLessThan(200);
      expect(off % 60).toBe(0);
    }
    // The sparse cache does not hold the pages in between.
    expect(assets.cachedCount()).toBeLessThan(600);
    // Still only a screenful in the DOM.
    expect(tiles().length).toBeLessThanOrEqual(cols * 10);
  });

  it('shows each tile with name, duration, dimensions, size and status', async () => {
    installBackend({ count: 3 });
    renderApp();
    const tile = await waitFor(() => {
      const t = tiles().find((x) => x.dataset.assetId === '3');
      expect(t).toBeDefined();
      return t!;
    });
    const t = within(tile);
    expect(t.getByTestId('asset-name')).toHaveTextContent('clip-3.mp4');
    expect(t.getByTestId('asset-duration')).toHaveTextContent('1:23');
    expect(t.getByTestId('asset-dimensions')).toHaveTextContent('1920 × 1080');
    expect(tile).toHaveTextContent('12 MB');
    expect(t.getByTestId('asset-status')).toHaveAttribute('data-status', 'local');
    // No thumbnail yet: the kind icon stands in, and no asset-thumb exists.
    expect(t.getByTestId('asset-kind-icon')).toBeInTheDocument();
    expect(t.queryByTestId('asset-thumb')).toBeNull();
  });

  it('explains what to do when the library is empty', async () => {
    installBackend({ count: 0 });
    renderApp();
    const empty = await screen.findByTestId('library-empty');
    expect(empty).toHaveTextContent('Drop product videos and photos here');
    expect(within(empty).getByRole('button', { name: /Import files/ })).toBeInTheDocument();
  });
});

describe('keyboard', () => {
  it('moves the selection with arrows, opens the detail with Enter and closes it with Escape', async () => {
    installBackend({ count: 50 });
    renderApp();
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0));
    const cols = columnsFor(viewport.width);
    const selected = () => tiles().filter((t) => t.dataset.selected === 'true').map((t) => t.dataset.assetId);

    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(selected()).toEqual(['50']); // nothing selected yet: the first tile
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(selected()).toEqual(['49']);
    fireEvent.keyDown(window, { key: 'ArrowDown' });
    expect(selected()).toEqual([String(49 - cols)]);
    fireEvent.keyDown(window, { key: 'ArrowUp' });
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    expect(selected()).toEqual(['50']);
    fireEvent.keyDown(window, { key: 'ArrowLeft' }); // stays at the first tile
    expect(selected()).toEqual(['50']);
    expect(screen.queryByTestId('asset-detail')).toBeNull();

    fireEvent.keyDown(window, { key: 'Enter' });
    const detail = await screen.findByTestId('asset-detail');
    expect(detail).toHaveAttribute('data-asset-id', '50');
    const player = within(detail).getByTestId('asset-player');
    expect(player.tagName).toBe('VIDEO');
    expect(player).toHaveAttribute('src', 'http://127.0.0.1:4567/t0k3n/original/50');

    // With the panel open, arrows keep moving and the panel follows.
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('asset-detail')).toHaveAttribute('data-asset-id', '49'));

    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('asset-detail')).toBeNull();
    expect(selected()).toEqual(['49']);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(selected()).toEqual([]);
  });

  it('moves one step per key press even when presses come faster than renders (key repeat)', async () => {
    installBackend({ count: 20 });
    renderApp();
    await waitFor(() => expect(tiles().length).toBe(20));
    act(() => {
      for (let i = 0; i < 3; i++) window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    });
    expect(tiles().filter((t) => t.dataset.selected === 'true').map((t) => t.dataset.assetId)).toEqual(['18']);
    expect(await screen.findByTestId('asset-detail')).toHaveAttribute('data-asset-id', '18');
  });

  it('ignores arrows typed into a text field', async () => {
    installBackend({ count: 5 });
    renderApp();
    await waitFor(() => expect(tiles().length).toBe(5));
    const input = document.createElement('input');
    document.body.appendChild(input);
    fireEvent.keyDown(input, { key: 'ArrowRight' });
    expect(tiles().filter((t) => t.dataset.selected === 'true')).toHaveLength(0);
    input.remove();
  });

  it('shows media info in the detail panel after a click', async () => {
    installBackend({ count: 2 });
    renderApp();
    await waitFor(() => expect(tiles().length).toBe(2));
    fireEvent.click(tiles()[1]!);
    const detail = await screen.findByTestId('asset-detail');
    const info = within(detail).getByTestId('asset-info');
    expect(info).toHaveTextContent('Video');
    for (const text of ['12 MB', '1920 × 1080', '1:23', '29.97 fps', 'h264 / aac', '8.2 Mb/s', '/media/shoot/clip-1.mp4']) {
      expect(info).toHaveTextContent(text);
    }
    expect(within(detail).getByRole('heading', { level: 2 })).toHaveTextContent('clip-1.mp4');
  });
});
