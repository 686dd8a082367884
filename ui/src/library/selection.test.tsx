import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { Selection } from '@/library/selection';
import { MAX_TAG_CHARS, parseTagInput, tagProblem } from '@/library/tagRules';
import { installBackend } from '@/test/backend';
import { renderApp } from '@/test/render';

/** Ids of a fake result list: index i holds id 100 + i. */
function resolver() {
  const asked: [number, number][] = [];
  const resolve = async (start: number, end: number) => {
    asked.push([start, end]);
    return Array.from({ length: end - start }, (_, k) => 100 + start + k);
  };
  return { asked, resolve };
}

describe('selection semantics', () => {
  it('click selects one, ctrl-click toggles, shift-click selects the range from the anchor', async () => {
    const r = resolver();
    const s = new Selection(r.resolve);
    s.single(103, 3);
    expect(s.list()).toEqual([103]);
    expect(s.get().focus).toBe(103);

    s.toggle(105, 5);
    expect(s.list().sort()).toEqual([103, 105]);
    s.toggle(103, 3);
    expect(s.list()).toEqual([105]);
    expect(s.get().focus).toBe(105);

    // The anchor is the last ctrl-click (index 3); shift-click at 7 replaces the selection by 3..7.
    await s.range(107, 7);
    expect(s.list().sort()).toEqual([103, 104, 105, 106, 107]);
    expect(r.asked).toEqual([[3, 8]]);

    // Backwards, additive (ctrl+shift) keeps what was selected.
    s.single(110, 10);
    await s.range(108, 8, true);
    expect(s.list().sort()).toEqual([108, 109, 110]);
  });

  it('select all takes every match, and a newer click wins over a range still resolving', async () => {
    let release: () => void = () => {};
    const s = new Selection(
      (start, end) =>
        new Promise((res) => {
          release = () => res(Array.from({ length: end - start }, (_, k) => start + k));
        }),
    );
    s.single(0, 0);
    const pending = s.range(50, 50);
    s.single(7, 7); // the person clicked elsewhere before the range arrived
    release();
    await pending;
    expect(s.list()).toEqual([7]);

    const all = s.all(1000);
    release();
    await expect(all).resolves.toBe(1000);
    expect(s.size()).toBe(1000);
    s.clear();
    expect(s.size()).toBe(0);
    expect(s.get().focus).toBeNull();
  });
});

describe('tag rules', () => {
  it('splits typed tags on commas and drops empties and repeats', () => {
    expect(parseTagInput(' sale, summer ,,sale ')).toEqual(['sale', 'summer']);
  });

  it('refuses % and says why', () => {
    expect(tagProblem('50%off', [])).toBe('Tags cannot contain "%" ("50%off"): the media library refuses it.');
  });

  it('refuses what would take an asset over 500 characters, naming it', () => {
    const long = 'x'.repeat(495);
    const targets = [
      { name: 'dress.mp4', tags: [long] },
      { name: 'shoe.mp4', tags: [] },
    ];
    expect(tagProblem('summer', targets)).toBe(
      `"dress.mp4" would have 501 characters of tags; the media library allows ${MAX_TAG_CHARS} per asset. Remove a tag first.`,
    );
    expect(tagProblem('tiny', targets)).toBeNull();
    // A tag the asset already carries adds nothing.
    expect(tagProblem(long, targets)).toBeNull();
    expect(tagProblem('y'.repeat(501), [])).toMatch(/501 characters; an asset's tags may have at most 500/);
    expect(tagProblem('   ', targets)).toBeNull();
  });
});

const tile = (id: number) => screen.getAllByTestId('asset-tile').find((t) => t.dataset.assetId === String(id))!;
const selectedIds = () =>
  screen
    .getAllByTestId('asset-tile')
    .filter((t) => t.dataset.selected === 'true')
    .map((t) => Number(t.dataset.assetId))
    .sort((a, b) => a - b);

describe('grid multi-select and the tag bar', () => {
  it('selects with click, shift-click and ctrl-click, and shows the count', async () => {
    installBackend({ count: 20 });
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(20));
    expect(screen.queryByTestId('tag-bar')).toBeNull();

    fireEvent.click(tile(20)); // index 0
    fireEvent.click(tile(17), { shiftKey: true }); // index 3
    await waitFor(() => expect(selectedIds()).toEqual([17, 18, 19, 20]));
    expect(screen.getByTestId('selection-count')).toHaveTextContent('4 selected');

    fireEvent.click(tile(18), { ctrlKey: true });
    expect(selectedIds()).toEqual([17, 19, 20]);
    fireEvent.click(tile(5), { metaKey: true });
    expect(selectedIds()).toEqual([5, 17, 19, 20]);

    // A plain click starts over.
    fireEvent.click(tile(10));
    expect(selectedIds()).toEqual([10]);
  });

  it('Shift+arrows grow the selection from the anchor', async () => {
    installBackend({ count: 20 });
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(20));
    fireEvent.click(tile(20)); // index 0
    fireEvent.keyDown(window, { key: 'ArrowRight', shiftKey: true });
    fireEvent.keyDown(window, { key: 'ArrowRight', shiftKey: true });
    await waitFor(() => expect(selectedIds()).toEqual([18, 19, 20]));
    fireEvent.keyDown(window, { key: 'ArrowLeft', shiftKey: true });
    await waitFor(() => expect(selectedIds()).toEqual([19, 20]));
    // A plain arrow goes back to one.
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    await waitFor(() => expect(selectedIds()).toEqual([18]));
  });

  it('Ctrl+A selects every asset the search matches, even pages not loaded yet', async () => {
    installBackend({ count: 500 });
    renderApp({ pageSize: 60 });
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBeGreaterThan(0));
    fireEvent.keyDown(window, { key: 'a', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('selection-count')).toHaveTextContent('500 selected'));
  });

  it('adds a tag to the selection, shows badges, and undoes it from the toast', async () => {
    const backend = installBackend({ count: 6 });
    backend.tags.set(6, ['summer', 'dress', 'linen']);
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(6));
    // First two tags and "+1".
    expect(within(tile(6)).getAllByTestId('asset-tag').map((b) => b.textContent)).toEqual(['summer', 'dress']);
    expect(within(tile(6)).getByTestId('asset-tag-more')).toHaveTextContent('+1');

    fireEvent.click(tile(3));
    fireEvent.click(tile(1), { shiftKey: true });
    await waitFor(() => expect(selectedIds()).toEqual([1, 2, 3]));

    // T focuses the tag box.
    fireEvent.keyDown(document.body, { key: 't' });
    const input = screen.getByTestId('tag-input');
    expect(input).toHaveFocus();
    const user = userEvent.setup();
    await user.type(input, 'sale');
    await user.click(screen.getByTestId('tag-add'));

    await waitFor(() => expect(backend.callsOf('add_tags')).toHaveLength(1));
    expect(backend.callsOf('add_tags')[0]!.args).toEqual({ ids: [3, 2, 1], tags: ['sale'] });
    for (const id of [1, 2, 3]) {
      await waitFor(() => expect(within(tile(id)).getByTestId('asset-tag')).toHaveTextContent('sale'));
    }
    expect(input).toHaveValue('');
    const toast = await screen.findByText(/Added tag "sale" to 3 assets/);
    expect(toast.closest('[data-testid="toast"]')).toHaveAttribute('data-kind', 'success');

    await user.click(screen.getByTestId('undo-button'));
    await waitFor(() => expect(backend.callsOf('undo_last')).toHaveLength(1));
    await waitFor(() => expect(within(tile(3)).queryByTestId('asset-tag')).toBeNull());
  });

  it('explains the tag rules inline and disables Add', async () => {
    const backend = installBackend({ count: 2 });
    backend.tags.set(2, ['x'.repeat(495)]);
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(2));
    fireEvent.click(tile(2));
    const user = userEvent.setup();
    const input = screen.getByTestId('tag-input');
    await user.type(input, '50%');
    expect(screen.getByTestId('tag-error')).toHaveTextContent('Tags cannot contain "%"');
    expect(screen.getByTestId('tag-add')).toBeDisabled();
    await user.clear(input);
    await user.type(input, 'winter');
    expect(screen.getByTestId('tag-error')).toHaveTextContent('"clip-2.mp4" would have 501 characters of tags');
    expect(screen.getByTestId('tag-add')).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(backend.callsOf('add_tags')).toHaveLength(0);
  });

  it('autocompletes from the library tags and removes a tag from the selection', async () => {
    const backend = installBackend({ count: 3 });
    backend.tags.set(3, ['summer']);
    backend.tags.set(2, ['summer', 'sale']);
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(3));
    fireEvent.click(tile(3));
    fireEvent.click(tile(2), { ctrlKey: true });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('tag-input'), 'su');
    const option = await screen.findByTestId('tag-suggestion');
    expect(option).toHaveTextContent('summer');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(screen.getByTestId('tag-input')).toHaveValue('summer');

    const chip = screen.getAllByTestId('selection-tag').find((c) => c.dataset.tag === 'summer')!;
    expect(chip).toHaveTextContent('2/2');
    await user.click(within(chip).getByTestId('tag-remove'));
    await waitFor(() => expect(backend.callsOf('remove_tags')).toHaveLength(1));
    expect(backend.callsOf('remove_tags')[0]!.args).toEqual({ ids: [3, 2], tags: ['summer'] });
    await waitFor(() => expect(within(tile(3)).queryByTestId('asset-tag')).toBeNull());
  });

  it('Delete does nothing destructive and Ctrl+Z undoes', async () => {
    const backend = installBackend({ count: 2 });
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('asset-tile').length).toBe(2));
    fireEvent.click(tile(1));
    const before = backend.calls.length;
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'Delete' });
    });
    expect(backend.calls.slice(before).map((c) => c.cmd)).toEqual([]);
    expect(screen.getAllByTestId('asset-tile')).toHaveLength(2);

    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(backend.callsOf('undo_last')).toHaveLength(1));
    expect(await screen.findByText('There is nothing to undo.')).toBeInTheDocument();
  });
});
