// A rendered ladder played as a shop's player plays it: hls.js for HLS, dash.js for DASH, with a
// fixed-rendition menu, a bandwidth cap for automatic switching, and the rendition now on screen
// (what the player says it switched to).

import { useEffect, useRef, useState } from 'react';

import { useServices } from '@/app/context';
import { formatBitRate } from '@/library/format';
import { PreviewVideo, playWhenReady } from '@/preview/PreviewVideo';
import type { Rendition } from '@/preview/PreviewVideo';

/** Bandwidth caps offered, bits/s: from a weak mobile signal to a good line. */
export const CAPS = [300_000, 500_000, 1_000_000, 2_000_000, 4_000_000, 8_000_000] as const;

interface Props {
  url: string;
  format: 'hls' | 'dash';
  /** The player's renditions as they load and which one plays (the ladder panel marks its plan). */
  onPlaying?: (height: number | null) => void;
  /** The manifest inspector shown (beside, in the panel). */
  inspect: boolean;
  onToggleInspect: () => void;
}

export function LadderPlayer({ url, format, onPlaying, inspect, onToggleInspect }: Props) {
  const { toasts } = useServices();
  const [levels, setLevels] = useState<Rendition[]>([]);
  const [level, setLevel] = useState(-1);
  const [cap, setCap] = useState<number | null>(null);
  const [playing, setPlaying] = useState<number | null>(null);
  const player = useRef<HTMLVideoElement | null>(null);
  useEffect(() => {
    setLevels([]);
    setLevel(-1);
    setPlaying(null);
  }, [url]);
  const now = playing !== null ? levels[playing] : undefined;
  const notify = useRef(onPlaying);
  notify.current = onPlaying;
  useEffect(() => notify.current?.(now?.height ?? null), [now?.height]);

  const label = (() => {
    if (!now) return 'Press play';
    const mode = level >= 0 ? 'fixed' : cap !== null ? `auto, capped at ${formatBitRate(cap)}` : 'auto';
    return `Playing ${now.height}p · ${formatBitRate(now.bitrate)} (${mode})`;
  })();

  return (
    <div className="ladder-player" data-testid="ladder-player" data-format={format}>
      <div className="ladder-video">
        <PreviewVideo
          ref={player}
          src={url}
          testId="ladder-video"
          level={level}
          maxBitrate={level >= 0 ? null : cap}
          onLevels={setLevels}
          onLevelSwitched={setPlaying}
          onError={(m) => toasts.error(m)}
        />
      </div>
      <div className="ladder-levels">
        <select
          aria-label="Rendition"
          data-testid="ladder-level"
          data-levels={levels.length}
          value={level}
          onChange={(e) => setLevel(Number(e.target.value))}
        >
          <option value={-1}>Auto (by bandwidth)</option>
          {levels.map((l, i) => (
            <option key={`${l.height}-${l.bitrate}-${i}`} value={i}>
              {l.height}p · {formatBitRate(l.bitrate)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-small btn-square"
          data-testid="ladder-play"
          aria-label="Play or pause the ladder"
          onClick={() => {
            const v = player.current;
            if (!v) return;
            if (v.paused) playWhenReady(v).catch((e: Error) => toasts.error(`The ladder could not play: ${e.message}`));
            else v.pause();
          }}
        >
          ▶
        </button>
      </div>
      <div className="ladder-levels">
        <select
          aria-label="Bandwidth cap"
          data-testid="ladder-cap"
          title={level >= 0 ? 'A fixed rendition ignores the bandwidth: choose Auto to switch by it' : 'Play as a shopper on this connection would'}
          disabled={level >= 0}
          value={cap ?? ''}
          onChange={(e) => setCap(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">No bandwidth cap</option>
          {CAPS.map((c) => (
            <option key={c} value={c}>
              Cap at {formatBitRate(c)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className={`btn btn-small${inspect ? ' btn-on' : ''}`}
          data-testid="manifest-toggle"
          aria-expanded={inspect}
          onClick={onToggleInspect}
        >
          Manifest
        </button>
      </div>
      <span className="ladder-now" data-testid="ladder-playing" data-height={now?.height}>
        {label}
      </span>
    </div>
  );
}
