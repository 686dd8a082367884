// Toasts: short messages in the corner. Errors carry the backend's message text, never JSON.

import { Observable } from '@/app/store';

export type ToastKind = 'error' | 'info' | 'success';

/** A button on a toast (e.g. Undo); pressing it runs `run` and dismisses the toast. */
export interface ToastAction {
  label: string;
  run: () => void;
  testId?: string;
}

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  action?: ToastAction;
}

export class Toasts extends Observable<Toast[]> {
  private nextId = 1;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(private readonly lifetimeMs = 7000) {
    super([]);
  }

  push(kind: ToastKind, message: string, action?: ToastAction): number {
    const id = this.nextId++;
    // The same message twice in a row (e.g. a page failing again) shows once.
    const list = this.get().filter((t) => !(t.kind === kind && t.message === message));
    this.set([...list, action ? { id, kind, message, action } : { id, kind, message }].slice(-5));
    if (this.lifetimeMs > 0) {
      this.timers.set(
        id,
        setTimeout(() => this.dismiss(id), kind === 'error' ? this.lifetimeMs * 2 : this.lifetimeMs),
      );
    }
    return id;
  }

  error(message: string): number {
    return this.push('error', message);
  }

  info(message: string): number {
    return this.push('info', message);
  }

  success(message: string, action?: ToastAction): number {
    return this.push('success', message, action);
  }

  dismiss(id: number): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
    this.set((list) => list.filter((x) => x.id !== id));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
