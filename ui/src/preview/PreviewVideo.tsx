// The transformed video: an HLS fast preview or a streaming ladder through hls.js (WebKitGTK has no
// native HLS; MSE works; the full build, since a ladder's sound is an audio group, which the light
// build plays silent), or a finished file played directly. Loading a new source keeps the playhead, so editing
// while watching does not jump back to the start.

import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

import type HlsType from 'hls.js';

export function isHls(url: string): boolean {
  return /\.m3u8(\?|$)/.test(url);
}

interface Props {
  src: string;
  onTime?: (t: number) => void;
  onPlaying?: () => void;
  onWaiting?: () => void;
  onEnded?: () => void;
  onMeta?: (video: HTMLVideoElement) => void;
  onError?: (message: string) => void;
  /** An HLS master's renditions, once hls.js has read it (lowest first, as listed). */
  onLevels?: (levels: { width: number; height: number; bitrate: number }[]) => void;
  /** The rendition now playing (an index into `onLevels`' list). */
  onLevelSwitched?: (index: number) => void;
  /**
   * The rendition to play: an index, or -1 (the default) to let hls.js choose by bandwidth. A new
   * choice reloads the stream at the playhead (a fresh MediaSource) instead of flushing the
   * buffer in place: WebKitGTK's MSE hung on hls.js's immediate switch.
   */
  level?: number;
  testId?: string;
}

export const PreviewVideo = forwardRef<HTMLVideoElement | null, Props>(function PreviewVideo(
  { src, onTime, onPlaying, onWaiting, onEnded, onMeta, onError, onLevels, onLevelSwitched, level = -1, testId = 'studio-preview' },
  ref,
) {
  const video = useRef<HTMLVideoElement>(null);
  useImperativeHandle<HTMLVideoElement | null, HTMLVideoElement | null>(ref, () => video.current, []);
  // The latest callbacks, for the player's listeners (which live as long as the source).
  const on = useRef({ onError, onLevels, onLevelSwitched });
  on.current = { onError, onLevels, onLevelSwitched };

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const resumeAt = el.currentTime || 0;
    const wasPlaying = !el.paused && !el.ended;
    let hls: HlsType | null = null;
    let live = true;
    const restore = () => {
      if (resumeAt > 0 && Number.isFinite(el.duration) && resumeAt < el.duration) el.currentTime = resumeAt;
      if (wasPlaying) Promise.resolve(el.play()).catch(() => {});
    };
    el.addEventListener('loadedmetadata', restore, { once: true });
    if (isHls(src)) {
      void import('hls.js').then(({ default: Hls }) => {
        if (!live) return;
        if (Hls.isSupported()) {
          // No worker: the CSP allows scripts from the app only (no blob: workers). Start at the
          // beginning even while the playlist is still growing (an EVENT playlist looks live).
          hls = new Hls({
            enableWorker: false,
            startPosition: resumeAt,
            lowLatencyMode: false,
            ...(level >= 0 ? { startLevel: level } : {}),
          });
          hls.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) on.current.onError?.(`The preview could not play (${data.details}).`);
          });
          hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
            on.current.onLevels?.(data.levels.map((l) => ({ width: l.width, height: l.height, bitrate: l.bitrate })));
            // A chosen rendition stays (no switching by bandwidth) without flushing anything.
            if (level >= 0 && hls) hls.loadLevel = level;
          });
          hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => on.current.onLevelSwitched?.(data.level));
          hls.loadSource(src);
          hls.attachMedia(el);
        } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
          el.src = src;
        } else {
          on.current.onError?.('This window cannot play HLS previews; use "Render full quality".');
        }
      });
    } else {
      el.src = src;
    }
    return () => {
      live = false;
      el.removeEventListener('loadedmetadata', restore);
      hls?.destroy();
    };
  }, [src, level]);

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
