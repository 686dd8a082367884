// The transformed video: an HLS fast preview or a streaming ladder through hls.js (WebKitGTK has no
// native HLS; MSE works; the full build, since a ladder's sound is an audio group, which the light
// build plays silent), a DASH ladder through dash.js (no native DASH either; `play()` only after
// `canplay`, platform notes §4), or a finished file played directly. Loading a new source keeps
// the playhead, so editing while watching does not jump back to the start.
//
// For ladders: a fixed rendition (`level`), or automatic switching under a bandwidth cap
// (`maxBitrate`): the player never picks a rendition whose declared bit rate is above the cap,
// as a shop's player on that connection would not. A new cap restarts the stream at the playhead
// (as a new rendition does): a short clip is buffered whole at once, so a cap applied in place
// would only show from the next video on.

import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

import type HlsType from 'hls.js';
import type { MediaPlayerClass } from 'dashjs';

export function isHls(url: string): boolean {
  return /\.m3u8(\?|$)/.test(url);
}

export function isDash(url: string): boolean {
  return /\.mpd(\?|$)/.test(url);
}

export interface Rendition {
  width: number;
  height: number;
  /** Declared bits per second. */
  bitrate: number;
}

/**
 * The highest rendition whose bit rate fits `cap` (bits/s), by index into `levels`; the lowest
 * one when none fits (a player always plays something); -1 when there is no cap.
 */
export function capIndex(levels: Rendition[], cap: number | null): number {
  if (cap === null || levels.length === 0) return -1;
  let best = -1;
  let lowest = 0;
  levels.forEach((l, i) => {
    if (l.bitrate <= cap && (best < 0 || l.bitrate > levels[best]!.bitrate)) best = i;
    if (l.bitrate < levels[lowest]!.bitrate) lowest = i;
  });
  return best >= 0 ? best : lowest;
}

/** Plays once the element can (an early `play()` under dash.js gives AbortError in WebKitGTK). */
export function playWhenReady(el: HTMLVideoElement): Promise<void> {
  if (el.readyState >= 3) return Promise.resolve(el.play());
  return new Promise((resolve, reject) => {
    el.addEventListener('canplay', () => Promise.resolve(el.play()).then(resolve, reject), { once: true });
  });
}

interface Props {
  src: string;
  onTime?: (t: number) => void;
  onPlaying?: () => void;
  onWaiting?: () => void;
  onEnded?: () => void;
  onMeta?: (video: HTMLVideoElement) => void;
  onError?: (message: string) => void;
  /** A ladder's renditions, once the player has read its manifest (as listed). */
  onLevels?: (levels: Rendition[]) => void;
  /** The rendition now playing (an index into `onLevels`' list). */
  onLevelSwitched?: (index: number) => void;
  /**
   * The rendition to play: an index, or -1 (the default) to let the player choose by bandwidth.
   * A new choice reloads the stream at the playhead (a fresh MediaSource) instead of flushing the
   * buffer in place: WebKitGTK's MSE hung on hls.js's immediate switch.
   */
  level?: number;
  /** The bandwidth cap for automatic switching, bits/s (null: none); ignored with a fixed `level`. */
  maxBitrate?: number | null;
  testId?: string;
}

export const PreviewVideo = forwardRef<HTMLVideoElement | null, Props>(function PreviewVideo(
  { src, onTime, onPlaying, onWaiting, onEnded, onMeta, onError, onLevels, onLevelSwitched, level = -1, maxBitrate = null, testId = 'studio-preview' },
  ref,
) {
  const video = useRef<HTMLVideoElement>(null);
  useImperativeHandle<HTMLVideoElement | null, HTMLVideoElement | null>(ref, () => video.current, []);
  // The latest callbacks, for the player's listeners (which live as long as the source).
  const on = useRef({ onError, onLevels, onLevelSwitched });
  on.current = { onError, onLevels, onLevelSwitched };
  const cap = level >= 0 ? null : maxBitrate;

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const resumeAt = el.currentTime || 0;
    const wasPlaying = !el.paused && !el.ended;
    let hls: HlsType | null = null;
    let dash: MediaPlayerClass | null = null;
    let current = true;
    const restore = () => {
      if (resumeAt > 0 && Number.isFinite(el.duration) && resumeAt < el.duration) el.currentTime = resumeAt;
      if (wasPlaying) playWhenReady(el).catch(() => {});
    };
    el.addEventListener('loadedmetadata', restore, { once: true });
    if (isHls(src)) {
      void import('hls.js').then(({ default: Hls }) => {
        if (!current) return;
        if (Hls.isSupported()) {
          // No worker: the CSP allows scripts from the app only (no blob: workers). Start at the
          // beginning even while the playlist is still growing (an EVENT playlist looks live).
          const h = new Hls({
            enableWorker: false,
            startPosition: resumeAt,
            lowLatencyMode: false,
            capLevelToPlayerSize: false,
            ...(level >= 0 ? { startLevel: level } : {}),
            ...(cap !== null ? { abrEwmaDefaultEstimate: cap } : {}),
          });
          hls = h;
          h.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) on.current.onError?.(`The preview could not play (${data.details}).`);
          });
          h.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
            const levels = data.levels.map((l) => ({ width: l.width, height: l.height, bitrate: l.bitrate }));
            on.current.onLevels?.(levels);
            // A chosen rendition stays (no switching by bandwidth) without flushing anything.
            if (level >= 0) h.loadLevel = level;
            else h.autoLevelCapping = capIndex(levels, cap);
          });
          h.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => on.current.onLevelSwitched?.(data.level));
          h.loadSource(src);
          h.attachMedia(el);
        } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
          el.src = src;
        } else {
          on.current.onError?.('This window cannot play HLS previews; use "Render full quality".');
        }
      });
    } else if (isDash(src)) {
      void import('dashjs').then((dashjs) => {
        if (!current) return;
        const d = dashjs.MediaPlayer().create();
        dash = d;
        const kbps = (c: number | null) => (c === null ? -1 : Math.max(1, Math.floor(c / 1000)));
        d.updateSettings({
          debug: { logLevel: dashjs.Debug.LOG_LEVEL_WARNING },
          streaming: {
            abr: {
              autoSwitchBitrate: { video: level < 0 },
              maxBitrate: { video: kbps(cap) },
              ...(cap !== null ? { initialBitrate: { video: kbps(cap) } } : {}),
            },
          },
        });
        let reps: { id: string }[] = [];
        d.on(dashjs.MediaPlayer.events.ERROR, (e) => {
          const err = (e as { error?: { message?: string; code?: number } }).error;
          on.current.onError?.(`The DASH ladder could not play (${err?.message ?? err?.code ?? 'unknown error'}).`);
        });
        d.on(dashjs.MediaPlayer.events.STREAM_INITIALIZED, () => {
          const list = d.getRepresentationsByType('video');
          reps = list.map((r) => ({ id: String(r.id) }));
          on.current.onLevels?.(list.map((r) => ({ width: r.width ?? 0, height: r.height ?? 0, bitrate: r.bandwidth ?? 0 })));
          if (level >= 0 && level < list.length) d.setRepresentationForTypeByIndex('video', level, true);
        });
        d.on(dashjs.MediaPlayer.events.QUALITY_CHANGE_RENDERED, (e) => {
          if (e.mediaType !== 'video') return;
          const id = String(e.newRepresentation?.id ?? '');
          const i = reps.findIndex((r) => r.id === id);
          if (i >= 0) on.current.onLevelSwitched?.(i);
        });
        d.initialize(el, src, false, resumeAt > 0 ? resumeAt : undefined);
      });
    } else {
      el.src = src;
    }
    return () => {
      current = false;
      el.removeEventListener('loadedmetadata', restore);
      hls?.destroy();
      dash?.destroy();
    };
  }, [src, level, cap]);

  return (
    <video
      ref={video}
      data-testid={testId}
      data-src={src}
      playsInline
      preload="auto"
      onTimeUpdate={(e) => onTime?.(e.currentTarget.currentTime)}
      onPlaying={onPlaying}
      onWaiting={onWaiting}
      onEnded={onEnded}
      onLoadedMetadata={(e) => onMeta?.(e.currentTarget)}
      onError={() => on.current.onError?.('The preview file could not be played here.')}
    />
  );
});
