// The crop shown on the original: the one in the `tr`, or the live box while it is dragged, and
// the aspect preset it follows.

import { useEffect, useMemo, useState } from 'react';

import { aspectById, aspectOf } from '@/preview/crop';
import type { AspectId, Box } from '@/preview/crop';
import type { Controls } from '@/preview/tr';

export function useStudioCrop(controls: Controls, frameW: number, frameH: number) {
  const committedCrop: Box | null = useMemo(() => {
    const c = controls.crop;
    if (!c || frameW === 0) return null;
    return {
      x: c.x ?? Math.round((frameW - c.w) / 2),
      y: c.y ?? Math.round((frameH - c.h) / 2),
      w: c.w,
      h: c.h,
    };
  }, [controls.crop, frameW, frameH]);
  const [liveCrop, setLiveCrop] = useState<Box | null>(null);
  const crop = liveCrop ?? committedCrop;
  const [aspect, setAspect] = useState<AspectId>(() => (committedCrop ? aspectOf(committedCrop) : '1:1'));
  const units = crop ? aspectById(aspect).units : null;
  // A crop typed (or loaded from a preset) picks its preset; "free" stays free.
  useEffect(() => {
    if (committedCrop) setAspect((cur) => (cur === 'free' ? cur : aspectOf(committedCrop)));
  }, [committedCrop]);
  return { committedCrop, crop, setLiveCrop, aspect, setAspect, units };
}
