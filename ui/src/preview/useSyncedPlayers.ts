// The two players of a video: the shop's version leads, the original follows it (offset by the
// trim's start), and one play, pause and seek drives both.

import { useCallback, useEffect, useRef, useState } from 'react';

/** `trimStart`: where the output starts in the original (s); `outDuration`: the output's length. */
export function useSyncedPlayers(trimStart: number, outDuration: number, playUrl: string | null) {
  const original = useRef<HTMLVideoElement>(null);
  const preview = useRef<HTMLVideoElement | null>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0); // seconds of the output
  const [origTime, setOrigTime] = useState(0);
  const [playError, setPlayError] = useState<string | null>(null);
  useEffect(() => setPlayError(null), [playUrl]);

  const syncOriginal = useCallback(
    (t: number) => {
      const o = original.current;
      if (!o) return;
      const want = trimStart + t;
      if (Math.abs(o.currentTime - want) > 0.3) o.currentTime = want;
    },
    [trimStart],
  );
  const play = useCallback(() => {
    const p = preview.current;
    const o = original.current;
    if (p) {
      syncOriginal(p.currentTime);
      Promise.resolve(p.play()).catch((e: unknown) => setPlayError(String((e as Error)?.message ?? e)));
    }
    if (o) Promise.resolve(o.play()).catch(() => {});
    setPlaying(true);
  }, [syncOriginal]);
  const pause = useCallback(() => {
    preview.current?.pause();
    original.current?.pause();
    setPlaying(false);
  }, []);
  const seek = useCallback(
    (t: number) => {
      const p = preview.current;
      const clamped = Math.max(0, Math.min(outDuration, t));
      if (p) p.currentTime = clamped;
      const o = original.current;
      if (o) o.currentTime = trimStart + clamped;
      setTime(clamped);
      setOrigTime(trimStart + clamped);
    },
    [outDuration, trimStart],
  );

  return { original, preview, playing, setPlaying, time, setTime, origTime, setOrigTime, playError, setPlayError, syncOriginal, play, pause, seek };
}
