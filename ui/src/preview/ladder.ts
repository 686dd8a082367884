// The adaptive-bitrate ladder of the studio's asset: which renditions (`sr-240_360_…`), HLS or
// DASH, the exact `ik-master.m3u8|mpd` delivery URL, and a local render of the whole ladder that
// plays (HLS) with its renditions switchable, as a shop's player would switch them.
//
// The ladder follows the studio's transformation: rotate, flip, trim and watermark carry over.
// What the remote refuses on streaming URLs (`w`, `h`, `ar`, `f`, `vc`, `ac`, `q`, spec §10.4) is
// left out, with the crop or resize it belonged to, and listed, so the URL shown always works.
// The backend decides that (`ladderTr`, beside the planner that refuses the same parameters);
// this session only asks, then plans what it answered.

import { ladderTr, ladderUrl, planLadder, renderLadder, toApiError } from '@/ipc/api';
import type { Asset, LadderEvent, LadderFormat, LadderPlan, LadderResult } from '@/ipc/api';
import { PlanningSession } from '@/preview/planning';

/**
 * The `sr` values the remote offers (spec §10.4). Each one's size and bit rate come from the
 * backend's plan (`plan_ladder`), which owns the remote's table.
 */
export const RUNGS = [240, 360, 480, 720, 1080, 1440, 2160] as const;

/** The renditions a source of this size gets by default: every one it fills (at least 240p). */
export function defaultRungs(width: number | null, height: number | null): number[] {
  const short = Math.min(width ?? 0, height ?? 0);
  const fits = RUNGS.filter((sr) => sr <= short);
  return fits.length > 0 ? fits : [240];
}

export type LadderStatus = 'rendering' | 'ready' | 'failed';

export interface LadderRender {
  status: LadderStatus;
  /** 0..1 */
  progress: number;
  tr: string;
  format: LadderFormat;
  result: LadderResult | null;
  error: string | null;
}

export interface LadderState {
  rungs: number[];
  format: LadderFormat;
  /** The studio's transformation the ladder follows. */
  base: string;
  /** What goes after `?tr=` (the backend's answer for `base` and `rungs`; '' until it answers). */
  tr: string;
  /** Parameters of `base` left out because streaming URLs refuse them. */
  leftOut: string[];
  plan: LadderPlan | null;
  planError: string | null;
  url: string | null;
  urlError: string | null;
  signed: boolean;
  render: LadderRender | null;
}

let views = 0;

export class LadderSession extends PlanningSession<LadderState> {
  readonly view = `ladder-${++views}`;
  private renderSeq = 0;

  constructor(
    readonly asset: Asset,
    base = '',
    private readonly debounceMs = 200,
  ) {
    const rungs = defaultRungs(asset.width, asset.height);
    super({
      rungs,
      format: 'hls',
      base,
      tr: '',
      leftOut: [],
      plan: null,
      planError: null,
      url: null,
      urlError: null,
      signed: false,
      render: null,
    });
  }

  setBase(base: string): void {
    if (base === this.get().base) return;
    this.update({ base });
  }

  toggleRung(sr: number): void {
    const cur = this.get().rungs;
    this.update({ rungs: cur.includes(sr) ? cur.filter((r) => r !== sr) : [...cur, sr].sort((a, b) => a - b) });
  }

  /** The renditions exactly (e.g. the ladder without its duplicates). */
  setRungs(rungs: number[]): void {
    const sorted = [...new Set(rungs)].sort((a, b) => a - b);
    if (sorted.join() !== this.get().rungs.join()) this.update({ rungs: sorted });
  }

  setFormat(format: LadderFormat): void {
    if (format !== this.get().format) this.update({ format });
  }

  setSigned(signed: boolean): void {
    this.set((s) => ({ ...s, signed }));
    void this.updateUrl(this.seq);
  }

  private update(change: Partial<Pick<LadderState, 'base' | 'rungs' | 'format'>>): void {
    this.set((s) => ({ ...s, ...change }));
    this.schedule(this.debounceMs);
  }

  private async updateUrl(seq: number): Promise<void> {
    const { tr, format, signed } = this.get();
    try {
      const u = await ladderUrl(this.asset.id, tr, format, signed);
      if (this.live(seq)) this.set((s) => ({ ...s, url: u.url, urlError: null }));
    } catch (e) {
      if (this.live(seq)) this.set((s) => ({ ...s, url: null, urlError: toApiError(e).message }));
    }
  }

  protected async plan(seq: number): Promise<void> {
    const { base, rungs, format } = this.get();
    let tr: string;
    try {
      const answer = await ladderTr(base, rungs);
      if (!this.live(seq)) return;
      tr = answer.tr;
      this.set((s) => ({ ...s, tr, leftOut: answer.left_out }));
    } catch (e) {
      if (this.live(seq)) this.set((s) => ({ ...s, plan: null, planError: toApiError(e).message }));
      return;
    }
    void this.updateUrl(seq);
    try {
      const plan = await planLadder({ asset_id: this.asset.id }, tr, format);
      if (this.live(seq)) this.set((s) => ({ ...s, plan, planError: null }));
    } catch (e) {
      if (this.live(seq)) this.set((s) => ({ ...s, plan: null, planError: toApiError(e).message }));
    }
  }

  /** Renders the current ladder locally (every rendition, aligned segments, shared sound). */
  async render(): Promise<void> {
    const { tr, format, planError } = this.get();
    if (planError !== null) return;
    const seq = ++this.renderSeq;
    this.set((s) => ({ ...s, render: { status: 'rendering', progress: 0, tr, format, result: null, error: null } }));
    const patch = (f: (r: LadderRender) => LadderRender) => {
      if (this.disposed || seq !== this.renderSeq) return;
      this.set((s) => (s.render ? { ...s, render: f(s.render) } : s));
    };
    const onEvent = (e: LadderEvent) => {
      if (e.event === 'progress') patch((r) => ({ ...r, progress: Math.max(r.progress, e.data.fraction) }));
    };
    try {
      const result = await renderLadder(this.view, { asset_id: this.asset.id }, tr, format, onEvent);
      patch((r) => ({ ...r, status: 'ready', progress: 1, result }));
    } catch (e) {
      patch((r) => ({ ...r, status: 'failed', error: toApiError(e).message }));
    }
  }

  /** Stops a running render (its partial files are deleted). */
  cancel(): void {
    this.renderSeq++;
    this.set((s) => ({ ...s, render: s.render?.status === 'rendering' ? null : s.render }));
    this.cancelRender();
  }
}
