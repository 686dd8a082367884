import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { SearchRequest } from '@/ipc/dto';
import { makeAsset } from '@/test/backend';
import { installBackend } from '@/test/backend';
import { renderApp } from '@/test/render';
import {
  activeFilterCount,
  buildSearchRequest,
  EMPTY_SEARCH,
  isEmptySearch,
  rangeProblems,
  stateFromRequest,
} from '@/search/request';

describe('search request building', () => {
  it('sends nothing but the newest-first order for an empty search', () => {
    const r = buildSearchRequest(EMPTY_SEARCH, 0, 120);
    expect(r.text).toBeNull();
    expect(r.remote_query).toBeNull();
    expect(r.sort).toEqual({ key: 'imported_at', descending: true });
    expect(r.filters.kinds).toEqual([]);
    expect(r.filters.folder).toBeNull();
    expect(r.filters.min_size).toBeNull();
    expect([r.offset, r.limit]).toEqual([0, 120]);
    expect(isEmptySearch(EMPTY_SEARCH)).toBe(true);
  });

  it('words go in text, sorted by relevance; a pasted query goes in remote_query', () => {
    const words = buildSearchRequest({ ...EMPTY_SEARCH, text: '  red dress ' });
    expect(words.text).toBe('red dress');
    expect(words.remote_query).toBeNull();
    expect(words.sort.key).toBe('relevance');

    const q = buildSearchRequest({ ...EMPTY_SEARCH, mode: 'query', text: 'tags IN ["sale"] AND size > "2mb"' });
    expect(q.text).toBeNull();
    expect(q.remote_query).toBe('tags IN ["sale"] AND size > "2mb"');
    expect(q.sort.key).toBe('imported_at');
  });

  it('turns filter fields into the backend units and ignores what is not a number', () => {
    const state = {
      ...EMPTY_SEARCH,
      kinds: ['video' as const],
      statuses: ['missing' as const],
      tags: [' sale ', ''],
      folder: '/summer/',
      includeSubfolders: false,
      minDuration: '5',
      maxDuration: '90,5',
      minSizeMb: '1.5',
      maxSizeMb: 'lots',
    };
    const f = buildSearchRequest(state).filters;
    expect(f).toMatchObject({
      kinds: ['video'],
      statuses: ['missing'],
      tags: ['sale'],
      folder: '/summer/',
      include_subfolders: false,
      min_duration_s: 5,
      max_duration_s: 90.5,
      min_size: 1_500_000,
      max_size: null,
    });
    expect(activeFilterCount(state)).toBe(6);
    expect(rangeProblems(state)).toEqual({ maxSizeMb: 'Type a number of MB, or leave it empty.' });
    expect(rangeProblems({ ...EMPTY_SEARCH, minDuration: '60', maxDuration: '10' })).toEqual({
      maxDuration: '"To" is smaller than "from": nothing could match.',
    });
  });

  it('a saved search restores the fields it was made from', () => {
    const state = { ...EMPTY_SEARCH, text: 'dress', kinds: ['image' as const], minSizeMb: '2', folder: '/a/', includeSubfolders: true };
    expect(stateFromRequest(buildSearchRequest(state))).toEqual(state);
    const q = { ...EMPTY_SEARCH, mode: 'query' as const, text: 'name: "x"' };
    expect(stateFromRequest(buildSearchRequest(q))).toEqual(q);
  });
});

const lastSearch = (backend: ReturnType<typeof installBackend>) =>
  backend.callsOf('search').at(-1)!.args.request as SearchRequest;

describe('live search', () => {
  it('searches as you type (debounced), shows the results and how many match', async () => {
    const backend = installBackend({ count: 30 });
    backend.tags.set(7, ['sale']);
    backend.tags.set(12, ['sale']);
    renderApp({ searchDebounceMs: 200 });
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(30));
    const before = backend.callsOf('search').length;

    const user = userEvent.setup();
    await user.type(screen.getByTestId('search-input'), 'sale');
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(2));
    // Debounced: not one request per key.
    expect(backend.callsOf('search').length - before).toBeLessThan(4);
    expect(lastSearch(backend)).toMatchObject({ text: 'sale', offset: 0 });
    expect(screen.getByTestId('asset-count')).toHaveTextContent('2 assets match');

    await user.clear(screen.getByTestId('search-input'));
    await user.type(screen.getByTestId('search-input'), 'nothing-like-this');
    expect(await screen.findByTestId('search-empty')).toHaveTextContent('No assets match');
    await user.click(screen.getByText('Clear search and filters'));
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(30));
    expect(screen.getByTestId('search-input')).toHaveValue('');
  });

  it('accepts the remote searchQuery syntax and explains a query it cannot run', async () => {
    const backend = installBackend({ count: 10 });
    backend.tags.set(3, ['sale']);
    renderApp({ searchDebounceMs: 10 });
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(10));
    const user = userEvent.setup();
    await user.click(screen.getByTestId('search-mode-query'));
    const input = screen.getByTestId('search-input');
    await user.click(input);
    await user.paste('tags IN ["sale"]');
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(1));
    expect(lastSearch(backend)).toMatchObject({ text: null, remote_query: 'tags IN ["sale"]' });

    await user.clear(input);
    await user.paste('size >>> 2');
    expect(await screen.findByTestId('search-error')).toHaveTextContent('The search query is not valid: size >>> 2');
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
  });

  it('filters by kind and tag, and saves the search', async () => {
    const backend = installBackend({ count: 4 });
    backend.add(makeAsset(50, { kind: 'image', name: 'look.jpg' }));
    backend.tags.set(2, ['summer']);
    renderApp({ searchDebounceMs: 10 });
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(5));
    const user = userEvent.setup();
    await user.click(screen.getByTestId('filter-button'));
    await user.click(screen.getByTestId('filter-kind-image'));
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(1));
    expect(lastSearch(backend).filters.kinds).toEqual(['image']);
    expect(screen.getByTestId('filter-count')).toHaveTextContent('1');

    await user.click(screen.getByTestId('filter-kind-image'));
    await user.type(screen.getByTestId('filter-tag'), 'summer{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(1));
    expect(lastSearch(backend).filters.tags).toEqual(['summer']);

    await user.click(screen.getByTestId('save-search'));
    await user.type(screen.getByTestId('save-search-name'), 'Summer{Enter}');
    await waitFor(() => expect(backend.callsOf('save_search')).toHaveLength(1));
    expect(backend.callsOf('save_search')[0]!.args).toMatchObject({ name: 'Summer', request: { filters: { tags: ['summer'] } } });

    // Clear, then bring it back from the list.
    await user.click(screen.getByTestId('filter-clear'));
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(5));
    await user.selectOptions(await screen.findByTestId('saved-search-select'), 'Summer');
    await waitFor(() => expect(screen.getAllByTestId('asset-tile')).toHaveLength(1));
    expect(screen.getByTestId('saved-search-select')).toHaveValue('Summer');

    // And forget it.
    await user.click(screen.getByTestId('saved-search-delete'));
    await waitFor(() => expect(backend.callsOf('delete_saved_search')).toHaveLength(1));
    expect(backend.callsOf('delete_saved_search')[0]!.args).toEqual({ name: 'Summer' });
    await waitFor(() => expect(screen.queryByTestId('saved-search-select')).toBeNull());
  });
});
