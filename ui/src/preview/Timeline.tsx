// The trim timeline under the players: the original's whole length, the kept part between two
// handles (so / eo), and the playhead. Dragging a handle trims; clicking the bar seeks.

import { useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';

import { formatClock } from '@/preview/format';

interface Props {
  duration: number;
  start: number;
  end: number;
  /** Playhead in seconds of the original. */
  time: number;
  onTrim: (start: number, end: number) => void;
  onSeek: (originalTime: number) => void;
}

const MIN_LEN = 0.1;

export function Timeline({ duration, start, end, time, onTrim, onSeek }: Props) {
  const bar = useRef<HTMLDivElement>(null);
  const [live, setLive] = useState<{ start: number; end: number } | null>(null);
  const drag = useRef<'start' | 'end' | null>(null);
  const s = live?.start ?? start;
  const e = live?.end ?? end;
  const at = (clientX: number) => {
    const r = bar.current?.getBoundingClientRect();
    if (!r || r.width <= 0) return 0;
    return Math.min(duration, Math.max(0, ((clientX - r.left) / r.width) * duration));
  };
  const round = (v: number) => Math.round(v * 100) / 100;
  const grab = (which: 'start' | 'end') => (ev: ReactPointerEvent) => {
    ev.preventDefault();
    ev.stopPropagation();
    (ev.currentTarget as Element).setPointerCapture?.(ev.pointerId);
    drag.current = which;
    setLive({ start, end });
  };
  const move = (ev: ReactPointerEvent) => {
    const which = drag.current;
    if (!which) return;
    const t = round(at(ev.clientX));
    setLive((cur) => {
      const c = cur ?? { start, end };
      return which === 'start'
        ? { ...c, start: Math.min(t, c.end - MIN_LEN) }
        : { ...c, end: Math.max(t, c.start + MIN_LEN) };
    });
  };
  const up = () => {
    if (!drag.current) return;
    drag.current = null;
    if (live) onTrim(Math.max(0, live.start), Math.min(duration, live.end));
    setLive(null);
  };
  const pct = (v: number) => `${(Math.min(duration, Math.max(0, v)) / duration) * 100}%`;
  return (
    <div className="timeline" data-testid="studio-timeline" data-start={s} data-end={e}>
      <span className="timeline-time">{formatClock(s)}</span>
      <div
        ref={bar}
        className="timeline-bar"
        onPointerDown={(ev) => {
          if (ev.button === 0) onSeek(Math.min(e, Math.max(s, at(ev.clientX))));
        }}
        onPointerMove={move}
        onPointerUp={up}
      >
        <div className="timeline-kept" style={{ left: pct(s), width: `calc(${pct(e)} - ${pct(s)})` }} />
        <div className="timeline-playhead" style={{ left: pct(time) }} />
        {(['start', 'end'] as const).map((which) => (
          <div
            key={which}
            role="slider"
            tabIndex={0}
            aria-label={which === 'start' ? 'Trim start' : 'Trim end'}
            aria-valuemin={0}
            aria-valuemax={duration}
            aria-valuenow={which === 'start' ? s : e}
            className={`timeline-handle timeline-handle-${which}`}
            data-testid={`trim-${which}-handle`}
            style={{ left: pct(which === 'start' ? s : e) }}
            onPointerDown={grab(which)}
            onPointerMove={move}
            onPointerUp={up}
            onKeyDown={(ev) => {
              const step = ev.shiftKey ? 1 : 0.1;
              const d = ev.key === 'ArrowLeft' ? -step : ev.key === 'ArrowRight' ? step : 0;
              if (d === 0) return;
              ev.preventDefault();
              if (which === 'start') onTrim(round(Math.max(0, Math.min(start + d, end - MIN_LEN))), end);
              else onTrim(start, round(Math.min(duration, Math.max(end + d, start + MIN_LEN))));
            }}
          />
        ))}
      </div>
      <span className="timeline-time">{formatClock(e)}</span>
    </div>
  );
}
