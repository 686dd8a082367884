import { describe, expect, it } from 'vitest';

import { aspectOf, boxForAspect, clampBox, largestBox, moveBox, resizeBox } from '@/preview/crop';

describe('aspect presets', () => {
  it('gives the largest centred box of exactly the ratio, with even sides for video', () => {
    // A 640×360 clip.
    expect(largestBox(640, 360, [1, 1], true)).toEqual({ x: 140, y: 0, w: 360, h: 360 });
    expect(largestBox(640, 360, [4, 5], true)).toEqual({ x: 176, y: 0, w: 288, h: 360 });
    expect(largestBox(640, 360, [9, 16], true)).toEqual({ x: 221, y: 4, w: 198, h: 352 });
    expect(largestBox(640, 360, [16, 9], true)).toEqual({ x: 0, y: 0, w: 640, h: 360 });
    // A portrait photo: odd sides are fine for stills.
    expect(largestBox(801, 1200, [1, 1], false)).toEqual({ x: 0, y: 199, w: 801, h: 801 });
    expect(largestBox(801, 1200, [9, 16], false)).toEqual({ x: 63, y: 0, w: 675, h: 1200 });
  });

  it('recognises a preset from a box (rounding allowed) and keeps the centre when switching', () => {
    expect(aspectOf({ w: 360, h: 360 })).toBe('1:1');
    expect(aspectOf({ w: 288, h: 360 })).toBe('4:5');
    expect(aspectOf({ w: 1080, h: 1921 })).toBe('9:16');
    expect(aspectOf({ w: 400, h: 300 })).toBe('free');
    // A small square at the left edge becomes the largest 4:5 there, moved inside the frame.
    expect(boxForAspect('4:5', 640, 360, { x: 0, y: 100, w: 100, h: 100 }, true)).toEqual({ x: 0, y: 0, w: 288, h: 360 });
    expect(boxForAspect('free', 640, 360, null, true)).toEqual({ x: 0, y: 0, w: 640, h: 360 });
  });
});

describe('dragging the crop box', () => {
  const frame = [640, 360] as const;

  it('moves inside the frame only', () => {
    const b = { x: 140, y: 0, w: 360, h: 360 };
    expect(moveBox(b, 50, 10, ...frame)).toEqual({ x: 190, y: 0, w: 360, h: 360 });
    expect(moveBox(b, 500, -40, ...frame)).toEqual({ x: 280, y: 0, w: 360, h: 360 });
    expect(clampBox({ x: -5, y: 2, w: 800, h: 100 }, ...frame)).toEqual({ x: 0, y: 2, w: 640, h: 100 });
  });

  it('resizes from a corner keeping the opposite corner and the ratio', () => {
    const b = { x: 100, y: 50, w: 200, h: 200 };
    // Dragging the bottom-right corner out by 40,10: the larger movement leads, square kept.
    expect(resizeBox(b, 'se', 40, 10, [1, 1], ...frame)).toEqual({ x: 100, y: 50, w: 240, h: 240 });
    // Top-left corner in: the bottom-right stays at 300,250.
    expect(resizeBox(b, 'nw', 50, 20, [1, 1], ...frame)).toEqual({ x: 150, y: 100, w: 150, h: 150 });
    // Growing past the frame stops at its edge, still square.
    expect(resizeBox(b, 'se', 400, 400, [1, 1], ...frame)).toEqual({ x: 100, y: 50, w: 310, h: 310 });
  });

  it('resizes freely per edge, never below the minimum, and evenly for video', () => {
    const b = { x: 100, y: 50, w: 200, h: 200 };
    expect(resizeBox(b, 'e', 31, 0, null, ...frame)).toEqual({ x: 100, y: 50, w: 231, h: 200 });
    expect(resizeBox(b, 'e', 31, 0, null, ...frame, true)).toEqual({ x: 100, y: 50, w: 230, h: 200 });
    expect(resizeBox(b, 'n', 0, 500, null, ...frame)).toEqual({ x: 100, y: 234, w: 200, h: 16 });
    // An edge with a ratio grows the other side around the centre.
    expect(resizeBox(b, 'e', 40, 0, [1, 1], ...frame)).toEqual({ x: 100, y: 30, w: 240, h: 240 });
    // 9:16 stays exact and even.
    const tall = resizeBox({ x: 200, y: 0, w: 198, h: 352 }, 'sw', 30, -40, [9, 16], ...frame, true);
    expect(tall.w * 16).toBe(tall.h * 9);
    expect(tall.w % 2).toBe(0);
    expect(tall.x + tall.w).toBe(398);
  });
});
