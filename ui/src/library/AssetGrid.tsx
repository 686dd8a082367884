// The library as a virtualised grid of fixed-size tiles. Only the rows on screen (plus a little
// overscan) exist in the DOM, and only their pages are fetched, so 100,000 assets scroll like 100.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import type { Asset } from '@/ipc/bindings';
import { AssetTile, TilePlaceholder } from '@/library/AssetTile';
import { EmptyState } from '@/library/EmptyState';

export const TILE_W = 192;
export const TILE_H = 196;
export const GAP = 14;
export const PAD = 20;
export const ROW_H = TILE_H + GAP;

/** How many fixed-width tiles fit across `width` pixels (never fewer than one). */
export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width - 2 * PAD + GAP) / (TILE_W + GAP)));
}

interface GridProps {
  /** After a click on a tile (plain, Ctrl or Shift): show the detail panel. */
  onClickSelect: (id: number) => void;
  /** Enter or double-click: show the detail panel. */
  onOpen: (id: number) => void;
  /** Escape: close the detail panel / clear the selection. */
  onEscape: () => void;
  /** Pickers for the empty state's buttons. */
  onImportFiles: () => void;
  onImportFolder: () => void;
}

export function AssetGrid({
  onClickSelect,
  onOpen,
  onEscape,
  onImportFiles,
  onImportFolder,
}: GridProps) {
  const { assets, selection, search, uploads, sync } = useServices();
  useObservable(uploads);
  const version = useSyncExternalStore(assets.subscribe, assets.getVersion);
  const sel = useObservable(selection);
  const searchError = useObservable(search.error);
  const selectedId = sel.focus;
  const total = assets.size();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const cols = columnsFor(width);
  // Centre the columns so the spare width is shared evenly on both sides.
  const left = Math.max(PAD, Math.floor((width - (cols * TILE_W + (cols - 1) * GAP)) / 2));
  const rowCount = Math.ceil(total / cols);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 2,
    // Render scroll updates in React's normal batch (no flushSync from inside effects).
    useFlushSync: false,
    paddingStart: PAD,
    paddingEnd: PAD,
  });
  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index ?? 0;
  const lastRow = rows[rows.length - 1]?.index ?? -1;
  const start = firstRow * cols;
  const end = Math.min(total, (lastRow + 1) * cols);

  useEffect(() => {
    assets.ensureRange(start, end);
  }, [assets, start, end, version]);

  // ---- keyboard: arrows move the selection, Enter opens, Escape closes ----
  // The selection as of the last key press: key repeat can fire again before React re-renders.
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const pending = useRef<number | null>(null);
  const choose = useCallback(
    (id: number, index: number) => {
      selectedRef.current = id;
      selection.single(id, index);
    },
    [selection],
  );
  const selectIndex = useCallback(
    (index: number, extend = false) => {
      const clamped = Math.max(0, Math.min(total - 1, index));
      if (clamped < 0) return;
      virtualizer.scrollToIndex(Math.floor(clamped / cols), { align: 'auto' });
      const a = assets.at(clamped);
      if (a && extend && selection.get().anchor !== null) {
        // Shift+arrow: grow or shrink the range from the anchor, as Shift-click does.
        pending.current = null;
        selectedRef.current = a.id;
        void selection.range(a.id, clamped);
      } else if (a) {
        pending.current = null;
        choose(a.id, clamped);
      } else {
        pending.current = clamped; // selected once its page arrives
        assets.ensureRange(clamped, clamped + 1);
      }
    },
    [assets, choose, cols, selection, total, virtualizer],
  );

  useEffect(() => {
    if (pending.current === null) return;
    const index = pending.current;
    const a = assets.at(index);
    if (a) {
      pending.current = null;
      choose(a.id, index);
    }
  }, [assets, version, choose]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target;
      if (t instanceof Element && t.closest('input, textarea, select, video, audio, [contenteditable="true"], [role="dialog"]')) return;
      const selected = selectedRef.current;
      const current = selected === null ? undefined : assets.indexOf(selected);
      const step: Record<string, number> = {
        ArrowLeft: -1,
        ArrowRight: 1,
        ArrowUp: -cols,
        ArrowDown: cols,
      };
      if (e.key in step) {
        if (total === 0) return;
        e.preventDefault();
        selectIndex(current === undefined ? 0 : current + (step[e.key] ?? 0), e.shiftKey);
      } else if (e.key === 'Home' && total > 0) {
        e.preventDefault();
        selectIndex(0);
      } else if (e.key === 'End' && total > 0) {
        e.preventDefault();
        selectIndex(total - 1);
      } else if (e.key === 'Enter') {
        if (selected !== null && !(t instanceof HTMLButtonElement)) {
          e.preventDefault();
          onOpen(selected);
        }
      } else if (e.key === 'Escape') {
        onEscape();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [assets, cols, onEscape, onOpen, selectIndex, total]);

  // When the column count changes (window resized, detail panel opened) keep the selection in view.
  useEffect(() => {
    const i = selectedRef.current === null ? undefined : assets.indexOf(selectedRef.current);
    if (i !== undefined) virtualizer.scrollToIndex(Math.floor(i / cols), { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on layout change
  }, [cols]);

  const onTileClick = useCallback(
    (a: Asset, index: number, mods: { shift: boolean; toggle: boolean }) => {
      if (mods.shift) void selection.range(a.id, index, mods.toggle);
      else if (mods.toggle) selection.toggle(a.id, index);
      else selection.single(a.id, index);
      selectedRef.current = selection.get().focus;
      onClickSelect(a.id);
    },
    [onClickSelect, selection],
  );
  const onTileDouble = useCallback((a: Asset) => onOpen(a.id), [onOpen]);
  const needRemoteThumb = useCallback((id: number) => void sync.remoteThumb(id), [sync]);

  const empty = assets.isLoaded() && total === 0;
  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      data-testid="asset-grid"
      data-total={total}
      role="listbox"
      aria-label="Library"
      aria-multiselectable="true"
      aria-activedescendant={selectedId !== null ? `asset-${selectedId}` : undefined}
      tabIndex={0}
    >
      {searchError !== null && assets.isFiltered() ? (
        <div className="empty" data-testid="search-failed">
          <h2>This search could not run</h2>
          <div className="search-error" id="search-error" data-testid="search-error" role="alert">
            {searchError}
          </div>
          <p>Fix the query above, switch to Words, or clear the search.</p>
          <div className="empty-actions">
            <button type="button" className="btn" onClick={() => search.reset()}>
              Clear search and filters
            </button>
          </div>
        </div>
      ) : empty && assets.isFiltered() ? (
        <div className="empty" data-testid="search-empty">
          <h2>No assets match</h2>
          <p>Try fewer words or filters.</p>
          <div className="empty-actions">
            <button type="button" className="btn" onClick={() => search.reset()}>
              Clear search and filters
            </button>
          </div>
        </div>
      ) : empty ? (
        <EmptyState onImportFiles={onImportFiles} onImportFolder={onImportFolder} />
      ) : (
        <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => {
            const first = row.index * cols;
            const count = Math.min(cols, total - first);
            return (
              <div
                key={row.key}
                className="grid-row"
                data-row={row.index}
                style={{ transform: `translateY(${row.start}px)`, height: TILE_H, paddingLeft: left }}
              >
                {Array.from({ length: count }, (_, c) => {
                  const index = first + c;
                  const a = assets.at(index);
                  return a ? (
                    <AssetTile
                      key={a.id}
                      asset={a}
                      index={index}
                      selected={sel.ids.has(a.id)}
                      focused={a.id === selectedId}
                      tags={assets.tagsOf(a.id)}
                      uploadStatus={uploads.assetStatus(a.id)}
                      onClick={onTileClick}
                      onDoubleClick={onTileDouble}
                      onNeedRemoteThumb={needRemoteThumb}
                    />
                  ) : (
                    <TilePlaceholder key={`p${index}`} />
                  );
                })}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
