// Which assets are selected. Click selects one, Ctrl/Cmd-click toggles one, Shift-click selects the
// range from the anchor (the last plain or Ctrl click) to the clicked tile, Ctrl+A selects every
// asset the current search matches. `focus` is the asset the detail panel and arrow keys follow.
//
// Ranges and "select all" can reach assets whose pages were never loaded, so resolving them is
// async (the store asks the backend for the ids); a newer click wins over an older pending range.

import { Observable } from '@/app/store';

export interface SelectionState {
  ids: ReadonlySet<number>;
  /** The last clicked or keyboard-selected asset. */
  focus: number | null;
  /** Index where a Shift-click range starts. */
  anchor: number | null;
}

export const NO_SELECTION: SelectionState = { ids: new Set(), focus: null, anchor: null };

/** Resolves the ids at indices [start, end) of the current results. */
export type RangeResolver = (start: number, end: number) => Promise<number[]>;

export class Selection extends Observable<SelectionState> {
  private seq = 0;

  /** `cached` answers at once when it can (the range is on screen), so clicks never race. */
  constructor(
    private readonly resolve: RangeResolver,
    private readonly cached: (start: number, end: number) => number[] | null = () => null,
  ) {
    super(NO_SELECTION);
  }

  size(): number {
    return this.get().ids.size;
  }

  has(id: number): boolean {
    return this.get().ids.has(id);
  }

  /** The selected ids, in the order they were selected. */
  list(): number[] {
    return [...this.get().ids];
  }

  /** A plain click or an arrow key: only this asset. */
  single(id: number, index: number): void {
    this.seq++;
    this.set({ ids: new Set([id]), focus: id, anchor: index });
  }

  /** Ctrl/Cmd-click: add or remove one asset, keeping the rest. */
  toggle(id: number, index: number): void {
    this.seq++;
    const ids = new Set(this.get().ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    const focus = ids.has(id) ? id : ([...ids].pop() ?? null);
    this.set({ ids, focus, anchor: index });
  }

  /**
   * Shift-click: the assets from the anchor to `index`, inclusive (`additive`: Ctrl+Shift keeps
   * what was already selected). Without an anchor it is a plain click.
   */
  async range(id: number, index: number, additive = false): Promise<void> {
    const { anchor, ids: before } = this.get();
    if (anchor === null) {
      this.single(id, index);
      return;
    }
    const lo = Math.min(anchor, index);
    const hi = Math.max(anchor, index);
    const now = this.cached(lo, hi + 1);
    if (now) {
      this.seq++;
      this.set({ ids: new Set([...(additive ? before : []), ...now, id]), focus: id, anchor });
      return;
    }
    const seq = ++this.seq;
    // Show the clicked tile selected at once; the rest follows when the ids are known.
    this.set({ ids: new Set([...(additive ? before : []), id]), focus: id, anchor });
    const range = await this.resolve(lo, hi + 1);
    if (seq !== this.seq) return;
    this.set({ ids: new Set([...(additive ? before : []), ...range, id]), focus: id, anchor });
  }

  /** Ctrl+A: every asset the current search matches. Resolves with how many that is. */
  async all(total: number): Promise<number> {
    const seq = ++this.seq;
    const ids = await this.resolve(0, total);
    if (seq !== this.seq) return this.size();
    const focus = this.get().focus;
    this.set({ ids: new Set(ids), focus: focus !== null && ids.includes(focus) ? focus : (ids[0] ?? null), anchor: 0 });
    return ids.length;
  }

  clear(): void {
    this.seq++;
    this.set(NO_SELECTION);
  }
}
