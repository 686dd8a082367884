// What the studio's sessions share: plan the current state after a short pause (answers to
// older plans are dropped by sequence number), and on dispose stop the timer and cancel the
// view's render in the backend.

import { Observable } from '@/app/store';
import { cancelPreview } from '@/ipc/api';

export abstract class PlanningSession<S> extends Observable<S> {
  /** The backend's id for this session's renders (a new render cancels the one before). */
  abstract readonly view: string;
  /** Bumped by every plan (and render) started; only the latest may change the state. */
  protected seq = 0;
  protected disposed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Plans the current state (`seq` is its number: check `live(seq)` before each change). */
  protected abstract plan(seq: number): Promise<void>;

  /** Plans at once (again after `dispose`, as React may do). */
  start(): void {
    this.disposed = false;
    this.schedule(0);
  }

  /** Plans after `delay` ms; a later call replaces an earlier one still waiting. */
  protected schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    const run = () => {
      this.timer = null;
      void this.plan(++this.seq);
    };
    if (delay <= 0) run();
    else this.timer = setTimeout(run, delay);
  }

  protected live(seq: number): boolean {
    return !this.disposed && seq === this.seq;
  }

  /** Stops this view's render in the backend, if one runs (its partial files are deleted). */
  protected cancelRender(): void {
    void cancelPreview(this.view).catch(() => {});
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.cancelRender();
  }
}
