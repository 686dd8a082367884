// The transformed video: an HLS fast preview through hls.js's light build (WebKitGTK has no native HLS; MSE
// works) or a finished file played directly. Loading a new source keeps the playhead, so editing
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
}

export const PreviewVideo = forwardRef<HTMLVideoElement | null, Props>(function PreviewVideo(
  { src, onTime, onPlaying, onWaiting, onEnded, onMeta, onError },
  ref,
) {
  const video = useRef<HTMLVideoElement>(null);
  useImperativeHandle<HTMLVideoElement | null, HTMLVideoElement | null>(ref, () => video.current, []);
  const errorRef = useRef(onError);
  errorRef.current = onError;

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
      void import('hls.js/light').then(({ default: Hls }) => {
        if (!live) return;
        if (Hls.isSupported()) {
          // No worker: the CSP allows scripts from the app only (no blob: workers). Start at the
          // beginning even while the playlist is still growing (an EVENT playlist looks live).
          hls = new Hls({ enableWorker: false, startPosition: resumeAt, lowLatencyMode: false });
          hls.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) errorRef.current?.(`The preview could not play (${data.details}).`);
          });
          hls.loadSource(src);
          hls.attachMedia(el);
        } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
          el.src = src;
        } else {
          errorRef.current?.('This window cannot play HLS previews; use "Render full quality".');
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
  }, [src]);

  return (
    <video
      ref={video}
      data-testid="studio-preview"
      data-src={src}
      playsInline
      preload="auto"
      onTimeUpdate={(e) => onTime?.(e.currentTarget.currentTime)}
      onPlaying={onPlaying}
      onWaiting={onWaiting}
      onEnded={onEnded}
      onLoadedMetadata={(e) => onMeta?.(e.currentTarget)}
      onError={() => errorRef.current?.('The preview file could not be played here.')}
    />
  );
});
