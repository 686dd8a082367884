// What the studio's controls, keys and handles do: each an edit of the `tr`, committed in place.

import { useMemo } from 'react';
import type { RefObject } from 'react';

import { boxForAspect, evenBox } from '@/preview/crop';
import type { AspectId, Box } from '@/preview/crop';
import type { PreviewSession } from '@/preview/session';
import type { ControlActions } from '@/preview/StudioControls';
import * as T from '@/preview/tr';

interface Deps {
  session: PreviewSession;
  commit: (f: (t: T.Tr) => T.Tr) => void;
  video: boolean;
  frameW: number;
  frameH: number;
  duration: number;
  committedCrop: Box | null;
  setLiveCrop: (b: Box | null) => void;
  setAspect: (id: AspectId) => void;
  /** The original player and its last known position, for trims at the playhead. */
  original: RefObject<HTMLVideoElement | null>;
  origTime: number;
}

export function useStudioActions(d: Deps): ControlActions {
  const { session, commit, video, frameW, frameH, duration, committedCrop, setLiveCrop, setAspect, original, origTime } = d;
  return useMemo(
    () => ({
      setCrop: (box) => {
        setLiveCrop(null);
        commit((t) => T.setCrop(t, box ? (video ? evenBox(box) : box) : null));
      },
      setAspect: (id) => {
        setAspect(id);
        if (frameW === 0) return;
        const box = boxForAspect(id, frameW, frameH, committedCrop, video);
        commit((t) => T.setCrop(t, box));
      },
      setSize: (w, h) => commit((t) => T.setSize(t, w, h)),
      turn: (by) => commit((t) => T.turn(t, by)),
      setRotation: (deg) => commit((t) => T.setRotation(t, deg)),
      toggleFlip: (axis) => commit((t) => T.toggleFlip(t, axis)),
      setTrim: (s, e) => {
        const start = s !== null && s > 0 ? s : null;
        const end = e !== null && e < duration ? e : null;
        commit((t) => T.setTrim(t, start, end));
      },
      trimAtPlayhead: (which) => {
        const at = Math.round((original.current?.currentTime ?? origTime) * 100) / 100;
        const c = T.readControls(T.parseTr(session.get().tr));
        const curEnd = c.trim.end ?? (c.trim.duration !== null ? (c.trim.start ?? 0) + c.trim.duration : null);
        if (which === 'start') commit((t) => T.setTrim(t, at > 0 ? at : null, curEnd));
        else commit((t) => T.setTrim(t, c.trim.start, at < duration ? at : null));
      },
      setWatermark: (m) => commit((t) => T.setWatermark(t, m)),
      setOutput: (key, value) =>
        commit((t) => {
          let next = T.setSetting(t, key, value);
          if (key === 'f') {
            // Codecs that the new container can't carry go (the planner would refuse them).
            const c = T.readControls(next);
            const webm = value === 'webm';
            if (c.videoCodec && c.videoCodec !== 'none' && (webm ? c.videoCodec === 'h264' : c.videoCodec !== 'h264'))
              next = T.setSetting(next, 'vc', null);
            if (c.audioCodec && c.audioCodec !== 'none' && (webm ? c.audioCodec === 'aac' : c.audioCodec !== 'aac'))
              next = T.setSetting(next, 'ac', null);
          }
          return next;
        }),
    }),
    [commit, committedCrop, duration, frameH, frameW, origTime, session, video],
  );
}
