// The crop box over the original: drag inside to move it, drag a handle to resize it (the aspect
// preset's ratio is kept), outside it is dimmed. Works in pixels of the upright original; the
// parent commits the box (cm-extract,x,y,w,h) when a drag ends.

import { useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';

import { HANDLES, moveBox, resizeBox } from '@/preview/crop';
import type { Box, Handle } from '@/preview/crop';
import { mediaScale } from '@/preview/useFit';

interface Props {
  box: Box;
  frameW: number;
  frameH: number;
  units: [number, number] | null;
  even: boolean;
  /** While dragging (live, for the numbers). */
  onChange: (b: Box) => void;
  /** When a drag ends. */
  onCommit: (b: Box) => void;
}

type Drag = { kind: 'move' } | { kind: 'resize'; handle: Handle };

const pct = (v: number, of: number) => `${(v / of) * 100}%`;

export function CropOverlay({ box, frameW, frameH, units, even, onChange, onCommit }: Props) {
  const root = useRef<HTMLDivElement>(null);
  const drag = useRef<{ d: Drag; x: number; y: number; start: Box; scale: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const latest = useRef(box);
  latest.current = box;

  const begin = (d: Drag) => (e: ReactPointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    drag.current = { d, x: e.clientX, y: e.clientY, start: box, scale: mediaScale(root.current, frameW) };
    setDragging(true);
  };
  const move = (e: ReactPointerEvent) => {
    const g = drag.current;
    if (!g) return;
    const dx = (e.clientX - g.x) * g.scale;
    const dy = (e.clientY - g.y) * g.scale;
    const next =
      g.d.kind === 'move'
        ? moveBox(g.start, dx, dy, frameW, frameH)
        : resizeBox(g.start, g.d.handle, dx, dy, units, frameW, frameH, even);
    onChange(next);
  };
  const end = () => {
    if (!drag.current) return;
    drag.current = null;
    setDragging(false);
    onCommit(latest.current);
  };

  return (
    <div ref={root} className={`crop-layer${dragging ? ' dragging' : ''}`} onPointerMove={move} onPointerUp={end} onPointerCancel={end}>
      <div
        className="crop-box"
        data-testid="crop-box"
        data-x={box.x}
        data-y={box.y}
        data-w={box.w}
        data-h={box.h}
        style={{ left: pct(box.x, frameW), top: pct(box.y, frameH), width: pct(box.w, frameW), height: pct(box.h, frameH) }}
        onPointerDown={begin({ kind: 'move' })}
        onPointerMove={move}
        onPointerUp={end}
      >
        <div className="crop-thirds" aria-hidden="true" />
        <span className="crop-size">
          {box.w} × {box.h}
        </span>
        {HANDLES.map((h) => (
          <div
            key={h}
            className={`crop-handle crop-handle-${h}`}
            data-testid={`crop-handle-${h}`}
            onPointerDown={begin({ kind: 'resize', handle: h })}
            onPointerMove={move}
            onPointerUp={end}
          />
        ))}
      </div>
    </div>
  );
}
