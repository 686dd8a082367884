// Crop-box maths for the studio: aspect presets, the largest box of a ratio, dragging and
// resizing inside the frame. Boxes are in pixels of the upright original.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type AspectId = 'free' | '1:1' | '4:5' | '9:16' | '16:9';

export interface Aspect {
  id: AspectId;
  label: string;
  /** Width and height units; `null` for free. */
  units: [number, number] | null;
  hint: string;
}

export const ASPECTS: Aspect[] = [
  { id: 'free', label: 'Free', units: null, hint: 'Any shape' },
  { id: '1:1', label: '1:1', units: [1, 1], hint: 'Shop grid, square posts' },
  { id: '4:5', label: '4:5', units: [4, 5], hint: 'Instagram feed' },
  { id: '9:16', label: '9:16', units: [9, 16], hint: 'Stories, Reels, TikTok' },
  { id: '16:9', label: '16:9', units: [16, 9], hint: 'Product page, YouTube' },
];

export function aspectById(id: AspectId): Aspect {
  return ASPECTS.find((a) => a.id === id)!;
}

/** Which preset a box matches exactly (±1 px of rounding), else `free`. */
export function aspectOf(box: { w: number; h: number }): AspectId {
  for (const a of ASPECTS) {
    if (!a.units) continue;
    const [u, v] = a.units;
    if (Math.abs(box.w * v - box.h * u) <= Math.max(u, v)) return a.id;
  }
  return 'free';
}

/**
 * The largest box of exactly `units` that fits `frameW`×`frameH`, centred. With `even` (video:
 * 4:2:0 chroma needs even sizes) both sides are even.
 */
export function largestBox(frameW: number, frameH: number, units: [number, number], even: boolean): Box {
  const [u, v] = units;
  let k = Math.floor(Math.min(frameW / u, frameH / v));
  if (even && (u % 2 === 1 || v % 2 === 1) && k % 2 === 1) k -= 1;
  k = Math.max(k, 1);
  const w = u * k;
  const h = v * k;
  return { x: Math.floor((frameW - w) / 2), y: Math.floor((frameH - h) / 2), w, h };
}

/** The box for an aspect preset: the largest of its ratio, centred on the current box's centre. */
export function boxForAspect(id: AspectId, frameW: number, frameH: number, current: Box | null, even: boolean): Box {
  const a = aspectById(id);
  if (!a.units) return current ?? { x: 0, y: 0, w: frameW, h: frameH };
  const b = largestBox(frameW, frameH, a.units, even);
  if (!current) return b;
  const cx = current.x + current.w / 2;
  const cy = current.y + current.h / 2;
  return clampBox({ ...b, x: Math.round(cx - b.w / 2), y: Math.round(cy - b.h / 2) }, frameW, frameH);
}

/** Keeps the box inside the frame, moving it (not resizing) where it can. */
export function clampBox(b: Box, frameW: number, frameH: number): Box {
  const w = Math.min(Math.max(1, Math.round(b.w)), frameW);
  const h = Math.min(Math.max(1, Math.round(b.h)), frameH);
  const x = Math.min(Math.max(0, Math.round(b.x)), frameW - w);
  const y = Math.min(Math.max(0, Math.round(b.y)), frameH - h);
  return { x, y, w, h };
}

export function moveBox(b: Box, dx: number, dy: number, frameW: number, frameH: number): Box {
  return clampBox({ ...b, x: b.x + dx, y: b.y + dy }, frameW, frameH);
}

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';

export const HANDLES: Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

const MIN = 16;

function toEven(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

/**
 * Drags a handle by (dx, dy) pixels. The opposite edge or corner stays put; with `units` the
 * ratio is kept (the larger movement leads); the box never leaves the frame.
 */
export function resizeBox(
  b: Box,
  handle: Handle,
  dx: number,
  dy: number,
  units: [number, number] | null,
  frameW: number,
  frameH: number,
  even = false,
): Box {
  const west = handle.includes('w');
  const east = handle.includes('e');
  const north = handle.startsWith('n');
  const south = handle.startsWith('s');
  // Fixed edges.
  const right = b.x + b.w;
  const bottom = b.y + b.h;
  let w = b.w + (east ? dx : west ? -dx : 0);
  let h = b.h + (south ? dy : north ? -dy : 0);
  // Room to grow towards the moving edges.
  const maxW = east ? frameW - b.x : west ? right : frameW;
  const maxH = south ? frameH - b.y : north ? bottom : frameH;
  if (units) {
    const r = units[0] / units[1];
    const horizontal = east || west;
    const vertical = north || south;
    // Edge handles drive one side; corners follow the larger relative movement.
    const byWidth = horizontal && (!vertical || Math.abs(dx) / b.w >= Math.abs(dy) / b.h);
    if (byWidth) h = w / r;
    else w = h * r;
    let limitW = Math.min(maxW, horizontal ? maxW : frameW);
    let limitH = maxH;
    if (!horizontal) limitW = Math.min(frameW, 2 * Math.min(b.x + b.w / 2, frameW - b.x - b.w / 2));
    if (!vertical) limitH = Math.min(frameH, 2 * Math.min(b.y + b.h / 2, frameH - b.y - b.h / 2));
    const scale = Math.min(1, limitW / w, limitH / h);
    w *= scale;
    h *= scale;
    const minScale = Math.max(MIN / w, MIN / h, 1);
    w *= minScale;
    h *= minScale;
    if (even) {
      // Whole units so the ratio stays exact, and even sides.
      let k = Math.floor(Math.min(w / units[0], h / units[1]));
      if ((units[0] % 2 === 1 || units[1] % 2 === 1) && k % 2 === 1) k -= 1;
      k = Math.max(k, 2);
      w = units[0] * k;
      h = units[1] * k;
    }
  } else {
    w = Math.min(Math.max(w, MIN), maxW);
    h = Math.min(Math.max(h, MIN), maxH);
    if (even) {
      w = toEven(w);
      h = toEven(h);
    }
  }
  w = Math.round(w);
  h = Math.round(h);
  let x = west ? right - w : east ? b.x : Math.round(b.x + (b.w - w) / 2);
  let y = north ? bottom - h : south ? b.y : Math.round(b.y + (b.h - h) / 2);
  if (!west && !east && units) x = Math.round(b.x + (b.w - w) / 2);
  if (!north && !south && units) y = Math.round(b.y + (b.h - h) / 2);
  return clampBox({ x, y, w, h }, frameW, frameH);
}

/** Even sides (what a video crop needs), shrinking by at most one pixel each. */
export function evenBox(b: Box): Box {
  return { ...b, w: toEven(b.w), h: toEven(b.h) };
}
