import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ROW_H } from '@/library/AssetGrid';
import { installBackend, makeAsset, makeFolder, makeLedgerEntry } from '@/test/backend';
import { renderApp } from '@/test/render';
import { formatSince } from '@/watch/LedgerPanel';
import { chipText } from '@/watch/watchStore';
import { metadataValue, splitList } from '@/settings/WatchSection';

const tiles = () => screen.queryAllByTestId('asset-tile');

async function openWatchSettings() {
  const user = userEvent.setup();
  await user.click(screen.getByTestId('settings-button'));
  await waitFor(() => expect(screen.getByTestId('settings-watch')).toBeInTheDocument());
  return user;
}

describe('watched folders: the top bar chip', () => {
  it('is hidden while no folder is watched, and says how many are watched and waiting', async () => {
    const backend = installBackend({ count: 3 });
    const { watch } = renderApp({ watchCoalesceMs: 10 });
    await waitFor(() => expect(backend.callsOf('watch_status').length).toBeGreaterThan(0));
    await waitFor(() => expect(watch.get().loaded).toBe(true));
    expect(screen.queryByTestId('watch-chip')).toBeNull();

    // The watcher adds folders and ledger rows, then says so.
    const a = makeFolder(1);
    const b = makeFolder(2);
    const c = makeFolder(3);
    backend.watchFolders.push(a, b, c);
    backend.ledger.push(
      makeLedgerEntry(a, 'clip.mp4.part', { reason: { kind: 'temporary_name' } }),
      makeLedgerEntry(b, 'big.mov'),
      makeLedgerEntry(c, 'notes.txt', { state: 'skipped', reason: { kind: 'not_media' }, actions: ['retry', 'ignore'] }),
    );
    act(() => backend.emitWatch({ type: 'ledger' }));
    const chip = await screen.findByTestId('watch-chip');
    expect(chip).toHaveTextContent('Watching 3 folders · 2 waiting · 1 skipped');
    expect(chip).toHaveAttribute('data-waiting', '2');
  });

  it('words what it shows', () => {
    const f = makeFolder(1);
    const base = { running: true, held_by: null, folders: [f], waiting: 0, skipped: 0, ledger: [] };
    expect(chipText({ ...base, folders: [] })).toBeNull();
    expect(chipText(base)).toBe('Watching 1 folder');
    expect(chipText({ ...base, folders: [{ ...f, health: 'offline' }, makeFolder(2)], waiting: 4 })).toBe('Watching 2 folders · 1 offline · 4 waiting');
    expect(chipText({ ...base, folders: [{ ...f, paused: true }] })).toBe('Watching paused (1 folder)');
    expect(chipText({ ...base, folders: [{ ...f, scanning: { done: 5, total: 10 } }] })).toBe('Watching 1 folder · checking…');
    const now = 1_800_000_000_000;
    expect(formatSince(now / 1000 - 10, now)).toBe('just now');
    expect(formatSince(now / 1000 - 600, now)).toBe('10 min ago');
    expect(formatSince(now / 1000 - 7200, now)).toBe('2 h ago');
  });
});

describe('watched folders: Waiting and skipped', () => {
  it('lists each file with its reason in words, and retry / ingest anyway / ignore act on it', async () => {
    const backend = installBackend({ count: 3 });
    const root = makeFolder(1, { path: '/home/merch/Shoots' });
    backend.watchFolders.push(root);
    backend.ledger.push(
      makeLedgerEntry(root, 'look-12.mp4.part', {
        path: '/home/merch/Shoots/day 2/look-12.mp4.part',
        reason: { kind: 'temporary_name' },
        message: 'Temporary name: it comes in when the download is renamed.',
      }),
      makeLedgerEntry(root, 'broken.mp4', {
        state: 'skipped',
        reason: { kind: 'damaged' },
        message: 'Damaged: it could not be read as a video. Copy it again.',
        detail: 'moov atom not found',
        actions: ['retry', 'ignore'],
      }),
    );
    renderApp({ watchCoalesceMs: 10 });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('watch-chip'));
    const panel = await screen.findByTestId('ledger-panel');
    const rows = within(panel).getAllByTestId('ledger-row');
    expect(rows).toHaveLength(2);
    // Waiting first, then skipped.
    expect(rows[0]).toHaveAttribute('data-reason', 'temporary_name');
    expect(rows[0]).toHaveTextContent('look-12.mp4.part');
    expect(rows[0]).toHaveTextContent('Shoots › day 2');
    expect(rows[0]).toHaveTextContent('Waiting');
    expect(rows[0]).toHaveTextContent('Temporary name: it comes in when the download is renamed.');
    expect(rows[0]).toHaveTextContent('just now');
    expect(rows[1]).toHaveTextContent('Skipped');
    expect(rows[1]).toHaveTextContent('moov atom not found');
    // Only the actions the backend offers for that reason.
    expect(within(rows[1]!).queryByTestId('ledger-ingest_anyway')).toBeNull();
    expect(within(panel).getByTestId('ledger-summary')).toHaveTextContent('1 waiting · 1 skipped');

    await user.click(within(rows[1]!).getByTestId('ledger-retry'));
    expect(backend.callsOf('watch_retry').map((c) => c.args)).toEqual([{ path: '/home/merch/Shoots/broken.mp4' }]);

    await user.click(within(rows[0]!).getByTestId('ledger-ingest_anyway'));
    expect(backend.callsOf('watch_ingest_anyway').map((c) => c.args)).toEqual([{ path: '/home/merch/Shoots/day 2/look-12.mp4.part' }]);
    await waitFor(() => expect(within(panel).getAllByTestId('ledger-row')).toHaveLength(1));

    await user.click(within(panel).getByTestId('ledger-ignore'));
    expect(backend.callsOf('watch_ignore').map((c) => c.args)).toEqual([{ path: '/home/merch/Shoots/broken.mp4' }]);
    expect(await within(panel).findByTestId('ledger-empty')).toHaveTextContent('Everything that arrived in your watched folders is in the library.');
    // Nothing left: the chip keeps saying the folder is watched.
    expect(screen.getByTestId('watch-chip')).toHaveTextContent('Watching 1 folder');
    // The folders themselves are one click away.
    await user.click(within(panel).getByTestId('ledger-manage'));
    expect(screen.queryByTestId('ledger-panel')).toBeNull();
    expect(await screen.findByTestId('settings-watch')).toBeInTheDocument();
  });

  it('a duplicate links to the asset it duplicates', async () => {
    const backend = installBackend({ count: 30 });
    const root = makeFolder(1);
    backend.watchFolders.push(root);
    backend.ledger.push(
      makeLedgerEntry(root, 'copy of clip-7.mp4', {
        state: 'skipped',
        reason: { kind: 'duplicate', asset_id: 7 },
        message: 'Duplicate of clip-7.mp4, already in the library.',
        actions: ['retry', 'ignore'],
      }),
    );
    renderApp({ watchCoalesceMs: 10 });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('watch-chip'));
    await user.click(await screen.findByTestId('ledger-asset-link'));
    expect(screen.queryByTestId('ledger-panel')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('asset-detail')).toHaveAttribute('data-asset-id', '7'));
  });

  it('a file replaced in place offers Keep new version, which accepts it and clears the row', async () => {
    const backend = installBackend({ count: 30 });
    const root = makeFolder(1, { path: '/home/merch/Shoots' });
    backend.watchFolders.push(root);
    backend.ledger.push(
      makeLedgerEntry(root, 'look-3.jpg', {
        state: 'skipped',
        reason: { kind: 'replaced_in_place', asset_id: 3 },
        message:
          'This file was replaced with other content; asset #3 now holds the new version on this computer. Choose Keep new version to accept it: it is then uploaded only when you queue it.',
        actions: ['retry', 'keep_new_version', 'ignore'],
      }),
      makeLedgerEntry(root, 'notes.txt', { state: 'skipped', reason: { kind: 'not_media' }, actions: ['retry', 'ignore'] }),
    );
    renderApp({ watchCoalesceMs: 10 });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('watch-chip'));
    const panel = await screen.findByTestId('ledger-panel');
    const replaced = within(panel)
      .getAllByTestId('ledger-row')
      .find((r) => r.getAttribute('data-reason') === 'replaced_in_place')!;
    expect(replaced).toHaveTextContent('Choose Keep new version to accept it');
    expect(within(replaced).getByTestId('ledger-asset-link')).toHaveTextContent('Show asset #3');
    const keep = within(replaced).getByTestId('ledger-keep_new_version');
    expect(keep).toHaveTextContent('Keep new version');
    expect(keep).toHaveAttribute('title', expect.stringContaining('uploaded only when you queue it'));
    // Only for a replaced file.
    const notes = within(panel)
      .getAllByTestId('ledger-row')
      .find((r) => r.getAttribute('data-reason') === 'not_media')!;
    expect(within(notes).queryByTestId('ledger-keep_new_version')).toBeNull();

    await user.click(keep);
    expect(backend.callsOf('watch_keep_new_version').map((c) => c.args)).toEqual([{ path: '/home/merch/Shoots/look-3.jpg' }]);
    await waitFor(() => expect(within(panel).getAllByTestId('ledger-row')).toHaveLength(1));
    expect(within(panel).getByTestId('ledger-row')).toHaveAttribute('data-reason', 'not_media');
    expect(within(panel).getByTestId('ledger-summary')).toHaveTextContent('0 waiting · 1 skipped');
  });

  it('says when a folder is offline, and when another process runs the watcher', async () => {
    const backend = installBackend({ count: 1 });
    backend.watchFolders.push(
      makeFolder(1, { path: '/media/card', health: 'offline', health_reason: 'The folder is not there (is the drive connected?). Nothing in it is marked missing.' }),
    );
    backend.watchRunner.running = false;
    backend.watchRunner.held_by = 'Another Stockroom (process 4242) is watching these folders: “stockroom watch run” in a terminal.';
    const { toasts } = renderApp({ watchCoalesceMs: 10 });
    const user = userEvent.setup();
    const chip = await screen.findByTestId('watch-chip');
    expect(chip).toHaveTextContent('Watching 1 folder · 1 offline');
    expect(chip).toHaveClass('watch-chip-attention');
    await user.click(chip);
    expect(await screen.findByTestId('ledger-offline')).toHaveTextContent('/media/card is offline. The folder is not there (is the drive connected?)');
    expect(screen.getByTestId('ledger-held-by')).toHaveTextContent('process 4242');
    // Scan progress moves without a re-read per step.
    const reads = backend.callsOf('watch_status').length;
    act(() => backend.emitWatch({ type: 'scan', root_id: 1, done: 40, total: 400 }));
    expect(await screen.findByTestId('ledger-scanning')).toHaveTextContent('Checking /media/card: 40 of 400 files.');
    expect(backend.callsOf('watch_status').length).toBe(reads);
    // The watcher stopping is said in its words.
    const words = 'Watching stopped: the library could not be written (disk full). Free some space.';
    act(() => backend.emitWatch({ type: 'stopped', message: words }));
    expect(await screen.findByTestId('ledger-stopped')).toHaveTextContent('disk full');
    // The backend retries and says the same again: one toast, not one per try.
    act(() => backend.emitWatch({ type: 'stopped', message: words }));
    expect(toasts.get().filter((t) => t.message === words)).toHaveLength(1);
  });
});

describe('watched folders: Settings', () => {
  it('adds a folder by its typed path with its rules, and lists it', async () => {
    const backend = installBackend({ count: 1 });
    renderApp({ watchCoalesceMs: 10 });
    const user = await openWatchSettings();
    expect(await screen.findByTestId('watch-none')).toHaveTextContent('No folder is watched yet.');
    await user.click(screen.getByTestId('watch-add-open'));
    // Nothing typed: the form says what is missing and sends nothing.
    await user.click(screen.getByTestId('watch-add'));
    expect(screen.getByTestId('watch-form')).toHaveTextContent('Choose a folder, or type its full path.');
    expect(backend.callsOf('watch_add')).toHaveLength(0);

    await user.type(screen.getByTestId('watch-path-input'), '/home/merch/Downloads');
    await user.type(screen.getByTestId('watch-remote-input'), '/summer/');
    await user.type(screen.getByTestId('watch-tags-input'), 'summer, shoot-12');
    await user.click(screen.getByTestId('watch-meta-add'));
    await user.selectOptions(screen.getByTestId('watch-meta-key'), 'price');
    await user.type(screen.getByTestId('watch-meta-value'), '49,5');
    await user.click(screen.getByTestId('watch-meta-add'));
    await user.selectOptions(screen.getAllByTestId('watch-meta-key')[1]!, 'colours');
    await user.type(screen.getAllByTestId('watch-meta-value')[1]!, 'red, blue');
    await user.type(screen.getByTestId('watch-excludes-input'), 'proxies/**, *.xmp');
    await user.click(screen.getByTestId('watch-auto-upload'));
    await user.click(screen.getByTestId('watch-add'));

    await waitFor(() => expect(screen.queryByTestId('watch-form')).toBeNull());
    expect(backend.callsOf('watch_add').map((c) => c.args)).toEqual([
      {
        req: {
          path: '/home/merch/Downloads',
          remote_folder: '/summer/',
          tags: ['summer', 'shoot-12'],
          metadata: { price: 49.5, colours: ['red', 'blue'] },
          auto_upload: true,
          excludes: ['proxies/**', '*.xmp'],
        },
      },
    ]);
    const row = await screen.findByTestId('watch-folder');
    expect(row).toHaveAttribute('data-path', '/home/merch/Downloads');
    expect(within(row).getByTestId('watch-remote')).toHaveTextContent('/summer/');
    expect(within(row).getAllByTestId('watch-tag').map((t) => t.textContent)).toEqual(['summer', 'shoot-12']);
    expect(row).toHaveTextContent('uploads automatically');
    expect(row).toHaveTextContent('skips proxies/**, *.xmp');
    // The top bar says it is watched now.
    expect(screen.getByTestId('watch-chip')).toHaveTextContent('Watching 1 folder');
  });

  it('chooses the folder with the dialog, and shows a refused rule in the backend’s words', async () => {
    const backend = installBackend({ count: 1, dialogAnswer: '/home/merch/Agency' });
    renderApp({ watchCoalesceMs: 10 });
    const user = await openWatchSettings();
    await user.click(screen.getByTestId('watch-add-open'));
    await user.click(screen.getByTestId('watch-choose'));
    await waitFor(() => expect(screen.getByTestId('watch-path-input')).toHaveValue('/home/merch/Agency'));
    await user.click(screen.getByTestId('watch-meta-add'));
    await user.selectOptions(screen.getByTestId('watch-meta-key'), 'price');
    await user.type(screen.getByTestId('watch-meta-value'), '99999');
    await user.click(screen.getByTestId('watch-add'));
    expect(await screen.findByTestId('watch-error')).toHaveTextContent('Price must be between 0 and 10000; 99999 is out of range.');
    // Nothing was added; the form stays to be fixed.
    expect(backend.watchFolders).toHaveLength(0);
    expect(screen.getByTestId('watch-form')).toBeInTheDocument();
  });

  it('shows polling and offline with their reasons, pauses, and removes only after confirming', async () => {
    const backend = installBackend({ count: 1 });
    backend.watchFolders.push(
      makeFolder(1, { path: '/mnt/team-drive', mode: 'polling', mode_reason: 'A network drive (nfs): changes are checked every 10 s.' }),
      makeFolder(2, { path: '/media/card', health: 'offline', health_reason: 'The folder is not there: connect the card. Nothing in it is marked missing.' }),
    );
    renderApp({ watchCoalesceMs: 10 });
    const user = await openWatchSettings();
    const [nfs, card] = await screen.findAllByTestId('watch-folder');
    expect(within(nfs!).getByTestId('watch-badge-polling')).toBeInTheDocument();
    expect(within(nfs!).getByTestId('watch-mode-reason')).toHaveTextContent('A network drive (nfs): changes are checked every 10 s.');
    expect(within(card!).getByTestId('watch-badge-offline')).toBeInTheDocument();
    expect(within(card!).getByTestId('watch-offline-reason')).toHaveTextContent('connect the card');

    await user.click(within(nfs!).getByTestId('watch-pause'));
    expect(backend.callsOf('watch_set_paused').map((c) => c.args)).toEqual([{ id: 1, paused: true }]);
    await waitFor(() => expect(screen.getAllByTestId('watch-folder')[0]).toHaveAttribute('data-paused', 'true'));
    expect(within(screen.getAllByTestId('watch-folder')[0]!).getByTestId('watch-pause')).toHaveTextContent('Resume');

    await user.click(within(card!).getByTestId('watch-remove'));
    expect(within(card!).getByTestId('watch-remove-confirm')).toHaveTextContent('Its files and the assets already in the library stay.');
    await user.click(within(card!).getByText('Cancel'));
    expect(backend.callsOf('watch_remove')).toHaveLength(0);
    await user.click(within(card!).getByTestId('watch-remove'));
    await user.click(within(card!).getByTestId('watch-remove-yes'));
    expect(backend.callsOf('watch_remove').map((c) => c.args)).toEqual([{ id: 2 }]);
    await waitFor(() => expect(screen.getAllByTestId('watch-folder')).toHaveLength(1));
  });

  it('saves the settle time in seconds', async () => {
    const backend = installBackend({ count: 1 });
    renderApp({ watchCoalesceMs: 10 });
    const user = await openWatchSettings();
    const input = screen.getByTestId('watch-settle');
    await waitFor(() => expect(input).toHaveValue('2'));
    expect(screen.getByTestId('watch-settle-save')).toBeDisabled();
    await user.clear(input);
    await user.type(input, '0.1');
    expect(screen.getByTestId('settings-watch')).toHaveTextContent('Choose 0.2 to 600 seconds.');
    expect(screen.getByTestId('watch-settle-save')).toBeDisabled();
    await user.clear(input);
    await user.type(input, '5');
    await user.click(screen.getByTestId('watch-settle-save'));
    expect(backend.callsOf('set_watch_settings').map((c) => c.args)).toEqual([{ settings: { settle_ms: 5000 } }]);
    await waitFor(() => expect(screen.getByTestId('watch-settle-save')).toBeDisabled());
  });

  it('reads typed values for the field’s type', () => {
    expect(splitList(' a, b\nc,,')).toEqual(['a', 'b', 'c']);
    const f = (field_type: 'Number' | 'Boolean' | 'MultiSelect' | 'Text') => ({
      id: 'x',
      name: 'x',
      label: 'X',
      field_type,
      description: null,
      min_value: null,
      max_value: null,
      min_length: null,
      max_length: null,
      default_value: null,
      required: false,
      select_options: null,
    });
    expect(metadataValue(f('Number'), '12,5')).toBe(12.5);
    expect(metadataValue(f('Number'), 'lots')).toBe('lots');
    expect(metadataValue(f('Boolean'), 'Yes')).toBe(true);
    expect(metadataValue(f('Boolean'), 'no')).toBe(false);
    expect(metadataValue(f('MultiSelect'), 'red, blue')).toEqual(['red', 'blue']);
    expect(metadataValue(f('Text'), ' SKU-1 ')).toBe('SKU-1');
  });
});

describe('the library kept current while other processes change it', () => {
  it('shows an asset another process imported, without a restart, keeping the selection', async () => {
    const backend = installBackend({ count: 5 });
    const { selection } = renderApp({ watchCoalesceMs: 10 });
    await waitFor(() => expect(tiles()).toHaveLength(5));
    const user = userEvent.setup();
    await user.click(tiles()[2]!); // id 3
    expect(selection.get().focus).toBe(3);

    backend.add(makeAsset(6, { name: 'from-the-cli.mp4' }));
    act(() => backend.emitLibrary());
    await waitFor(() => expect(tiles()).toHaveLength(6));
    expect(tiles()[0]).toHaveAttribute('data-asset-id', '6');
    expect(screen.getByTestId('asset-count')).toHaveAttribute('data-count', '6');
    expect(selection.get().focus).toBe(3);
    expect(selection.has(3)).toBe(true);
    expect(tiles().find((t) => t.dataset.assetId === '3')).toHaveAttribute('data-selected', 'true');
  });

  it('keeps the scroll position when the library changes under a scrolled grid', async () => {
    const backend = installBackend({ count: 5000 });
    renderApp({ watchCoalesceMs: 10 });
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0));
    const grid = screen.getByTestId('asset-grid');
    const top = 200 * ROW_H;
    await act(async () => {
      grid.scrollTop = top;
      fireEvent.scroll(grid);
    });
    const shown = () => tiles().map((t) => Number(t.dataset.assetId));
    await waitFor(() => expect(Math.max(...shown())).toBeLessThan(5000 - 100));
    const searches = backend.callsOf('search').length;
    act(() => backend.emitLibrary());
    await waitFor(() => expect(backend.callsOf('search').length).toBeGreaterThan(searches));
    // Re-read where the person is, not from the top; the grid did not jump.
    const offsets = backend.listOffsets().slice(searches);
    expect(Math.min(...offsets)).toBeGreaterThan(0);
    expect(grid.scrollTop).toBe(top);
    await waitFor(() => expect(Math.max(...shown())).toBeLessThan(5000 - 100));
  });

  it('fills an empty library when another process imports into it', async () => {
    const backend = installBackend({ count: 0 });
    renderApp({ watchCoalesceMs: 10 });
    await waitFor(() => expect(screen.getByTestId('asset-count')).toHaveAttribute('data-count', '0'));
    backend.add(makeAsset(1, { name: 'first.mp4' }));
    act(() => backend.emitLibrary());
    await waitFor(() => expect(tiles()).toHaveLength(1));
    expect(screen.getByTestId('asset-count')).toHaveAttribute('data-count', '1');
  });

  it('gathers a burst of changes into few re-reads, and ignores versions already seen', async () => {
    const backend = installBackend({ count: 5 });
    renderApp({ watchCoalesceMs: 30 });
    await waitFor(() => expect(tiles()).toHaveLength(5));
    const before = backend.callsOf('search').length;
    act(() => {
      for (let i = 0; i < 20; i++) backend.emitLibrary();
    });
    await waitFor(() => expect(backend.callsOf('search').length).toBeGreaterThan(before));
    await new Promise((r) => setTimeout(r, 80));
    const after = backend.callsOf('search').length;
    expect(after - before).toBeLessThanOrEqual(2);
    // An old version (an event that arrived late) is not a change.
    act(() => backend.emitLibrary({ version: 3 }));
    await new Promise((r) => setTimeout(r, 80));
    expect(backend.callsOf('search').length).toBe(after);
  });

  it('a file that vanished shows its asset as missing, and the Missing filter finds it', async () => {
    const backend = installBackend({ count: 4 });
    renderApp({ watchCoalesceMs: 10 });
    await waitFor(() => expect(tiles()).toHaveLength(4));
    backend.patch(2, { status: 'missing', status_detail: 'The file is no longer in /home/merch/Shoots (moved or deleted). The asset stays.' });
    act(() => {
      backend.emitWatch({ type: 'missing', asset_ids: [2] });
      backend.emitLibrary();
    });
    const tile = () => tiles().find((t) => t.dataset.assetId === '2')!;
    await waitFor(() => expect(within(tile()).getByTestId('asset-status')).toHaveAttribute('data-status', 'missing'));
    expect(tile()).toHaveClass('tile-missing');
    expect(within(tile()).getByTestId('asset-status')).toHaveAttribute('title', expect.stringContaining('The asset stays.'));

    const user = userEvent.setup();
    await user.click(screen.getByTestId('filter-button'));
    await user.click(await screen.findByTestId('filter-status-missing'));
    await waitFor(() => expect(tiles().map((t) => t.dataset.assetId)).toEqual(['2']));
  });
});
