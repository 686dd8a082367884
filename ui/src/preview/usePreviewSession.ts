// The studio's model: one PreviewSession per asset (plans and renders as the `tr` changes), the
// parsed `tr` and what the controls read from it, and `commit` to change it one edit at a time.

import { useCallback, useEffect, useMemo } from 'react';

import { useObservable } from '@/app/store';
import type { Asset } from '@/ipc/api';
import { PreviewSession } from '@/preview/session';
import * as T from '@/preview/tr';

export function usePreviewSession(asset: Asset, initialTr: string, debounceMs: number) {
  // One session per asset (a refreshed copy of the same asset keeps it).
  const session = useMemo(() => new PreviewSession(asset, initialTr, debounceMs), [asset.id, initialTr, debounceMs]);
  useEffect(() => {
    session.start();
    return () => session.dispose();
  }, [session]);
  const st = useObservable(session);
  const tr = useMemo(() => T.parseTr(st.tr), [st.tr]);
  const controls = useMemo(() => T.readControls(tr), [tr]);
  const commit = useCallback((f: (t: T.Tr) => T.Tr) => session.setTr(T.printTr(f(T.parseTr(session.get().tr)))), [session]);
  return { session, st, controls, commit };
}
