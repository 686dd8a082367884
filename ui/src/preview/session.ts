// One preview-studio session on one asset: the `tr` being edited, its plan, the render that shows
// it and the delivery URL that produces it.
//
// Every change of `tr` (from a control or typed) is planned after a short pause; a plan error is
// shown before anything renders. A valid plan starts a fast preview (videos: HLS that plays from
// its first segment) or a full render (photos: a still is quick). "Render full quality" renders
// the same `tr` as the shop will get it. Renders share one view id, so the backend cancels the
// previous one when a new one starts; late answers of older requests are ignored here.

import { assetUrl, planPreview, renderPreview, toApiError } from '@/ipc/api';
import type { Asset, PreviewEvent, PreviewMode, PreviewPlan, PreviewResult } from '@/ipc/api';
import { PlanningSession } from '@/preview/planning';

export type RenderStatus = 'idle' | 'rendering' | 'ready' | 'failed';

export interface RenderState {
  mode: PreviewMode;
  status: RenderStatus;
  /** 0..1 */
  progress: number;
  /** What the player loads: the HLS master (fast, from the first segment) or the file (full). */
  playUrl: string | null;
  /** The `tr` that `playUrl` shows (an earlier one until the new render has a first segment). */
  playTr: string | null;
  result: PreviewResult | null;
  error: string | null;
  /** The `tr` this render is of. */
  tr: string;
}

export interface StudioState {
  tr: string;
  plan: PreviewPlan | null;
  /** The plan's refusal (with the nearest valid setting), shown instead of rendering. */
  planError: string | null;
  planning: boolean;
  render: RenderState | null;
  url: string | null;
  urlError: string | null;
  signed: boolean;
}

let views = 0;

export class PreviewSession extends PlanningSession<StudioState> {
  readonly view = `studio-${++views}`;

  constructor(
    readonly asset: Asset,
    initialTr = '',
    private readonly debounceMs = 200,
  ) {
    super({
      tr: initialTr,
      plan: null,
      planError: null,
      planning: true,
      render: null,
      url: null,
      urlError: null,
      signed: false,
    });
  }

  private get source() {
    return { asset_id: this.asset.id };
  }

  /** A new `tr` from a control or the text field. */
  setTr(tr: string): void {
    if (tr === this.get().tr) return;
    this.set((s) => ({ ...s, tr, planning: true }));
    this.schedule(this.debounceMs);
  }

  setSigned(signed: boolean): void {
    this.set((s) => ({ ...s, signed }));
    void this.updateUrl(this.seq, this.get().tr);
  }

  private async updateUrl(seq: number, tr: string): Promise<void> {
    try {
      const u = await assetUrl(this.asset.id, tr, this.get().signed);
      if (this.live(seq) || (!this.disposed && this.get().tr === tr)) this.set((s) => ({ ...s, url: u.url, urlError: null }));
    } catch (e) {
      if (!this.disposed && this.get().tr === tr) this.set((s) => ({ ...s, urlError: toApiError(e).message }));
    }
  }

  protected async plan(seq: number): Promise<void> {
    const tr = this.get().tr;
    void this.updateUrl(seq, tr);
    let plan: PreviewPlan;
    try {
      plan = await planPreview(this.source, tr);
    } catch (e) {
      if (!this.live(seq)) return;
      this.set((s) => ({ ...s, plan: null, planError: toApiError(e).message, planning: false }));
      this.cancelRender();
      return;
    }
    if (!this.live(seq)) return;
    this.set((s) => ({ ...s, plan, planError: null, planning: false }));
    const mode: PreviewMode = plan.kind === 'video' && plan.video_codec !== null ? 'fast' : 'full';
    void this.render(seq, tr, mode);
  }

  /** Renders the current `tr` at full quality (the file the shop would get). */
  renderFull(): Promise<void> {
    const { tr, planError } = this.get();
    if (planError !== null) return Promise.resolve();
    return this.render(++this.seq, tr, 'full');
  }

  private async render(seq: number, tr: string, mode: PreviewMode): Promise<void> {
    const prev = this.get().render;
    // Keep showing the last finished picture while the next one renders (fast previews swap in on
    // their first segment). An unfinished one is being cancelled and deleted: drop it.
    const keep = prev && prev.status === 'ready' ? prev : null;
    this.set((s) => ({
      ...s,
      render: {
        mode,
        status: 'rendering',
        progress: 0,
        playUrl: keep?.playUrl ?? null,
        playTr: keep?.playTr ?? null,
        result: null,
        error: null,
        tr,
      },
    }));
    const patch = (f: (r: RenderState) => RenderState) => {
      if (!this.live(seq)) return;
      this.set((s) => (s.render ? { ...s, render: f(s.render) } : s));
    };
    const onEvent = (e: PreviewEvent) => {
      switch (e.event) {
        case 'progress':
          patch((r) => ({ ...r, progress: Math.max(r.progress, e.data.fraction) }));
          break;
        case 'first_segment_ready':
          patch((r) => ({ ...r, playUrl: e.data.url, playTr: tr }));
          break;
        case 'finished':
          break;
      }
    };
    try {
      const result = await renderPreview(this.view, this.source, tr, mode, onEvent);
      patch((r) => ({ ...r, status: 'ready', progress: 1, result, playUrl: result.url ?? r.playUrl, playTr: tr }));
    } catch (e) {
      patch((r) => ({ ...r, status: 'failed', error: toApiError(e).message }));
    }
  }
}
