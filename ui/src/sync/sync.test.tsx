import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { syncDraftProblems } from '@/settings/SyncSection';
import { editedValue, valueText } from '@/sync/ConflictPanel';
import { groupByAsset } from '@/sync/ReviewPanel';
import { lastSyncedText, progressText, reportSummary } from '@/sync/syncStore';
import { DEMO_FIELDS, installBackend, makeConflict, makeOp, makeReport } from '@/test/backend';
import { renderApp } from '@/test/render';

const tileOf = (id: number) => document.querySelector(`[data-testid="asset-tile"][data-asset-id="${id}"]`) as HTMLElement | null;

describe('sync: words', () => {
  it('says the phase and n of m, when it last synced, and what a run did', () => {
    expect(progressText({ phase: 'pull', done: 300, total: 1000 })).toBe('Checking the media library · 300 of 1,000');
    expect(progressText({ phase: 'plan', done: 0, total: 0 })).toBe('Comparing both sides…');
    const o = { account: 'sandbox', running: false, last_synced_at: null, open_conflicts: 0, pending_changes: 0, problem: null, next_run_at: null };
    const now = 1_800_000_000_000;
    expect(lastSyncedText(o, now)).toBe('Not synced yet');
    expect(lastSyncedText({ ...o, last_synced_at: now / 1000 - 180 }, now)).toBe('Synced 3 min ago');
    expect(lastSyncedText({ ...o, last_synced_at: now / 1000 - 180, problem: 'Offline: the media library cannot be reached.' }, now)).toBe(
      'Offline: the media library cannot be reached.',
    );
    const tag = makeOp({ side: 'local', kind: 'add_tag', asset_id: 1, key: 'sale' });
    const push = makeOp({ side: 'remote', kind: 'set_metadata', asset_id: 2, key: 'season' });
    expect(reportSummary(makeReport({ dry_run: true, operations: [tag, push, push] }))).toBe(
      '3 changes to make (1 on this computer, 2 on the media library).',
    );
    expect(reportSummary(makeReport({ operations: [tag], applied: 1, conflicts_opened: 2 }))).toBe('Synced: 1 change made; 2 conflicts to resolve.');
    expect(reportSummary(makeReport())).toBe('Everything was already in sync.');
    expect(reportSummary(makeReport({ stopped: 'The media library listed no files while 40 are linked.' }))).toBe(
      'Sync stopped before changing anything: The media library listed no files while 40 are linked.',
    );
    expect(valueText(['red', 'blue'])).toBe('red, blue');
    expect(valueText(null)).toBe('(not set)');
    expect(valueText(true)).toBe('Yes');
    expect(groupByAsset([tag, push, makeOp({ side: 'local', kind: 'remove_tag', asset_id: 1, key: 'old' })]).map((g) => [g.assetId, g.ops.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });
});

describe('sync: the top bar', () => {
  it('Sync shows its progress, then when it synced, and the grid shows what came in', async () => {
    const backend = installBackend({ count: 5 });
    backend.syncScript.operations.push(makeOp({ side: 'local', kind: 'add_tag', asset_id: 5, key: 'sale', summary: 'tag "sale" added to clip-5.mp4 here' }));
    let release!: () => void;
    backend.syncGate = new Promise((r) => (release = r));
    renderApp();
    const user = userEvent.setup();
    const button = await screen.findByTestId('sync-button');
    await waitFor(() => expect(screen.getByTestId('sync-last')).toHaveTextContent('Not synced yet'));
    await waitFor(() => expect(tileOf(5)).not.toBeNull());

    await user.click(button);
    await waitFor(() => expect(screen.getByTestId('sync-last')).toHaveTextContent('Checking the media library · 1 of 2'));
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('Syncing…');
    act(() => release());

    await waitFor(() => expect(screen.getByTestId('sync-last')).toHaveTextContent('Synced just now'));
    expect(button).not.toBeDisabled();
    expect(backend.callsOf('sync_run').map((c) => c.args.req)).toEqual([{ dry_run: false, confirm_deletes: false, full_listing: false }]);
    expect(await screen.findByText('Synced: 1 change made.')).toBeInTheDocument();
    // The grid is re-read in place: the tag from the media library is on the tile.
    await waitFor(() => expect(within(tileOf(5)!).getByTestId('asset-tag')).toHaveTextContent('sale'));
  });

  it('the periodic sync reports through follow_sync: progress in the button, conflicts in the badge', async () => {
    const backend = installBackend({ count: 2 });
    renderApp();
    await waitFor(() => expect(backend.callsOf('follow_sync')).toHaveLength(1));
    act(() => backend.emitSyncProgress({ phase: 'push', done: 2, total: 8 }));
    expect(screen.getByTestId('sync-last')).toHaveTextContent('Sending changes · 2 of 8');
    expect(screen.getByTestId('sync-button')).toHaveAttribute('data-running', 'true');
    expect(screen.queryByTestId('conflict-badge')).toBeNull();

    backend.conflicts.push(makeConflict(1), makeConflict(2));
    backend.syncOverview.last_synced_at = Math.floor(Date.now() / 1000);
    act(() => backend.emitSyncReport(makeReport({ conflicts_opened: 2 })));
    const badge = await screen.findByTestId('conflict-badge');
    expect(badge).toHaveTextContent('2 conflicts');
    expect(screen.getByTestId('sync-button')).toHaveAttribute('data-running', 'false');
    await waitFor(() => expect(screen.getByTestId('sync-last')).toHaveTextContent('Synced just now'));
    // A background run that needs attention says so.
    expect(await screen.findByText('No changes made; 2 conflicts to resolve.')).toBeInTheDocument();
  });

  it('a periodic run finishing while the Sync pressed here still runs leaves the button running', async () => {
    const backend = installBackend({ count: 2 });
    let release!: () => void;
    backend.syncGate = new Promise((r) => (release = r));
    renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(backend.callsOf('follow_sync')).toHaveLength(1));
    await user.click(screen.getByTestId('sync-button'));
    await waitFor(() => expect(screen.getByTestId('sync-button')).toHaveAttribute('data-running', 'true'));
    act(() => backend.emitSyncReport(makeReport({ run_id: 41 })));
    expect(screen.getByTestId('sync-button')).toHaveAttribute('data-running', 'true');
    expect(screen.getByTestId('sync-button')).toBeDisabled();
    act(() => release());
    await waitFor(() => expect(screen.getByTestId('sync-button')).toHaveAttribute('data-running', 'false'));
    expect(screen.getByTestId('sync-button')).toHaveAttribute('data-last-run', '1');
  });

  it('says why it could not sync', async () => {
    const backend = installBackend({ count: 1 });
    backend.syncOverview.problem = 'Offline: the periodic sync waits until the media library can be reached.';
    renderApp();
    await waitFor(() => expect(screen.getByTestId('sync-last')).toHaveTextContent('Offline: the periodic sync waits'));
    expect(screen.getByTestId('sync-button')).toHaveClass('sync-btn-problem');
  });
});

describe('sync: conflicts', () => {
  it('shows base, mine and theirs per field; Take theirs resolves one, a selection is resolved at once', async () => {
    const backend = installBackend({ count: 5 });
    backend.conflicts.push(
      makeConflict(1, { asset_id: 3, asset_name: 'dress.mp4', thumb_url: 'http://127.0.0.1:4567/t/thumb/3.jpg' }),
      makeConflict(2, { asset_id: 4, asset_name: 'coat.mp4', field: { field: 'name' }, label: 'Name', base: 'coat.mp4', mine: 'coat-red.mp4', theirs: 'coat-blue.mp4' }),
      makeConflict(3, { asset_id: 5, asset_name: 'hat.mp4', field: { field: 'existence' }, label: 'Deleted on the media library', base: null, mine: true, theirs: null }),
    );
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('conflict-badge'));
    const panel = await screen.findByTestId('conflict-panel');
    expect(panel).toHaveAttribute('role', 'dialog');
    const rows = within(panel).getAllByTestId('conflict-row');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('dress.mp4');
    expect(rows[0]).toHaveTextContent('Metadata · Season');
    expect(within(rows[0]!).getByTestId('conflict-base-value')).toHaveTextContent('spring');
    expect(within(rows[0]!).getByTestId('conflict-mine-value')).toHaveTextContent('summer');
    expect(within(rows[0]!).getByTestId('conflict-theirs-value')).toHaveTextContent('autumn');
    expect(within(rows[0]!).getByTestId('conflict-theirs-at')).toHaveTextContent('changed there 5 min ago');
    expect(rows[0]!.querySelector('img')).toHaveAttribute('src', 'http://127.0.0.1:4567/t/thumb/3.jpg');
    expect(within(rows[2]!).getByTestId('conflict-theirs-value')).toHaveTextContent('Deleted on the media library');
    expect(within(rows[2]!).getByTestId('conflict-mine-value')).toHaveTextContent('Kept, with your edits');
    expect(within(rows[2]!).queryByTestId('conflict-edit')).toBeNull();

    await user.click(within(rows[0]!).getByTestId('conflict-theirs'));
    expect(backend.callsOf('resolve_conflicts').map((c) => c.args.req)).toEqual([{ ids: [1], resolution: { kind: 'theirs' } }]);
    await waitFor(() => expect(within(panel).getAllByTestId('conflict-row')).toHaveLength(2));
    expect(backend.metadata.get(3)).toEqual({ season: 'autumn' });
    expect(await screen.findByText('Conflict resolved: the media library’s value is used here now.')).toBeInTheDocument();
    expect(screen.getByTestId('conflict-badge')).toHaveTextContent('2 conflicts');

    expect(within(panel).queryByTestId('conflict-bulk-mine')).toBeNull();
    await user.click(within(panel).getByTestId('conflict-select-all'));
    expect(within(panel).getByTestId('conflict-bulk-mine')).toHaveTextContent('Keep mine for 2');
    await user.click(within(panel).getByTestId('conflict-bulk-mine'));
    expect(backend.callsOf('resolve_conflicts')[1]!.args.req).toEqual({ ids: [2, 3], resolution: { kind: 'mine' } });
    expect(await within(panel).findByTestId('conflicts-empty')).toBeInTheDocument();
    expect(screen.queryByTestId('conflict-badge')).toBeNull();
  });

  it('Edit… saves a value typed for the field', async () => {
    const backend = installBackend({ count: 5 });
    backend.conflicts.push(makeConflict(7, { field: { field: 'metadata', key: 'price' }, label: 'Metadata · Price', base: 10, mine: 12, theirs: 14 }));
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('conflict-badge'));
    const panel = await screen.findByTestId('conflict-panel');
    await user.click(within(panel).getByTestId('conflict-edit'));
    const input = within(panel).getByTestId('conflict-edit-input');
    expect(input).toHaveValue('12');
    await user.clear(input);
    await user.type(input, '13.5');
    await user.click(within(panel).getByTestId('conflict-edit-save'));
    expect(backend.callsOf('resolve_conflicts')[0]!.args.req).toEqual({ ids: [7], resolution: { kind: 'value', value: 13.5 } });
    const c = makeConflict(1, { field: { field: 'metadata', key: 'colours' } });
    expect(editedValue(c, 'red, blue', DEMO_FIELDS)).toEqual(['red', 'blue']);
    expect(editedValue(makeConflict(1, { field: { field: 'name' } }), ' x.mp4 ', DEMO_FIELDS)).toBe('x.mp4');
  });
});

describe('sync: Review changes', () => {
  it('lists a dry run by side, holds deletes until confirmed, then Sync now runs it', async () => {
    const backend = installBackend({ count: 6 });
    backend.syncScript.operations.push(
      makeOp({ side: 'local', kind: 'add_tag', asset_id: 6, key: 'sale', summary: 'tag "sale" added to clip-6.mp4 here' }),
      makeOp({ side: 'remote', kind: 'set_metadata', asset_id: 5, key: 'season', summary: 'Season set to summer on clip-5.mp4 on the media library' }),
      makeOp({ side: 'remote', kind: 'add_tag', asset_id: 5, key: 'new', summary: 'tag "new" added to clip-5.mp4 on the media library' }),
    );
    backend.syncScript.held.push(makeOp({ side: 'local', kind: 'mark_deleted', asset_id: 4, summary: 'clip-4.mp4 marked deleted on the media library' }));
    backend.syncScript.held_reason = '25 files were deleted on the media library, more than the 20 a sync deletes without asking.';
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('sync-menu'));
    await user.click(screen.getByTestId('sync-review-open'));
    const panel = await screen.findByTestId('review-panel');
    const local = await within(panel).findByTestId('review-side-local');
    const remote = within(panel).getByTestId('review-side-remote');
    expect(backend.callsOf('sync_run')[0]!.args.req).toEqual({ dry_run: true, confirm_deletes: false, full_listing: false });
    expect(local).toHaveTextContent('On this computer');
    expect(within(local).getAllByTestId('review-op').map((e) => e.textContent)).toEqual(['tag "sale" added to clip-6.mp4 here']);
    // Grouped by asset: clip-5's two changes under its name.
    expect(within(remote).getAllByTestId('review-group')).toHaveLength(1);
    expect(within(remote).getAllByTestId('review-op')).toHaveLength(2);
    expect(within(remote).getByText('clip-5.mp4')).toBeInTheDocument();
    const held = within(panel).getByTestId('review-held');
    expect(held).toHaveTextContent('1 delete held until you confirm');
    expect(held).toHaveTextContent('more than the 20 a sync deletes without asking');
    expect(within(panel).getByTestId('review-summary')).toHaveTextContent('3 changes to make (1 on this computer, 2 on the media library); 1 delete held until you confirm.');

    await user.click(within(panel).getByTestId('review-confirm-deletes'));
    await user.click(within(panel).getByTestId('review-sync-now'));
    expect(backend.callsOf('sync_run')[1]!.args.req).toEqual({ dry_run: false, confirm_deletes: true, full_listing: false });
    expect(await within(panel).findByTestId('review-result')).toHaveTextContent('Synced: 4 changes made.');
    await user.click(within(panel).getByTestId('review-done'));
    expect(screen.queryByTestId('review-panel')).toBeNull();
  });

  it('says when there is nothing to do, and when a run would stop', async () => {
    const backend = installBackend({ count: 2 });
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('sync-menu'));
    await user.click(screen.getByTestId('sync-review-open'));
    expect(await screen.findByTestId('review-nothing')).toHaveTextContent('Everything is in sync');
    backend.syncScript.stopped = 'The media library listed no files while 40 are linked: nothing is deleted.';
    await user.click(screen.getByTestId('review-again'));
    expect(await screen.findByTestId('review-stopped')).toHaveTextContent('nothing is deleted');
    expect(screen.getByTestId('review-sync-now')).toBeDisabled();
    fireEvent.keyDown(screen.getByTestId('review-panel'), { key: 'Escape' });
    expect(screen.queryByTestId('review-panel')).toBeNull();
  });
});

describe('sync: history', () => {
  it('lists past runs with their changes, errors and request ids', async () => {
    const backend = installBackend({ count: 2 });
    const op = makeOp({ side: 'remote', kind: 'add_tag', asset_id: 1, key: 'sale', summary: 'tag "sale" added to clip-1.mp4 on the media library' });
    const t = Math.floor(Date.now() / 1000) - 600;
    backend.syncRuns.push(
      { id: 1, started_at: t, finished_at: t + 2, dry_run: true, outcome: 'done', report: makeReport({ run_id: 1, dry_run: true, operations: [op] }) },
      {
        id: 2,
        started_at: t + 60,
        finished_at: t + 63,
        dry_run: false,
        outcome: 'done',
        report: makeReport({
          run_id: 2,
          operations: [op],
          applied: 1,
          request_ids: ['req-a1', 'req-a2'],
          errors: [{ asset_id: 2, file_id: 'f2', message: 'clip-2.mp4: the media library refused the change (rate limited).', request_id: 'req-e1', will_retry: true }],
        }),
      },
    );
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('sync-menu'));
    await user.click(screen.getByTestId('sync-history-open'));
    const panel = await screen.findByTestId('history-panel');
    const runs = await within(panel).findAllByTestId('history-run');
    expect(runs.map((r) => r.getAttribute('data-run-id'))).toEqual(['2', '1']);
    expect(runs[0]).toHaveTextContent('Sync · 9 min ago');
    expect(runs[0]).toHaveTextContent('Synced: 1 change made; 1 file could not be synced.');
    expect(runs[1]).toHaveTextContent('Review');
    // The newest is open: its operations, its errors with the request id, all request ids.
    const detail = within(runs[0]!).getByTestId('history-detail');
    expect(within(detail).getByTestId('history-op')).toHaveTextContent('tag "sale" added to clip-1.mp4');
    expect(within(detail).getByTestId('history-error')).toHaveTextContent('rate limited). Tried again at the next sync. Request req-e1');
    expect(within(detail).getByTestId('history-request-ids')).toHaveTextContent('req-a1 req-a2');
    await user.click(within(runs[1]!).getByRole('button'));
    expect(within(runs[1]!).getByTestId('history-detail')).toBeInTheDocument();
    expect(within(runs[0]!).queryByTestId('history-detail')).toBeNull();
  });
});

describe('sync: status on tiles and in the detail panel, remote-only assets', () => {
  it('each tile shows its sync status as an icon with words, and the detail panel a line', async () => {
    const backend = installBackend({ count: 4 });
    backend.patch(4, { sync: 'conflict' });
    backend.patch(3, { sync: 'modified_locally' });
    backend.patch(2, { sync: 'deleted_remotely' });
    renderApp();
    await waitFor(() => expect(tileOf(4)).not.toBeNull());
    const badge = within(tileOf(4)!).getByTestId('asset-sync');
    expect(badge).toHaveAttribute('data-sync', 'conflict');
    expect(badge).toHaveAccessibleName('Conflict');
    expect(badge.getAttribute('title')).toContain('choose which to keep in Conflicts');
    expect(within(tileOf(3)!).getByTestId('asset-sync')).toHaveAttribute('data-sync', 'modified_locally');
    // No sync status known: the old badge.
    expect(within(tileOf(1)!).queryByTestId('asset-sync')).toBeNull();
    expect(within(tileOf(1)!).getByTestId('asset-status')).toHaveAttribute('data-status', 'local');

    const user = userEvent.setup();
    await user.click(tileOf(2)!);
    const line = await screen.findByTestId('asset-sync-line');
    expect(line).toHaveTextContent('Deleted on the media library');
    expect(line).toHaveTextContent('Your file here stays.');
  });

  it('a remote-only tile fetches its remote thumbnail once, and Download original makes it local', async () => {
    const backend = installBackend({ count: 3 });
    backend.patch(3, { sync: 'remote_only', thumb_url: null, original_url: null, path: 'remote://sandbox/f3' });
    renderApp();
    await waitFor(() => expect(tileOf(3)?.querySelector('img')).toHaveAttribute('src', 'http://127.0.0.1:4567/t0k3n/thumb/remote-3.jpg'));
    expect(backend.callsOf('fetch_remote_thumbnail').map((c) => c.args)).toEqual([{ assetId: 3 }]);
    fireEvent.load(tileOf(3)!.querySelector('img')!);
    expect(within(tileOf(3)!).getByTestId('asset-thumb')).toBeInTheDocument();
    expect(within(tileOf(3)!).getByTestId('asset-sync')).toHaveAttribute('data-sync', 'remote_only');

    const user = userEvent.setup();
    await user.click(tileOf(3)!);
    const detail = await screen.findByTestId('asset-detail');
    expect(within(detail).getByTestId('asset-player-remote').querySelector('img')).toHaveAttribute('src', 'http://127.0.0.1:4567/t0k3n/thumb/remote-3.jpg');
    expect(within(detail).queryByTestId('open-studio')).toBeNull();
    await user.click(within(detail).getByTestId('download-original'));
    expect(backend.callsOf('download_original').map((c) => c.args)).toEqual([{ assetId: 3 }]);
    expect(await screen.findByText('Downloaded clip-3.mp4: it is on this computer now.')).toBeInTheDocument();
    await waitFor(() => expect(within(detail).getByTestId('asset-sync-line')).toHaveAttribute('data-sync', 'synced'));
    expect(within(detail).queryByTestId('download-original')).toBeNull();
    // Still one fetch: the answer is kept.
    expect(backend.callsOf('fetch_remote_thumbnail')).toHaveLength(1);
  });
});

describe('sync: settings', () => {
  it('reads and saves the interval, the delete fuse and the delete check', async () => {
    const backend = installBackend({ count: 1 });
    renderApp();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('settings-button'));
    const section = await screen.findByTestId('settings-sync');
    const interval = within(section).getByTestId('settings-sync-interval');
    await waitFor(() => expect(interval).toHaveValue(15));
    expect(within(section).getByTestId('settings-sync-fuse')).toHaveValue(20);
    expect(within(section).getByTestId('settings-save-sync')).toBeDisabled();
    await user.clear(interval);
    await user.type(interval, '30');
    await user.clear(within(section).getByTestId('settings-sync-fuse'));
    await user.type(within(section).getByTestId('settings-sync-fuse'), '5');
    await user.click(within(section).getByTestId('settings-save-sync'));
    expect(backend.callsOf('set_sync_settings').map((c) => c.args.settings)).toEqual([{ interval_minutes: 30, delete_fuse_files: 5, full_listing_hours: 24 }]);
    expect(await screen.findByText('Sync settings saved.')).toBeInTheDocument();
    expect(syncDraftProblems({ interval_minutes: '-1', delete_fuse_files: 'x', full_listing_hours: '0' })).toEqual({
      problems: {
        interval_minutes: 'Minutes between syncs: 0 (only when you press Sync) to 1,440.',
        delete_fuse_files: 'A whole number of files, 0 or more.',
        full_listing_hours: 'Hours between delete checks: 1 to 720.',
      },
    });
  });
});
