// The largest box of a given aspect that fits an element (media shown with `object-fit: contain`
// then fills it exactly, so overlays can be positioned in the media's own pixels).

import { useLayoutEffect, useState } from 'react';
import type { RefObject } from 'react';

export function useFit(ref: RefObject<HTMLElement | null>, w: number, h: number): { width: number; height: number } {
  const [box, setBox] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || w <= 0 || h <= 0) return;
    const measure = () => {
      const cw = el.clientWidth;
      const ch = el.clientHeight;
      const s = Math.min(cw / w, ch / h);
      const next = { width: Math.floor(w * s), height: Math.floor(h * s) };
      setBox((b) => (b.width === next.width && b.height === next.height ? b : next));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, w, h]);
  return box;
}

/** Pixels of the media per screen pixel, from the fitted element's current size. */
export function mediaScale(el: Element | null, mediaW: number): number {
  const r = el?.getBoundingClientRect();
  return r && r.width > 0 ? mediaW / r.width : 1;
}
