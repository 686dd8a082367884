import { describe, expect, it } from 'vitest';

import type { AssetPage } from '@/ipc/bindings';
import type { StorePage } from '@/library/assetStore';
import { AssetStore } from '@/library/assetStore';
import { makeAsset } from '@/test/backend';

/** A library of `n` assets (ids n..1, newest first) with controllable page answers. */
function library(n: number) {
  let top: number[] = [];
  const requests: { offset: number; resolve: () => void }[] = [];
  const idAt = (i: number) => (i < top.length ? top[i]! : n - (i - top.length));
  const fetchPage = (offset: number, limit: number) =>
    new Promise<AssetPage>((resolve) => {
      requests.push({
        offset,
        resolve: () => {
          const total = n + top.length;
          const assets = [];
          for (let i = offset; i < Math.min(total, offset + limit); i++) assets.push(makeAsset(idAt(i)));
          resolve({ total, offset, assets });
        },
      });
    });
  return {
    fetchPage,
    requests,
    importNew(id: number) {
      top = [id, ...top];
      return makeAsset(id);
    },
    async answerAll() {
      while (requests.length) {
        requests.shift()!.resolve();
        await Promise.resolve();
        await Promise.resolve();
      }
    },
  };
}

describe('AssetStore', () => {
  it('a page asked for before a tag edit does not bring the old tags back', async () => {
    // The backend answers with the library as it was when the page was asked for.
    const tags = new Map<number, string[]>([[3, []], [2, []], [1, []]]);
    const pending: (() => void)[] = [];
    const fetchPage = (offset: number) => {
      const snapshot = [3, 2, 1].map((id) => [...tags.get(id)!]);
      return new Promise<StorePage>((resolve) => {
        pending.push(() => resolve({ total: 3, offset, assets: [3, 2, 1].map((id) => makeAsset(id)), tags: snapshot }));
      });
    };
    const answer = async () => {
      while (pending.length) {
        pending.shift()!();
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
    };
    const store = new AssetStore({ pageSize: 10, fetchPage });
    const first = store.refresh();
    await answer();
    await first;
    expect(store.tagsOf(2)).toEqual([]);

    const again = store.refresh(); // e.g. the refresh after an import, still in flight...
    tags.set(2, ['sale']); // ...when the user tags asset 2
    store.patchTags([2], (cur) => [...cur, 'sale']);
    await answer(); // the stale answer arrives, and is asked again
    await again;
    await answer();
    expect(store.tagsOf(2)).toEqual(['sale']);
    expect(store.tagsOf(3)).toEqual([]);
  });

  it('fetches only the pages around what is shown', async () => {
    const lib = library(100_000);
    const store = new AssetStore({ pageSize: 100, fetchPage: lib.fetchPage });
    const first = store.refresh();
    await lib.answerAll();
    await first;
    expect(store.size()).toBe(100_000);
    expect(store.at(0)?.id).toBe(100_000);

    store.ensureRange(50_000, 50_030);
    expect(lib.requests.map((r) => r.offset).sort((a, b) => a - b)).toEqual([49_900, 50_000, 50_100]);
    store.ensureRange(50_000, 50_030); // asked again while in flight: no duplicates
    expect(lib.requests).toHaveLength(3);
    await lib.answerAll();
    expect(store.at(50_000)?.id).toBe(50_000);
    expect(store.at(49_950)?.id).toBe(50_050);
    expect(store.at(30_000)).toBeUndefined();
    store.ensureRange(50_000, 50_030); // all cached now
    expect(lib.requests).toHaveLength(0);
  });

  it('puts imported assets first and shifts every cached index by one', async () => {
    const lib = library(10);
    const store = new AssetStore({ pageSize: 100, fetchPage: lib.fetchPage });
    const p = store.refresh();
    await lib.answerAll();
    await p;
    store.insert(lib.importNew(11));
    store.insert(lib.importNew(12));
    expect(store.size()).toBe(12);
    expect([0, 1, 2, 11].map((i) => store.at(i)?.id)).toEqual([12, 11, 10, 1]);
    expect(store.indexOf(10)).toBe(2);
    // Importing the same asset again updates it in place.
    store.insert({ ...makeAsset(11), name: 'renamed.mp4' });
    expect(store.size()).toBe(12);
    expect(store.at(1)?.name).toBe('renamed.mp4');
  });

  it('drops a page answered after an import moved the offsets, then fetches it again', async () => {
    const lib = library(500);
    const store = new AssetStore({ pageSize: 100, fetchPage: lib.fetchPage });
    const p = store.refresh();
    await lib.answerAll();
    await p;
    store.ensureRange(300, 310);
    const inflight = lib.requests.length;
    expect(inflight).toBeGreaterThan(0);
    store.insert(lib.importNew(501));
    await lib.answerAll(); // stale answers: offsets are off by one now
    expect(store.at(301)).toBeUndefined();
    store.ensureRange(301, 311);
    await lib.answerAll();
    // Every cached index agrees with the library as it is now.
    expect(store.at(0)?.id).toBe(501);
    expect(store.at(301)?.id).toBe(500 - 300);
    expect(store.at(350)?.id).toBe(500 - 349);
  });

  it('keeps the cache bounded, dropping what is farthest from the screen', async () => {
    const lib = library(100_000);
    const store = new AssetStore({ pageSize: 100, maxCached: 500, fetchPage: lib.fetchPage });
    const p = store.refresh();
    await lib.answerAll();
    await p;
    for (const at of [10_000, 20_000, 30_000, 40_000, 50_000]) {
      store.ensureRange(at, at + 30);
      await lib.answerAll();
    }
    expect(store.cachedCount()).toBeLessThanOrEqual(500);
    expect(store.at(50_000)?.id).toBe(50_000); // what is on screen stays
    expect(store.at(0)).toBeUndefined(); // the far top went
  });

  it('updates a tile when its thumbnail arrives', async () => {
    const lib = library(3);
    const store = new AssetStore({ fetchPage: lib.fetchPage });
    const p = store.refresh();
    await lib.answerAll();
    await p;
    let changes = 0;
    store.subscribe(() => changes++);
    store.setThumbnail(2, 'http://127.0.0.1:1/t/2');
    expect(store.byId(2)?.thumb_url).toBe('http://127.0.0.1:1/t/2');
    expect(changes).toBe(1);
    store.setThumbnail(999, 'http://127.0.0.1:1/t/999'); // not cached: nothing to do
    expect(changes).toBe(1);
  });

  it('reports a page that fails, once, without retrying in a loop', async () => {
    const errors: string[] = [];
    let calls = 0;
    const store = new AssetStore({
      onError: (e) => errors.push(e.message),
      fetchPage: async () => {
        calls++;
        throw { code: 'library', message: 'The library is locked by another Stockroom window.' };
      },
    });
    await store.refresh();
    store.ensureRange(0, 10);
    expect(errors).toEqual(['The library is locked by another Stockroom window.']);
    expect(calls).toBe(1);
    expect(store.isLoaded()).toBe(false);
  });
});
