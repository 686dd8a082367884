// The watermark's drag handle on the shop view: drawn where the renderer roughly puts the mark,
// dragged in output pixels, committed as the mark's x/y on release.

import { useRef, useState } from 'react';

import type { Watermark } from '@/preview/tr';
import { mediaScale } from '@/preview/useFit';

/** Roughly where the renderer puts the watermark (output pixels), for the drag handle. */
function markRect(m: Watermark, outW: number, outH: number): { x: number; y: number; w: number; h: number } {
  let w: number;
  let h: number;
  if (m.kind === 'text') {
    const fs = m.fontSize ?? 16;
    const pad = m.padding ?? 0;
    w = Math.ceil(0.58 * fs * Math.max(1, m.text.length)) + 2 * pad;
    h = Math.ceil(1.2 * fs) + 2 * pad;
  } else {
    w = m.width ?? m.height ?? 100;
    h = m.height ?? m.width ?? 100;
  }
  const along = (v: number | null, anchor: 'start' | 'center' | 'end', outer: number, inner: number) => {
    if (v !== null) return v < 0 ? outer - inner + v : v;
    return anchor === 'start' ? 0 : anchor === 'end' ? outer - inner : Math.round((outer - inner) / 2);
  };
  const a = m.anchor ?? 'center';
  const ax = a.endsWith('left') ? 'start' : a.endsWith('right') ? 'end' : 'center';
  const ay = a.startsWith('top') ? 'start' : a.startsWith('bottom') ? 'end' : 'center';
  const hasXY = m.x !== null || m.y !== null;
  return {
    x: hasXY ? along(m.x ?? 0, 'start', outW, w) : along(null, ax, outW, w),
    y: hasXY ? along(m.y ?? 0, 'start', outH, h) : along(null, ay, outH, h),
    w,
    h,
  };
}

interface Props {
  mark: Watermark;
  /** The output's size in pixels. */
  outW: number;
  outH: number;
  onPlace: (m: Watermark) => void;
}

export function WatermarkHandle({ mark, outW, outH, onPlace }: Props) {
  const [liveMark, setLiveMark] = useState<{ x: number; y: number } | null>(null);
  const markDrag = useRef<{ sx: number; sy: number; x: number; y: number; scale: number } | null>(null);
  const markBox = markRect(mark, outW, outH);
  const shownMark = liveMark ? { ...markBox, ...liveMark } : markBox;
  return (
    <div
      className="wm-handle"
      data-testid="wm-handle"
      title="Drag to place the watermark"
      style={{
        left: `${(shownMark.x / outW) * 100}%`,
        top: `${(shownMark.y / outH) * 100}%`,
        width: `${(shownMark.w / outW) * 100}%`,
        height: `${(shownMark.h / outH) * 100}%`,
      }}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
        markDrag.current = { sx: e.clientX, sy: e.clientY, x: markBox.x, y: markBox.y, scale: mediaScale(e.currentTarget.parentElement, outW) };
      }}
      onPointerMove={(e) => {
        const d = markDrag.current;
        if (!d) return;
        const x = Math.round(Math.max(0, Math.min(outW - markBox.w, d.x + (e.clientX - d.sx) * d.scale)));
        const y = Math.round(Math.max(0, Math.min(outH - markBox.h, d.y + (e.clientY - d.sy) * d.scale)));
        setLiveMark({ x, y });
      }}
      onPointerUp={() => {
        markDrag.current = null;
        if (liveMark) onPlace({ ...mark, x: liveMark.x, y: liveMark.y });
        setLiveMark(null);
      }}
    />
  );
}
